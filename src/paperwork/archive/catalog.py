"""The catalog's ``archive_documents`` table: what each archived document is, and the SQL that keeps it.

    Catalog.open(path) / Catalog.open_read(path)   the table of the workspace's shared SQLite
    insert(row) / insert_many(rows)                one transaction (for a group: one for all)
    get / text / records / iter_with_text / …      reads

Rows and records are frozen dataclasses (``DocumentMeta``, ``DocumentRecord``, ``CatalogRow``,
``StoredFile``). The files themselves are store.py's; store.py re-exports everything here.
"""

from __future__ import annotations

import datetime
import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import db
from ..errors import ArchiveError
from ..i18n import _

__all__ = [
    "OCR_STATES",
    "PDFA_SUFFIX",
    "SOURCES",
    "TABLE",
    "Catalog",
    "CatalogRow",
    "DocumentMeta",
    "DocumentRecord",
    "StoredFile",
]

SOURCES = ("generated", "imported", "scanned")
PDFA_SUFFIX = ".pdfa.pdf"
TABLE = "archive_documents"

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
        pdfa_sha256 TEXT,
        signatures  TEXT CHECK (signatures IS NULL OR json_valid(signatures))  -- a signed PDF's check
    )""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_date ON {TABLE} (date)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_type ON {TABLE} (type)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_number ON {TABLE} (number)",
)

# Columns added after the first release, for catalogs created before them.
_ADDED_COLUMNS = (("ocr", "TEXT"), ("pdfa_path", "TEXT"), ("pdfa_sha256", "TEXT"), ("signatures", "TEXT"))

