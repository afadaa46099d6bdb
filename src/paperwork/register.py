"""The outgoing-document register (sổ đăng ký văn bản đi): allocate, void, list.

Numbers run from 1 in every calendar year and series (Decree 30, Điều 15); a
series is the type symbol (QĐ, BB, GM …) under the ``per-type`` policy, or one
series for the whole agency under ``shared``. A withdrawn (voided) number stays
in the register and is never given out again.

Every allocation is one SQLite transaction opened with ``BEGIN IMMEDIATE`` in
the workspace catalog (WAL mode, shared with the archive, which owns its own
tables): the caller renders and writes its document inside the reservation and
records it there, so a failed render rolls back and consumes no number.

    with register.reserve("QĐ", 2025) as r:
        path = render(..., number=r.number)
        r.record(symbol="QĐ-SNV", date=..., ..., output=str(path), sha256=...)

Issuing is two short transactions around the move of the files into place
(``pipeline.py`` drives it; no lock is held while documents render, convert or
are archived):

1. the rows are recorded with ``placed = 0`` and, in ``pending``, the staged
   files and their targets (``Block.record(..., pending=…)``);
2. the staged files are renamed into place;
3. ``settle`` marks the rows placed, or withdraws (void) the number of a file
   that could not be put in place, with the reason.

A process killed between 1 and 3 leaves rows with ``placed = 0``: ``recover``
(run before every issue) finishes the move from the staged files, or confirms
a file already in place, or withdraws the number with the reason. So a number
is issued once per series and year, and never points at a file that is not
there unless the register says why.

The register's tables: ``register_entries`` (one row per number given out),
``register_meta`` (schema version) and ``batch_items`` (which manifest item was
issued as which number, so that re-running a manifest issues nothing new).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import db
from .config import Numbering
from .errors import (
    ArchiveError,
    CatalogMissingError,
    InputError,
    NumberInUseError,
    PaperworkError,
    RegisterError,
)
from .i18n import N_, _
from .vietnamese import nfc, number_symbol, user_text

if TYPE_CHECKING:
    from .config import Workspace

__all__ = [
    "SCHEMA_VERSION",
    "SHARED_SERIES",
    "Block",
    "Entry",
    "Register",
    "Reservation",
]

SCHEMA_VERSION = 2
SHARED_SERIES = "shared"
BATCH_TABLE = "batch_items"
BUSY_MESSAGE = N_("the register is busy (another clerk is issuing): try again")

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS register_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    "INSERT OR IGNORE INTO register_meta (key, value) VALUES ('schema_version', '1')",
    """CREATE TABLE IF NOT EXISTS register_entries (
        year        INTEGER NOT NULL,
        series      TEXT    NOT NULL,
        number      INTEGER NOT NULL CHECK (number >= 1),
        symbol      TEXT    NOT NULL,
        date        TEXT    NOT NULL,
        kind        TEXT    NOT NULL,
        type_name   TEXT    NOT NULL,
        title       TEXT    NOT NULL,
        signer      TEXT    NOT NULL,
        recipients  TEXT    NOT NULL,
        output      TEXT    NOT NULL,
        sha256      TEXT    NOT NULL,
        status      TEXT    NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'void')),
        void_reason TEXT,
        voided_at   TEXT,
        issued_at   TEXT    NOT NULL,
        PRIMARY KEY (year, series, number),
        UNIQUE (year, number, symbol)
    )""",
    f"""CREATE TABLE IF NOT EXISTS {BATCH_TABLE} (
        manifest        TEXT    NOT NULL,   -- the manifest's absolute path
        item            TEXT    NOT NULL,   -- the item's name in it
        content_sha256  TEXT    NOT NULL,   -- of the validated input (JSON, keys sorted)
        year            INTEGER NOT NULL,   -- the register row it was issued as
        series          TEXT    NOT NULL,
        number          INTEGER NOT NULL,
        date            TEXT    NOT NULL,
        output          TEXT    NOT NULL,
        recorded_at     TEXT    NOT NULL,
        PRIMARY KEY (manifest, item, content_sha256)
    )""",
)
# Columns added after the first release (ALTER TABLE for older catalogs).
ADDED_COLUMNS = (
    ("placed", "INTEGER NOT NULL DEFAULT 1"),  # 0 from recording until the file is in place
    ("pending", "TEXT"),  # JSON while placed = 0: {"pid": …, "host": …, "files": [[staged, target], …]}
    ("note", "TEXT"),  # what happened to the file later ("replaced by …")
)



@dataclass(frozen=True)
class Entry:
    """One number given out: the register row of an issued or voided document."""

    year: int
    series: str
    number: int
    symbol: str  # full ký hiệu, e.g. "QĐ-SNV"
    date: dt.date
    kind: str
    type_name: str  # e.g. "Quyết định"
    title: str
    signer: str
    recipients: tuple[str, ...]
    output: str
    sha256: str
    status: str  # "issued" | "void"
    void_reason: str | None
    issued_at: str  # ISO timestamp
    placed: bool = True  # False while its file is being put in place (see the module docstring)
    note: str | None = None  # what happened to the file later ("replaced by …")

    @property
    def number_symbol(self) -> str:
        """``"07/QĐ-SNV"`` (leading zero below 10)."""
        return number_symbol(self.number, self.symbol)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: dates ISO, recipients a list."""
        return {
            "year": self.year,
            "series": self.series,
            "number": self.number,
            "symbol": self.symbol,
            "number_symbol": self.number_symbol,
            "date": self.date.isoformat(),
            "kind": self.kind,
            "type_name": self.type_name,
            "title": self.title,
            "signer": self.signer,
            "recipients": list(self.recipients),
            "output": self.output,
            "sha256": self.sha256,
            "status": self.status,
            "void_reason": self.void_reason,
            "issued_at": self.issued_at,
            "placed": self.placed,
            "note": self.note,
        }


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(
        year=row["year"],
        series=row["series"],
        number=row["number"],
        symbol=row["symbol"],
        date=dt.date.fromisoformat(row["date"]),
        kind=row["kind"],
        type_name=row["type_name"],
        title=row["title"],
        signer=row["signer"],
        recipients=tuple(json.loads(row["recipients"])),
        output=row["output"],
        sha256=row["sha256"],
        status=row["status"],
        void_reason=row["void_reason"],
        issued_at=row["issued_at"],
        placed=bool(row["placed"]) if "placed" in row.keys() else True,
        note=row["note"] if "note" in row.keys() else None,
    )


