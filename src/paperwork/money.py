"""Reward money: coefficient × mức lương cơ sở on the decision date, rounded (spec §4.5–4.8).

Pure and small: the legal values are data, shipped in ``data/reward_money.toml``
(each with its dates and source), under the workspace's own ``[money]`` table of
``paperwork.toml``, which wins wherever it covers the date asked about::

    [money]
    rounding = "nearest"          # "up" (default: next 10.000 đồng) or "nearest"
    step = 10000                  # optional: the multiple rounded to

    [[money.base_salary]]         # a base salary in force from..until (inclusive)
    value = 2530000
    from = 2026-07-01             # required
    until = 2027-06-30            # optional: open-ended without it
    source = "Nghị định số …"     # optional, shown with show_rule

    [money.coefficients]          # by award/title name, matched like the shipped names
    "Bằng khen của Bộ trưởng" = {individual = 1.5, collective = 3.0}
    "Giấy khen của Giám đốc Sở" = [  # or several periods
      {individual = 0.3, collective = 0.6, until = 2023-12-31},
      {individual = 0.5, collective = 1.0, from = 2025-07-01, source = "…"},
    ]

Precedence: a workspace value covering the date wins over a shipped one (for
individuals and collectives separately); within one layer the most specific
matching name, then the value with the latest ``from``, wins (a new decree
replaces the old from its effective date). Errors are ``InputError`` naming the field.
"""

from __future__ import annotations

import datetime as dt
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from typing import Literal

from .errors import InputError
from .i18n import _
from .tomlread import TomlReader
from .vietnamese import format_decimal, format_money

__all__ = [
    "ROUNDING_MODES",
    "BaseSalary",
    "Coefficient",
    "Reward",
    "Rules",
    "round_money",
    "rules_for",
    "shipped_rules",
]

ROUNDING_MODES = ("up", "nearest")
SHIPPED = "reward_money.toml"
Subject = Literal["individual", "collective"]


def round_money(value: Decimal, mode: str = "up", step: int = 10_000) -> int:
    """Round a product in đồng to a multiple of ``step``.

    ``up``: the next multiple ("làm tròn số lên", the decree's wording), so
    702.000 → 710.000 and an exact multiple stays; ``nearest``: half up.
    """
    if mode not in ROUNDING_MODES:
        raise ValueError(_("rounding must be one of {ROUNDING_MODES}, got {mode!r}").format(
            ROUNDING_MODES=ROUNDING_MODES, mode=mode
        ))
    how = ROUND_CEILING if mode == "up" else ROUND_HALF_UP
    return int((Decimal(value) / step).quantize(Decimal(1), rounding=how)) * step


def coefficient_str(value: Decimal) -> str:
    """``1.5`` → ``"1,5"``, ``1`` → ``"1,0"``: the decrees write coefficients with a decimal."""
    text = format_decimal(value)
    return text if "," in text else text + ",0"


@dataclass(frozen=True)
class BaseSalary:
    value: int
    start: dt.date
    end: dt.date | None
    source: str

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Coefficient:
    names: tuple[str, ...]
    individual: Decimal | None
    collective: Decimal | None
    start: dt.date | None
    end: dt.date | None
    source: str

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def match(self, award: str) -> int:
        """Length of the longest name ``award`` equals or starts with (at a word end); 0 = none."""
        key = _key(award)
        best = 0
        for name in self.names:
            k = _key(name)
            if key == k or (key.startswith(k) and not key[len(k)].isalnum()):
                best = max(best, len(k))
        return best


@dataclass(frozen=True)
class Reward:
    """One computed amount and what produced it (for ``show_rule``)."""

    amount: int
    coefficient: Decimal
    base: BaseSalary
    rule: Coefficient

    @property
    def formula(self) -> str:
        return f"{coefficient_str(self.coefficient)} × {format_money(self.base.value)}"


