"""An arriving document as the clerk describes it, and as the incoming register keeps it.

    Arrival         what was typed (``--from``, ``--number`` …), checked as every typed value is
    IncomingEntry   one số đến: the register row, its Ghi chú, its ĐẾN stamp, its Phụ lục VI fields
    parse_date, parse_priority, split_code, duplicate_key   the rules they share

Pure: no SQL and no files here (``incoming.py`` is the register).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from ..errors import InputError
from ..i18n import _
from ..vietnamese import nfc, user_text
from . import audit

__all__ = [
    "PRIORITIES",
    "Arrival",
    "IncomingEntry",
    "Stamp",
    "duplicate_key",
    "parse_date",
    "parse_priority",
    "split_code",
]

# Độ khẩn (Phụ lục VI: Priority, Number 1): the index is the number.
PRIORITIES = ("thường", "khẩn", "thượng khẩn", "hỏa tốc")

# Phụ lục VI (Phần II) lengths of what a clerk types.
_MAX = {"--from": 200, "--title": 500, "--type": 100, "--signer": 100, "--to": 1000, "--reply": 100}
_CODE_NUMBER_MAX, _CODE_NOTATION_MAX = 11, 30

# -- typed values -----------------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: str | None, option: str) -> dt.date | None:
    """``YYYY-MM-DD`` and nothing else (no ``20260205``, no week dates); None stays None."""
    if value is None:
        return None
    text = value.strip()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(_("{value!r} is not a date (YYYY-MM-DD)").format(value=value), field=option) from None


def _fold(text: str) -> str:
    """Lower case, no diacritics (đ -> d), one space: how two spellings of one name compare."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(plain.casefold().split())


_PRIORITY_BY_FOLD = {_fold(p): p for p in PRIORITIES}


def parse_priority(value: str | None, option: str = "--priority") -> str:
    """One of ``PRIORITIES``, typed with or without diacritics ("hoả tốc", "hoa toc" -> "hỏa tốc")."""
    if value is None:
        return PRIORITIES[0]
    found = _PRIORITY_BY_FOLD.get(_fold(user_text(value, option)))
    if found is None:
        raise InputError(_("{value!r} is not a priority: one of {PRIORITIES}").format(
            value=value, PRIORITIES=', '.join(PRIORITIES)
        ), field=option)
    return found


_CODE = re.compile(r"(?P<number>[0-9]+[A-Za-z]?)\s*/\s*(?P<notation>\S(?:.*\S)?)")


def split_code(text: str | None) -> tuple[str | None, str | None]:
    """``"125/QĐ-BNV"`` -> ``("125", "QĐ-BNV")``; a number without "/" is all số; None -> (None, None)."""
    if not text:
        return None, None
    text = nfc(text).strip()
    m = _CODE.fullmatch(text)
    if m is None:
        return text, None
    return m["number"], re.sub(r"\s+", "", m["notation"])


def _code_text(code_number: str | None, code_notation: str | None) -> str:
    if code_number and code_notation:
        return f"{code_number}/{code_notation}"
    return code_number or code_notation or ""


def duplicate_key(code_number: str | None, code_notation: str | None, organ: str | None,
                  year: int | None = None) -> str | None:
    """What makes two arrivals the same document: số, ký hiệu and issuing agency, folded, in the
    year of the document (an agency's numbers start again each year: 01/CV-BNV of 2025 is not
    01/CV-BNV of 2026).

    ``05`` and ``5`` are one số, ``QĐ-BNV`` and ``QD-BNV`` one ký hiệu, ``BỘ NỘI VỤ`` and
    ``Bộ Nội vụ`` one agency. Without a số there is no key (the file itself is compared).
    """
    if not code_number:
        return None
    number = str(int(code_number)) if code_number.isdigit() else _fold(code_number)
    notation = _fold(code_notation or "").replace(" ", "")
    return f"{number}/{notation}|{_fold(organ or '')}|{year or ''}"


