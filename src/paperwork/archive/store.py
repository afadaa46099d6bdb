"""Files stored once by SHA-256, and the catalog that describes them. Knows nothing of the index.

Layout inside the workspace archive (``ws.archive``)::

    catalog.sqlite           shared with the register; this module owns ``archive_documents``
    files/ab/ab12….docx      content-addressed, read-only (0o444)
    files/ab/ab12….pdfa.pdf  the PDF/A-2b archival copy (image + OCR text) of the scan
                             ab12…, beside it; its own SHA-256 is in the catalog row
    tmp/<pid>-<token>.part   a copy in progress; renamed into files/ when complete

Order of writes (``FileStore.put`` then ``Catalog.insert``): copy to tmp/, fsync,
chmod read-only, rename to the content path, fsync the folder (the same for the
archival copy of a scan); only then the catalog row, in one transaction. A kill at any point leaves either a leftover
tmp file (its writer is dead) or a stored file without a row; both are found by
``verify`` and cleaned up (or adopted) by ``reindex``. The catalog is the source
of truth: the index is rebuilt from it.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import db
from ..errors import ArchiveError
from ..files import pid_alive

__all__ = [
    "OCR_STATES",
    "PDFA_SUFFIX",
    "SOURCES",
    "Catalog",
    "CatalogRow",
    "DocumentMeta",
    "DocumentRecord",
    "FileStore",
    "StoredFile",
    "hash_file",
]

SOURCES = ("generated", "imported", "scanned")
PDFA_SUFFIX = ".pdfa.pdf"
TABLE = "archive_documents"
_CHUNK = 1 << 20

SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: index ids stay unambiguous
        sha256      TEXT NOT NULL UNIQUE,
        filename    TEXT NOT NULL,                      -- the original file name
        stored_path TEXT NOT NULL,                      -- relative to the archive folder
        size        INTEGER NOT NULL,
        type        TEXT,                               -- tên loại: "Quyết định", "Biên bản" …
        number      TEXT,                               -- số, ký hiệu: "05/QĐ-SNV"
        date        TEXT,                               -- ISO date of issue
        agency      TEXT,                               -- issuing agency
        title       TEXT,                               -- trích yếu
        signer      TEXT,
        pages       INTEGER,
        source      TEXT NOT NULL CHECK (source IN ('generated', 'imported', 'scanned')),
        added_at    TEXT NOT NULL,                      -- ISO UTC timestamp
        text        TEXT NOT NULL DEFAULT '',           -- extracted or OCR text, NFC
        ocr         TEXT,                               -- OCR_STATES; NULL: added before OCR existed
        pdfa_path   TEXT,                               -- archival PDF/A copy of a scan, relative
        pdfa_sha256 TEXT
    )""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_date ON {TABLE} (date)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_type ON {TABLE} (type)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_number ON {TABLE} (number)",
)

# Columns added after the first release, for catalogs created before them.
_ADDED_COLUMNS = (("ocr", "TEXT"), ("pdfa_path", "TEXT"), ("pdfa_sha256", "TEXT"))

_FIELDS = (
    "id", "sha256", "filename", "stored_path", "size", "type", "number", "date",
    "agency", "title", "signer", "pages", "source", "added_at", "ocr", "pdfa_path", "pdfa_sha256",
)

# What became of OCR for a document:
OCR_STATES = (
    "not-needed",   # a usable text layer (docx, text PDF)
    "done",         # OCRed; the PDF/A copy holds image + text
    "partial",      # OCRed, but some pages ran past the time limit and have no text
    "failed",       # OCR failed on this file: stored without OCR text
    "unavailable",  # OCR not installed when it was added: stored without OCR text
    "skipped",      # --ocr never
)


@dataclass(frozen=True)
class DocumentMeta:
    """What the caller knows about a document; anything left None is detected from its text."""

    type: str | None = None
    number: str | None = None
    date: datetime.date | None = None
    agency: str | None = None
    title: str | None = None
    signer: str | None = None


@dataclass(frozen=True)
class DocumentRecord:
    """One catalog row without its text (``Catalog.text`` reads that)."""

    id: int
    sha256: str
    filename: str
    stored_path: str
    size: int
    type: str | None
    number: str | None
    date: datetime.date | None
    agency: str | None
    title: str | None
    signer: str | None
    pages: int | None
    source: str
    added_at: str
    ocr: str | None = None  # one of OCR_STATES
    pdfa_path: str | None = None  # relative to the archive folder
    pdfa_sha256: str | None = None

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        return data


@dataclass(frozen=True)
class CatalogRow:
    """A row to insert: the stored file plus its metadata and text."""

    sha256: str
    filename: str
    stored_path: str
    size: int
    meta: DocumentMeta
    pages: int | None
    source: str
    text: str
    ocr: str | None = None
    pdfa: StoredFile | None = None  # the archival PDF/A copy of a scan


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    stored_path: str  # relative to the archive folder, with "/" separators
    size: int


def open_regular(path: Path):
    """Open ``path`` for reading only if it is a regular file, checked on the open file itself.

    ``O_NONBLOCK`` keeps a FIFO swapped in after an earlier check from blocking the open;
    ``fstat`` then refuses it (or a device) without reading a byte.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ArchiveError(f"{path}: not a regular file (a FIFO, device or folder): not added")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileStore:
    """The content-addressed files of one archive folder."""

    def __init__(self, archive: Path):
        self.archive = Path(archive)
        self.files_dir = self.archive / "files"
        self.tmp_dir = self.archive / "tmp"

    def relative_path(self, sha256: str, suffix: str) -> str:
        return f"files/{sha256[:2]}/{sha256}{suffix.lower()}"

    def pdfa_relative_path(self, original_sha256: str) -> str:
        """The archival PDF/A copy of a scan, named after (and beside) its original."""
        return self.relative_path(original_sha256, PDFA_SUFFIX)

    def temp_path(self, suffix: str = ".part") -> Path:
        """A fresh path in tmp/ that ``leftover_temps`` recognises once its writer is gone."""
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        return self.tmp_dir / f"{os.getpid()}-{secrets.token_hex(6)}{suffix}"

    def absolute(self, stored_path: str) -> Path:
        return self.archive / stored_path

    def put(
        self, source: Path, *, expected_sha256: str | None = None, relative: str | None = None
    ) -> StoredFile:
        """Copy ``source`` in (tmp, fsync, read-only, rename); the same bytes are kept once.

        ``relative`` stores it under that name instead of its content path (the
        PDF/A copy of a scan); a different file already there is replaced.
        """
        tmp = self.temp_path()
        digest = hashlib.sha256()
        size = 0
        try:
            with open_regular(source) as src, open(tmp, "xb") as dst:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
                dst.flush()
                os.fsync(dst.fileno())
                os.fchmod(dst.fileno(), 0o444)
            sha = digest.hexdigest()
            if expected_sha256 is not None and sha != expected_sha256:
                raise ArchiveError(f"{source}: the file changed while it was being added; try again")
            rel = relative or self.relative_path(sha, Path(source).suffix)
            dest = self.absolute(rel)
            if dest.exists() and hash_file(dest) == sha:
                tmp.unlink()
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, dest)
                _fsync_dir(dest.parent)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return StoredFile(sha256=sha, stored_path=rel, size=size)

    def iter_stored(self) -> Iterator[str]:
        """Relative paths of every file under files/ (whatever its name)."""
        if not self.files_dir.is_dir():
            return
        for path in sorted(self.files_dir.rglob("*")):
            if path.is_file() or path.is_symlink():
                yield path.relative_to(self.archive).as_posix()

    def leftover_temps(self) -> list[Path]:
        """Copies abandoned by a writer that no longer runs (a killed ``archive add``)."""
        if not self.tmp_dir.is_dir():
            return []
        found = []
        for path in sorted(self.tmp_dir.iterdir()):
            pid_text = path.name.split("-", 1)[0]
            if not pid_text.isdigit() or not pid_alive(int(pid_text)):
                found.append(path)
        return found


