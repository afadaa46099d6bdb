"""The printed registers as CSV and xlsx: the outgoing register's ten columns (Phụ lục IV mục I)
and the incoming register's (Phụ lục IV mục VI).

``register list`` and ``incoming list --format csv|xlsx`` write these, ready to print and bind.

A register holds text people typed (trích yếu, signer, reason for a withdrawal),
and a spreadsheet runs a cell that starts with ``=`` as a formula. Every text
cell therefore passes through ``neutralise`` (CSV) or ``write_text_cell``
(xlsx), which any other register's export reuses:

* CSV: a cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading
  ``'`` (OWASP, CSV injection), shown as text by every spreadsheet;
* xlsx: every text cell is a string cell, never a formula, and one starting
  with those characters carries Excel's own quote prefix (the ``'`` a user
  types), so editing it later does not turn it into a formula either;
* both: control characters that XML (and so openpyxl) cannot hold become
  spaces, so an export never fails on one stored row.
"""

from __future__ import annotations

import csv
import io
import re
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .files import write_atomic_with
from .register import Entry

if TYPE_CHECKING:
    from .records.incoming import IncomingEntry

__all__ = [
    "COPY_KEEPER",
    "FORMULA_STARTS",
    "INCOMING_HEADINGS",
    "REGISTER_HEADINGS",
    "cell_text",
    "csv_text",
    "incoming_csv_text",
    "incoming_rows",
    "neutralise",
    "register_rows",
    "write_csv",
    "write_incoming_xlsx",
    "write_text_cell",
    "write_xlsx",
]

