"""The archive operations the CLI (and ``paperwork render``) call: store + extract + index.

    add_files(ws, paths, meta, source, ocr=OcrSettings())
                                         -> AddReport     per-file failures collected, not raised;
                                                          scans OCRed (archive/ocr.py, lazily)
    add_file(ws, path, meta, source)     -> AddResult     one file, for ``render``; raises
    ocr_documents(ws, ids, ocr=OcrSettings()) -> OcrReport  OCR stored scans again (stored while
                                                          OCR was missing, skipped or failed)
    missing_text_ids(ws)                 -> list[int]     the documents ``OCR_MISSING`` their text
    get_document(ws, id) / document_text(ws, id)
    verify(ws)                           -> VerifyReport  catalog <-> files <-> index
    reindex(ws, progress, engine=None)   -> ReindexReport rebuild the index from the catalog
                                                          (another engine: switched in paperwork.toml)
    stats(ws)                            -> ArchiveStats  with the engine and a recommendation
    search(ws, text, **options)          -> list[SearchHit]
    open_searcher(ws)                    -> ArchiveSearcher  opens the index once, for many searches

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
from ..errors import ArchiveError, IndexVersionError, InputError, OcrError, OcrUnavailableError, PaperworkError
from .extract import SUPPORTED_SUFFIXES, Extracted, UnreadableDocumentError, detect_metadata, extract
from .store import (
    PDFA_SUFFIX,
    SOURCES,
    Catalog,
    CatalogRow,
    DocumentMeta,
    DocumentRecord,
    FileStore,
    StoredFile,
    hash_file,
)

if TYPE_CHECKING:
    from .index import IndexDocument, SearchHit, SearchIndex
    from .ocr import OcrSettings

__all__ = [
    "AddFailure",
    "AddReport",
    "AddResult",
    "ArchiveStats",
    "OCR_MISSING",
    "OcrReport",
    "OcrResult",
    "DocumentMeta",
    "Problem",
    "ReindexReport",
    "VerifyReport",
    "add_documents",
    "add_file",
    "add_files",
    "document_text",
    "get_document",
    "missing_text_ids",
    "ocr_documents",
    "ArchiveSearcher",
    "open_searcher",
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
    has_text: bool = True  # False: no usable text (a scan not OCRed, or OCR found none)
    ocr_problems: tuple[str, ...] = ()  # "page 3: OCR ran past 120 s …", "OCR failed: …"


@dataclass(frozen=True)
class AddFailure:
    path: Path
    reason: str


@dataclass(frozen=True)
class AddReport:
    added: tuple[AddResult, ...]
    failed: tuple[AddFailure, ...]
    index_error: str | None = None  # files were stored and catalogued, the index not updated
    # OCR could not run on this machine: why, and how to install it. The scans
    # are stored without text; that alone is not a failure of the command.
    ocr_unavailable: str | None = None

    @property
    def ok(self) -> bool:
        problems = any(result.ocr_problems for result in self.added)
        return not self.failed and self.index_error is None and not problems


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
    """Open the index; create it (of the workspace's engine) on first use.

    One of another schema or engine is never rebuilt here: that is ``reindex``.
    """
    index = _index_module()
    if not index.index_exists(ws.index_dir):
        with _creation_lock(ws):
            if not index.index_exists(ws.index_dir):
                return index.create_index(ws.index_dir, ws.engine)
    return index.open_index(ws.index_dir, ws.engine)


@dataclass(frozen=True)
class _Scan:
    """What OCR made of one file (or why it did not run)."""

    state: str  # store.OCR_STATES
    text: str
    pages: int | None
    pdfa: Path | None = None  # the PDF/A copy, still in tmp/
    problems: tuple[str, ...] = ()


class _Ocr:
    """OCR for one ``add``: imported on the first scan; missing tools are noticed once."""

    def __init__(self, files: FileStore, settings: OcrSettings | None):
        self.files = files
        self.settings = settings
        self.unavailable: str | None = None

    def _wanted(self, path: Path, extracted: Extracted) -> bool:
        mode = self.settings.mode if self.settings is not None else "auto"
        if mode == "never" or path.suffix.lower() == ".docx":
            return False
        return mode == "always" or extracted.needs_ocr

    def scan(self, path: Path, extracted: Extracted) -> _Scan:
        if not self._wanted(path, extracted):
            state = "skipped" if extracted.needs_ocr else "not-needed"
            return _Scan(state, extracted.text, extracted.pages)
        if self.unavailable is not None:
            return _Scan("unavailable", extracted.text, extracted.pages)
        from .ocr import OcrSettings, ocr_file

        output = self.files.temp_path(".pdfa.part")
        try:
            outcome = ocr_file(
                path, output, force=bool(extracted.text.strip()), settings=self.settings or OcrSettings()
            )
        except OcrUnavailableError as e:
            output.unlink(missing_ok=True)
            self.unavailable = str(e)
            return _Scan("unavailable", extracted.text, extracted.pages)
        except OcrError as e:
            output.unlink(missing_ok=True)
            reason = str(e).removeprefix(f"{path}: ")
            return _Scan("failed", extracted.text, extracted.pages, problems=(reason,))
        except BaseException:
            output.unlink(missing_ok=True)
            raise
        state = "partial" if outcome.problems else "done"
        return _Scan(state, outcome.text, outcome.pages, output, outcome.problems)


def _put_archival_copy(files: FileStore, scan: _Scan, original_sha256: str, name: Path) -> StoredFile | None:
    """Store the PDF/A copy OCR left in tmp/ beside its original (``add`` and ``ocr`` alike)."""
    if scan.pdfa is None:
        return None
    try:
        return files.put(scan.pdfa, relative=files.pdfa_relative_path(original_sha256))
    except OSError as e:
        raise ArchiveError(f"{name}: cannot copy into the archive: {e}") from e
    finally:
        scan.pdfa.unlink(missing_ok=True)


def _add_one(
    catalog: Catalog, files: FileStore, ocr: _Ocr, path: Path, meta: DocumentMeta | None, source: str
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
    scan = ocr.scan(path, extracted)
    try:
        merged = _merge(meta, scan.text)
        try:
            stored = files.put(path, expected_sha256=sha)
        except OSError as e:
            raise ArchiveError(f"{path}: cannot copy into the archive: {e}") from e
        pdfa = _put_archival_copy(files, scan, sha, path)
    finally:
        if scan.pdfa is not None:
            scan.pdfa.unlink(missing_ok=True)
    doc_id, inserted = catalog.insert(
        CatalogRow(
            sha256=stored.sha256,
            filename=path.name,
            stored_path=stored.stored_path,
            size=stored.size,
            meta=merged,
            pages=scan.pages,
            source=source,
            text=scan.text,
            ocr=scan.state,
            pdfa=pdfa,
        )
    )
    has_text = bool(scan.text.strip()) and scan.state not in ("skipped", "unavailable", "failed")
    result = AddResult(
        path, catalog.get(doc_id), duplicate=not inserted, has_text=has_text, ocr_problems=scan.problems
    )
    return result, scan.text if inserted else None


def add_files(
    ws: Workspace,
    paths: Iterable[Path],
    meta: DocumentMeta | None = None,
    *,
    source: str = "imported",
    progress: Progress | None = None,
    ocr: OcrSettings | None = None,
) -> AddReport:
    """Archive each file; a file that cannot be read is reported and the others still added.

    Scans (images, PDFs without a usable text layer) are OCRed as ``ocr`` says
    (default: auto): the original is stored untouched, the PDF/A copy beside
    it, the OCR text catalogued and indexed. A failed or timed-out OCR is in the
    file's ``ocr_problems``; OCR missing from the machine in ``ocr_unavailable``.
    """
    return add_documents(ws, ((Path(p), meta) for p in paths), source=source, progress=progress, ocr=ocr)


def add_documents(
    ws: Workspace,
    items: Iterable[tuple[Path, DocumentMeta | None]],
    *,
    source: str = "generated",
    progress: Progress | None = None,
    ocr: OcrSettings | None = None,
) -> AddReport:
    """``add_files`` with metadata per file (``paperwork batch``): one catalog and index session."""
    if source not in SOURCES:
        raise InputError(f"must be one of {', '.join(SOURCES)}", field="source")
    added: list[AddResult] = []
    failed: list[AddFailure] = []
    files = _store(ws)
    scanner = _Ocr(files, ocr)
    feed = _IndexFeed(ws)
    with _catalog(ws) as catalog:
        try:
            for raw, meta in items:
                path = Path(raw)
                try:
                    result, text = _add_one(catalog, files, scanner, path, meta, source)
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
    return AddReport(tuple(added), tuple(failed), index_error, scanner.unavailable)


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


# --------------------------------------------------------------------------- ocr again

# Documents stored without (all of) their OCR text: ``archive ocr --all-missing``.
OCR_MISSING = ("unavailable", "failed", "partial", "skipped")


@dataclass(frozen=True)
class OcrResult:
    record: DocumentRecord  # as catalogued after this run
    updated: bool = False  # False: OCR failed, the row is as it was
    has_text: bool = True
    ocr_problems: tuple[str, ...] = ()  # "page 3: OCR ran past 120 s …", "OCR failed: …"


@dataclass(frozen=True)
class OcrReport:
    results: tuple[OcrResult, ...]
    index_error: str | None = None  # the catalog was updated, the index not

    @property
    def ok(self) -> bool:
        return self.index_error is None and not any(r.ocr_problems for r in self.results)


def missing_text_ids(ws: Workspace) -> list[int]:
    """Ids of the documents whose OCR did not run or did not finish (``OCR_MISSING``)."""
    with _catalog(ws) as catalog:
        return [record.id for record in catalog.records() if record.ocr in OCR_MISSING]


def _ocr_stored(
    catalog: Catalog, files: FileStore, scanner: _Ocr, record: DocumentRecord
) -> tuple[OcrResult, str | None]:
    """OCR one stored original into a new PDF/A copy; the text is returned when the row changed."""
    original = files.absolute(record.stored_path)
    try:
        extracted = extract(original)
    except UnreadableDocumentError as e:
        return OcrResult(record, has_text=False, ocr_problems=(f"cannot read the stored file: {e.reason}",)), None
    scan = scanner.scan(original, extracted)
    try:
        if scan.state == "not-needed":
            return OcrResult(record, ocr_problems=("a .docx document has its own text; nothing to OCR",)), None
        if scan.state == "unavailable":
            raise OcrUnavailableError(scanner.unavailable or "OCR is unavailable")
        if scan.state == "failed":
            return OcrResult(record, has_text=False, ocr_problems=scan.problems), None
        pdfa = _put_archival_copy(files, scan, record.sha256, Path(record.filename))
    finally:
        if scan.pdfa is not None:
            scan.pdfa.unlink(missing_ok=True)
    assert pdfa is not None
    catalog.attach_pdfa(record.id, pdfa, scan.text, scan.state, _merge(None, scan.text))
    result = OcrResult(catalog.get(record.id), True, bool(scan.text.strip()), scan.problems)
    return result, scan.text


def ocr_documents(
    ws: Workspace,
    ids: Iterable[int],
    *,
    ocr: OcrSettings | None = None,
    progress: Progress | None = None,
) -> OcrReport:
    """OCR stored documents again, from their untouched originals, the way ``add`` does.

    Each gets a new PDF/A copy, its OCR text and state in the catalog, metadata
    read off the text where none is catalogued (never replacing what is there),
    and a new index entry. A document that cannot be OCRed is in its result's
    ``ocr_problems`` and left as it was; the others go on. Raises ``InputError``
    for an unknown id (before any OCR) and ``OcrUnavailableError`` when OCR
    cannot run here (the catalog unchanged).
    """
    from dataclasses import replace

    from .ocr import OcrSettings

    settings = replace(ocr or OcrSettings(), mode="always")  # asked for: OCR whatever the text layer
    files = _store(ws)
    scanner = _Ocr(files, settings)
    results: list[OcrResult] = []
    with _catalog(ws) as catalog:
        records = []
        for doc_id in dict.fromkeys(ids):
            record = catalog.get(doc_id)
            if record is None:
                raise InputError(f"no document with id {doc_id} in the archive")
            records.append(record)
        feed = _IndexFeed(ws)
        try:
            for record in records:
                try:
                    result, text = _ocr_stored(catalog, files, scanner, record)
                except OcrUnavailableError:
                    raise
                except ArchiveError as e:
                    reason = str(e).removeprefix(f"{record.filename}: ")
                    result, text = OcrResult(record, ocr_problems=(reason,)), None
                results.append(result)
                if text is not None:
                    feed.put(result.record, text)
                if progress is not None:
                    progress(1)
        finally:
            index_error = feed.close()
    return OcrReport(tuple(results), index_error)


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


# ArchiveSearcher, open_searcher and search live in searching.py (a light module: the
# `paperwork search` command imports neither the store nor the extractors).
from .searching import ArchiveSearcher, open_searcher, search  # noqa: E402


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
                problems.append(Problem("missing", f"{label}: {what} missing: {path}", record.id, str(path)))
                continue
            except OSError as e:
                problems.append(
                    Problem("missing", f"{label}: {what} unreadable: {path}: {e.strerror}", record.id, str(path))
                )
                continue
            checked += 1
            if sha != expected:
                problems.append(
                    Problem("modified", f"{label}: {what} modified (SHA-256 differs): {path}", record.id, str(path))
                )
    known = {record.stored_path for record in records} | {r.pdfa_path for r in records if r.pdfa_path}
    for rel in files.iter_stored():
        if rel not in known:
            problems.append(Problem("stray", f"stray file not in the catalog: {files.absolute(rel)}", None, rel))
    for tmp in files.leftover_temps():
        problems.append(Problem("leftover", f"leftover copy of an interrupted add: {tmp}", None, str(tmp)))
    return problems, checked


def _check_index(ws: Workspace, ids: set[int]) -> tuple[list[Problem], int | None]:
    index = _index_module()
    if not index.index_exists(ws.index_dir):
        if not ids:
            return [], None
        return [Problem("index", f"search index missing: {ws.index_dir}: {REINDEX_HINT}")], None
    try:
        search_index = index.open_index(ws.index_dir, ws.engine)
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
    records = catalog.records()
    known = {record.stored_path for record in records} | {r.pdfa_path for r in records if r.pdfa_path}
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
            skipped.append(Problem("stray", f"stray file not in the catalog, left as is: {path}", None, rel))
            continue
        try:
            text = extract(path).text
        except UnreadableDocumentError as e:
            skipped.append(Problem("stray", f"stray file not in the catalog: {path}: {e.reason}", None, rel))
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
    from ..config import ENGINES, set_engine

    engine = engine or ws.engine
    if engine not in ENGINES:
        raise InputError(f"{engine!r} is not one of {', '.join(ENGINES)}", field="engine")
    files = _store(ws)
    index = _index_module()
    index.engine_class(engine)  # a missing engine is reported before anything is touched
    with _catalog(ws) as catalog:
        removed = _remove_leftovers(files)
        adopted, skipped = _adopt_strays(catalog, files)
        if total is not None:
            total(catalog.count())
        docs = (_index_document(record, text) for record, text in catalog.iter_with_text())
        with _creation_lock(ws):
            new_index = index.build_index(ws.index_dir, docs, engine, progress)
        with new_index:
            indexed = new_index.count()
    switched = engine != ws.engine
    if switched:
        set_engine(ws, engine)
    return ReindexReport(indexed, engine, switched, tuple(adopted), removed, tuple(skipped))


# --------------------------------------------------------------------------- stats


def stats(ws: Workspace) -> ArchiveStats:
    with _catalog(ws) as catalog:
        documents = catalog.count()
        total_size = catalog.total_size()
        by_type = tuple(catalog.count_by("type"))
        by_year = tuple(catalog.count_by("year"))
        by_source = tuple(catalog.count_by("source"))
    index = _index_module()
    index_documents = index_size = built_by = None
    if not index.index_exists(ws.index_dir):
        state = "missing"
    else:
        try:
            built_by = index.index_engine(ws.index_dir)
            with index.open_index(ws.index_dir, ws.engine) as search_index:
                index_documents = search_index.count()
                index_size = search_index.size_bytes()
            state = "ok"
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
    )
