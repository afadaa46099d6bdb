"""The Phụ lục VI metadata of a dossier and its documents as XML, checked against ``schema/ho-so.xsd``.

    dossier_element(contents, organ_id, files)  -> the <HoSo> element of one dossier
    dossier_xml(...)                            -> its bytes (UTF-8, declared), valid or ``ArchiveError``
    transfer_xml(...)                           -> <NopLuu>: the dossiers of one transfer
    validate(data)                              -> None, or ``ArchiveError`` naming the first problem

Values longer than the decree's field allows (a trích yếu past 500 characters) are cut to fit, ending
in "…"; the mục lục keeps them whole. FileCode = OrganId + FileCatalog (the dossier's year) +
FileNotation (its code), on the dossier and on each document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from ..errors import ArchiveError
from ..i18n import _

if TYPE_CHECKING:
    from lxml import etree

    from ..register import Entry
    from .arrivals import IncomingEntry
    from .dossiers import Contents, Item

__all__ = ["LANGUAGE", "SCHEMA_VERSION", "ExportedFile", "dossier_element", "dossier_xml", "transfer_xml", "validate"]

SCHEMA_VERSION = 1
LANGUAGE = "Tiếng Việt"
_SIGNER = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<position>[^()]+)\)$")


@dataclass(frozen=True)
class ExportedFile:
    name: str  # relative to the dossier's export folder
    sha256: str
    size: int
    role: str = "original"  # "original" | "pdfa"


def _fit(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _add(parent: etree._Element, tag: str, value: object) -> None:
    from lxml import etree

    if value is None or value == "":
        return
    etree.SubElement(parent, tag).text = value.isoformat() if isinstance(value, dt.date) else str(value)


def _file_code(parent: etree._Element, organ_id: str, year: int, code: str) -> None:
    from lxml import etree

    element = etree.SubElement(parent, "FileCode")
    _add(element, "OrganId", organ_id)
    _add(element, "FileCatalog", year)
    _add(element, "FileNotation", code)


def split_number(number: str) -> tuple[str | None, str | None]:
    """``"05/QĐ-SNV"`` -> (``"05"``, ``"QĐ-SNV"``); without a ``/`` the whole is the ký hiệu."""
    number = number.strip()
    if not number:
        return None, None
    head, sep, tail = number.partition("/")
    if not sep:
        return None, number
    return head.strip() or None, tail.strip() or None


def _document(parent: etree._Element, item: Item, organ_id: str, year: int, code: str,
              files: Sequence[ExportedFile]) -> None:
    from lxml import etree

    doc = etree.SubElement(parent, "Document")
    _file_code(doc, organ_id, year, code)
    _add(doc, "DocOrdinal", item.ordinal)
    _add(doc, "TypeName", _fit(item.type_name, 100))
    number, notation = split_number(item.number)
    _add(doc, "CodeNumber", _fit(number, 11))
    _add(doc, "CodeNotation", _fit(notation, 30))
    _add(doc, "IssuedDate", item.date)
    _add(doc, "OrganName", _fit(item.author, 200))
    _add(doc, "Subject", _fit(item.subject, 500))
    _add(doc, "Language", LANGUAGE)
    if item.pages is not None and item.pages <= 999:
        _add(doc, "PageAmount", item.pages)
    _add(doc, "Description", _fit(item.note, 500))
    if item.signer:
        m = _SIGNER.match(item.signer)
        signer = etree.SubElement(doc, "SignerInfo")
        if m:
            _add(signer, "Position", _fit(m.group("position"), 100))
            _add(signer, "FullName", _fit(m.group("name"), 50))
        else:
            _add(signer, "FullName", _fit(item.signer, 50))
    if item.entry is not None:
        _outgoing(doc, item.entry)
    elif item.incoming is not None:
        _incoming(doc, item.incoming)
    for f in files:
        etree.SubElement(doc, "File", name=f.name, sha256=f.sha256, size=str(f.size), role=f.role)


# Priority (Number 1, "độ khẩn"): 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc (arrivals.PRIORITIES).
# The documents paperwork issues carry no độ khẩn of their own: 0.
OUTGOING_PRIORITY = 0


def _outgoing(doc: etree._Element, entry: Entry) -> None:
    """Fields 13–16 of a văn bản đi: each nơi nhận (To), Priority, IssuedAmount (one copy per nơi
    nhận, the "Lưu: VT" copy included), DueDate (none: an issued document sets no deadline here)."""
    from lxml import etree

    doc.set("direction", "outgoing")
    for place in entry.recipients:
        name = _fit(place.lstrip("-–• ").rstrip(";.,"), 200)
        if name:
            to = etree.SubElement(doc, "To")
            _add(to, "OrganName", name)
    _add(doc, "Priority", OUTGOING_PRIORITY)
    if 0 < len(entry.recipients) <= 999:
        _add(doc, "IssuedAmount", len(entry.recipients))


def _trace(entry: IncomingEntry) -> str | None:
    """TraceHeaderList: where the document went and what became of it, in the register's words."""
    steps = []
    if entry.to_places:
        routed = f" ngày {entry.routed_on:%d/%m/%Y}" if entry.routed_on else ""
        steps.append(f"Chuyển {entry.to_places}{routed}")
    if entry.due is not None:
        steps.append(f"Hạn giải quyết {entry.due:%d/%m/%Y}")
    if entry.done_on is not None:
        steps.append(f"Đã giải quyết ngày {entry.done_on:%d/%m/%Y}" + (f", trả lời bằng {entry.reply}"
                                                                      if entry.reply else ""))
    return "; ".join(steps) or None


