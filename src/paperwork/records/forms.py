"""The printed forms of Phụ lục V of Decree 30, written with python-docx and openpyxl:

    muc_luc_van_ban_xlsx / _docx   mục IV: Mục lục văn bản, tài liệu (of one dossier)
    muc_luc_nop_luu_xlsx / _docx   mục III: Mục lục hồ sơ, tài liệu nộp lưu
    bien_ban_docx                  mục V: Biên bản giao nhận hồ sơ, tài liệu

The .docx follow Decree 30's page set-up (Phụ lục I): A4 portrait, margins 20 / 20 / 30 / 15 mm
(top, bottom, left, right), Times New Roman in all four font slots, 13 pt text and 14 pt titles.
They are built here until the shipped templates (``tools/build_templates.py``) carry these forms.
Text cells of the spreadsheets go through ``paperwork.export.write_text_cell`` (never a formula).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..export import write_text_cell
from ..files import write_atomic_with
from ..vietnamese import count_str, date_line, number_to_words, upper_vi

__all__ = [
    "Agency",
    "FILE_LIST_HEADINGS",
    "DOC_LIST_HEADINGS",
    "HandOver",
    "bien_ban_docx",
    "muc_luc_nop_luu_docx",
    "muc_luc_nop_luu_xlsx",
    "muc_luc_van_ban_docx",
    "muc_luc_van_ban_xlsx",
]

FONT = "Times New Roman"
# Phụ lục V mục IV: the columns of the mục lục văn bản.
DOC_LIST_HEADINGS = ("STT", "Số, ký hiệu văn bản", "Ngày tháng năm văn bản", "Tên loại và trích yếu nội dung văn bản",
                     "Tác giả văn bản", "Tờ số/ Trang số", "Ghi chú")
DOC_LIST_WIDTHS_MM = (11, 26, 22, 55, 25, 14, 12)  # 165 mm: the A4 width less 30 + 15 mm
# Phụ lục V mục III: the columns of the mục lục hồ sơ, tài liệu nộp lưu.
FILE_LIST_HEADINGS = ("Số TT", "Số, ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian tài liệu", "Thời hạn bảo quản",
                      "Số tờ/ Số trang", "Ghi chú")
FILE_LIST_WIDTHS_MM = (11, 22, 58, 25, 20, 15, 14)


@dataclass(frozen=True)
class Agency:
    name: str
    parent: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class HandOver:
    """What the biên bản giao nhận states; names left None print as dotted lines to fill by hand."""

    agency: Agency
    year: int
    dossiers: int
    files: int
    period: str  # "2026" or "2025 - 2026"
    giver: str | None = None
    giver_title: str | None = None
    giver_unit: str | None = None
    receiver: str | None = None
    receiver_title: str | None = None
    date: dt.date | None = None
    condition: str = "Đầy đủ, toàn vẹn; mã SHA-256 của từng tệp tin ghi trong gói BagIt"


# --------------------------------------------------------------------------- xlsx


def _sheet(title: str, headings: Sequence[str], widths_mm: Sequence[int], lines: Sequence[str]):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(name=FONT, size=13, bold=True)
    row = 1
    for text in lines:
        cell = ws.cell(row=row, column=1)
        write_text_cell(cell, text)
        cell.font = bold if row == 1 else Font(name=FONT, size=13, bold=True)
        cell.alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headings))
        row += 1
    row += 1
    for col, heading in enumerate(headings, start=1):
        cell = ws.cell(row=row, column=col)
        write_text_cell(cell, heading)
        cell.font, cell.border = Font(name=FONT, size=12, bold=True), border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        number = ws.cell(row=row + 1, column=col)
        write_text_cell(number, f"({col})")
        number.font, number.border = Font(name=FONT, size=12), border
        number.alignment = Alignment(horizontal="center")
    for i, width in enumerate(widths_mm, start=1):
        ws.column_dimensions[get_column_letter(i)].width = round(width / 2.1, 1)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{row}:{row + 1}"
    ws.page_margins.left, ws.page_margins.right = 30 / 25.4, 15 / 25.4
    ws.page_margins.top = ws.page_margins.bottom = 20 / 25.4
    return wb, ws, row + 2, border


def _data_rows(ws: Any, first: int, rows: Sequence[Sequence[object]], border: Any, centred: Sequence[int]) -> None:
    from openpyxl.styles import Alignment, Font

    font = Font(name=FONT, size=12)
    for r, values in enumerate(rows, start=first):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, (int, dt.date)) and not isinstance(value, bool):
                cell.value = value
                if isinstance(value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
            else:
                write_text_cell(cell, "" if value is None else str(value))
            cell.font, cell.border = font, border
            cell.alignment = Alignment(vertical="top", wrap_text=True, horizontal="center" if c in centred else None)


def doc_list_rows(items: Sequence[Any]) -> list[list[object]]:
    """The seven cells of each row of the mục lục văn bản (``records.dossiers.Item``)."""
    return [[i.ordinal, i.number, i.date, i.summary, i.author, i.page_range or (f"{i.pages} tr." if i.pages else ""),
             i.note] for i in items]


def muc_luc_van_ban_xlsx(path: Path, code: str, year: int, items: Sequence[Any]) -> None:
    wb, ws, first, border = _sheet("Mục lục văn bản", DOC_LIST_HEADINGS, DOC_LIST_WIDTHS_MM,
                                   ("MỤC LỤC VĂN BẢN, TÀI LIỆU", f"Số, ký hiệu hồ sơ: {code}", f"Năm {year}"))
    _data_rows(ws, first, doc_list_rows(items), border, centred=(1, 3, 6))
    write_atomic_with(path, lambda tmp: wb.save(tmp))


def file_list_rows(entries: Sequence[Any]) -> list[list[object]]:
    """Rows of the mục lục hồ sơ nộp lưu from ``(ordinal, code, title, period, retention, pages, note)``."""
    return [list(e) for e in entries]


def muc_luc_nop_luu_xlsx(path: Path, agency: Agency, year: int, rows: Sequence[Sequence[object]]) -> None:
    wb, ws, first, border = _sheet("Mục lục hồ sơ nộp lưu", FILE_LIST_HEADINGS, FILE_LIST_WIDTHS_MM,
                                   ("MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU", upper_vi(agency.name), f"Năm {year}"))
    _data_rows(ws, first, rows, border, centred=(1, 4, 5, 6))
    end = first + len(rows) + 1
    for text in (f"Mục lục này gồm: {count_str(len(rows))} hồ sơ (đơn vị bảo quản).",
                 f"Viết bằng chữ: {_words(len(rows))} hồ sơ (đơn vị bảo quản)."):
        write_text_cell(ws.cell(row=end, column=1), text)
        end += 1
    write_atomic_with(path, lambda tmp: wb.save(tmp))


def _words(n: int) -> str:
    words = number_to_words(n)
    return words[0].upper() + words[1:]


# --------------------------------------------------------------------------- docx


def _document():
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)
    return document


def _run(paragraph: Any, text: str, *, size: float = 13, bold: bool = False, italic: bool = False) -> Any:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    return run


def _para(container: Any, text: str = "", *, size: float = 13, bold: bool = False, italic: bool = False,
          align: str = "left", before: float = 0, after: float = 0, first: Any = None) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = container.add_paragraph() if first is None else first
    paragraph.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                           "justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(after)
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def _rule(cell: Any, width_mm: float, cell_mm: float) -> None:
    """A short centred rule under a heading: an empty paragraph with a bottom border, indented."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    paragraph = cell.add_paragraph()
    indent = max(0.0, (cell_mm - width_mm) / 2)
    paragraph.paragraph_format.left_indent = Mm(indent)
    paragraph.paragraph_format.right_indent = Mm(indent)
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)
    paragraph.paragraph_format.space_after = _pt(2)


