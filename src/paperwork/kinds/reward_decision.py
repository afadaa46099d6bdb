"""Quyết định khen thưởng (Mẫu 1.2) with its attached list (danh sách kèm theo)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputError
from ..models import Awardee, RewardDecisionInput
from ..money import Reward, Rules, rules_for, shipped_rules
from ..vietnamese import count_str, format_money, money_in_words, upper_vi
from .common import Issue, header, punctuate, recipients, reference, signer_block

if TYPE_CHECKING:
    from ..config import Workspace

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


def settings(ws: Workspace) -> dict[str, Rules]:
    """What build takes from the workspace: the money rules under its [money] table."""
    source = str(ws.profile_path) if ws.profile_path else None
    return {"rules": rules_for(ws.money, source=source)}


def amounts(doc: RewardDecisionInput, rules: Rules) -> list[tuple[int, Reward | None]]:
    """Each awardee's amount: as typed, or computed on the decision date (Reward says how)."""
    out: list[tuple[int, Reward | None]] = []
    for i, a in enumerate(doc.awardees):
        if a.amount is not None:
            out.append((a.amount, None))
            continue
        field = f"awardees[{i}].amount"
        if doc.date is None:
            # The base salary in force on the decision date sets the money: no date, no amount.
            raise InputError("no amount and no decision date to compute it from; give `date` or type the amount",
                             field=field)
        award = a.award_rule or doc.award_rule or doc.award
        reward = rules.reward(award, a.kind, doc.date, field=field)
        out.append((reward.amount, reward))
    return out


def _note(a: Awardee, reward: Reward | None, show_rule: bool) -> str:
    parts = [a.note] if a.note else []
    if show_rule and reward is not None:
        parts.append(reward.formula)
    return "; ".join(parts)


def build(doc: RewardDecisionInput, issue: Issue, rules: Rules | None = None) -> dict:
    """The decision's context; missing amounts come from ``rules`` (default: the shipped ones)."""
    rules = rules or shipped_rules()
    money = amounts(doc, rules)
    lines = list(zip(doc.awardees, money))
    collectives = [(a, m) for a, m in lines if a.kind == "collective"]
    individuals = [(a, m) for a, m in lines if a.kind == "individual"]
    total = sum(amount for amount, _ in money)
    words = money_in_words(total)
    computed = [r for _, r in money if r is not None]

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
            {"no": str(i), "name": a.name, "amount": format_money(amount), "note": _note(a, r, doc.show_rule)}
            for i, (a, (amount, r)) in enumerate(collectives, start=1)
        ],
        "individuals": [
            {
                "no": str(i),
                "name": a.name,
                "position_unit": ", ".join(p for p in (a.position, a.unit) if p),
                "amount": format_money(amount),
                "note": _note(a, r, doc.show_rule),
            }
            for i, (a, (amount, r)) in enumerate(individuals, start=1)
        ],
        "total_line": f"Tổng cộng: {count_str(len(doc.awardees))} ({_counts(len(collectives), len(individuals))}). "
        f"Tổng số tiền: {format_money(total)} đồng.",
        "total_words": f"(Bằng chữ: {words})",
        "money_note": rules.describe(computed) if doc.show_rule else "",
    }


def title_of(doc: RewardDecisionInput) -> str:
    return doc.title
