"""The embedded SQLite catalog shared by the register and the archive.

One file per workspace (``archive/catalog.sqlite``), WAL mode so readers never
block the writer, and a busy timeout so concurrent clerks wait instead of failing.
Each module owns its own tables and creates them with ``ensure_schema``.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from .errors import ArchiveError

BUSY_TIMEOUT_S = 30.0


def connect(path: Path, *, timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """Open the catalog; autocommit mode, so callers open transactions explicitly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        conn.row_factory = sqlite3.Row
        _wal(conn, timeout)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.DatabaseError as e:
        raise ArchiveError(f"{path}: cannot open the catalog: {e}") from e
    return conn


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


def ensure_schema(conn: sqlite3.Connection, statements: Iterable[str]) -> None:
    """Create tables and indexes if missing (statements use IF NOT EXISTS)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for sql in statements:
            conn.execute(sql)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
