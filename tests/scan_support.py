"""Scans made by the tests themselves: Vietnamese text rendered with a Unicode font.

A page is drawn at 200 dpi with Liberation Serif (fonts-liberation2), turned a
little and blurred, then saved as an image-only PDF, a JPEG and a TIFF, the way
a flatbed scanner or a phone would hand them over. ``legacy_pdf`` adds what a
document typed with a TCVN3 (ABC) font extracts as: an invisible mojibake layer.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

DPI = 200
A4 = (round(8.27 * DPI), round(11.69 * DPI))

HEADER_LEFT = ("UBND TỈNH CÀ MAU", "SỞ NỘI VỤ", "Số: 07/QĐ-SNV")
HEADER_RIGHT = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Cà Mau, ngày 16 tháng 3 năm 2015")
HEADING = ("QUYẾT ĐỊNH", "Về việc tặng Giấy khen cho các tập thể và cá nhân")
BODY = (
    "Điều 1. Tặng Giấy khen của Giám đốc Sở Nội vụ cho ba tập thể và mười hai",
    "cá nhân đã có thành tích xuất sắc trong phong trào thi đua yêu nước năm 2014.",
    "Điều 2. Mỗi tập thể được thưởng kèm theo Giấy khen một khoản tiền.",
    "Điều 3. Chánh Văn phòng Sở, Trưởng phòng Thi đua, khen thưởng và các cá nhân",
    "có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
)
LINES = HEADER_LEFT + HEADER_RIGHT + HEADING + BODY
NUMBER = "07/QĐ-SNV"

_WORD = re.compile(r"[^\W_]+(?:[/-][^\W_]+)*")


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(unicodedata.normalize("NFC", text)))


def recovered_share(expected: str, found: str) -> float:
    """The share of ``expected``'s words (with their diacritics) that ``found`` has."""
    want = words(expected)
    return sum((want & words(found)).values()) / sum(want.values())


def _font(bold: bool = False):
    from PIL import ImageFont

    style = "Liberation Serif:bold" if bold else "Liberation Serif"
    path = subprocess.run(["fc-match", "-f", "%{file}", style], capture_output=True, text=True, check=True).stdout
    return ImageFont.truetype(path, 36)  # 13 pt at 200 dpi


def render_page(lines_left=HEADER_LEFT, lines_right=HEADER_RIGHT, heading=HEADING, body=BODY, *, angle=1.2):
    """An A4 page at 200 dpi in Decree 30's layout, turned ``angle`` degrees and blurred."""
    from PIL import Image, ImageDraw, ImageFilter

    regular, bold = _font(), _font(bold=True)
    image = Image.new("RGB", A4, "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines_left):
        draw.text((140, 200 + 60 * i), line, font=bold if i == 1 else regular, fill="black")
    for i, line in enumerate(lines_right):
        draw.text((760, 200 + 60 * i), line, font=bold if i < 2 else regular, fill="black")
    y = 520
    for line in heading:
        width = draw.textlength(line, font=bold)
        draw.text(((A4[0] - width) / 2, y), line, font=bold, fill="black")
        y += 60
    y += 40
    for line in body:
        draw.text((160, y), line, font=regular, fill="black")
        y += 60
    turned = image.rotate(angle, resample=Image.BICUBIC, fillcolor="white")
    return turned.filter(ImageFilter.GaussianBlur(0.7))


def blank_page():
    from PIL import Image

    return Image.new("RGB", (A4[0] // 2, A4[1] // 2), "white")


def save_pdf(image, path: Path) -> Path:
    image.save(path, resolution=DPI)
    return path


def save_jpeg(image, path: Path) -> Path:
    image.save(path, quality=85, dpi=(DPI, DPI))
    return path


def save_tiff(images, path: Path) -> Path:
    first, *rest = images
    first.save(path, save_all=True, append_images=rest, dpi=(DPI, DPI), compression="tiff_lzw")
    return path


# --------------------------------------------------------------------------- legacy fonts

_TCVN3 = dict(
    zip(
        "áàảãạăắằẳẵặâấầẩẫậđéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵ",
        "¸µ¶·¹¨¾»¼½Æ©ÊÇÈÉË®ÐÌÎÏÑªÕÒÓÔÖÝ×ØÜÞãßáâä«èåæçé¬íêëìîóïñòô\xadøõö÷ùýúûüþ",
        strict=True,
    )
)


def tcvn3_mojibake(text: str) -> str:
    """What a PDF typed with a TCVN3 (.VnTime) font extracts as: "Cộng hòa" -> "Céng hßa"."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        code = _TCVN3.get(ch.lower())
        out.append(code if code is not None else ch)
    return "".join(out)


def legacy_pdf(scan_pdf: Path, path: Path, lines=LINES) -> Path:
    """``scan_pdf`` with an invisible text layer in TCVN3 mojibake over its image."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    def literal(line: str) -> bytes:
        data = tcvn3_mojibake(line).encode("cp1252")
        return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    ops = [b"BT 3 Tr /FL 11 Tf"]
    for i, line in enumerate(lines):
        ops.append(b"1 0 0 1 60 %d Tm " % (780 - 18 * i) + literal(line) + b" Tj")
    ops.append(b"ET")
    writer = PdfWriter(clone_from=str(scan_pdf))
    page = writer.pages[0]
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    text = writer.add_blank_page(width=page.mediabox.width, height=page.mediabox.height)
    stream = DecodedStreamObject()
    stream.set_data(b"\n".join(ops))
    text[NameObject("/Contents")] = writer._add_object(stream)
    text[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/FL"): writer._add_object(font)})}
    )
    page.merge_page(text)
    writer.remove_page(1)
    with open(path, "wb") as f:
        writer.write(f)
    return path
