"""Registering incoming documents: one or several scans dropped on the page, their số đến at once.

    /incoming/new                          (văn thư) the form: a drop zone for the files (a plain
                                           file input without JavaScript) and the fields of
                                           ``paperwork incoming add``
    POST /incoming/new                     every file checked (size, type, first bytes) before any
                                           is stored, then ``records.incoming.add`` for all of them
                                           at once: consecutive số đến, in the order given
    /incoming/<year>/<number>/status       JSON: the OCR state of that số đến's document, read by
                                           ``static/incoming.js`` every second and a half

The số đến is given without waiting for OCR (the clerk writes it on the paper); each scan is then
OCRed by the app's background thread (``uploads._queue_ocr``: on the OCR queue when the workspace
has ``[ocr] workers``), and the page shows "recognising text…" until it is done or failed.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from ..errors import InputError
from .helpers import N_, _, add_nav, event, requires, state, the_user, workspace

MAX_FILES = 20  # files in one registration (each gets its own số đến)

OCR_LABELS = {
    "running": N_("recognising text…"),
    "done": N_("text recognised"),
    "partial": N_("text recognised, but some pages have none"),
    "failed": N_("text recognition failed"),
    "unavailable": N_("OCR is not installed on the server: stored without text"),
    "not-needed": N_("has its own text: nothing to recognise"),
    "skipped": N_("text not recognised yet (paperwork archive ocr --all-missing)"),
}


@dataclass(frozen=True)
class Outcome:
    """What became of one file of a registration: its entry, or why it got no number."""

    name: str
    entry: Any = None  # records.incoming.IncomingEntry
    problem: str | None = None
    stored_before: bool = False


def ocr_status(archive_id: int, catalogued: str | None) -> dict[str, str]:
    """``phase`` (running, done, failed, none: nothing more will happen), ``ocr`` and ``label``:
    the background job's state while the app has one, else the catalog's."""
    job = state().jobs.get(archive_id)
    if job in ("queued", "running"):
        return {"phase": "running", "ocr": job, "label": _(OCR_LABELS["running"])}
    if job == "done":
        return {"phase": "done", "ocr": "done", "label": _(OCR_LABELS["done"])}
    if job is not None and job.startswith("failed"):
        reason = job.removeprefix("failed").lstrip(": ")
        label = _(OCR_LABELS["failed"]) + (f": {reason}" if reason else "")
        return {"phase": "failed", "ocr": "failed", "label": label}
    ocr = catalogued or "not-needed"
    phase = {"done": "done", "partial": "done", "failed": "failed", "unavailable": "failed"}.get(ocr, "none")
    return {"phase": phase, "ocr": ocr, "label": _(OCR_LABELS.get(ocr, ocr))}


def register_files(uploads: list, form: Any) -> tuple[list[Outcome], Any]:
    """Check every upload, then store and number them all with the library's ``incoming.add``
    (as ``paperwork incoming add FILE…``) and queue the scans' OCR; (outcomes in order, report)."""
    from ..archive.ocr import OcrSettings
    from ..records.incoming import add
    from .uploads import _queue_ocr, arrival_from, check_file

    uploads = [u for u in uploads if u is not None and u.filename]
    if not uploads:
        raise InputError(_("choose a file to upload"), field="file")
    if len(uploads) > MAX_FILES:
        raise InputError(_("at most {count} files at once").format(count=MAX_FILES), field="file")
    names = [check_file(u)[0] for u in uploads]  # every file checked before any is stored
    arrival = arrival_from(form)
    duplicate_ok = str(form.get("duplicate_ok", "")).lower() in ("1", "true", "on", "yes")
    all_docx = all(Path(n).suffix.lower() == ".docx" for n in names)
    source = "imported" if all_docx or form.get("source") == "imported" else "scanned"
    ws = workspace()
    user = the_user()
    with tempfile.TemporaryDirectory(prefix="paperwork-upload-") as tmp:
        paths = []
        for i, (upload, name) in enumerate(zip(uploads, names)):
            folder = Path(tmp) / str(i)  # two files of one name stay two files
            folder.mkdir()
            upload.save(folder / name)
            paths.append(folder / name)
        report = add(ws, paths, arrival, duplicate_ok=duplicate_ok, source=source, ocr=OcrSettings(mode="never"))
        by_path: dict[Path, Outcome] = {}
        for r in report.registered:
            by_path[r.path] = Outcome(r.path.name, r.entry, stored_before=r.stored_before)
        for r in report.refused:
            by_path[r.path] = Outcome(r.path.name, problem=r.reason)
        for f in report.failed:
            by_path[Path(f.path)] = Outcome(Path(f.path).name, problem=_("{reason}; no số đến given").format(
                reason=f.reason))
        outcomes = [by_path.get(p.absolute()) or by_path.get(p) or Outcome(p.name, problem=_("not registered"))
                    for p in paths]
        for path, outcome in zip(paths, outcomes):
            event("upload", "file", outcome.name, {
                "size": path.stat().st_size,
                "archive_ids": [outcome.entry.archive_id] if outcome.entry is not None else [],
                "refused": [outcome.problem] if outcome.problem else [],
            })
    app = current_app._get_current_object()
    for outcome in outcomes:
        if outcome.entry is not None:
            _queue_ocr(app, outcome.entry.archive_id, user.name if user else "-")
    return outcomes, report


