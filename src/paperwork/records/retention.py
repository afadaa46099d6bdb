"""Retention of dossiers and their transfer to the agency archive: the rules are data.

The table ships in ``data/retention.toml`` (each rule with its source and how sure it is); a
workspace changes or adds rules under ``[records.retention."KEY"]`` in paperwork.toml::

    table = retention_table(settings)           # shipped rules under the workspace's
    rule = table.match("Hồ sơ khen thưởng Giấy khen của Giám đốc Sở năm 2026")
    rule.retention                              # Retention(years=10) -> "10 năm"
    table.transfer.must_transfer(rule.retention)    # True: 5 years or more (Decree 30 Điều 31)
    table.transfer.due(dt.date(2026, 12, 20))   # 2027-12-31 (Luật Lưu trữ 2024)

Pure: no catalog, no files but the shipped table.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from ..archive.folding import collapse_spaces, fold, fold_words
from ..errors import InputError
from ..i18n import N_, _
from ..tomlread import TomlReader
from ..vietnamese import clean_text

__all__ = [
    "CONFIDENCE",
    "Retention",
    "RetentionRule",
    "RetentionTable",
    "TransferRules",
    "parse_retention",
    "retention_table",
    "shipped_table",
]

SHIPPED = "retention.toml"
CONFIDENCE = {
    "P": "the circular's table read",
    "S": "a secondary source quotes the circular",
    "U": "unconfirmed: the value of TT 09/2011/TT-BNV, the circular's predecessor",
}
PERMANENT_WORDS = ("vinh vien", "vv")
_YEARS = re.compile(r"(\d{1,3})(?:\s*(?:nam|years?))?")
RETENTION_HINT = N_("must be Vĩnh viễn or a number of years, e.g. 20 năm")


@dataclass(frozen=True, order=True)
class Retention:
    """Vĩnh viễn (``years=None``) or a number of years."""

    years: int | None = None

    @property
    def permanent(self) -> bool:
        return self.years is None

    def __str__(self) -> str:
        return "Vĩnh viễn" if self.years is None else f"{self.years} năm"

    def at_least(self, years: int) -> bool:
        return self.years is None or self.years >= years


def parse_retention(value: object) -> Retention:
    """``"Vĩnh viễn"``, ``"VV"``, ``"20 năm"``, ``"20"`` or ``20`` -> Retention; ``ValueError`` otherwise."""
    if isinstance(value, bool):
        raise ValueError(_(RETENTION_HINT))
    if isinstance(value, int):
        years = value
    elif isinstance(value, float) and value.is_integer():  # a spreadsheet's 20.0
        years = int(value)
    elif isinstance(value, str):
        text = collapse_spaces(fold(value)).strip(" .")
        if text in PERMANENT_WORDS:
            return Retention(None)
        m = _YEARS.fullmatch(text)
        if not m:
            raise ValueError(f"{value!r} {_(RETENTION_HINT)}")
        years = int(m.group(1))
    else:
        raise ValueError(_(RETENTION_HINT))
    if not 1 <= years <= 100:
        raise ValueError(_("{value!r}: a number of years is 1 to 100 ({RETENTION_HINT})").format(
            value=value, RETENTION_HINT=_(RETENTION_HINT)
        ))
    return Retention(years)


@dataclass(frozen=True)
class RetentionRule:
    key: str
    title: str
    retention: Retention
    match: tuple[str, ...]
    source: str
    confidence: str  # "P" | "S" | "U" (see CONFIDENCE); "W": set by the workspace
    group: str = ""

    @property
    def unconfirmed(self) -> bool:
        return self.confidence == "U"

    def basis(self) -> str:
        """``"Thông tư … (rule tdkt.quy-che)"`` and, when unconfirmed, says so."""
        text = f"{self.source} (rule {self.key})"
        return f"{text}; unconfirmed: TT 09/2011 value" if self.unconfirmed else text


@dataclass(frozen=True)
class Deadline:
    rule: str  # "one-year-from-end" | "end-of-next-year"
    source: str
    start: dt.date | None
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class TransferRules:
    """Which closed dossiers go to the agency archive, by when, and when to warn."""

    min_years: int
    min_years_source: str
    warn_days: int
    warn_days_source: str
    deadlines: tuple[Deadline, ...]

    def must_transfer(self, retention: Retention) -> bool:
        return retention.at_least(self.min_years)

    def deadline_for(self, end: dt.date) -> Deadline:
        for d in self.deadlines:
            if d.covers(end):
                return d
        raise InputError(_("no transfer deadline rule covers a dossier ended on {date}").format(
            date=end.isoformat()
        ), source=SHIPPED)

    def due(self, end: dt.date) -> dt.date:
        """The last day to hand a dossier whose work ended on ``end`` to the agency archive."""
        rule = self.deadline_for(end).rule
        if rule == "end-of-next-year":
            return dt.date(end.year + 1, 12, 31)
        try:
            return end.replace(year=end.year + 1)
        except ValueError:  # 29 February
            return dt.date(end.year + 1, 2, 28)


@dataclass(frozen=True)
class RetentionTable:
    rules: tuple[RetentionRule, ...]
    transfer: TransferRules

    def get(self, key: str) -> RetentionRule | None:
        return next((r for r in self.rules if r.key == key), None)

    def match(self, title: str) -> RetentionRule | None:
        """The rule one of whose phrases the title contains (words folded, punctuation ignored).

        The phrase found first in the title wins (a title names its subject first: "Hồ sơ xây dựng
        Quy chế thi đua, khen thưởng"), then the longer one, then the rule listed first.
        """
        words = f" {' '.join(fold_words(title))} "
        best: tuple[int, int, int, RetentionRule] | None = None
        for order, rule in enumerate(self.rules):
            for phrase in rule.match:
                folded = " ".join(fold_words(phrase))
                at = words.find(f" {folded} ") if folded else -1
                if at >= 0:
                    candidate = (-at, len(folded), -order, rule)
                    if best is None or candidate[:3] > best[:3]:
                        best = candidate
        return best[3] if best else None


# --------------------------------------------------------------------------- reading


class _Reader(TomlReader):
    def text(self, value: object, path: str, *, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str):
            raise self.fail(path, _("must be a string"))
        try:
            return clean_text(value)
        except ValueError as e:
            raise self.fail(path, str(e)) from None

    def retention(self, value: object, path: str) -> Retention:
        try:
            return parse_retention(value)
        except ValueError as e:
            raise self.fail(path, str(e)) from None

    def phrases(self, value: object, path: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(path, _("must be a list of phrases, e.g. [\"giấy khen\"]"))
        return tuple(clean_text(v) for v in value)

    def whole(self, value: object, path: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(path, _("must be a whole number, {low} to {high}").format(low=low, high=high))
        return value


_RULE_FIELDS = ("key", "group", "title", "retention", "match", "source", "confidence")


def _rule(r: _Reader, raw: object, path: str) -> RetentionRule:
    t = r.table(raw, path, _RULE_FIELDS)
    confidence = r.text(t.get("confidence"), f"{path}.confidence")
    if confidence not in CONFIDENCE:
        raise r.fail(f"{path}.confidence", _("must be one of {CONFIDENCE}").format(
            CONFIDENCE=', '.join(CONFIDENCE)
        ))
    return RetentionRule(
        key=r.text(t.get("key"), f"{path}.key"),
        group=r.text(t.get("group"), f"{path}.group", required=False) or "",
        title=r.text(t.get("title"), f"{path}.title"),
        retention=r.retention(t.get("retention"), f"{path}.retention"),
        match=r.phrases(t.get("match", []), f"{path}.match"),
        source=r.text(t.get("source"), f"{path}.source"),
        confidence=confidence,
    )


def _transfer(r: _Reader, raw: object) -> TransferRules:
    t = r.table(raw, "transfer", ("min_years", "min_years_source", "warn_days", "warn_days_source", "deadline"))
    deadlines = []
    raw_deadlines = t.get("deadline", [])
    if not isinstance(raw_deadlines, list) or not raw_deadlines:
        raise r.fail("transfer.deadline", _("must be a list of tables ([[transfer.deadline]])"))
    for i, item in enumerate(raw_deadlines):
        path = f"transfer.deadline[{i}]"
        d = r.table(item, path, ("from", "until", "rule", "source"))
        rule = r.text(d.get("rule"), f"{path}.rule")
        if rule not in ("one-year-from-end", "end-of-next-year"):
            raise r.fail(f"{path}.rule", _("must be one-year-from-end or end-of-next-year"))
        deadlines.append(Deadline(rule, r.text(d.get("source"), f"{path}.source"),
                                  r.date(d.get("from"), f"{path}.from"), r.date(d.get("until"), f"{path}.until")))
    return TransferRules(
        min_years=r.whole(t.get("min_years"), "transfer.min_years", 1, 100),
        min_years_source=r.text(t.get("min_years_source"), "transfer.min_years_source"),
        warn_days=r.whole(t.get("warn_days"), "transfer.warn_days", 0, 366),
        warn_days_source=r.text(t.get("warn_days_source"), "transfer.warn_days_source"),
        deadlines=tuple(deadlines),
    )


@lru_cache(maxsize=1)
def shipped_table() -> RetentionTable:
    """The table paperwork ships (read once)."""
    text = resources.files("paperwork").joinpath("data", SHIPPED).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    r = _Reader(SHIPPED)
    r.table(data, "", ("transfer", "rule"))
    rules = data.get("rule", [])
    if not isinstance(rules, list):
        raise r.fail("rule", _("must be a list of tables ([[rule]])"))
    parsed = tuple(_rule(r, raw, f"rule[{i}]") for i, raw in enumerate(rules))
    _unique(r, parsed)
    return RetentionTable(parsed, _transfer(r, data.get("transfer")))


def _unique(r: _Reader, rules: Sequence[RetentionRule]) -> None:
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.key in seen:
            raise r.fail(f"rule[{i}].key", _("{key!r} is used twice").format(key=rule.key))
        seen.add(rule.key)


def retention_table(
    overrides: Mapping[str, object] | None = None, *, warn_days: int | None = None, source: str | None = None
) -> RetentionTable:
    """The shipped table under a workspace's raw ``[records.retention]`` (and ``[records] warn_days``).

    An override naming a shipped key changes the fields it gives (its confidence becomes "W", the
    workspace's own); a new key adds a rule, which needs ``title``, ``retention`` and ``match``.
    """
    shipped = shipped_table()
    transfer = shipped.transfer if warn_days is None else replace(
        shipped.transfer, warn_days=warn_days, warn_days_source="paperwork.toml [records] warn_days")
    if not overrides:
        return replace(shipped, transfer=transfer)
    r = _Reader(source)
    rules = list(shipped.rules)
    for key, raw in overrides.items():
        path = f'records.retention."{key}"'
        t = r.table(raw, path, ("group", "title", "retention", "match", "source"))
        label = r.text(t.get("source"), f"{path}.source", required=False) or f"{source or 'paperwork.toml'} [{path}]"
        existing = next((i for i, rule in enumerate(rules) if rule.key == key), None)
        if existing is None:
            for needed in ("title", "retention", "match"):
                if needed not in t:
                    raise r.fail(f"{path}.{needed}", _("field required for a rule paperwork does not ship"))
            rules.append(RetentionRule(
                key=key, title=r.text(t["title"], f"{path}.title"),
                retention=r.retention(t["retention"], f"{path}.retention"),
                match=r.phrases(t["match"], f"{path}.match"), source=label, confidence="W",
                group=r.text(t.get("group"), f"{path}.group", required=False) or ""))
            continue
        rule = rules[existing]
        changes: dict[str, object] = {"source": label, "confidence": "W"}
        if "title" in t:
            changes["title"] = r.text(t["title"], f"{path}.title")
        if "group" in t:
            changes["group"] = r.text(t["group"], f"{path}.group")
        if "retention" in t:
            changes["retention"] = r.retention(t["retention"], f"{path}.retention")
        if "match" in t:
            changes["match"] = r.phrases(t["match"], f"{path}.match")
        rules[existing] = replace(rule, **changes)
    # A workspace's rules are tried first when two phrases are equally long.
    ordered = [rule for rule in rules if rule.confidence == "W"] + [rule for rule in rules if rule.confidence != "W"]
    return RetentionTable(tuple(ordered), transfer)