@dataclass(frozen=True)
class Rules:
    """Layers of values, the workspace's first; rounding mode and step."""

    base_salaries: tuple[tuple[BaseSalary, ...], ...]
    coefficients: tuple[tuple[Coefficient, ...], ...]
    rounding: str = "up"
    step: int = 10_000

    def base_salary(self, day: dt.date, *, field: str | None = None) -> BaseSalary:
        for layer in self.base_salaries:
            found = [b for b in layer if b.covers(day)]
            if found:
                return max(found, key=lambda b: b.start)
        raise InputError(
            _("no base salary (mức lương cơ sở) is known for {date}; add it under "
              "[[money.base_salary]] in paperwork.toml or type the amount").format(date=day.isoformat()),
            field=field,
        )

    def coefficient(self, award: str, subject: Subject, day: dt.date, *, field: str | None = None) -> Coefficient:
        # Per subject: a workspace giving only the individual value keeps the shipped collective one.
        without: Coefficient | None = None
        for layer in self.coefficients:
            rule = _best(layer, award, day)
            if rule is not None and getattr(rule, subject) is not None:
                return rule
            without = without or rule
        if without is not None:
            raise InputError(
                (_("'{award}' is not given to a collective (rule '{names}'); check kind and award_rule, "
                   "or type the amount") if subject == "collective" else
                 _("'{award}' is not given to an individual (rule '{names}'); check kind and award_rule, "
                   "or type the amount")).format(
                    award=award, names=without.names[0]
                ),
                field=field,
            )
        raise InputError(
            _("no coefficient for '{award}' on {date}; set award_rule to a known award or title, add "
              "it under [money.coefficients] in paperwork.toml, or type the amount").format(
                award=award, date=day.isoformat()
            ),
            field=field,
        )

    def reward(self, award: str, subject: Subject, day: dt.date, *, field: str | None = None) -> Reward:
        rule = self.coefficient(award, subject, day, field=field)
        base = self.base_salary(day, field=field)
        coef = getattr(rule, subject)
        assert coef is not None  # coefficient() refused a missing one
        amount = round_money(coef * base.value, self.rounding, self.step)
        return Reward(amount, coef, base, rule)

    def describe(self, rewards: Sequence[Reward]) -> str:
        """One sentence saying how the computed amounts were made (the list's footnote)."""
        if not rewards:
            return ""
        bases = _unique(f"{format_money(r.base.value)} đồng ({r.base.source})" for r in rewards)
        sources = _unique(r.rule.source for r in rewards)
        step = "hàng chục nghìn đồng" if self.step == 10_000 else f"bội số của {format_money(self.step)} đồng"
        how = "làm tròn số lên" if self.rounding == "up" else "làm tròn"
        return (
            f"Số tiền thưởng = hệ số × mức lương cơ sở {', '.join(bases)}, {how} {step}; "
            f"hệ số theo {'; '.join(sources)}."
        )


def _key(name: str) -> str:
    # Case, spacing and the old/new placement of the tone mark on "ủy" never change the award.
    text = unicodedata.normalize("NFC", name).casefold().replace("uỷ", "ủy")
    return " ".join(text.split())


def _best(layer: Iterable[Coefficient], award: str, day: dt.date) -> Coefficient | None:
    """The entry of the most specific matching name covering ``day`` (latest start wins)."""
    scored = [(c.match(award), c) for c in layer]
    top = max((score for score, _ in scored), default=0)
    if not top:
        return None
    covering = [c for score, c in scored if score == top and c.covers(day)]
    if not covering:
        return None
    return max(covering, key=lambda c: c.start or dt.date.min)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# ---------------------------------------------------------------- reading the data
