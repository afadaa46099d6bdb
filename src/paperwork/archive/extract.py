"""Text out of documents, and the metadata a clerk would read off their first page.

    extract(path, ocr=None) -> Extracted     .docx via python-docx, .pdf text layers via pypdf,
                                             images (PNG, JPEG, TIFF) checked, no text
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
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol
from xml.etree import ElementTree

from ..errors import ArchiveError
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


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------- docx

# A .docx is a zip whose parts python-docx inflates into memory. A part, or all
# of them together, that would inflate past these is refused before any is read
# (a zip bomb: 300 MB of spaces packs into 300 KB).
DOCX_PART_LIMIT = 64 * 1024 * 1024
DOCX_TOTAL_LIMIT = 256 * 1024 * 1024
_CHUNK = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … name length, extra length
_LOCAL_SIGNATURE = b"PK\x03\x04"


def _mib(size: int) -> str:
    return f"{size // (1024 * 1024)} MiB"


def _inflate(path: Path, raw: BinaryIO, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The bytes of part ``info``, a chunk at a time, stopped as soon as they pass its declared size.

    The sizes in the zip's directory are only claims: a lying one would let a
    reader inflate without end. Deflated and stored parts are inflated here from
    the raw stream; any other method (not used by Word) goes through zipfile,
    which stops at the declared size itself.
    """

    def refused() -> UnreadableDocumentError:
        return UnreadableDocumentError(
            path, f"{info.filename} inflates past its declared size ({info.file_size} bytes): refused"
        )

    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        with zf.open(info) as part:
            while chunk := part.read(_CHUNK):
                yield chunk
        return
    raw.seek(info.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(raw.read(_LOCAL_HEADER.size))
    if signature != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    raw.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    left = info.compress_size
    inflated = 0
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == zipfile.ZIP_DEFLATED else None
    pending = b""
    while True:
        if not pending:
            if left <= 0:
                break
            pending = raw.read(min(_CHUNK, left))
            if not pending:
                raise zipfile.BadZipFile(f"{info.filename} is cut short")
            left -= len(pending)
        if inflater is None:
            chunk, pending = pending, b""
        else:
            chunk = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
        inflated += len(chunk)
        if inflated > info.file_size:
            raise refused()
        yield chunk
        if inflater is not None and inflater.eof:
            break


def _check_docx_sizes(path: Path, stream: BinaryIO) -> None:
    """Refuse a .docx whose parts inflate, or claim to, past the limits; read nothing else."""
    with zipfile.ZipFile(stream) as zf:
        infos = zf.infolist()
        total = 0
        for info in infos:
            if info.file_size > DOCX_PART_LIMIT:
                raise UnreadableDocumentError(path, f"{info.filename} inflates past {_mib(DOCX_PART_LIMIT)}: refused")
            total += info.file_size
            if total > DOCX_TOTAL_LIMIT:
                raise UnreadableDocumentError(
                    path, f"the parts inflate past {_mib(DOCX_TOTAL_LIMIT)} in all (at {info.filename}): refused"
                )
        # Each part within its declared size, so all within the limits.
        for info in infos:
            for _ in _inflate(path, stream, zf, info):
                pass


def _docx_pages(path: Path, stream: BinaryIO) -> int | None:
    """``<Pages>`` of docProps/app.xml: what Word counted when it last saved, if anything."""
    try:
        with zipfile.ZipFile(stream) as zf:
            data = b"".join(_inflate(path, stream, zf, zf.getinfo("docProps/app.xml")))
        root = ElementTree.fromstring(data)
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error, ElementTree.ParseError):
        return None
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == "Pages" and element.text:
            try:
                pages = int(element.text.strip())
            except ValueError:
                return None
            return pages if pages > 0 else None
    return None


def _block_lines(container) -> Iterator[str]:
    """Paragraphs and tables (nested too) of a body, cell or header, in document order."""
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            yield from _table_lines(item)
        else:
            yield item.text


