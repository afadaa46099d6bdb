"""Build the shipped docxtpl templates in templates/docx/ from code.

The layout rules of Decree 30/2020 Phụ lục I (spec §1) are written here once,
as python-docx calls, instead of by hand in Word: A4, margins 20/20/30/15 mm,
Times New Roman in all four font slots, the component sizes and styles, rules
as paragraph borders, page numbers in the header from page 2 on.
Run `python tools/build_templates.py` after changing it; the tests read the
rendered documents back and check the rules.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
TEXT_WIDTH_MM = 165  # A4 210 - left 30 - right 15
LEFT_COL_MM, RIGHT_COL_MM = 66, 99  # header table (spec §1.14)
CELL_PAD_MM = 1.9 * 2  # Word's default left + right cell margins
CENTER, LEFT, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)
OUT = Path(__file__).resolve().parents[1] / "templates" / "docx"
# Landscape certificates: the portrait page turned a quarter clockwise, each
# margin keeping its Decree 30 range: the 30 mm binding side goes to the top
# (room under the printed ornament of the blank), the portrait top/bottom
# ranges (20–25) become left/right, the right range (15–20) the bottom, at 20
# for symmetry. Text area 257 × 160 mm.
LANDSCAPE_MARGINS_MM = {"top": 30, "bottom": 20, "left": 20, "right": 20}
CERT_WIDTH_MM = 297 - LANDSCAPE_MARGINS_MM["left"] - LANDSCAPE_MARGINS_MM["right"]


# ---------------------------------------------------------------- primitives
def set_fonts(rpr) -> None:
    """All four slots, so Vietnamese letters never fall back to another face."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)


def base_document():
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    sec.header_distance, sec.footer_distance = Mm(10), Mm(10)
    # Document defaults and Normal: TNR 14, single spacing, 6 pt after.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr_default)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    set_fonts(normal.element.get_or_add_rPr())
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(6), 1.0
    for name in ("Header", "Footer", "Table Grid"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        set_fonts(style.element.get_or_add_rPr())
    # Page numbers: centred in the header, none on the first page (spec §1.2).
    sec.different_first_page_header_footer = True
    sec.first_page_header.is_linked_to_previous = False
    first = sec.first_page_header.paragraphs[0]
    first.text = ""
    page_number_paragraph(sec.header.paragraphs[0])
    return doc


def landscape(doc) -> None:
    """A4 landscape with the rotated margins; no page numbers (every page is one certificate)."""
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    m = LANDSCAPE_MARGINS_MM
    sec.top_margin, sec.bottom_margin = Mm(m["top"]), Mm(m["bottom"])
    sec.left_margin, sec.right_margin = Mm(m["left"]), Mm(m["right"])
    for p in sec.header.paragraphs:
        p._p.getparent().remove(p._p)
    sec.header.add_paragraph()


def page_number_paragraph(p) -> None:
    p.alignment = CENTER
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run()
    style_run(run, 13)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)


def style_run(run, size: float, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    set_fonts(run._r.get_or_add_rPr())


def para(
    container,
    text: str = "",
    size: float = 14,
    *,
    bold: bool = False,
    italic: bool = False,
    align=JUSTIFY,
    first_indent: float | None = None,
    before: float = 0,
    after: float = 6,
    keep_next: bool = False,
    runs: Sequence[tuple[str, dict]] | None = None,
):
    p = container.add_paragraph()
    pf = p.paragraph_format
    p.alignment = align
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.line_spacing = 1.0
    if first_indent is not None:
        pf.first_line_indent = Cm(first_indent)
    if keep_next:
        pf.keep_with_next = True
    for chunk, fmt in runs or [(text, {"bold": bold, "italic": italic})]:
        if chunk:
            style_run(p.add_run(chunk), fmt.get("size", size), fmt.get("bold", False), fmt.get("italic", False))
    return p


def tag(container, text: str):
    """A paragraph holding only a docxtpl {%p …%} tag: removed at render."""
    p = container.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    style_run(p.add_run(text), 14)
    return p


def rule(container, length_mm: float, width_mm: float, *, after: float = 0):
    """A centred solid line of the given length: an empty paragraph's bottom border."""
    p = container.add_paragraph()
    pf = p.paragraph_format
    side = max((width_mm - length_mm) / 2, 0)
    pf.left_indent, pf.right_indent = Mm(side), Mm(side)
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(after), 1.0
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)
    # A 2 pt paragraph mark keeps the line close under the text above.
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "4")
    rpr.append(sz)
    ppr.append(rpr)
    return p


