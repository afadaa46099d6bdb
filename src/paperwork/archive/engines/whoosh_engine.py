"""The Whoosh engine of the search index: the only module that imports Whoosh.

Pure Python, the default engine: right for an archive of a few thousand documents, slow
past that (see README, "Choosing an engine"). The seam (index.py) opens, builds and
swaps it and compiles each query into a plan (plan.py) that :func:`translate` turns into
Whoosh's; this module only knows Whoosh.

Fields (one Whoosh document per archived document)::

    id        ID, unique, sortable     catalog id; update_document() replaces by it
    content   TEXT, positions          title, number, agency, text; folded (no diacritics,
                                       đ/Đ/Ð -> d), for words, phrases and ~
    exact     TEXT, frequencies        the words that carry diacritics, kept as written
                                       (lower-cased): a query typed with diacritics ranks
                                       exact matches first (boost). Words without any
                                       diacritic ("thi", "2023") are left out: they would
                                       never be boosted, and each posting costs indexing time
    number    ID                       the whole số ký hiệu, folded, upper-cased: "28/HD-TDKT"
    type      ID                       tên loại, folded whole value: "quyet dinh"
    year      ID                       "2023" (a term: cheaper than a numeric range)
    date      NUMERIC, sortable        YYYYMMDD (0 when unknown): date ranges, newest first
    agency    TEXT, frequencies        issuing agency, folded words
    meta      STORED                   what a hit shows: filename, title, type, number…
    body      STORED                   title, number, agency and text, zlib-compressed: for
                                       snippets, and to check phrases on the candidates

No field of adjacent-word pairs: it doubled the postings (and halved indexing speed)
for a gain only on rare phrases; see benchmarks/README.md.

Phrases are searched as their words (ANDed, ranked by BM25) and each candidate is then
checked, in rank order until ``limit`` are found, against a diacritics-insensitive regex
on the stored text: Whoosh's positional phrase matcher costs ~0.15 ms per candidate in
pure Python, the regex a few microseconds.

Writing (tuned: benchmarks/results-ingest.md): the text fields' formats take our tokenizer's
words directly instead of a Token object per word, and a flushing writer reads each field's
lengths once instead of once per posting (Whoosh indexes ~60 % faster, same postings). Adds
write their segment outside the write lock and commit it under the lock in milliseconds,
with merges of small segments made the same way (whoosh_writing.py); rebuilds write a
segment of ``REBUILD_TEXT`` characters of text at a time, in memory.

Segments are written with ``compound=False``: Whoosh copies a compound segment's postings
into memory every time a searcher opens it (see the baseline figures).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, NUMERIC, STORED, Schema
from whoosh.scoring import BM25F

from paperwork.archive.engines import whoosh_writing as writing
from paperwork.archive.folding import exact_words, fold_words, normalise_number, type_key, unique
from paperwork.archive.index import (
    LOCK_RETRY_DELAY,
    LOCK_TIMEOUT,
    REINDEX,
    BaseIndex,
    IndexDocument,
    SearchHit,
    body_of,
    date_key,
    make_snippet,
)
from paperwork.archive.plan import Filters, SearchPlan, Term
from paperwork.errors import ArchiveError, ArchiveLockedError
from ...i18n import _

__all__ = ["WhooshIndex"]

LIMIT_MB = 128  # posting pool per writer process (rebuilds; adds: whoosh_writing.LIMIT_MB)
EXACT_BOOST = 3.0  # an exact-diacritic match outweighs tf differences of the folded word
NUMBER_BOOST = 5.0  # a word that is a document number: the document itself first
FILTER_BOOST = 0.001  # filters barely score (0 would make Whoosh drop the matches)
# Rebuilds: a segment at a time, by one writer whose posting pool holds it all (spilling to disk
# halved the speed), cut at this much text (~3,000 one-page decisions, ~2,400 documents of the
# search benchmark's corpus): memory stays under ~400 MB whatever the count (whole 4,096-document
# segments peaked at 635 MB on 5 KB documents).
REBUILD_TEXT = 12_000_000
REBUILD_LIMIT_MB = 512


class VietnameseTokenizer(Tokenizer):
    """Words (``\\w+``) of NFC, lower-cased text: ``folded``, or ``exact`` (only the words
    that carry diacritics, kept as written).

    One stage instead of tokenizer + lowercase + charset filters: Whoosh spends its time
    in per-token Python calls. No stop words, no stemming, no minimum length. Character
    offsets are not kept (snippets are built by :func:`make_snippet`).
    """

    def __init__(self, form: str = "folded"):
        if form not in ("folded", "exact"):
            raise ValueError(form)
        self.form = form

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.form == other.form  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self.form))

    def words(self, value: str) -> list[str]:
        if self.form == "exact":
            return [w for w in exact_words(value) if not w.isascii()]
        return fold_words(value)

    def __call__(  # the signature Whoosh calls analyzers with
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, word in enumerate(self.words(value) if tokenize else [value], start_pos):
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = pos
            if chars:
                t.startchar = t.endchar = start_char
            yield t


def _schema() -> Schema:
    return Schema(
        id=ID(unique=True, sortable=True),
        content=writing.text_field(VietnameseTokenizer("folded"), phrase=True),
        exact=writing.text_field(VietnameseTokenizer("exact"), phrase=False),
        agency=writing.text_field(VietnameseTokenizer("folded"), phrase=False),
        number=ID(),
        type=ID(),
        year=ID(),
        date=NUMERIC(int, bits=32, signed=False, sortable=True, default=0),
        meta=STORED(),
        body=STORED(),
    )


# ----------------------------------------------------------------- documents -> fields


def _fields(doc: IndexDocument) -> dict[str, Any]:
    body = body_of(doc)
    day = date_key(doc.id, doc.date)
    fields: dict[str, Any] = {
        "id": str(doc.id),
        "content": body,
        "exact": body,
        "agency": doc.agency,
        "date": day,
        "meta": (doc.id, doc.filename, doc.title, doc.type, doc.number, doc.date, doc.agency),
        "body": zlib.compress(body.encode("utf-8"), 6),
    }
    if doc.number.strip():
        fields["number"] = normalise_number(doc.number)
    if doc.type.strip():
        fields["type"] = type_key(doc.type)
    if day:
        fields["year"] = str(day // 10000)
    return fields


# ----------------------------------------------------------------------- queries


def _phrase(words: Sequence[str]) -> wq.Query:
    """Words next to each other, in this order."""
    if len(words) == 1:
        return wq.Term("content", words[0])
    return wq.Phrase("content", list(words))


def _words(words: Sequence[str]) -> wq.Query:
    terms = [wq.Term("content", w) for w in unique(words)]
    return terms[0] if len(terms) == 1 else wq.And(terms)


def _term(term: Term) -> wq.Query:
    if term.number is not None:  # the number itself, or its parts adjacent in a text
        by_number = wq.Term("number", term.number, boost=NUMBER_BOOST)
        return wq.Or([by_number, _phrase(term.folded)])
    return _words(term.folded)  # several words: adjacency checked by the plan's pattern


def _filters(filters: Filters) -> list[wq.Query]:
    """Filters as legs of the main AND, nearly weightless (faster than Whoosh's filter=)."""
    legs: list[wq.Query] = []
    if filters.type:
        legs.append(wq.Term("type", filters.type, boost=FILTER_BOOST))
    if filters.year is not None:
        legs.append(wq.Term("year", filters.year, boost=FILTER_BOOST))
    if filters.dates:
        lo, hi = filters.dates
        legs.append(wq.NumericRange("date", lo, hi, boost=FILTER_BOOST))
    legs.extend(wq.Term("agency", w, boost=FILTER_BOOST) for w in filters.agency)
    return legs


def translate(plan: SearchPlan) -> wq.Query:
    """The Whoosh query of ``plan`` (phrases are then checked with ``plan.patterns``)."""
    legs: list[wq.Query] = [_term(t) for t in plan.terms]
    legs += [wq.FuzzyTerm("content", w, maxdist=1, prefixlength=0) for f in plan.fuzzy for w in f.folded]
    if plan.number:
        legs.append(wq.Term("number", plan.number, boost=NUMBER_BOOST))
    legs.extend(_filters(plan.filters))
    q: wq.Query = wq.And(legs) if len(legs) > 1 else legs[0] if legs else wq.Every()
    if plan.exact:
        boost = [wq.Term("exact", w, boost=EXACT_BOOST) for w in plan.exact]
        q = wq.AndMaybe(q, boost[0] if len(boost) == 1 else wq.Or(boost))
    return q


# -------------------------------------------------------------------- writing


def _cancel(writer: Any) -> None:
    """Cancel a writer, including a multi-process one's workers (Whoosh leaves them waiting)."""
    tasks = getattr(writer, "tasks", ())
    try:
        if not writer.is_closed:
            writer.cancel()
    finally:
        for task in tasks:
            if hasattr(task, "terminate"):
                task.terminate()
                task.join()


def _commit(writer: Any, **kwargs: Any) -> None:
    try:
        writer.commit(**kwargs)
    except OSError as e:
        _cancel(writer)
        raise ArchiveError(_("could not write the search index: {error}").format(error=e)) from e
    except BaseException:
        _cancel(writer)
        raise


def _writer_for(ix: Any, procs: int) -> Any:
    if procs > 1:
        return ix.writer(procs=procs, multisegment=True, limitmb=LIMIT_MB, compound=False)
    return writing.fast_flush(ix.writer(limitmb=REBUILD_LIMIT_MB, compound=False))


def _write_all(
    ix: Any,
    docs: Iterable[IndexDocument],
    progress: Callable[[int], None] | None,
    procs: int | None,
) -> int:
    """Add ``docs`` to the fresh index ``ix``: a segment of ``REBUILD_TEXT`` characters at a time.

    One tuned writer per segment, whose posting pool never spills to disk (spilling halved
    the speed) and whose memory stays flat whatever the count. ``procs`` > 1 uses Whoosh's
    multi-process writer instead (it did not pay on 2 shared cores: benchmarks/results-ingest.md).
    """
    procs = procs or 1
    seen: set[int] = set()
    it = iter(docs)
    pending = next(it, None)
    while pending is not None:
        writer = _writer_for(ix, procs)
        size = 0
        try:
            while pending is not None and (procs > 1 or size < REBUILD_TEXT):
                doc, pending = pending, next(it, None)
                if doc.id in seen:
                    raise ArchiveError(_("document {id} given twice to the index").format(id=doc.id))
                seen.add(doc.id)
                size += len(doc.text)
                writer.add_document(**_fields(doc))
                if progress and len(seen) % 100 == 0:
                    progress(len(seen))
        except BaseException:
            _cancel(writer)
            raise
        _commit(writer, merge=False)
    if progress and len(seen) % 100:
        progress(len(seen))
    return len(seen)


# ------------------------------------------------------------------------ the index


class WhooshIndex(BaseIndex):
    """The Whoosh index of one archive; open with :meth:`open`, build with :meth:`reindex`."""

    ENGINE = "whoosh"

    def __init__(self, path: Path, *, lock_timeout: float = LOCK_TIMEOUT):
        super().__init__(path, lock_timeout=lock_timeout)
        self._ix: Any = None
        self._searcher: Any = None

    def _open_files(self) -> None:
        self._drop_searcher()
        self._ix = whoosh_index.open_dir(str(self.path))

    @classmethod
    def _build(
        cls,
        path: Path,
        docs: Iterable[IndexDocument],
        progress: Callable[[int], None] | None,
        *,
        procs: int | None = None,
    ) -> int:
        ix = whoosh_index.create_in(str(path), _schema())
        count = _write_all(ix, docs, progress, procs)
        if ix.doc_count() != count:  # a worker process died without telling
            held = ix.doc_count()
            raise ArchiveError(_("the new index holds {held} documents, not {count}: {REINDEX}").format(
                held=held, count=count, REINDEX=_(REINDEX)
            ))
        ix.close()
        return count

    # -- writing

    @contextmanager
    def _writer(self, **commit: Any) -> Iterator[Any]:
        """One writer: lock with timeout and retries, commit (with ``commit``) on success, else cancel."""
        with self._locked():
            try:
                writer = self._ix.writer(
                    timeout=self.lock_timeout, delay=LOCK_RETRY_DELAY, limitmb=LIMIT_MB, compound=False
                )
            except whoosh_index.LockError as e:
                raise ArchiveLockedError(
                    _("the search index {path} is being written by another process (waited "
                      "{lock_timeout:g} s): try again later").format(
                        path=self.path, lock_timeout=self.lock_timeout
                    )
                ) from e
            try:
                yield writer
            except BaseException:
                _cancel(writer)
                raise
            else:
                _commit(writer, **commit)
            finally:
                self._drop_searcher()

    def add(self, docs: Iterable[IndexDocument]) -> int:
        """Add or replace (by id) documents in one commit; returns how many.

        The documents are analysed and their segment written before the lock is taken (in a
        scratch folder, with a merge of small segments when one is due: whoosh_writing.py);
        under the lock the ones being replaced are deleted and the segment moved in. An id
        given twice keeps its last version.
        """
        fields = {doc.id: _fields(doc) for doc in docs}
        if not fields:
            return 0
        writing.remove_abandoned(self.path)
        try:
            built = writing.build(self.path, self._ix, list(fields.values()))
        except OSError as e:
            raise ArchiveError(_("the search index {path} cannot be written: {value}").format(
                path=self.path, value=e.strerror or e
            )) from e
        try:
            self._commit_built(built, fields)
        finally:
            built.discard()
        return len(fields)

    def _commit_built(self, built: writing.Built, ids: Iterable[int]) -> None:
        """Under the lock: delete the documents replaced, move the built segments in."""
        with self._writer(mergetype=built.commit_policy(self.path)) as writer:
            searcher = writer.searcher()
            for doc_id in ids:
                writer.delete_by_term("id", str(doc_id), searcher=searcher)

    def bulk(self) -> writing.WhooshBulk:
        """A long add: segments written by a builder process while the adder goes on."""
        writing.remove_abandoned(self.path)
        return writing.WhooshBulk(self)

    def delete(self, ids: Iterable[int]) -> None:
        """Remove documents by catalog id (unknown ids are ignored)."""
        with self._writer() as writer:
            for i in ids:
                writer.delete_by_term("id", str(int(i)))

    # -- reading

    def _reader_searcher(self) -> Any:
        if self._searcher is not None and not self._searcher.up_to_date():
            self._drop_searcher()  # another writer committed (refresh() fails on empty indexes)
        if self._searcher is None:
            self._searcher = self._ix.searcher(weighting=BM25F())
        return self._searcher

    def _drop_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def search_plan(self, plan: SearchPlan) -> list[SearchHit]:
        """The hits of ``plan``: by relevance, or newest first."""
        q = translate(plan)
        patterns = plan.patterns
        searcher = self._reader_searcher()
        # With phrases to check, rank every candidate and check them in order.
        limit = None if patterns else plan.limit
        if plan.by_date:
            results = searcher.search(q, limit=limit, sortedby="date", reverse=True)
        else:
            results = searcher.search(q, limit=limit)
        hits: list[SearchHit] = []
        for hit in results:
            if len(hits) >= plan.limit:
                break
            stored = hit.fields()
            body = zlib.decompress(stored["body"]).decode("utf-8")
            if not all(p.search(body) for p in patterns):
                continue
            doc_id, filename, title, type_, number, day, agency = stored["meta"]
            text = body.split("\n", 3)[-1]
            hits.append(
                SearchHit(
                    id=doc_id,
                    filename=filename,
                    title=title,
                    type=type_,
                    number=number,
                    date=day,
                    agency=agency,
                    score=0.0 if plan.by_date else float(hit.score or 0.0),
                    snippet=make_snippet(text, plan.marks, plan.fuzzy_marks),
                )
            )
        return hits

    def ids(self) -> set[int]:
        """The catalog ids of all indexed documents."""
        reader = self._reader_searcher().reader()
        if reader.doc_count_all() == 0:  # no segment yet: Whoosh has no column to read
            return set()
        column = reader.column_reader("id")
        return {int(column[n]) for n in reader.all_doc_ids()}

    def count(self) -> int:
        return self._reader_searcher().doc_count()

    def _unreferenced(self) -> list[Path]:
        """Segment and TOC files the latest TOC does not name (whoosh.index.clean_files's rule)."""
        storage, name = self._ix.storage, self._ix.indexname
        try:
            generation = self._ix.latest_generation()
            segments = {s.segment_id() for s in whoosh_index.TOC.read(storage, name, generation).segments}
        except Exception as e:  # any failure to read the TOC means a damaged index
            raise ArchiveError(_("cannot read the table of contents of {path} ({error}): {REINDEX}").format(
                path=self.path, error=e, REINDEX=_(REINDEX)
            )) from e
        toc_name = whoosh_index.TOC._pattern(name)
        segment_name = whoosh_index.TOC._segment_pattern(name)
        found = []
        for path in self.path.iterdir():
            toc = toc_name.match(path.name)
            segment = segment_name.match(path.name)
            if toc and int(toc.group(1)) != generation:
                found.append(path)
            elif not toc and segment and segment.group(1) not in segments:
                found.append(path)
        return found

    def close(self) -> None:
        self._drop_searcher()
        if self._ix is not None:
            self._ix.close()
            self._ix = None