_FIELDS = (
    "id", "sha256", "filename", "stored_path", "size", "type", "number", "date",
    "agency", "title", "signer", "pages", "source", "added_at", "ocr", "pdfa_path", "pdfa_sha256", "signatures",
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


@dataclass(frozen=True, slots=True)
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
    # The check of a signed PDF's signatures when it was added (JSON of signing.SignatureReport:
    # "verdict" and each signature's signer, time, integrity, trust); None: not a signed PDF.
    signatures: str | None = None

    @property
    def signature_check(self) -> dict[str, Any] | None:
        return json.loads(self.signatures) if self.signatures else None

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        data["signatures"] = self.signature_check
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
    signatures: str | None = None  # JSON: the check of a signed PDF (DocumentRecord.signatures)


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    stored_path: str  # relative to the archive folder, with "/" separators
    size: int


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


_INSERT = f"""INSERT INTO {TABLE} (sha256, filename, stored_path, size, type, number, date, agency,
    title, signer, pages, source, added_at, text, ocr, pdfa_path, pdfa_sha256, signatures)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (sha256) DO NOTHING"""


def _values(row: CatalogRow, added_at: str) -> tuple:
    meta = row.meta
    return (
        row.sha256, row.filename, row.stored_path, row.size, meta.type, meta.number,
        meta.date.isoformat() if meta.date else None, meta.agency, meta.title, meta.signer,
        row.pages, row.source, added_at, row.text, row.ocr,
        row.pdfa.stored_path if row.pdfa else None, row.pdfa.sha256 if row.pdfa else None, row.signatures,
    )


def _new_record(doc_id: int, row: CatalogRow, added_at: str) -> DocumentRecord:
    """The record of a row just inserted, without reading it back."""
    meta = row.meta
    return DocumentRecord(
        id=doc_id, sha256=row.sha256, filename=row.filename, stored_path=row.stored_path, size=row.size,
        type=meta.type, number=meta.number, date=meta.date, agency=meta.agency, title=meta.title,
        signer=meta.signer, pages=row.pages, source=row.source, added_at=added_at, ocr=row.ocr,
        pdfa_path=row.pdfa.stored_path if row.pdfa else None, pdfa_sha256=row.pdfa.sha256 if row.pdfa else None,
        signatures=row.signatures,
    )


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
            raise ArchiveError(_("{path}: cannot prepare the archive catalog: {error}").format(
                path=path, error=e
            )) from e
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
            raise ArchiveError(_("the archive catalog refused a query: {error}").format(error=e)) from e
        except sqlite3.DatabaseError as e:
            raise ArchiveError(_("the archive catalog refused a query: {error}").format(error=e)) from e

    def id_for_sha(self, sha256: str) -> int | None:
        rows = self._query(f"SELECT id FROM {TABLE} WHERE sha256 = ?", (sha256,))
        return rows[0]["id"] if rows else None

    def signature_verdicts(self, ids: Sequence[int]) -> dict[int, str]:
        """id -> the verdict of its signatures, for those of ``ids`` that are signed PDFs (one query)."""
        marks = ", ".join("?" * len(ids))
        rows = self._query(f"SELECT id, json_extract(signatures, '$.verdict') AS verdict FROM {TABLE}"
                           f" WHERE id IN ({marks}) AND signatures IS NOT NULL", tuple(ids))
        return {row["id"]: row["verdict"] for row in rows}

    def ids_for_shas(self, shas: Sequence[str]) -> dict[str, int]:
        """The ids of those of ``shas`` that are catalogued (one query)."""
        if not shas:
            return {}
        marks = ", ".join("?" * len(shas))
        rows = self._query(f"SELECT sha256, id FROM {TABLE} WHERE sha256 IN ({marks})", tuple(shas))
        return {row["sha256"]: row["id"] for row in rows}

    def insert(self, row: CatalogRow) -> tuple[int, bool]:
        """Record a stored file in one transaction; ``(id, False)`` if its bytes were known."""
        record, inserted = self.insert_many([row])[0]
        return record.id, inserted

    def insert_many(self, rows: Sequence[CatalogRow]) -> list[tuple[DocumentRecord, bool]]:
        """Record stored files in one transaction: for each, its record and whether it is new
        (``False``: its bytes were catalogued already, maybe just now by another clerk).

        The write lock is held for these inserts only (a few ms for a group of 256).
        """
        for row in rows:
            if row.source not in SOURCES:
                raise ArchiveError(_("unknown source {source!r} (expected one of {SOURCES})").format(
                    source=row.source, SOURCES=', '.join(SOURCES)
                ))
            if row.ocr is not None and row.ocr not in OCR_STATES:
                raise ArchiveError(_("unknown OCR state {ocr!r} (expected one of {OCR_STATES})").format(
                    ocr=row.ocr, OCR_STATES=', '.join(OCR_STATES)
                ))
        from ..records import audit

        added_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        out: list[tuple[DocumentRecord | int, bool]] = []
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for row in rows:
                    cursor = self.conn.execute(_INSERT, _values(row, added_at))
                    if cursor.rowcount == 1:
                        out.append((_new_record(cursor.lastrowid, row, added_at), True))
                        _record_added(audit, self.conn, cursor.lastrowid, row)
                    else:
                        known = self.conn.execute(f"SELECT id FROM {TABLE} WHERE sha256 = ?", (row.sha256,))
                        out.append((known.fetchone()["id"], False))
                self.conn.execute("COMMIT")
            except BaseException:
                db.rollback(self.conn)
                raise
        except sqlite3.DatabaseError as e:
            db.note_corruption(e, self.path)
            names = rows[0].filename if len(rows) == 1 else f"{len(rows)} files ({rows[0].filename} …)"
            raise ArchiveError(_("the archive catalog refused {names}: {explain}").format(
                names=names, explain=db.explain(e, self.path)
            )) from e
        return [(self.get(found) if isinstance(found, int) else found, inserted) for found, inserted in out]

    def attach_pdfa(self, doc_id: int, pdfa: StoredFile, text: str, ocr: str, meta: DocumentMeta) -> None:
        """Record the archival copy of a stored scan, its OCR text, and metadata still unknown
        (with its ``ocr`` event in the audit trail, in the same transaction)."""
        from ..records import audit

        try:
            self.conn.execute("BEGIN IMMEDIATE")
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
                audit.record(self.conn, "ocr", "document", doc_id,
                             {"state": ocr, "pdfa_sha256": pdfa.sha256, "again": True})
                self.conn.execute("COMMIT")
            except BaseException:
                db.rollback(self.conn)
                raise
        except sqlite3.DatabaseError as e:
            db.note_corruption(e, self.path)
            raise ArchiveError(_("the archive catalog refused the archival copy of id {doc_id}: {explain}").format(
                doc_id=doc_id, explain=db.explain(e, self.path)
            )) from e

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

    def stored_paths(self) -> set[str]:
        """Every stored file the catalog names: originals and archival copies (a set of strings,
        not records: ~15 MB at 100,000 documents instead of ~170)."""
        rows = self._query(f"SELECT stored_path, pdfa_path FROM {TABLE}")
        return {row["stored_path"] for row in rows} | {row["pdfa_path"] for row in rows if row["pdfa_path"]}

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


def _record_added(audit: Any, conn: sqlite3.Connection, doc_id: int, row: CatalogRow) -> None:
    """The audit events of a file newly catalogued: ``archive add``, and ``ocr`` when a PDF/A
    copy with a text layer was made of it (in the insert's transaction)."""
    audit.record(conn, "archive add", "document", doc_id,
                 {"sha256": row.sha256, "filename": row.filename, "source": row.source, "size": row.size})
    if row.pdfa is not None:
        audit.record(conn, "ocr", "document", doc_id, {"state": row.ocr, "pdfa_sha256": row.pdfa.sha256})
    if row.signatures is not None:
        found = json.loads(row.signatures)
        audit.record(conn, "signature check", "document", doc_id, {
            "verdict": found.get("verdict"), "signatures": len(found.get("signatures", ()))})
