"""Context pieces every kind shares: the header (ô 1–4), signature block, Nơi nhận.

Templates stay dumb: all wording, capitals and punctuation are decided here,
so the rules of Decree 30 live in one place and are tested once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..layout import (
    CELL_PAD_MM,
    LEFT_COL_MM,
    SIGNER_COL_MM,
    TITLE_WIDTH_MM,
    agency_rule_indent,
    centred,
    centred_lines,
)
from ..models import Agency, DocumentInput, Signer
from ..vietnamese import date_line, date_phrase, number_line, number_symbol, upper_vi


@dataclass(frozen=True)
class Issue:
    """Number and date the document carries; no number means a draft for signing.

    A paper document gets its number and date after it is signed (Decree 30,
    Art. 15): a draft leaves both blank and keeps only the year.
    """

    number: int | None
    date: dt.date | None
    year: int
    numbered: bool = True  # False for kinds issued without a number (the covenant)

    @property
    def is_draft(self) -> bool:
        return self.numbered and self.number is None

    @property
    def shown_date(self) -> dt.date | None:
        return None if self.is_draft else self.date


def issue_of(
    doc: DocumentInput,
    number: int | None = None,
    *,
    numbered: bool = True,
    today: dt.date | None = None,
) -> Issue:
    number = number if number is not None else doc.number
    date = doc.date
    year = date.year if date else (today or dt.date.today()).year
    return Issue(number=number, date=date, year=year, numbered=numbered or number is not None)


def symbol(agency: Agency, type_symbol: str | None) -> str:
    """Ký hiệu: type abbreviation + agency code (công văn has no type part)."""
    return f"{type_symbol}-{agency.code}" if type_symbol else agency.code


def header(doc: DocumentInput, issue: Issue, type_symbol: str | None, *, numbered: bool = True) -> dict:
    column = LEFT_COL_MM - CELL_PAD_MM
    agency = centred(upper_vi(doc.agency.name), column, 12, keep=(doc.place,))
    return {
        "parent": centred(upper_vi(doc.agency.parent), column, 12, bold=False, keep=(doc.place,))
        if doc.agency.parent else "",
        "agency": agency,
        "agency_rule_indent": agency_rule_indent(agency),
        "number_line": number_line(issue.number, symbol(doc.agency, type_symbol)) if numbered else "",
        "date_line": date_line(doc.place, issue.shown_date, year=issue.year),
    }


def reference(issue: Issue, type_symbol: str, doc: DocumentInput) -> str:
    """'05/QĐ-SNV ngày 05 tháng 02 năm 2026' for '(Kèm theo Quyết định số …)'."""
    num = number_symbol(issue.number, symbol(doc.agency, type_symbol))
    return f"{num} {date_phrase(issue.shown_date, year=issue.year)}"


def signer_lines(lines: Sequence[str], *, width_mm: float = SIGNER_COL_MM - CELL_PAD_MM,
                 size_pt: float = 14, keep: Sequence[str | None] = ()) -> list[str]:
    """Signer title lines (KT., the title, the unit), each broken where it reads well."""
    return [part for line in lines for part in centred_lines(line, width_mm, size_pt, keep=keep)]


def signer_block(signer: Signer, *, keep: Sequence[str | None] = ()) -> dict:
    lines = [upper_vi(signer.authority)] if signer.authority else []
    lines.append(upper_vi(signer.title))
    return {"lines": signer_lines(lines, keep=keep), "name": signer.name}


def title_lines(text: str, *, size_pt: float = 14, keep: Sequence[str | None] = ()) -> str:
    """A centred title or trích yếu (14 bold), broken evenly, never a word alone below."""
    return centred(text, TITLE_WIDTH_MM, size_pt, keep=keep)


def punctuate(items: Sequence[str], *, last: str = ".", sep: str = ";") -> list[str]:
    """One item a line, each ending ';' and the last '.', as Decree 30 writes lists.

    A clerk pasting last year's lines brings their punctuation along: one
    trailing ';', '.' or ',' is replaced rather than doubled.
    """
    out = []
    for i, item in enumerate(items):
        body = item[:-1].rstrip() if item[-1:] in ";.," and len(item) > 1 else item
        out.append(body + (last if i == len(items) - 1 else sep))
    return out


def recipients(items: Sequence[str], filing: str) -> list[str]:
    return ["- " + line for line in punctuate([*items, f"Lưu: {filing}"])]
