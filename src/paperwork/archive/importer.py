"""``archive import``: a folder of past years' documents into the archive, resumable.

    plan_import(ws, folder, inventory=None, exclude=()) -> ImportPlan
        walk the folder, read and check the inventory (mục lục), look the files up
        in the journal; raises InputError (InventoryError: every bad row) and
        writes nothing
    run_import(ws, plan, ocr=, progress=, on_item=)     -> ImportReport
        add what the journal does not know in one ingestion (ingest.py), journalling
        every BATCH_FILES files once their rows are committed
    dry_run(ws, plan, progress=)                         -> ImportReport
        hash and look up, write nothing
    write_report(path, items)                            the CSV report

The journal lives in the catalog, in two tables this module owns and creates on
the first import (never on a dry run): ``archive_import_runs`` (one row per run,
``running`` until it ends) and ``archive_import_files`` (path, size, mtime ->
status, sha256, id, the inventory's hồ sơ). A re-run skips a file whose path,
size and mtime are journalled and whose bytes are still catalogued, without
reading it. A kill loses at most the journal of the files in flight: those are not
journalled, so the re-run hashes them again, and the store (deduplicating by
SHA-256) reports those that were catalogued as "already there". Nothing is
added twice; nothing is lost. A run left ``running`` by a dead process is
reported (``ImportReport.killed_runs``): the documents of its last group may be
missing from the search index, which ``paperwork archive reindex`` repairs.

Nothing here prints: progress and per-file results are callbacks.
"""

from __future__ import annotations

import csv
import datetime
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import db
from ..config import Workspace
from ..errors import ArchiveError, InputError
from ..export import neutralise
from ..files import pid_alive, write_atomic_with
from ..i18n import _
from .extract import IMAGE_SUFFIXES, SUPPORTED_SUFFIXES
from .inventory import Inventory, InventoryError, InventoryRow, read_inventory
from .ingest import Incoming, ingest
from .service import AddFailure, AddReport, AddResult
from .store import Catalog, hash_file

if TYPE_CHECKING:
    from .ocr import OcrSettings

__all__ = [
    "ADDED",
    "ALREADY_THERE",
    "FAILED",
    "SKIPPED",
    "WOULD_ADD",
    "FoundFile",
    "ImportItem",
    "ImportPlan",
    "ImportReport",
    "Inventory",
    "InventoryError",
    "InventoryRow",
    "REPORT_COLUMNS",
    "dry_run",
    "plan_import",
    "run_import",
    "write_report",
]

ADDED = "added"
ALREADY_THERE = "already there"
FAILED = "failed"
SKIPPED = "skipped"  # not a type the archive takes: listed, not an error
WOULD_ADD = "would add"  # dry run

# The files are archived by one ingestion (ingest.py: reading on worker processes, groups of 256),
# and journalled every BATCH_FILES results, each time in one transaction. A kill loses none of the
# documents already catalogued (the re-run finds their bytes: "already there"), only their journal.
BATCH_FILES = 256

REPORT_COLUMNS = ("file", "status", "id", "number", "dossier", "row", "reason")

