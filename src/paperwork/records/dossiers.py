"""Dossiers (hồ sơ) of a year's Danh mục hồ sơ: plan, file documents, close, list what is due.

    plan_dossiers(ws, path, year)            -> PlanReport     load / update the year's Danh mục
    list_dossiers(ws, year, as_of=…)         -> list[DossierState]   with retention and transfer due date
    file_documents(ws, year, code, ids)      -> list[Move | int]     a document lives in one dossier;
                                                                    moving it is recorded
    close_dossier(ws, year, code, end=None)  -> Dossier        end: the latest document's date by default
    contents(ws, dossier)                    -> Contents       the mục lục văn bản, in date order

The dossiers' tables are ``records/catalog.py``; documents are archive ids read through
``paperwork.archive.service``; issued documents are matched to the outgoing register by SHA-256
(a withdrawn number says so in Ghi chú). Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..i18n import _
from .catalog import Dossier, DossierCatalog, Move
from .planfile import PlanRow, read_plan
from .retention import RetentionTable, retention_table
from .settings import RecordsSettings, records_settings

if TYPE_CHECKING:
    from ..archive.store import DocumentRecord
    from ..config import Workspace
    from ..register import Entry
    from .arrivals import IncomingEntry

__all__ = [
    "Contents",
    "DossierState",
    "Item",
    "PlanReport",
    "close_dossier",
    "contents",
    "dossier_catalog",
    "file_documents",
    "list_dossiers",
    "plan_dossiers",
    "retention_for",
]

PLAN_BASIS = "Danh mục hồ sơ"


def check_year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
        raise InputError(_("not a year: {year!r}").format(year=year), field="--year")
    return year


def dossier_catalog(ws: Workspace) -> DossierCatalog:
    return DossierCatalog(ws.catalog_path, initialised=ws.profile_path is not None)


def retention_for(settings: RecordsSettings) -> RetentionTable:
    return retention_table(settings.retention, warn_days=settings.warn_days, source=settings.source)


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class PlanReport:
    year: int
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    permanent: int
    limited: int
    notes: tuple[str, ...]  # retention taken from the table, unconfirmed rules


def _resolve(row: PlanRow, table: RetentionTable) -> tuple[str, str, str | None]:
    """(retention, basis, note) of a plan row: its own, its named rule's, or the table's match."""
    if row.retention is not None:
        if row.rule:
            raise row.error("rule", _("give either a retention or a rule, not both"))
        return str(row.retention), PLAN_BASIS, None
    if row.rule:
        rule = table.get(row.rule)
        if rule is None:
            raise row.error("rule", _("no rule {rule!r} in the retention table (data/retention.toml)").format(rule=row.rule))
    else:
        rule = table.match(row.title)
        if rule is None:
            raise row.error(
                "retention",
                _("not given, and no rule of the retention table fits the title: give Vĩnh viễn or a number of"
                  " years (e.g. 20 năm), or a rule"),
            )
    note = f"{row.code}: " + _("{retention} from {basis}").format(retention=rule.retention, basis=rule.basis())
    return str(rule.retention), rule.basis(), note


def plan_dossiers(ws: Workspace, path: Path, year: int) -> PlanReport:
    """Read and check the whole Danh mục first, then record it in one transaction."""
    check_year(year)
    settings = records_settings(ws)
    table = retention_for(settings)
    rows = read_plan(path, year=year)
    records: list[dict[str, object]] = []
    notes: list[str] = []
    for row in rows:
        retention, basis, note = _resolve(row, table)
        if note:
            notes.append(note)
        records.append({
            "code": row.code, "title": row.title, "heading": row.heading, "retention": retention,
            "retention_basis": basis, "unit": row.unit, "owner": row.owner,
            "rights": row.rights or settings.rights, "notes": row.notes, "_where": row.where,
        })
    added, updated, unchanged = dossier_catalog(ws).apply_plan(year, records)
    permanent = sum(1 for r in records if r["retention"] == "Vĩnh viễn")
    return PlanReport(year, tuple(added), tuple(updated), tuple(unchanged), permanent, len(records) - permanent,
                      tuple(notes))


# --------------------------------------------------------------------------- state and due dates


@dataclass(frozen=True)
class DossierState:
    dossier: Dossier
    must_transfer: bool  # kept 5 years or more (Decree 30 Điều 31 k.3 c)
    due: dt.date | None  # last day to hand it to the agency archive (closed, not yet transferred)
    days_left: int | None  # from as_of to due (negative: overdue)
    warn_days: int

    @property
    def awaiting_transfer(self) -> bool:
        return self.dossier.status == "closed" and self.must_transfer

    def warning(self) -> str | None:
        """One line when the dossier is due within ``warn_days`` or overdue, else None."""
        if self.due is None or self.days_left is None or self.days_left > self.warn_days:
            return None
        when = self.due.strftime("%d/%m/%Y")
        d = self.dossier
        if self.days_left < 0:
            return _("{label} ({title}) was due at the agency archive on {when}: {value} days overdue").format(label=d.label, title=d.title, when=when, value=-self.days_left)
        return _("{label} ({title}) is due at the agency archive by {when} (in {days_left} days)").format(label=d.label, title=d.title, when=when, days_left=self.days_left)

    def as_dict(self) -> dict[str, object]:
        data = self.dossier.as_dict()
        data.update(must_transfer=self.must_transfer, due=self.due.isoformat() if self.due else None,
                    days_left=self.days_left)
        return data


def state_of(dossier: Dossier, table: RetentionTable, as_of: dt.date) -> DossierState:
    rules = table.transfer
    must = rules.must_transfer(dossier.retention)
    due = rules.due(dossier.end_date) if must and dossier.status == "closed" and dossier.end_date else None
    return DossierState(dossier, must, due, (due - as_of).days if due else None, rules.warn_days)


def list_dossiers(ws: Workspace, year: int | None, *, as_of: dt.date | None = None,
                  due_only: bool = False) -> list[DossierState]:
    """The dossiers of ``year`` (all years if None); ``due_only``: closed, kept 5 years or more, not yet
    transferred, soonest due first."""
    if year is not None:
        check_year(year)
    as_of = as_of or dt.date.today()
    table = retention_for(records_settings(ws))
    states = [state_of(d, table, as_of) for d in dossier_catalog(ws).dossiers(year)]
    if due_only:
        states = sorted((s for s in states if s.awaiting_transfer), key=lambda s: (s.due or dt.date.max, s.dossier.id))
    return states


# --------------------------------------------------------------------------- filing and closing


def _check_ids(ids: Sequence[int]) -> list[int]:
    unique: list[int] = []
    for i in ids:
        if isinstance(i, bool) or not isinstance(i, int) or not 1 <= i <= 2**63 - 1:
            raise InputError(_("no document with id {index} in the archive").format(index=i))
        if i not in unique:
            unique.append(i)
    if not unique:
        raise InputError(_("name at least one archive id"))
    return unique


def filing_target(ws: Workspace, year: int, code: str | None, *, field: str = "--dossier",
                  stamp: bool = False) -> Dossier | None:
    """The open dossier ``code`` of ``year`` that a document being issued or received goes into.

    None when no code is given. Checked before anything is numbered: a code the year's plan lacks,
    or a dossier already closed, is an ``InputError`` naming ``field``. A year with no Danh mục hồ
    sơ at all is one too, unless the code also goes on a ``stamp`` (the ĐẾN stamp of an arrival: an
    office that keeps its dossiers on paper writes it there, and nothing is filed: None).
    """
    if code is None:
        return None
    catalog = dossier_catalog(ws)
    if not catalog.dossiers(year):
        if stamp:
            return None
        raise InputError(_("{year} has no Danh mục hồ sơ to file into: `paperwork dossier plan FILE --year "
                           "{year}` first").format(year=year), field=field)
    found = catalog.find(year, code)
    if found is None:
        raise InputError(_("no dossier {code} in the Danh mục hồ sơ of {year} (`paperwork dossier list --year "
                           "{year}`)").format(code=code, year=year), field=field)
    if found.status != "open":
        raise InputError(_("{label} is {status}: it takes no more documents").format(
            label=found.label, status=_(found.status)), field=field)
    return found


def file_documents(ws: Workspace, year: int, code: str, ids: Sequence[int], *,
                   reason: str | None = None) -> list[Move | int]:
    """File archive documents into a dossier; each must be in the archive (checked first)."""
    from ..archive.service import get_document
    from ..vietnamese import user_text

    check_year(year)
    ids = _check_ids(ids)
    if reason is not None:
        reason = user_text(reason, "--reason")
    catalog = dossier_catalog(ws)
    dossier = catalog.get(year, code)
    for i in ids:
        get_document(ws, i)  # InputError "no document with id …" before anything is written
    return catalog.file(dossier, ids, reason)


def close_dossier(ws: Workspace, year: int, code: str, *, end: dt.date | None = None,
                  today: dt.date | None = None) -> Dossier:
    """Close (kết thúc) an open dossier; its work ends on ``end``, by default its latest document's date."""
    check_year(year)
    today = today or dt.date.today()
    catalog = dossier_catalog(ws)
    dossier = catalog.get(year, code)
    if dossier.status != "open":
        raise InputError(_("{label} is already {status}").format(label=dossier.label, status=_(dossier.status)))
    items = contents(ws, dossier).items
    if not items:
        raise InputError(_("{label} has no documents: file them first (`paperwork dossier file {code} "
                           "--year {year} ID…`)").format(label=dossier.label, code=code, year=year))
    dates = [i.date for i in items if i.date is not None]
    latest = max(dates) if dates else None
    if end is None:
        if latest is None:
            raise InputError(_("{label}: no document has a date; give --end DATE").format(
                label=dossier.label
            ), field="--end")
        end = latest
    if end > today:
        raise InputError(_("{date} is after today: the work has not ended").format(date=end.isoformat()), field="--end")
    if latest is not None and end < latest:
        raise InputError(_("{date} is before the dossier's latest document ({date2})").format(
            date=end.isoformat(), date2=latest.isoformat()
        ),
                         field="--end")
    catalog.close(dossier, end)
    return catalog.get(year, code)