def table(doc, widths_mm: Sequence[float], rows: int = 1, *, grid: bool = False):
    t = doc.add_table(rows=rows, cols=len(widths_mm))
    if grid:
        t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tbl_pr = t._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for row in t.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)
    for col, w in zip(t.columns, widths_mm):
        col.width = Mm(w)
    # python-docx starts each cell with an empty paragraph; builders add their own.
    for row in t.rows:
        for cell in row.cells:
            cell._tc.remove(cell.paragraphs[0]._p)
    return t


def row_flags(row, *, cant_split: bool = True, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if cant_split:
        tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def add_row(t, texts: Sequence[str], aligns: Sequence, size: float = 13, bold: bool = False):
    row = t.add_row()
    for cell in row.cells:
        for p in list(cell.paragraphs):
            cell._tc.remove(p._p)
    for cell, text, align in zip(row.cells, texts, aligns):
        para(cell, text, size, bold=bold, align=align, after=0, before=2)
    return row


def preserve_spaces(doc) -> None:
    """Values may begin or end with spaces inside a line: keep them in every w:t."""
    for t in doc.element.body.iter(qn("w:t")):
        t.set(qn("xml:space"), "preserve")


def new_page_section(doc, *, restart_numbering: bool):
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    sec.different_first_page_header_footer = True
    if restart_numbering:
        pg = OxmlElement("w:pgNumType")
        pg.set(qn("w:start"), "1")
        sect_pr = sec._sectPr
        anchor = sect_pr.find(qn("w:cols"))
        if anchor is None:
            anchor = sect_pr.find(qn("w:titlePg"))
        if anchor is not None:
            anchor.addprevious(pg)
        else:
            sect_pr.append(pg)
    return sec


# ---------------------------------------------------------------- blocks
def header_block(doc, *, with_date: bool = True) -> None:
    """Ô 1–4: agency + Số on the left, Quốc hiệu + Tiêu ngữ + date on the right."""
    t = table(doc, (LEFT_COL_MM, RIGHT_COL_MM), rows=2)
    left, right = t.rows[0].cells
    tag(left, "{%p if parent %}")
    para(left, "{{ parent }}", 12, align=CENTER, after=0)
    tag(left, "{%p endif %}")
    para(left, "{{ agency }}", 12, bold=True, align=CENTER, after=0)
    rule(left, 25, LEFT_COL_MM - CELL_PAD_MM)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True, align=CENTER, after=0)
    para(right, "Độc lập - Tự do - Hạnh phúc", 13, bold=True, align=CENTER, after=0)
    rule(right, 62, RIGHT_COL_MM - CELL_PAD_MM)
    num_cell, date_cell = t.rows[1].cells
    para(num_cell, "{{ number_line }}", 13, align=CENTER, before=6, after=0)
    if with_date:
        para(date_cell, "{{ date_line }}", 13, italic=True, align=CENTER, before=6, after=0)
    else:
        para(date_cell, "", 13, align=CENTER, before=6, after=0)


def title_block(doc, lines: Sequence[str], *, rule_mm: float = 30) -> None:
    """Ô 5a: tên loại (UPPER bold) and trích yếu (bold), then a short rule."""
    for i, line in enumerate(lines):
        if line.startswith("{%p"):
            tag(doc, line)
            continue
        para(doc, line, 14, bold=True, align=CENTER, before=18 if i == 0 else 0, after=0, keep_next=True)
    rule(doc, rule_mm, TEXT_WIDTH_MM, after=12)


def loop(doc, var: str, items: str, text: str, **fmt) -> None:
    tag(doc, f"{{%p for {var} in {items} %}}")
    para(doc, text, **fmt)
    tag(doc, "{%p endfor %}")


def body(doc, text: str, **fmt):
    fmt.setdefault("first_indent", 1.27)
    return para(doc, text, 14, **fmt)


