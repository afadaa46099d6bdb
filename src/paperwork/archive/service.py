"""The archive operations the CLI (and ``paperwork render``) call: store + extract + index.

    add_files(ws, paths, meta, source)   -> AddReport     per-file failures collected, not raised
    add_file(ws, path, meta, source)     -> AddResult     one file, for ``render``; raises
    get_document(ws, id) / document_text(ws, id)
    verify(ws)                           -> VerifyReport  catalog <-> files <-> index
    reindex(ws, progress)                -> ReindexReport rebuild the index from the catalog
    stats(ws)                            -> ArchiveStats
    search(ws, text, **options)          -> list[SearchHit]

The catalog is the source of truth; the index is derived from it, so every
index failure after a file is catalogued leaves a state ``reindex`` repairs.
Nothing here prints: progress is a callback, problems are returned or raised.
"""

from __future__ import annotations

import fcntl
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Workspace
from ..errors import ArchiveError, IndexVersionError, InputError, PaperworkError
from .extract import SUPPORTED_SUFFIXES, UnreadableDocumentError, detect_metadata, extract
from .store import (
    SOURCES,
    Catalog,
    CatalogRow,
    DocumentMeta,
    DocumentRecord,
    FileStore,
    hash_file,
)

if TYPE_CHECKING:
    from .index import IndexDocument, SearchHit, SearchIndex

__all__ = [
    "AddFailure",
    "AddReport",
    "AddResult",
    "ArchiveStats",
    "DocumentMeta",
    "Problem",
    "ReindexReport",
    "VerifyReport",
    "add_file",
    "add_files",
    "document_text",
    "get_document",
    "reindex",
    "search",
    "stats",
    "stored_path",
    "verify",
]

# Documents are handed to the index this many at a time: one writer commit per
# batch, and a kill loses at most one batch of index entries (reindex restores them).
INDEX_BATCH = 25
REINDEX_HINT = "run `paperwork archive reindex`"

Progress = Callable[[int], None]  # called with the number of documents just done


@dataclass(frozen=True)
class AddResult:
    source_path: Path
    record: DocumentRecord
    duplicate: bool  # the same bytes were already archived under record.id
    has_text: bool = True  # False: no text layer (a scan; OCR comes later)


@dataclass(frozen=True)
class AddFailure:
    path: Path
    reason: str


@dataclass(frozen=True)
class AddReport:
    added: tuple[AddResult, ...]
    failed: tuple[AddFailure, ...]
    index_error: str | None = None  # files were stored and catalogued, the index not updated

    @property
    def ok(self) -> bool:
        return not self.failed and self.index_error is None


@dataclass(frozen=True)
class Problem:
    kind: str  # modified, missing, stray, leftover, not-indexed, not-catalogued, index
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


# --------------------------------------------------------------------------- helpers


def _catalog(ws: Workspace) -> Catalog:
    return Catalog.open(ws.catalog_path)


def _store(ws: Workspace) -> FileStore:
    return FileStore(ws.archive)


def _index_module():
    # Imported on first use: `archive show` and `archive text` never pay for Whoosh.
    from . import index

    return index


def _index_document(record: DocumentRecord, text: str) -> IndexDocument:
    return _index_module().IndexDocument(
        id=record.id,
        filename=record.filename,
        title=record.title or "",
        type=record.type or "",
        number=record.number or "",
        date=record.date.isoformat() if record.date else None,
        agency=record.agency or "",
        text=text,
    )


def _merge(given: DocumentMeta | None, text: str) -> DocumentMeta:
    """Metadata given by the caller wins; the rest is read off the text."""
    given = given or DocumentMeta()
    detected = detect_metadata(text)
    return DocumentMeta(
        type=given.type or detected.type,
        number=given.number or detected.number,
        date=given.date or detected.date,
        agency=given.agency or detected.agency,
        title=given.title or detected.title,
        signer=given.signer,
    )


# --------------------------------------------------------------------------- add


