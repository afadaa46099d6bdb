"""Where a digital signature shows on the page (Decree 30/2020, Phụ lục I, Phần I mục II.7–8).

* The person's signature image (blue, transparent PNG) sits in the signer block, centred
  between the title (``KT. GIÁM ĐỐC`` / ``PHÓ GIÁM ĐỐC``) and the signer's name.
* The agency's seal image (red, true size, transparent PNG) covers about one third of the
  signature image, on its left.
* Attachments issued as separate files and electronic copies carry the agency's signature
  without image at the top right of page 1: Times New Roman 10 pt text.

The signer block is found by reading the page's text positions (pdfminer.six), never from
coordinates a user gives: a stack of capitalised lines (the authority and title), then the
space left for the signature (at least ``GAP_LINES`` lines high), then the name below, in the
same column. Boxes are PDF user space: points from the bottom-left corner, ``(x0, y0, x1, y1)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..i18n import _

__all__ = ["Box", "SignerBlock", "TextLine", "choose_block", "find_signer_blocks", "image_size", "number_on_page",
           "page_size", "place_seal", "place_signature", "read_lines", "top_right_box"]

Box = tuple[float, float, float, float]

GAP_LINES = 2.5  # the space between the title and the name, in line heights, that makes a signer block
PADDING = 3.0  # points kept clear between the signature image and the title or the name
NAME_MAX_WORDS = 7  # a name line is short: "Nguyễn Thị Minh Khai"
MM = 72 / 25.4


@dataclass(frozen=True)
class TextLine:
    page: int  # from 0
    text: str
    box: Box

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def centre(self) -> float:
        return (self.box[0] + self.box[2]) / 2


@dataclass(frozen=True)
class SignerBlock:
    """One signer block: its title lines (top down), its name line, and the gap between them."""

    page: int
    titles: tuple[TextLine, ...]
    name: TextLine

    @property
    def title(self) -> TextLine:
        return self.titles[-1]

    @property
    def box(self) -> Box:
        """The block's box: from the top of the first title line to the bottom of the name."""
        lines = (*self.titles, self.name)
        return (min(ln.box[0] for ln in lines), self.name.box[1], max(ln.box[2] for ln in lines),
                self.titles[0].box[3])

    @property
    def slot(self) -> Box:
        """Where the signature image goes: the block's width, between the title and the name."""
        x0, _, x1, _ = self.box
        return (x0, self.name.box[3] + PADDING, x1, self.title.box[1] - PADDING)


