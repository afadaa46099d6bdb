"""Archiving many files at the index engine's speed: read in worker processes, written in groups.

    ingest(ws, items, source=…, progress=None, ocr=None, jobs=None) -> AddReport

What ``add_files`` / ``add_documents`` / ``add_file`` (service.py) and ``paperwork batch``'s
archive stage run. The files are taken in the order given:

1. **read**: hashed, looked up in the catalog (a file archived already is reported, not read
   further), its text extracted (extract.py: a .docx straight from its parts) and its
   metadata detected. With ``POOL_FROM`` files or more this runs on worker processes, a few
   tasks ahead of the writing and no more (memory stays flat whatever the count). A text
   the caller has in hand (``Incoming.text``: the pipeline's render) is not read again.
2. **written in groups** of ``GROUP``: the files copied into the store and made durable
   together (``FileStore.put_group``), their rows inserted in one transaction
   (``Catalog.insert_many``), their index entries added in one commit. A group is
   acknowledged (its results, ``progress``) once its rows are committed.
3. **scans** that OCR is to read go through the one-at-a-time path of service.py (OCR in
   ocr.py, unchanged), after the group before them is written, so that ids keep the
   order of the files. With an OCR queue (``OcrSettings.queue``: ``paperwork worker``s on
   other machines), each scan is handed to the queue as soon as it is read, up to ``IN_FLIGHT``
   at once, and the files behind it wait: results are still taken in the files' order.

A kill at any point loses no acknowledged document. What a killed group leaves (copies in
tmp/, stored files without a row, rows not yet in the index) is what ``archive verify``
reports and ``archive reindex`` repairs. No lock is held while reading or copying: the
catalog's write lock for one group's inserts, the index's for one group's commit.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import secrets
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Workspace, default_jobs
from ..errors import ArchiveError, InputError
from ..files import pid_alive
from ..i18n import _
from .extract import DetectedMeta, Extracted, UnreadableDocumentError, detect_metadata, extract, extract_data
from .indexfeed import IndexFeed
from .signatures import SignatureInspector
from .service import (IN_FLIGHT, AddFailure, AddReport, AddResult, Progress, _add_scanned, _catalog, _Ocr, _Started,
                      _store)
from .store import SOURCES, Catalog, CatalogRow, Copy, DocumentMeta, FileStore, SourceError, StoredFile, open_regular

if TYPE_CHECKING:
    from .ocr import OcrSettings

__all__ = ["GROUP", "Incoming", "POOL_FROM", "ingest"]

GROUP = 256  # files per group: one store sync, one catalog transaction, one index commit
POOL_FROM = 64  # files to read before worker processes pay for their start (~0.3 s)
TASK = 16  # files per worker task
# Tasks in flight per worker: reading (and its copies in tmp/) runs this far ahead, and no more:
# past a group (the workers go on while a group is written), far short of the whole add.
AHEAD = 12
READ_WHOLE = 64 * 1024 * 1024  # a file up to this size is read once (hashed and extracted from memory)


@dataclass(frozen=True)
class Incoming:
    """A file to archive, with what the caller knows of it already."""

    path: Path
    meta: DocumentMeta | None = None
    text: str | None = None  # its text, in hand (a render): not extracted again
    pages: int | None = None
    sha256: str | None = None  # its SHA-256, in hand: the stored copy is checked against it
    source: str | None = None  # where it comes from (store.SOURCES), when not the ingest's own ``source``


@dataclass(frozen=True)
class _Read:
    """What reading one file found; exactly one of ``known``, ``extracted``, ``failure`` is set."""

    sha256: str | None = None
    known: int | None = None  # the id of the same bytes, archived already
    extracted: Extracted | None = None
    detected: DetectedMeta | None = None
    failure: str | None = None  # why the file cannot be added
    copy: Copy | None = None  # the bytes read, written into the store's tmp/ by the reader


# --------------------------------------------------------------------------- reading


def _hash_and_data(path: Path) -> tuple[str, bytes | None]:
    """The SHA-256 of ``path`` and, when small enough, its bytes (read once for both)."""
    with open_regular(path) as f:
        digest = hashlib.sha256()
        chunks: list[bytes] | None = []
        size = 0
        while chunk := f.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
            if chunks is not None:
                chunks.append(chunk)
                if size > READ_WHOLE:
                    chunks = None
    return digest.hexdigest(), (b"".join(chunks) if chunks is not None else None)


def _read(path: Path, catalog: Catalog | None, files: FileStore | None = None, owner: int | None = None,
          tag: str = "") -> _Read:
    """Hash, look up and extract one file; every problem is the file's ``failure``.

    With ``files``, the bytes read are also written into the store's tmp/ (for ``owner``, the
    process that will put them in place), so that what is stored is what was hashed and
    extracted, and the writing process does not read the file again.
    """
    try:
        if path.exists() and not path.is_file():  # symlinks followed; a FIFO would block the open forever
            return _Read(failure="not a regular file (a FIFO, device or folder): not added")
        sha, data = _hash_and_data(path)
    except IsADirectoryError:
        return _Read(failure="is a directory")
    except FileNotFoundError:
        return _Read(failure="no such file")
    except ArchiveError:  # open_regular: swapped for a FIFO since the check
        return _Read(failure="not a regular file (a FIFO, device or folder): not added")
    except OSError as e:
        return _Read(failure=f"cannot read: {e.strerror or e}")
    known = catalog.id_for_sha(sha) if catalog is not None else None
    if known is not None:
        return _Read(sha, known=known)
    try:
        extracted = extract_data(path, data) if data is not None else extract(path)
    except UnreadableDocumentError as e:
        return _Read(sha, failure=e.reason)
    detected = detect_metadata(extracted.text) if extracted.text and not extracted.needs_ocr else None
    copy = None
    if files is not None and data is not None and not extracted.needs_ocr:
        try:
            copy = files.write_copy(data, owner=owner or os.getpid(), tag=tag)
        except OSError:
            copy = None  # the writing process copies it itself, and reports the disk's error
    return _Read(sha, extracted=extracted, detected=detected, copy=copy)


def _libc_trim() -> Any:
    """glibc's ``malloc_trim``, if this is glibc: memory freed by a group goes back to the system."""
    try:
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("c")
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


