"""Quyết định khen thưởng (Mẫu 1.2): Điều 1 names one or two awardees; more go into the attached list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputError
from ..i18n import _
from ..models import Awardee, RewardDecisionInput
from ..money import Reward, Rules, rules_for, shipped_rules
from ..vietnamese import count_str, format_money, money_in_words, upper_vi
from .common import Issue, header, punctuate, recipients, reference, signer_block, title_lines

if TYPE_CHECKING:
    from ..config import Workspace

TYPE_SYMBOL = "QĐ"
# Up to this many awardees, Điều 1 names them and no list is attached.
LISTED_INLINE = 2


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


def _who(a: Awardee) -> str:
    """An awardee as Điều 1 names it: name, position and unit, the note in brackets."""
    who = ", ".join(p for p in (a.name, a.position, a.unit) if p)
    return f"{who} ({a.note})" if a.note else who


def _article(text: str, items: list[str] | None = None) -> dict:
    return {"text": text, "entries": items or []}


def _articles_with_list(doc: RewardDecisionInput, collectives: list, individuals: list, total: int,
                        words: str) -> list[dict]:
    articles = [
        _article(
            f"Tặng {doc.award} cho {_counts(len(collectives), len(individuals))} "
            f"(có tên trong danh sách kèm theo), {_sentence(doc.achievement)}."
        )
    ]
    if total:
        articles.append(
            _article(
                "Tiền thưởng của mỗi tập thể, cá nhân theo danh sách kèm theo; tổng số tiền: "
                f"{format_money(total)} đồng ({words}), được chi từ {_sentence(doc.fund)}."
            )
        )
    return articles


def _articles_naming(doc: RewardDecisionInput, lines: list, total: int, words: str,
                     rules: Rules | None) -> list[dict]:
    """One or two awardees: Điều 1 names them, Điều 2 gives each one's money; no list."""
    n_collective = sum(1 for a, _ in lines if a.kind == "collective")
    if len(lines) == 1:
        [(a, _)] = lines
        articles = [_article(f"Tặng {doc.award} cho {_who(a)}, {_sentence(doc.achievement)}.")]
    else:
        names = punctuate([_who(a) for a, _ in lines])
        articles = [
            _article(
                f"Tặng {doc.award} cho {_counts(n_collective, len(lines) - n_collective)}, "
                f"{_sentence(doc.achievement)}:",
                [f"{i}. {name}" for i, name in enumerate(names, start=1)],
            )
        ]
    if total:
        def paid(amount: int, reward: Reward | None) -> str:
            formula = f" ({reward.formula})" if rules is not None and reward is not None else ""
            return f"{format_money(amount)} đồng{formula}"

        if len(lines) == 1:
            [(_, money)] = lines
            text = f"Tiền thưởng: {paid(*money)} ({words})"
        else:
            each = "; ".join(f"{a.name}: {paid(*money)}" for a, money in lines)
            text = f"Tiền thưởng: {each}; tổng số tiền: {format_money(total)} đồng ({words})"
        text += f", được chi từ {_sentence(doc.fund)}."
        computed = [reward for _, (_, reward) in lines if reward is not None]
        if rules is not None and computed:
            text += " " + rules.describe(computed)  # what the list's footnote says, when asked
        articles.append(_article(text))
    return articles


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
            raise InputError(_("no amount and no decision date to compute it from; give `date` or type the amount"),
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

    annexed = len(doc.awardees) > LISTED_INLINE
    if annexed:
        articles = _articles_with_list(doc, collectives, individuals, total, words)
    else:
        articles = _articles_naming(doc, lines, total, words, rules if doc.show_rule else None)
    # The executors' sentence closes the last article as a paragraph of its own: it is
    # what the template keeps with the signature, so it should be short.
    articles.append(_article("Quyết định này có hiệu lực kể từ ngày ký."))

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
        "title": title_lines(doc.title, keep=(doc.place,)),
        "authority_line": upper_vi(doc.issuer_title),
        "bases": punctuate([*doc.bases, *([doc.proposal] if doc.proposal else [])]),
        "articles": [{"head": f"Điều {i}.", **a} for i, a in enumerate(articles, start=1)],
        "closing": f"{_sentence(doc.executors)} chịu trách nhiệm thi hành Quyết định này./.",
        "annexed": annexed,
        "recipients": recipients(doc.recipients, doc.filing),
        "signer": signer_block(doc.signer, keep=(doc.place,)),
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
