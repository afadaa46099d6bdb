"""The registers as pages: sổ đăng ký văn bản đi and sổ đăng ký văn bản đến (Phụ lục IV).

    /registers/outgoing                      the outgoing register: year, series, text, status, dates
    /registers/outgoing.csv | .xlsx          the same rows as ``paperwork register list --format csv|xlsx``
    /registers/incoming                      the incoming register: year, type, text, state, dates
    /registers/incoming.csv | .xlsx          as ``paperwork incoming list --format csv|xlsx``
    /registers/incoming/overdue?on=DATE      as ``paperwork incoming overdue``
    POST /registers/incoming/<y>/<n>/route   as ``paperwork incoming route`` (văn thư)
    POST /registers/incoming/<y>/<n>/done    as ``paperwork incoming done`` (văn thư)

The rows are the library's (``Register.entries``, ``records.incoming.entries``/``overdue``) and
their cells the export's own (``export.register_rows``/``incoming_rows``), so the page shows what
the printed register shows; the filters only choose among them. Looking needs "read", routing
and marking done "register-incoming". A row links to its document's page when the archive holds
it and the user may read it. Views and exports are audit events.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for

from ..archive.folding import fold
from ..errors import InputError
from ..records import audit
from . import labels
from .helpers import (
    N_,
    Page,
    _,
    add_nav,
    event,
    event_after_response,
    flash_error,
    flash_ok,
    page_number,
    requires,
    the_user,
    workspace,
)

PAGE_SIZE = 50

OUTGOING_STATUS = {"issued": N_("issued"), "void": N_("withdrawn")}
INCOMING_STATUS = {
    "open": N_("not handled yet"),
    "unrouted": N_("not passed on"),
    "routed": N_("being handled"),
    "overdue": N_("overdue"),
    "done": N_("handled"),
}


# -- the filters -------------------------------------------------------------------------


def _year(value: str | None) -> int | None:
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1900 <= int(text) <= 9999:
        raise InputError(_("{value!r} is not a year").format(value=value), field="year")
    return int(text)


def _date(value: str | None, field: str) -> dt.date | None:
    from ..records.incoming import parse_date

    text = (value or "").strip()
    return parse_date(text, field) if text else None


def _words(value: str | None) -> list[str]:
    return fold(value or "").split()


def _matches(words: list[str], *texts: str | None) -> bool:
    """Every word (diacritics optional) appears in one of ``texts``."""
    if not words:
        return True
    hay = fold(" ".join(t for t in texts if t))
    return all(w in hay for w in words)


@dataclass(frozen=True)
class Filters:
    """What the filter form asks: ``year`` (None: every year), ``kind`` (a series or a type name),
    ``q`` (words of the trích yếu), ``status``, and a range of dates (the document's date for the
    outgoing register, the day of arrival for the incoming one)."""

    year: int | None
    kind: str
    q: str
    status: str
    since: dt.date | None
    until: dt.date | None

    @classmethod
    def from_args(cls, args: Any, statuses: dict[str, str]) -> Filters:
        year_text = args.get("year")
        year = audit.today().year if year_text is None else _year(year_text)
        status = (args.get("status") or "").strip()
        if status and status not in statuses:
            raise InputError(_("{value!r} is not a state of the register").format(value=status), field="status")
        since, until = _date(args.get("from"), "from"), _date(args.get("to"), "to")
        if since and until and until < since:
            raise InputError(_("the end of the range is before its start"), field="to")
        return cls(year, (args.get("kind") or "").strip(), (args.get("q") or "").strip()[:200], status, since, until)

    def in_range(self, day: dt.date | None) -> bool:
        if self.since is None and self.until is None:
            return True
        if day is None:
            return False
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in (("year", self.year), ("kind", self.kind), ("q", self.q), ("status", self.status),
                                  ("from", self.since), ("to", self.until)) if v}

    def query(self) -> dict[str, str]:
        """The filters as query arguments (for the export links)."""
        args = {"year": str(self.year) if self.year else "", "kind": self.kind, "q": self.q, "status": self.status,
                "from": self.since.isoformat() if self.since else "", "to": self.until.isoformat() if self.until else ""}
        return {k: v for k, v in args.items() if v or k == "year"}


# -- the rows ----------------------------------------------------------------------------


def _readable(ids: set[int]) -> set[int]:
    """Which of ``ids`` the signed-in user may open (a restricted document is not linked)."""
    from ..users import hidden_ids

    user = the_user()
    return set(ids) - hidden_ids(workspace(), user) if user is not None else set()


def _outgoing_all() -> list:
    from ..register import Register

    return Register.for_workspace(workspace()).entries()


def _outgoing_filtered(f: Filters) -> tuple[list, list]:
    """(the entries matching ``f``, every entry): the library's rows, chosen here."""
    everything = _outgoing_all()
    chosen = [
        e for e in everything
        if (f.year is None or e.year == f.year)
        and (not f.kind or e.series == f.kind)
        and (not f.status or e.status == f.status)
        and f.in_range(e.date)
        and _matches(_words(f.q), e.title, e.type_name, e.number_symbol)
    ]
    return chosen, everything