class _Reader(TomlReader):
    """Typed access to a raw TOML mapping, every error naming its file and field path."""

    def number(self, value: object, path: str) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
            raise self.fail(path, _("must be a number, e.g. 1.5"))
        try:
            # str() first: Decimal(0.3) would carry the binary float's expansion into the money.
            dec = Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            raise self.fail(path, _("must be a number, e.g. 1.5")) from None
        if not dec.is_finite() or dec <= 0:
            raise self.fail(path, _("must be a positive number"))
        return dec

    def text(self, value: object, path: str, default: str) -> str:
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, _("must be a non-empty string"))
        return value.strip()

    def span(self, start: dt.date | None, end: dt.date | None, path: str) -> None:
        if start is not None and end is not None and end < start:
            raise self.fail(f"{path}.until", _("must not be before `from`"))

    def base_salary(self, raw: object, path: str, default_source: str) -> BaseSalary:
        t = self.table(raw, path, ("value", "from", "until", "source"))
        value = t.get("value")
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.fail(f"{path}.value", _("must be a whole number of đồng, e.g. 2340000"))
        start = self.date(t.get("from"), f"{path}.from")
        if start is None:
            raise self.fail(f"{path}.from", _("field required (the date the value takes effect)"))
        end = self.date(t.get("until"), f"{path}.until")
        self.span(start, end, path)
        return BaseSalary(value, start, end, self.text(t.get("source"), f"{path}.source", default_source))

    def coefficient(self, raw: object, path: str, names: tuple[str, ...], default_source: str) -> Coefficient:
        allowed = ("individual", "collective", "from", "until", "source") + (("names",) if not names else ())
        t = self.table(raw, path, allowed)
        if not names:
            listed = t.get("names")
            if not isinstance(listed, list) or not listed or not all(isinstance(n, str) and n.strip() for n in listed):
                raise self.fail(f"{path}.names", _("must be a list of award or title names"))
            names = tuple(listed)
        individual = self.number(t.get("individual"), f"{path}.individual")
        collective = self.number(t.get("collective"), f"{path}.collective")
        if individual is None and collective is None:
            raise self.fail(path, _("give `individual`, `collective` or both"))
        start = self.date(t.get("from"), f"{path}.from")
        end = self.date(t.get("until"), f"{path}.until")
        self.span(start, end, path)
        source = self.text(t.get("source"), f"{path}.source", default_source)
        return Coefficient(names, individual, collective, start, end, source)

    def rounding(self, t: Mapping[str, object], prefix: str) -> tuple[str | None, int | None]:
        mode = t.get("rounding")
        if mode is not None and (not isinstance(mode, str) or mode not in ROUNDING_MODES):
            raise self.fail(f"{prefix}rounding", _("must be one of {ROUNDING_MODES}").format(
                ROUNDING_MODES=', '.join(ROUNDING_MODES)
            ))
        step = t.get("step")
        if step is not None and (isinstance(step, bool) or not isinstance(step, int) or step <= 0):
            raise self.fail(f"{prefix}step", _("must be a positive whole number of đồng, e.g. 10000"))
        return mode, step


@lru_cache(maxsize=1)
def shipped_rules() -> Rules:
    """The rules paperwork ships (read once; a broken file is a bug, reported as such)."""
    text = resources.files("paperwork").joinpath("data", SHIPPED).read_text(encoding="utf-8")
    data = tomllib.loads(text, parse_float=Decimal)
    r = _Reader(SHIPPED)
    r.table(data, "", ("rounding", "step", "base_salary", "coefficient"))
    mode, step = r.rounding(data, "")
    salaries = tuple(
        r.base_salary(raw, f"base_salary[{i}]", SHIPPED) for i, raw in enumerate(_list(data, "base_salary", r))
    )
    coefficients = tuple(
        r.coefficient(raw, f"coefficient[{i}]", (), SHIPPED) for i, raw in enumerate(_list(data, "coefficient", r))
    )
    return Rules((salaries,), (coefficients,), mode or "up", step or 10_000)


def _list(data: Mapping[str, object], key: str, r: _Reader, prefix: str = "") -> list[object]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise r.fail(f"{prefix}{key}", _("must be a list of tables ([[…]])"))
    return value


def rules_for(overrides: Mapping[str, object] | None = None, *, source: str | None = None) -> Rules:
    """The shipped rules under a workspace's raw ``[money]`` table (``Workspace.money``).

    ``source`` names the profile file in error messages.
    """
    shipped = shipped_rules()
    if not overrides:
        return shipped
    r = _Reader(source)
    t = r.table(overrides, "money", ("rounding", "step", "base_salary", "coefficients"))
    mode, step = r.rounding(t, "money.")
    label = source or "paperwork.toml"
    salaries = tuple(
        r.base_salary(raw, f"money.base_salary[{i}]", label)
        for i, raw in enumerate(_list(t, "base_salary", r, "money."))
    )
    coefficients: list[Coefficient] = []
    named = r.table(t.get("coefficients", {}), "money.coefficients", None)
    for name, raw in named.items():
        path = f'money.coefficients."{name}"'
        periods = raw if isinstance(raw, list) else [raw]
        for i, period in enumerate(periods):
            where = f"{path}[{i}]" if isinstance(raw, list) else path
            coefficients.append(r.coefficient(period, where, (name,), label))
    return Rules(
        (salaries, *shipped.base_salaries),
        (tuple(coefficients), *shipped.coefficients),
        mode or shipped.rounding,
        step or shipped.step,
    )