def _dossier_codes(year: int) -> list[Any]:
    from ..records.dossiers import dossier_catalog

    return [d for d in dossier_catalog(workspace()).dossiers(year) if d.status == "open"]


def _page(*, form: Any, outcomes: list[Outcome] | None = None, error: InputError | None = None,
          filed_into: str | None = None, status: int = 200):
    from ..records import audit
    from ..records.arrivals import PRIORITIES
    from ..archive.service import get_document

    statuses = {}
    for o in outcomes or []:
        if o.entry is not None:
            statuses[o.entry.archive_id] = ocr_status(o.entry.archive_id,
                                                      get_document(workspace(), o.entry.archive_id).ocr)
    field = (error.field or "").lstrip("-") if error is not None else ""
    return render_template(
        "incoming_new.html", form=form, outcomes=outcomes or [], statuses=statuses, error=error,
        error_field=field, filed_into=filed_into, priorities=PRIORITIES, max_files=MAX_FILES,
        dossiers=_dossier_codes(audit.today().year), agency=workspace().agency,
    ), status


@requires("upload")
def new():
    if request.method == "GET":
        return _page(form={})
    try:
        outcomes, report = register_files(request.files.getlist("file"), request.form)
    except InputError as e:
        return _page(form=request.form, error=e, status=400)
    registered = [o for o in outcomes if o.entry is not None]
    status = 201 if registered and not report.refused else 409 if report.refused else 422
    # A fresh form after a registration: the next document's fields are not this one's.
    return _page(form={} if registered else request.form, outcomes=outcomes, filed_into=report.filed_into,
                 status=status)


@requires("read")
def status(year: int, number: int):
    """The OCR state of số đến ``number`` of ``year`` (JSON; 404 when unknown or not readable)."""
    from ..archive.service import get_document
    from ..records.incoming import get
    from ..users import can_read

    try:
        entry = get(workspace(), year, number)
    except InputError:
        abort(404)
    user = the_user()
    if user is None or not can_read(workspace(), user, entry.archive_id):
        abort(404)
    record = get_document(workspace(), entry.archive_id)
    body = {"year": entry.year, "number": entry.number, "so_den": entry.arrival_number,
            "archive_id": entry.archive_id, **ocr_status(entry.archive_id, record.ocr)}
    return jsonify(body)


def register(app) -> None:
    bp = Blueprint("incoming", __name__, url_prefix="/incoming")
    bp.add_url_rule("/new", "new", new, methods=["GET", "POST"])
    bp.add_url_rule("/<int:year>/<int:number>/status", "status", status)
    app.register_blueprint(bp)
    add_nav(app, "incoming.new", N_("Register incoming"), "upload", order=30)