def _is_busy(e: sqlite3.Error) -> bool:
    text = str(e).lower()
    return "locked" in text or "busy" in text


def _map(e: sqlite3.Error, path: Path) -> RegisterError:
    db.note_corruption(e, path)
    if isinstance(e, sqlite3.OperationalError) and _is_busy(e):
        return RegisterError(_(BUSY_MESSAGE))
    return RegisterError(_("{path}: the register failed: {explain}").format(
        path=path, explain=db.explain(e, path)
    ))


def _check_year(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
        raise InputError(_("not a year: {year!r}").format(year=year))


def _check_number(number: int) -> None:
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise InputError(_("a document number is a whole number from 1, not {number!r}").format(
            number=number
        ))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


class Register:
    """The register of one workspace catalog; opens a connection per operation."""

    def __init__(self, catalog_path: Path, numbering: Numbering, *, timeout: float = db.BUSY_TIMEOUT_S,
                 initialised: bool = True):
        self.catalog_path = Path(catalog_path)
        self.numbering = numbering
        self.timeout = timeout
        self.initialised = initialised  # a paperwork.toml says where the catalog must be

    @classmethod
    def for_workspace(cls, ws: Workspace, *, timeout: float = db.BUSY_TIMEOUT_S) -> Register:
        return cls(ws.catalog_path, ws.numbering, timeout=timeout, initialised=ws.profile_path is not None)

    # -- series ---------------------------------------------------------------

    def series_for(self, type_symbol: str) -> str:
        """The series key: the type symbol (``per-type``) or ``"shared"``."""
        symbol = nfc(type_symbol or "").strip()
        if not symbol or any(c.isspace() for c in symbol) or "/" in symbol:
            raise InputError(_("not a type symbol: {type_symbol!r}").format(type_symbol=type_symbol))
        if self.numbering.series == "shared":
            return SHARED_SERIES
        return symbol

    # -- connections ----------------------------------------------------------

    def _open(self, *, write: bool) -> sqlite3.Connection:
        db.require(self.catalog_path, initialised=self.initialised, root=self.catalog_path.parent.parent)
        try:
            if write:
                return db.connect(self.catalog_path, timeout=self.timeout)
            return db.connect_read(self.catalog_path, timeout=self.timeout)
        except ArchiveError as e:  # db speaks for the shared catalog
            cause = e.__cause__
            if isinstance(cause, sqlite3.OperationalError) and _is_busy(cause):
                raise RegisterError(_(BUSY_MESSAGE)) from e
            if isinstance(e, CatalogMissingError):
                raise
            raise RegisterError(str(e)) from e

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        """Create or bring up to date the register's tables (a write only when needed)."""
        try:
            if db.has_table(conn, "register_entries") and db.has_table(conn, BATCH_TABLE) and self._columns_ok(conn):
                return
            db.ensure_schema(conn, SCHEMA)
            if not self._columns_ok(conn):
                conn.execute("BEGIN IMMEDIATE")
                try:
                    have = {r["name"] for r in conn.execute("PRAGMA table_info(register_entries)")}
                    for name, declaration in ADDED_COLUMNS:
                        if name not in have:
                            conn.execute(f"ALTER TABLE register_entries ADD COLUMN {name} {declaration}")
                    conn.execute(
                        "INSERT OR REPLACE INTO register_meta (key, value) VALUES ('schema_version', ?)",
                        (str(SCHEMA_VERSION),),
                    )
                    conn.execute("COMMIT")
                except BaseException:
                    db.rollback(conn)
                    raise
        except sqlite3.Error as e:
            raise _map(e, self.catalog_path) from e

    @staticmethod
    def _columns_ok(conn: sqlite3.Connection) -> bool:
        have = {r["name"] for r in conn.execute("PRAGMA table_info(register_entries)")}
        return all(name in have for name, _ in ADDED_COLUMNS)

    def _mapper(self, e: sqlite3.Error) -> RegisterError:
        return _map(e, self.catalog_path)

    def _write(self):
        """One short write transaction: BEGIN IMMEDIATE, COMMIT on success, ROLLBACK on any error."""
        return db.transaction(self._open(write=True), self._mapper, self._ensure_schema)

    def _read(self):
        """A read-only connection (no lock, nothing created); None while the register has no table."""
        return db.reading(self._open(write=False), "register_entries", self._mapper)

    # -- allocation -----------------------------------------------------------

    @staticmethod
    def _next(conn: sqlite3.Connection, year: int, series: str) -> int:
        row = conn.execute(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM register_entries WHERE year = ? AND series = ?",
            (year, series),
        ).fetchone()
        return int(row[0])

    @staticmethod
    def _taken(conn: sqlite3.Connection, year: int, series: str, number: int) -> Entry | None:
        row = conn.execute(
            "SELECT * FROM register_entries WHERE year = ? AND series = ? AND number = ?",
            (year, series, number),
        ).fetchone()
        return _entry(row) if row else None

    def _raise_if_taken(self, conn: sqlite3.Connection, series: str, year: int, number: int) -> None:
        taken = self._taken(conn, year, series, number)
        if taken is not None:
            state = _("withdrawn") if taken.status == "void" else _("issued")
            raise NumberInUseError(
                _("number {number:02d} of {year} is already {state} as {number_symbol} (series "
                  "{series}); leave the number out to take the next free one").format(
                    number=number, year=year, state=state, number_symbol=taken.number_symbol,
                    series=series
                )
            )

    @contextmanager
    def reserve(self, type_symbol: str, year: int, *, number: int | None = None) -> Iterator[Reservation]:
        """Hold the next number of the series for ``year`` (or check ``number`` is free).

        The caller renders and writes its file inside the with-block and calls
        ``reservation.record(...)`` before leaving it: COMMIT on a clean exit,
        ROLLBACK on an exception, so a failed render consumes no number. Leaving
        without ``record()`` rolls back and raises ``RegisterError``.
        """
        series = self.series_for(type_symbol)
        _check_year(year)
        if number is not None:
            _check_number(number)
        with self._write() as conn:
            if number is None:
                number = self._next(conn, year, series)
            else:
                self._raise_if_taken(conn, series, year, number)
            reservation = Reservation(conn, year=year, series=series, number=number, path=self.catalog_path)
            try:
                yield reservation
            finally:
                reservation._closed = True
            if reservation.entry is None:
                raise RegisterError(
                    _("number {number:02d} of {year} was reserved but never recorded: nothing was "
                      "registered").format(number=number, year=year)
                )

    @contextmanager
    def block(self) -> Iterator[Block]:
        """One write transaction for many numbers (``paperwork batch``).

        The caller asks ``block.next_number`` for each series, renders, then
        ``block.reservation(...).record(...)`` for each document it keeps: all
        are committed together on a clean exit, none on an exception. Callers
        may write their own tables through ``block.connection`` in the same
        transaction.
        """
        with self._write() as conn:
            blk = Block(self, conn)
            try:
                yield blk
            finally:
                blk._close()

    def check_free(self, type_symbol: str, year: int, number: int) -> None:
        """Raise ``NumberInUseError`` if ``number`` is taken in the series for ``year``."""
        series = self.series_for(type_symbol)
        _check_year(year)
        _check_number(number)
        with self._read() as conn:
            if conn is not None:
                self._raise_if_taken(conn, series, year, number)

    def peek_next(self, type_symbol: str, year: int) -> int:
        """The number the next reservation would get now (a preview, not a promise)."""
        series = self.series_for(type_symbol)
        _check_year(year)
        with self._read() as conn:
            return self._next(conn, year, series) if conn is not None else 1

    # -- void and list --------------------------------------------------------

    def void(self, year: int, number: int, reason: str, *, series: str | None = None) -> Entry:
        """Mark a number withdrawn (thu hồi): the row stays, the number is never reused."""
        _check_year(year)
        _check_number(number)
        if not (reason or "").strip():
            raise InputError(_("give the reason the document is withdrawn"))
        reason = user_text(reason, "--reason")
        key = self.series_for(series) if series is not None else None
        with self._write() as conn:
            sql = "SELECT * FROM register_entries WHERE year = ? AND number = ?"
            params: tuple[object, ...] = (year, number)
            if key is not None:
                sql += " AND series = ?"
                params += (key,)
            found = [_entry(r) for r in conn.execute(sql + " ORDER BY series", params)]
            where = _(" in series {series}").format(series=key) if key is not None else ""
            if not found:
                raise InputError(_("number {number:02d} of {year} is not in the register{where}").format(
                    number=number, year=year, where=where
                ))
            if len(found) > 1:
                names = ", ".join(e.number_symbol for e in found)
                raise InputError(
                    _("number {number:02d} of {year} is in several series ({names}): give --series").format(
                        number=number, year=year, names=names
                    )
                )
            entry = found[0]
            if entry.status == "void":
                raise InputError(_("{number_symbol} of {year} is already withdrawn: {void_reason}").format(
                    number_symbol=entry.number_symbol, year=year, void_reason=entry.void_reason
                ))
            conn.execute(
                "UPDATE register_entries SET status = 'void', void_reason = ?, voided_at = ?"
                " WHERE year = ? AND series = ? AND number = ?",
                (reason, _now(), entry.year, entry.series, entry.number),
            )
            from .records import audit

            audit.record(conn, "void", "outgoing", audit.outgoing_object_id(entry.year, entry.series, entry.number),
                         {"number": entry.number_symbol, "reason": reason, "sha256": entry.sha256})
            row = conn.execute(
                "SELECT * FROM register_entries WHERE year = ? AND series = ? AND number = ?",
                (entry.year, entry.series, entry.number),
            ).fetchone()
            return _entry(row)

    def entries(self, year: int | None = None, *, series: str | None = None) -> list[Entry]:
        """Every number given out, ordered by year, series, number."""
        if year is not None:
            _check_year(year)
        sql = "SELECT * FROM register_entries WHERE 1 = 1"
        params: list[object] = []
        if year is not None:
            sql += " AND year = ?"
            params.append(year)
        if series is not None:
            sql += " AND series = ?"
            params.append(self.series_for(series))
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY year, series, number", params).fetchall() if conn else []
        return [_entry(r) for r in rows]

    # -- the two steps of an issue, and recovery --------------------------------

    def snapshot(self) -> Snapshot:
        """The next numbers as the register has them now, read without a lock (for planning)."""
        return Snapshot(self)

    def settle(self, placed: Sequence[Entry], failed: Sequence[tuple[Entry, str]]) -> None:
        """Step 3: files in place are confirmed; a number whose file could not be placed is withdrawn."""
        if not placed and not failed:
            return
        with self._write() as conn:
            for e in placed:
                conn.execute(
                    "UPDATE register_entries SET placed = 1, pending = NULL WHERE year = ? AND series = ? AND number = ?",
                    (e.year, e.series, e.number),
                )
            for e, reason in failed:
                self._withdraw_unplaced(conn, e.year, e.series, e.number, reason)

    @staticmethod
    def _withdraw_unplaced(conn: sqlite3.Connection, year: int, series: str, number: int, reason: str) -> None:
        conn.execute(
            "UPDATE register_entries SET placed = 1, pending = NULL, status = 'void', void_reason = ?,"
            " voided_at = ? WHERE year = ? AND series = ? AND number = ?",
            (nfc(f"không ghi được tệp: {reason}"), _now(), year, series, number),
        )
        conn.execute(f"DELETE FROM {BATCH_TABLE} WHERE year = ? AND series = ? AND number = ?", (year, series, number))
        from .records import audit

        audit.record(conn, "void", "outgoing", audit.outgoing_object_id(year, series, number),
                     {"reason": nfc(f"không ghi được tệp: {reason}"), "automatic": True})

    def recover(self) -> list[Entry]:
        """Finish what a process killed in mid-issue left (rows with ``placed = 0`` whose writer is gone).

        A staged file that is there is put in place; a target that already holds the
        recorded bytes is confirmed; otherwise the number is withdrawn with the reason.
        Returns the rows it settled. Rows of a writer still running are left to it.
        """
        with self._read() as conn:
            if conn is None or not self._columns_ok(conn):
                return []
            rows = conn.execute("SELECT * FROM register_entries WHERE placed = 0").fetchall()
        stale = [r for r in rows if not _writer_alive(r["pending"])]
        if not stale:
            return []
        from .files import discard, place, sha256_file

        settled: list[Entry] = []
        with self._write() as conn:
            for old in stale:
                row = conn.execute(
                    "SELECT * FROM register_entries WHERE year = ? AND series = ? AND number = ? AND placed = 0",
                    (old["year"], old["series"], old["number"]),
                ).fetchone()
                if row is None:  # settled meanwhile
                    continue
                files = [(Path(a), Path(b)) for a, b in json.loads(row["pending"] or "{}").get("files", [])]
                problem = None
                for staged, target in files:
                    if staged.is_file():
                        try:
                            place(staged, target)
                        except PaperworkError as e:
                            problem = str(e)
                    elif not target.is_file():
                        problem = _("{target}: the process writing it stopped before it was put in place").format(target=target)
                docx = Path(row["output"])
                if problem is None and (not docx.is_file() or sha256_file(docx) != row["sha256"]):
                    problem = _("{docx}: the process writing it stopped before it was put in place").format(docx=docx)
                if problem is None:
                    conn.execute(
                        "UPDATE register_entries SET placed = 1, pending = NULL"
                        " WHERE year = ? AND series = ? AND number = ?",
                        (row["year"], row["series"], row["number"]),
                    )
                else:
                    discard(*(staged for staged, _ in files))
                    self._withdraw_unplaced(conn, row["year"], row["series"], row["number"], problem)
                settled.append(_entry(conn.execute(
                    "SELECT * FROM register_entries WHERE year = ? AND series = ? AND number = ?",
                    (row["year"], row["series"], row["number"]),
                ).fetchone()))
        return settled

    def issued_at(self, output: Path) -> Entry | None:
        """The issued entry whose document is the file at ``output`` now (None if none, or it changed)."""
        target = str(Path(output).absolute())
        with self._read() as conn:
            if conn is None:
                return None
            rows = conn.execute(
                "SELECT * FROM register_entries WHERE output = ? AND status = 'issued' ORDER BY issued_at DESC",
                (target,),
            ).fetchall()
        if not rows or not Path(target).is_file():
            return None
        from .files import sha256_file

        digest = sha256_file(Path(target))
        return next((_entry(r) for r in rows if r["sha256"] == digest), None)

    def recorded(self, manifest: str, item: str) -> list[sqlite3.Row]:
        """What earlier runs of ``manifest`` issued for ``item`` (not withdrawn), newest first."""
        with self._read() as conn:
            if conn is None or not db.has_table(conn, BATCH_TABLE):
                return []
            return conn.execute(
                f"SELECT b.*, r.symbol FROM {BATCH_TABLE} b JOIN register_entries r"
                " ON r.year = b.year AND r.series = b.series AND r.number = b.number"
                " WHERE b.manifest = ? AND b.item = ? AND r.status = 'issued' ORDER BY b.recorded_at DESC",
                (manifest, item),
            ).fetchall()


def _writer_alive(pending: str | None) -> bool:
    """Is the process that recorded these pending rows still running (on this machine)?"""
    import os
    import socket

    try:
        info = json.loads(pending or "{}")
        pid, host = int(info.get("pid", 0)), info.get("host")
    except (ValueError, TypeError):
        return False
    if pid <= 0 or host != socket.gethostname():
        # Another machine's writer: it may be running; it is given a day before it counts as gone.
        started = info.get("at") or ""
        try:
            age = dt.datetime.now(dt.timezone.utc) - dt.datetime.fromisoformat(started)
        except ValueError:
            return False
        return host != socket.gethostname() and age < dt.timedelta(days=1)
    if pid == os.getpid():
        return False
    from .files import pid_alive

    return pid_alive(pid)


def pending_note(files: Sequence[tuple[Path, Path]]) -> str:
    """The ``pending`` column of a row being placed: who writes it, and which files go where."""
    import os
    import socket

    return json.dumps({
        "pid": os.getpid(), "host": socket.gethostname(),
        "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "files": [[str(a), str(b)] for a, b in files],
    }, ensure_ascii=False)


class Snapshot:
    """Next numbers read once without a lock; ``Block`` answers the same question under the lock."""

    def __init__(self, register: Register):
        self._register = register
        self._cache: dict[tuple[str, int], int] = {}

    def series_for(self, type_symbol: str) -> str:
        return self._register.series_for(type_symbol)

    def next_number(self, type_symbol: str, year: int) -> int:
        key = (self.series_for(type_symbol), year)
        if key not in self._cache:
            self._cache[key] = self._register.peek_next(type_symbol, year)
        return self._cache[key]


class Block:
    """A register write transaction holding several numbers (see ``Register.block``)."""

    def __init__(self, register: Register, conn: sqlite3.Connection):
        self._register = register
        self._conn = conn
        self._reservations: list[Reservation] = []
        self._closed = False

    @property
    def connection(self) -> sqlite3.Connection:
        """The open transaction's connection, for the caller's own tables."""
        if self._closed:
            raise RegisterError(_("the block is closed"))
        return self._conn

    def series_for(self, type_symbol: str) -> str:
        return self._register.series_for(type_symbol)

    def next_number(self, type_symbol: str, year: int) -> int:
        """The next free number of the series, counting what this block recorded."""
        _check_year(year)
        return self._register._next(self.connection, year, self.series_for(type_symbol))

    def entry(self, type_symbol: str, year: int, number: int) -> Entry | None:
        _check_year(year)
        return self._register._taken(self.connection, year, self.series_for(type_symbol), number)

    def reservation(self, type_symbol: str, year: int, number: int) -> Reservation:
        """Hold ``number`` (raises ``NumberInUseError`` if taken); ``record`` it before the block ends."""
        series = self.series_for(type_symbol)
        _check_year(year)
        _check_number(number)
        self._register._raise_if_taken(self.connection, series, year, number)
        r = Reservation(self._conn, year=year, series=series, number=number, path=self._register.catalog_path)
        self._reservations.append(r)
        return r

    def remember(self, manifest: str, item: str, content: str, entry: Entry) -> None:
        """Note that ``item`` of ``manifest`` (input hash ``content``) was issued as ``entry``."""
        self.connection.execute(
            f"INSERT OR REPLACE INTO {BATCH_TABLE} (manifest, item, content_sha256, year, series, number,"
            " date, output, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (manifest, item, content, entry.year, entry.series, entry.number, entry.date.isoformat(),
             entry.output, _now()),
        )

    def note_replaced(self, output: str, by: str) -> None:
        """The issued document at ``output`` is being replaced (``--replace``): say so on its row."""
        self.connection.execute(
            "UPDATE register_entries SET note = ? WHERE output = ? AND status = 'issued' AND placed = 1",
            (nfc(f"tệp đã được thay bằng {by} ngày {dt.date.today():%d/%m/%Y}"), output),
        )

    def _close(self) -> None:
        self._closed = True
        for r in self._reservations:
            r._closed = True