# --------------------------------------------------------------------------- contents (mục lục văn bản)


@dataclass(frozen=True)
class Item:
    """One row of the mục lục văn bản (Phụ lục V, mục IV), with what the export and the XML need."""

    ordinal: int
    record: DocumentRecord
    entry: Entry | None  # the outgoing register's row, when the document was issued here
    number: str  # "05/QĐ-SNV" or ""
    date: dt.date | None
    type_name: str
    subject: str  # trích yếu
    author: str  # tác giả: the issuing agency
    signer: str
    pages: int | None
    page_range: str  # "1-3" within the dossier, "" when not known
    note: str
    incoming: IncomingEntry | None = None  # the incoming register's row, when it arrived here

    @property
    def summary(self) -> str:
        """Tên loại và trích yếu: ``"Quyết định về việc tặng Giấy khen …"``."""
        if not self.subject:
            return self.type_name
        if not self.type_name:
            return self.subject
        return f"{self.type_name} {_lower_first(self.subject)}"


def _lower_first(subject: str) -> str:
    """``"Tổng kết …"`` -> ``"tổng kết …"`` after the type name; ``"V/v …"``, ``"UBND …"`` and proper names
    (``"Sở Nội vụ …"``: the next word capitalised too) stay as written."""
    words = subject.split(" ", 2)
    first = words[0]
    if subject.startswith("V/v") or len(first) < 2 or not first[0].isupper() or not first[1:].islower():
        return subject
    if len(words) > 1 and words[1][:1].isupper():
        return subject
    return first[0].lower() + subject[1:]


