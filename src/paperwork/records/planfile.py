"""Reading a year's Danh mục hồ sơ (Decree 30, Điều 28 and Phụ lục V) from YAML, JSON, .xlsx or .csv.

YAML / JSON::

    year: 2026                       # optional; must be the --year given
    dossiers:
      - heading: "I. CÔNG TÁC THI ĐUA, KHEN THƯỞNG"   # optional: the đề mục it is under
        code: 01.TĐKT                # số và ký hiệu hồ sơ (at most 20 characters)
        title: Hồ sơ xây dựng Quy chế thi đua, khen thưởng năm 2026
        retention: Vĩnh viễn         # or "20 năm" / 20; else matched in the retention table
        rule: tdkt.quy-che           # optional: a rule of the retention table, by key
        unit: Phòng Thi đua - Khen thưởng
        owner: Nguyễn Thị Hoa        # người lập hồ sơ (at most 30 characters)
        rights: Công khai            # optional: chế độ sử dụng
        notes: …

A spreadsheet has one row a dossier under a header row naming the fields, in English as above or
with Phụ lục V's headings (``Số và ký hiệu hồ sơ``, ``Tên đề mục và tiêu đề hồ sơ``, ``Thời hạn bảo
quản``, ``Người lập hồ sơ``, ``Ghi chú``; also ``Đơn vị``, ``Chế độ sử dụng``). Rows above the
header (the form's title) and the ``(1) (2) (3)`` row are skipped; a row without a code whose title
starts with a Roman or Arabic numeral (``I. TÊN ĐỀ MỤC LỚN``, ``1. Tên đề mục nhỏ``) is a heading
for the rows under it, as in the form.

Every problem is one ``InputError`` naming the file and the row and column (spreadsheets) or the
field path (YAML): ``danh-muc.xlsx: row 7: column C (Thời hạn bảo quản): 'mãi' must be …``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..archive.folding import collapse_spaces, fold
from ..errors import InputError
from ..i18n import N_, _
from ..vietnamese import clean_text, nfc
from .retention import Retention, parse_retention

__all__ = ["CODE_MAX", "OWNER_MAX", "TITLE_MAX", "PlanRow", "read_plan"]

CODE_MAX = 20  # Phụ lục VI: FileNotation, String 20
TITLE_MAX = 500  # Title, String 500
OWNER_MAX = 30  # Creator, String 30
TEXT_MAX = 500  # notes (Description, String 500), unit, heading
RIGHTS_MAX = 30  # Rights, String 30
# Số và ký hiệu hồ sơ: a number, a dot, the abbreviation of the heading (01.TCCB, 12.TĐKT-CTĐ).
CODE_RULE = N_("must be a number, a dot and the heading's abbreviation in capitals, e.g. 01.TĐKT")
_CODE = re.compile(r"\d{1,4}\.[^\W_a-zđ][\w.\-]*")
_HEADING = re.compile(r"^(?:[IVXLC]+|\d{1,3})[.)]\s+\S")
_NUMBERING_CELL = re.compile(r"^\(\d{1,2}\)$")

FIELDS = ("heading", "code", "title", "retention", "rule", "unit", "owner", "rights", "notes")
# Headings a spreadsheet may use (compared folded: no diacritics, lower case, single spaces).
_ALIASES = {
    "heading": ("heading", "de muc", "ten de muc"),
    "code": ("code", "so va ky hieu ho so", "so, ky hieu ho so", "so va ky hieu", "so ky hieu ho so", "ma ho so"),
    "title": ("title", "ten de muc va tieu de ho so", "tieu de ho so", "ten ho so"),
    "retention": ("retention", "thoi han bao quan", "thoi han luu tru"),
    "rule": ("rule", "quy tac", "nhom thoi han"),
    "unit": ("unit", "don vi", "don vi lap ho so", "don vi, nguoi lap ho so"),
    "owner": ("owner", "nguoi lap ho so", "nguoi lap"),
    "rights": ("rights", "che do su dung"),
    "notes": ("notes", "ghi chu"),
}
_HEADER_KEYS = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}


@dataclass(frozen=True)
class PlanRow:
    """One dossier of the plan, checked; ``where`` and ``labels`` locate its fields for messages."""

    code: str
    title: str
    retention: Retention | None = None
    rule: str | None = None
    heading: str | None = None
    unit: str | None = None
    owner: str | None = None
    rights: str | None = None
    notes: str | None = None
    where: str = ""  # "danh-muc.xlsx: row 7" or "danh-muc.yaml"
    labels: Mapping[str, str] = field(default_factory=dict)  # field -> "column C (…)" or "dossiers[3].retention"

    def error(self, name: str, message: str) -> InputError:
        return InputError(message, source=self.where, field=self.labels.get(name, name))


def read_plan(path: Path, *, year: int) -> list[PlanRow]:
    """The dossiers a Danh mục file lists, each checked; refuses an empty plan and repeated codes."""
    from ..inputs import read_data

    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        rows = _from_mapping(read_data(path), str(path), year)
    elif suffix in (".xlsx", ".csv"):
        rows = _from_sheet(path)
    else:
        raise InputError(_("unsupported plan format (use .yaml, .yml, .json, .xlsx or .csv)"), source=str(path))
    if not rows:
        raise InputError(_("the plan lists no dossier"), source=str(path))
    seen: dict[str, PlanRow] = {}
    for row in rows:
        key = row.code.upper()
        if key in seen:
            first = seen[key].where if seen[key].where != row.where else seen[key].labels.get("code", "")
            raise row.error("code", _("{code} is listed twice (also at {first})").format(code=row.code, first=first))
        seen[key] = row
    return rows


# --------------------------------------------------------------------------- YAML / JSON


def _from_mapping(data: Mapping[str, Any], source: str, year: int) -> list[PlanRow]:
    for key in data:
        if key not in ("year", "dossiers"):
            raise InputError(_("unknown field (expected year, dossiers)"), source=source, field=str(key))
    given = data.get("year")
    if given is not None and given != year:
        raise InputError(_("{given!r} is not the year asked for (--year {year})").format(
            given=given, year=year
        ), source=source, field="year")
    items = data.get("dossiers")
    if not isinstance(items, list):
        raise InputError(_("must be a list of dossiers"), source=source, field="dossiers")
    rows = []
    for i, item in enumerate(items):
        prefix = f"dossiers[{i}]"
        if not isinstance(item, Mapping):
            raise InputError(_("must be a mapping (code: …, title: …)"), source=source, field=prefix)
        for key in item:
            if key not in FIELDS:
                raise InputError(_("unknown field (expected {FIELDS})").format(FIELDS=', '.join(FIELDS)), source=source, field=f"{prefix}.{key}")
        labels = {name: f"{prefix}.{name}" for name in FIELDS}
        rows.append(_row(dict(item), source, labels, heading=None))
    return rows


# --------------------------------------------------------------------------- spreadsheets


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _header(cells: Sequence[Any]) -> dict[int, str] | None:
    """Column -> field for a row that names at least the code and title columns, else None."""
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        if isinstance(cell, str) and cell.strip():
            name = _HEADER_KEYS.get(collapse_spaces(fold(cell)).strip(" :"))
            if name:
                found[i] = name
    return found if {"code", "title"} <= set(found.values()) else None


def _from_sheet(path: Path) -> list[PlanRow]:
    from ..inputs import MAX_SHEET_BYTES, _csv_rows, _read_regular, _xlsx_rows  # the limits inputs.py keeps

    source = str(path)
    raw = _read_regular(path, MAX_SHEET_BYTES, N_("a spreadsheet"))
    table = _csv_rows(raw, source) if path.suffix.lower() == ".csv" else _xlsx_rows(raw, source)
    header_at = next((r for r, cells in enumerate(table[:30]) if _header(cells)), None)
    if header_at is None:
        raise InputError(
            _("no header row naming the code and title columns (e.g. 'Số và ký hiệu hồ sơ' and"
            " 'Tên đề mục và tiêu đề hồ sơ', or code and title) in its first 30 rows"),
            source=source,
        )
    head_cells = table[header_at]
    columns = _header(head_cells) or {}
    for i, cell in enumerate(head_cells):
        if i not in columns and isinstance(cell, str) and cell.strip():
            raise InputError(
                _("unknown heading {cell!r} (expected the Phụ lục V headings or {FIELDS})").format(
                    cell=cell.strip(), FIELDS=', '.join(FIELDS)
                ),
                source=f"{source}: row {header_at + 1}", field=f"column {_column(i)}",
            )
    labels = {name: f"column {_column(i)} ({str(head_cells[i]).strip()})" for i, name in columns.items()}
    rows: list[PlanRow] = []
    big: str | None = None
    small: str | None = None
    for r in range(header_at + 1, len(table)):
        cells = table[r]
        values = {name: cells[i] for i, name in columns.items() if i < len(cells) and _present(cells[i])}
        extra = [i for i, cell in enumerate(cells) if i not in columns and _present(cell)]
        where = f"{source}: row {r + 1}"
        if extra:
            raise InputError(_("a value in a column without a heading"), source=where, field=f"column {_column(extra[0])}")
        if not values or all(isinstance(v, str) and _NUMBERING_CELL.match(v.strip()) for v in values.values()):
            continue  # a blank row, or the form's (1) (2) (3) row
        if "code" not in values and isinstance(values.get("title"), str) and _HEADING.match(values["title"].strip()):
            text = _text(values["title"], where, labels["title"], TEXT_MAX)
            if re.match(r"^[IVXLC]+[.)]", text):
                big, small = text, None
            else:
                small = text
            continue
        heading = " – ".join(h for h in (big, small) if h) or None
        rows.append(_row(values, where, labels, heading=heading))
    return rows


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------------- one row


def _text(value: Any, where: str, label: str, limit: int) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(_("must be text"), source=where, field=label)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        text = clean_text(str(value))
    except ValueError as e:
        raise InputError(str(e), source=where, field=label) from None
    if len(text) > limit:
        raise InputError(_("at most {limit} characters (Phụ lục VI), not {count}").format(
            limit=limit, count=len(text)
        ), source=where, field=label)
    return text


def _row(values: Mapping[str, Any], where: str, labels: Mapping[str, str], *, heading: str | None) -> PlanRow:
    def label(name: str) -> str:
        return labels.get(name, name)

    def optional(name: str, limit: int) -> str | None:
        value = values.get(name)
        return _text(value, where, label(name), limit) if _present(value) else None

    if not _present(values.get("code")):
        raise InputError(_("field required"), source=where, field=label("code"))
    code = nfc(_text(values["code"], where, label("code"), CODE_MAX))
    if not _CODE.fullmatch(code) or code != code.upper():
        raise InputError(f"{code!r} {_(CODE_RULE)}", source=where, field=label("code"))
    if not _present(values.get("title")):
        raise InputError(_("field required"), source=where, field=label("title"))
    title = _text(values["title"], where, label("title"), TITLE_MAX)
    retention = None
    if _present(values.get("retention")):
        try:
            retention = parse_retention(values["retention"])
        except ValueError as e:
            raise InputError(str(e), source=where, field=label("retention")) from None
    own_heading = optional("heading", TEXT_MAX)
    return PlanRow(
        code=code,
        title=title,
        retention=retention,
        rule=optional("rule", 100),
        heading=own_heading or heading,
        unit=optional("unit", TEXT_MAX),
        owner=optional("owner", OWNER_MAX),
        rights=optional("rights", RIGHTS_MAX),
        notes=optional("notes", TEXT_MAX),
        where=where,
        labels=dict(labels),
    )