# A long add allocates and frees every file's text and copy, and Tantivy its merges: without
# handing the free pages back, the process kept ~80 MB more at 50,000 files (and growing).
_TRIM = _libc_trim()


# Per worker process: the catalog, read-only, to skip reading files archived already; the store,
# to write the copies of what it read; the process that will put them in place.
_WORKER: dict[str, Any] = {}


def _init_worker(catalog_path: str, archive: str, owner: int, tag: str) -> None:
    try:
        _WORKER["catalog"] = Catalog.open_read(Path(catalog_path))
    except ArchiveError:
        _WORKER["catalog"] = None  # the main process looks them up instead
    _WORKER["files"] = FileStore(Path(archive))
    _WORKER["owner"] = owner
    _WORKER["tag"] = tag


def _read_many(paths: list[str]) -> list[_Read]:
    """One task's files; stops at once when the adding process is gone (killed): its copies would
    only be leftovers for reindex to remove."""
    w = _WORKER
    reads = []
    for p in paths:
        if not pid_alive(w["owner"]):
            break
        reads.append(_read(Path(p), w["catalog"], w["files"], w["owner"], w["tag"]))
    return reads


class _Reader:
    """Reads the items in order: here, or on worker processes a few tasks ahead."""

    def __init__(self, ws: Workspace, catalog: Catalog, files: FileStore, jobs: int | None):
        self.ws = ws
        self.catalog = catalog
        self.files = files
        self.jobs = default_jobs() if jobs is None else jobs
        self.tag = secrets.token_hex(3)  # names this run's copies in tmp/
        self._pool: Any = None

    @property
    def pooled(self) -> bool:
        """Reading on worker processes (a long add)."""
        return self._pool is not None

    def close(self, *, abort: bool = False) -> None:
        """Stop the workers; the copies they wrote that were not put in place are removed."""
        if self._pool is not None:
            self._pool.terminate() if abort else self._pool.close()
            self._pool.join()
            self._pool = None
        self.files.discard_temps(self.tag)

    def _given(self, item: Incoming) -> _Read | None:
        """An item whose text is in hand needs no reading (its hash is checked when it is copied)."""
        if item.text is None:
            return None
        sha = item.sha256
        known = self.catalog.id_for_sha(sha) if sha is not None else None
        if known is not None:
            return _Read(sha, known=known)
        return _Read(sha, extracted=Extracted(text=item.text, pages=item.pages))

    def read(self, items: Iterable[Incoming]) -> Iterator[tuple[Incoming, _Read]]:
        it = iter(items)
        head = list(itertools.islice(it, POOL_FROM))
        to_read = sum(1 for item in head if item.text is None)
        if self.jobs <= 1 or to_read < POOL_FROM:
            for item in itertools.chain(head, it):
                yield item, self._given(item) or _read(item.path, self.catalog, self.files, os.getpid(), self.tag)
            return
        yield from self._read_on_workers(itertools.chain(head, it))

    def _start_pool(self) -> None:
        import multiprocessing

        # forkserver: workers start clean (as the render pool's), not with a copy of this process.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else None)
        self._pool = context.Pool(self.jobs, _init_worker,
                                  (str(self.ws.catalog_path), str(self.ws.archive), os.getpid(), self.tag))

    def _read_on_workers(self, items: Iterator[Incoming]) -> Iterator[tuple[Incoming, _Read]]:
        self._start_pool()
        pending: deque[tuple[list[Incoming], Any]] = deque()
        for task in iter(lambda: list(itertools.islice(items, TASK)), []):
            paths = [str(item.path) for item in task if item.text is None]
            pending.append((task, self._pool.apply_async(_read_many, (paths,)) if paths else None))
            while len(pending) > AHEAD * self.jobs:
                yield from self._collect(*pending.popleft())
        while pending:
            yield from self._collect(*pending.popleft())

    def _collect(self, task: list[Incoming], result: Any) -> Iterator[tuple[Incoming, _Read]]:
        reads = iter(result.get() if result is not None else ())
        for item in task:
            given = self._given(item)
            yield item, given if given is not None else next(reads)