def _pt(value: float) -> Any:
    from docx.shared import Pt

    return Pt(value)


def _widths(table: Any, widths_mm: Sequence[float]) -> None:
    """Fixed column widths, in the grid (what LibreOffice reads) and in every cell (what Word reads)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths_mm) / 25.4 * 1440)))
    width.set(qn("w:type"), "dxa")
    for old in tblpr.findall(qn("w:tblW")):
        tblpr.remove(old)
    tblpr.append(width)
    for column, w in zip(table.columns, widths_mm):
        column.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)


def _header(document: Any, agency: Agency, *, date: dt.date | None = None, unit: str | None = None) -> None:
    """The header table (ô 1–4): parent agency and agency (or unit) left, Quốc hiệu and Tiêu ngữ right."""
    table = document.add_table(rows=1, cols=2)
    _widths(table, (65, 100))
    left, right = table.rows[0].cells
    if unit:
        top, name = agency.name, unit
    elif agency.parent:
        top, name = agency.parent, agency.name
    else:
        top, name = None, agency.name
    first = left.paragraphs[0]
    if top:
        _para(left, upper_vi(top), size=12, align="center", first=first)
        _para(left, upper_vi(name), size=12, bold=True, align="center")
    else:
        _para(left, upper_vi(name), size=12, bold=True, align="center", first=first)
    _rule(left, 22, 65)
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True, align="center", first=right.paragraphs[0])
    _para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, align="center")
    _rule(right, 58, 100)
    if date is not None and agency.place:
        _para(right, date_line(agency.place, date), size=13, italic=True, align="center", before=4)


def _grid(document: Any, headings: Sequence[str], widths_mm: Sequence[float], rows: Sequence[Sequence[object]],
          centred: Sequence[int]) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = document.add_table(rows=2 + len(rows), cols=len(headings))
    table.style = "Table Grid"
    for c, heading in enumerate(headings):
        _para(table.cell(0, c), heading, size=12, bold=True, align="center", first=table.cell(0, c).paragraphs[0])
        _para(table.cell(1, c), f"({c + 1})", size=12, align="center", first=table.cell(1, c).paragraphs[0])
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values):
            text = value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else ("" if value is None else str(value))
            cell = table.cell(r, c)
            _para(cell, text, size=12, align="center" if c + 1 in centred else "left", first=cell.paragraphs[0])
    _widths(table, widths_mm)
    for row in table.rows[:2]:  # the heading rows repeat on every page
        trpr = row._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        trpr.append(header)


def _save(document: Any, path: Path) -> None:
    write_atomic_with(path, lambda tmp: document.save(str(tmp)))


def muc_luc_van_ban_docx(path: Path, code: str, year: int, items: Sequence[Any]) -> None:
    document = _document()
    _para(document, "MỤC LỤC VĂN BẢN, TÀI LIỆU", size=14, bold=True, align="center")
    _para(document, f"Số, ký hiệu hồ sơ: {code}", size=14, bold=True, align="center")
    _para(document, f"Năm {year}", size=14, bold=True, align="center", after=12)
    _grid(document, DOC_LIST_HEADINGS, DOC_LIST_WIDTHS_MM, doc_list_rows(items), centred=(1, 3, 6))
    _save(document, path)


def muc_luc_nop_luu_docx(path: Path, agency: Agency, year: int, rows: Sequence[Sequence[object]],
                         *, date: dt.date, unit: str | None = None) -> None:
    document = _document()
    _header(document, agency, unit=unit)
    _para(document, "MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU", size=14, bold=True, align="center", before=18)
    _para(document, upper_vi(unit or agency.name), size=14, bold=True, align="center")
    _para(document, f"Năm {year}", size=14, bold=True, align="center", after=12)
    _grid(document, FILE_LIST_HEADINGS, FILE_LIST_WIDTHS_MM, rows, centred=(1, 4, 5, 6))
    _para(document, f"Mục lục này gồm: {count_str(len(rows))} hồ sơ (đơn vị bảo quản).", before=12)
    _para(document, f"Viết bằng chữ: {_words(len(rows))} hồ sơ (đơn vị bảo quản).")
    sign = document.add_table(rows=1, cols=2)
    _widths(sign, (65, 100))
    cell = sign.cell(0, 1)
    if agency.place:
        _para(cell, date_line(agency.place, date), italic=True, align="center", before=12, first=cell.paragraphs[0])
        _para(cell, "Người lập", bold=True, align="center")
    else:
        _para(cell, "Người lập", bold=True, align="center", before=12, first=cell.paragraphs[0])
    _para(cell, "(Ký và ghi rõ họ và tên, chức vụ)", italic=True, align="center")
    _save(document, path)


_DOTS = "…" * 20


def bien_ban_docx(path: Path, h: HandOver) -> None:
    """Biên bản giao nhận hồ sơ, tài liệu (Phụ lục V, mục V), for electronic dossiers (3.b)."""
    document = _document()
    date = h.date or dt.date.today()
    _header(document, h.agency, date=date)
    _para(document, "BIÊN BẢN", size=14, bold=True, align="center", before=18)
    _para(document, "Giao nhận hồ sơ, tài liệu", size=14, bold=True, align="center", after=12)
    body = [
        ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;", True),
        (f"Căn cứ Danh mục hồ sơ năm {h.year} của {h.agency.name},", True),
        ("Chúng tôi gồm:", False),
        (f"BÊN GIAO: {h.giver_unit or h.agency.name}", False),
        (f"Ông (bà): {h.giver or _DOTS}", False),
        (f"Chức vụ công tác: {h.giver_title or _DOTS}", False),
        ("BÊN NHẬN: Lưu trữ cơ quan", False),
        (f"Ông (bà): {h.receiver or _DOTS}", False),
        (f"Chức vụ công tác: {h.receiver_title or _DOTS}", False),
        ("Thống nhất lập biên bản giao nhận tài liệu với những nội dung như sau:", False),
        (f"1. Tên khối tài liệu giao nộp: Hồ sơ, tài liệu năm {h.year} của {h.agency.name}.", False),
        (f"2. Thời gian của hồ sơ, tài liệu: {h.period}.", False),
        ("3. Số lượng tài liệu:", False),
        ("b) Đối với hồ sơ, tài liệu điện tử", False),
        (f"- Tổng số hồ sơ: {count_str(h.dossiers)} ({_words(h.dossiers).lower()}) hồ sơ.", False),
        (f"- Tổng số tệp tin trong hồ sơ: {count_str(h.files)} ({_words(h.files).lower()}) tệp tin.", False),
        (f"4. Tình trạng tài liệu giao nộp: {h.condition}.", False),
        ("5. Mục lục hồ sơ, tài liệu nộp lưu kèm theo.", False),
        ("Biên bản này được lập thành hai bản; bên giao giữ một bản, bên nhận giữ một bản./.", False),
    ]
    from docx.shared import Cm

    for text, italic in body:
        p = _para(document, text, size=14, italic=italic, align="left" if _DOTS in text else "justify", before=1)
        p.paragraph_format.first_line_indent = Cm(1.27)
    sign = document.add_table(rows=1, cols=2)
    _widths(sign, (82, 83))
    for cell, side, name in ((sign.cell(0, 0), "ĐẠI DIỆN BÊN GIAO", h.giver), (sign.cell(0, 1), "ĐẠI DIỆN BÊN NHẬN",
                                                                               h.receiver)):
        _para(cell, side, size=14, bold=True, align="center", before=12, first=cell.paragraphs[0])
        _para(cell, "(Ký và ghi rõ họ và tên)", size=14, italic=True, align="center")
        for _ in range(4):
            _para(cell, "")
        if name:
            _para(cell, name, size=14, bold=True, align="center")
    _save(document, path)
