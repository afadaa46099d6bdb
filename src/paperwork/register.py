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

The register's tables: ``register_entries`` (one row per number given out) and
``register_meta`` (schema version).
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
from .errors import ArchiveError, InputError, NumberInUseError, RegisterError
from .vietnamese import nfc, number_symbol

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

SCHEMA_VERSION = 1
SHARED_SERIES = "shared"
BUSY_MESSAGE = "the register is busy (another clerk is issuing): try again"

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS register_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    f"INSERT OR IGNORE INTO register_meta (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}')",
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
    )


def _is_busy(e: sqlite3.Error) -> bool:
    text = str(e).lower()
    return "locked" in text or "busy" in text


def _map(e: sqlite3.Error, path: Path) -> RegisterError:
    if isinstance(e, sqlite3.OperationalError) and _is_busy(e):
        return RegisterError(BUSY_MESSAGE)
    return RegisterError(f"{path}: the register failed: {e}")


def _check_year(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
        raise InputError(f"not a year: {year!r}")


def _check_number(number: int) -> None:
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise InputError(f"a document number is a whole number from 1, not {number!r}")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


class Register:
    """The register of one workspace catalog; opens a connection per operation."""

    def __init__(self, catalog_path: Path, numbering: Numbering, *, timeout: float = db.BUSY_TIMEOUT_S):
        self.catalog_path = Path(catalog_path)
        self.numbering = numbering
        self.timeout = timeout

    @classmethod
    def for_workspace(cls, ws: Workspace, *, timeout: float = db.BUSY_TIMEOUT_S) -> Register:
        return cls(ws.catalog_path, ws.numbering, timeout=timeout)

    # -- series ---------------------------------------------------------------

    def series_for(self, type_symbol: str) -> str:
        """The series key: the type symbol (``per-type``) or ``"shared"``."""
        symbol = nfc(type_symbol or "").strip()
        if not symbol or any(c.isspace() for c in symbol) or "/" in symbol:
            raise InputError(f"not a type symbol: {type_symbol!r}")
        if self.numbering.series == "shared":
            return SHARED_SERIES
        return symbol

    # -- connections ----------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = db.connect(self.catalog_path, timeout=self.timeout)
        except ArchiveError as e:  # db.connect speaks for the shared catalog
            cause = e.__cause__
            if isinstance(cause, sqlite3.OperationalError) and _is_busy(cause):
                raise RegisterError(BUSY_MESSAGE) from e
            raise RegisterError(str(e)) from e
        try:
            try:
                exists = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'register_entries'"
                ).fetchone()
                if not exists:
                    db.ensure_schema(conn, SCHEMA)
            except sqlite3.Error as e:
                raise _map(e, self.catalog_path) from e
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE, COMMIT on success, ROLLBACK on any error."""
        with self._connection() as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as e:
                raise _map(e, self.catalog_path) from e
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise _map(exc, self.catalog_path) from exc
                raise

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
            state = "withdrawn" if taken.status == "void" else "issued"
            raise NumberInUseError(
                f"number {number:02d} of {year} is already {state} as {taken.number_symbol}"
                f" (series {series}); leave the number out to take the next free one"
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
                    f"number {number:02d} of {year} was reserved but never recorded: nothing was registered"
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
        if not self.catalog_path.exists():
            return
        with self._read() as conn:
            self._raise_if_taken(conn, series, year, number)

    def peek_next(self, type_symbol: str, year: int) -> int:
        """The number the next reservation would get now (a preview, not a promise)."""
        series = self.series_for(type_symbol)
        _check_year(year)
        if not self.catalog_path.exists():
            return 1
        with self._read() as conn:
            return self._next(conn, year, series)

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._connection() as conn:
            try:
                yield conn
            except sqlite3.Error as e:
                raise _map(e, self.catalog_path) from e

    # -- void and list --------------------------------------------------------

    def void(self, year: int, number: int, reason: str, *, series: str | None = None) -> Entry:
        """Mark a number withdrawn (thu hồi): the row stays, the number is never reused."""
        _check_year(year)
        _check_number(number)
        reason = nfc(reason or "").strip()
        if not reason:
            raise InputError("give the reason the document is withdrawn")
        key = self.series_for(series) if series is not None else None
        if not self.catalog_path.exists():
            raise InputError(f"number {number:02d} of {year} is not in the register")
        with self._write() as conn:
            sql = "SELECT * FROM register_entries WHERE year = ? AND number = ?"
            params: tuple[object, ...] = (year, number)
            if key is not None:
                sql += " AND series = ?"
                params += (key,)
            found = [_entry(r) for r in conn.execute(sql + " ORDER BY series", params)]
            where = f" in series {key}" if key is not None else ""
            if not found:
                raise InputError(f"number {number:02d} of {year} is not in the register{where}")
            if len(found) > 1:
                names = ", ".join(e.number_symbol for e in found)
                raise InputError(
                    f"number {number:02d} of {year} is in several series ({names}): give --series"
                )
            entry = found[0]
            if entry.status == "void":
                raise InputError(f"{entry.number_symbol} of {year} is already withdrawn: {entry.void_reason}")
            conn.execute(
                "UPDATE register_entries SET status = 'void', void_reason = ?, voided_at = ?"
                " WHERE year = ? AND series = ? AND number = ?",
                (reason, _now(), entry.year, entry.series, entry.number),
            )
            row = conn.execute(
                "SELECT * FROM register_entries WHERE year = ? AND series = ? AND number = ?",
                (entry.year, entry.series, entry.number),
            ).fetchone()
            return _entry(row)

    def entries(self, year: int | None = None, *, series: str | None = None) -> list[Entry]:
        """Every number given out, ordered by year, series, number."""
        if year is not None:
            _check_year(year)
        if not self.catalog_path.exists():
            return []
        sql = "SELECT * FROM register_entries WHERE 1 = 1"
        params: list[object] = []
        if year is not None:
            sql += " AND year = ?"
            params.append(year)
        if series is not None:
            sql += " AND series = ?"
            params.append(self.series_for(series))
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY year, series, number", params).fetchall()
        return [_entry(r) for r in rows]


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
            raise RegisterError("the block is closed")
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
    ) -> Entry:
        """Write the register row; it becomes permanent when the with-block ends cleanly."""
        if self._closed:
            raise RegisterError("the reservation is closed: record() belongs inside its with-block")
        if self.entry is not None:
            raise RegisterError(f"number {self.number:02d} of {self.year} is already recorded")
        symbol = nfc(symbol or "").strip()
        if not symbol or "/" in symbol:
            raise InputError(f"not a ký hiệu: {symbol!r}")
        if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
            raise InputError(f"the document date must be a date, not {date!r}")
        if date.year != self.year:
            raise InputError(
                f"the document is dated {date:%d/%m/%Y}, outside the reserved year {self.year}"
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
        )
        try:
            self._conn.execute(
                "INSERT INTO register_entries (year, series, number, symbol, date, kind, type_name,"
                " title, signer, recipients, output, sha256, status, issued_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'issued', ?)",
                (
                    entry.year, entry.series, entry.number, entry.symbol, entry.date.isoformat(),
                    entry.kind, entry.type_name, entry.title, entry.signer,
                    json.dumps(list(entry.recipients), ensure_ascii=False),
                    entry.output, entry.sha256, entry.issued_at,
                ),
            )  # fmt: skip
        except sqlite3.IntegrityError as e:
            # Only reachable when the policy changed within a year and two
            # series now produce the same number + symbol.
            raise NumberInUseError(
                f"{entry.number_symbol} is already in the {self.year} register"
            ) from e
        except sqlite3.Error as e:
            raise _map(e, self._path) from e
        self.entry = entry
        return entry
