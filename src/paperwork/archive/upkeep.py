"""Keeping the archive whole: verify, reindex (which also repairs what a killed add left), stats.

    verify(ws)                           -> VerifyReport  catalog <-> files <-> index
    reindex(ws, progress, engine=None)   -> ReindexReport rebuild the index from the catalog
                                                          (another engine: switched in paperwork.toml)
    stats(ws)                            -> ArchiveStats  with the engine and a recommendation

The catalog is the source of truth: everything here reads it and derives the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import Workspace
from ..db import damaged_marker, integrity_problem, require
from ..errors import ArchiveError, IndexVersionError, InputError
from ..i18n import _
from ..records import audit
from .extract import SUPPORTED_SUFFIXES, UnreadableDocumentError, extract
from .names import ENGINES, REINDEX
from .indexfeed import creation_lock, index_document, index_module
from .service import _catalog, _merge, _store
from .store import PDFA_SUFFIX, Catalog, CatalogRow, DocumentRecord, FileStore, StoredFile, hash_file

@dataclass(frozen=True)
class Problem:
    kind: str  # catalog, modified, missing, stray, leftover, not-indexed, not-catalogued, index
    message: str
    doc_id: int | None = None
    path: str | None = None


@dataclass(frozen=True)
class VerifyReport:
    documents: int
    files_checked: int
    index_documents: int | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ReindexReport:
    indexed: int
    engine: str = "whoosh"
    switched: bool = False  # the workspace setting was changed to ``engine``
    adopted: tuple[int, ...] = ()  # stray stored files taken into the catalog
    removed_temps: int = 0  # copies abandoned by killed writers
    skipped: tuple[Problem, ...] = ()  # what reindex could not repair


@dataclass(frozen=True)
class ArchiveStats:
    documents: int
    total_size: int
    by_type: tuple[tuple[str | None, int], ...]
    by_year: tuple[tuple[str | None, int], ...]
    by_source: tuple[tuple[str | None, int], ...]
    index_documents: int | None
    index_size: int | None
    index_state: str  # "ok", or why the index cannot be read
    engine: str = "whoosh"  # the workspace setting
    index_engine: str | None = None  # the engine that built the index on disk
    recommendation: str | None = None  # switch engines: why and how
    # Files in the index folder the index does not reference (counted in index_size): reindex.
    index_unreferenced_files: int = 0
    index_unreferenced_bytes: int = 0



# --------------------------------------------------------------------------- verify


def _check_files(files: FileStore, records: Sequence[DocumentRecord]) -> tuple[list[Problem], int]:
    """Re-hash every stored file: the originals and the archival PDF/A copies of scans."""
    problems: list[Problem] = []
    checked = 0
    for record in records:
        label = f"id {record.id} ({record.filename})"
        copies = [("stored file", record.stored_path, record.sha256)]
        if record.pdfa_path:
            copies.append(("archival PDF/A copy", record.pdfa_path, record.pdfa_sha256))
        for what, rel, expected in copies:
            path = files.absolute(rel)
            try:
                sha = hash_file(path)
            except FileNotFoundError:
                problems.append(Problem("missing", _("{label}: {what} missing: {path}").format(
                    label=label, what=what, path=path
                ), record.id, str(path)))
                continue
            except OSError as e:
                problems.append(
                    Problem("missing", _("{label}: {what} unreadable: {path}: {strerror}").format(
                        label=label, what=what, path=path, strerror=e.strerror
                    ), record.id, str(path))
                )
                continue
            checked += 1
            if sha != expected:
                problems.append(
                    Problem("modified", _("{label}: {what} modified (SHA-256 differs): {path}").format(
                        label=label, what=what, path=path
                    ), record.id, str(path))
                )
    known = {record.stored_path for record in records} | {r.pdfa_path for r in records if r.pdfa_path}
    for rel in files.iter_stored():
        if rel not in known:
            problems.append(Problem("stray", _("stray file not in the catalog: {absolute}").format(
                absolute=files.absolute(rel)
            ), None, rel))
    for tmp in files.leftover_temps():
        problems.append(Problem("leftover", _("leftover copy of an interrupted add: {tmp}").format(tmp=tmp), None, str(tmp)))
    return problems, checked


def _check_index(ws: Workspace, ids: set[int]) -> tuple[list[Problem], int | None]:
    index = index_module()
    if not index.index_exists(ws.index_dir):
        if not ids:
            return [], None
        return [Problem("index", _("search index missing: {index_dir}: {REINDEX}").format(
            index_dir=ws.index_dir, REINDEX=_(REINDEX)
        ))], None
    try:
        search_index = index.open_index(ws.index_dir, ws.engine)
    except IndexVersionError as e:
        return [Problem("index", str(e))], None
    except ArchiveError as e:
        return [Problem("index", _("search index unreadable: {error}").format(error=e))], None
    problems: list[Problem] = []
    with search_index:
        # An empty Whoosh index has no id column to read (NotImplementedError).
        indexed = search_index.ids() if search_index.count() else set()
        try:
            unreferenced = search_index.unreferenced_files()
        except ArchiveError as e:
            problems.append(Problem("index", _("search index unreadable: {error}").format(error=e)))
        else:
            if unreferenced:
                message = _unreferenced_message(ws, unreferenced, _bytes(unreferenced))
                problems.append(Problem("index", message, None, str(ws.index_dir)))
    problems += [
        Problem("not-indexed", _("id {index}: catalogued but missing from the search index").format(index=i), i)
        for i in sorted(ids - indexed)
    ]
    problems += [
        Problem("not-catalogued", _("id {index}: in the search index but not in the catalog").format(index=i), i)
        for i in sorted(indexed - ids)
    ]
    return problems, len(indexed)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KB", "MB"):
        if value < 1024:
            return f"{n} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def _bytes(files: Sequence[Path]) -> int:
    total = 0
    for f in files:
        try:
            total += f.stat().st_size
        except FileNotFoundError:  # collected meanwhile
            pass
    return total


def _unreferenced_message(ws: Workspace, files: Sequence[Path], size: int) -> str:
    names = ", ".join(f.name for f in files[:3]) + (", …" if len(files) > 3 else "")
    return (
        _("the search index {index_dir} holds {count} file(s), {size}, that it does not reference "
          "(left by a writer that did not clean up: {names})").format(index_dir=ws.index_dir, count=len(files), size=_size(size), names=names)
    )


def verify(ws: Workspace) -> VerifyReport:
    """Check the catalog file itself, re-hash every stored file and compare catalog, files and index.

    A catalog that fails SQLite's ``quick_check`` is reported alone and marked so that it
    takes no more writes (``db.integrity_problem``): restore it from a backup.
    """
    files = _store(ws)
    require(ws.catalog_path, initialised=ws.profile_path is not None, root=ws.root)
    finding = integrity_problem(ws.catalog_path)
    if finding is not None:
        return VerifyReport(0, 0, None, (Problem(
            "catalog", _("{catalog_path}: the catalog is damaged ({finding}); it accepts no writes "
                         "until it is restored from a backup (then remove {name})").format(
                catalog_path=ws.catalog_path, finding=finding, name=damaged_marker(ws.catalog_path).name
            )),))
    with _catalog(ws, write=False) as catalog:
        records = catalog.records()
        problems, checked = _check_files(files, records)
    index_problems, index_count = _check_index(ws, {r.id for r in records})
    found = problems + index_problems
    try:  # the fixity check is itself an event of the trail (PREMIS "fixity check")
        audit.record(ws, "verify", "archive", "catalog", {
            "documents": len(records), "files_checked": checked, "problems": len(found)})
    except ArchiveError as e:  # a catalog on a read-only share: the check stands, said not recorded
        found.append(Problem("audit", _("the check was not recorded in the audit trail: {error}").format(
            error=e
        )))
    return VerifyReport(len(records), checked, index_count, tuple(found))


# --------------------------------------------------------------------------- reindex

_CONTENT_NAME = re.compile(r"^(?P<sha>[0-9a-f]{64})(?P<suffix>\.[a-z0-9]+)?$")


def _adopt_strays(catalog: Catalog, files: FileStore) -> tuple[list[int], list[Problem]]:
    """Catalogue stored files left without a row by a killed ``add`` (the name is the hash)."""
    known = catalog.stored_paths()
    adopted: list[int] = []
    skipped: list[Problem] = []
    archival: list[str] = []
    for rel in files.iter_stored():
        if rel in known:
            continue
        if rel.endswith(PDFA_SUFFIX):
            archival.append(rel)  # after the originals: its scan may be adopted just now
            continue
        path = files.absolute(rel)
        match = _CONTENT_NAME.match(path.name)
        if not match or hash_file(path) != match["sha"] or match["suffix"] not in SUPPORTED_SUFFIXES:
            skipped.append(Problem("stray", _("stray file not in the catalog, left as is: {path}").format(
                path=path
            ), None, rel))
            continue
        try:
            extracted = extract(path)
        except UnreadableDocumentError as e:
            skipped.append(Problem("stray", _("stray file not in the catalog: {path}: {reason}").format(
                path=path, reason=e.reason
            ), None, rel))
            continue
        doc_id, _inserted = catalog.insert(
            CatalogRow(
                sha256=match["sha"],
                filename=path.name,
                stored_path=rel,
                size=path.stat().st_size,
                meta=_merge(None, extracted.text),
                pages=extracted.pages,
                source="imported",
                text=extracted.text,
                ocr=None if extracted.needs_ocr else "not-needed",
            )
        )
        adopted.append(doc_id)
    skipped += _adopt_archival_copies(catalog, files, archival)
    return adopted, skipped


def _adopt_archival_copies(catalog: Catalog, files: FileStore, paths: Sequence[str]) -> list[Problem]:
    """Attach a PDF/A copy a killed ``add`` stored beside its scan; its text layer is the OCR text."""
    skipped: list[Problem] = []
    for rel in paths:
        path = files.absolute(rel)
        match = _CONTENT_NAME.match(path.name.removesuffix(PDFA_SUFFIX))
        doc_id = catalog.id_for_sha(match["sha"]) if match and not match["suffix"] else None
        record = catalog.get(doc_id) if doc_id is not None else None
        if record is None or record.pdfa_path:
            skipped.append(Problem("stray", _("stray file not in the catalog, left as is: {path}").format(
                path=path
            ), None, rel))
            continue
        try:
            text = extract(path).text
        except UnreadableDocumentError as e:
            skipped.append(Problem("stray", _("stray file not in the catalog: {path}: {reason}").format(
                path=path, reason=e.reason
            ), None, rel))
            continue
        pdfa = StoredFile(hash_file(path), rel, path.stat().st_size)
        catalog.attach_pdfa(record.id, pdfa, text, "done", _merge(None, text))
    return skipped


def _remove_leftovers(files: FileStore) -> int:
    removed = 0
    for tmp in files.leftover_temps():
        tmp.unlink(missing_ok=True)
        removed += 1
    return removed


def reindex(
    ws: Workspace,
    progress: Callable[[int], None] | None = None,
    *,
    total: Callable[[int], None] | None = None,
    engine: str | None = None,
) -> ReindexReport:
    """Tidy up after an interrupted ``add``, then rebuild the index from the catalog.

    Whatever is at the index path (missing, damaged, another schema version or
    engine) is replaced by a new index of ``engine`` (default: the workspace's),
    swapped in whole; another engine than the workspace's is then recorded in
    paperwork.toml. ``total`` is told the number of documents first; ``progress``
    then gets the number indexed so far.
    """
    from ..config import set_engine

    engine = engine or ws.engine
    if engine not in ENGINES:
        raise InputError(_("{engine!r} is not one of {ENGINES}").format(
            engine=engine, ENGINES=', '.join(ENGINES)
        ), field="engine")
    files = _store(ws)
    index = index_module()
    index.engine_class(engine)  # a missing engine is reported before anything is touched
    with _catalog(ws) as catalog:
        removed = _remove_leftovers(files)
        adopted, skipped = _adopt_strays(catalog, files)
        if total is not None:
            total(catalog.count())
        docs = (index_document(record, text) for record, text in catalog.iter_with_text())
        with creation_lock(ws):
            new_index = index.build_index(ws.index_dir, docs, engine, progress)
        with new_index:
            indexed = new_index.count()
    switched = engine != ws.engine
    if switched:
        set_engine(ws, engine)
    audit.record(ws, "engine switch" if switched else "reindex", "archive", "catalog", {
        "engine": engine, "indexed": indexed, "previous_engine": ws.engine if switched else None,
        "adopted": len(adopted), "leftovers_removed": removed})
    return ReindexReport(indexed, engine, switched, tuple(adopted), removed, tuple(skipped))


# --------------------------------------------------------------------------- stats


def stats(ws: Workspace) -> ArchiveStats:
    """Counts from the catalog; the index's documents and size on disk, and its state.

    The state is "ok", or why the index cannot be read, or how much of its size is files
    it does not reference (``index_size`` counts them: they are on the disk).
    """
    with _catalog(ws, write=False) as catalog:
        documents = catalog.count()
        total_size = catalog.total_size()
        by_type = tuple(catalog.count_by("type"))
        by_year = tuple(catalog.count_by("year"))
        by_source = tuple(catalog.count_by("source"))
    index = index_module()
    index_documents = index_size = built_by = None
    unreferenced: list[Path] = []
    unreferenced_bytes = 0
    if not index.index_exists(ws.index_dir):
        state = "missing"
    else:
        try:
            built_by = index.index_engine(ws.index_dir)
            with index.open_index(ws.index_dir, ws.engine) as search_index:
                index_documents = search_index.count()
                index_size = search_index.size_bytes()
                unreferenced = search_index.unreferenced_files()
            unreferenced_bytes = _bytes(unreferenced)
            state = "ok"
            if unreferenced:
                state = f"{_unreferenced_message(ws, unreferenced, unreferenced_bytes)}: {_(REINDEX)}"
        except ArchiveError as e:
            state = str(e)
    return ArchiveStats(
        documents,
        total_size,
        by_type,
        by_year,
        by_source,
        index_documents,
        index_size,
        state,
        engine=ws.engine,
        index_engine=built_by,
        recommendation=index.recommend_engine(ws.engine, documents),
        index_unreferenced_files=len(unreferenced),
        index_unreferenced_bytes=unreferenced_bytes,
    )