def _row_to_record(row: sqlite3.Row) -> DocumentRecord:
    data = {name: row[name] for name in _FIELDS}
    data["date"] = datetime.date.fromisoformat(row["date"]) if row["date"] else None
    return DocumentRecord(**data)


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """Bring a catalog made by an earlier paperwork up to date (ALTER TABLE ADD COLUMN)."""
    columns = {row["name"] for row in conn.execute(f"PRAGMA table_info({TABLE})")}
    if all(name in columns for name, _ in _ADDED_COLUMNS):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have just done it.
        columns = {row["name"] for row in conn.execute(f"PRAGMA table_info({TABLE})")}
        for name, declaration in _ADDED_COLUMNS:
            if name not in columns:
                conn.execute(f"ALTER TABLE {TABLE} ADD COLUMN {name} {declaration}")
        conn.execute("COMMIT")
    except BaseException:
        db.rollback(conn)
        raise


class Catalog:
    """The ``archive_documents`` table of the shared SQLite catalog."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None):
        self.conn = conn
        self.path = path or Path(conn.execute("PRAGMA database_list").fetchone()["file"])

    @classmethod
    def open_read(cls, path: Path) -> Catalog:
        """Read-only: nothing is created, no lock is taken (``archive show``, ``search``, ``verify``)."""
        return cls(db.connect_read(path))

    def has_table(self) -> bool:
        return db.has_table(self.conn, TABLE)

    @classmethod
    def open(cls, path: Path) -> Catalog:
        conn = db.connect(path)
        try:
            if not db.has_table(conn, TABLE):  # a write lock only the first time
                db.ensure_schema(conn, SCHEMA)
            _add_missing_columns(conn)
        except sqlite3.DatabaseError as e:
            conn.close()
            raise ArchiveError(f"{path}: cannot prepare the archive catalog: {e}") from e
        return cls(conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as e:
            if f"no such table: {TABLE}" in str(e):  # a new catalog, read before anything was added
                return []
            raise ArchiveError(f"the archive catalog refused a query: {e}") from e
        except sqlite3.DatabaseError as e:
            raise ArchiveError(f"the archive catalog refused a query: {e}") from e

    def id_for_sha(self, sha256: str) -> int | None:
        rows = self._query(f"SELECT id FROM {TABLE} WHERE sha256 = ?", (sha256,))
        return rows[0]["id"] if rows else None

    def insert(self, row: CatalogRow) -> tuple[int, bool]:
        """Record a stored file in one transaction; ``(id, False)`` if its bytes were known."""
        if row.source not in SOURCES:
            raise ArchiveError(f"unknown source {row.source!r} (expected one of {', '.join(SOURCES)})")
        if row.ocr is not None and row.ocr not in OCR_STATES:
            raise ArchiveError(f"unknown OCR state {row.ocr!r} (expected one of {', '.join(OCR_STATES)})")
        meta = row.meta
        added_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                cursor = self.conn.execute(
                    f"""INSERT INTO {TABLE} (sha256, filename, stored_path, size, type, number,
                        date, agency, title, signer, pages, source, added_at, text, ocr,
                        pdfa_path, pdfa_sha256)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (sha256) DO NOTHING""",
                    (
                        row.sha256, row.filename, row.stored_path, row.size, meta.type,
                        meta.number, meta.date.isoformat() if meta.date else None, meta.agency,
                        meta.title, meta.signer, row.pages, row.source, added_at, row.text,
                        row.ocr, row.pdfa.stored_path if row.pdfa else None,
                        row.pdfa.sha256 if row.pdfa else None,
                    ),
                )
                inserted = cursor.rowcount == 1
                doc_id = self.conn.execute(
                    f"SELECT id FROM {TABLE} WHERE sha256 = ?", (row.sha256,)
                ).fetchone()["id"]
                self.conn.execute("COMMIT")
            except BaseException:
                db.rollback(self.conn)
                raise
        except sqlite3.DatabaseError as e:
            db.note_corruption(e, self.path)
            raise ArchiveError(f"the archive catalog refused {row.filename}: {db.explain(e, self.path)}") from e
        return doc_id, inserted

    def attach_pdfa(self, doc_id: int, pdfa: StoredFile, text: str, ocr: str, meta: DocumentMeta) -> None:
        """Record the archival copy of a stored scan, its OCR text, and metadata still unknown."""
        try:
            self.conn.execute(
                f"""UPDATE {TABLE} SET pdfa_path = ?, pdfa_sha256 = ?, text = ?, ocr = ?,
                    type = coalesce(type, ?), number = coalesce(number, ?), date = coalesce(date, ?),
                    agency = coalesce(agency, ?), title = coalesce(title, ?) WHERE id = ?""",
                (
                    pdfa.stored_path, pdfa.sha256, text, ocr, meta.type, meta.number,
                    meta.date.isoformat() if meta.date else None, meta.agency, meta.title, doc_id,
                ),
            )
        except sqlite3.DatabaseError as e:
            raise ArchiveError(f"the archive catalog refused the archival copy of id {doc_id}: {e}") from e

    def get(self, doc_id: int) -> DocumentRecord | None:
        rows = self._query(f"SELECT {', '.join(_FIELDS)} FROM {TABLE} WHERE id = ?", (doc_id,))
        return _row_to_record(rows[0]) if rows else None

    def text(self, doc_id: int) -> str | None:
        rows = self._query(f"SELECT text FROM {TABLE} WHERE id = ?", (doc_id,))
        return rows[0]["text"] if rows else None

    def records(self) -> list[DocumentRecord]:
        rows = self._query(f"SELECT {', '.join(_FIELDS)} FROM {TABLE} ORDER BY id")
        return [_row_to_record(row) for row in rows]

    def iter_with_text(self, batch: int = 200) -> Iterator[tuple[DocumentRecord, str]]:
        """Every record with its text, in id order, a batch at a time (texts can be large)."""
        last = 0
        while True:
            rows = self._query(
                f"SELECT {', '.join(_FIELDS)}, text FROM {TABLE} WHERE id > ? ORDER BY id LIMIT ?",
                (last, batch),
            )
            if not rows:
                return
            for row in rows:
                yield _row_to_record(row), row["text"]
            last = rows[-1]["id"]

    def ids(self) -> set[int]:
        return {row["id"] for row in self._query(f"SELECT id FROM {TABLE}")}

    def count(self) -> int:
        rows = self._query(f"SELECT count(*) AS n FROM {TABLE}")
        return rows[0]["n"] if rows else 0

    def total_size(self) -> int:
        rows = self._query(f"SELECT coalesce(sum(size), 0) AS n FROM {TABLE}")
        return rows[0]["n"] if rows else 0

    def count_by(self, column: str) -> list[tuple[str | None, int]]:
        """Document counts grouped by ``type``, ``source`` or ``year``, largest first."""
        expr = {"type": "type", "source": "source", "year": "substr(date, 1, 4)"}[column]
        rows = self._query(
            f"SELECT {expr} AS key, count(*) AS n FROM {TABLE} GROUP BY key ORDER BY n DESC, key"
        )
        return [(row["key"], row["n"]) for row in rows]
