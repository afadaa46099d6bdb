"""How the Whoosh engine writes: fast formats and flushes, segments written outside the write lock.

Whoosh spends its indexing time in Python calls per token and per posting. The text fields'
formats (``FastPositions``, ``FastFrequency``: the same postings) take the words of our
tokenizer directly instead of a Token object per word, and a flushing writer reads each
field's lengths once (``fast_flush``) instead of once per posting: ~60 % faster together.

A Whoosh writer writes its new segment (analysis, postings, stored fields: ~5 ms a document)
while it holds the write lock; a group of 256 documents held it 1.3 s, and another clerk's
``archive add`` waited or gave up. Here the segment is written first, without any lock, by the
writer of a scratch index with the same schema in a folder beside the index
(``.index.add-<pid>-…``). Under the lock the real writer only deletes the documents being
replaced, moves the finished segment's files in and writes the new table of contents.

A long add (``archive add`` of many files) hands its documents to a **builder process**
(``Builder``), which writes the segments while the adder goes on reading, storing and
cataloguing the next files; the adder commits each finished segment under the lock. Whoosh's
own multi-process writer, tried instead, was slower than one tuned writer on 2 cores.

Merges are made the same way. Each commit adds a segment, and every search pays for every
segment (16 segments made searches 2.5× slower than one); merging costs about half of indexing.
When a size tier (up to ``TIER_BASE`` documents, then ``MERGE_FACTOR`` times more each tier)
holds ``MERGE_FACTOR`` segments, they are merged into one in the scratch folder, outside the
lock, and swapped in under it if no other writer changed them meanwhile; otherwise the merge is
dropped (it was a copy: nothing is lost). Each document is so merged about once per tier. A
short add, whose command waits for it, merges at most ``INLINE_MERGE`` documents (the tiny
segments of single renders); the builder of a long add, which runs beside it, merges any.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import TEXT
from whoosh.formats import Frequency, Positions
from whoosh.reading import SegmentReader
from whoosh.system import pack_uint

from paperwork.errors import ArchiveError
from paperwork.files import pid_alive
from ...i18n import _

__all__ = [
    "INLINE_MERGE", "LIMIT_MB", "MERGE_FACTOR", "TIER_BASE", "Builder", "Built", "FastFrequency", "FastPositions",
    "WhooshBulk", "build", "fast_flush", "remove_abandoned", "text_field",
]

LIMIT_MB = 256  # the scratch writer's posting pool: a group of documents never spills to disk
TIER_BASE = 256  # tier 0: segments of up to this many documents
MERGE_FACTOR = 8  # segments of one tier merged together; each tier this many times the last
# A merge made by a short add (``render``, a batch's group) while its command waits: small
# segments only (a merge costs about half of indexing). Long adds (the builder process) and
# ``reindex`` make the others.
INLINE_MERGE = 512
_SCRATCH = ".{name}.add-{pid}-"


class FastPositions(Positions):
    """Whoosh's Positions, fed the words of our tokenizer (``analyzer.words``) directly, no Token objects.

    The same postings, byte for byte (test_ingest compares them); indexing is ~25 % faster:
    Whoosh spends its time per token in Python calls.
    """

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        if not hasattr(analyzer, "words") or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        poses: dict[str, list[int]] = {}
        for pos, word in enumerate(analyzer.words(value)):
            found = poses.get(word)
            if found is None:
                poses[word] = [pos]
            else:
                found.append(pos)
        boost, encode = self.field_boost, self.encode
        for word, positions in poses.items():
            yield word, len(positions), len(positions) * 1.0 * boost, encode(positions)


class FastFrequency(Frequency):
    """Whoosh's Frequency, fed the words of our tokenizer directly (same postings)."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        if not hasattr(analyzer, "words") or not isinstance(value, str):
            return super().word_values(value, analyzer, **kwargs)
        boost = self.field_boost
        return ((w, n, n * 1.0 * boost, pack_uint(n)) for w, n in Counter(analyzer.words(value)).items())


def text_field(analyzer: Any, *, phrase: bool) -> TEXT:
    field = TEXT(analyzer=analyzer, phrase=phrase)
    fast = FastPositions if phrase else FastFrequency
    field.format = fast(field_boost=field.format.field_boost)
    return field


def _tier(documents: int) -> int:
    tier, size = 0, TIER_BASE
    while documents > size:
        tier, size = tier + 1, size * MERGE_FACTOR
    return tier


def to_merge(segments: Sequence[Any], limit: int | None = None) -> list[Any]:
    """The ``MERGE_FACTOR`` smallest segments of the lowest tier holding that many, or none.

    With ``limit`` (documents), only a merge of at most that many (the small ones of the tier).
    """
    tiers: dict[int, list[Any]] = defaultdict(list)
    for segment in segments:
        tiers[_tier(segment.doc_count())].append(segment)
    for tier in sorted(tiers):
        smallest = sorted(tiers[tier], key=lambda s: s.doc_count())[:MERGE_FACTOR]
        if limit is not None:
            while smallest and sum(s.doc_count() for s in smallest) > limit:
                smallest.pop()
        if len(smallest) >= MERGE_FACTOR:
            return smallest
    return []