def _outgoing_links(entries: list) -> dict[str, int]:
    """sha256 -> archive id, for the entries whose document the archive holds and the user may read."""
    from ..archive.store import Catalog

    shas = sorted({e.sha256 for e in entries if e.sha256 and e.status == "issued"})
    if not shas:
        return {}
    with Catalog.open_read(workspace().catalog_path) as catalog:
        found = catalog.ids_for_shas(shas) if catalog.has_table() else {}
    readable = _readable(set(found.values()))
    return {sha: doc_id for sha, doc_id in found.items() if doc_id in readable}


def _incoming_state(e, today: dt.date) -> str:
    if e.done_on is not None:
        return "done"
    if e.is_overdue(today):
        return "overdue"
    return "routed" if e.to_places else "unrouted"


def _incoming_state_text(e, today: dt.date) -> str:
    if e.done_on is not None:
        text = _("handled on {date:%d/%m/%Y}").format(date=e.done_on)
        return text + (_(", answered by {reply}").format(reply=e.reply) if e.reply else "")
    if e.is_overdue(today):
        return _("{days} days overdue").format(days=(today - e.due).days)
    return _(INCOMING_STATUS["routed"]) if e.to_places else _(INCOMING_STATUS["unrouted"])


def _incoming_filtered(f: Filters, today: dt.date) -> tuple[list, list]:
    from ..records.incoming import entries

    everything = entries(workspace())

    def state_ok(e) -> bool:
        if not f.status:
            return True
        state = _incoming_state(e, today)
        if f.status == "open":
            return state != "done"
        if f.status == "routed":
            return state in ("routed", "overdue") and bool(e.to_places)
        return state == f.status

    chosen = [
        e for e in everything
        if (f.year is None or e.year == f.year)
        and (not f.kind or (e.type_name or "") == f.kind)
        and state_ok(e)
        and f.in_range(e.received)
        and _matches(_words(f.q), e.subject, e.type_name, e.organ, e.code)
    ]
    return chosen, everything


def _years(everything: list, year: int | None) -> list[int]:
    return sorted({e.year for e in everything} | {audit.today().year} | ({year} if year else set()), reverse=True)


# -- the pages ---------------------------------------------------------------------------


@requires("read")
def outgoing():
    from ..export import REGISTER_HEADINGS, register_rows

    f = Filters.from_args(request.args, OUTGOING_STATUS)
    chosen, everything = _outgoing_filtered(f)
    page = Page.of(chosen, page_number(), PAGE_SIZE)
    links = _outgoing_links(page.items)
    rows = [(e, cells, links.get(e.sha256)) for e, cells in zip(page.items, register_rows(page.items))]
    event_after_response("view", "outgoing", f.year or "all", {"page": "register", **_jsonable(f.as_dict())})
    return render_template(
        "registers_outgoing.html", f=f, page=page, rows=rows, headings=REGISTER_HEADINGS, total=len(chosen),
        years=_years(everything, f.year), kinds=sorted({e.series for e in everything}),
        statuses=OUTGOING_STATUS, export_args=f.query(),
    )


@requires("read")
def incoming():
    from ..export import INCOMING_HEADINGS, incoming_rows

    today = audit.today()
    f = Filters.from_args(request.args, INCOMING_STATUS)
    chosen, everything = _incoming_filtered(f, today)
    page = Page.of(chosen, page_number(), PAGE_SIZE)
    readable = _readable({e.archive_id for e in page.items})
    rows = [(e, cells, e.archive_id if e.archive_id in readable else None, _incoming_state(e, today),
             _incoming_state_text(e, today)) for e, cells in zip(page.items, incoming_rows(page.items))]
    event_after_response("view", "incoming", f.year or "all", {"page": "register", **_jsonable(f.as_dict())})
    return render_template(
        "registers_incoming.html", f=f, page=page, rows=rows, headings=INCOMING_HEADINGS, total=len(chosen),
        years=_years(everything, f.year), kinds=sorted({e.type_name for e in everything if e.type_name}),
        statuses=INCOMING_STATUS, export_args=f.query(), may_handle=_may("register-incoming"), today=today,
        overdue_count=sum(1 for e in everything if e.is_overdue(today)),
    )


