"""Snippets: one line of a hit's text around its matches, the matched words wrapped in «».

    make_snippet(text, terms, fuzzy=frozenset()) -> str

Engine-free: both engines store the text and call this with the folded words their
query matched (folding.py decides what matches, exactly as the index does).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

from paperwork.archive.folding import WORD, collapse_spaces, fold, within_one_edit

__all__ = ["SNIPPET_CHARS", "make_snippet"]

SNIPPET_CHARS = 200


# Snippets must find the query's words in 20 texts within a few milliseconds. fold() is
# exact but costs ~1 ms on a 7 KB text (str.translate looks every letter up in a dict),
# so matching uses a cheaper stand-in of the same length, all ASCII: letters of lower-cased
# text folded by C codecs (Vietnamese letters through a charmap, the rare others through
# the error handler: fold() for letters of folding.py's table, "Z" for any other word
# character, which no folded lower-case term contains, a space for anything else).
_VIETNAMESE = (
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđð"
    "äåçëîïñöûüÿ"
)
_PUNCTUATION = "\u00a0“”‘’–—…«»•"
_FAST_CHARS = _VIETNAMESE + _PUNCTUATION
_FAST_ENCODING = codecs.charmap_build(
    "".join(chr(i) for i in range(128)) + _FAST_CHARS + "\ufffe" * (128 - len(_FAST_CHARS))
)
_FAST_BYTES = bytes(range(128)) + (
    fold(_VIETNAMESE) + " " * len(_PUNCTUATION) + " " * (128 - len(_FAST_CHARS))
).encode("ascii")


def _fast_fold_errors(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeEncodeError)
    out = []
    for c in error.object[error.start : error.end]:
        f = fold(c)
        if len(f) == 1 and f.isascii():
            out.append(f if f.isalnum() or f == "_" or not c.isalnum() else "Z")
        else:
            out.append("Z" if c.isalnum() or c == "_" else " ")
    return "".join(out), error.end


codecs.register_error("paperwork-snippet-fold", _fast_fold_errors)


def _fast_fold(text: str) -> str | None:
    """An ASCII stand-in for fold(text), position by position; None if lengths would differ."""
    if not unicodedata.is_normalized("NFC", text):
        return None
    lower = text.lower()
    if len(lower) != len(text):
        return None
    encoded, _ = codecs.charmap_encode(lower, "paperwork-snippet-fold", _FAST_ENCODING)
    return encoded.translate(_FAST_BYTES).decode("ascii")


def _match_spans(text: str, terms: frozenset[str], fuzzy: frozenset[str]) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded word) of every ``\\w+`` word of ``text`` that is a term (or near one)."""
    if not terms and not fuzzy:
        return iter(())
    stand_in = None if fuzzy or not all(t.isascii() for t in terms) else _fast_fold(text)
    if stand_in is None:  # the exact path: every word folded and compared
        folded = fold(text)
        if len(folded) != len(text):  # lower() changed a length (rare letters): no offsets
            folded = "".join(fold(c)[:1] or " " for c in text)
        return (
            (m.start(), m.end(), m.group())
            for m in WORD.finditer(folded)
            if m.group() in terms or (fuzzy and any(within_one_edit(m.group(), f) for f in fuzzy))
        )
    # The same words found by the regex engine: a whole \w+ run equal to a term.
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.ASCII)
    return ((m.start(), m.end(), m.group()) for m in pattern.finditer(stand_in))


def _densest(
    found: Iterator[tuple[int, int, str]], reach: int, most: int
) -> tuple[int, list[tuple[int, int, str]]]:
    """The first span starting the window of ``reach`` chars with the most distinct words.

    Returns its index and the spans read so far: matches are read lazily and the search
    stops at the first window holding ``most`` distinct words (no later one can beat it),
    so a text full of a common word costs a window, not the whole text.
    """
    spans: list[tuple[int, int, str]] = []
    more = True

    def have(k: int) -> bool:  # is spans[k] there (reading one more match if needed)?
        nonlocal more
        while more and k >= len(spans):
            nxt = next(found, None)
            if nxt is None:
                more = False
            else:
                spans.append(nxt)
        return k < len(spans)

    best, best_count = 0, 0
    counts: Counter[str] = Counter()
    i = j = 0
    while have(i):
        start = spans[i][0]
        if j < i:
            j = i
            counts.clear()
        while have(j) and spans[j][1] <= start + reach:
            counts[spans[j][2]] += 1
            j += 1
        if len(counts) > best_count:
            best, best_count = i, len(counts)
            if best_count >= most:
                break
        if j > i:  # slide: span i leaves the window
            word = spans[i][2]
            counts[word] -= 1
            if not counts[word]:
                del counts[word]
        i += 1
    return best, spans


def make_snippet(
    text: str,
    terms: frozenset[str],
    fuzzy: frozenset[str] = frozenset(),
    width: int = SNIPPET_CHARS,
    *,
    collapsed: bool = False,
) -> str:
    """One line of ``text`` around the densest group of matches, matches wrapped in «».

    ``collapsed``: the text has no runs of white space (as stored by the Tantivy engine).
    """
    if not collapsed:
        text = collapse_spaces(text)
    most = len(terms) if not fuzzy else len(text)  # with word~, any number of words can match
    found = _match_spans(text, terms, fuzzy)
    best, spans = _densest(found, width - 40, most)
    if not spans:
        if len(text) <= width:
            return text
        return text[:width].rsplit(" ", 1)[0] + " …"
    begin = max(0, spans[best][0] - 40)
    if begin:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < spans[best][0] else spans[best][0]
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > spans[best][1] else end
    for span in found:  # the matches after the window that still fit on the line
        spans.append(span)
        if span[0] >= end:
            break
    out: list[str] = ["… "] if begin else []
    pos = begin
    for start, stop, _ in spans:
        if start >= begin and stop <= end:
            out += [text[pos:start], "«", text[start:stop], "»"]
            pos = stop
    out.append(text[pos:end])
    if end < len(text):
        out.append(" …")
    return "".join(out)

