"""The JSON API, for a province's e-office system or a script: ``Authorization: Bearer TOKEN``
(a token printed by ``paperwork user token NAME``); the token's user and role apply as on the pages.

    GET  /api/search?q=&type=&year=&agency=&dossier=&direction=&sort=&page=   hits the user may see
    GET  /api/documents/<id>                metadata, dossier, registers, OCR state
    GET  /api/documents/<id>/original       the stored original
    GET  /api/outgoing?year=                the outgoing register's entries
    GET  /api/incoming?year=                the incoming register's entries
    POST /api/incoming                      multipart: ``file`` and the fields of `incoming add`
                                            (from, number, date, title, type, received, to, due,
                                            priority, dossier, duplicate_ok): 201 with the số đến

No cookies: the API never reads the page session, so CSRF does not apply to it (it is exempt).
Errors are JSON: ``{"error": "…", "status": 400, "field": "date"}``.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, request

from .. import users
from ..records import audit
from .helpers import _, event, event_after_response, page_number, readable_document, requires, workspace


def _authenticate() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    user = users.user_for_token(workspace(), token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        abort(401)
    g.api_user = user
    g.paperwork_stack.enter_context(audit.acting_as(user.name))


def _year() -> int | None:
    text = request.args.get("year", "").strip()
    if not text:
        return None
    if not text.isdigit():
        from ..errors import InputError

        raise InputError(_("{value!r} is not a year").format(value=text), field="year")
    return int(text)


@requires("search")
def search():
    from .search import Filters, run_search

    f = Filters.from_args(request.args)
    size = min(max(int(request.args.get("size", "20")) if request.args.get("size", "").isdigit() else 20, 1), 100)
    page = run_search(f, page_number(), size)
    event_after_response("search", "archive", "catalog", {**f.event_details(), "page": page.number, "api": True})
    return {
        "page": page.number,
        "has_next": page.has_next,
        "hits": [{"id": h.id, "title": h.title, "type": h.type, "number": h.number, "date": h.date,
                  "agency": h.agency, "filename": h.filename, "score": h.score, "snippet": h.snippet}
                 for h in page.items],
    }


@requires("read")
def document(doc_id: int):
    from .documents import _dossier_of, _registers_of
    from .uploads import ocr_state

    record = readable_document(doc_id)
    event("view", "document", doc_id, {"api": True})
    data = record.to_dict()
    data["ocr"] = ocr_state(doc_id, record.ocr)
    dossier = _dossier_of(doc_id)
    data["dossier"] = {"year": dossier.year, "code": dossier.code, "title": dossier.title} if dossier else None
    registers = _registers_of(record)
    data["incoming"] = registers["incoming"].as_dict() if "incoming" in registers else None
    data["outgoing"] = registers["outgoing"].as_dict() if "outgoing" in registers else None
    return data


@requires("read")
def original(doc_id: int):
    from .documents import original as page_original

    return page_original.__wrapped__(doc_id)


@requires("read")
def outgoing():
    from ..register import Register

    entries = Register.for_workspace(workspace()).entries(_year())
    return {"entries": [e.as_dict() for e in entries]}


@requires("read")
def incoming_list():
    from ..records.incoming import entries

    return {"entries": [e.as_dict() for e in entries(workspace(), _year())]}


@requires("upload")
def incoming_add():
    from .uploads import register_incoming

    report = register_incoming(request.files.get("file"), request.form)
    body = {
        "registered": [{**r.entry.as_dict(), "so_den": r.entry.arrival_number, "archive_id": r.entry.archive_id,
                        "stored_before": r.stored_before} for r in report.registered],
        "refused": [r.reason for r in report.refused],
        "failed": [f.reason for f in report.failed],
    }
    if report.refused:
        return body, 409
    if report.failed or not report.registered:
        return body, 422
    return body, 201


def register(app) -> None:
    bp = Blueprint("api", __name__, url_prefix="/api")
    bp.before_request(_authenticate)
    bp.add_url_rule("/search", "search", search)
    bp.add_url_rule("/documents/<int:doc_id>", "document", document)
    bp.add_url_rule("/documents/<int:doc_id>/original", "original", original)
    bp.add_url_rule("/outgoing", "outgoing", outgoing)
    bp.add_url_rule("/incoming", "incoming", incoming_list, methods=["GET"])
    bp.add_url_rule("/incoming", "incoming_add", incoming_add, methods=["POST"])
    app.extensions["csrf"].exempt(bp)
    app.register_blueprint(bp)