def remove_abandoned(index: Path) -> None:
    """Scratch folders of adds whose process is gone (killed while writing a segment)."""
    pattern = re.compile(re.escape(f".{index.name}.add-") + r"(\d+)-")
    for folder in index.parent.glob(f".{index.name}.add-*"):
        found = pattern.match(folder.name)
        if found and not pid_alive(int(found.group(1))):
            shutil.rmtree(folder, ignore_errors=True)


class _Lengths:
    """A segment's field lengths read once per field, for the writer's flush.

    Whoosh's flush asks the per-document reader for the length of the document's field once
    per posting (~400 postings a document), each a column read in Python: ~15 % of indexing.
    """

    def __init__(self, reader: Any):
        self._reader = reader
        self._tables: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        table = self._tables.get(fieldname)
        if table is None:
            read = self._reader.doc_field_length
            table = [read(n, fieldname, default) for n in range(self._reader.doc_count_all())]
            self._tables[fieldname] = table
        return table[docnum]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)


def fast_flush(writer: Any) -> Any:
    """``writer`` (a one-process SegmentWriter) reading field lengths once per field when it flushes."""
    per_document_reader = writer.per_document_reader
    writer.per_document_reader = lambda: _Lengths(per_document_reader())
    return writer


def _write(scratch: Any, *, docs: Sequence[dict[str, Any]] = (), readers: Sequence[Any] = ()) -> Any:
    """One finished segment in the scratch index (its files written, no TOC), or None if empty."""
    writer = fast_flush(scratch.writer(limitmb=LIMIT_MB, compound=False))
    try:
        for reader in readers:
            writer.add_reader(reader)
        for fields in docs:
            writer.add_document(**fields)
        if not writer._added:
            writer.cancel()
            return None
        segment = writer._finalize_segment()
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    writer._finish()
    return segment


@dataclass
class Built:
    """Segments written in a scratch folder, to be committed into the index under its lock."""

    folder: Path
    indexname: str
    segment: Any = None  # the new documents
    merged: Any = None  # the merge of ``sources``
    sources: dict[str, int] = field(default_factory=dict)  # merged segment id -> deleted count as read
    dropped_merge: bool = False

    def _move_in(self, segment: Any, index: Path) -> None:
        prefix = f"{self.indexname}_{segment.segid}."
        for path in self.folder.iterdir():
            if path.name.startswith(prefix):
                os.replace(path, index / path.name)

    def commit_policy(self, index: Path):
        """The writer's merge policy that commits these segments (called under the lock)."""

        def policy(writer: Any, segments: list[Any]) -> list[Any]:
            keep = list(segments)
            if self.merged is not None:
                current = {s.segid: s.deleted_count() for s in segments}
                if all(current.get(segid) == deleted for segid, deleted in self.sources.items()):
                    keep = [s for s in segments if s.segid not in self.sources]
                    self._move_in(self.merged, index)
                    keep.append(self.merged)
                else:  # another writer merged them, or deleted from them, meanwhile
                    self.dropped_merge = True
            if self.segment is not None:
                self._move_in(self.segment, index)
                keep.append(self.segment)
            return keep

        return policy

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def build(
    index: Path, ix: Any, docs: Sequence[dict[str, Any]], *, merge_limit: int | None = INLINE_MERGE
) -> Built:
    """Write ``docs`` (Whoosh fields) as one segment, and the merge the index needs, beside ``index``.

    Takes no lock: reads the latest table of contents as a searcher does. Merging segments that
    another writer removes meanwhile fails quietly (the merge is skipped). ``merge_limit``: the
    most documents merged here (None: any merge due).
    """
    folder = Path(tempfile.mkdtemp(prefix=_SCRATCH.format(name=index.name, pid=os.getpid()), dir=index.parent))
    built = Built(folder, ix.indexname)
    try:
        scratch = whoosh_index.create_in(str(folder), ix.schema, indexname=ix.indexname)
        _merge_into(built, scratch, ix, merge_limit)
        built.segment = _write(scratch, docs=docs)
        scratch.close()
    except BaseException:
        built.discard()
        raise
    return built


def _merge_into(built: Built, scratch: Any, ix: Any, limit: int | None) -> None:
    sources = to_merge(ix._read_toc().segments, limit)
    if not sources:
        return
    readers = []
    try:
        readers = [SegmentReader(ix.storage, ix.schema, segment) for segment in sources]
        built.merged = _write(scratch, readers=readers)
    except Exception:  # noqa: BLE001 - their files went (another writer merged them first): no merge
        built.merged = None
        return
    finally:
        for reader in readers:
            reader.close()
    built.sources = {segment.segid: segment.deleted_count() for segment in sources}


