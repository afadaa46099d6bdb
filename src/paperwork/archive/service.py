"""The archive operations the CLI (and ``paperwork render``) call: store + extract + index.

    add_files(ws, paths, meta, source, ocr=OcrSettings())
                                         -> AddReport     per-file failures collected, not raised;
                                                          scans OCRed (archive/ocr.py, lazily);
                                                          run by ingest.py: read on worker
                                                          processes, written in groups
    add_file(ws, path, meta, source)     -> AddResult     one file, for ``render``; raises
    ocr_documents(ws, ids, ocr=OcrSettings()) -> OcrReport  OCR stored scans again (stored while
                                                          OCR was missing, skipped or failed)
    missing_text_ids(ws)                 -> list[int]     the documents ``OCR_MISSING`` their text
    get_document(ws, id) / document_text(ws, id)
    (verify, reindex and stats live in upkeep.py)
    search(ws, text, **options)          -> list[SearchHit]
    open_searcher(ws)                    -> ArchiveSearcher  opens the index once, for many searches

The catalog is the source of truth; the index is derived from it, so every
index failure after a file is catalogued leaves a state ``reindex`` repairs.
Nothing here prints: progress is a callback, problems are returned or raised.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Workspace
from ..db import require
from ..errors import ArchiveError, InputError, OcrError, OcrUnavailableError
from ..i18n import _
from .extract import Extracted, UnreadableDocumentError, detect_metadata, extract
from .indexfeed import IndexFeed
from .store import (
    Catalog,
    CatalogRow,
    DocumentMeta,
    DocumentRecord,
    FileStore,
    StoredFile,
)

if TYPE_CHECKING:
    from .ocr import OcrSettings

__all__ = [
    "AddFailure",
    "AddReport",
    "AddResult",
    "OCR_MISSING",
    "OcrReport",
    "OcrResult",
    "DocumentMeta",
    "add_documents",
    "add_file",
    "add_files",
    "document_text",
    "get_document",
    "missing_text_ids",
    "ocr_documents",
    "ArchiveSearcher",
    "open_searcher",
    "search",
    "stored_path",
]


Progress = Callable[[int], None]  # called with the number of documents just done


@dataclass(frozen=True, slots=True)  # an add of 100,000 files returns as many
class AddResult:
    source_path: Path
    record: DocumentRecord
    duplicate: bool  # the same bytes were already archived under record.id
    has_text: bool = True  # False: no usable text (a scan not OCRed, or OCR found none)
    ocr_problems: tuple[str, ...] = ()  # "page 3: OCR ran past 120 s …", "OCR failed: …"


@dataclass(frozen=True, slots=True)
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


# --------------------------------------------------------------------------- helpers


def _catalog(ws: Workspace, *, write: bool = True) -> Catalog:
    """The workspace catalog; refused when it is missing (never silently made anew)."""
    require(ws.catalog_path, initialised=ws.profile_path is not None, root=ws.root)
    return Catalog.open(ws.catalog_path) if write else Catalog.open_read(ws.catalog_path)


def _store(ws: Workspace) -> FileStore:
    return FileStore(ws.archive)


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


@dataclass(frozen=True)
class _Scan:
    """What OCR made of one file (or why it did not run)."""

    state: str  # store.OCR_STATES
    text: str
    pages: int | None
    pdfa: Path | None = None  # the PDF/A copy, still in tmp/
    problems: tuple[str, ...] = ()


IN_FLIGHT = 64  # scans on the OCR queue at once (OcrSettings.queue): enough to keep many workers busy


@dataclass(frozen=True)
class _Started:
    """A scan handed to the OCR queue: where its PDF/A copy will be, and the task to wait for."""

    output: Path
    pending: Any  # workers.Pending: ready(), result()


class _Ocr:
    """OCR for one ``add``: imported on the first scan; missing tools are noticed once.

    With ``settings.queue`` (a broker URL), scans are OCRed by ``paperwork worker``s:
    ``start`` hands a scan to the queue at once, ``scan`` later waits for its outcome, so
    the caller can keep many scans in flight and still take their results in order.
    """

    def __init__(self, files: FileStore, settings: OcrSettings | None):
        self.files = files
        self.settings = settings
        self.unavailable: str | None = None
        self._remote = None

    def _wanted(self, path: Path, extracted: Extracted) -> bool:
        mode = self.settings.mode if self.settings is not None else "auto"
        if mode == "never" or path.suffix.lower() == ".docx":
            return False
        return mode == "always" or extracted.needs_ocr

    @property
    def queued(self) -> bool:
        return self.settings is not None and self.settings.queue is not None

    @staticmethod
    def state_without_ocr(extracted: Extracted) -> str:
        """The OCR state of a file OCR is not asked to read."""
        return "skipped" if extracted.needs_ocr else "not-needed"

    def start(self, path: Path, extracted: Extracted) -> _Started | None:
        """Hand the scan at ``path`` to the queue now; None when it is not OCRed on the queue."""
        if not self.queued or not self._wanted(path, extracted) or self.unavailable is not None:
            return None
        assert self.settings is not None and self.settings.queue is not None
        if self._remote is None:
            from .workers import RemoteOcr

            self._remote = RemoteOcr(self.settings.queue)
            self._remote.check()  # an unreachable broker: one OcrError now, not one per scan
        output = self.files.temp_path(".pdfa.part")
        try:
            pending = self._remote.submit(path, output, force=bool(extracted.text.strip()), settings=self.settings)
        except BaseException:
            output.unlink(missing_ok=True)
            raise
        return _Started(output, pending)

    def scan(self, path: Path, extracted: Extracted, started: _Started | None = None) -> _Scan:
        if not self._wanted(path, extracted):
            return _Scan(self.state_without_ocr(extracted), extracted.text, extracted.pages)
        if started is None and self.queued and self.unavailable is None:
            started = self.start(path, extracted)
        if self.unavailable is not None and started is None:
            return _Scan("unavailable", extracted.text, extracted.pages)
        from .ocr import OcrSettings, ocr_file

        output = started.output if started is not None else self.files.temp_path(".pdfa.part")
        try:
            if started is not None:
                outcome = started.pending.result()  # type: ignore[attr-defined]
            else:
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

    def close(self) -> None:
        if self._remote is not None:
            self._remote.close()
            self._remote = None


def _put_archival_copy(files: FileStore, scan: _Scan, original_sha256: str, name: Path) -> StoredFile | None:
    """Store the PDF/A copy OCR left in tmp/ beside its original (``add`` and ``ocr`` alike)."""
    if scan.pdfa is None:
        return None
    try:
        return files.put(scan.pdfa, relative=files.pdfa_relative_path(original_sha256))
    except OSError as e:
        raise ArchiveError(_("{name}: cannot copy into the archive: {error}").format(name=name, error=e)) from e
    finally:
        scan.pdfa.unlink(missing_ok=True)


def _add_scanned(
    catalog: Catalog, files: FileStore, ocr: _Ocr, path: Path, meta: DocumentMeta | None, source: str,
    sha: str | None, extracted: Extracted, started: _Started | None = None,
    signatures: Callable[[Path], str | None] | None = None,
) -> tuple[AddResult, str | None]:
    """Store and catalogue one file read already (``sha``, ``extracted``: ingest.py's reading) that
    OCR is to read (or is reading on the queue: ``started``); the text is returned when the file is
    new. A file that changed since it was read raises ``SourceError``."""
    scan = ocr.scan(path, extracted, started)
    try:
        merged = _merge(meta, scan.text)
        try:
            stored = files.put(path, expected_sha256=sha)
        except OSError as e:
            raise ArchiveError(_("{path}: cannot copy into the archive: {value}").format(
                path=path, value=e.strerror or e
            )) from e
        pdfa = _put_archival_copy(files, scan, stored.sha256, path)
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
            signatures=signatures(files.absolute(stored.stored_path)) if signatures is not None else None,
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
    return add_documents(ws, ((p, meta) for p in paths), source=source, progress=progress, ocr=ocr)


def add_documents(
    ws: Workspace,
    items: Iterable[tuple[Path, DocumentMeta | None]],
    *,
    source: str = "generated",
    progress: Progress | None = None,
    ocr: OcrSettings | None = None,
) -> AddReport:
    """``add_files`` with metadata per file: one catalog and index session (ingest.py).

    With many files the texts are extracted on worker processes and the files stored,
    catalogued and indexed a group at a time; the report keeps the files' order.
    """
    from .ingest import incoming, ingest

    return ingest(ws, incoming(items), source=source, progress=progress, ocr=ocr)


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
        raise ArchiveError(_("{name} archived as id {id}, but {index_error}").format(
            name=path.name, id=result.record.id, index_error=report.index_error
        ))
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


def _read_stored(files: FileStore, scanner: _Ocr, record: DocumentRecord) -> Extracted | OcrResult:
    """A stored original's text layer, or the result that says why it cannot be read."""
    try:
        return extract(files.absolute(record.stored_path))
    except UnreadableDocumentError as e:
        return OcrResult(record, has_text=False, ocr_problems=(_("cannot read the stored file: {reason}").format(reason=e.reason),))


def _ocr_stored(
    catalog: Catalog, files: FileStore, scanner: _Ocr, record: DocumentRecord, extracted: Extracted,
    started: _Started | None,
) -> tuple[OcrResult, str | None]:
    """OCR one stored original into a new PDF/A copy; the text is returned when the row changed."""
    scan = scanner.scan(files.absolute(record.stored_path), extracted, started)
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
                raise InputError(_("no document with id {doc_id} in the archive").format(doc_id=doc_id))
            records.append(record)
        feed = IndexFeed(ws)
        # With an OCR queue, up to IN_FLIGHT scans are on the workers at once; results in the ids' order.
        waiting: deque[tuple[DocumentRecord, Extracted | OcrResult, _Started | None]] = deque()

        def finish(record: DocumentRecord, read: Extracted | OcrResult, started: _Started | None) -> None:
            if isinstance(read, OcrResult):
                result, text = read, None
            else:
                try:
                    result, text = _ocr_stored(catalog, files, scanner, record, read, started)
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

        try:
            for record in records:
                read = _read_stored(files, scanner, record)
                started = None if isinstance(read, OcrResult) else scanner.start(
                    files.absolute(record.stored_path), read)
                waiting.append((record, read, started))
                while waiting and (len(waiting) > IN_FLIGHT or waiting[0][2] is None
                                   or waiting[0][2].pending.ready()):
                    finish(*waiting.popleft())
            while waiting:
                finish(*waiting.popleft())
        finally:
            for _job, _copy, started in waiting:  # stopped: copies the workers make now are not wanted
                if started is not None:
                    started.output.unlink(missing_ok=True)
            scanner.close()
            index_error = feed.close()
    return OcrReport(tuple(results), index_error)


# --------------------------------------------------------------------------- read


def get_document(ws: Workspace, doc_id: int) -> DocumentRecord:
    with _catalog(ws, write=False) as catalog:
        record = catalog.get(doc_id)
    if record is None:
        raise InputError(_("no document with id {doc_id} in the archive").format(doc_id=doc_id))
    return record


def signature_verdicts(ws: Workspace, ids: Iterable[int]) -> dict[int, str]:
    """The verdict of the signatures of those of ``ids`` that are signed PDFs ("valid", "untrusted" …)."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    with _catalog(ws, write=False) as catalog:
        return catalog.signature_verdicts(wanted)


def stored_path(ws: Workspace, record: DocumentRecord) -> Path:
    """The absolute path of a document's stored copy."""
    return _store(ws).absolute(record.stored_path)


def document_text(ws: Workspace, doc_id: int) -> str:
    with _catalog(ws, write=False) as catalog:
        text = catalog.text(doc_id)
    if text is None:
        raise InputError(_("no document with id {doc_id} in the archive").format(doc_id=doc_id))
    return text


# ArchiveSearcher, open_searcher and search live in searching.py (a light module: the
# `paperwork search` command imports neither the store nor the extractors).
from .searching import ArchiveSearcher, open_searcher, search  # noqa: E402