def signature_cell(cell, lines_expr: str, name_expr: str, *, lead: str | None = None) -> None:
    if lead:
        para(cell, lead, 14, bold=True, align=CENTER, after=0, keep_next=True)
    tag(cell, f"{{%p for l in {lines_expr} %}}")
    para(cell, "{{ l }}", 14, bold=True, align=CENTER, after=0, keep_next=True)
    tag(cell, "{%p endfor %}")
    for _ in range(4):  # signature space: 4 empty 14 pt lines (spec §1.14)
        para(cell, "", 14, align=CENTER, after=0, keep_next=True)
    para(cell, name_expr, 14, bold=True, align=CENTER, after=0)


def recipients_cell(cell) -> None:
    para(cell, "Nơi nhận:", 12, bold=True, italic=True, align=LEFT, after=0, keep_next=True)
    loop(cell, "r", "recipients", "{{ r }}", size=11, align=LEFT, after=0)


# ---------------------------------------------------------------- documents
def reward_decision():
    doc = base_document()
    header_block(doc)
    title_block(doc, ["QUYẾT ĐỊNH", "{{ title }}"])
    para(doc, "{{ authority_line }}", 14, bold=True, align=CENTER, before=0, after=12)
    loop(doc, "b", "bases", "{{ b }}", size=14, italic=True, first_indent=1.27)
    para(doc, "QUYẾT ĐỊNH:", 14, bold=True, align=CENTER, before=6, after=12)
    tag(doc, "{%p for a in articles %}")
    para(
        doc,
        runs=[("{{ a.head }}", {"bold": True}), (" {{ a.text }}", {})],
        first_indent=1.27,
        keep_next=True,
    )
    tag(doc, "{%p endfor %}")
    sig = table(doc, (82, 83))
    row_flags(sig.rows[0])
    left, right = sig.rows[0].cells
    recipients_cell(left)
    signature_cell(right, "signer.lines", "{{ signer.name }}")

    # The attached list: its own section, numbered from 1, no number on its first page.
    new_page_section(doc, restart_numbering=True)
    para(doc, "DANH SÁCH", 14, bold=True, align=CENTER, after=0, keep_next=True)
    para(doc, "{{ annex_title }}", 14, bold=True, align=CENTER, after=0, keep_next=True)
    para(doc, "{{ annex_ref }}", 14, italic=True, align=CENTER, after=0, keep_next=True)
    rule(doc, 30, TEXT_WIDTH_MM, after=12)

    tag(doc, "{%p if collectives %}")
    para(doc, "{{ collectives_heading }}", 14, bold=True, align=LEFT, keep_next=True)
    widths = (15, 100, 28, 22)
    t = table(doc, widths, rows=0, grid=True)
    head = add_row(t, ["STT", "Tên tập thể", "Số tiền (đồng)", "Ghi chú"], [CENTER] * 4, bold=True)
    row_flags(head, header=True)
    add_row(t, ["{%tr for c in collectives %}", "", "", ""], [LEFT] * 4)
    row_flags(add_row(t, ["{{ c.no }}", "{{ c.name }}", "{{ c.amount }}", "{{ c.note }}"], [CENTER, LEFT, RIGHT, LEFT]))
    add_row(t, ["{%tr endfor %}", "", "", ""], [LEFT] * 4)
    tag(doc, "{%p endif %}")

    tag(doc, "{%p if individuals %}")
    para(doc, "{{ individuals_heading }}", 14, bold=True, align=LEFT, before=6, keep_next=True)
    widths = (15, 44, 56, 28, 22)
    t = table(doc, widths, rows=0, grid=True)
    head = add_row(t, ["STT", "Họ và tên", "Chức vụ, đơn vị công tác", "Số tiền (đồng)", "Ghi chú"], [CENTER] * 5, bold=True)
    row_flags(head, header=True)
    add_row(t, ["{%tr for c in individuals %}", "", "", "", ""], [LEFT] * 5)
    row_flags(
        add_row(
            t,
            ["{{ c.no }}", "{{ c.name }}", "{{ c.position_unit }}", "{{ c.amount }}", "{{ c.note }}"],
            [CENTER, LEFT, LEFT, RIGHT, LEFT],
        )
    )
    add_row(t, ["{%tr endfor %}", "", "", "", ""], [LEFT] * 5)
    tag(doc, "{%p endif %}")

    para(doc, "{{ total_line }}", 14, bold=True, align=LEFT, before=12, after=0)
    para(doc, "{{ total_words }}", 14, italic=True, align=LEFT)
    tag(doc, "{%p if money_note %}")
    para(doc, "{{ money_note }}", 13, italic=True, align=JUSTIFY)
    tag(doc, "{%p endif %}")
    return doc