def _capitalised(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _fold(text: str) -> str:
    """Case, diacritics and spacing folded away: certificates often carry ``NGUYEN VAN AN``."""
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in bare if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", bare.casefold()).split())


def names_match(name: str, holder: str) -> bool:
    """Is the block's name the certificate holder's (the same words, or all of them within it)?"""
    a, b = _fold(name), _fold(holder)
    return bool(a) and (a == b or f" {a} " in f" {b} ")


def read_lines(pdf: Path, pages: Sequence[int] | None = None) -> list[TextLine]:
    """The text lines of the PDF's pages (all, or those given), each with its box."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer, LTTextLine
    from pdfminer.pdfparser import PDFSyntaxError

    found: list[TextLine] = []

    def walk(item, page: int) -> None:
        if isinstance(item, LTTextLine):
            text = " ".join(item.get_text().split())
            if text:
                found.append(TextLine(page, unicodedata.normalize("NFC", text), tuple(item.bbox)))
            return
        if isinstance(item, LTTextContainer) or hasattr(item, "__iter__"):
            for child in item:
                walk(child, page)

    try:
        for index, layout in enumerate(extract_pages(str(pdf), page_numbers=pages, laparams=LAParams())):
            page = pages[index] if pages is not None else index
            for item in layout:
                walk(item, page)
    except PDFSyntaxError as e:
        raise InputError(_("not a readable PDF: {error}").format(error=e), source=str(pdf)) from e
    return found


def page_size(pdf: Path, page: int = 0) -> tuple[float, float]:
    from pypdf import PdfReader

    box = PdfReader(str(pdf)).pages[page].mediabox
    return float(box.width), float(box.height)


def _same_column(a: TextLine, b: TextLine) -> bool:
    """b's centre lies within a's width and a's within b's: one column of centred lines."""
    return a.box[0] <= b.centre <= a.box[2] and b.box[0] <= a.centre <= b.box[2]


def find_signer_blocks(lines: Sequence[TextLine]) -> list[SignerBlock]:
    """Every signer block on the pages read, in reading order."""
    blocks = []
    by_page: dict[int, list[TextLine]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    for page, page_lines in sorted(by_page.items()):
        ordered = sorted(page_lines, key=lambda ln: -ln.box[3])
        for i, title in enumerate(ordered):
            if not _capitalised(title.text):
                continue
            below = [ln for ln in ordered[i + 1:] if ln.box[3] <= title.box[1] + 1 and _same_column(title, ln)]
            if not below:
                continue
            name = below[0]
            gap = title.box[1] - name.box[3]
            if gap < GAP_LINES * title.height or _capitalised(name.text):
                continue
            left, right = min(title.box[0], name.box[0]), max(title.box[2], name.box[2])
            if any(ln.box[3] > name.box[3] + 1 and ln.box[1] < title.box[1] - 1 and ln.box[0] < right
                   and left < ln.box[2] for ln in page_lines):
                continue  # the space for the signature is empty: a table's rows are no signer block
            words = name.text.split()
            if not (2 <= len(words) <= NAME_MAX_WORDS) or any(c.isdigit() for c in name.text):
                continue
            if not all(w[0].isupper() for w in words if w[0].isalpha()):
                continue
            titles = [title]
            for above in reversed(ordered[:i]):  # upwards: the authority line(s) over the title
                top = titles[0]
                if (_capitalised(above.text) and _same_column(top, above) and above.box[1] >= top.box[3] - 1
                        and above.box[1] - top.box[3] < top.height):
                    titles.insert(0, above)
                elif above.box[1] >= top.box[3] - 1 and above.box[1] - top.box[3] < top.height \
                        and _same_column(top, above):
                    break
            blocks.append(SignerBlock(page, tuple(titles), name))
    return blocks


def choose_block(blocks: Sequence[SignerBlock], pdf: Path, *, signer: str | None = None,
                 over: Sequence[tuple[int, Box]] = ()) -> SignerBlock:
    """The block to sign in: the one naming ``signer`` (the certificate's holder), else the one under
    an earlier signature (``over``: its page and box), else the only one."""
    if not blocks:
        raise InputError(_("no signer block found (a title, space for the signature, then the signer's name)"),
                         source=str(pdf))
    if signer:
        named = [b for b in blocks if names_match(b.name.text, signer)]
        if named:
            return named[0]
    for page, box in over:
        for b in blocks:
            if b.page == page and _overlaps(b.box, box):
                return b
    if len(blocks) == 1:
        return blocks[0]
    names = ", ".join(b.name.text for b in blocks)
    raise InputError(_("{count} signer blocks ({names}) and none names the certificate's holder {signer}").format(
        count=len(blocks), names=names, signer=signer or "").rstrip(), source=str(pdf))


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def image_size(path: Path, *, true_size: bool, what: str) -> tuple[float, float]:
    """The image's width and height in points. ``true_size``: from its resolution (dpi), which
    it must carry (a seal is shown at its real size); else in pixels, for scaling."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            width, height = img.size
            dpi = img.info.get("dpi")
            mode = img.mode
    except FileNotFoundError as e:
        raise InputError(_("{what}: no such file").format(what=what), source=str(path)) from e
    except (OSError, UnidentifiedImageError) as e:
        raise InputError(_("{what}: not an image Pillow can read").format(what=what), source=str(path)) from e
    if mode not in ("RGBA", "LA", "P", "PA"):
        raise InputError(_("{what}: must be a PNG with a transparent background (it has no alpha channel)").format(
            what=what), source=str(path))
    if not true_size:
        return float(width), float(height)
    if not dpi or not dpi[0] or not dpi[1]:
        raise InputError(_("{what}: the image carries no resolution (dpi), so its true size is unknown:"
                           " save it with its resolution").format(what=what), source=str(path))
    return width * 72 / float(dpi[0]), height * 72 / float(dpi[1])


def place_signature(block: SignerBlock, size: tuple[float, float]) -> Box:
    """The signature image scaled to fit the slot between title and name, centred in it."""
    x0, y0, x1, y1 = block.slot
    w, h = size
    if y1 - y0 <= 0 or x1 - x0 <= 0:
        raise InputError(_("the signer block leaves no room for the signature image"))
    scale = min((x1 - x0) / w, (y1 - y0) / h)
    w, h = w * scale, h * scale
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def place_seal(signature: Box, size: tuple[float, float]) -> Box:
    """The seal at its true size, covering the left third of the signature image, centred on it vertically."""
    w, h = size
    right = signature[0] + (signature[2] - signature[0]) / 3
    cy = (signature[1] + signature[3]) / 2
    return (right - w, cy - h / 2, right, cy + h / 2)


def top_right_box(page: tuple[float, float], size: tuple[float, float], *, right_mm: float = 15,
                  top_mm: float = 4) -> Box:
    """A box of ``size`` at the top right of the page, inside the right margin, in the top margin."""
    pw, ph = page
    w, h = size
    x1, y1 = pw - right_mm * MM, ph - top_mm * MM
    return (x1 - w, y1 - h, x1, y1)


NUMBER = re.compile(r"\bS[ốố]\s*:\s*(\d+/[\w.Đđ-]+)|\bs[ốố]\s+(\d+/[\w.Đđ-]+)", re.UNICODE)


def number_on_page(lines: Sequence[TextLine], page: int = 0) -> str | None:
    """The document's number and symbol as page 1 prints it: ``Số: 05/QĐ-SNV``, else the first
    ``… số 05/QĐ-SNV`` (an attachment's ``Kèm theo Quyết định số …``)."""
    for ln in lines:
        if ln.page != page:
            continue
        m = NUMBER.search(unicodedata.normalize("NFC", ln.text))
        if m:
            return m.group(1) or m.group(2)
    return None
