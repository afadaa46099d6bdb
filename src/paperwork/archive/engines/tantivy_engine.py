"""The Tantivy engine of the search index: the only module that imports ``tantivy``.

Tantivy (Rust, PyPI ``tantivy``, extra ``paperwork[tantivy]``) runs in-process: no server,
nothing to start. Same fields and behaviour as the Whoosh engine; the seam (index.py)
opens, builds and swaps it and compiles each query into a plan (plan.py) that
:class:`_Translator` turns into Tantivy's.

Fields::

    id        u64, indexed, fast           catalog id: delete/replace by it, ids()
    content   text, positions  "vi_folded" title, number, agency, text: words, folded
                                           (phrases are real positional phrase queries)
    exact     text, freqs      "vi_exact"  the words lower-cased, diacritics kept: a query
                                           word with diacritics ranks exact matches first
                                           (boost; only such words are looked up here)
    agency    text, freqs      "vi_folded" issuing agency (filter)
    number    text, raw                    the whole số ký hiệu, normalise_number()
    type      text, raw                    tên loại, folded whole value: "quyet dinh"
    year      text, raw                    "2023"
    date      u64, indexed, fast           YYYYMMDD (0 unknown): date ranges
    recent    u64, fast                    YYYYMMDD * 10^10 + id: newest first, then the
                                           last catalogued (Whoosh's order for equal dates)
    meta      bytes, stored                JSON: filename, title, type, number, date, agency
    body      bytes, stored                title, number, agency, text (for snippets;
                                           Tantivy's doc store compresses it)

Folding: Python normalises to NFC (cheap); the analyzers, registered on every open, cut
words at every character that is not a letter or digit (Tantivy's simple tokenizer) and
fold with ASCII folding + lower case. That gives exactly ``folding.fold_words`` for every
Vietnamese letter (đ/Đ/Ð included) and ``\\w+`` words, with two harmless differences: "_"
separates words here, and æ, ø, ł… fold too (folding.py keeps them). The plan's folded
query words go through the same analyzer, so index and queries always agree; snippets are marked by
folding.py exactly as in Whoosh. (A regex tokenizer reproducing ``\\w+`` exactly, and one
keeping only the words with diacritics for ``exact``, halved the indexing speed.)
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tantivy

from paperwork.archive.folding import normalise_number, phrase_pattern, type_key, unique
from paperwork.archive.index import (
    LOCK_TIMEOUT,
    REINDEX,
    SENTINEL,
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

__all__ = ["TantivyIndex"]

# A rebuild is one writer, one indexing thread, with this memory budget: at 100,000 documents
# it peaked at 320 MB (two threads and 128 MB: 514 MB; the process holds merges and mapped
# segments besides the budget) for the same speed on 2 cores (benchmarks/results-ingest.md).
HEAP_BYTES = 64_000_000
ADD_HEAP_BYTES = 50_000_000  # an add's writer (one group, one commit)
EXACT_BOOST = 3.0  # as in the Whoosh engine
NUMBER_BOOST = 5.0
PROGRESS_EVERY = 100
# Phrases: the words are searched (ranked as Whoosh ranks them) and the candidates checked,
# in rank order, against a diacritics-insensitive regex on the stored text. Tantivy's
# positional phrase query over words found in nearly every document took 40-90 ms at
# 100,000 documents; the candidates of a common phrase match at once. Past this many
# candidates without `limit` hits (a rare phrase of common words) the positional query
# answers instead.
PHRASE_CANDIDATES = 300
# A segment's files: <segment id>.<component>, and <segment id>.<opstamp>.del for deletes.
_SEGMENT_FILE = re.compile(r"^(?P<segment>[0-9a-f]{32})\.(?:(?P<deletes>[0-9]+)\.del|[a-z]+)$")


def _analyzers() -> dict[str, Any]:
    folded = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.lowercase())
        .build()
    )
    exact = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase()).build()
    return {"vi_folded": folded, "vi_exact": exact}


_ANALYZERS: dict[str, Any] = {}


def _analyzer(name: str) -> Any:
    if not _ANALYZERS:
        _ANALYZERS.update(_analyzers())
    return _ANALYZERS[name]


def _schema() -> Any:
    b = tantivy.SchemaBuilder()
    b.add_unsigned_field("id", indexed=True, fast=True)
    b.add_text_field("content", tokenizer_name="vi_folded", index_option="position")
    b.add_text_field("exact", tokenizer_name="vi_exact", index_option="freq")
    b.add_text_field("agency", tokenizer_name="vi_folded", index_option="freq")
    b.add_text_field("number", tokenizer_name="raw", index_option="basic")
    b.add_text_field("type", tokenizer_name="raw", index_option="basic")
    b.add_text_field("year", tokenizer_name="raw", index_option="basic")
    b.add_unsigned_field("date", indexed=True, fast=True)
    b.add_unsigned_field("recent", fast=True)
    b.add_bytes_field("meta", stored=True)
    b.add_bytes_field("body", stored=True)
    return b.build()


def _register(ix: Any) -> None:
    for name in ("vi_folded", "vi_exact"):
        ix.register_tokenizer(name, _analyzer(name))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _document(doc: IndexDocument) -> Any:
    body = _nfc(body_of(doc))
    day = date_key(doc.id, doc.date)
    meta = [doc.filename, doc.title, doc.type, doc.number, doc.date, doc.agency]
    d = tantivy.Document()
    d.add_unsigned("id", doc.id)
    d.add_text("content", body)
    d.add_text("exact", body)
    d.add_text("agency", _nfc(doc.agency))
    d.add_unsigned("date", day)
    d.add_unsigned("recent", day * 10**10 + doc.id)
    d.add_bytes("meta", json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    d.add_bytes("body", body.encode("utf-8"))
    if doc.number.strip():
        d.add_text("number", normalise_number(doc.number))
    if doc.type.strip():
        d.add_text("type", type_key(doc.type))
    if day:
        d.add_text("year", str(day // 10000))
    return d


# ----------------------------------------------------------------------- queries


def _tokens(analyzer: str, words: Iterable[str]) -> list[str]:
    """The plan's folded words as this engine's analyzer cuts them ("thi_dua" -> thi, dua)."""
    return [t for w in words for t in _analyzer(analyzer).analyze(w)]


class _Translator:
    """Turns an engine-free SearchPlan into a Tantivy query.

    ``loose``: terms of several words as their words, ANDed, to be checked against the
    plan's patterns (``patterns``); otherwise as positional phrase queries.
    """

    def __init__(self, schema: Any, *, loose: bool = False):
        self.schema = schema
        self.Q = tantivy.Query
        self.loose = loose
        self.patterns: list[Any] = []

    def term(self, field: str, value: Any) -> Any:
        return self.Q.term_query(self.schema, field, value, index_option="basic")

    def content(self, words: list[str], pattern: Any = None) -> Any:
        """The words next to each other, in this order (one word: the word)."""
        if len(words) == 1:
            return self.Q.term_query(self.schema, "content", words[0], index_option="freq")
        if self.loose and pattern is not None:
            self.patterns.append(pattern)
            return self.all_of([self.content([w]) for w in unique(words)])
        return self.Q.phrase_query(self.schema, "content", words)

    def all_of(self, queries: list[Any]) -> Any:
        if len(queries) == 1:
            return queries[0]
        return self.Q.boolean_query([(tantivy.Occur.Must, q) for q in queries])

    def any_of(self, queries: list[Any]) -> Any:
        if len(queries) == 1:
            return queries[0]
        return self.Q.boolean_query([(tantivy.Occur.Should, q) for q in queries])

    def plan_term(self, term: Term) -> Any | None:
        words = _tokens("vi_folded", term.folded)
        if not words:
            return None
        if term.number is not None:  # the number itself, or its parts adjacent in a text
            by_number = self.Q.boost_query(self.term("number", term.number), NUMBER_BOOST)
            return self.any_of([by_number, self.content(words)])
        # "thi-đua", "giao ước": the words adjacent ("thi_đua": one word in folding.py, two here)
        pattern = term.pattern or (phrase_pattern(term.folded) if len(words) > 1 else None)
        return self.content(words, pattern)

    def translate(self, plan: SearchPlan) -> Any:
        Q = self.Q
        legs = [q for q in map(self.plan_term, plan.terms) if q is not None]
        for word in _tokens("vi_folded", (w for f in plan.fuzzy for w in f.folded)):
            legs.append(Q.fuzzy_term_query(self.schema, "content", word, distance=1, transposition_cost_one=False))
        if plan.number:
            legs.append(Q.boost_query(self.term("number", plan.number), NUMBER_BOOST))
        legs.extend(Q.const_score_query(f, 0.0) for f in self.filters(plan.filters))
        q = self.all_of(legs) if legs else Q.all_query()
        exact = unique(w for w in _tokens("vi_exact", plan.exact) if not w.isascii())
        if exact:
            boost = self.any_of([Q.term_query(self.schema, "exact", w, index_option="freq") for w in exact])
            q = Q.boolean_query(
                [(tantivy.Occur.Must, q), (tantivy.Occur.Should, Q.boost_query(boost, EXACT_BOOST))]
            )
        return q

    def filters(self, filters: Filters) -> list[Any]:
        out: list[Any] = []
        if filters.type:
            out.append(self.term("type", filters.type))
        if filters.year is not None:
            out.append(self.term("year", filters.year))
        if filters.dates:
            lo, hi = filters.dates
            out.append(self.Q.range_query(self.schema, "date", tantivy.FieldType.Unsigned, lo, hi))
        out.extend(self.term("agency", w) for w in _tokens("vi_folded", filters.agency))
        return out


# ------------------------------------------------------------------------ the index


class TantivyIndex(BaseIndex):
    """The Tantivy index of one archive; open with :meth:`open`, build with :meth:`reindex`."""

    ENGINE = "tantivy"

    def __init__(self, path: Path, *, lock_timeout: float = LOCK_TIMEOUT):
        super().__init__(path, lock_timeout=lock_timeout)
        self._ix: Any = None
        self._schema: Any = None
        self._seen: tuple[int, int, int] | None = None  # meta.json as last reloaded
        self._sentinel_ino = 0

    # -- files

    def _open_files(self) -> None:
        if not tantivy.Index.exists(str(self.path)):
            raise ArchiveError(_("the search index {path} has no Tantivy files: {REINDEX}").format(
                path=self.path, REINDEX=_(REINDEX)
            ))
        self._ix = tantivy.Index.open(str(self.path))
        _register(self._ix)
        self._ix.config_reader(reload_policy="Manual")
        self._schema = self._ix.schema
        self._seen = self._meta_state()
        self._sentinel_ino = self._sentinel_inode()

    def _meta_state(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path / "meta.json")
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _sentinel_inode(self) -> int:
        try:
            return os.stat(self.path / SENTINEL).st_ino
        except FileNotFoundError:
            return 0

    def _fresh(self) -> None:
        """Follow other processes: a rebuild swapped the folder, or a writer committed."""
        if self._ix is None:
            raise ArchiveError(_("the search index {path} is closed").format(path=self.path))
        if self._sentinel_inode() != self._sentinel_ino:
            self._open_files()
        elif self._meta_state() != self._seen:
            self._seen = self._meta_state()
            self._ix.reload()

    @classmethod
    def _build(
        cls,
        path: Path,
        docs: Iterable[IndexDocument],
        progress: Callable[[int], None] | None,
        *,
        procs: int | None = None,
    ) -> int:
        ix = tantivy.Index(_schema(), path=str(path), reuse=False)
        _register(ix)
        threads = procs or 1
        writer = ix.writer(heap_size=HEAP_BYTES * threads, num_threads=threads)
        seen: set[int] = set()
        try:
            for doc in docs:
                if doc.id in seen:
                    raise ArchiveError(_("document {id} given twice to the index").format(id=doc.id))
                seen.add(doc.id)
                writer.add_document(_document(doc))
                if progress and len(seen) % PROGRESS_EVERY == 0:
                    progress(len(seen))
            writer.commit()
            writer.garbage_collect_files()
        except BaseException:
            _drop(writer, rollback=True)
            raise
        _drop(writer)
        if progress and len(seen) % PROGRESS_EVERY:
            progress(len(seen))
        return len(seen)

    # -- writing

    @contextmanager
    def _writer(self) -> Iterator[Any]:
        """One writer under the index lock: commit on success, else roll back.

        The writer is made from the index opened afresh under the lock, commits, collects
        the files no longer referenced and waits for its merges, all before the lock is let
        go. Tantivy keeps the list of the files it manages (``.managed.json``) in memory,
        per opened index, and writes it back at every commit: a writer made from an index
        opened before another process committed wrote back a stale list, forgetting that
        process's segments, which were then never collected (after an import in two
        streams, 155 segments, 1.34 GB, referenced by nothing).
        """
        with self._locked():
            self._fresh()
            ix = tantivy.Index.open(str(self.path))
            _register(ix)
            try:
                writer = ix.writer(heap_size=ADD_HEAP_BYTES, num_threads=1)
            except ValueError as e:  # Tantivy's own lock: a writer outside paperwork's lock
                raise ArchiveLockedError(
                    _("the search index {path} is being written by another process: try again later").format(
                        path=self.path
                    )
                ) from e
            try:
                yield writer
                writer.commit()
                writer.garbage_collect_files()
            except BaseException:
                _drop(writer, rollback=True)
                raise
            _drop(writer)
            self._seen = None  # reload before the next search

    def add(self, docs: Iterable[IndexDocument]) -> int:
        """Add or replace (by id) documents in one commit; returns how many.

        The documents are read before the lock is taken; an id given twice keeps its last version.
        """
        prepared = {doc.id: _document(doc) for doc in docs}
        with self._writer() as writer:
            for doc_id, d in prepared.items():
                writer.delete_documents_by_query(self._id_query(doc_id))
                writer.add_document(d)
        return len(prepared)

    def delete(self, ids: Iterable[int]) -> None:
        """Remove documents by catalog id (unknown ids are ignored)."""
        wanted = [int(i) for i in ids]
        with self._writer() as writer:
            for i in wanted:
                writer.delete_documents_by_query(self._id_query(i))

    def _id_query(self, doc_id: int) -> Any:
        # delete_documents_by_term does not match u64 terms in this binding: a query does.
        return tantivy.Query.term_query(self._schema, "id", doc_id, index_option="basic")

    # -- reading

    def _searcher(self) -> Any:
        self._fresh()
        return self._ix.searcher()

    def search_plan(self, plan: SearchPlan) -> list[SearchHit]:
        """The hits of ``plan``: by relevance, or newest first."""
        searcher = self._searcher()
        by_date, limit = plan.by_date, plan.limit
        loose = _Translator(self._schema, loose=True)
        q = loose.translate(plan)
        if not loose.patterns:
            return self._hits(searcher, self._top(searcher, q, limit, by_date), plan)
        # Phrases: rank the candidates by their words, keep those holding the phrases;
        # a few first (a common phrase is in most of them), then more.
        kept: list[Any] = []
        first = min(PHRASE_CANDIDATES, 2 * limit + 10)
        for offset, size in ((0, first), (first, PHRASE_CANDIDATES - first)):
            candidates = self._top(searcher, q, size, by_date, offset)
            for key, address, stored, body in self._stored(searcher, candidates):
                if all(p.search(body) for p in loose.patterns):
                    kept.append((key, address, stored, body))
                    if len(kept) == limit:
                        return self._hits(searcher, kept, plan)
            if len(candidates) < size:  # every candidate was checked
                return self._hits(searcher, kept, plan)
        q = _Translator(self._schema).translate(plan)
        return self._hits(searcher, self._top(searcher, q, limit, by_date), plan)

    @staticmethod
    def _top(searcher: Any, q: Any, limit: int, by_date: bool, offset: int = 0) -> list[tuple[Any, Any]]:
        if limit <= 0:
            return []
        if by_date:
            found = searcher.search(
                q, limit, count=False, order_by_field="recent", order=tantivy.Order.Desc, offset=offset
            )
        else:
            found = searcher.search(q, limit, count=False, offset=offset)
        return found.hits

    @staticmethod
    def _stored(searcher: Any, hits: list[Any]) -> Iterator[tuple[Any, Any, Any, str]]:
        for hit in hits:
            key, address = hit[0], hit[1]
            stored = hit[2] if len(hit) > 2 else searcher.doc(address)
            body = hit[3] if len(hit) > 3 else bytes(stored.get_first("body")).decode("utf-8")
            yield key, address, stored, body

    def _hits(self, searcher: Any, found: list[Any], plan: SearchPlan) -> list[SearchHit]:
        hits: list[SearchHit] = []
        doc_ids = searcher.fast_field_values("id", [hit[1] for hit in found]) if found else []
        for (key, address, stored, body), doc_id in zip(self._stored(searcher, found), doc_ids):
            filename, title, type_, number, day, agency = json.loads(bytes(stored.get_first("meta")))
            hits.append(
                SearchHit(
                    id=doc_id,
                    filename=filename,
                    title=title,
                    type=type_,
                    number=number,
                    date=day,
                    agency=agency,
                    score=0.0 if plan.by_date else float(key or 0.0),
                    snippet=make_snippet(body.split("\n", 3)[-1], plan.marks, plan.fuzzy_marks, collapsed=True),
                )
            )
        return hits

    def ids(self) -> set[int]:
        """The catalog ids of all indexed documents."""
        searcher = self._searcher()
        n = searcher.num_docs
        if not n:
            return set()
        found = searcher.search(tantivy.Query.all_query(), n, count=False)
        return set(searcher.fast_field_values("id", [address for _, address in found.hits]))

    def count(self) -> int:
        return self._searcher().num_docs

    def _unreferenced(self) -> list[Path]:
        """Segment files whose segment ``meta.json`` does not list (or a stale ``.del``)."""
        try:
            meta = json.loads((self.path / "meta.json").read_text(encoding="utf-8"))
            segments = {
                seg["segment_id"].replace("-", ""): (seg.get("deletes") or {}).get("opstamp")
                for seg in meta["segments"]
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise ArchiveError(_("cannot read {value} ({error}): {REINDEX}").format(
                value=self.path / 'meta.json', error=e, REINDEX=_(REINDEX)
            )) from e
        found = []
        for path in self.path.iterdir():
            m = _SEGMENT_FILE.match(path.name)
            if not m:
                continue
            if m["segment"] not in segments:
                found.append(path)
            elif m["deletes"] is not None and int(m["deletes"]) != segments[m["segment"]]:
                found.append(path)
        return found

    def close(self) -> None:
        self._ix = None
        self._schema = None


def _drop(writer: Any, *, rollback: bool = False) -> None:
    """Roll back if asked, then let the writer go (which releases Tantivy's lock)."""
    try:
        if rollback:
            writer.rollback()
    finally:
        writer.wait_merging_threads()
