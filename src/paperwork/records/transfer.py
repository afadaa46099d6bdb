"""``paperwork transfer``: the nộp lưu package of a year's closed dossiers, as a BagIt bag (RFC 8493).

    DIR/                                   a bag: bagit.txt, bag-info.txt, manifest-sha256.txt,
      data/                                tagmanifest-sha256.txt
        ho-so/01.TĐKT/…                    each dossier's export (records/export.py)
        muc-luc-ho-so-nop-luu.xlsx/.docx   Mục lục hồ sơ, tài liệu nộp lưu (Phụ lục V, mục III)
        bien-ban-giao-nhan.docx            Biên bản giao nhận hồ sơ, tài liệu (mục V): dossiers and files
        nop-luu.xml                        <NopLuu>: the Phụ lục VI metadata of every dossier (ho-so.xsd)
        dossier-events.json                every filing and move of these documents (the dossiers' tables)
        audit-events.json                  the audit trail's events for these documents (records/audit.py)

Which dossiers: those of the year's Danh mục that are closed, kept 5 years or more and not yet
transferred (``--code`` narrows them). The bag is built and validated (every SHA-256 recomputed)
under a hidden name beside DIR and renamed into place; only then does the catalog record the
transfer (when, the bag's path, its Payload-Oxum and the SHA-256 of its tag manifest) and mark the
dossiers transferred.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ArchiveError, InputError, PaperworkError
from ..files import write_atomic
from ..i18n import N_, _
from . import audit, forms
from .export import staged_folder, write_dossier
from .metadata import transfer_xml

if TYPE_CHECKING:
    from ..config import Workspace

__all__ = ["BAGIT_HINT", "People", "TransferResult", "audit_events", "transfer"]

BAGIT_HINT = N_("the BagIt library is not installed: pip install bagit (paperwork needs it for transfers)")
DOSSIERS_DIR = "ho-so"
FILE_LIST = "muc-luc-ho-so-nop-luu"
HANDOVER = "bien-ban-giao-nhan"


@dataclass(frozen=True)
class People:
    giver: str | None = None
    giver_title: str | None = None
    receiver: str | None = None
    receiver_title: str | None = None


@dataclass(frozen=True)
class TransferResult:
    bag: Path
    year: int
    codes: tuple[str, ...]
    dossiers: int
    files: int
    payload_oxum: str
    tag_sha256: str
    transfer_id: int


def audit_events(ws: Workspace, document_ids: Sequence[int], codes: Sequence[str]) -> list[dict]:
    """The audit trail's events of these documents and dossiers, JSON-ready, oldest first."""
    found: dict[int, audit.Event] = {}
    for doc_id in document_ids:
        for event in audit.events(ws, doc=doc_id):
            found[event.id] = event
    for code in codes:
        for event in audit.events(ws, dossier=code):
            found[event.id] = event
    return [found[k].as_dict() for k in sorted(found)]


def _audit_transfer(year: int, bag: str, oxum: str, codes: Sequence[str]) -> Callable[[sqlite3.Connection], None]:
    """The ``transfer`` event of each dossier, written in the transfer's own transaction."""

    def write(conn: sqlite3.Connection) -> None:
        for code in codes:
            audit.record(conn, "transfer", "dossier", code, {"year": year, "dossier": code, "bag": bag,
                                                             "payload_oxum": oxum})

    return write


def _json(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


def _period(start: dt.date | None, end: dt.date | None) -> str:
    years = sorted({d.year for d in (start, end) if d})
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]} - {years[-1]}"


def _bagit():
    try:
        import bagit
    except ImportError as e:
        raise PaperworkError(_(BAGIT_HINT)) from e
    logging.getLogger("bagit").propagate = False  # its INFO lines are not for a clerk
    logging.getLogger("bagit").addHandler(logging.NullHandler())
    return bagit


def _select(ws: Workspace, year: int, codes: Sequence[str] | None):
    from .dossiers import list_dossiers

    states = list_dossiers(ws, year)
    waiting = [s for s in states if s.awaiting_transfer]
    if codes:
        chosen = []
        for code in codes:
            state = next((s for s in states if s.dossier.code == code), None)
            if state is None:
                raise InputError(_("no dossier {code} in the Danh mục hồ sơ of {year}").format(
                    code=code, year=year
                ), field="--code")
            if not state.awaiting_transfer:
                why = (_("kept less than 5 years: it stays with the unit") if not state.must_transfer
                       else _("it is {status}, not closed").format(status=_(state.dossier.status)))
                raise InputError(_("{label} does not await transfer: {why}").format(
                    label=state.dossier.label, why=why
                ), field="--code")
            chosen.append(state)
        waiting = chosen
    if not waiting:
        raise InputError(_("no closed dossier of {year} awaits transfer to the agency archive "
                           "(`paperwork dossier list --year {year}`)").format(year=year))
    return waiting