@dataclass(frozen=True)
class Contents:
    dossier: Dossier
    items: tuple[Item, ...]

    @property
    def start(self) -> dt.date | None:
        dates = [i.date for i in self.items if i.date]
        return min(dates) if dates else None

    @property
    def end(self) -> dt.date | None:
        dates = [i.date for i in self.items if i.date]
        return self.dossier.end_date or (max(dates) if dates else None)

    @property
    def page_total(self) -> int | None:
        """Every document's pages added up; None when one is not known."""
        if any(i.pages is None for i in self.items):
            return None
        return sum(i.pages or 0 for i in self.items)


def _register_by_sha(ws: Workspace) -> dict[str, Entry]:
    from ..errors import PaperworkError
    from ..register import Register

    try:
        entries = Register.for_workspace(ws).entries()
    except PaperworkError:
        return {}
    found: dict[str, Entry] = {}
    for e in entries:
        found.setdefault(e.sha256, e)
    return found


def _arrivals_by_id(ws: Workspace) -> dict[int, IncomingEntry]:
    from ..errors import PaperworkError
    from .incoming import entries

    try:
        found = entries(ws)
    except PaperworkError:
        return {}
    by_id: dict[int, IncomingEntry] = {}
    for e in found:
        by_id.setdefault(e.archive_id, e)
    return by_id


def contents(ws: Workspace, dossier: Dossier) -> Contents:
    """The dossier's documents in date order (undated ones last, then by archive id), numbered from 1."""
    from ..archive.service import get_document

    records = [get_document(ws, doc_id) for doc_id, _ in dossier_catalog(ws).document_ids(dossier.id)]
    register = _register_by_sha(ws) if records else {}
    arrivals = _arrivals_by_id(ws) if records else {}
    dated = [(r, register.get(r.sha256)) for r in records]
    dated.sort(key=lambda pair: (pair[0].date or (pair[1].date if pair[1] else None) or dt.date.max, pair[0].id))
    items: list[Item] = []
    next_page: int | None = 1
    for n, (record, entry) in enumerate(dated, start=1):
        pages = record.pages if record.pages and record.pages > 0 else None
        if next_page is not None and pages is not None:
            page_range = str(next_page) if pages == 1 else f"{next_page}-{next_page + pages - 1}"
            next_page += pages
        else:
            page_range, next_page = "", None
        notes = []
        if entry is not None and entry.status == "void":
            notes.append(f"Đã thu hồi: {entry.void_reason}" if entry.void_reason else "Đã thu hồi")
        if record.date is None:
            notes.append("Không rõ ngày tháng")
        items.append(Item(
            ordinal=n,
            record=record,
            entry=entry,
            incoming=arrivals.get(record.id) if entry is None else None,
            number=record.number or (entry.number_symbol if entry else ""),
            date=record.date or (entry.date if entry else None),
            type_name=record.type or (entry.type_name if entry else "") or "",
            subject=record.title or (entry.title if entry else "") or "",
            author=record.agency or "",
            signer=record.signer or "",
            pages=pages,
            page_range=page_range,
            note="; ".join(notes),
        ))
    return Contents(dossier, tuple(items))
