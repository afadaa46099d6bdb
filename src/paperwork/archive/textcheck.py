"""Is a PDF's text layer worth keeping, or should the page be OCRed? Pure functions.

    text_layer_problem(pages) -> str | None    why the layer is unusable, or None

A layer is unusable when it is missing, too short for the number of pages (a
scan with a stamp or a page number as its only text), or garbled: documents
typed with the legacy TCVN3 (ABC) or VNI fonts extract as mojibake such as
"Céng hßa x· héi chñ nghÜa" or "Coäng hoøa xaõ hoäi", full of Latin-1 letters
and signs that Vietnamese never uses (ß, Ü, ®, ©, ¬, soft hyphen, ¸, ¹, µ, ¶, ·,
Þ, ä, ø, û …). Words of Vietnamese letters (with any tone mark) and plain ASCII words count
for the layer; words carrying those foreign characters count against it.
Only the characters are judged, not the syllable shapes: French or German
text ("décision", "über") must not be taken for mojibake.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = ["MIN_LETTERS_PER_PAGE", "garbled_share", "text_layer_problem"]

# Fewer letters than this per page on average: the layer is no use for search.
MIN_LETTERS_PER_PAGE = 40
# A share of foreign-character words at or above this: legacy-font mojibake.
# German or French text stays below it (ä, ö, ü, ß, ç, ï in ~5–18 % of words);
# TCVN3/VNI mojibake of Vietnamese is 40–60 %.
GARBLED_SHARE = 0.25
_MIN_WORDS = 5

_WORD = re.compile(r"[^\s\d.,;:!?()\[\]{}\"'“”‘’/\\|<>=+*&%$#@^~`_–—…•-]+")


def _vietnamese_letters() -> frozenset[str]:
    """Every vowel of Vietnamese with its shape (â ă ơ …) and tone marks, both cases, and đ."""
    letters = {"đ"}
    for base in "aeiouy":
        for shape in ("", "\u0302", "\u0306", "\u031b"):
            for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"):
                letter = unicodedata.normalize("NFC", base + shape + tone)
                if len(letter) == 1:
                    letters.add(letter)
    return frozenset(letters | {letter.upper() for letter in letters})


_VIETNAMESE = _vietnamese_letters()


def _is_foreign(word: str) -> bool:
    """A word carrying a character neither ASCII nor a Vietnamese letter (mojibake)."""
    return any(not ch.isascii() and ch not in _VIETNAMESE for ch in word)


def garbled_share(text: str) -> float:
    """The share of words of ``text`` that look like legacy-font mojibake."""
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    if not words:
        return 0.0
    return sum(1 for word in words if _is_foreign(word)) / len(words)


def text_layer_problem(pages: Sequence[str]) -> str | None:
    """Why the text layer of a PDF (one string per page) needs OCR, or None if it is usable."""
    text = "\n".join(pages)
    letters = sum(1 for ch in text if ch.isalpha())
    if letters == 0:
        return "no text layer"
    if letters < MIN_LETTERS_PER_PAGE * max(1, len(pages)):
        return "text layer too short"
    if len(_WORD.findall(text)) >= _MIN_WORDS and garbled_share(text) >= GARBLED_SHARE:
        return "text layer garbled (legacy TCVN3/VNI font?)"
    return None
