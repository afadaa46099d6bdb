"""The incoming-document register (sổ đăng ký văn bản đến: Decree 30, Điều 22, Phụ lục IV mục VI).

Every document that arrives, on paper or electronically, is stored in the
archive and given the next *số đến* of the year it was received: one series
per year from 01 on 1 January, paper and electronic together. The promises are
those of the outgoing register:

* **never two documents with one số đến**: a number is allocated and recorded
  in one short ``BEGIN IMMEDIATE`` transaction (``MAX + 1`` of the year, under
  the write lock), with ``(year, number)`` the primary key;
* **never a số đến pointing at nothing**: the file is stored and catalogued in
  the archive first (``archive.service.add_files``); only then is the number
  recorded, with the archive id, which SQLite checks (a foreign key on
  ``archive_documents``: the row must be there, and can never go while a số
  đến names it);
* **a number is never taken back**: triggers refuse to delete a row or change
  its year, number, arrival date or archive id, so ``MAX + 1`` can never hand
  out a number again;
* every change is an audit event (``records.audit``) written in the same
  transaction, so the trail and the register never disagree.

A second arrival of the same document — the same số, ký hiệu and issuing
agency, or the same file — is refused, naming the first số đến, unless the
clerk says it is expected (``duplicate_ok``): it is then recorded with a Ghi
chú naming the first.

The table keeps the fields Phụ lục VI (Phần II) asks of an incoming document
(``IncomingEntry.phu_luc_vi``): ArrivalDate, ArrivalNumber, OrganName,
CodeNumber, CodeNotation, IssuedDate, TypeName, Subject, PageAmount, Priority,
ToPlaces, DueDate, SignerInfo. What the clerk types and the row itself are
modelled in ``arrivals.py``; this module is the register (SQL, transactions).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import db
from ..errors import ArchiveError, CatalogMissingError, InputError, RegisterError
from ..i18n import N_, _
from . import audit
from .arrivals import (
    PRIORITIES,
    Arrival,
    IncomingEntry,
    Stamp,
    _check_number,
    _check_year,
    _entry,
    _text,
    duplicate_key,
    parse_date,
    parse_priority,
    split_code,
)

if TYPE_CHECKING:
    from ..archive.ocr import OcrSettings
    from ..archive.service import AddFailure, AddResult
    from ..archive.store import DocumentRecord
    from ..config import Workspace

__all__ = [
    "PRIORITIES",
    "Arrival",
    "IncomingEntry",
    "IncomingReport",
    "Refused",
    "Registered",
    "Stamp",
    "add",
    "entries",
    "get",
    "mark_done",
    "overdue",
    "parse_date",
    "parse_priority",
    "route",
]

TABLE = "incoming_entries"
ARCHIVE_TABLE = "archive_documents"  # the archive catalog's table (archive/store.py): ids are never reused
BUSY_MESSAGE = N_("the incoming register is busy (another clerk is registering): try again")

SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        year          INTEGER NOT NULL,
        number        INTEGER NOT NULL CHECK (number >= 1),    -- số đến (ArrivalNumber)
        received      TEXT    NOT NULL,                        -- ngày đến, ISO (ArrivalDate)
        archive_id    INTEGER NOT NULL REFERENCES {ARCHIVE_TABLE} (id),
        filename      TEXT    NOT NULL,
        organ         TEXT,                                    -- tác giả (OrganName)
        code_number   TEXT,                                    -- số (CodeNumber): "125"
        code_notation TEXT,                                    -- ký hiệu (CodeNotation): "QĐ-BNV"
        issued_date   TEXT,                                    -- ngày tháng văn bản (IssuedDate)
        type_name     TEXT,                                    -- tên loại (TypeName)
        subject       TEXT,                                    -- trích yếu (Subject)
        signer        TEXT,                                    -- SignerInfo/FullName, if known
        pages         INTEGER,                                 -- PageAmount
        priority      TEXT    NOT NULL DEFAULT 'thường'
                      CHECK (priority IN ('thường', 'khẩn', 'thượng khẩn', 'hỏa tốc')),
        to_places     TEXT,                                    -- đơn vị hoặc người nhận (ToPlaces)
        routed_on     TEXT,                                    -- ngày chuyển
        due           TEXT,                                    -- hạn giải quyết (DueDate)
        done_on       TEXT,                                    -- handled on
        reply         TEXT,                                    -- the answer: "12/CV-SNV" or "id 40"
        reply_archive_id INTEGER,
        dossier       TEXT,                                    -- số và ký hiệu hồ sơ (the ĐẾN stamp)
        dup_key       TEXT,                                    -- folded số/ký hiệu|agency|year
        duplicate_of  TEXT,                                    -- "2026/03": recorded with duplicate_ok
        note          TEXT,                                    -- ghi chú written at registration
        recorded_at   TEXT    NOT NULL,
        PRIMARY KEY (year, number),
        CHECK (CAST(substr(received, 1, 4) AS INTEGER) = year)
    )""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_dup ON {TABLE} (dup_key)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_archive ON {TABLE} (archive_id)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_open ON {TABLE} (due) WHERE done_on IS NULL",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_keep BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'a số đến is never deleted: the register only grows'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_fixed BEFORE UPDATE OF year, number, received, archive_id ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'a số đến keeps its year, number, arrival date and document'); END""",
)
_SCHEMA_OBJECTS = (TABLE, f"{TABLE}_keep", f"{TABLE}_fixed")