def transfer(ws: Workspace, year: int, target: Path, *, codes: Sequence[str] | None = None, pdf: bool = False,
             people: People | None = None, today: dt.date | None = None) -> TransferResult:
    from .dossiers import check_year, contents, dossier_catalog
    from .settings import records_settings

    check_year(year)
    people = people or People()
    settings = records_settings(ws)
    organ_id = settings.require_organ_id()
    if not ws.agency.name:
        raise InputError(_("the workspace has no agency name: set [agency] name in paperwork.toml"), field="agency.name")
    agency = forms.Agency(ws.agency.name, ws.agency.parent, ws.agency.place)
    bagit = _bagit()
    states = _select(ws, year, codes)
    if pdf:
        from ..pdf import find_soffice

        find_soffice()
    today = today or dt.date.today()
    everything = [contents(ws, s.dossier) for s in states]
    catalog = dossier_catalog(ws)
    document_ids = [i.record.id for c in everything for i in c.items]
    events = audit_events(ws, document_ids, [s.dossier.code for s in states])
    target = Path(target).absolute()
    with staged_folder(target) as staging:
        exported = []
        rows = []
        for n, what in enumerate(everything, start=1):
            folder = staging / DOSSIERS_DIR / what.dossier.code
            folder.mkdir(parents=True)
            result = write_dossier(ws, what, folder, organ_id, pdf=pdf)
            exported.append((what, result.files))
            pages = what.page_total
            rows.append([n, what.dossier.code, what.dossier.title, _period(what.start, what.end),
                         str(what.dossier.retention), f"{pages} tr." if pages else "", what.dossier.notes or ""])
        files = sum(len(v) for _, f in exported for v in f.values())
        forms.muc_luc_nop_luu_xlsx(staging / f"{FILE_LIST}.xlsx", agency, year, rows)
        forms.muc_luc_nop_luu_docx(staging / f"{FILE_LIST}.docx", agency, year, rows, date=today)
        starts = [c.start for c in everything if c.start]
        ends = [c.end for c in everything if c.end]
        forms.bien_ban_docx(staging / f"{HANDOVER}.docx", forms.HandOver(
            agency=agency, year=year, dossiers=len(everything), files=files,
            period=_period(min(starts, default=None), max(ends, default=None)) or str(year),
            giver=people.giver, giver_title=people.giver_title, receiver=people.receiver,
            receiver_title=people.receiver_title, date=today))
        if pdf:
            from ..pdf import docx_to_pdf

            for name in (FILE_LIST, HANDOVER):
                docx_to_pdf(staging / f"{name}.docx", staging / f"{name}.pdf")
        write_atomic(staging / "nop-luu.xml", transfer_xml(exported, organ_id=organ_id, organ_name=agency.name,
                                                           year=year, date=today, files=files))
        moves = catalog.moves(document_ids=document_ids)
        write_atomic(staging / "dossier-events.json", _json([dataclasses.asdict(m) for m in moves]))
        write_atomic(staging / "audit-events.json", _json(events))
        info = {
            "Source-Organization": agency.name,
            "External-Identifier": f"{organ_id}-{year}-nop-luu-{today:%Y%m%d}",
            "External-Description": f"Hồ sơ nộp lưu năm {year} vào Lưu trữ cơ quan: {len(everything)} hồ sơ,"
                                    f" {files} tệp tin văn bản",
            "Bag-Group-Identifier": f"{organ_id}-{year}",
        }
        if people.giver:
            info["Contact-Name"] = people.giver
        try:
            bag = bagit.make_bag(str(staging), info, checksums=["sha256"])
            bag = bagit.Bag(str(staging))
            bag.validate()
        except (bagit.BagError, OSError) as e:
            raise ArchiveError(_("{target}: the bag could not be made or did not validate: {error}").format(
                target=target, error=e
            )) from e
        oxum = str(bag.info["Payload-Oxum"])
        tag_sha256 = hashlib.sha256((staging / "tagmanifest-sha256.txt").read_bytes()).hexdigest()
    try:
        recorded = catalog.record_transfer(
            year, [s.dossier.id for s in states], bag=str(target), payload_oxum=oxum, tag_sha256=tag_sha256,
            files=files, also=_audit_transfer(year, str(target), oxum, [s.dossier.code for s in states]))
    except PaperworkError as e:
        raise type(e)(_("{error} — the bag {target} is complete but the transfer was not recorded; run "
                        "the transfer again into a new folder once this is fixed").format(error=e, target=target)) from e
    return TransferResult(target, year, tuple(s.dossier.code for s in states), len(states), files, oxum, tag_sha256,
                          recorded.id)
