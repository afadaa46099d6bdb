"""A document's page and its files, by archive id only (no path ever comes from the browser).

    /documents/<id>                 metadata, page previews, downloads, text, dossier, history
    /documents/<id>/pages/<n>.png   page n drawn on the server (previews.py)
    /documents/<id>/original        the stored original, as it arrived
    /documents/<id>/pdfa            the archival PDF/A copy (an OCRed scan)
    /documents/<id>/text            the catalogued text, as plain text

A restricted document the user may not see is a 404 on every one of these. Viewing the page and
each download are audit events.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, send_file

from ..archive.service import document_text, stored_path
from ..records import audit
from ..users import restriction_of
from .helpers import _, event, readable_document, requires, state, workspace
from .previews import MAX_PAGES, page_png

TEXT_SHOWN = 20_000  # characters of the text shown on the page (all of it at /text)


def _dossier_of(doc_id: int):
    from ..records.dossiers import dossier_catalog

    return dossier_catalog(workspace()).dossier_of(doc_id)


def _registers_of(record) -> dict[str, object]:
    """Its số đến (incoming) and its outgoing number, when the registers hold it."""
    from ..records.incoming import entries
    from ..register import Register

    ws = workspace()
    found: dict[str, object] = {}
    incoming = [e for e in entries(ws) if e.archive_id == record.id]
    if incoming:
        found["incoming"] = incoming[0]
    outgoing = [e for e in Register.for_workspace(ws).entries() if e.sha256 == record.sha256]
    if outgoing:
        found["outgoing"] = outgoing[0]
    return found


def preview_pages(record) -> int:
    """How many page images the page shows: the catalogued page count, else the first page."""
    if record.pages:
        return min(record.pages, MAX_PAGES)
    return 1


@requires("read")
def show(doc_id: int):
    record = readable_document(doc_id)
    ws = workspace()
    text = document_text(ws, doc_id)
    event("view", "document", doc_id, {"page": "document"})
    history = audit.events(ws, doc=doc_id)
    return render_template(
        "document.html", record=record, pages=preview_pages(record), text=text[:TEXT_SHOWN],
        text_cut=len(text) > TEXT_SHOWN, dossier=_dossier_of(doc_id), registers=_registers_of(record),
        history=history, ocr_job=state().jobs.get(doc_id), restriction=restriction_of(ws, doc_id),
    )


@requires("read")
def page_image(doc_id: int, number: int):
    record = readable_document(doc_id)
    png = page_png(workspace(), record, number, current_app.config["PAPERWORK_CACHE"] / "previews",
                   state().preview_lock)
    if png is None:
        abort(404)
    response = send_file(png, mimetype="image/png", max_age=0)
    return response


def _download(record, path, name: str, which: str):
    event("download", "document", record.id, {"file": which, "sha256": record.sha256 if which == "original"
                                              else record.pdfa_sha256})
    return send_file(path, as_attachment=True, download_name=name, max_age=0)


@requires("read")
def original(doc_id: int):
    record = readable_document(doc_id)
    return _download(record, stored_path(workspace(), record), record.filename, "original")


@requires("read")
def pdfa(doc_id: int):
    record = readable_document(doc_id)
    if not record.pdfa_path:
        abort(404)
    stem = record.filename.rsplit(".", 1)[0]
    return _download(record, workspace().archive / record.pdfa_path, f"{stem}.pdfa.pdf", "pdfa")


@requires("read")
def text(doc_id: int):
    readable_document(doc_id)
    event("view", "document", doc_id, {"page": "text"})
    body = document_text(workspace(), doc_id) or _("(no text)")
    return body, 200, {"Content-Type": "text/plain; charset=utf-8"}


def register(app) -> None:
    bp = Blueprint("documents", __name__, url_prefix="/documents")
    bp.add_url_rule("/<int:doc_id>", "show", show)
    bp.add_url_rule("/<int:doc_id>/pages/<int:number>.png", "page", page_image)
    bp.add_url_rule("/<int:doc_id>/original", "original", original)
    bp.add_url_rule("/<int:doc_id>/pdfa", "pdfa", pdfa)
    bp.add_url_rule("/<int:doc_id>/text", "text", text)
    app.register_blueprint(bp)
