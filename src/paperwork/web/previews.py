"""Page images of a stored document, drawn on the server with pypdfium2 and kept in a cache.

The PDF drawn is the archival PDF/A copy when there is one (an OCRed scan), else the original when
it is a PDF, else a .docx converted once by LibreOffice (``paperwork.pdf``). Images (PNG, JPEG,
TIFF scans without a PDF/A copy yet) are shown as their single page. Files in the cache are named
by the document's SHA-256, so they never go stale: the archive never changes a stored file.
"""

from __future__ import annotations

import threading
from pathlib import Path

from ..archive.service import stored_path
from ..errors import PaperworkError

WIDTH_PX = 900  # a page image's width: a readable A4 page at 1366×768
MAX_PAGES = 200  # pages offered in a preview


def _source_pdf(ws, record, cache: Path, lock: threading.RLock) -> Path | None:
    if record.pdfa_path:
        return ws.archive / record.pdfa_path
    original = stored_path(ws, record)
    suffix = Path(record.filename).suffix.lower()
    if suffix == ".pdf":
        return original
    if suffix == ".docx":
        converted = cache / f"{record.sha256}.pdf"
        with lock:  # one LibreOffice at a time for previews
            if not converted.is_file():
                from ..pdf import docx_to_pdf

                cache.mkdir(parents=True, exist_ok=True)
                docx_to_pdf(original, converted)
        return converted
    return None


def page_count(ws, record, cache: Path, lock: threading.RLock) -> int:
    """Pages the preview offers (0: nothing to show)."""
    with lock:  # pdfium is not thread-safe
        return _page_count(ws, record, cache, lock)


def _page_count(ws, record, cache: Path, lock: threading.RLock) -> int:
    suffix = Path(record.filename).suffix.lower()
    if not record.pdfa_path and suffix in (".png", ".jpg", ".jpeg", ".tif", ".tiff"):
        return 1
    try:
        pdf = _source_pdf(ws, record, cache, lock)
    except PaperworkError:
        return 0
    if pdf is None:
        return 0
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(pdf))
    except pdfium.PdfiumError:
        return 0
    try:
        return min(len(document), MAX_PAGES)
    finally:
        document.close()


def page_png(ws, record, number: int, cache: Path, lock: threading.RLock) -> Path | None:
    """The PNG of page ``number`` (from 1), drawn once; None when there is no such page."""
    target = cache / f"{record.sha256}-p{number}-{WIDTH_PX}.png"
    if target.is_file():
        return target
    with lock:  # pdfium is not thread-safe
        return _page_png(ws, record, number, cache, lock, target)


def _page_png(ws, record, number: int, cache: Path, lock: threading.RLock, target: Path) -> Path | None:
    suffix = Path(record.filename).suffix.lower()
    cache.mkdir(parents=True, exist_ok=True)
    if not record.pdfa_path and suffix in (".png", ".jpg", ".jpeg", ".tif", ".tiff"):
        if number != 1:
            return None
        from PIL import Image

        with Image.open(stored_path(ws, record)) as image:
            image = image.convert("RGB")
            image.thumbnail((WIDTH_PX, WIDTH_PX * 2))
            _save(image, target)
        return target
    pdf = _source_pdf(ws, record, cache, lock)
    if pdf is None:
        return None
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        if not 1 <= number <= min(len(document), MAX_PAGES):
            return None
        page = document[number - 1]
        width_pt = page.get_width()
        bitmap = page.render(scale=WIDTH_PX / width_pt)
        _save(bitmap.to_pil(), target)
    finally:
        document.close()
    return target


def _save(image, target: Path) -> None:
    part = target.with_name(target.name + ".part")
    image.save(part, format="PNG", optimize=False)
    part.replace(target)
