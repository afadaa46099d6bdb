"""Receiving an incoming document from the browser or the API: checks, then the library's own
``records.incoming.add`` (the same as ``paperwork incoming add``), then OCR in the background.

Checks before anything is stored: a size limit (Flask's ``MAX_CONTENT_LENGTH``: 413), an allowed
extension *and* matching first bytes (a ``.pdf`` must start ``%PDF-`` …), a file name reduced to
its last part. The số đến is given at once, without waiting for OCR (the clerk writes it on the
paper); a scan is then OCRed by one background thread (``ocr_documents``, as ``paperwork archive
ocr`` does) and the document's OCR state shows the progress: skipped → done.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from flask import current_app
from werkzeug.datastructures import FileStorage

from ..errors import InputError
from ..records import audit
from .helpers import _, event, state, the_user, workspace

ALLOWED = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".tif": (b"II*\x00", b"MM\x00*"),
    ".tiff": (b"II*\x00", b"MM\x00*"),
    ".docx": (b"PK\x03\x04",),
}
# The fields of an arrival a form or an API call may give (the options of `paperwork incoming add`).
FIELDS = ("from", "number", "date", "title", "type", "signer", "received", "to", "due", "priority", "dossier")


def safe_name(name: str | None) -> str:
    """The last part of a browser's file name, NFC, without control or path characters."""
    text = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    text = re.sub(r'[\x00-\x1f<>:"|?*]', "", text).strip(" .")
    return text[:150] or "upload"


def check_file(upload: FileStorage | None) -> tuple[str, bytes]:
    """The file's safe name and first bytes; ``InputError`` when it is missing or not allowed."""
    if upload is None or not upload.filename:
        raise InputError(_("choose a file to upload"), field="file")
    name = safe_name(upload.filename)
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED:
        raise InputError(_("{name}: only PDF, PNG, JPEG, TIFF and .docx files are accepted").format(name=name),
                         field="file")
    head = upload.stream.read(16)
    upload.stream.seek(0)
    if not any(head.startswith(magic) for magic in ALLOWED[suffix]):
        raise InputError(_("{name}: the file is not a {kind} file").format(name=name, kind=suffix[1:].upper()),
                         field="file")
    return name, head


def arrival_from(form: Any):
    """An ``Arrival`` from a form or the API's fields (checked by the library as typed values are)."""
    from ..records.incoming import Arrival, parse_date

    def value(key: str) -> str | None:
        text = str(form.get(key, "") or "").strip()
        return text or None

    return Arrival(
        organ=value("from"), number=value("number"), date=parse_date(value("date"), "date"), title=value("title"),
        type_name=value("type"), signer=value("signer"), received=parse_date(value("received"), "received"),
        to=value("to"), due=parse_date(value("due"), "due"), priority=value("priority") or "thường",
        dossier=value("dossier"),
    )


def register_incoming(upload: FileStorage | None, form: Any):
    """Store, number and (later) OCR one uploaded document; returns the library's ``IncomingReport``."""
    from ..archive.ocr import OcrSettings
    from ..records.incoming import add

    name, _head = check_file(upload)
    arrival = arrival_from(form)
    duplicate_ok = str(form.get("duplicate_ok", "")).lower() in ("1", "true", "on", "yes")
    ws = workspace()
    user = the_user()
    with tempfile.TemporaryDirectory(prefix="paperwork-upload-") as tmp:
        path = Path(tmp) / name
        upload.save(path)
        size = path.stat().st_size
        report = add(ws, [path], arrival, duplicate_ok=duplicate_ok, source="scanned" if
                     path.suffix.lower() != ".docx" and form.get("source") != "imported" else "imported",
                     ocr=OcrSettings(mode="never"))
        event("upload", "file", name, {"size": size, "archive_ids": [r.entry.archive_id for r in report.registered],
                                        "refused": [r.reason for r in report.refused]})
    for registered in report.registered:
        _queue_ocr(current_app._get_current_object(), registered.entry.archive_id, user.name if user else "-")
    return report


def _queue_ocr(app, archive_id: int, actor: str) -> None:
    """OCR a stored scan on the background thread when it needs it (its OCR state is "skipped")."""
    from ..archive.service import get_document

    web = app.extensions["paperwork"]
    if get_document(web.ws, archive_id).ocr != "skipped":
        return
    web.jobs[archive_id] = "queued"

    def run() -> None:
        from ..archive.ocr import OcrSettings
        from ..archive.service import ocr_documents

        web.jobs[archive_id] = "running"
        try:
            with audit.acting_as(actor):
                ws = web.ws
                report = ocr_documents(ws, [archive_id], ocr=OcrSettings(page_timeout=ws.ocr_page_timeout,
                                                                          jobs=ws.ocr_jobs, queue=ws.ocr_workers))
            problems = [p for r in report.results for p in r.ocr_problems]
            web.jobs[archive_id] = "done" if not problems else "failed: " + "; ".join(problems)
        except Exception as e:  # reported on the document's page; the scan stays stored without text
            web.jobs[archive_id] = f"failed: {e}"

    web.background.submit(run)


def ocr_state(archive_id: int, catalogued: str | None) -> str:
    """What the pages and the API say of a document's OCR: the background job's state while
    there is one, else the catalog's."""
    return state().jobs.get(archive_id) or catalogued or "not-needed"