def covenant():
    doc = base_document()
    header_block(doc)
    title_block(doc, ["{{ title }}", "{{ cluster }}"])
    loop(doc, "b", "bases", "{{ b }}", size=14, italic=True, first_indent=1.27)
    body(doc, "Các đơn vị thành viên Cụm thi đua gồm:")
    loop(doc, "m", "members", "{{ m }}", size=14, first_indent=1.27, after=0)
    body(doc, "{{ intro }}", before=6)
    body(doc, "{{ theme_heading }}", bold=True, keep_next=True)
    body(doc, "{{ theme }}", bold=True, italic=True, align=CENTER, first_indent=0)
    tag(doc, "{%p if goals %}")
    body(doc, "{{ goals_heading }}", bold=True, keep_next=True)
    loop(doc, "g", "goals", "{{ g }}", size=14, first_indent=1.27)
    tag(doc, "{%p endif %}")
    body(doc, "{{ commitments_heading }}", bold=True, keep_next=True)
    tag(doc, "{%p for s in commitments %}")
    body(doc, "{{ s.heading }}", bold=True, keep_next=True)
    loop(doc, "i", "s.points", "{{ i }}", size=14, first_indent=1.27)
    tag(doc, "{%p endfor %}")
    body(doc, "{{ organisation_heading }}", bold=True, keep_next=True)
    loop(doc, "o", "organisation", "{{ o }}", size=14, first_indent=1.27)
    body(doc, "{{ closing }}")

    tag(doc, "{%p if countersign %}")
    t = table(doc, (82, 83))
    row_flags(t.rows[0])
    para(t.rows[0].cells[0], "", 14, after=0)
    signature_cell(t.rows[0].cells[1], "countersign.lines", "{{ countersign.name }}")
    tag(doc, "{%p endif %}")

    para(doc, "ĐẠI DIỆN CÁC ĐƠN VỊ THÀNH VIÊN CỤM THI ĐUA", 14, bold=True, align=CENTER, before=12, after=6, keep_next=True)
    grid = table(doc, (82, 83), rows=0)
    add_row(grid, ["{%tr for row in rows %}", ""], [LEFT, LEFT])
    row = grid.add_row()
    row_flags(row)
    for idx, cell in enumerate(row.cells):
        for p in list(cell.paragraphs):
            cell._tc.remove(p._p)
        para(cell, f"{{{{ row[{idx}].unit }}}}", 13, bold=True, align=CENTER, before=12, after=0, keep_next=True)
        tag(cell, f"{{%p for l in row[{idx}].lines %}}")
        para(cell, "{{ l }}", 13, bold=True, align=CENTER, after=0, keep_next=True)
        tag(cell, "{%p endfor %}")
        for _ in range(4):
            para(cell, "", 14, align=CENTER, after=0, keep_next=True)
        para(cell, f"{{{{ row[{idx}].name }}}}", 14, bold=True, align=CENTER, after=6)
    add_row(grid, ["{%tr endfor %}", ""], [LEFT, LEFT])

    tag(doc, "{%p if recipients %}")
    para(doc, "", 12, after=0)
    recipients_cell(doc)
    tag(doc, "{%p endif %}")
    return doc