# --------------------------------------------------------------------------- the builder process


def _builder_main(conn: Any, index: str, merge: bool) -> None:
    """The builder: a segment of the documents it is sent, in a scratch folder, at each "cut".

    Messages: ("add", [IndexDocument]), ("cut",) -> ("built", Built | None) or ("error", text),
    ("stop",). Ends when the adder goes (end of the pipe).
    """
    from paperwork.archive.engines.whoosh_engine import _fields

    ix = whoosh_index.open_dir(index)
    built: Built | None = None
    writer: Any = None
    try:
        while True:
            try:
                message = conn.recv()
            except EOFError:
                return
            try:
                if message[0] == "add":
                    if writer is None:
                        folder = Path(tempfile.mkdtemp(prefix=_SCRATCH.format(name=Path(index).name,
                                                                              pid=os.getpid()), dir=Path(index).parent))
                        built = Built(folder, ix.indexname)
                        scratch = whoosh_index.create_in(str(folder), ix.schema, indexname=ix.indexname)
                        writer = fast_flush(scratch.writer(limitmb=LIMIT_MB, compound=False))
                    for doc in message[1]:
                        writer.add_document(**_fields(doc))
                elif message[0] == "cut":
                    if writer is None:
                        conn.send(("built", None))
                        continue
                    assert built is not None
                    built.segment = writer._finalize_segment()
                    writer._finish()
                    writer = None
                    if merge:
                        _merge_into(built, whoosh_index.open_dir(str(built.folder), indexname=ix.indexname), ix, None)
                    conn.send(("built", built))
                    built = None
                else:
                    return
            except Exception as e:  # noqa: BLE001 - reported to the adder as one line
                if writer is not None and not writer.is_closed:
                    writer.cancel()
                writer = None
                if built is not None:
                    built.discard()
                    built = None
                conn.send(("error", f"{type(e).__name__}: {e}" if not isinstance(e, OSError) else e.strerror or str(e)))
    finally:
        if writer is not None and not writer.is_closed:
            writer.cancel()
        if built is not None:
            built.discard()


class Builder:
    """The adder's side of a builder process: ``add`` documents, ``cut`` a segment, ``collect`` the
    finished ones (``commit(built, ids)`` is called for each, in order), ``close``."""

    def __init__(self, index: Path, commit: Any):
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else None)
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_builder_main, args=(child, str(index), True), daemon=True)
        self._process.start()
        child.close()
        self._commit = commit
        self._ids: list[int] = []  # of the segment being written
        self._waiting: list[list[int]] = []  # ids of the segments cut, not yet committed

    @property
    def pending(self) -> int:
        return len(self._ids)

    def add(self, docs: Sequence[Any]) -> None:
        self._ids.extend(doc.id for doc in docs)
        self._conn.send(("add", list(docs)))

    def cut(self) -> None:
        if self._ids:
            self._conn.send(("cut",))
            self._waiting.append(self._ids)
            self._ids = []

    def collect(self, *, wait: bool = False) -> None:
        """Commit the segments the builder has finished (all of them, with ``wait``)."""
        while self._waiting and (wait or self._conn.poll()):
            try:
                kind, value = self._conn.recv()
            except EOFError as e:
                raise OSError("the Whoosh builder process ended unexpectedly") from e
            ids = self._waiting.pop(0)
            if kind == "error":
                raise OSError(value)
            if value is not None:
                try:
                    self._commit(value, ids)
                finally:
                    value.discard()

    def close(self) -> None:
        """Cut and commit what is left, then let the process go."""
        try:
            self.cut()
            self.collect(wait=True)
        finally:
            self.stop()

    def stop(self) -> None:
        try:
            self._conn.send(("stop",))
        except OSError:
            pass
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        self._conn.close()


class WhooshBulk:
    """Documents of a long add, written by a builder process (``Builder``) a segment of
    ``SEGMENT`` at a time, each committed under the lock as soon as it is finished."""

    SEGMENT = 2048

    def __init__(self, index: Any):
        self.index = index
        self.sent = 0  # documents handed to the builder
        self.committed = 0  # of them, in the index
        self._builder = Builder(index.path, self._commit)

    def _commit(self, built: Built, ids: list[int]) -> None:
        self.index._commit_built(built, ids)
        self.committed += len(ids)

    def _guard(self, step: Callable[[], None]) -> None:
        try:
            step()
        except OSError as e:
            self._builder.stop()
            raise ArchiveError(_("the search index {path} cannot be written: {value}").format(
                path=self.index.path, value=e.strerror or e
            )) from e

    def add(self, docs: Sequence[Any]) -> None:
        def step() -> None:
            self._builder.add(docs)
            self.sent += len(docs)
            if self._builder.pending >= self.SEGMENT:
                self._builder.cut()
            self._builder.collect()

        self._guard(step)

    def close(self) -> None:
        self._guard(self._builder.close)

    def abort(self) -> None:
        self._builder.stop()
