"""Giấy khen / Bằng khen for printing: one landscape page per awardee, citing the decision.

A certificate is not one of Decree 30's document types and carries no number
of its own: it cites the decision that conferred the award (its number, symbol
and date). Wording only here; the page layout is in tools/build_templates.py.
"""

from __future__ import annotations

from ..models import Awardee, CertificateInput
from ..vietnamese import date_line, date_phrase, number_symbol, upper_vi
from ..layout import CERT_TEXT_MM, centred
from .common import Issue, signer_block

# Decree 30 gives Bằng khen / Giấy khen no type abbreviation, and the register
# never numbers a certificate (Kind.numbered=False, and the model refuses a number).
TYPE_SYMBOL = ""
DECISION_TYPE = "QĐ"


def decision_line(doc: CertificateInput) -> str:
    symbol = doc.decision.symbol or f"{DECISION_TYPE}-{doc.agency.code}"
    return f"Quyết định số {number_symbol(doc.decision.number, symbol)} {date_phrase(doc.decision.date)}"


def _page(awardee: Awardee) -> dict:
    return {"name": awardee.name, "position_unit": ", ".join(p for p in (awardee.position, awardee.unit) if p)}


def build(doc: CertificateInput, issue: Issue) -> dict:
    return {
        "authority": centred(upper_vi(doc.issuer_title), CERT_TEXT_MM, 16),
        "award": centred(upper_vi(doc.award), CERT_TEXT_MM, 40),
        "achievement": doc.achievement,
        "decision_line": decision_line(doc),
        "date_line": date_line(doc.place, doc.date or doc.decision.date),
        "signer": signer_block(doc.signer),
        "pages": [_page(a) for a in doc.awardees],
    }


def title_of(doc: CertificateInput) -> str:
    return f"{doc.award} của {doc.issuer_title} ({decision_line(doc)})"