def _incoming(doc: etree._Element, entry: IncomingEntry) -> None:
    """Fields 12–18 of a văn bản đến (SignerInfo, 14, is written with the common fields)."""
    from .arrivals import PRIORITIES

    doc.set("direction", "incoming")
    _add(doc, "ArrivalDate", entry.received)
    _add(doc, "ArrivalNumber", entry.number)
    _add(doc, "Priority", PRIORITIES.index(entry.priority))
    _add(doc, "ToPlaces", _fit(entry.to_places, 1000))
    _add(doc, "TraceHeaderList", _trace(entry))
    _add(doc, "DueDate", entry.due)


def dossier_element(contents: Contents, organ_id: str,
                    files: Mapping[int, Sequence[ExportedFile]] | None = None) -> etree._Element:
    """<HoSo> for the dossier; ``files`` maps each document's archive id to the files exported for it."""
    from lxml import etree

    d = contents.dossier
    root = etree.Element("HoSo", schemaVersion=str(SCHEMA_VERSION))
    _file_code(root, organ_id, d.year, d.code)
    _add(root, "Title", _fit(d.title, 500))
    _add(root, "Maintenance", str(d.retention))
    _add(root, "Rights", _fit(d.rights, 30))
    _add(root, "Creator", _fit(d.owner, 30))
    _add(root, "Language", LANGUAGE)
    _add(root, "StartDate", contents.start)
    _add(root, "EndDate", contents.end if d.status != "open" else None)
    _add(root, "DocTotal", len(contents.items))
    total = contents.page_total
    if total is not None and total <= 9999:
        _add(root, "PageTotal", total)
    _add(root, "Description", _fit(d.notes, 500))
    documents = etree.SubElement(root, "Documents")
    for item in contents.items:
        _document(documents, item, organ_id, d.year, d.code, (files or {}).get(item.record.id, ()))
    return root


def _bytes(root: etree._Element) -> bytes:
    from lxml import etree

    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    validate(data)
    return data


def dossier_xml(contents: Contents, organ_id: str, files: Mapping[int, Sequence[ExportedFile]] | None = None) -> bytes:
    return _bytes(dossier_element(contents, organ_id, files))


def transfer_xml(dossiers: Sequence[tuple[Contents, Mapping[int, Sequence[ExportedFile]]]], *, organ_id: str,
                 organ_name: str, year: int, date: dt.date, files: int) -> bytes:
    from lxml import etree

    root = etree.Element("NopLuu", schemaVersion=str(SCHEMA_VERSION))
    _add(root, "OrganId", organ_id)
    _add(root, "OrganName", _fit(organ_name, 200))
    _add(root, "Year", year)
    _add(root, "TransferDate", date)
    _add(root, "FileTotal", len(dossiers))
    _add(root, "DocFileTotal", files)
    for contents, exported in dossiers:
        root.append(dossier_element(contents, organ_id, exported))
    return _bytes(root)


@lru_cache(maxsize=1)
def _schema():
    from lxml import etree

    with resources.files("paperwork").joinpath("records", "schema", "ho-so.xsd").open("rb") as f:
        return etree.XMLSchema(etree.parse(f))


def validate(data: bytes) -> None:
    """Check XML bytes against ho-so.xsd; ``ArchiveError`` with the first problem and its line."""
    from lxml import etree

    try:
        document = etree.fromstring(data)
    except etree.XMLSyntaxError as e:
        raise ArchiveError(_("the metadata is not well-formed XML: {error}").format(error=e)) from e
    schema = _schema()
    if not schema.validate(document):
        error = schema.error_log.filter_from_errors()[0] if schema.error_log.filter_from_errors() else schema.error_log[0]
        raise ArchiveError(_("the metadata does not fit ho-so.xsd: line {line}: {message}").format(
            line=error.line, message=error.message
        ))
