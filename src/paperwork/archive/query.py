"""The archivist's query language, parsed into an engine-free :class:`Query`.

    khen thưởng                 words, all required (ANDed), with or without diacritics
    "giao ước thi đua"          a phrase: the words in this order, next to each other
    Bạc Liu~                    ``~``: the word may differ by one edit (a typo)
    28/HD-TĐKT                  a word shaped like a document number is also looked up as one
    type:"Quyết định"           filters: type (tên loại), year, agency (cơ quan ban hành),
    year:2023 agency:"Bến Tre"  number (the whole số ký hiệu); values may be "quoted"
    number:13/2018/QĐ-UBND

Options passed by the CLI (``type=``, ``year=``, ``limit=``, ``sort=``, ``date_from=``…)
are merged with the inline filters; an inline value and an option for the same key must
agree (diacritics-insensitively), otherwise :class:`~paperwork.errors.InputError` names
the key. Text is NFC-normalised before anything else.

Limits, each refused in one line before any index is opened: at most ``MAX_WORDS``
words are searched (a 1,000-word query overflowed Whoosh's recursion), each of at most
``MAX_WORD_CHARS`` characters, and at most ``MAX_LIMIT`` hits are listed (Tantivy
allocates room for ``limit`` hits up front).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from paperwork.archive.folding import fold, fold_words, normalise_number
from paperwork.errors import InputError
from ..i18n import _

__all__ = ["FILTER_KEYS", "MAX_LIMIT", "MAX_WORDS", "MAX_WORD_CHARS", "SORTS", "Query", "parse_query"]

SORTS = ("relevance", "date")
FILTER_KEYS = ("type", "year", "agency", "number")
MAX_WORDS = 64  # words searched, phrases' and word~'s included
MAX_LIMIT = 1000  # hits listed
# Characters in one searched word: the longest Vietnamese words and document numbers are far
# shorter; a 10,000-character fuzzy word took Whoosh seconds and Tantivy drops words past 64 KB.
MAX_WORD_CHARS = 100

# Typographic quotes typed on Vietnamese keyboards count as plain double quotes.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_TOKEN = re.compile(
    r"""
      (?P<key>type|year|agency|number):(?:"(?P<kquoted>[^"]*)"?|(?P<kvalue>[^\s"]*))
    | "(?P<phrase>[^"]*)"?
    | (?P<word>[^\s"]+)
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Punctuation around a typed word ("khen," "(Bến") is not part of it; inner marks are.
_EDGE = re.compile(r"^\W+|[^\w~]+$")


@dataclass(frozen=True)
class Query:
    """What to look for and how to list it; knows nothing of the engine."""

    words: tuple[str, ...] = ()  # plain words, ANDed
    phrases: tuple[str, ...] = ()  # "quoted phrases", word order respected
    fuzzy: tuple[str, ...] = ()  # word~ : one edit allowed
    type: str | None = None  # tên loại, matched diacritics-insensitively, whole value
    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    agency: str | None = None  # words of the issuing agency, diacritics-insensitive
    number: str | None = None  # whole normalised identifier, e.g. "28/HD-TDKT"
    limit: int = 20
    sort: str = "relevance"  # or "date" (newest first)

    @property
    def is_empty(self) -> bool:
        """No text to match: list what the filters select, newest first."""
        return not (self.words or self.phrases or self.fuzzy or self.number)

    @property
    def has_filters(self) -> bool:
        return any(
            v is not None
            for v in (self.type, self.year, self.date_from, self.date_to, self.agency, self.number)
        )


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _as_int(key: str, value: Any) -> int:
    if isinstance(value, bool):
        raise InputError(_("{value!r} is not a whole number").format(value=value), field=key)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise InputError(_("{value!r} is not a whole number").format(value=value), field=key) from None


def _as_date(key: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(_("{value!r} is not a date (YYYY-MM-DD)").format(value=value), field=key) from None


def _check_value(key: str, value: Any) -> Any:
    """Convert and validate one filter or option value."""
    if key in ("year", "limit"):
        number = _as_int(key, value)
        if key == "year" and not 1 <= number <= 9999:
            raise InputError(_("{number} is not a year").format(number=number), field=key)
        if key == "limit" and number < 1:
            raise InputError(_("must be at least 1, got {number}").format(number=number), field=key)
        if key == "limit" and number > MAX_LIMIT:
            raise InputError(_("must be at most {MAX_LIMIT}, got {number}").format(
                MAX_LIMIT=MAX_LIMIT, number=number
            ), field=key)
        return number
    if key in ("date_from", "date_to"):
        return _as_date(key, value)
    if key == "sort":
        sort = str(value).strip().lower()
        if sort not in SORTS:
            raise InputError(_("{value!r} is not one of {SORTS}").format(value=value, SORTS=', '.join(SORTS)), field=key)
        return sort
    text = " ".join(_nfc(str(value)).split())
    if not text:
        raise InputError(_("empty value"), field=key)
    return text


def _same(key: str, a: Any, b: Any) -> bool:
    if key == "number":
        return normalise_number(a) == normalise_number(b)
    if key in ("type", "agency"):
        return fold_words(a) == fold_words(b)
    return a == b


def _clean_word(raw: str) -> str:
    return _EDGE.sub("", raw)


def parse_query(text: str, **options: Any) -> Query:
    """Parse what the archivist typed, merged with the CLI's options.

    ``parse_query('khen thưởng "thi đua" Liu~ type:"Quyết định"', year=2023)`` gives
    words ("khen", "thưởng"), phrases ("thi đua",), fuzzy ("Liu",), type "Quyết định",
    year 2023.
    """
    allowed = {f.name for f in fields(Query)} - {"words", "phrases", "fuzzy"}
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise TypeError(f"parse_query() got unknown options: {', '.join(unknown)}")

    words: list[str] = []
    phrases: list[str] = []
    fuzzy: list[str] = []
    inline: dict[str, Any] = {}
    for m in _TOKEN.finditer(_nfc(text or "").translate(_QUOTES)):
        if m["key"]:
            key = m["key"].lower()
            raw = m["kquoted"] if m["kquoted"] is not None else m["kvalue"]
            value = _check_value(key, raw)
            if key in inline and not _same(key, inline[key], value):
                raise InputError(_("given twice: {inline!r} and {value!r}").format(
                    inline=inline[key], value=value
                ), field=key)
            inline[key] = value
        elif m["phrase"] is not None:
            phrase = " ".join(m["phrase"].split())
            if len(fold_words(phrase)) > 1:
                phrases.append(phrase)
            elif phrase and fold_words(phrase):
                words.append(phrase)  # a quoted single word is just a word
        else:
            word = _clean_word(m["word"])
            if word.endswith("~"):
                word = _clean_word(word.rstrip("~"))
                if fold_words(word):
                    fuzzy.append(word)
            elif fold_words(word):
                words.append(word)

    merged: dict[str, Any] = dict(inline)
    for key, raw in options.items():
        if raw is None:
            continue
        value = _check_value(key, raw)
        if key in inline and not _same(key, inline[key], value):
            raise InputError(
                _("the query says {inline!r} but the option says {value!r}").format(
                    inline=inline[key], value=value
                ), field=key
            )
        merged.setdefault(key, value)

    searched = [w for text in (*words, *phrases, *fuzzy) for w in fold_words(text)]
    if len(searched) > MAX_WORDS:
        raise InputError(_("the query has {count} words; at most {MAX_WORDS} are searched: shorten it").format(
            count=len(searched), MAX_WORDS=MAX_WORDS
        ))
    longest = max((len(w) for w in searched), default=0)
    if longest > MAX_WORD_CHARS:
        raise InputError(_("a word of the query has {longest} characters; at most {MAX_WORD_CHARS} are "
                           "searched: shorten it").format(longest=longest, MAX_WORD_CHARS=MAX_WORD_CHARS))
    query = replace(Query(), words=tuple(words), phrases=tuple(phrases), fuzzy=tuple(fuzzy), **merged)
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise InputError(
            _("date_from {date_from} is after date_to {date_to}").format(
                date_from=query.date_from, date_to=query.date_to
            ), field="date_from"
        )
    return query


def describe(query: Query) -> str:
    """A one-line, folded summary of a query (for logs and benchmark labels)."""
    parts = [*query.words, *(f'"{p}"' for p in query.phrases), *(f"{w}~" for w in query.fuzzy)]
    for key in FILTER_KEYS:
        value = getattr(query, key)
        if value is not None:
            parts.append(f"{key}:{fold(str(value))}")
    return " ".join(parts)
