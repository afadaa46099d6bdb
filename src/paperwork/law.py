"""Căn cứ checked against the law in force on the document's date (spec §0, §1.8, §4.1).

Pure and small, like ``paperwork.money``: the legal documents are data, shipped in
``data/legal_documents.toml`` (each with its dates, source and whether they are
confirmed), under the workspace's ``[law]`` table of ``paperwork.toml``::

    [law]
    strict = true                          # read by the pipeline, not here (checked to be true/false)

    [law.documents."152/2025/NĐ-CP"]       # change a shipped entry: the fields given win
    expired = 2027-03-01                   # first day NO LONGER in force
    replaced_by = "…"                      # must name a document of the table

    [law.documents."12/2026/NĐ-CP"]        # or add one (type, signed, effective required)
    type = "Nghị định"
    issuer = "Chính phủ"
    title = "…"
    signed = 2026-06-01
    effective = 2026-07-15
    source = "Công báo …"

A căn cứ line is read as clerks write it. It is cut into citations at ``;`` and before
a document type after ``,`` or ``và`` ("…năm 2003, Luật sửa đổi…", "… và Nghị định …").
A citation names a document of the table by its number and symbol when it gives one
(``Nghị định số 98/2023/NĐ-CP``, ``NĐ 98/2023/NĐ-CP``: spaces, case, hyphens, leading
zeros and Ð for Đ do not matter), else by a name in ``cited_as`` (Laws: "Luật Thi đua,
khen thưởng") and the date or year of signing ("ngày 15 tháng 6 năm 2022", "năm 2003").
"Luật sửa đổi, bổ sung … năm 2005 và năm 2013" names the amendments of the Law named
before it in the line. Numbers in a citation's trích yếu ("… thi hành Nghị định số
91/2017/NĐ-CP") are not citations. A document the table does not know is never a warning.

Dates: ``effective`` is the first day in force, ``expired`` the first day no longer in
force ("hết hiệu lực kể từ ngày …"). Errors in the data are ``InputError`` naming the field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from .errors import InputError
from .i18n import _
from .tomlread import TomlReader

__all__ = [
    "BASES_FIELDS",
    "Citation",
    "LegalDocument",
    "LegalTable",
    "LegalWarning",
    "check_bases",
    "is_strict",
    "legal_table",
    "parse_basis",
    "shipped_table",
    "symbol_key",
    "warnings_for",
]

SHIPPED = "legal_documents.toml"
# The input fields that hold căn cứ lines, in any kind that has one (models.py: `bases`).
BASES_FIELDS = ("bases", "legal_bases")
TYPES = (
    "Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh", "Nghị quyết", "Nghị định",
    "Quyết định", "Thông tư liên tịch", "Thông tư", "Chỉ thị",
)


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# ---------------------------------------------------------------- the table
@dataclass(frozen=True)
class LegalDocument:
    number: str  # as printed: 98/2023/NĐ-CP
    type: str
    issuer: str
    name: str  # before the number in messages: "Luật Thi đua, khen thưởng", "Nghị định"
    title: str
    cited_as: tuple[str, ...]  # names cited without the number (Laws)
    signed: dt.date
    effective: dt.date
    expired: dt.date | None  # first day no longer in force
    replaced_by: str | None
    amends: str | None
    source: str
    confirmed: bool
    note: str = ""

    @property
    def key(self) -> str:
        key = symbol_key(self.number)
        assert key is not None  # checked when read
        return key

    @property
    def label(self) -> str:
        """``Luật Thi đua, khen thưởng 06/2022/QH15``, ``Nghị định 98/2023/NĐ-CP``."""
        return f"{self.name} {self.number}"

    @property
    def formal(self) -> str:
        """``Luật Thi đua, khen thưởng số 06/2022/QH15``: the document as a căn cứ names it."""
        return f"{self.name} số {self.number}"

    def in_force(self, day: dt.date) -> bool:
        return self.effective <= day and (self.expired is None or day < self.expired)


@dataclass(frozen=True)
class LegalWarning:
    """A căn cứ naming a document not in force on the date of the document citing it."""

    field: str  # the input's path: bases[2]
    document: str  # Luật Thi đua, khen thưởng số 06/2022/QH15
    message: str  # one line, starting with the field
    effective: dt.date
    expired: dt.date | None
    replaced_by: str | None  # the direct successor's number
    number: str = ""
    kind: Literal["not_yet", "expired"] = "expired"
    instead: str | None = None  # what to cite on that date, when the table knows
    confirmed: bool = True  # False: the date the warning rests on is not confirmed


@dataclass(frozen=True)
class Citation:
    """One document named in a căn cứ line, before it is looked up."""

    text: str  # the part of the line that names it, as written
    numbers: tuple[str, ...]  # symbol keys (symbol_key) it cites
    dates: tuple[dt.date, ...]  # "ngày 15 tháng 6 năm 2022"
    years: tuple[int, ...]  # "năm 2003", a bare 2003


@dataclass(frozen=True)
class LegalTable:
    documents: tuple[LegalDocument, ...]
    _by_key: dict[str, LegalDocument] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {d.key: d for d in self.documents})

    def get(self, number: str | None) -> LegalDocument | None:
        key = symbol_key(number) if number else None
        return self._by_key.get(key) if key else None

    def amendments_of(self, doc: LegalDocument) -> list[LegalDocument]:
        return [d for d in self.documents if d.amends and symbol_key(d.amends) == doc.key]

    # -- recognising
    def recognise(self, line: str) -> list[LegalDocument]:
        """The documents of the table a căn cứ line names, in order, each once."""
        found: list[LegalDocument] = []
        context: LegalDocument | None = None  # the Law an elliptical "Luật sửa đổi, bổ sung …" amends
        for cit in parse_basis(line):
            for doc in self._resolve(cit, context):
                if doc not in found:
                    found.append(doc)
                if doc.cited_as and not doc.amends:
                    context = doc
        return found

    def _resolve(self, cit: Citation, context: LegalDocument | None) -> list[LegalDocument]:
        if cit.numbers:
            return [d for k in cit.numbers if (d := self._by_key.get(k)) is not None]
        key = _name_key(_strip_lead(cit.text))
        named = [d for d in self.documents if any(_starts(key, _name_key(n)) for n in d.cited_as)]
        dates, years = list(cit.dates), list(cit.years)
        if named:
            if not dates and not years:
                return named if len(named) == 1 else []  # "Luật Lưu trữ" alone: 2011 or 2024?
            found = _pick(named, dates, years)
            # "… năm 2003, sửa đổi, bổ sung năm 2005 và năm 2013": the rest are its amendments.
            if found and (dates or years) and "sửa đổi" in key:
                found += _pick([a for d in found for a in self.amendments_of(d)], dates, years)
            return found
        if key.startswith("luật sửa đổi bổ sung"):
            # "Luật sửa đổi, bổ sung … năm 2005 và năm 2013": the Law named in it, else the one before.
            laws = [d for d in self.documents if d.cited_as and not d.amends
                    and any(_name_key(n) in key for n in d.cited_as)]
            targets = laws or ([context] if context else [])
            return _pick([a for t in targets for a in self.amendments_of(t)], dates, years)
        return []

    # -- judging
    def warning(self, doc: LegalDocument, on: dt.date, path: str, what: str = "the document's date",
                amended: Sequence[LegalDocument] = ()) -> LegalWarning | None:
        """The warning for citing ``doc`` in a document dated ``on``; None when in force.

        ``amended``: amendments cited with it that ceased with it, named in the same warning.
        """
        if doc.in_force(on):
            return None
        unconfirmed = "" if doc.confirmed else _(" (this date is not confirmed: check the official text)")
        label = doc.label + (
            _(" (amended by {numbers})").format(numbers=_and(a.number for a in amended)) if amended else ""
        )
        if on < doc.effective:
            instead = self._predecessors(doc, on)
            message = f"{path}: " + _("{label} takes effect on {effective}, after {what} {date}").format(
                label=label, effective=_fmt(doc.effective), what=_(what), date=_fmt(on)
            )
            message += (_("; cite {instead}").format(instead=instead) if instead else "") + unconfirmed
            return LegalWarning(path, doc.formal, message, doc.effective, doc.expired, doc.replaced_by,
                                doc.number, "not_yet", instead, doc.confirmed)
        assert doc.expired is not None
        successor, instead = self._successor(doc, on)
        when = _("before {what} {date}").format(what=_(what), date=_fmt(on)) if on > doc.expired else _(what)
        message = f"{path}: " + _("{label} expired on {expired}, {when}").format(
            label=label, expired=_fmt(doc.expired), when=when
        )
        message += (f"; {successor}" if successor else "") + unconfirmed
        return LegalWarning(path, doc.formal, message, doc.effective, doc.expired, doc.replaced_by,
                            doc.number, "expired", instead, doc.confirmed)

    def citation(self, doc: LegalDocument, on: dt.date) -> str:
        """How to cite ``doc`` on ``on``: ``Luật Thi đua, khen thưởng 2003 (15/2003/QH11, amended 2005 and 2013)``."""
        if not doc.cited_as:
            return doc.label
        years = sorted(a.signed.year for a in self.amendments_of(doc) if a.in_force(on))
        amended = _(", amended {years}").format(years=_and(str(y) for y in years)) if years else ""
        return f"{doc.name} {doc.signed.year} ({doc.number}{amended})"

    def _predecessors(self, doc: LegalDocument, on: dt.date) -> str | None:
        before = [p for p in self.documents
                  if p.replaced_by and symbol_key(p.replaced_by) == doc.key and not p.amends and p.in_force(on)]
        return _and(self.citation(p, on) for p in before) or None

    def _successor(self, doc: LegalDocument, on: dt.date) -> tuple[str | None, str | None]:
        """("replaced by …", what to cite on ``on``) following replaced_by as far as needed."""
        first = self.get(doc.replaced_by)
        if first is None:
            return None, None
        if first.in_force(on):
            cite = self.citation(first, on)
            return _("replaced by {cite}").format(cite=cite), cite
        if on < first.effective:
            return _("replaced by {label} from {effective}").format(
                label=first.label, effective=_fmt(first.effective)
            ), None
        seen, current = {first.key}, self.get(first.replaced_by)
        while current is not None and not current.in_force(on) and current.key not in seen:
            seen.add(current.key)
            current = self.get(current.replaced_by)
        if current is not None and current.in_force(on):
            cite = self.citation(current, on)
            return _("replaced by {label}, itself replaced: cite {cite}").format(label=first.label, cite=cite), cite
        return _("replaced by {label}").format(label=first.label), None


def _and(items: Iterable[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def _pick(candidates: Sequence[LegalDocument], dates: list[dt.date], years: list[int]) -> list[LegalDocument]:
    """The candidates signed on one of ``dates`` or in one of ``years``; those used are removed."""
    found: list[LegalDocument] = []
    for day in list(dates):
        hit = [c for c in candidates if c.signed == day]
        if hit:
            dates.remove(day)
            found += [c for c in hit if c not in found]
    for year in list(years):
        hit = [c for c in candidates if c.signed.year == year]
        if hit:
            years.remove(year)
            found += [c for c in hit if c not in found]
    return found


# ---------------------------------------------------------------- reading a căn cứ line
_DASHES = r"\-‐‑‒–—−"  # for a character class: hyphen (escaped) and its look-alikes
_ETH = str.maketrans({"Ð": "Đ", "ð": "đ", "Ɖ": "Đ", "ɖ": "đ"})
# Old-style tone placement ("hoà", "thuỷ") spelled the new way, so names compare equal.
_TONES = {
    **{f"o{a}": f"{o}a" for a, o in zip("àáảãạ", "òóỏõọ")},  # hoà -> hòa
    **{f"o{e}": f"{o}e" for e, o in zip("èéẻẽẹ", "òóỏõọ")},  # khoẻ -> khỏe
    **{f"u{y}": f"{u}y" for y, u in zip("ỳýỷỹỵ", "ùúủũụ")},  # thuỷ -> thủy
}

_SYMBOL = re.compile(
    rf"(?<![\w/])(\d{{1,4}})\s*/\s*((?:19|20)\d{{2}})\s*/\s*([^\W\d_]\w*(?:\s*[{_DASHES}]\s*\w+)*)"
)
_TYPE = "|".join(sorted((re.escape(t) for t in TYPES), key=len, reverse=True))
_LEAD = re.compile(r"^\s*(?:[-–•*+]\s*)?(?:căn cứ(?:\s+vào)?\s*:?\s*)?", re.IGNORECASE)
# A new citation starts at ';', and at ',' or 'và' followed by a document type (written capitalised).
_SPLIT = re.compile(rf"\s*;\s*|(?:\s*,\s*|\s+và\s+)(?=(?:[Cc]ăn cứ\s+(?:vào\s+)?)?(?:{_TYPE})\b)")
_THEN_CITED = re.compile(rf"\b(?:theo|bởi)\s+(?:các\s+)?(?:{_TYPE})\s+(?:số\s*)?$", re.IGNORECASE)
# Once the date or the issuer has been given, a number belongs to the trích yếu.
_PAST_HEAD = re.compile(
    r"\bngày\b|\bnăm\s+\d{4}|\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}"
    r"|\bcủa\s+(?:Chính phủ|Quốc hội|Thủ tướng|Bộ|Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng|Ban|Văn phòng|Sở)\b",
    re.IGNORECASE,
)
_FULL_DATE = re.compile(
    r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
    r"|(?<![\d/])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?![\d/])",
    re.IGNORECASE,
)
_GAPS = re.compile(rf"[\s{_DASHES}]")
_YEAR = re.compile(r"(?<![\d/])((?:19|20)\d{2})(?![\d/])")


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).translate(_ETH).split())


def symbol_key(text: str) -> str | None:
    """The comparable form of the first number and symbol in ``text``: ``6/2022/QH15``.

    ``Nghị định số 98 / 2023 / NÐ - CP`` and ``98/2023/NĐ-CP`` give the same key; None without one.
    """
    m = _SYMBOL.search(_clean(text))
    if not m:
        return None
    number, year, suffix = m.groups()
    return f"{int(number)}/{year}/{_GAPS.sub('', suffix).upper()}"


def _name_key(text: str) -> str:
    text = _clean(text).casefold()
    for old, new in _TONES.items():
        text = text.replace(old, new)
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def _starts(key: str, name: str) -> bool:
    return bool(name) and (key == name or key.startswith(name + " "))


def _strip_lead(text: str) -> str:
    return _LEAD.sub("", text, count=1)


def parse_basis(line: str) -> list[Citation]:
    """The citations of one căn cứ line, in order (see the module's docstring)."""
    citations = []
    for part in _SPLIT.split(_clean(line)):
        text = _strip_lead(part).strip(" ,.;:")
        if not text:
            continue
        numbers: list[str] = []
        for i, m in enumerate(_SYMBOL.finditer(text)):
            before = text[: m.start()]
            if (i == 0 and not _PAST_HEAD.search(before)) or _THEN_CITED.search(before):
                key = symbol_key(m.group(0))
                if key and key not in numbers:
                    numbers.append(key)
        rest = _SYMBOL.sub(" ", text)
        dates = []
        for m in _FULL_DATE.finditer(rest):
            d, mo, y = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
            try:
                dates.append(dt.date(int(y), int(mo), int(d)))
            except ValueError:
                pass  # "ngày 31 tháng 02 …": no such day, so no such document
        rest = _FULL_DATE.sub(" ", rest)
        years = [int(y) for y in _YEAR.findall(rest)]
        citations.append(Citation(text, tuple(numbers), tuple(dates), tuple(years)))
    return citations


# ---------------------------------------------------------------- checking inputs
def check_bases(
    bases: Sequence[str],
    on: dt.date,
    field: str = "bases",
    overrides: Mapping[str, object] | None = None,
    *,
    table: LegalTable | None = None,
    what: str = "the document's date",
) -> list[LegalWarning]:
    """A warning for each document named in ``bases`` that is not in force on ``on``.

    ``field`` is the input's path to the list (``bases``, ``rewards[0].bases``); each
    warning names its line from 0: ``bases[2]``. ``overrides`` is the workspace's raw
    ``[law]`` table; ``table`` a table already built (it wins over ``overrides``).
    """
    table = table or legal_table(overrides)
    warnings = []
    for i, line in enumerate(bases):
        docs = table.recognise(line)
        # "Luật … năm 2003; Luật sửa đổi, bổ sung … năm 2005 và năm 2013": one warning, not three.
        folded = {
            a.key: base for a in docs if a.amends and a.expired and not a.in_force(on)
            for base in docs if base.key == symbol_key(a.amends) and base.expired == a.expired
        }
        for doc in docs:
            if doc.key in folded:
                continue
            amended = [a for a in docs if folded.get(a.key) is doc]
            warning = table.warning(doc, on, f"{field}[{i}]", what, amended)
            if warning is not None:
                warnings.append(warning)
    return warnings


def warnings_for(
    doc: Any,
    overrides: Mapping[str, object] | None = None,
    *,
    table: LegalTable | None = None,
    today: dt.date | None = None,
) -> list[LegalWarning]:
    """The warnings of every căn cứ field (``BASES_FIELDS``) of a validated input model.

    Checked on the document's ``date``; a draft without one on ``today`` (default: today).
    A kind without căn cứ gives none.
    """
    day = getattr(doc, "date", None)
    if isinstance(day, dt.datetime):
        day = day.date()
    what = _("the document's date") if isinstance(day, dt.date) else _("today's date")
    on = day if isinstance(day, dt.date) else (today or dt.date.today())
    table = table or legal_table(overrides)
    warnings: list[LegalWarning] = []
    for name in BASES_FIELDS:
        value = getattr(doc, name, None)
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            warnings += check_bases(value, on, name, table=table, what=what)
    return warnings


def is_strict(overrides: Mapping[str, object] | None = None, *, source: str | None = None) -> bool:
    """``[law] strict``: whether the workspace wants a căn cứ not in force refused (default false)."""
    value = (overrides or {}).get("strict", False)
    if not isinstance(value, bool):
        raise InputError(_("must be true or false"), source=source, field="law.strict")
    return value


# ---------------------------------------------------------------- reading the data
_FIELDS = ("number", "type", "issuer", "name", "title", "cited_as", "signed", "effective", "expired",
           "replaced_by", "amends", "source", "confirmed", "note")


class _Reader(TomlReader):
    """Typed access to raw TOML, every error naming its file and field path."""

    def text(self, value: object, path: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, _("must be a non-empty string"))
        return _clean(value)

    def number(self, value: object, path: str) -> str | None:
        text = self.text(value, path)
        if text is not None and symbol_key(text) is None:
            raise self.fail(path, _("must be a number and symbol, e.g. 98/2023/NĐ-CP"))
        return text

    def document(self, raw: object, path: str, *, base: LegalDocument | None = None, number: str | None = None,
                 default_source: str | None = None, default_confirmed: bool | None = None) -> LegalDocument:
        """One entry; ``base``: the entry it changes; a ``None`` default makes the field required."""
        allowed = _FIELDS if number is None else _FIELDS[1:]
        t = self.table(raw, path, allowed)
        number = number or self.number(t.get("number"), f"{path}.number")
        if number is None:
            raise self.fail(f"{path}.number", _("field required"))
        kind = self.text(t.get("type"), f"{path}.type")
        if kind is not None and kind not in TYPES:
            raise self.fail(f"{path}.type", _("must be one of {TYPES}").format(TYPES=', '.join(TYPES)))
        cited = t.get("cited_as")
        if cited is not None and not (isinstance(cited, list) and all(isinstance(c, str) and c.strip() for c in cited)):
            raise self.fail(f"{path}.cited_as", _("must be a list of names, e.g. [\"Luật Lưu trữ\"]"))
        confirmed = t.get("confirmed")
        if confirmed is not None and not isinstance(confirmed, bool):
            raise self.fail(f"{path}.confirmed", _("must be true or false"))
        given: dict[str, Any] = {
            "type": kind,
            "issuer": self.text(t.get("issuer"), f"{path}.issuer"),
            "name": self.text(t.get("name"), f"{path}.name"),
            "title": self.text(t.get("title"), f"{path}.title"),
            "cited_as": tuple(_clean(c) for c in cited) if cited is not None else None,
            "signed": self.date(t.get("signed"), f"{path}.signed"),
            "effective": self.date(t.get("effective"), f"{path}.effective"),
            "expired": self.date(t.get("expired"), f"{path}.expired"),
            "replaced_by": self.number(t.get("replaced_by"), f"{path}.replaced_by"),
            "amends": self.number(t.get("amends"), f"{path}.amends"),
            "source": self.text(t.get("source"), f"{path}.source"),
            "confirmed": confirmed,
            "note": self.text(t.get("note"), f"{path}.note"),
        }
        given = {k: v for k, v in given.items() if v is not None}
        if base is not None:
            doc = replace(base, **given)
        else:
            for required in ("type", "signed", "effective"):
                if required not in given:
                    raise self.fail(f"{path}.{required}", _("field required"))
            if default_confirmed is None and "confirmed" not in given:
                raise self.fail(f"{path}.confirmed", _("field required (true, or false with a note)"))
            if "source" not in given and default_source is None:
                raise self.fail(f"{path}.source", _("field required (where the dates were read)"))
            doc = LegalDocument(
                number=number,
                type=given["type"],
                issuer=given.get("issuer", ""),
                name=given.get("name", given["type"]),
                title=given.get("title", ""),
                cited_as=given.get("cited_as", ()),
                signed=given["signed"],
                effective=given["effective"],
                expired=given.get("expired"),
                replaced_by=given.get("replaced_by"),
                amends=given.get("amends"),
                source=given.get("source", default_source or ""),
                confirmed=given.get("confirmed", bool(default_confirmed)),
                note=given.get("note", ""),
            )
        if doc.effective < doc.signed:
            raise self.fail(f"{path}.effective", _("must not be before `signed`"))
        if doc.expired is not None and doc.expired <= doc.effective:
            raise self.fail(f"{path}.expired", _("must be after `effective` (the first day no longer in force)"))
        return doc

    def links(self, docs: Sequence[LegalDocument], paths: Mapping[str, str]) -> None:
        keys = {d.key for d in docs}
        for d in docs:
            for name in ("replaced_by", "amends"):
                target = getattr(d, name)
                if target is None:
                    continue
                key = symbol_key(target)
                if key == d.key:
                    raise self.fail(f"{paths[d.key]}.{name}", _("must name another document"))
                if key not in keys:
                    raise self.fail(f"{paths[d.key]}.{name}",
                                    _("'{target}' is not in the legal documents table; add it or "
                                      "correct the number").format(target=target))


@lru_cache(maxsize=1)
def shipped_table() -> LegalTable:
    """The table paperwork ships (read once; a broken file is a bug, reported as such)."""
    text = resources.files("paperwork").joinpath("data", SHIPPED).read_text(encoding="utf-8")
    r = _Reader(SHIPPED)
    data = r.table(tomllib.loads(text), "", ("document",))
    raw = data.get("document", [])
    if not isinstance(raw, list):
        raise r.fail("document", _("must be a list of tables ([[document]])"))
    docs: dict[str, LegalDocument] = {}
    paths: dict[str, str] = {}
    for i, entry in enumerate(raw):
        doc = r.document(entry, f"document[{i}]")
        if doc.key in docs:
            raise r.fail(f"document[{i}].number", _("'{number}' is listed twice").format(number=doc.number))
        docs[doc.key], paths[doc.key] = doc, f"document[{i}]"
    r.links(list(docs.values()), paths)
    return LegalTable(tuple(docs.values()))


def legal_table(overrides: Mapping[str, object] | None = None, *, source: str | None = None) -> LegalTable:
    """The shipped table under a workspace's raw ``[law]`` table (``Workspace.law``).

    ``source`` names the profile file in error messages.
    """
    shipped = shipped_table()
    if not overrides:
        return shipped
    r = _Reader(source)
    t = r.table(overrides, "law", ("strict", "documents"))
    is_strict(t, source=source)
    named = r.table(t.get("documents", {}), "law.documents", None)
    if not named:
        return shipped
    docs = {d.key: d for d in shipped.documents}
    paths = {k: f"{SHIPPED}: {d.number}" for k, d in docs.items()}
    label = source or "paperwork.toml"
    for number, raw in named.items():
        path = f'law.documents."{number}"'
        key = symbol_key(str(number))
        if key is None:
            raise r.fail(path, _("must be keyed by a number and symbol, e.g. \"98/2023/NĐ-CP\""))
        docs[key] = r.document(raw, path, base=docs.get(key), number=_clean(str(number)),
                               default_source=label, default_confirmed=True)
        paths[key] = path
    r.links(list(docs.values()), paths)
    return LegalTable(tuple(docs.values()))