@requires("read")
def overdue():
    from ..records.incoming import overdue as overdue_entries

    day = _date(request.args.get("on"), "on") or audit.today()
    late = overdue_entries(workspace(), day)
    page = Page.of(late, page_number(), PAGE_SIZE)
    readable = _readable({e.archive_id for e in page.items})
    rows = [(e, (day - e.due).days, e.archive_id if e.archive_id in readable else None) for e in page.items]
    event_after_response("view", "incoming", "overdue", {"page": "overdue", "on": day.isoformat()})
    return render_template("registers_overdue.html", day=day, page=page, rows=rows, total=len(late),
                           may_handle=_may("register-incoming"), today=audit.today())


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def _may(permission: str) -> bool:
    user = the_user()
    return user is not None and user.may(permission)


# -- exports: the CLI's own writers --------------------------------------------------------


def _export_name(stem: str, f: Filters, fmt: str) -> str:
    return f"{stem}-{f.year or 'tat-ca'}.{fmt}"


def _send(data: bytes, name: str, fmt: str) -> Response:
    mimetype = ("text/csv; charset=utf-8" if fmt == "csv"
                else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _xlsx_bytes(write, entries: list, year: int | None) -> bytes:
    with tempfile.TemporaryDirectory(prefix="paperwork-export-") as tmp:
        path = Path(tmp) / "register.xlsx"
        write(entries, path, year=year)
        return path.read_bytes()


@requires("read")
def outgoing_export(fmt: str):
    from ..export import csv_text, write_xlsx

    f = Filters.from_args(request.args, OUTGOING_STATUS)
    chosen, _everything = _outgoing_filtered(f)
    data = csv_text(chosen).encode("utf-8-sig") if fmt == "csv" else _xlsx_bytes(write_xlsx, chosen, f.year)
    event("download", "outgoing", f.year or "all", {"file": f"register.{fmt}", "entries": len(chosen),
                                                    **_jsonable(f.as_dict())})
    return _send(data, _export_name("so-van-ban-di", f, fmt), fmt)


@requires("read")
def incoming_export(fmt: str):
    from ..export import incoming_csv_text, write_incoming_xlsx

    f = Filters.from_args(request.args, INCOMING_STATUS)
    chosen, _everything = _incoming_filtered(f, audit.today())
    data = (incoming_csv_text(chosen).encode("utf-8-sig") if fmt == "csv"
            else _xlsx_bytes(write_incoming_xlsx, chosen, f.year))
    event("download", "incoming", f.year or "all", {"file": f"register.{fmt}", "entries": len(chosen),
                                                    **_jsonable(f.as_dict())})
    return _send(data, _export_name("so-van-ban-den", f, fmt), fmt)


# -- routing and handling (văn thư) --------------------------------------------------------


def _back() -> Any:
    """Back to the register page the form was on (a path of this site only)."""
    target = request.form.get("next", "")
    if not target.startswith("/registers/") or "//" in target or "\\" in target:
        target = url_for("registers.incoming")
    return redirect(target, code=303)


@requires("register-incoming")
def route(year: int, number: int):
    from ..records.incoming import route as route_entry

    try:
        e = route_entry(workspace(), year, number, request.form.get("to", ""),
                        due=_date(request.form.get("due"), "due"), on=_date(request.form.get("on"), "on"))
    except InputError as error:
        flash_error(_("số đến {number:02d}/{year}: {reason}").format(number=number, year=year, reason=error.reason))
        return _back()
    flash_ok(_("số đến {number}/{year} passed to {to}").format(number=e.arrival_number, year=e.year, to=e.to_places))
    return _back()


@requires("register-incoming")
def done(year: int, number: int):
    from ..records.incoming import mark_done

    reply = (request.form.get("reply") or "").strip() or None
    try:
        e = mark_done(workspace(), year, number, reply=reply, on=_date(request.form.get("on"), "on"))
    except InputError as error:
        flash_error(_("số đến {number:02d}/{year}: {reason}").format(number=number, year=year, reason=error.reason))
        return _back()
    flash_ok(_("số đến {number}/{year} marked handled").format(number=e.arrival_number, year=e.year))
    return _back()


def register(app) -> None:
    bp = Blueprint("registers", __name__, url_prefix="/registers")
    bp.add_url_rule("/outgoing", "outgoing", outgoing)
    bp.add_url_rule("/outgoing.<any(csv, xlsx):fmt>", "outgoing_export", outgoing_export)
    bp.add_url_rule("/incoming", "incoming", incoming)
    bp.add_url_rule("/incoming.<any(csv, xlsx):fmt>", "incoming_export", incoming_export)
    bp.add_url_rule("/incoming/overdue", "overdue", overdue)
    bp.add_url_rule("/incoming/<int:year>/<int:number>/route", "route", route, methods=["POST"])
    bp.add_url_rule("/incoming/<int:year>/<int:number>/done", "done", done, methods=["POST"])
    app.register_blueprint(bp)
    labels.install(app)
    add_nav(app, "registers.outgoing", N_("Outgoing register"), "read", order=20)
    add_nav(app, "registers.incoming", N_("Incoming register"), "read", order=25)
