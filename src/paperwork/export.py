"""The printed registers: the outgoing register's ten columns (Phụ lục IV mục I) as CSV and xlsx.

``register list --format csv|xlsx`` writes these, ready to print and bind.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from .files import write_atomic_with
from .register import Entry

__all__ = ["COPY_KEEPER", "REGISTER_HEADINGS", "csv_text", "register_rows", "write_csv", "write_xlsx"]

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
    writer.writerows(register_rows(entries))


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

    ws.append(list(REGISTER_HEADINGS))
    for cell in ws[1]:
        cell.font, cell.alignment, cell.border = bold, head_align, border
    for e, row in zip(entries, register_rows(entries)):
        values: list[object] = list(row)
        values[1] = e.date  # a real date, shown dd/mm/yyyy
        ws.append(values)
        for cell in ws[ws.max_row]:
            cell.font, cell.alignment, cell.border = font, body_align, border
        ws.cell(row=ws.max_row, column=2).number_format = "dd/mm/yyyy"
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
