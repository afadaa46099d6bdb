"""Text out of documents, and the metadata a clerk would read off their first page.

    extract(path, ocr=None) -> Extracted     .docx straight from its parts (docxtext.py), .pdf
                                             text layers via pypdf, images (PNG, JPEG, TIFF)
                                             checked, no text
    extract_data(path, data) -> Extracted    the same from the file's bytes already in hand
                                             (read once to hash and extract; a render's output)
    detect_metadata(text) -> DetectedMeta    Số …, the date line, the type heading,
                                             the agency in the header, the trích yếu

Text is NFC, one paragraph (or PDF line) per line. A file that cannot be read
raises ``UnreadableDocumentError`` naming the reason; so does a .docx whose parts
would inflate past ``DOCX_PART_LIMIT`` each or ``DOCX_TOTAL_LIMIT`` together (a
zip bomb), checked before any part is read. Scans have no usable text:
an image has none, a scanned PDF no text layer, a too short one, or a garbled one
(legacy TCVN3/VNI fonts, see textcheck.py). ``Extracted.needs_ocr`` and
``ocr_reason`` say so; the caller runs OCR (archive/ocr.py), or passes an
``OcrEngine`` here that supplies the text.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Union

from ..errors import ArchiveError
from ..i18n import _
from .docxtext import DocxError, docx_text
from .textcheck import text_layer_problem

__all__ = [
    "DOCX_PART_LIMIT",
    "DOCX_TOTAL_LIMIT",
    "DetectedMeta",
    "Extracted",
    "IMAGE_SUFFIXES",
    "OcrEngine",
    "SUPPORTED_SUFFIXES",
    "UnreadableDocumentError",
    "detect_metadata",
    "extract",
    "extract_data",
]


class UnreadableDocumentError(ArchiveError):
    """A file is not a document paperwork can read (corrupt, encrypted, unsupported)."""

    def __init__(self, path: Path, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class Extracted:
    text: str  # a garbled text layer is kept as it is: OCR may replace it
    pages: int | None
    needs_ocr: bool = False
    ocr_reason: str | None = None  # "no text layer", "text layer garbled …", "image"


class OcrEngine(Protocol):
    """The seam for a later OCR step (archive/ocr.py): text of a scanned file."""

    def __call__(self, path: Path) -> str: ...


Source = Union[Path, bytes]  # the file itself, or its bytes already read


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------- docx

# A .docx is a zip: a part, or all of them together, that would inflate past these is
# refused before any is read (a zip bomb: 300 MB of spaces packs into 300 KB).
DOCX_PART_LIMIT = 64 * 1024 * 1024
DOCX_TOTAL_LIMIT = 256 * 1024 * 1024


def _extract_docx(path: Path, source: Source) -> Extracted:
    """Straight from the parts, with a streaming parser (docxtext.py): ~1 ms a page."""
    try:
        if isinstance(source, bytes):
            found = docx_text(io.BytesIO(source), part_limit=DOCX_PART_LIMIT, total_limit=DOCX_TOTAL_LIMIT)
        else:
            # One open file for the size checks and the reading: what was checked is what is read.
            with open(source, "rb") as stream:
                found = docx_text(stream, part_limit=DOCX_PART_LIMIT, total_limit=DOCX_TOTAL_LIMIT)
    except DocxError as e:
        raise UnreadableDocumentError(path, e.reason) from e
    except OSError as e:
        raise UnreadableDocumentError(path, f"cannot read: {e.strerror or e}") from e
    except Exception as e:  # zipfile, zlib and struct raise many kinds on a damaged package
        if isinstance(e, zipfile.BadZipFile):
            raise UnreadableDocumentError(path, "not a Word .docx document (corrupt, encrypted or another format)") from e
        raise UnreadableDocumentError(path, _("cannot read the Word document: {error}").format(error=e)) from e
    return Extracted(text=_clean(found.lines), pages=found.pages)


# --------------------------------------------------------------------------- pdf


def _extract_pdf(path: Path, source: Source) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    # pypdf raises anything from PdfReadError to KeyError on a damaged file; each
    # is reported as this file's reason, never as a crash of the whole command.
    try:
        reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else str(source))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocumentError(path, "encrypted PDF (a password is needed to read it)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableDocumentError:
        raise
    except FileNotDecryptedError as e:
        raise UnreadableDocumentError(path, "encrypted PDF (a password is needed to read it)") from e
    except Exception as e:
        raise UnreadableDocumentError(path, f"not a readable PDF: {e}") from e
    text = _clean(line for page in pages for line in page.splitlines())
    reason = text_layer_problem([_nfc(page) for page in pages])
    return Extracted(text=text, pages=len(pages), needs_ocr=reason is not None, ocr_reason=reason)


# --------------------------------------------------------------------------- images

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
_MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".tif": (b"II*\x00", b"MM\x00*"),
    ".tiff": (b"II*\x00", b"MM\x00*"),
}


def _extract_image(path: Path, source: Source) -> Extracted:
    """No text; the page count (frames of a TIFF) when Pillow (the ``ocr`` extra) is here."""
    kind = {".jpg": "JPEG", ".tif": "TIFF"}.get(path.suffix.lower(), path.suffix.lstrip(".").upper())
    if isinstance(source, bytes):
        head = source[:8]
    else:
        with open(source, "rb") as f:
            head = f.read(8)
    if not head.startswith(_MAGIC[path.suffix.lower()]):
        raise UnreadableDocumentError(path, _("not a {kind} image (corrupt or another format)").format(kind=kind))
    try:
        from PIL import Image
    except ImportError:
        return Extracted(text="", pages=None, needs_ocr=True, ocr_reason="image")
    try:
        with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as image:
            frames = getattr(image, "n_frames", 1)
            for index in range(frames):
                image.seek(index)
                image.load()
    except Exception as e:  # Pillow raises OSError, SyntaxError, ValueError … on damage
        raise UnreadableDocumentError(path, f"not a readable {kind} image: {e}") from e
    return Extracted(text="", pages=frames, needs_ocr=True, ocr_reason="image")


# --------------------------------------------------------------------------- dispatch

_EXTRACTORS: dict[str, Callable[[Path, Source], Extracted]] = {
    ".docx": _extract_docx,
    ".pdf": _extract_pdf,
    **{suffix: _extract_image for suffix in IMAGE_SUFFIXES},
}
SUPPORTED_SUFFIXES = tuple(_EXTRACTORS)


def _clean(lines) -> str:
    out = [_nfc(line).replace("\u00a0", " ").rstrip() for line in lines]
    return "\n".join(out).strip("\n")


def _extractor(path: Path) -> Callable[[Path, Source], Extracted]:
    extractor = _EXTRACTORS.get(path.suffix.lower())
    if extractor is None:
        kinds = ", ".join(SUPPORTED_SUFFIXES)
        suffix = path.suffix or "(no extension)"
        raise UnreadableDocumentError(path, _("unsupported file type {suffix} (expected {kinds})").format(suffix=suffix, kinds=kinds))
    return extractor


def extract_data(path: Path, data: bytes) -> Extracted:
    """What ``extract(path)`` gives (without OCR), read from ``data``, the file's bytes in hand."""
    path = Path(path)
    return _extractor(path)(path, data)