class _IndexFeed:
    """Documents waiting for the index; opened (or created, on first use) when first flushed."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.pending: list[IndexDocument] = []
        self.error: str | None = None
        self.unindexed = 0
        self._index: SearchIndex | None = None

    def put(self, record: DocumentRecord, text: str) -> None:
        if self.error is not None:
            self.unindexed += 1
            return
        self.pending.append(_index_document(record, text))
        if len(self.pending) >= INDEX_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending or self.error is not None:
            return
        batch, self.pending = self.pending, []
        try:
            if self._index is None:
                self._index = _open_or_create_index(self.ws)
            self._index.add(batch)
        except PaperworkError as e:
            self.unindexed += len(batch)
            self.error = str(e)

    def close(self) -> str | None:
        self.flush()
        if self._index is not None:
            self._index.close()
        if self.error is None:
            return None
        return (
            f"{self.unindexed} document(s) stored and catalogued but not indexed: {self.error}"
            + ("" if REINDEX_HINT in self.error else f"; {REINDEX_HINT}")
        )


@contextmanager
def _creation_lock(ws: Workspace) -> Iterator[None]:
    """Serialise first-use creation: two adds must not both swap in a fresh index."""
    ws.archive.mkdir(parents=True, exist_ok=True)
    with open(ws.archive / "index.create.lock", "a+b") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _open_or_create_index(ws: Workspace) -> SearchIndex:
    """Open the index; create it on first use. One of another schema is never rebuilt here."""
    index = _index_module()
    if not index.SearchIndex.exists(ws.index_dir):
        with _creation_lock(ws):
            if not index.SearchIndex.exists(ws.index_dir):
                return index.SearchIndex.create(ws.index_dir)
    return index.SearchIndex.open(ws.index_dir)


def _add_one(
    catalog: Catalog, files: FileStore, path: Path, meta: DocumentMeta | None, source: str
) -> tuple[AddResult, str | None]:
    """Store and catalogue one file; the text is returned when the file is new."""
    try:
        sha = hash_file(path)
    except IsADirectoryError as e:
        raise UnreadableDocumentError(path, "is a directory") from e
    except FileNotFoundError as e:
        raise UnreadableDocumentError(path, "no such file") from e
    except OSError as e:
        raise UnreadableDocumentError(path, f"cannot read: {e.strerror or e}") from e
    known = catalog.id_for_sha(sha)
    if known is not None:
        return AddResult(path, catalog.get(known), duplicate=True), None
    extracted = extract(path)
    merged = _merge(meta, extracted.text)
    try:
        stored = files.put(path, expected_sha256=sha)
    except OSError as e:
        raise ArchiveError(f"{path}: cannot copy into the archive: {e}") from e
    doc_id, inserted = catalog.insert(
        CatalogRow(
            sha256=stored.sha256,
            filename=path.name,
            stored_path=stored.stored_path,
            size=stored.size,
            meta=merged,
            pages=extracted.pages,
            source=source,
            text=extracted.text,
        )
    )
    result = AddResult(path, catalog.get(doc_id), duplicate=not inserted, has_text=not extracted.needs_ocr)
    return result, extracted.text if inserted else None


def add_files(
    ws: Workspace,
    paths: Iterable[Path],
    meta: DocumentMeta | None = None,
    *,
    source: str = "imported",
    progress: Progress | None = None,
) -> AddReport:
    """Archive each file; a file that cannot be read is reported and the others still added."""
    if source not in SOURCES:
        raise InputError(f"must be one of {', '.join(SOURCES)}", field="source")
    added: list[AddResult] = []
    failed: list[AddFailure] = []
    files = _store(ws)
    feed = _IndexFeed(ws)
    with _catalog(ws) as catalog:
        try:
            for raw in paths:
                path = Path(raw)
                try:
                    result, text = _add_one(catalog, files, path, meta, source)
                except UnreadableDocumentError as e:
                    failed.append(AddFailure(path, e.reason))
                else:
                    added.append(result)
                    if text is not None:
                        feed.put(result.record, text)
                if progress is not None:
                    progress(1)
        finally:
            index_error = feed.close()
    return AddReport(tuple(added), tuple(failed), index_error)


def add_file(
    ws: Workspace, path: Path, meta: DocumentMeta | None = None, *, source: str = "generated"
) -> AddResult:
    """Archive one file (``paperwork render`` calls this with its input's metadata).

    Raises ``UnreadableDocumentError`` if the file cannot be read, and an
    ``ArchiveError`` naming the stored id when the index could not be updated.
    """
    report = add_files(ws, [path], meta, source=source)
    if report.failed:
        failure = report.failed[0]
        raise UnreadableDocumentError(failure.path, failure.reason)
    result = report.added[0]
    if report.index_error is not None:
        raise ArchiveError(f"{path.name} archived as id {result.record.id}, but {report.index_error}")
    return result


# --------------------------------------------------------------------------- read


def get_document(ws: Workspace, doc_id: int) -> DocumentRecord:
    with _catalog(ws) as catalog:
        record = catalog.get(doc_id)
    if record is None:
        raise InputError(f"no document with id {doc_id} in the archive")
    return record


def stored_path(ws: Workspace, record: DocumentRecord) -> Path:
    """The absolute path of a document's stored copy."""
    return _store(ws).absolute(record.stored_path)


def document_text(ws: Workspace, doc_id: int) -> str:
    with _catalog(ws) as catalog:
        text = catalog.text(doc_id)
    if text is None:
        raise InputError(f"no document with id {doc_id} in the archive")
    return text


def search(ws: Workspace, text: str = "", **options: object) -> list[SearchHit]:
    """Search the index: ``text`` in the query language, options as in ``parse_query``."""
    from .query import parse_query

    query = parse_query(text, **options)
    index = _index_module()
    if not index.SearchIndex.exists(ws.index_dir):
        with _catalog(ws) as catalog:
            if catalog.count() == 0:
                return []
        raise ArchiveError(f"the archive has no search index: {REINDEX_HINT}")
    with index.SearchIndex.open(ws.index_dir) as search_index:
        return search_index.search(query)


# --------------------------------------------------------------------------- verify


def _check_files(files: FileStore, records: Sequence[DocumentRecord]) -> tuple[list[Problem], int]:
    problems: list[Problem] = []
    checked = 0
    for record in records:
        path = files.absolute(record.stored_path)
        label = f"id {record.id} ({record.filename})"
        try:
            sha = hash_file(path)
        except FileNotFoundError:
            problems.append(Problem("missing", f"{label}: stored file missing: {path}", record.id, str(path)))
            continue
        except OSError as e:
            problems.append(Problem("missing", f"{label}: stored file unreadable: {path}: {e.strerror}", record.id, str(path)))
            continue
        checked += 1
        if sha != record.sha256:
            problems.append(
                Problem("modified", f"{label}: stored file modified (SHA-256 differs): {path}", record.id, str(path))
            )
    known = {record.stored_path for record in records}
    for rel in files.iter_stored():
        if rel not in known:
            problems.append(Problem("stray", f"stray file not in the catalog: {files.absolute(rel)}", None, rel))
    for tmp in files.leftover_temps():
        problems.append(Problem("leftover", f"leftover copy of an interrupted add: {tmp}", None, str(tmp)))
    return problems, checked


def _check_index(ws: Workspace, ids: set[int]) -> tuple[list[Problem], int | None]:
    index = _index_module()
    if not index.SearchIndex.exists(ws.index_dir):
        if not ids:
            return [], None
        return [Problem("index", f"search index missing: {ws.index_dir}: {REINDEX_HINT}")], None
    try:
        search_index = index.SearchIndex.open(ws.index_dir)
    except IndexVersionError as e:
        return [Problem("index", str(e))], None
    except ArchiveError as e:
        return [Problem("index", f"search index unreadable: {e}")], None
    with search_index:
        # An empty Whoosh index has no id column to read (NotImplementedError).
        indexed = search_index.ids() if search_index.count() else set()
    problems = [
        Problem("not-indexed", f"id {i}: catalogued but missing from the search index", i)
        for i in sorted(ids - indexed)
    ]
    problems += [
        Problem("not-catalogued", f"id {i}: in the search index but not in the catalog", i)
        for i in sorted(indexed - ids)
    ]
    return problems, len(indexed)


def verify(ws: Workspace) -> VerifyReport:
    """Re-hash every stored file and compare catalog, files and index."""
    files = _store(ws)
    with _catalog(ws) as catalog:
        records = catalog.records()
        problems, checked = _check_files(files, records)
    index_problems, index_count = _check_index(ws, {r.id for r in records})
    return VerifyReport(len(records), checked, index_count, tuple(problems + index_problems))


# --------------------------------------------------------------------------- reindex

_CONTENT_NAME = re.compile(r"^(?P<sha>[0-9a-f]{64})(?P<suffix>\.[a-z0-9]+)?$")


def _adopt_strays(catalog: Catalog, files: FileStore) -> tuple[list[int], list[Problem]]:
    """Catalogue stored files left without a row by a killed ``add`` (the name is the hash)."""
    known = {record.stored_path for record in catalog.records()}
    adopted: list[int] = []
    skipped: list[Problem] = []
    for rel in files.iter_stored():
        if rel in known:
            continue
        path = files.absolute(rel)
        match = _CONTENT_NAME.match(path.name)
        if not match or hash_file(path) != match["sha"] or match["suffix"] not in SUPPORTED_SUFFIXES:
            skipped.append(Problem("stray", f"stray file not in the catalog, left as is: {path}", None, rel))
            continue
        try:
            extracted = extract(path)
        except UnreadableDocumentError as e:
            skipped.append(Problem("stray", f"stray file not in the catalog: {path}: {e.reason}", None, rel))
            continue
        doc_id, _ = catalog.insert(
            CatalogRow(
                sha256=match["sha"],
                filename=path.name,
                stored_path=rel,
                size=path.stat().st_size,
                meta=_merge(None, extracted.text),
                pages=extracted.pages,
                source="imported",
                text=extracted.text,
            )
        )
        adopted.append(doc_id)
    return adopted, skipped


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
) -> ReindexReport:
    """Tidy up after an interrupted ``add``, then rebuild the index from the catalog.

    Whatever is at the index path (missing, damaged, another schema version) is
    replaced by a new index, swapped in whole. ``total`` is told the number of
    documents first; ``progress`` then gets the number indexed so far.
    """
    files = _store(ws)
    index = _index_module()
    with _catalog(ws) as catalog:
        removed = _remove_leftovers(files)
        adopted, skipped = _adopt_strays(catalog, files)
        if total is not None:
            total(catalog.count())
        docs = (_index_document(record, text) for record, text in catalog.iter_with_text())
        with _creation_lock(ws):
            new_index = index.SearchIndex.reindex(ws.index_dir, docs, progress)
        with new_index:
            indexed = new_index.count()
    return ReindexReport(indexed, tuple(adopted), removed, tuple(skipped))


# --------------------------------------------------------------------------- stats


def stats(ws: Workspace) -> ArchiveStats:
    with _catalog(ws) as catalog:
        documents = catalog.count()
        total_size = catalog.total_size()
        by_type = tuple(catalog.count_by("type"))
        by_year = tuple(catalog.count_by("year"))
        by_source = tuple(catalog.count_by("source"))
    index = _index_module()
    index_documents = index_size = None
    if not index.SearchIndex.exists(ws.index_dir):
        state = "missing"
    else:
        try:
            with index.SearchIndex.open(ws.index_dir) as search_index:
                index_documents = search_index.count()
                index_size = search_index.size_bytes()
            state = "ok"
        except ArchiveError as e:
            state = str(e)
    return ArchiveStats(
        documents, total_size, by_type, by_year, by_source, index_documents, index_size, state
    )