# -- what an add did --------------------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    path: Path
    entry: IncomingEntry
    stored_before: bool = False  # the same bytes were already in the archive
    has_text: bool = True
    ocr_problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Refused:
    """A second arrival of a document already registered (not recorded: no duplicate_ok)."""

    path: Path
    archive_id: int
    first: IncomingEntry

    @property
    def reason(self) -> str:
        what = f"{self.first.code}" + (
            _(" of {organ}").format(organ=self.first.organ) if self.first.organ else ""
        )
        if not self.first.code:
            what = _("this file")
        return _("{what} already arrived: số đến {number} of {year}, received {received:%d/%m/%Y}; give "
                 "--duplicate-ok to record it again (the file is in the archive as id {archive_id})").format(
            what=what, number=self.first.arrival_number, year=self.first.year, received=self.first.received,
            archive_id=self.archive_id
        )


@dataclass(frozen=True)
class IncomingReport:
    registered: tuple[Registered, ...]
    refused: tuple[Refused, ...] = ()
    failed: tuple[AddFailure, ...] = ()  # files the archive could not read: no number given
    index_error: str | None = None  # stored, catalogued and numbered, but not indexed
    ocr_unavailable: str | None = None
    filed_into: str | None = None  # the dossier the documents were filed into (--dossier, planned)

    @property
    def ok(self) -> bool:
        problems = any(r.ocr_problems for r in self.registered)
        return not self.refused and not self.failed and self.index_error is None and not problems


# -- the register -------------------------------------------------------------------------


def _is_busy(e: sqlite3.Error) -> bool:
    text = str(e).lower()
    return "locked" in text or "busy" in text


def _now() -> str:
    return audit.now().isoformat()


