"""The dossiers' tables in the workspace catalog (``archive/catalog.sqlite``, shared with the register
and the archive, each module owning its tables):

    dossiers            one row a dossier of a year's Danh mục hồ sơ (year + code unique)
    dossier_documents   which dossier each archived document is filed in: one at most
    dossier_moves       every filing and move: document, from (NULL: first filing), to, when, why
    dossier_transfers   every nộp lưu package: when, the bag's path, its Payload-Oxum, counts
    dossier_meta        the schema version

As the register does: every write is one short ``BEGIN IMMEDIATE`` transaction on a fresh
connection; readers open the catalog read-only, create nothing and never wait for a writer;
the catalog itself is never made here (``paperwork init`` makes it). Documents are referred to by
their archive id; whether an id exists is asked of ``paperwork.archive.service``, not of its table.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import db
from ..errors import ArchiveError, CatalogMissingError, InputError, PaperworkError
from ..i18n import N_, _
from . import audit
from .retention import Retention, parse_retention

__all__ = ["BUSY_MESSAGE", "DOCS_MAX", "Dossier", "DossierCatalog", "Move", "Transfer", "STATUSES"]

SCHEMA_VERSION = 1
BUSY_MESSAGE = N_("the catalog is busy (another clerk is writing): try again")
STATUSES = (N_("open"), N_("closed"), N_("transferred"))  # codes; N_: the catalogue names them
DOCS_MAX = 999  # documents a dossier holds: Phụ lục VI numbers them in 3 digits (DocOrdinal, Number 3)
STATUS_VI = {"open": "đang mở", "closed": "đã kết thúc", "transferred": "đã nộp lưu"}

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS dossier_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    f"INSERT OR IGNORE INTO dossier_meta (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}')",
    """CREATE TABLE IF NOT EXISTS dossier_transfers (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        year          INTEGER NOT NULL,
        made_at       TEXT    NOT NULL,   -- ISO timestamp
        bag           TEXT    NOT NULL,   -- absolute path of the bag
        payload_oxum  TEXT    NOT NULL,   -- bytes.files of the payload (BagIt)
        tag_sha256    TEXT    NOT NULL,   -- SHA-256 of the bag's tagmanifest-sha256.txt
        dossiers      INTEGER NOT NULL,
        files         INTEGER NOT NULL    -- document files in the dossiers
    )""",
    """CREATE TABLE IF NOT EXISTS dossiers (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        year            INTEGER NOT NULL,
        code            TEXT    NOT NULL,   -- số và ký hiệu hồ sơ (FileNotation)
        title           TEXT    NOT NULL,
        heading         TEXT,
        retention       TEXT    NOT NULL,   -- "Vĩnh viễn" | "N năm"
        retention_basis TEXT    NOT NULL,   -- "Danh mục hồ sơ", or the retention rule and its source
        unit            TEXT,
        owner           TEXT,
        rights          TEXT,
        notes           TEXT,
        status          TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'transferred')),
        end_date        TEXT,               -- when the work ended (set on closing)
        closed_at       TEXT,
        transfer_id     INTEGER REFERENCES dossier_transfers(id),
        planned_at      TEXT    NOT NULL,
        updated_at      TEXT    NOT NULL,
        UNIQUE (year, code)
    )""",
    """CREATE TABLE IF NOT EXISTS dossier_documents (
        document_id INTEGER PRIMARY KEY,    -- the archive id: a document is in one dossier at most
        dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
        filed_at    TEXT    NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS dossier_documents_dossier ON dossier_documents (dossier_id)",
    """CREATE TABLE IF NOT EXISTS dossier_moves (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        document_id  INTEGER NOT NULL,
        from_dossier INTEGER REFERENCES dossiers(id),   -- NULL: filed for the first time
        to_dossier   INTEGER NOT NULL REFERENCES dossiers(id),
        at           TEXT    NOT NULL,
        reason       TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS dossier_moves_document ON dossier_moves (document_id)",
)
TABLES = ("dossier_meta", "dossier_transfers", "dossiers", "dossier_documents", "dossier_moves")


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True)
class Dossier:
    id: int
    year: int
    code: str
    title: str
    heading: str | None
    retention: Retention
    retention_basis: str
    unit: str | None
    owner: str | None
    rights: str | None
    notes: str | None
    status: str
    end_date: dt.date | None
    closed_at: str | None
    transfer_id: int | None
    documents: int = 0

    @property
    def label(self) -> str:
        """``"01.TĐKT of 2026"``: how messages name it."""
        return f"{self.code} of {self.year}"

    def as_dict(self) -> dict[str, object]:
        return {
            "year": self.year, "code": self.code, "title": self.title, "heading": self.heading,
            "retention": str(self.retention), "retention_basis": self.retention_basis, "unit": self.unit,
            "owner": self.owner, "rights": self.rights, "notes": self.notes, "status": self.status,
            "end_date": self.end_date.isoformat() if self.end_date else None, "closed_at": self.closed_at,
            "documents": self.documents,
        }


@dataclass(frozen=True)
class Move:
    document_id: int
    from_code: str | None  # None: filed for the first time
    to_code: str
    year: int
    at: str
    reason: str | None


@dataclass(frozen=True)
class Transfer:
    id: int
    year: int
    made_at: str
    bag: str
    payload_oxum: str
    tag_sha256: str
    dossiers: int
    files: int


def _dossier(row: sqlite3.Row) -> Dossier:
    return Dossier(
        id=row["id"], year=row["year"], code=row["code"], title=row["title"], heading=row["heading"],
        retention=parse_retention(row["retention"]), retention_basis=row["retention_basis"], unit=row["unit"],
        owner=row["owner"], rights=row["rights"], notes=row["notes"], status=row["status"],
        end_date=dt.date.fromisoformat(row["end_date"]) if row["end_date"] else None,
        closed_at=row["closed_at"], transfer_id=row["transfer_id"],
        documents=row["documents"] if "documents" in row.keys() else 0,
    )


_SELECT = (
    "SELECT d.*, (SELECT COUNT(*) FROM dossier_documents f WHERE f.dossier_id = d.id) AS documents"
    " FROM dossiers d"
)


def _is_busy(e: sqlite3.Error) -> bool:
    text = str(e).lower()
    return "locked" in text or "busy" in text


class DossierCatalog:
    """The dossier tables of one workspace catalog; a connection per operation."""

    def __init__(self, catalog_path: Path, *, initialised: bool = True, timeout: float = db.BUSY_TIMEOUT_S):
        self.path = Path(catalog_path)
        self.initialised = initialised
        self.timeout = timeout

    def _map(self, e: sqlite3.Error) -> PaperworkError:
        db.note_corruption(e, self.path)
        if isinstance(e, sqlite3.OperationalError) and _is_busy(e):
            return ArchiveError(_(BUSY_MESSAGE))
        return ArchiveError(_("{path}: the dossiers' tables failed: {explain}").format(
            path=self.path, explain=db.explain(e, self.path)
        ))

    def _open(self, *, write: bool) -> sqlite3.Connection:
        db.require(self.path, initialised=self.initialised, root=self.path.parent.parent)
        try:
            return db.connect(self.path, timeout=self.timeout) if write else db.connect_read(self.path, timeout=self.timeout)
        except CatalogMissingError:
            raise
        except ArchiveError as e:
            cause = e.__cause__
            if isinstance(cause, sqlite3.OperationalError) and _is_busy(cause):
                raise ArchiveError(_(BUSY_MESSAGE)) from e
            raise

    def write(self):
        """One short write transaction (tables made when missing): COMMIT on success, ROLLBACK on error."""
        return db.transaction(self._open(write=True), self._map, self._prepare)

    def _prepare(self, conn: sqlite3.Connection) -> None:
        if not all(db.has_table(conn, t) for t in TABLES):
            db.ensure_schema(conn, SCHEMA)

    def read(self):
        """A read-only connection; None while no dossier was ever planned (the tables do not exist)."""
        return db.reading(self._open(write=False), "dossiers", self._map)

    # -- reading --------------------------------------------------------------

    def dossiers(self, year: int | None = None) -> list[Dossier]:
        sql, params = _SELECT, ()
        if year is not None:
            sql, params = _SELECT + " WHERE d.year = ?", (year,)
        with self.read() as conn:
            rows = conn.execute(sql + " ORDER BY d.year, d.id", params).fetchall() if conn else []
        return [_dossier(r) for r in rows]

    def find(self, year: int, code: str) -> Dossier | None:
        with self.read() as conn:
            row = conn.execute(_SELECT + " WHERE d.year = ? AND d.code = ?", (year, code)).fetchone() if conn else None
        return _dossier(row) if row else None

    def get(self, year: int, code: str) -> Dossier:
        found = self.find(year, code)
        if found is None:
            raise InputError(
                _("no dossier {code} in the Danh mục hồ sơ of {year} (`paperwork dossier list --year "
                  "{year}`; `paperwork dossier plan FILE --year {year}`)").format(code=code, year=year)
            )
        return found

    def document_ids(self, dossier_id: int) -> list[tuple[int, str]]:
        """(archive id, filed_at) of the documents filed in a dossier."""
        with self.read() as conn:
            if conn is None:
                return []
            rows = conn.execute(
                "SELECT document_id, filed_at FROM dossier_documents WHERE dossier_id = ? ORDER BY document_id",
                (dossier_id,),
            ).fetchall()
        return [(r["document_id"], r["filed_at"]) for r in rows]

    def dossier_of(self, document_id: int) -> Dossier | None:
        with self.read() as conn:
            row = conn.execute(
                _SELECT + " JOIN dossier_documents x ON x.dossier_id = d.id WHERE x.document_id = ?", (document_id,)
            ).fetchone() if conn else None
        return _dossier(row) if row else None

    def moves(self, *, document_ids: Sequence[int] | None = None, dossier_id: int | None = None) -> list[Move]:
        sql = (
            "SELECT m.document_id, f.code AS from_code, t.code AS to_code, t.year, m.at, m.reason FROM dossier_moves m"
            " LEFT JOIN dossiers f ON f.id = m.from_dossier JOIN dossiers t ON t.id = m.to_dossier WHERE 1 = 1"
        )
        params: list[object] = []
        if document_ids is not None:
            sql += f" AND m.document_id IN ({','.join('?' * len(document_ids))})"
            params += list(document_ids)
        if dossier_id is not None:
            sql += " AND (m.from_dossier = ? OR m.to_dossier = ?)"
            params += [dossier_id, dossier_id]
        if document_ids is not None and not document_ids:
            return []
        with self.read() as conn:
            rows = conn.execute(sql + " ORDER BY m.id", params).fetchall() if conn else []
        return [Move(r["document_id"], r["from_code"], r["to_code"], r["year"], r["at"], r["reason"]) for r in rows]

    def transfer(self, transfer_id: int) -> Transfer | None:
        with self.read() as conn:
            row = conn.execute("SELECT * FROM dossier_transfers WHERE id = ?", (transfer_id,)).fetchone() if conn else None
        return Transfer(**dict(row)) if row else None

    def transfers(self) -> list[Transfer]:
        with self.read() as conn:
            rows = conn.execute("SELECT * FROM dossier_transfers ORDER BY id").fetchall() if conn else []
        return [Transfer(**dict(r)) for r in rows]

    # -- writing --------------------------------------------------------------

    def apply_plan(self, year: int, rows: Sequence[dict[str, object]]) -> tuple[list[str], list[str], list[str]]:
        """Add or update the dossiers of a plan (each a dict of the table's columns): one transaction.

        Returns the codes (added, updated, unchanged). A transferred dossier is never changed, and a
        closed one keeps its retention (Decree 30 Điều 29 k.4: it was settled on closing).
        """
        added: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        stamp = now()
        columns = ("title", "heading", "retention", "retention_basis", "unit", "owner", "rights", "notes")
        with self.write() as conn:
            for row in rows:
                code = str(row["code"])
                old = conn.execute("SELECT * FROM dossiers WHERE year = ? AND code = ?", (year, code)).fetchone()
                if old is None:
                    conn.execute(
                        f"INSERT INTO dossiers (year, code, {', '.join(columns)}, planned_at, updated_at)"
                        f" VALUES (?, ?, {', '.join('?' * len(columns))}, ?, ?)",
                        (year, code, *(row.get(c) for c in columns), stamp, stamp),
                    )
                    added.append(code)
                    audit.record(conn, "dossier plan", "dossier", code, {
                        "year": year, "dossier": code, "planned": {c: row.get(c) for c in columns}})
                    continue
                changed = [c for c in columns if old[c] != row.get(c)]
                if old["status"] != "open":
                    changed = [c for c in changed if c not in ("retention", "retention_basis")]
                if not changed:
                    unchanged.append(code)
                    continue
                if old["status"] == "transferred":
                    where = row.get("_where") or code
                    raise InputError(
                        _("{code} of {year} was transferred to the agency archive: its {changed} "
                          "cannot change").format(code=code, year=year, changed=changed[0]),
                        source=str(where),
                    )
                conn.execute(
                    f"UPDATE dossiers SET {', '.join(f'{c} = ?' for c in changed)}, updated_at = ? WHERE id = ?",
                    (*(row.get(c) for c in changed), stamp, old["id"]),
                )
                updated.append(code)
                audit.record(conn, "dossier plan", "dossier", code, {
                    "year": year, "dossier": code, "changed": {c: [old[c], row.get(c)] for c in changed}})
        return added, updated, unchanged

    def file(self, dossier: Dossier, document_ids: Sequence[int], reason: str | None) -> list[Move | int]:
        """File documents into ``dossier`` (one transaction); a document in another dossier is moved.

        Returns, per id, the ``Move`` recorded, or the id itself when it was already there. A closed or
        transferred dossier takes nothing and gives nothing up.
        """
        stamp = now()
        done: list[Move | int] = []
        with self.write() as conn:
            target = conn.execute("SELECT * FROM dossiers WHERE id = ?", (dossier.id,)).fetchone()
            if target is None:
                raise InputError(_("no dossier {label}").format(label=dossier.label))
            if target["status"] != "open":
                raise InputError(_("{label} is {STATUS_VI} ({status}): it takes no more documents").format(
                    label=dossier.label, STATUS_VI=STATUS_VI[target['status']], status=target['status']
                ))
            for doc_id in document_ids:
                current = conn.execute(
                    "SELECT d.* FROM dossier_documents x JOIN dossiers d ON d.id = x.dossier_id WHERE x.document_id = ?",
                    (doc_id,),
                ).fetchone()
                if current is not None and current["id"] == dossier.id:
                    done.append(doc_id)
                    continue
                if current is not None and current["status"] != "open":
                    raise InputError(
                        _("document {doc_id} is in {code} of {year}, which is {STATUS_VI} ({status}): "
                          "it cannot be moved out").format(
                            doc_id=doc_id, code=current['code'], year=current['year'],
                            STATUS_VI=STATUS_VI[current['status']], status=current['status']
                        )
                    )
                count = conn.execute("SELECT COUNT(*) FROM dossier_documents WHERE dossier_id = ?",
                                     (dossier.id,)).fetchone()[0]
                if count >= DOCS_MAX:
                    raise InputError(_("{label} holds {DOCS_MAX} documents, the most Phụ lục VI "
                                       "numbers (DocOrdinal: 3 digits); open another dossier").format(
                        label=dossier.label, DOCS_MAX=DOCS_MAX
                    ))
                conn.execute(
                    "INSERT INTO dossier_documents (document_id, dossier_id, filed_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (document_id) DO UPDATE SET dossier_id = excluded.dossier_id, filed_at = excluded.filed_at",
                    (doc_id, dossier.id, stamp),
                )
                conn.execute(
                    "INSERT INTO dossier_moves (document_id, from_dossier, to_dossier, at, reason) VALUES (?, ?, ?, ?, ?)",
                    (doc_id, current["id"] if current is not None else None, dossier.id, stamp, reason),
                )
                done.append(Move(doc_id, current["code"] if current is not None else None, dossier.code, dossier.year,
                                 stamp, reason))
                audit.record(conn, "dossier file", "dossier", dossier.code, {
                    "year": dossier.year, "dossier": dossier.code, "archive_id": doc_id,
                    "moved_from": current["code"] if current is not None else None, "reason": reason})
        return done

    def close(self, dossier: Dossier, end: dt.date) -> None:
        with self.write() as conn:
            row = conn.execute("SELECT status FROM dossiers WHERE id = ?", (dossier.id,)).fetchone()
            if row is None or row["status"] != "open":
                status = row["status"] if row else "missing"
                raise InputError(_("{label} is {get} ({status}): only an open dossier is closed").format(
                    label=dossier.label, get=STATUS_VI.get(status, status), status=status
                ))
            stamp = now()
            conn.execute(
                "UPDATE dossiers SET status = 'closed', end_date = ?, closed_at = ?, updated_at = ? WHERE id = ?",
                (end.isoformat(), stamp, stamp, dossier.id),
            )
            audit.record(conn, "dossier close", "dossier", dossier.code, {
                "year": dossier.year, "dossier": dossier.code, "end": end.isoformat()})

    def record_transfer(self, year: int, dossier_ids: Sequence[int], *, bag: str, payload_oxum: str,
                        tag_sha256: str, files: int, also: Callable[[sqlite3.Connection], None] | None = None) -> Transfer:
        """Mark dossiers transferred to the bag just written (they must still be closed); ``also`` writes
        in the same transaction (the audit trail's events)."""
        stamp = now()
        with self.write() as conn:
            for dossier_id in dossier_ids:
                row = conn.execute("SELECT code, status FROM dossiers WHERE id = ?", (dossier_id,)).fetchone()
                if row is None or row["status"] != "closed":
                    raise InputError(_("{value} of {year} is no longer closed (another clerk reopened "
                                       "or transferred it meanwhile)").format(
                        value=row['code'] if row else dossier_id, year=year
                    ))
            cur = conn.execute(
                "INSERT INTO dossier_transfers (year, made_at, bag, payload_oxum, tag_sha256, dossiers, files)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (year, stamp, bag, payload_oxum, tag_sha256, len(dossier_ids), files),
            )
            transfer_id = int(cur.lastrowid)
            conn.executemany(
                "UPDATE dossiers SET status = 'transferred', transfer_id = ?, updated_at = ? WHERE id = ?",
                [(transfer_id, stamp, i) for i in dossier_ids],
            )
            if also is not None:
                also(conn)
        return Transfer(transfer_id, year, stamp, bag, payload_oxum, tag_sha256, len(dossier_ids), files)