# --------------------------------------------------------------------------- writing


def _merged(given: DocumentMeta | None, detected: DetectedMeta | None, text: str) -> DocumentMeta:
    """Metadata given by the caller wins; the rest is read off the text (only if something is missing)."""
    given = given or DocumentMeta()
    if all(getattr(given, f) is not None for f in ("type", "number", "date", "agency", "title")):
        return given
    found = detected if detected is not None else detect_metadata(text)
    return DocumentMeta(
        type=given.type or found.type,
        number=given.number or found.number,
        date=given.date or found.date,
        agency=given.agency or found.agency,
        title=given.title or found.title,
        signer=given.signer,
    )


@dataclass(frozen=True)
class _Pending:
    position: int
    item: Incoming
    read: _Read


class _Ingest:
    """One ``ingest`` call: the groups being written, and the results in the files' order."""

    def __init__(self, ws: Workspace, catalog: Catalog, source: str, progress: Progress | None,
                 ocr: OcrSettings | None, on_result: Callable[[int, AddResult | AddFailure], None] | None = None,
                 keep: bool = True):

        self.ws = ws
        self.catalog = catalog
        self.source = source
        self.progress = progress
        self.files: FileStore = _store(ws)
        self.scanner = _Ocr(self.files, ocr)
        self.signatures = SignatureInspector(ws)
        self.feed = IndexFeed(ws)
        self.group: list[_Pending] = []
        self.results: dict[int, AddResult | AddFailure] = {}
        self.on_result = on_result
        self.keep = keep  # False: results only go to on_result (a long import keeps none in memory)
        # With an OCR queue: the files read but not yet taken, behind a scan still on the queue.
        self.waiting: deque[tuple[int, Incoming, _Read, _Started | None]] = deque()
        self.in_flight = 0

    def _done(self, position: int, result: AddResult | AddFailure) -> None:
        self._acknowledge({position: result})
        if self.progress is not None:
            self.progress(1)

    def _acknowledge(self, done: dict[int, AddResult | AddFailure]) -> None:
        """Results whose rows are committed: kept for the report, and told to ``on_result`` in order."""
        if self.keep:
            self.results.update(done)
        if self.on_result is not None:
            for position in sorted(done):
                self.on_result(position, done[position])

    def arrive(self, position: int, item: Incoming, read: _Read) -> None:
        """A file read: taken now, or (with an OCR queue) once the scans before it are back."""
        started = None
        if read.failure is None and read.known is None and read.extracted is not None:
            started = self.scanner.start(item.path, read.extracted)
        if started is None and not self.waiting:
            self.take(position, item, read)
            return
        self.waiting.append((position, item, read, started))
        self.in_flight += started is not None
        self.release(wait=False)

    def release(self, *, wait: bool) -> None:
        """Take the waiting files in order, as far as their scans are done (all of them: ``wait``)."""
        while self.waiting:
            position, item, read, started = self.waiting[0]
            if started is not None and not wait and self.in_flight <= IN_FLIGHT and not started.pending.ready():
                return
            self.waiting.popleft()
            self.in_flight -= started is not None
            self.take(position, item, read, started)

    def abandon(self) -> None:
        """Stopped with scans still on the queue: their PDF/A copies will not be wanted."""
        for _position, _item, read, started in self.waiting:
            if started is not None:
                started.output.unlink(missing_ok=True)
            if read.copy is not None:
                read.copy.tmp.unlink(missing_ok=True)
        self.waiting.clear()

    def take(self, position: int, item: Incoming, read: _Read, started: _Started | None = None) -> None:

        path = item.path
        if read.failure is not None:
            self._done(position, AddFailure(path, read.failure))
        elif read.known is not None:
            record = self.catalog.get(read.known)
            assert record is not None
            self._done(position, AddResult(path, record, duplicate=True))
        elif self.scanner._wanted(path, read.extracted):
            if read.copy is not None:  # OCR stores the file its own way
                read.copy.tmp.unlink(missing_ok=True)
            self.flush()  # ids in the files' order
            self._done(position, self._scan(path, item, read, started))
        else:
            self.group.append(_Pending(position, item, read))
            if len(self.group) >= GROUP:
                self.flush()

    def _scan(self, path: Path, item: Incoming, read: _Read, started: _Started | None) -> AddResult | AddFailure:

        try:
            result, text = _add_scanned(self.catalog, self.files, self.scanner, path, item.meta,
                                        item.source or self.source,
                                        read.sha256, read.extracted, started, self.signatures)
        except SourceError as e:
            return AddFailure(path, e.reason)
        if text is not None:
            self.feed.put(result.record, text)
            self.feed.flush()
        return result

    def flush(self) -> None:
        """Write the group: store (durable), catalog (one transaction), index (one commit).

        Its results are taken (and ``progress`` told) only once its rows are committed.
        """
        group, self.group = self.group, []
        if not group:
            return
        # Read ahead, a file may have been catalogued since (by an earlier group, or another clerk):
        # reported as archived, as before the group; no id is spent on it.
        known = self.catalog.ids_for_shas([p.read.sha256 for p in group if p.read.sha256 is not None])
        first: dict[str, _Pending] = {}  # the same bytes twice in one group: stored once
        for p in group:
            if p.read.sha256 is not None:
                first.setdefault(p.read.sha256, p)
        unique = [p for p in group
                  if p.read.sha256 is None or (first[p.read.sha256] is p and p.read.sha256 not in known)]
        kept = {id(p) for p in unique}
        for p in group:
            if p.read.copy is not None and id(p) not in kept:
                p.read.copy.tmp.unlink(missing_ok=True)
        try:
            stored = self.files.put_group([(p.item.path, p.read.copy or p.read.sha256) for p in unique])
        except OSError as e:
            raise ArchiveError(_("{path}: cannot copy into the archive: {value}").format(
                path=unique[0].item.path, value=e.strerror or e
            )) from e
        done: dict[int, AddResult | AddFailure] = {}
        rows: list[tuple[_Pending, CatalogRow]] = []
        for p, copy in zip(unique, stored):
            if isinstance(copy, SourceError):
                done[p.position] = AddFailure(p.item.path, copy.reason)
            else:
                rows.append((p, self._row(p, copy)))
        inserted = self.catalog.insert_many([row for _, row in rows]) if rows else []
        new: list[tuple[Any, str]] = []
        for (p, row), (record, is_new) in zip(rows, inserted):
            has_text = bool(row.text.strip()) and row.ocr != "skipped"
            done[p.position] = AddResult(p.item.path, record, duplicate=not is_new, has_text=has_text)
            if is_new:
                new.append((record, row.text))
        for p in group:
            if p.position not in done and p.read.sha256 in known:
                record = self.catalog.get(known[p.read.sha256])
                assert record is not None
                done[p.position] = AddResult(p.item.path, record, duplicate=True)
        for p in group:  # the second of the same bytes: as the first went
            if p.position not in done:
                twin = done[first[p.read.sha256].position]  # type: ignore[index]
                done[p.position] = replace(twin, path=p.item.path) if isinstance(twin, AddFailure) else \
                    AddResult(p.item.path, twin.record, duplicate=True)
        self.feed.put_group(new)
        self._acknowledge(done)  # after the index has them: a caller stopping here leaves it in step
        if _TRIM is not None:
            _TRIM(0)
        if self.progress is not None:
            self.progress(len(done))

    def _row(self, p: _Pending, copy: StoredFile) -> CatalogRow:
        extracted = p.read.extracted
        assert extracted is not None
        text = extracted.text
        return CatalogRow(
            sha256=copy.sha256,
            filename=p.item.path.name,
            stored_path=copy.stored_path,
            size=copy.size,
            meta=_merged(p.item.meta, p.read.detected, text),
            pages=extracted.pages,
            source=p.item.source or self.source,
            text=text,
            ocr=self.scanner.state_without_ocr(extracted),
            signatures=self.signatures(self.files.absolute(copy.stored_path)),  # the stored bytes themselves
        )

    def report(self, index_error: str | None) -> AddReport:

        ordered = [self.results[k] for k in sorted(self.results)]
        added = tuple(r for r in ordered if not isinstance(r, AddFailure))
        failed = tuple(r for r in ordered if isinstance(r, AddFailure))
        return AddReport(added, failed, index_error, self.scanner.unavailable)