def extract(path: Path, *, ocr: OcrEngine | None = None) -> Extracted:
    """The text (NFC) and page count of ``path``; raise ``UnreadableDocumentError``.

    An image, or a PDF without a usable text layer, comes back with
    ``needs_ocr=True`` (and the text layer as it is), unless ``ocr`` is given,
    which is then asked for the text.
    """
    path = Path(path)
    extractor = _extractor(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UnreadableDocumentError(path, "no such file") from None
    except OSError as e:
        raise UnreadableDocumentError(path, f"cannot read: {e.strerror or e}") from e
    if stat.S_ISDIR(mode):
        raise UnreadableDocumentError(path, "is a directory")
    if not stat.S_ISREG(mode):  # opening a FIFO would wait for a writer forever
        raise UnreadableDocumentError(path, "not a regular file (a FIFO or device)")
    result = extractor(path, path)
    if result.needs_ocr and ocr is not None:
        text = _nfc(ocr(path)).strip()
        return Extracted(
            text=text, pages=result.pages, needs_ocr=not text, ocr_reason=None if text else result.ocr_reason
        )
    return result


# --------------------------------------------------------------------------- metadata

# Tên loại (NĐ 30, Điều 7) as written in the heading -> as catalogued.
_TYPES = [
    "Nghị quyết", "Quyết định", "Chỉ thị", "Quy chế", "Quy định", "Thông cáo",
    "Thông báo", "Hướng dẫn", "Chương trình", "Kế hoạch", "Phương án", "Đề án",
    "Dự án", "Báo cáo", "Biên bản", "Tờ trình", "Hợp đồng", "Công điện",
    "Bản ghi nhớ", "Bản thỏa thuận", "Giấy ủy quyền", "Giấy mời",
    "Giấy giới thiệu", "Giấy nghỉ phép", "Phiếu gửi", "Phiếu chuyển", "Phiếu báo",
    "Danh sách",
]
_HEADINGS: list[tuple[str, str]] = sorted(
    [(_nfc(t.upper()), t) for t in _TYPES]
    + [("BẢN GIAO ƯỚC THI ĐUA", "Giao ước thi đua"), ("GIAO ƯỚC THI ĐUA", "Giao ước thi đua"),
       ("BẢN THOẢ THUẬN", "Bản thỏa thuận"), ("GIẤY UỶ QUYỀN", "Giấy ủy quyền")],
    key=lambda pair: -len(pair[0]),
)
# Quốc hiệu and tiêu ngữ, whatever the line breaks a PDF put into them.
_NATIONAL = re.compile(
    r"CỘNG\s+H[OÒ][AÀ]\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM"
    r"|Độc\s+lập\s*[-–—]\s*Tự\s+do\s*[-–—]\s*Hạnh\s+phúc",
    re.IGNORECASE,
)
# A draft leaves the number blank ("Số:      /QĐ-SNV"): the line still anchors
# the header, but there is no number to record.
_NUMBER = re.compile(r"\bSố\s*:\s*(\d[^\s,;]*|\s*/[^\s,;]+)")
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_LINE = re.compile(r"(?<=[^\W\d_]),\s*" + _DATE.pattern, re.IGNORECASE)  # "Cà Mau, ngày …"
_RULE = re.compile(r"^[\s\-_–—─━=.*~]*$")
_TITLE_STOP = re.compile(
    r"^(Căn cứ|Kính gửi|Thời gian|Địa điểm|Thành phần|Chủ trì|Chủ tọa|Thư ký|Điều \d|"
    r"[IVX]+\.|\d+\.|Nơi nhận|Tới dự)",
)
_HEADER_LINES = 40


@dataclass(frozen=True)
class DetectedMeta:
    type: str | None = None
    number: str | None = None
    date: datetime.date | None = None
    agency: str | None = None
    title: str | None = None


def _is_caps(line: str) -> bool:
    return any(c.isalpha() for c in line) and line == line.upper()


def _find_number(lines: list[str]) -> tuple[int | None, str | None]:
    for i, line in enumerate(lines[:_HEADER_LINES]):
        match = _NUMBER.search(line)
        if match:
            found = match.group(1)
            return i, found if found[:1].isdigit() else None
    return None, None


def _find_date(lines: list[str]) -> datetime.date | None:
    """The place-and-date line of the header (or a biên bản's "Thời gian …, ngày …")."""
    head = " ".join(" ".join(lines[:_HEADER_LINES]).split())
    for match in _DATE_LINE.finditer(head):
        day, month, year = (int(match.group(g)) for g in (1, 2, 3))
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return None


def _find_agency(lines: list[str], number_at: int | None) -> str | None:
    """The capital lines just above ``Số: …`` (ô 2), without the national motto."""
    if number_at is None:
        return None
    before = lines[:number_at] + [lines[number_at][: _NUMBER.search(lines[number_at]).start()]]
    block = _NATIONAL.sub("\n", "\n".join(before))
    found: list[str] = []
    for raw in reversed(block.splitlines()):
        line = " ".join(raw.split())
        if not line or _RULE.match(line):
            continue
        if not _is_caps(line):
            if found:
                break
            continue
        found.append(line)
    found.reverse()
    return " / ".join(found) or None


def _find_heading(lines: list[str], start: int) -> tuple[int | None, str | None]:
    for i in range(start, min(len(lines), start + _HEADER_LINES)):
        line = " ".join(_nfc(lines[i]).split())
        if not _is_caps(line):
            continue
        for heading, name in _HEADINGS:
            if line == heading or (line.startswith(heading + " ") and not line.endswith(":")):
                return i, name
    return None, None


def _find_title(lines: list[str], heading_at: int) -> str | None:
    parts: list[str] = []
    for line in lines[heading_at + 1 : heading_at + 6]:
        line = " ".join(line.split())
        if not line or _RULE.match(line):
            if parts:
                break
            continue
        if _is_caps(line) or _TITLE_STOP.match(line) or line.endswith(":") or "kính mời" in line:
            break
        parts.append(line)
        if len(parts) == 3:
            break
    return " ".join(parts) or None


def _vv_title(lines: list[str], start: int) -> str | None:
    for line in lines[start : start + 6]:
        match = re.match(r"\s*V/v\s*:?\s*(.+)", line)
        if match:
            return " ".join(match.group(1).split())
    return None


def detect_metadata(text: str) -> DetectedMeta:
    """Read type, number, date, agency and trích yếu off a document's first lines."""
    lines = _nfc(text).splitlines()
    number_at, number = _find_number(lines)
    heading_at, doc_type = _find_heading(lines, 0 if number_at is None else number_at)
    if heading_at is None and number_at is not None:
        heading_at, doc_type = _find_heading(lines, 0)
    title = _find_title(lines, heading_at) if heading_at is not None else None
    if doc_type is None and number_at is not None:
        # A công văn has no type heading: its trích yếu is the "V/v …" under the number.
        title = _vv_title(lines, number_at)
        doc_type = "Công văn" if title else None
    return DetectedMeta(
        type=doc_type,
        number=number,
        date=_find_date(lines),
        agency=_find_agency(lines, number_at),
        title=title,
    )
