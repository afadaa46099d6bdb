"""Quyết định khen thưởng (Mẫu 1.2) with its attached list (danh sách kèm theo)."""

from __future__ import annotations

from ..models import RewardDecisionInput
from ..vietnamese import count_str, format_money, money_in_words, upper_vi
from .common import Issue, header, punctuate, recipients, reference, signer_block

TYPE_SYMBOL = "QĐ"


def _sentence(text: str) -> str:
    """User text that paperwork closes itself: one trailing mark is replaced."""
    return punctuate([text], last="")[0]


def _counts(n_collective: int, n_individual: int) -> str:
    parts = []
    if n_collective:
        parts.append(f"{count_str(n_collective)} tập thể")
    if n_individual:
        parts.append(f"{count_str(n_individual)} cá nhân")
    return " và ".join(parts)


def build(doc: RewardDecisionInput, issue: Issue) -> dict:
    collectives = [a for a in doc.awardees if a.kind == "collective"]
    individuals = [a for a in doc.awardees if a.kind == "individual"]
    total = sum(a.amount for a in doc.awardees)
    words = money_in_words(total)

    articles = [
        f"Tặng {doc.award} cho {_counts(len(collectives), len(individuals))} "
        f"(có tên trong danh sách kèm theo), {_sentence(doc.achievement)}.",
    ]
    if total:
        articles.append(
            "Tiền thưởng của mỗi tập thể, cá nhân theo danh sách kèm theo; tổng số tiền: "
            f"{format_money(total)} đồng ({words}), được chi từ {_sentence(doc.fund)}."
        )
    articles.append(
        "Quyết định này có hiệu lực kể từ ngày ký. "
        f"{_sentence(doc.executors)} chịu trách nhiệm thi hành Quyết định này./."
    )

    groups = []
    roman = iter(("I", "II"))
    if collectives:
        groups.append(f"{next(roman)}. TẬP THỂ ({count_str(len(collectives))})")
    if individuals:
        groups.append(f"{next(roman)}. CÁ NHÂN ({count_str(len(individuals))})")
    who = {(True, True): "Tập thể, cá nhân", (True, False): "Tập thể", (False, True): "Cá nhân"}[
        (bool(collectives), bool(individuals))
    ]

    return {
        **header(doc, issue, TYPE_SYMBOL),
        "title": doc.title,
        "authority_line": upper_vi(doc.issuer_title),
        "bases": punctuate([*doc.bases, *([doc.proposal] if doc.proposal else [])]),
        "articles": [{"head": f"Điều {i}.", "text": text} for i, text in enumerate(articles, start=1)],
        "recipients": recipients(doc.recipients, doc.filing),
        "signer": signer_block(doc.signer),
        "annex_title": f"{who} được tặng {doc.award}",
        "annex_ref": f"(Kèm theo Quyết định số {reference(issue, TYPE_SYMBOL, doc)} của {doc.issuer_title})",
        "collectives_heading": groups[0] if collectives else "",
        "individuals_heading": groups[-1] if individuals else "",
        "collectives": [
            {"no": str(i), "name": a.name, "amount": format_money(a.amount), "note": a.note or ""}
            for i, a in enumerate(collectives, start=1)
        ],
        "individuals": [
            {
                "no": str(i),
                "name": a.name,
                "position_unit": ", ".join(p for p in (a.position, a.unit) if p),
                "amount": format_money(a.amount),
                "note": a.note or "",
            }
            for i, a in enumerate(individuals, start=1)
        ],
        "total_line": f"Tổng cộng: {count_str(len(doc.awardees))} ({_counts(len(collectives), len(individuals))}). "
        f"Tổng số tiền: {format_money(total)} đồng.",
        "total_words": f"(Bằng chữ: {words})",
    }


def title_of(doc: RewardDecisionInput) -> str:
    return doc.title