RUNS = "archive_import_runs"
FILES = "archive_import_files"
SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS {RUNS} (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        folder      TEXT NOT NULL,              -- absolute, symlinks resolved
        inventory   TEXT,
        pid         INTEGER NOT NULL,
        started_at  TEXT NOT NULL,              -- ISO UTC
        finished_at TEXT,
        state       TEXT NOT NULL CHECK (state IN ('running', 'finished', 'stopped', 'killed')),
        added       INTEGER NOT NULL DEFAULT 0,
        already     INTEGER NOT NULL DEFAULT 0,
        failed      INTEGER NOT NULL DEFAULT 0
    )""",
    f"""CREATE TABLE IF NOT EXISTS {FILES} (
        path          TEXT PRIMARY KEY,         -- absolute path of the file as walked
        size          INTEGER NOT NULL,
        mtime_ns      INTEGER NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('added', 'already there', 'failed')),
        sha256        TEXT,
        doc_id        INTEGER,
        reason        TEXT,
        dossier       TEXT,                     -- số và ký hiệu hồ sơ, from the inventory
        inventory_row INTEGER,
        run_id        INTEGER NOT NULL,
        done_at       TEXT NOT NULL
    )""",
)

Progress = Callable[[int], None]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ImportItem:
    """What became of one file of the folder (a row of the report)."""

    file: str  # path inside the folder, "/"-separated
    status: str  # ADDED, ALREADY_THERE, FAILED, SKIPPED, WOULD_ADD
    doc_id: int | None = None
    number: str | None = None
    dossier: str | None = None
    row: int | None = None  # the inventory row that describes it
    reason: str = ""
    problem: bool = False  # added, but OCR failed or ran past its time: counts against ``ok``
    ocr: str | None = None  # the document's OCR state (store.OCR_STATES)


@dataclass(frozen=True)
class ImportReport:
    folder: Path
    items: tuple[ImportItem, ...]
    dry_run: bool = False
    index_error: str | None = None  # stored and catalogued, the index not updated: reindex
    ocr_unavailable: str | None = None  # OCR cannot run here: why, and how to install it
    killed_runs: int = 0  # earlier imports of this folder killed before they ended: reindex

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status == status)

    @property
    def ok(self) -> bool:
        return self.index_error is None and not any(i.status == FAILED or i.problem for i in self.items)


# --------------------------------------------------------------------------- the walk


@dataclass(frozen=True)
class FoundFile:
    rel: str  # inside the folder, "/"-separated, as on disk
    path: Path  # absolute (the folder resolved, then rel: a link keeps its own name)
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class _Walk:
    files: tuple[FoundFile, ...]
    refused: tuple[ImportItem, ...]  # failed or skipped at the walk, with the reason


def _walk(root: Path, *, excluded: set[Path], archive: Path) -> _Walk:
    """Every supported regular file under ``root``, sorted by path.

    Hidden files and folders (".name"), Word's lock files ("~$name.docx"),
    ``excluded`` paths and the workspace's archive folder are passed over
    silently. Links are followed only to a file inside ``root`` (a link to a
    folder is not: its files are found where they are); a link leading out of
    ``root`` and anything that is not a regular file (a FIFO would block the
    read forever) are refused. Files of other types are listed as skipped.
    """
    files: list[FoundFile] = []
    refused: list[ImportItem] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as e:
            rel = folder.relative_to(root).as_posix()
            refused.append(ImportItem(rel, FAILED, reason=_("cannot read the folder: {error}").format(error=e.strerror or e)))
            continue
        for entry in entries:
            if entry.name.startswith((".", "~$")):
                continue
            path = Path(entry.path)
            rel = path.relative_to(root).as_posix()
            try:
                if entry.is_symlink():
                    target = path.resolve(strict=True)
                    if not target.is_relative_to(root):
                        refused.append(ImportItem(rel, FAILED, reason=(
                            _("a symbolic link leading outside the folder (to {target}): refused").format(target=target))))
                        continue
                    if target.is_dir():
                        continue
                if path in excluded or path.resolve() in excluded:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if path.resolve() != archive:
                        stack.append(path)
                    continue
                st = os.stat(path)
            except (OSError, RuntimeError) as e:
                reason = _("a broken symbolic link") if isinstance(e, FileNotFoundError) else (
                    _("cannot read: {value}").format(value=getattr(e, 'strerror', None) or e))
                refused.append(ImportItem(rel, FAILED, reason=reason))
                continue
            if not stat.S_ISREG(st.st_mode):
                refused.append(ImportItem(rel, FAILED, reason=_("not a regular file (a FIFO, device or socket): refused")))
            elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
                kind = path.suffix or "(no extension)"
                refused.append(ImportItem(rel, SKIPPED, reason=(
                    _("not a type the archive takes: {kind} (it takes {SUPPORTED_SUFFIXES})").format(kind=kind, SUPPORTED_SUFFIXES=', '.join(SUPPORTED_SUFFIXES)))))
            else:
                files.append(FoundFile(rel, path, st.st_size, st.st_mtime_ns))
    files.sort(key=lambda f: f.rel)
    refused.sort(key=lambda i: i.file)
    return _Walk(tuple(files), tuple(refused))


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class ImportPlan:
    folder: Path  # resolved
    files: tuple[FoundFile, ...]  # every supported file, sorted by path
    refused: tuple[ImportItem, ...]  # failed or skipped at the walk
    inventory: Inventory | None
    known: tuple[ImportItem, ...]  # journalled by an earlier run, unchanged, still catalogued
    todo: tuple[FoundFile, ...]  # what this run hashes (and adds)
    killed_runs: tuple[int, ...] = ()  # earlier runs of this folder whose process died
    inventory_name: str | None = None

    def row_for(self, f: FoundFile) -> InventoryRow | None:
        return self.inventory.rows.get(f.rel) if self.inventory is not None else None


def plan_import(
    ws: Workspace, folder: Path, *, inventory: Path | None = None, exclude: Iterable[Path] = ()
) -> ImportPlan:
    """Walk ``folder``, check the inventory against it, and find what earlier runs did.

    Raises ``InputError`` (exit 2) for a folder that is not one or lies inside the
    archive, and ``InventoryError`` naming the row and column of every bad row;
    nothing is written either way.
    """
    db.require(ws.catalog_path, initialised=ws.profile_path is not None, root=ws.root)
    shown = str(folder)
    try:
        root = folder.resolve(strict=True)
    except (OSError, RuntimeError):
        raise InputError(_("no such folder"), source=shown) from None
    if not root.is_dir():
        raise InputError(_("not a folder"), source=shown)
    archive = ws.archive.resolve()
    if root.is_relative_to(archive):
        raise InputError(_("is inside the workspace's archive folder ({archive}): nothing to import").format(
            archive=archive
        ), source=shown)
    excluded = {Path(p).absolute() for p in exclude} | {Path(p).resolve() for p in exclude}
    if inventory is not None:
        excluded |= {inventory.absolute(), inventory.resolve()}
    walk = _walk(root, excluded=excluded, archive=archive)
    read = None
    if inventory is not None:
        refused = {item.file: item.reason for item in walk.refused}
        read = read_inventory(inventory, root, [f.rel for f in walk.files], refused, name=str(inventory))
    known, killed = _read_journal(ws, root, walk.files, read)
    done = {item.file for item in known}
    todo = tuple(f for f in walk.files if f.rel not in done)
    return ImportPlan(root, walk.files, walk.refused, read, known, todo, killed,
                      str(inventory) if inventory is not None else None)


def _read_journal(
    ws: Workspace, root: Path, files: Sequence[FoundFile], inventory: Inventory | None
) -> tuple[tuple[ImportItem, ...], tuple[int, ...]]:
    """Files an earlier run finished (unchanged since, still catalogued), and runs killed midway."""
    with Catalog.open_read(ws.catalog_path) as catalog:
        conn = catalog.conn
        if not db.has_table(conn, FILES):
            return (), ()
        killed = tuple(
            row["id"] for row in conn.execute(
                f"SELECT id, pid FROM {RUNS} WHERE folder = ? AND state = 'running'", (str(root),))
            if not pid_alive(row["pid"]) or row["pid"] == os.getpid()
        )
        prefix = str(root).rstrip("/") + "/"
        journal = {
            row["path"]: row for row in conn.execute(
                f"SELECT path, size, mtime_ns, sha256, status FROM {FILES} WHERE path >= ? AND path < ?"
                " AND status != 'failed'", (prefix, prefix[:-1] + "0"))
        }
        known = []
        for f in files:
            row = journal.get(str(f.path))
            if row is None or row["size"] != f.size or row["mtime_ns"] != f.mtime_ns:
                continue
            doc_id = catalog.id_for_sha(row["sha256"])
            if doc_id is None:  # the catalog was restored from an older backup: add it again
                continue
            record = catalog.get(doc_id)
            entry = inventory.rows.get(f.rel) if inventory is not None else None
            known.append(ImportItem(
                f.rel, ALREADY_THERE, doc_id, record.number if record else None,
                entry.dossier if entry else None, entry.row if entry else None, "imported earlier",
                ocr=record.ocr if record else None))
    return tuple(known), killed


# --------------------------------------------------------------------------- the journal


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


class _Journal:
    """The import's tables in the catalog; every write one short transaction."""

    def __init__(self, ws: Workspace):
        self.path = ws.catalog_path
        self.conn = db.connect(ws.catalog_path)
        try:
            if not db.has_table(self.conn, FILES):
                db.ensure_schema(self.conn, SCHEMA)
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def _write(self, statements: Iterable[tuple[str, Sequence[object]]]) -> list[int]:
        rowids = []
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for sql, params in statements:
                    rowids.append(self.conn.execute(sql, params).lastrowid)
                self.conn.execute("COMMIT")
            except BaseException:
                db.rollback(self.conn)
                raise
        except sqlite3.DatabaseError as e:
            db.note_corruption(e, self.path)
            raise ArchiveError(_("the import journal (in the catalog) refused a write: {explain}").format(
                explain=db.explain(e, self.path)
            )) from e
        return rowids

    def start(self, plan: ImportPlan) -> int:
        statements: list[tuple[str, Sequence[object]]] = [
            (f"UPDATE {RUNS} SET state = 'killed' WHERE id = ?", (run,)) for run in plan.killed_runs]
        statements.append((
            f"INSERT INTO {RUNS} (folder, inventory, pid, started_at, state) VALUES (?, ?, ?, ?, 'running')",
            (str(plan.folder), plan.inventory_name, os.getpid(), _now())))
        if plan.inventory is not None:  # the hồ sơ of a file imported earlier follows the inventory
            for item in plan.known:
                statements.append((f"UPDATE {FILES} SET dossier = ?, inventory_row = ? WHERE path = ?",
                                   (item.dossier, item.row, str(plan.folder / item.file))))
        return self._write(statements)[len(plan.killed_runs)]

    def record(self, run: int, files: Sequence[FoundFile], items: Sequence[ImportItem], shas: Mapping[str, str]) -> None:
        now = _now()
        self._write(
            (f"""INSERT OR REPLACE INTO {FILES} (path, size, mtime_ns, status, sha256, doc_id, reason,
                 dossier, inventory_row, run_id, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
             (str(f.path), f.size, f.mtime_ns, item.status, shas.get(f.rel), item.doc_id, item.reason or None,
              item.dossier, item.row, run, now))
            for f, item in zip(files, items)
        )

    def finish(self, run: int, state: str, items: Sequence[ImportItem]) -> None:
        counts = [sum(1 for i in items if i.status == s) for s in (ADDED, ALREADY_THERE, FAILED)]
        self._write([(f"UPDATE {RUNS} SET state = ?, finished_at = ?, added = ?, already = ?, failed = ?"
                      " WHERE id = ?", (state, _now(), *counts, run))])


# --------------------------------------------------------------------------- running


def _source(f: FoundFile) -> str:
    return "scanned" if f.path.suffix.lower() in IMAGE_SUFFIXES else "imported"


def _ocr_note(result: AddResult) -> tuple[str, bool]:
    """The report's reason for an added scan, and whether it is a problem (exit status 1)."""
    if result.ocr_problems:
        return "; ".join(result.ocr_problems), True
    state = result.record.ocr
    if state == "unavailable":
        return "stored without text: OCR is not installed here", False
    if state == "skipped":
        return "stored without text (--ocr never)", False
    if not result.has_text:
        return "no text found: not searchable by content", False
    return "", False


def _item(plan: ImportPlan, f: FoundFile, result: AddResult | AddFailure | None) -> tuple[ImportItem, str | None]:
    """A file's line of the report, and its SHA-256 when the archive holds it."""
    row = plan.row_for(f)
    dossier, number_row = (row.dossier, row.row) if row else (None, None)
    if result is None:
        return ImportItem(f.rel, FAILED, dossier=dossier, row=number_row,
                          reason=_("the archive gave no result for this file")), None
    if isinstance(result, AddFailure):
        return ImportItem(f.rel, FAILED, dossier=dossier, row=number_row, reason=result.reason), None
    record = result.record
    if result.duplicate:
        reason = "" if record.filename == f.path.name else _("the same bytes as {filename}").format(
            filename=record.filename)
        return ImportItem(f.rel, ALREADY_THERE, record.id, record.number, dossier, number_row, reason,
                          ocr=record.ocr), record.sha256
    note, problem = _ocr_note(result)
    return ImportItem(f.rel, ADDED, record.id, record.number, dossier, number_row, note, problem,
                      record.ocr), record.sha256


def run_import(
    ws: Workspace,
    plan: ImportPlan,
    *,
    ocr: OcrSettings | None = None,
    progress: Progress | None = None,
    on_item: Callable[[ImportItem], None] | None = None,
    batch_files: int | None = None,
) -> ImportReport:
    """Import what ``plan`` found: refused and known files are reported first, then the others as
    they are journalled (every ``batch_files``, default BATCH_FILES).

    ``progress(1)`` is called as each file to hash is done; ``on_item`` gets every
    file's result as soon as it is journalled (a caller that is interrupted keeps
    what it was given). Raises what ``add_documents`` raises (a full disk); the
    files journalled until then are kept, and a re-run goes on from there.
    """
    items: list[ImportItem] = []

    def emit(item: ImportItem) -> None:
        items.append(item)
        if on_item is not None:
            on_item(item)

    journal = _Journal(ws)
    todo = plan.todo
    every = batch_files or BATCH_FILES
    try:
        run = journal.start(plan)
        for item in (*plan.refused, *plan.known):
            emit(item)
        # One ingestion for the whole folder (its reading runs ahead on worker processes, its groups
        # are written as they fill); every `every` files whose rows are committed are journalled in
        # one transaction, and only then reported: a kill loses the journal of those after, never a
        # document (the re-run finds their bytes in the catalog: "already there").
        pending: list[tuple[FoundFile, ImportItem, str | None]] = []

        def journal_pending() -> None:
            if pending:
                journal.record(run, [f for f, _i, _s in pending], [i for _f, i, _s in pending],
                               {f.rel: sha for f, _i, sha in pending if sha is not None})
                for _f, item, _s in pending:
                    emit(item)
                pending.clear()

        def on_result(position: int, result: AddResult | AddFailure) -> None:
            f = todo[position]
            pending.append((f, *_item(plan, f, result)))
            if len(pending) >= every:
                journal_pending()

        report: AddReport
        try:
            report = ingest(ws, (Incoming(f.path, row.meta if (row := plan.row_for(f)) else None, source=_source(f))
                                 for f in todo),
                            source="imported", progress=progress, ocr=ocr, on_result=on_result, keep_results=False)
            journal_pending()
            told = {i.file for i in items}
            for f in todo:  # every file has its line, whatever the archive said
                if f.rel not in told:
                    pending.append((f, *_item(plan, f, None)))
            journal_pending()
        except BaseException:
            try:  # Ctrl-C, SIGTERM, a full disk: stopped cleanly (the index is in step)
                journal.finish(run, "stopped", items)
            except ArchiveError:
                pass  # the first error is the one to report
            raise
        journal.finish(run, "finished", items)
    finally:
        journal.close()
    return ImportReport(plan.folder, tuple(items), False, report.index_error, report.ocr_unavailable,
                        len(plan.killed_runs))


def dry_run(ws: Workspace, plan: ImportPlan, *, progress: Progress | None = None) -> ImportReport:
    """What ``run_import`` would do: each new file hashed and looked up; nothing written."""
    items: list[ImportItem] = [*plan.refused, *plan.known]
    seen: dict[str, str] = {}
    with Catalog.open_read(ws.catalog_path) as catalog:
        for f in plan.todo:
            row = plan.row_for(f)
            dossier, number_row = (row.dossier, row.row) if row else (None, None)
            try:
                sha = hash_file(f.path)
            except (OSError, ArchiveError) as e:
                reason = getattr(e, "strerror", None) or str(e).removeprefix(f"{f.path}: ")
                items.append(ImportItem(f.rel, FAILED, dossier=dossier, row=number_row, reason=_("cannot read: {value}").format(value=reason)))
            else:
                doc_id = catalog.id_for_sha(sha)
                if doc_id is not None:
                    record = catalog.get(doc_id)
                    items.append(ImportItem(f.rel, ALREADY_THERE, doc_id, record.number if record else None,
                                            dossier, number_row, "already in the archive"))
                elif sha in seen:
                    items.append(ImportItem(f.rel, ALREADY_THERE, None, None, dossier, number_row,
                                            _("the same bytes as {seen}").format(seen=seen[sha])))
                else:
                    seen[sha] = f.rel
                    number = row.meta.number if row else None
                    items.append(ImportItem(f.rel, WOULD_ADD, None, number, dossier, number_row))
            if progress is not None:
                progress(1)
    return ImportReport(plan.folder, tuple(items), True, killed_runs=len(plan.killed_runs))


# --------------------------------------------------------------------------- the report


def write_report(path: Path, items: Iterable[ImportItem]) -> None:
    """The report as CSV (UTF-8 with a BOM, for Excel), one row per file sorted by path.

    Cells that a spreadsheet would run as a formula are quoted (``export.neutralise``).
    """
    rows = sorted(items, key=lambda i: i.file)

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow(REPORT_COLUMNS)
            for i in rows:
                cells = (i.file, i.status, i.doc_id, i.number, i.dossier, i.row, i.reason)
                writer.writerow(["" if c is None else neutralise(str(c)) for c in cells])

    write_atomic_with(path, write)
