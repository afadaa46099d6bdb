"""Balanced lines for centred text, measured with Times New Roman's real widths.

Decree 30 centres the agency names of the header, the trích yếu, titles and signer
titles. Left to the word processor, a centred line fills up and leaves one word
alone below it ("… năm 2022" / "Bộ"), or breaks a place name ("BẠC" / "LIÊU").
A clerk breaks such text by hand where it reads well: here, the fewest lines that
fit, then the break that makes them most even, never one word alone on the last
line when it can be helped, never inside a phrase that must stay whole (a place
name such as "Bạc Liêu", "Tây Nam Bộ").

    balance("Về việc tặng Bằng khen của Bộ trưởng Bộ Nội vụ …", 160, 14, bold=True)
        -> ["Về việc tặng Bằng khen …", "… của Bộ trưởng Bộ Nội vụ"]
    text_width_mm("Độc lập - Tự do - Hạnh phúc", 13, bold=True)   -> the motto's rule length

Widths come from ``data/times_metrics.json`` (``tools/font_metrics.py`` reads them
from Liberation Serif 2, Times New Roman's metric twin), so nothing depends on the
fonts installed where paperwork runs.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources

__all__ = ["KEEP_TOGETHER", "balance", "text_width_mm"]

PT_MM = 25.4 / 72
# Word's and LibreOffice's justification never stretches centred text; a little room is
# kept for the rendering's rounding so that a line measured to fit does fit.
SLACK_MM = 1.0

# Names that are never broken across lines: provinces and regions of the documents these
# kinds make (the shipped examples; the scenario's cluster), kept whole whatever the case.
KEEP_TOGETHER = (
    "Tây Nam Bộ", "Đồng bằng sông Cửu Long", "Bạc Liêu", "Cà Mau", "Bến Tre", "Trà Vinh", "Vĩnh Long",
    "Cần Thơ", "Hậu Giang", "Sóc Trăng", "Kiên Giang", "An Giang", "Đồng Tháp", "Tiền Giang", "Long An",
    "Hồ Chí Minh", "Hà Nội", "Đà Nẵng", "Hải Phòng",
    # Words of two syllables these documents are made of: a line is not broken inside them either.
    "Nội vụ", "thi đua", "khen thưởng", "cá nhân", "tập thể", "thành tích", "xuất sắc", "phong trào",
    "Bằng khen", "Giấy khen", "Bộ trưởng", "Chủ tịch", "Ủy ban", "nhân dân", "Giám đốc", "Phó Giám đốc",
    "Hội nghị", "tổng kết", "công tác", "giao ước", "danh hiệu", "Cờ thi đua", "Chiến sĩ", "Lao động",
    "tiên tiến", "hoàn thành", "nhiệm vụ", "văn bản", "quyết định", "Quyết định", "biên bản",
)


@cache
def _metrics() -> dict:
    text = resources.files("paperwork").joinpath("data", "times_metrics.json").read_text(encoding="utf-8")
    return json.loads(text)


def _style(bold: bool, italic: bool) -> str:
    return ("bold" if bold else "") + ("italic" if italic else "") or "regular"


def text_width_mm(text: str, size_pt: float, *, bold: bool = False, italic: bool = False) -> float:
    """The printed width of ``text`` in Times New Roman at ``size_pt``."""
    m = _metrics()
    widths = m[_style(bold, italic)]
    fallback = widths.get("n", m["units_per_em"] // 2)  # a letter the table lacks: an average one
    units = sum(widths.get(c, fallback) for c in unicodedata.normalize("NFC", text))
    return units / m["units_per_em"] * size_pt * PT_MM


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _words(text: str, keep: Iterable[str]) -> list[str]:
    """Words, with each phrase of ``keep`` joined into one unbreakable token."""
    words = text.split()
    phrases = sorted({tuple(_fold(p).split()) for p in keep if p.strip()}, key=len, reverse=True)
    out: list[str] = []
    i = 0
    while i < len(words):
        for phrase in phrases:
            n = len(phrase)
            if n > 1 and tuple(_fold(w) for w in words[i:i + n]) == phrase:
                out.append(" ".join(words[i:i + n]))
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


def balance(
    text: str,
    max_width_mm: float,
    size_pt: float,
    *,
    bold: bool = False,
    italic: bool = False,
    keep_together: Sequence[str] = KEEP_TOGETHER,
) -> list[str]:
    """``text`` broken into the fewest lines that fit ``max_width_mm``, as even as possible.

    A phrase of ``keep_together`` is never broken; a single token wider than the line
    stands alone (the word processor then breaks it as it must). The last line is one
    word only when the text is one word or cannot be broken otherwise.
    """
    tokens = _words(" ".join(text.split()), keep_together)
    if not tokens:
        return []
    room = max_width_mm - SLACK_MM
    space = text_width_mm(" ", size_pt, bold=bold, italic=italic)
    widths = [text_width_mm(t, size_pt, bold=bold, italic=italic) for t in tokens]

    def width(i: int, j: int) -> float:  # tokens[i:j] on one line
        return sum(widths[i:j]) + space * (j - i - 1)

    n = len(tokens)
    if width(0, n) <= room:
        return [" ".join(tokens)]
    # best[(k, j)]: the best way to set tokens[:j] on k lines, scored (a lone last word, the
    # widest line), and where its last line starts. The fewest lines that fit win.
    for lines in range(2, n + 1):
        best: dict[tuple[int, int], tuple[tuple[int, float], int]] = {(0, 0): ((0, 0.0), 0)}
        for k in range(1, lines + 1):
            for j in range(k, n + 1):
                choice = None
                for i in range(k - 1, j):
                    if (k - 1, i) not in best:
                        continue
                    w = width(i, j)
                    if w > room and j - i > 1:
                        continue
                    (lone, worst), _ = best[(k - 1, i)]
                    lone_here = int(k == lines and j - i == 1 and n > 1)
                    score = (lone + lone_here, max(worst, w))
                    if choice is None or score < choice[0]:
                        choice = (score, i)
                if choice is not None:
                    best[(k, j)] = choice
        if (lines, n) in best:
            cuts, j = [], n
            for k in range(lines, 0, -1):
                i = best[(k, j)][1]
                cuts.append(" ".join(tokens[i:j]))
                j = i
            return cuts[::-1]
    return tokens  # not reached: n lines of one token each always fit
