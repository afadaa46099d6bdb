"""The embedded SQLite catalog shared by the register and the archive.

One file per workspace (``archive/catalog.sqlite``), WAL mode so readers never
block the writer, and a busy timeout so concurrent clerks wait instead of failing.
Each module owns its own tables and creates them with ``ensure_schema``.

The catalog is made once, by ``paperwork init`` (or ``paperwork archive create``):
``create`` makes it, ``connect`` opens one that exists and never makes a new
one, so an archive folder that is not mounted, or was moved, is reported
instead of quietly starting a fresh register. ``connect_read`` opens it
read-only: readers create nothing and take no write lock.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
import time
from collections.abc import Iterable
from pathlib import Path

from .errors import ArchiveError, CatalogMissingError, NoWorkspaceError
from .i18n import N_, _

# Seconds a writer waits for another before "busy"; PAPERWORK_BUSY_TIMEOUT sets it (the
# concurrency test sets 1 s: a command that had to wait longer for a lock would fail).
BUSY_TIMEOUT_S = float(os.environ.get("PAPERWORK_BUSY_TIMEOUT") or 30.0)
CATALOG_NAME = "catalog.sqlite"
DAMAGED_SUFFIX = ".damaged"  # beside the catalog: written by `archive verify` when its check fails


def missing_message(path: Path) -> str:
    return (
        _("{path} is missing: is the archive folder unmounted or moved? Mount it, or point [archive] "
          "path in paperwork.toml at it; `paperwork archive create` starts a new, empty register and "
          "archive").format(path=path)
    )


INIT_HINT = N_("run `paperwork init DIR --agency-name … --agency-code … --place …` first")


def explain(e: sqlite3.Error, path: Path) -> str:
    """SQLite's words, with the real cause when the disk is full ("disk I/O error" says too little)."""
    text = str(e)
    if "disk" in text.lower() or "full" in text.lower():
        try:
            st = os.statvfs(path.parent)
        except OSError:
            return text
        if st.f_bavail * st.f_frsize < 64 * 1024:
            return _("No space left on device ({text})").format(text=text)
    return text


def require(path: Path, *, initialised: bool, root: Path) -> None:
    """Raise the right error when the catalog cannot be used: no workspace at all, a catalog gone,
    or one marked damaged by ``verify``."""
    if path.is_file():
        _refuse_damaged(path)
        return
    if not initialised:
        raise NoWorkspaceError(_("no workspace here ({root}): {INIT_HINT}").format(
            root=root, INIT_HINT=_(INIT_HINT)
        ))
    raise CatalogMissingError(missing_message(path))


def _refuse_damaged(path: Path) -> None:
    damaged = damaged_marker(path)
    if damaged.exists():
        raise ArchiveError(
            _("{path} failed its integrity check (`paperwork archive verify`): it accepts no writes; "
              "restore it from a backup, then remove {name}").format(path=path, name=damaged.name)
        )


def create(path: Path) -> None:
    """Make a new, empty catalog (WAL); refuse if one is there."""
    if path.exists():
        raise ArchiveError(_("{path}: a catalog is already there; it is left as it is").format(path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    connect(path, create=True).close()


def connect(path: Path, *, timeout: float = BUSY_TIMEOUT_S, create: bool = False) -> sqlite3.Connection:
    """Open the catalog for writing; autocommit mode, so callers open transactions explicitly."""
    if not create and not path.is_file():
        raise CatalogMissingError(missing_message(path))
    _refuse_damaged(path)
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        conn.row_factory = sqlite3.Row
        _wal(conn, timeout)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.DatabaseError as e:
        raise ArchiveError(_("{path}: cannot open the catalog: {explain}").format(
            path=path, explain=explain(e, path)
        )) from e
    return conn


def connect_read(path: Path, *, timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """Open the catalog read-only: nothing is created, no write lock is ever taken."""
    if not path.is_file():
        raise CatalogMissingError(missing_message(path))
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=timeout,
                               isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.DatabaseError as e:
        raise ArchiveError(_("{path}: cannot read the catalog: {explain}").format(
            path=path, explain=explain(e, path)
        )) from e
    return conn


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def _wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch to WAL once; the switch can answer 'locked' without waiting, so retry it.

    Changing the journal mode needs a moment alone with the file, and SQLite
    may report SQLITE_BUSY for it without calling the busy handler while
    another process is opening the same new catalog.
    """
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def damaged_marker(path: Path) -> Path:
    return path.with_name(path.name + DAMAGED_SUFFIX)


def integrity_problem(path: Path) -> str | None:
    """``PRAGMA quick_check`` of the catalog, read-only: None when sound, else SQLite's first finding.

    When it fails, a marker is left beside the catalog (``catalog.sqlite.damaged``) so that
    no command writes into it until it is restored from a backup: more writes into a
    damaged file lose more.
    """
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        rows = [str(e)]
    if rows == ["ok"]:
        return None
    finding = "; ".join(rows)
    try:
        damaged_marker(path).write_text(finding + "\n", encoding="utf-8")
    except OSError:
        pass  # a read-only workspace: the finding is still reported
    return finding


def is_corruption(e: sqlite3.Error) -> bool:
    text = str(e).lower()
    return "malformed" in text or "not a database" in text


def note_corruption(e: sqlite3.Error, path: Path) -> None:
    """A write that met a damaged file marks the catalog, as ``verify`` would."""
    if is_corruption(e) and not damaged_marker(path).exists():
        try:
            damaged_marker(path).write_text(f"{e}\n", encoding="utf-8")
        except OSError:
            pass


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back if a transaction is open; SQLite may already have (disk full), and that is no error."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass


@contextmanager
def transaction(
    conn: sqlite3.Connection,
    mapper: Callable[[sqlite3.Error], Exception],
    prepare: Callable[[sqlite3.Connection], None] | None = None,
) -> Iterator[sqlite3.Connection]:
    """One short write transaction on ``conn``, which it closes: ``prepare`` (tables made when
    missing), BEGIN IMMEDIATE, COMMIT on success, ROLLBACK on any error; SQLite's errors go
    through ``mapper`` (each module says "the register is busy" in its own words)."""
    try:
        try:
            if prepare is not None:
                prepare(conn)
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise mapper(e) from e
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            rollback(conn)
            if isinstance(exc, sqlite3.Error):
                raise mapper(exc) from exc
            raise
    finally:
        conn.close()


@contextmanager
def reading(
    conn: sqlite3.Connection, table: str, mapper: Callable[[sqlite3.Error], Exception]
) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection, which it closes; None while ``table`` does not exist yet."""
    try:
        if not has_table(conn, table):
            yield None
            return
        try:
            yield conn
        except sqlite3.Error as e:
            raise mapper(e) from e
    finally:
        conn.close()


def ensure_schema(conn: sqlite3.Connection, statements: Iterable[str]) -> None:
    """Create tables and indexes if missing (statements use IF NOT EXISTS)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for sql in statements:
            conn.execute(sql)
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