# The ten columns of the outgoing register (Decree 30, Phụ lục IV mục I).
REGISTER_HEADINGS = (
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
COPY_KEEPER = "VT"  # the file copy is kept by Văn thư

# The ten columns of the incoming register (Decree 30, Phụ lục IV mục VI).
INCOMING_HEADINGS = (
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)

# What makes a spreadsheet read a cell as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 cannot hold (openpyxl's IllegalCharacterError), and lone surrogates or U+FFFE/U+FFFF.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# -- safe cells: one rule for every register export -------------------------------


def cell_text(value: str) -> str:
    """``value`` with the characters a spreadsheet file cannot hold replaced by spaces."""
    return _UNWRITABLE.sub(" ", value)


def neutralise(value: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula: ``cell_text``, then ``'`` before ``= + - @`` tab CR."""
    value = cell_text(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write_text_cell(cell: Any, value: str) -> None:
    """Put ``value`` into an openpyxl cell as literal text: a string cell, never a formula.

    openpyxl makes any str starting with ``=`` a formula; the type is set after
    the value. A value that starts like a formula also gets Excel's quote prefix.
    """
    value = cell_text(value)
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


# -- the printed register (Phụ lục IV mục I) ----------------------------------


def _type_and_title(type_name: str | None, title: str | None) -> str:
    """The type name joined with the trích yếu ("Quyết định về việc …")."""
    title = title or ""
    if title.startswith("Về việc") or title.startswith("Về "):
        title = "v" + title[1:]
    return " ".join(p for p in (type_name, title) if p)


def _summary(entry: Entry) -> str:
    """Column 3: the type name joined with the trích yếu ("Quyết định về việc …")."""
    return _type_and_title(entry.type_name, entry.title)


def _note(entry: Entry) -> str:
    return f"Thu hồi: {entry.void_reason}" if entry.status == "void" else ""


def register_rows(entries: Sequence[Entry]) -> list[list[str]]:
    """The ten columns per entry, as text ready to print (dates dd/mm/yyyy)."""
    return [
        [
            e.number_symbol,
            f"{e.date:%d/%m/%Y}",
            _summary(e),
            e.signer,
            "; ".join(e.recipients),
            COPY_KEEPER,
            "",
            "",
            "",
            _note(e),
        ]
        for e in entries
    ]


def write_csv(entries: Sequence[Entry], stream: IO[str]) -> None:
    """The ten-column register as CSV (the caller picks the encoding; utf-8-sig for Excel)."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(REGISTER_HEADINGS)
    writer.writerows([neutralise(v) for v in row] for row in register_rows(entries))


def csv_text(entries: Sequence[Entry]) -> str:
    buf = io.StringIO()
    write_csv(entries, buf)
    return buf.getvalue()


# Character widths; about 12.5 in. in all, so fit-to-width prints at ~85 % on A4 landscape.
_WIDTHS = (14, 11, 40, 18, 28, 12, 7, 10, 9, 20)


def write_xlsx(entries: Sequence[Entry], path: Path, *, year: int | None = None) -> None:
    """The ten-column register as an A4-landscape workbook, headings repeated on every page."""
    rows: list[list[str | dt.date | None]] = []
    for e, row in zip(entries, register_rows(entries)):
        rows.append([row[0], e.date, *row[2:]])  # the date a real date, shown dd/mm/yyyy
    _write_register_xlsx(
        path, rows, headings=REGISTER_HEADINGS, widths=_WIDTHS, sheet="Sổ đăng ký văn bản đi",
        title="SỔ ĐĂNG KÝ VĂN BẢN ĐI" + (f" NĂM {year}" if year else ""),
    )


def _write_register_xlsx(
    path: Path,
    rows: Sequence[Sequence[str | dt.date | None]],
    *,
    headings: Sequence[str],
    widths: Sequence[int],
    sheet: str,
    title: str,
) -> None:
    """A register to print and bind: A4 landscape, ``title`` in the page header, headings
    repeated on every page, "Trang n / N" in the footer; dates are date cells, text is text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body_align = Alignment(vertical="top", wrap_text=True)
    font = Font(name="Times New Roman", size=12)
    bold = Font(name="Times New Roman", size=12, bold=True)

    for col, heading in enumerate(headings, start=1):
        cell = ws.cell(row=1, column=col)
        write_text_cell(cell, heading)
        cell.font, cell.alignment, cell.border = bold, head_align, border
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col)
            if isinstance(value, dt.date):
                cell.value = value  # a real date, shown dd/mm/yyyy
                cell.number_format = "dd/mm/yyyy"
            else:
                write_text_cell(cell, value or "")
            cell.font, cell.alignment, cell.border = font, body_align, border
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[1].height = 48
    ws.freeze_panes = "A2"

    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.center.text = title
    ws.oddHeader.center.font = "Times New Roman,Bold"
    ws.oddFooter.center.text = "Trang &P / &N"

    write_atomic_with(path, lambda tmp: wb.save(tmp))


# -- the incoming register (Phụ lục IV mục VI) ---------------------------------------


def _ddmmyyyy(d: dt.date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else ""


def incoming_rows(entries: Sequence[IncomingEntry]) -> list[list[str]]:
    """The ten columns of the incoming register per entry, as text ready to print (dates dd/mm/yyyy).

    Ký nhận is left blank for the signature on paper; Ghi chú carries the priority,
    the deadline, a duplicate's first arrival and the handling (``IncomingEntry.remarks``).
    """
    return [
        [
            _ddmmyyyy(e.received),
            e.arrival_number,
            e.organ or "",
            e.code,
            _ddmmyyyy(e.issued_date),
            _type_and_title(e.type_name, e.subject),
            e.to_places or "",
            _ddmmyyyy(e.routed_on),
            "",
            e.remarks,
        ]
        for e in entries
    ]


def incoming_csv_text(entries: Sequence[IncomingEntry]) -> str:
    """The incoming register as CSV (headings first; every cell through ``neutralise``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(INCOMING_HEADINGS)
    writer.writerows([neutralise(v) for v in row] for row in incoming_rows(entries))
    return buf.getvalue()


_INCOMING_WIDTHS = (11, 7, 24, 15, 11, 40, 22, 11, 9, 24)


def write_incoming_xlsx(entries: Sequence[IncomingEntry], path: Path, *, year: int | None = None) -> None:
    """The incoming register as an A4-landscape workbook, laid out as the outgoing one."""
    rows: list[list[str | dt.date | None]] = []
    for e, row in zip(entries, incoming_rows(entries)):
        rows.append([e.received, row[1], row[2], row[3], e.issued_date, row[5], row[6], e.routed_on, *row[8:]])
    _write_register_xlsx(
        path, rows, headings=INCOMING_HEADINGS, widths=_INCOMING_WIDTHS, sheet="Sổ đăng ký văn bản đến",
        title="SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" + (f" NĂM {year}" if year else ""),
    )
