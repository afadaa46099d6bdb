"""The printed registers: the outgoing register's ten columns (Phụ lục IV mục I) as CSV and xlsx.

``register list --format csv|xlsx`` writes these, ready to print and bind.

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
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from .files import write_atomic_with
from .register import Entry

__all__ = [
    "COPY_KEEPER",
    "FORMULA_STARTS",
    "REGISTER_HEADINGS",
    "cell_text",
    "csv_text",
    "neutralise",
    "register_rows",
    "write_csv",
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


def _summary(entry: Entry) -> str:
    """Column 3: the type name joined with the trích yếu ("Quyết định về việc …")."""
    title = entry.title
    if title.startswith("Về việc") or title.startswith("Về "):
        title = "v" + title[1:]
    return " ".join(p for p in (entry.type_name, title) if p)


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
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ đăng ký văn bản đi"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body_align = Alignment(vertical="top", wrap_text=True)
    font = Font(name="Times New Roman", size=12)
    bold = Font(name="Times New Roman", size=12, bold=True)

    for col, heading in enumerate(REGISTER_HEADINGS, start=1):
        cell = ws.cell(row=1, column=col)
        write_text_cell(cell, heading)
        cell.font, cell.alignment, cell.border = bold, head_align, border
    for r, (e, row) in enumerate(zip(entries, register_rows(entries)), start=2):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col)
            if col == 2:
                cell.value = e.date  # a real date, shown dd/mm/yyyy
                cell.number_format = "dd/mm/yyyy"
            else:
                write_text_cell(cell, value)
            cell.font, cell.alignment, cell.border = font, body_align, border
    for i, width in enumerate(_WIDTHS, start=1):
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
    title = "SỔ ĐĂNG KÝ VĂN BẢN ĐI" + (f" NĂM {year}" if year else "")
    ws.oddHeader.center.text = title
    ws.oddHeader.center.font = "Times New Roman,Bold"
    ws.oddFooter.center.text = "Trang &P / &N"

    write_atomic_with(path, lambda tmp: wb.save(tmp))
