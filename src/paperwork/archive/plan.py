"""A query compiled once into an engine-free plan, which each engine only translates.

    plan_query(query) -> SearchPlan

query.py reads what the archivist typed into a :class:`~paperwork.archive.query.Query`;
this module decides what it asks of an index holding the fields both engines share
(folding.py's forms), so that the engines cannot drift apart:

    terms     each typed word and each "phrase": its folded words, all required, next to
              each other in this order; several words are checked on the stored text
              (``pattern``), a word shaped like a document number may instead match as
              that whole number (``number``)
    exact     the words typed with diacritics, lower-cased: exact matches rank first
    fuzzy     folded words that may differ by one edit
    number    the ``number:`` filter, whole and normalised (it ranks its document first)
    filters   type (folded whole value), year, agency (folded words); dates (YYYYMMDD)
    marks     what snippets mark: folded words, and words within one edit of ``fuzzy``

An engine translates the plan word for word. One whose analyzer cuts words its own
way (Tantivy: "_" separates) passes the plan's folded words through that analyzer,
which gives what it would give on the typed text: query and index always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from paperwork.archive.folding import (
    exact_words,
    fold_words,
    looks_like_number,
    normalise_number,
    phrase_pattern,
    type_key,
    unique,
)
from paperwork.archive.query import Query

__all__ = ["Filters", "Fuzzy", "SearchPlan", "Term", "day_number", "plan_query"]


def day_number(d: date) -> int:
    """A date as the index stores it: YYYYMMDD."""
    return d.year * 10000 + d.month * 100 + d.day


@dataclass(frozen=True)
class Term:
    """One typed word or "phrase": its folded words, all required, adjacent, in order."""

    text: str  # as typed (NFC)
    folded: tuple[str, ...]  # "thi-đua" -> ("thi", "dua")
    exact: tuple[str, ...]  # its words with diacritics, lower-cased, as typed: ("đua",)
    # Several words (not a number): a diacritics-insensitive regex the stored text of a
    # candidate must match, the words found by the index being only candidates.
    pattern: re.Pattern[str] | None = None
    # Shaped like a document number: it also matches as this whole number (ranked first),
    # and then its folded words are matched by position, not by ``pattern``.
    number: str | None = None


@dataclass(frozen=True)
class Fuzzy:
    """A word typed with ``~``: each of its folded words may differ by one edit."""

    text: str
    folded: tuple[str, ...]


@dataclass(frozen=True)
class Filters:
    """What a hit must be, whatever its words; none of it counts for ranking."""

    type: str | None = None  # type_key(): "quyet dinh"
    year: str | None = None  # "2023"
    agency: tuple[str, ...] = ()  # folded words of the issuing agency, all required
    dates: tuple[int, int] | None = None  # YYYYMMDD, both ends included


@dataclass(frozen=True)
class SearchPlan:
    """What one search asks of the index, engine-free; see the module's docstring."""

    terms: tuple[Term, ...] = ()
    fuzzy: tuple[Fuzzy, ...] = ()
    number: str | None = None
    filters: Filters = Filters()
    exact: tuple[str, ...] = ()  # unique, first seen first
    marks: frozenset[str] = frozenset()
    fuzzy_marks: frozenset[str] = frozenset()
    limit: int = 20
    by_date: bool = False  # newest first (sort="date", or nothing to rank by)

    @property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        """The regexes every hit's stored text must match (the terms of several words)."""
        return tuple(t.pattern for t in self.terms if t.pattern is not None)


def _term(text: str, *, phrase: bool = False) -> Term:
    folded = tuple(fold_words(text))
    exact = tuple(w for w in exact_words(text) if not w.isascii())
    if not phrase and looks_like_number(text):
        return Term(text, folded, exact, number=normalise_number(text))
    pattern = phrase_pattern(folded) if len(folded) > 1 else None
    return Term(text, folded, exact, pattern=pattern)


def _filters(query: Query) -> Filters:
    dates = None
    if query.date_from or query.date_to:
        lo = day_number(query.date_from) if query.date_from else 1
        hi = day_number(query.date_to) if query.date_to else 99991231
        dates = (lo, hi)
    return Filters(
        type=type_key(query.type) if query.type else None,
        year=str(query.year) if query.year is not None else None,
        agency=tuple(fold_words(query.agency)) if query.agency else (),
        dates=dates,
    )


def plan_query(query: Query) -> SearchPlan:
    """The plan of ``query``: computed once, then translated by the engine."""
    typed = [_term(w) for w in query.words] + [_term(p, phrase=True) for p in query.phrases]
    terms = tuple(t for t in typed if t.folded)
    fuzzy = tuple(f for f in (Fuzzy(w, tuple(fold_words(w))) for w in query.fuzzy) if f.folded)
    number = normalise_number(query.number) if query.number else None
    marks = {w for t in terms for w in t.folded}
    if query.number:
        marks.update(fold_words(query.number))
    return SearchPlan(
        terms=terms,
        fuzzy=fuzzy,
        number=number,
        filters=_filters(query),
        exact=tuple(unique(w for t in terms for w in t.exact)),
        marks=frozenset(marks),
        fuzzy_marks=frozenset(w for f in fuzzy for w in f.folded),
        limit=query.limit,
        by_date=query.is_empty or query.sort == "date",
    )
