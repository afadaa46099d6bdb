"""The page geometry of Decree 30's layout, and centred text broken to fit it.

One place for the widths the templates are built with (``tools/build_templates.py``)
and the widths the kinds break their centred text to (``kinds/``): the header's
two columns, the text width, the signer's column, and the rules' lengths
measured from Times New Roman's widths (``linebreak.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

from .linebreak import KEEP_TOGETHER, balance, text_width_mm

__all__ = [
    "CELL_PAD_MM", "CERT_TEXT_MM", "CERT_WIDTH_MM", "LEFT_COL_MM", "MOTTO", "MOTTO_RULE_MM", "RIGHT_COL_MM", "SIGNER_COL_MM", "TEXT_WIDTH_MM",
    "TITLE_WIDTH_MM", "agency_rule_indent", "centred", "centred_lines",
]

TEXT_WIDTH_MM = 165  # A4 210 - left 30 - right 15
LEFT_COL_MM, RIGHT_COL_MM = 66, 99  # header table (spec §1.14)
CELL_PAD_MM = 1.9 * 2  # Word's default left + right cell margins
SIGNER_COL_MM = 83  # the signer's half of the signature table (Nơi nhận has 82)
TITLE_WIDTH_MM = TEXT_WIDTH_MM - 25  # trích yếu and titles: centred, a little in from the margins
# The certificate: A4 landscape, 20 mm left and right; its lines stay well inside the ornament.
CERT_WIDTH_MM = 297 - 20 - 20
CERT_TEXT_MM = CERT_WIDTH_MM - 40

MOTTO = "Độc lập - Tự do - Hạnh phúc"
# Phụ lục I: the rule under the Tiêu ngữ is as long as the line (13 pt bold): 56 mm.
MOTTO_RULE_MM = round(text_width_mm(MOTTO, 13, bold=True), 1)
# Phụ lục I: the rule under the issuing agency is 1/3 to 1/2 of its line; paperwork draws 2/5.
AGENCY_RULE_SHARE = 0.4
TWIPS_PER_MM = 1440 / 25.4


def centred_lines(text: str, width_mm: float, size_pt: float, *, bold: bool = True, italic: bool = False,
                  keep: Iterable[str | None] = ()) -> list[str]:
    """``text`` broken as a clerk breaks centred text (``linebreak.balance``); ``keep``: more names
    that must stay whole (the workspace's place, the agency's)."""
    extra = tuple(k for k in keep if k)
    return balance(text, width_mm, size_pt, bold=bold, italic=italic, keep_together=(*KEEP_TOGETHER, *extra))


def centred(text: str, width_mm: float, size_pt: float, **options) -> str:
    """``centred_lines`` joined with line breaks (a template prints ``\\n`` as a line break)."""
    return "\n".join(centred_lines(text, width_mm, size_pt, **options))


def agency_rule_indent(agency_lines: str, *, size_pt: float = 12) -> int:
    """The left and right indent (twips) that centre the agency's rule in its column, 2/5 of its longest line."""
    longest = max((text_width_mm(line, size_pt, bold=True) for line in agency_lines.split("\n")), default=0.0)
    length = max(longest * AGENCY_RULE_SHARE, 15.0)
    side = max((LEFT_COL_MM - CELL_PAD_MM - length) / 2, 0)
    return round(side * TWIPS_PER_MM)