def _table_lines(table) -> Iterator[str]:
    seen: list = []  # the <w:tc> elements themselves: ids of dead proxies get reused
    for row in table.rows:
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans.
            if any(cell._tc is tc for tc in seen):
                continue
            seen.append(cell._tc)
            yield from _block_lines(cell)


def _extract_docx(path: Path) -> Extracted:
    import docx

    # One open file for the size check and the reading: what was checked is what is read.
    with open(path, "rb") as stream:
        try:
            _check_docx_sizes(path, stream)
            stream.seek(0)
            document = docx.Document(stream)
        except UnreadableDocumentError:
            raise
        except Exception as e:  # zipfile, zlib and python-docx raise many kinds on a bad package
            raise UnreadableDocumentError(path, _docx_reason(e)) from e
        pages = _docx_pages(path, stream)
    lines = list(_block_lines(document))
    seen_parts: set[int] = set()
    for section in document.sections:
        for part in (
            section.header,
            section.first_page_header,
            section.even_page_header,
            section.footer,
            section.first_page_footer,
            section.even_page_footer,
        ):
            if part.is_linked_to_previous or id(part.part) in seen_parts:
                continue
            seen_parts.add(id(part.part))
            lines.extend(_block_lines(part))
    return Extracted(text=_clean(lines), pages=pages)


def _docx_reason(error: Exception) -> str:
    if isinstance(error, zipfile.BadZipFile) or type(error).__name__ == "PackageNotFoundError":
        return "not a Word .docx document (corrupt, encrypted or another format)"
    return f"cannot read the Word document: {error}"


# --------------------------------------------------------------------------- pdf


def _extract_pdf(path: Path) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    # pypdf raises anything from PdfReadError to KeyError on a damaged file; each
    # is reported as this file's reason, never as a crash of the whole command.
    try:
        reader = PdfReader(str(path))
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


def _extract_image(path: Path) -> Extracted:
    """No text; the page count (frames of a TIFF) when Pillow (the ``ocr`` extra) is here."""
    kind = {".jpg": "JPEG", ".tif": "TIFF"}.get(path.suffix.lower(), path.suffix.lstrip(".").upper())
    with open(path, "rb") as f:
        head = f.read(8)
    if not head.startswith(_MAGIC[path.suffix.lower()]):
        raise UnreadableDocumentError(path, f"not a {kind} image (corrupt or another format)")
    try:
        from PIL import Image
    except ImportError:
        return Extracted(text="", pages=None, needs_ocr=True, ocr_reason="image")
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            for index in range(frames):
                image.seek(index)
                image.load()
    except Exception as e:  # Pillow raises OSError, SyntaxError, ValueError … on damage
        raise UnreadableDocumentError(path, f"not a readable {kind} image: {e}") from e
    return Extracted(text="", pages=frames, needs_ocr=True, ocr_reason="image")


# --------------------------------------------------------------------------- dispatch

_EXTRACTORS: dict[str, Callable[[Path], Extracted]] = {
    ".docx": _extract_docx,
    ".pdf": _extract_pdf,
    **{suffix: _extract_image for suffix in IMAGE_SUFFIXES},
}
SUPPORTED_SUFFIXES = tuple(_EXTRACTORS)


def _clean(lines) -> str:
    out = [_nfc(line).replace("\u00a0", " ").rstrip() for line in lines]
    return "\n".join(out).strip("\n")


def extract(path: Path, *, ocr: OcrEngine | None = None) -> Extracted:
    """The text (NFC) and page count of ``path``; raise ``UnreadableDocumentError``.

    An image, or a PDF without a usable text layer, comes back with
    ``needs_ocr=True`` (and the text layer as it is), unless ``ocr`` is given,
    which is then asked for the text.
    """
    path = Path(path)
    extractor = _EXTRACTORS.get(path.suffix.lower())
    if extractor is None:
        kinds = ", ".join(SUPPORTED_SUFFIXES)
        suffix = path.suffix or "(no extension)"
        raise UnreadableDocumentError(path, f"unsupported file type {suffix} (expected {kinds})")
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
    result = extractor(path)
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