def ingest(
    ws: Workspace,
    items: Iterable[Incoming],
    *,
    source: str = "generated",
    progress: Progress | None = None,
    ocr: OcrSettings | None = None,
    jobs: int | None = None,
    on_result: Callable[[int, AddResult | AddFailure], None] | None = None,
    keep_results: bool = True,
) -> AddReport:
    """Archive ``items`` in their order: read (on ``jobs`` worker processes for many), then
    stored, catalogued and indexed a group at a time. A file that cannot be read is in the
    report's ``failed``; the others are still added. Raises ``ArchiveError`` (one line) when
    the archive itself cannot be written (a full disk): the groups before are kept.

    ``on_result(position, result)`` is told each file's result, in the files' order, as soon as it
    is committed (``archive import`` journals them); with ``keep_results=False`` the report then
    holds none of them (only the index error and OCR's absence).
    """

    if source not in SOURCES:
        raise InputError(_("must be one of {SOURCES}").format(SOURCES=', '.join(SOURCES)), field="source")
    with _catalog(ws) as catalog:
        run = _Ingest(ws, catalog, source, progress, ocr, on_result, keep_results)
        reader = _Reader(ws, catalog, run.files, jobs)
        ok = False
        try:
            for position, (item, read) in enumerate(reader.read(items)):
                if position == 0:
                    run.feed.bulk = reader.pooled  # a long add: the index writes on a process of their own
                run.arrive(position, item, read)
            run.release(wait=True)
            run.flush()
            ok = True
        finally:
            if not ok:
                run.abandon()
            run.scanner.close()
            reader.close(abort=not ok)
            index_error = run.feed.close()
    return run.report(index_error)


def as_path(path: Path | str) -> Path:
    """``path`` as a Path, the caller's own object when it is one (a result per file keeps it)."""
    return path if isinstance(path, Path) else Path(path)


def incoming(items: Iterable[tuple[Path, DocumentMeta | None]]) -> Iterator[Incoming]:
    """``add_documents``'s (path, meta) pairs as ``Incoming`` items."""
    for path, meta in items:
        yield Incoming(as_path(path), meta)
