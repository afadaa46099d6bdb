"""The embedded SQLite catalog shared by the register and the archive.

One file per workspace (``archive/catalog.sqlite``), WAL mode so readers never
block the writer, and a busy timeout so concurrent clerks wait instead of failing.
Each module owns its own tables and creates them with ``ensure_schema``.
"""

from __future__ import annotations

import sqlite3
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
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.DatabaseError as e:
        raise ArchiveError(f"{path}: cannot open the catalog: {e}") from e
    return conn


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