class Reservation:
    """A number held inside an open transaction until ``record`` and the block's end."""

    def __init__(self, conn: sqlite3.Connection, *, year: int, series: str, number: int, path: Path):
        self.number = number
        self.year = year
        self.series = series
        self.entry: Entry | None = None
        self._conn = conn
        self._path = path
        self._closed = False

    def __repr__(self) -> str:
        return f"Reservation(year={self.year}, series={self.series!r}, number={self.number})"

    def record(
        self,
        *,
        symbol: str,
        date: dt.date,
        kind: str,
        type_name: str,
        title: str,
        signer: str,
        recipients: Sequence[str],
        output: str,
        sha256: str,
        pending: Sequence[tuple[Path, Path]] | None = None,
    ) -> Entry:
        """Write the register row; it becomes permanent when the with-block ends cleanly.

        ``pending``: the (staged, target) files still to be put in place; the row is
        recorded as not yet placed until ``Register.settle`` (see the module docstring).
        """
        if self._closed:
            raise RegisterError(_("the reservation is closed: record() belongs inside its with-block"))
        if self.entry is not None:
            raise RegisterError(_("number {number:02d} of {year} is already recorded").format(
                number=self.number, year=self.year
            ))
        symbol = nfc(symbol or "").strip()
        if not symbol or "/" in symbol:
            raise InputError(_("not a ký hiệu: {symbol!r}").format(symbol=symbol))
        if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
            raise InputError(_("the document date must be a date, not {date!r}").format(date=date))
        if date.year != self.year:
            raise InputError(
                _("the document is dated {date:%d/%m/%Y}, outside the reserved year {year}").format(
                    date=date, year=self.year
                )
            )
        if isinstance(recipients, str):
            recipients = [recipients]
        entry = Entry(
            year=self.year,
            series=self.series,
            number=self.number,
            symbol=symbol,
            date=date,
            kind=nfc(kind),
            type_name=nfc(type_name),
            title=nfc(title),
            signer=nfc(signer),
            recipients=tuple(nfc(r) for r in recipients),
            output=str(output),
            sha256=sha256,
            status="issued",
            void_reason=None,
            issued_at=_now(),
            placed=not pending,
        )
        try:
            self._conn.execute(
                "INSERT INTO register_entries (year, series, number, symbol, date, kind, type_name,"
                " title, signer, recipients, output, sha256, status, issued_at, placed, pending)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'issued', ?, ?, ?)",
                (
                    entry.year, entry.series, entry.number, entry.symbol, entry.date.isoformat(),
                    entry.kind, entry.type_name, entry.title, entry.signer,
                    json.dumps(list(entry.recipients), ensure_ascii=False),
                    entry.output, entry.sha256, entry.issued_at, int(entry.placed),
                    pending_note(pending) if pending else None,
                ),
            )  # fmt: skip
        except sqlite3.IntegrityError as e:
            # Only reachable when the policy changed within a year and two
            # series now produce the same number + symbol.
            raise NumberInUseError(
                _("{number_symbol} is already in the {year} register").format(
                    number_symbol=entry.number_symbol, year=self.year
                )
            ) from e
        except sqlite3.Error as e:
            raise _map(e, self._path) from e
        self.entry = entry
        return entry