class IncomingRegister:
    """The incoming register of one workspace catalog; a connection per operation."""

    def __init__(self, catalog_path: Path, *, timeout: float = db.BUSY_TIMEOUT_S, initialised: bool = True):
        self.catalog_path = Path(catalog_path)
        self.timeout = timeout
        self.initialised = initialised

    @classmethod
    def for_workspace(cls, ws: Workspace, *, timeout: float = db.BUSY_TIMEOUT_S) -> IncomingRegister:
        return cls(ws.catalog_path, timeout=timeout, initialised=ws.profile_path is not None)

    # -- connections (as register.py: never a new catalog, short writes, lock-free reads)

    def require(self) -> None:
        db.require(self.catalog_path, initialised=self.initialised, root=self.catalog_path.parent.parent)

    def _map(self, e: sqlite3.Error) -> RegisterError:
        db.note_corruption(e, self.catalog_path)
        if isinstance(e, sqlite3.OperationalError) and _is_busy(e):
            return RegisterError(_(BUSY_MESSAGE))
        return RegisterError(_("{catalog_path}: the incoming register failed: {explain}").format(
            catalog_path=self.catalog_path, explain=db.explain(e, self.catalog_path)
        ))

    def _open(self, *, write: bool) -> sqlite3.Connection:
        self.require()
        try:
            if write:
                return db.connect(self.catalog_path, timeout=self.timeout)
            return db.connect_read(self.catalog_path, timeout=self.timeout)
        except ArchiveError as e:
            cause = e.__cause__
            if isinstance(cause, sqlite3.OperationalError) and _is_busy(cause):
                raise RegisterError(_(BUSY_MESSAGE)) from e
            if isinstance(e, CatalogMissingError):
                raise
            raise RegisterError(str(e)) from e

    @staticmethod
    def _ready(conn: sqlite3.Connection) -> bool:
        names = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE name IN (?, ?, ?)", _SCHEMA_OBJECTS)}
        return names == set(_SCHEMA_OBJECTS)

    def _write(self):
        """One short write transaction: BEGIN IMMEDIATE, COMMIT on success, ROLLBACK on any error."""
        return db.transaction(self._open(write=True), self._map, self._prepare)

    def _prepare(self, conn: sqlite3.Connection) -> None:
        if not self._ready(conn):
            db.ensure_schema(conn, SCHEMA)
        audit.ensure_schema(conn)

    def _read(self):
        """A read-only connection (no lock, nothing created); None while the register has no table."""
        return db.reading(self._open(write=False), TABLE, self._map)

    # -- reading

    @staticmethod
    def _row(conn: sqlite3.Connection, year: int, number: int) -> IncomingEntry | None:
        row = conn.execute(f"SELECT * FROM {TABLE} WHERE year = ? AND number = ?", (year, number)).fetchone()
        return _entry(row) if row else None

    def get(self, year: int, number: int) -> IncomingEntry:
        _check_year(year)
        _check_number(number)
        with self._read() as conn:
            found = self._row(conn, year, number) if conn is not None else None
        if found is None:
            raise InputError(_("số đến {number:02d} of {year} is not in the incoming register").format(
                number=number, year=year
            ))
        return found

    def entries(self, year: int | None = None) -> list[IncomingEntry]:
        """Every số đến, by year and number."""
        sql, params = f"SELECT * FROM {TABLE}", ()
        if year is not None:
            _check_year(year)
            sql, params = sql + " WHERE year = ?", (year,)
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY year, number", params).fetchall() if conn else []
        return [_entry(r) for r in rows]

    def overdue(self, on: dt.date) -> list[IncomingEntry]:
        """Not handled, and the deadline passed before ``on``: the most overdue first."""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT * FROM {TABLE} WHERE done_on IS NULL AND due IS NOT NULL AND due < ?"
                " ORDER BY due, year, number", (on.isoformat(),),
            ).fetchall() if conn else []
        return [_entry(r) for r in rows]

    # -- writing

    @staticmethod
    def _first_same(conn: sqlite3.Connection, key: str | None, archive_id: int) -> IncomingEntry | None:
        row = conn.execute(
            f"SELECT * FROM {TABLE} WHERE dup_key = ? OR archive_id = ? ORDER BY year, number LIMIT 1",
            (key, archive_id),
        ).fetchone()
        return _entry(row) if row else None

    def register(
        self,
        documents: Sequence[tuple[Path, DocumentRecord]],
        arrival: Arrival,
        *,
        duplicate_ok: bool = False,
        actor: str | None = None,
    ) -> tuple[list[tuple[Path, IncomingEntry]], list[Refused]]:
        """Give each archived document the next số đến of its arrival year, in one transaction.

        The documents must already be in the archive's catalog (their ids are
        checked by SQLite). Values the clerk typed win; the rest come from the
        catalog record. Numbers follow the order given, with no gap.
        """
        received = arrival.received or audit.today()
        year = received.year
        given_number, given_notation = split_code(arrival.number)
        done: list[tuple[Path, IncomingEntry]] = []
        refused: list[Refused] = []
        with self._write() as conn:
            for path, record in documents:
                code_number, code_notation = (given_number, given_notation) if arrival.number \
                    else split_code(record.number)
                organ = arrival.organ or record.agency
                issued = arrival.date or record.date
                key = duplicate_key(code_number, code_notation, organ, issued.year if issued else None)
                first = self._first_same(conn, key, record.id)
                if first is not None and not duplicate_ok:
                    refused.append(Refused(path, record.id, first))
                    continue
                number = int(conn.execute(
                    f"SELECT COALESCE(MAX(number), 0) + 1 FROM {TABLE} WHERE year = ?", (year,)).fetchone()[0])
                note = duplicate_of = None
                if first is not None:
                    duplicate_of = first.object_id
                    note = (f"Trùng văn bản đến số {first.arrival_number}"
                            + (f"/{first.year}" if first.year != year else "")
                            + f" ngày {first.received:%d/%m/%Y}")
                routed_on = received.isoformat() if arrival.to else None
                try:
                    conn.execute(
                        f"""INSERT INTO {TABLE} (year, number, received, archive_id, filename, organ, code_number,
                            code_notation, issued_date, type_name, subject, signer, pages, priority, to_places,
                            routed_on, due, dossier, dup_key, duplicate_of, note, recorded_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        (year, number, received.isoformat(), record.id, record.filename, organ, code_number,
                         code_notation, issued.isoformat() if issued else None,
                         arrival.type_name or record.type, arrival.title or record.title,
                         arrival.signer or record.signer, record.pages, arrival.priority, arrival.to, routed_on,
                         arrival.due.isoformat() if arrival.due else None, arrival.dossier, key, duplicate_of,
                         note, _now()),
                    )  # fmt: skip
                except sqlite3.IntegrityError as e:
                    if "FOREIGN KEY" in str(e):
                        raise RegisterError(_("{name}: archive id {id} is not in the catalog; no số "
                                              "đến was given").format(name=path.name, id=record.id)) from e
                    raise
                entry = self._row(conn, year, number)
                assert entry is not None
                audit.record(conn, "incoming add", "incoming", entry.object_id, {
                    "archive_id": record.id, "sha256": record.sha256, "filename": record.filename,
                    "received": entry.received, "code": entry.code or None, "organ": entry.organ,
                    "priority": entry.priority, "to": entry.to_places, "due": entry.due,
                    "dossier": entry.dossier, "duplicate_of": duplicate_of,
                }, actor=actor)
                done.append((path, entry))
        return done, refused

    def route(self, year: int, number: int, to: str, *, due: dt.date | None = None, on: dt.date | None = None,
              actor: str | None = None) -> IncomingEntry:
        """Pass số đến ``number`` of ``year`` to ``to`` (Ngày chuyển: ``on``, today by default)."""
        _check_year(year)
        _check_number(number)
        to = _text(to, "--to") or ""
        on = on or audit.today()
        with self._write() as conn:
            entry = self._row(conn, year, number)
            if entry is None:
                raise InputError(_("số đến {number:02d} of {year} is not in the incoming register").format(
                    number=number, year=year
                ))
            if entry.done_on is not None:
                raise InputError(_("số đến {arrival_number} of {year} was handled on "
                                   "{done_on:%d/%m/%Y}: there is nothing to route").format(
                    arrival_number=entry.arrival_number, year=year, done_on=entry.done_on
                ))
            if on < entry.received:
                raise InputError(_("{on:%d/%m/%Y} is before the document was received ({received:%d/%m/%Y})").format(
                    on=on, received=entry.received
                ),
                                 field="--on")
            if due is not None and due < entry.received:
                raise InputError(_("{due:%d/%m/%Y} is before the document was received "
                                   "({received:%d/%m/%Y})").format(due=due, received=entry.received), field="--due")
            conn.execute(
                f"UPDATE {TABLE} SET to_places = ?, routed_on = ?, due = COALESCE(?, due)"
                " WHERE year = ? AND number = ?",
                (to, on.isoformat(), due.isoformat() if due else None, year, number),
            )
            routed = self._row(conn, year, number)
            assert routed is not None
            audit.record(conn, "incoming route", "incoming", routed.object_id, {
                "archive_id": routed.archive_id, "to": to, "on": on, "due": routed.due,
                "previous_to": entry.to_places,
            }, actor=actor)
            return routed

    def done(self, year: int, number: int, *, reply: str | None = None, reply_archive_id: int | None = None,
             reply_details: dict[str, Any] | None = None, on: dt.date | None = None,
             actor: str | None = None) -> IncomingEntry:
        """Mark số đến ``number`` of ``year`` handled on ``on`` (today), answered by ``reply`` if any."""
        _check_year(year)
        _check_number(number)
        on = on or audit.today()
        with self._write() as conn:
            entry = self._row(conn, year, number)
            if entry is None:
                raise InputError(_("số đến {number:02d} of {year} is not in the incoming register").format(
                    number=number, year=year
                ))
            if entry.done_on is not None:
                raise InputError(_("số đến {arrival_number} of {year} was already handled on "
                                   "{done_on:%d/%m/%Y}").format(
                    arrival_number=entry.arrival_number, year=year, done_on=entry.done_on
                ))
            if on < entry.received:
                raise InputError(_("{on:%d/%m/%Y} is before the document was received ({received:%d/%m/%Y})").format(
                    on=on, received=entry.received
                ),
                                 field="--on")
            conn.execute(
                f"UPDATE {TABLE} SET done_on = ?, reply = ?, reply_archive_id = ? WHERE year = ? AND number = ?",
                (on.isoformat(), reply, reply_archive_id, year, number),
            )
            handled = self._row(conn, year, number)
            assert handled is not None
            audit.record(conn, "incoming done", "incoming", handled.object_id, {
                "archive_id": handled.archive_id, "on": on, "reply": reply,
                "reply_archive_id": reply_archive_id, **(reply_details or {}),
            }, actor=actor)
            return handled


# -- the library's doors (the CLI and, later, the web page call these) -------------------


def _in_order(paths: Sequence[Path], added: Sequence[AddResult]) -> list[AddResult]:
    """The archive's results in the order the files were given (a path given twice: twice)."""
    by_path: dict[Path, deque[AddResult]] = defaultdict(deque)
    for result in added:
        by_path[Path(result.source_path)].append(result)
    ordered = []
    for path in paths:
        if by_path[path]:
            ordered.append(by_path[path].popleft())
    return ordered


def add(
    ws: Workspace,
    paths: Sequence[Path],
    arrival: Arrival | None = None,
    *,
    duplicate_ok: bool = False,
    source: str = "imported",
    ocr: OcrSettings | None = None,
    actor: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> IncomingReport:
    """Store each file in the archive (OCR for scans), then give each its số đến.

    Files are archived first, as ``paperwork archive add`` does (metadata the
    clerk gave wins over what is read off the text); only the documents the
    archive holds then get numbers, in one short transaction, in the order
    given. A file the archive cannot read gets no number (``failed``); a
    document already registered is ``refused`` unless ``duplicate_ok``.
    """
    from ..archive.service import DocumentMeta, add_files

    arrival = (arrival or Arrival()).checked()
    paths = [Path(p).absolute() for p in paths]
    if not paths:
        raise InputError(_("give the FILE(s) that arrived"))
    if len(paths) > 1:
        for option, value in (("--number", arrival.number), ("--date", arrival.date), ("--title", arrival.title)):
            if value is not None:
                raise InputError(_("describes one document: give one FILE per {option}").format(
                    option=option
                ), field=option)
    register = IncomingRegister.for_workspace(ws)
    register.require()
    from .dossiers import file_documents, filing_target

    year = (arrival.received or audit.today()).year
    dossier = filing_target(ws, year, arrival.dossier, stamp=True)  # a wrong code refused before any số đến
    meta = DocumentMeta(type=arrival.type_name, number=arrival.number, date=arrival.date, agency=arrival.organ,
                        title=arrival.title, signer=arrival.signer)
    report = add_files(ws, paths, meta, source=source, progress=progress, ocr=ocr)
    results = _in_order(paths, report.added)
    numbered, refused = register.register([(r.source_path, r.record) for r in results], arrival,
                                          duplicate_ok=duplicate_ok, actor=actor)
    if dossier is not None and numbered:
        file_documents(ws, dossier.year, dossier.code, [entry.archive_id for _path, entry in numbered])
    by_id = {r.record.id: r for r in results}
    registered = tuple(
        Registered(path, entry, stored_before=by_id[entry.archive_id].duplicate,
                   has_text=by_id[entry.archive_id].has_text, ocr_problems=by_id[entry.archive_id].ocr_problems)
        for path, entry in numbered
    )
    return IncomingReport(registered, tuple(refused), tuple(report.failed), report.index_error,
                          report.ocr_unavailable, dossier.label if dossier is not None and numbered else None)


def route(ws: Workspace, year: int, number: int, to: str, *, due: dt.date | None = None,
          on: dt.date | None = None, actor: str | None = None) -> IncomingEntry:
    """Pass a document to a unit or person to handle, with a deadline (``paperwork incoming route``)."""
    return IncomingRegister.for_workspace(ws).route(year, number, to, due=due, on=on, actor=actor)


def _resolve_reply(ws: Workspace, reply: str, received: dt.date) -> tuple[str, int | None, dict[str, Any]]:
    """``--reply``: an archive id (``40``) or the số of an outgoing document (``12/CV-SNV``)."""
    from ..archive.service import get_document
    from ..register import Register

    text = _text(reply, "--reply") or ""
    if text.isdigit():
        try:
            record = get_document(ws, int(text))
        except InputError as e:
            raise InputError(e.reason, field="--reply") from None
        return record.number or f"id {record.id}", record.id, {"reply_sha256": record.sha256}
    number, notation = split_code(text)
    if notation is None or not number or not number.isdigit():
        raise InputError(_("{text!r} is neither an archive id nor a số such as 12/CV-SNV").format(text=text), field="--reply")
    key = duplicate_key(number, notation, None)
    found = [e for e in Register.for_workspace(ws).entries()
             if e.status == "issued" and duplicate_key(str(e.number), e.symbol, None) == key]
    if not found:
        raise InputError(_("{text} is not in the outgoing register; give the reply's archive id instead").format(
            text=text
        ),
                         field="--reply")
    after = [e for e in found if e.date >= received]
    if not after:
        raise InputError(_("{number_symbol} is dated {date:%d/%m/%Y}, before the document arrived "
                           "({received:%d/%m/%Y})").format(
            number_symbol=found[-1].number_symbol, date=found[-1].date, received=received
        ), field="--reply")
    entry = min(after, key=lambda e: (e.date, e.year))
    return entry.number_symbol, None, {
        "reply_outgoing": audit.outgoing_object_id(entry.year, entry.series, entry.number),
        "reply_sha256": entry.sha256,
    }


def mark_done(ws: Workspace, year: int, number: int, *, reply: str | None = None, on: dt.date | None = None,
              actor: str | None = None) -> IncomingEntry:
    """Record that a document was handled (``paperwork incoming done``), and the reply if any."""
    register = IncomingRegister.for_workspace(ws)
    reply_text, reply_id, details = None, None, {}
    if reply is not None:
        entry = register.get(year, number)
        reply_text, reply_id, details = _resolve_reply(ws, reply, entry.received)
        if reply_id == entry.archive_id:
            raise InputError(_("id {reply_id} is the document that arrived, not its reply").format(
                reply_id=reply_id
            ), field="--reply")
    return register.done(year, number, reply=reply_text, reply_archive_id=reply_id, reply_details=details,
                         on=on, actor=actor)


def get(ws: Workspace, year: int, number: int) -> IncomingEntry:
    return IncomingRegister.for_workspace(ws).get(year, number)


def entries(ws: Workspace, year: int | None = None) -> list[IncomingEntry]:
    return IncomingRegister.for_workspace(ws).entries(year)


def overdue(ws: Workspace, on: dt.date | None = None) -> list[IncomingEntry]:
    """Documents not handled whose deadline passed before ``on`` (today in Vietnam)."""
    return IncomingRegister.for_workspace(ws).overdue(on or audit.today())