def _text(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    value = user_text(value, option)
    limit = _MAX.get(option)
    if limit is not None and len(value) > limit:
        raise InputError(_("at most {limit} characters (Decree 30, Phụ lục VI), not {count}").format(
            limit=limit, count=len(value)
        ), field=option)
    return value


def _check_year(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
        raise InputError(_("not a year: {year!r}").format(year=year), field="--year")


def _check_number(number: int) -> None:
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise InputError(_("a số đến is a whole number from 1, not {number!r}").format(number=number))


@dataclass(frozen=True)
class Arrival:
    """What the clerk says of the documents arriving; None is read from the archive's catalog."""

    organ: str | None = None  # --from: tác giả, the issuing agency
    number: str | None = None  # --number: "125/QĐ-BNV"
    date: dt.date | None = None  # --date: of the document
    title: str | None = None  # --title: trích yếu
    type_name: str | None = None  # --type: "Công văn"
    signer: str | None = None  # --signer
    received: dt.date | None = None  # --received: today (in Vietnam) when None
    to: str | None = None  # --to: routed to, at once
    due: dt.date | None = None  # --due: hạn giải quyết
    priority: str = PRIORITIES[0]  # --priority
    dossier: str | None = None  # số và ký hiệu hồ sơ, for the stamp

    def checked(self, today: dt.date | None = None) -> Arrival:
        """The same, validated as every typed value is: errors name the option (``--from: …``)."""
        today = today or audit.today()
        received = self.received or today
        if received > today:
            raise InputError(_("{date} is after today ({today:%d/%m/%Y})").format(
                date=received.isoformat(), today=today
            ), field="--received")
        number = _text(self.number, "--number")
        if number is not None:
            code_number, code_notation = split_code(number)
            if code_notation is None or not code_number or not code_number[0].isdigit():
                raise InputError(_("{number!r} is not a số, ký hiệu such as 125/QĐ-BNV").format(
                    number=number
                ), field="--number")
            if len(code_number) > _CODE_NUMBER_MAX or len(code_notation) > _CODE_NOTATION_MAX:
                raise InputError(_("{number!r}: the số is at most {CODE_NUMBER_MAX} characters and the "
                                   "ký hiệu {CODE_NOTATION_MAX} (Phụ lục VI)").format(
                    number=number, CODE_NUMBER_MAX=_CODE_NUMBER_MAX, CODE_NOTATION_MAX=_CODE_NOTATION_MAX
                ), field="--number")
            number = _code_text(code_number, code_notation)
        if self.date is not None and self.date > received:
            raise InputError(_("the document is dated {date:%d/%m/%Y}, after it was received "
                               "({received:%d/%m/%Y})").format(date=self.date, received=received), field="--date")
        if self.due is not None and self.due < received:
            raise InputError(_("{due:%d/%m/%Y} is before the document was received ({received:%d/%m/%Y})").format(
                due=self.due, received=received
            ),
                             field="--due")
        return replace(
            self,
            organ=_text(self.organ, "--from"),
            number=number,
            title=_text(self.title, "--title"),
            type_name=_text(self.type_name, "--type"),
            signer=_text(self.signer, "--signer"),
            received=received,
            to=_text(self.to, "--to"),
            priority=parse_priority(self.priority),
            dossier=_text(self.dossier, "--dossier"),
        )


# -- the register's rows ----------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """The ĐẾN stamp (Phụ lục IV): the agency, Số, Ngày, Chuyển, Số và ký hiệu hồ sơ."""

    agency: str
    number: str  # "07"
    date: dt.date
    to: str  # "" until routed
    dossier: str  # "" until filed

    def lines(self) -> list[str]:
        return [
            f"ĐẾN — {self.agency}" if self.agency else "ĐẾN",
            f"Số: {self.number}",
            f"Ngày: {self.date:%d/%m/%Y}",
            f"Chuyển: {self.to}".rstrip(),
            f"Số và ký hiệu HS: {self.dossier}".rstrip(),
        ]

    def as_dict(self) -> dict[str, str]:
        return {"agency": self.agency, "so": self.number, "ngay": f"{self.date:%d/%m/%Y}", "chuyen": self.to,
                "so_ky_hieu_ho_so": self.dossier}


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class IncomingEntry:
    """One số đến: the register row of an arrived document."""

    year: int
    number: int
    received: dt.date
    archive_id: int
    filename: str
    organ: str | None
    code_number: str | None
    code_notation: str | None
    issued_date: dt.date | None
    type_name: str | None
    subject: str | None
    signer: str | None
    pages: int | None
    priority: str
    to_places: str | None
    routed_on: dt.date | None
    due: dt.date | None
    done_on: dt.date | None
    reply: str | None
    reply_archive_id: int | None
    dossier: str | None
    duplicate_of: str | None
    note: str | None
    recorded_at: str

    @property
    def arrival_number(self) -> str:
        """Số đến as written: ``"07"``."""
        return f"{self.number:02d}"

    @property
    def code(self) -> str:
        """Số, ký hiệu of the document: ``"125/QĐ-BNV"`` ("" when unknown)."""
        return _code_text(self.code_number, self.code_notation)

    @property
    def object_id(self) -> str:
        """Its id in the audit trail: ``"2026/07"``."""
        return audit.incoming_object_id(self.year, self.number)

    def is_overdue(self, on: dt.date) -> bool:
        return self.done_on is None and self.due is not None and self.due < on

    @property
    def remarks(self) -> str:
        """Ghi chú of the printed register: priority, deadline, duplicate, done."""
        parts = []
        if self.priority != PRIORITIES[0]:
            parts.append(self.priority.capitalize())
        if self.due is not None:
            parts.append(f"Hạn giải quyết: {self.due:%d/%m/%Y}")
        if self.note:
            parts.append(self.note)
        if self.done_on is not None:
            parts.append(f"Đã giải quyết ngày {self.done_on:%d/%m/%Y}"
                         + (f", trả lời bằng {self.reply}" if self.reply else ""))
        return "; ".join(parts)

    def stamp(self, agency: str = "") -> Stamp:
        return Stamp(agency, self.arrival_number, self.received, self.to_places or "", self.dossier or "")

    def phu_luc_vi(self) -> dict[str, Any]:
        """The incoming-document fields of Decree 30, Phụ lục VI (Phần II), by their tags."""
        return {
            "ArrivalDate": self.received.isoformat(),
            "ArrivalNumber": self.number,
            "OrganName": self.organ,
            "CodeNumber": self.code_number,
            "CodeNotation": self.code_notation,
            "IssuedDate": self.issued_date.isoformat() if self.issued_date else None,
            "TypeName": self.type_name,
            "Subject": self.subject,
            "PageAmount": self.pages,
            "Priority": PRIORITIES.index(self.priority),
            "ToPlaces": self.to_places,
            "DueDate": self.due.isoformat() if self.due else None,
            "SignerInfo": {"Position": None, "FullName": self.signer} if self.signer else None,
        }

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: dates ISO."""
        def iso(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "year": self.year, "number": self.number, "arrival_number": self.arrival_number,
            "received": self.received.isoformat(), "archive_id": self.archive_id, "filename": self.filename,
            "organ": self.organ, "code": self.code or None, "code_number": self.code_number,
            "code_notation": self.code_notation, "issued_date": iso(self.issued_date),
            "type_name": self.type_name, "subject": self.subject, "signer": self.signer, "pages": self.pages,
            "priority": self.priority, "to": self.to_places, "routed_on": iso(self.routed_on),
            "due": iso(self.due), "done_on": iso(self.done_on), "reply": self.reply,
            "reply_archive_id": self.reply_archive_id, "dossier": self.dossier,
            "duplicate_of": self.duplicate_of, "note": self.note, "remarks": self.remarks,
            "recorded_at": self.recorded_at, "phu_luc_vi": self.phu_luc_vi(),
        }  # fmt: skip


def _entry(row: sqlite3.Row) -> IncomingEntry:
    return IncomingEntry(
        year=row["year"], number=row["number"], received=dt.date.fromisoformat(row["received"]),
        archive_id=row["archive_id"], filename=row["filename"], organ=row["organ"],
        code_number=row["code_number"], code_notation=row["code_notation"],
        issued_date=_date(row["issued_date"]), type_name=row["type_name"], subject=row["subject"],
        signer=row["signer"], pages=row["pages"], priority=row["priority"], to_places=row["to_places"],
        routed_on=_date(row["routed_on"]), due=_date(row["due"]), done_on=_date(row["done_on"]),
        reply=row["reply"], reply_archive_id=row["reply_archive_id"], dossier=row["dossier"],
        duplicate_of=row["duplicate_of"], note=row["note"], recorded_at=row["recorded_at"],
    )  # fmt: skip