def minutes():
    doc = base_document()
    header_block(doc, with_date=False)
    title_block(doc, ["BIÊN BẢN", "{{ meeting }}", "{%p if subtitle %}", "{{ subtitle }}", "{%p endif %}"])
    body(doc, "{{ start_line }}")
    body(doc, "{{ place_line }}")
    body(doc, "Thành phần tham dự:", bold=True, keep_next=True)
    tag(doc, "{%p if guests %}")
    body(doc, "{{ guests_heading }}", after=0)
    loop(doc, "g", "guests", "{{ g }}", size=14, first_indent=1.27, after=0)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if members %}")
    body(doc, "{{ members_heading }}", after=0, before=3)
    loop(doc, "m", "members", "{{ m }}", size=14, first_indent=1.27, after=0)
    tag(doc, "{%p endif %}")
    body(doc, "{{ chair_line }}", before=6)
    body(doc, "{{ secretary_line }}")
    body(doc, "Nội dung:", bold=True, keep_next=True)
    loop(doc, "a", "agenda", "{{ a }}", size=14, first_indent=1.27)
    tag(doc, "{%p if discussion %}")
    body(doc, "Thảo luận:", bold=True, keep_next=True)
    loop(doc, "d", "discussion", "{{ d }}", size=14, first_indent=1.27)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if elections %}")
    body(doc, "Bầu cử, biểu quyết:", bold=True, keep_next=True)
    loop(doc, "e", "elections", "{{ e }}", size=14, first_indent=1.27)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if conclusions %}")
    body(doc, "Kết luận của chủ trì:", bold=True, keep_next=True)
    loop(doc, "c", "conclusions", "{{ c }}", size=14, first_indent=1.27)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if approval %}")
    body(doc, "{{ approval }}")
    tag(doc, "{%p endif %}")
    body(doc, "{{ end_line }}", keep_next=True)
    sig = table(doc, (82, 83))
    row_flags(sig.rows[0])
    left, right = sig.rows[0].cells
    signature_cell(left, "[]", "{{ secretary.name }}", lead="THƯ KÝ")
    para(left, "", 12, after=0)
    recipients_cell(left)
    signature_cell(right, "chair.lines", "{{ chair.name }}")
    return doc


def invitation():
    """Mẫu 1.7: GIẤY MỜI, the invitee on the "kính mời:" line, the event lines, ./. ."""
    doc = base_document()
    header_block(doc)
    title_block(doc, ["GIẤY MỜI", "{{ subject }}"])
    para(doc, runs=[("{{ invite_lead }}", {}), ("{{ invitee }}", {"bold": True})], first_indent=1.27)
    loop(doc, "l", "lines", "{{ l }}", size=14, first_indent=1.27, keep_next=True)
    sig = table(doc, (82, 83))
    row_flags(sig.rows[0])
    left, right = sig.rows[0].cells
    recipients_cell(left)
    signature_cell(right, "signer.lines", "{{ signer.name }}")
    return doc


def certificate():
    """One landscape page per awardee; each page kept whole (keep-with-next, unsplittable row)."""
    doc = base_document()
    landscape(doc)
    tag(doc, "{%p for p in pages %}")
    top = para(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True, align=CENTER, after=0, keep_next=True)
    top.paragraph_format.page_break_before = True  # a new sheet for every awardee (none before the first)
    para(doc, "Độc lập - Tự do - Hạnh phúc", 14, bold=True, align=CENTER, after=0, keep_next=True)
    rule(doc, 67, CERT_WIDTH_MM, after=12).paragraph_format.keep_with_next = True
    para(doc, "{{ authority }}", 16, bold=True, align=CENTER, before=6, after=0, keep_next=True)
    para(doc, "TẶNG", 14, bold=True, align=CENTER, before=6, after=0, keep_next=True)
    para(doc, "{{ award }}", 40, bold=True, align=CENTER, before=6, after=6, keep_next=True)
    para(doc, "{{ p.name }}", 22, bold=True, align=CENTER, after=0, keep_next=True)
    tag(doc, "{%p if p.position_unit %}")
    para(doc, "{{ p.position_unit }}", 16, align=CENTER, after=0, keep_next=True)
    tag(doc, "{%p endif %}")
    para(doc, "{{ achievement }}", 16, align=CENTER, before=12, after=12, keep_next=True)
    half = CERT_WIDTH_MM / 2
    sig = table(doc, (half, half))
    row_flags(sig.rows[0])
    left, right = sig.rows[0].cells
    para(left, "{{ decision_line }}", 13, align=CENTER, before=6, after=0)
    para(right, "{{ date_line }}", 14, italic=True, align=CENTER, after=6, keep_next=True)
    signature_cell(right, "signer.lines", "{{ signer.name }}")
    tag(doc, "{%p endfor %}")
    return doc


BUILDERS = {
    "reward-decision.docx": reward_decision,
    "covenant.docx": covenant,
    "minutes.docx": minutes,
    "invitation.docx": invitation,
    "certificate.docx": certificate,
}


def build_all(out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, builder in BUILDERS.items():
        doc = builder()
        preserve_spaces(doc)
        path = out / name
        doc.save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(path)
