"""Build the shipped docxtpl templates in templates/docx/ from code.

The layout rules of Decree 30/2020 Phụ lục I (spec §1) are written here once,
as python-docx calls, instead of by hand in Word: A4, margins 20/20/30/15 mm,
Times New Roman in all four font slots, the component sizes and styles, rules
as paragraph borders, page numbers in the header from page 2 on.
Run `python tools/build_templates.py` after changing it; the tests read the
rendered documents back and check the rules.

Pagination is a clerk's: the body flows onto every page as far as it goes and
only what must stay together is kept together (LibreOffice, which makes the
PDFs, never splits a "keep with next" paragraph, so only short paragraphs get
it): a heading with the first lines after it, the body's last paragraph with
the signature block, a signature block with itself (unsplittable rows; a row
whose first paragraph keeps with the next keeps with the next row, as in
Word), a list row with itself and the header row repeated. Widow and orphan
control is on everywhere. The paragraph that carries the break before the
attached list is 1/20 pt high, so it never spills onto a page of its own.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, Twips

FONT = "Times New Roman"
# The page geometry is the package's (paperwork/layout.py): the kinds break centred text to it.
from paperwork.layout import CELL_PAD_MM, LEFT_COL_MM, MOTTO, MOTTO_RULE_MM, RIGHT_COL_MM, TEXT_WIDTH_MM  # noqa: E402
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
    pf.widow_control = True  # never one line of a paragraph alone at a page's foot or head
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


PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                  "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                  "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                  "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                  "w:rPr", "w:sectPr", "w:pPrChange")


def mark_size(p, half_points: int) -> None:
    """The size of the paragraph mark (an empty paragraph's height follows it)."""
    ppr = p.get_or_add_pPr()
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(half_points))
    rpr.append(sz)
    ppr.insert_element_before(rpr, "w:sectPr", "w:pPrChange")


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
    ppr.insert_element_before(border, *PPR_AFTER_PBDR)
    # A 2 pt paragraph mark keeps the line close under the text above.
    mark_size(p._p, 4)
    return p


def hairline(p) -> None:
    """An empty paragraph 1/20 pt high: it fits under a signature block that ends at a page's foot.

    (LibreOffice keeps no table with the paragraph after it, so a 1 pt one
    spilled onto a page of its own at times; a document simply ends with its
    last table.)
    """
    pf = p.paragraph_format
    pf.space_before, pf.space_after = Pt(0), Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Twips(1)
    mark_size(p._p, 2)


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


def keep_row(row) -> None:
    """Keep a row on the page of the next row.

    Word keeps a row with the next when its paragraphs keep with the next;
    LibreOffice looks at the first paragraph of the first cell. Every paragraph
    of the row gets it, the {%p %} tag paragraphs too (whichever comes first
    after rendering carries it).
    """
    for p in row._tr.iter(qn("w:p")):
        ppr = p.get_or_add_pPr()
        ppr.get_or_add_keepNext()


def empty_row(t, *, span: bool = False):
    """A new row without paragraphs; ``span``: one cell over the whole width."""
    row = t.add_row()
    for cell in row.cells:
        for p in list(cell.paragraphs):
            cell._tc.remove(p._p)
    if span and len(row.cells) > 1:
        first = row.cells[0]
        width = sum((c.width for c in row.cells), Mm(0))
        for tc in row._tr.tc_lst[1:]:
            row._tr.remove(tc)
        first._tc.get_or_add_tcPr()
        first.width = width
        first._tc.tcPr.grid_span = len(t.columns)
    return row


def add_row(t, texts: Sequence[str], aligns: Sequence, size: float = 13, bold: bool = False):
    row = empty_row(t)
    for cell, text, align in zip(row.cells, texts, aligns):
        para(cell, text, size, bold=bold, align=align, after=0, before=2)
    return row


def tag_row(t, text: str) -> None:
    """A row holding only a docxtpl {%tr …%} tag: removed at render."""
    row = empty_row(t)
    for cell in row.cells:
        para(cell, "", 13, after=0)
    row.cells[0].paragraphs[0].add_run(text)


def preserve_spaces(doc) -> None:
    """Values may begin or end with spaces inside a line: keep them in every w:t."""
    for t in doc.element.body.iter(qn("w:t")):
        t.set(qn("xml:space"), "preserve")


def new_page_section(doc, *, restart_numbering: bool):
    """A section starting on a new page; the paragraph that ends the one before is a hairline.

    The break lives in the last paragraph of the previous section: after a
    signature block ending at a page's foot, a full-height empty paragraph
    there would make a numbered blank page.
    """
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    hairline(doc.paragraphs[-1])
    sec.different_first_page_header_footer = True
    # Headers of its own, not linked to the section before: a template may drop
    # that section's break (a decision without a list is then this section alone).
    sec.header.is_linked_to_previous = False
    page_number_paragraph(sec.header.paragraphs[0])
    sec.first_page_header.is_linked_to_previous = False
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
    # 2/5 of the agency's longest line (Phụ lục I: 1/3 to 1/2), measured by the context.
    agency_rule = rule(left, 25, LEFT_COL_MM - CELL_PAD_MM)
    ind = agency_rule._p.get_or_add_pPr().find(qn("w:ind"))
    ind.set(qn("w:left"), "{{ agency_rule_indent }}")
    ind.set(qn("w:right"), "{{ agency_rule_indent }}")
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True, align=CENTER, after=0)
    para(right, MOTTO, 13, bold=True, align=CENTER, after=0)
    rule(right, MOTTO_RULE_MM, RIGHT_COL_MM - CELL_PAD_MM)  # as long as the motto (Phụ lục I)
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


def signature_space(cell) -> None:
    for _ in range(4):  # signature space: 4 empty 14 pt lines (spec §1.14)
        para(cell, "", 14, align=CENTER, after=0)


def signature_cell(cell, lines_expr: str, name_expr: str, *, keep: bool = True) -> None:
    """Title lines, the signature space and the name; ``keep``: each line keeps with the next."""
    tag(cell, f"{{%p for l in {lines_expr} %}}")
    para(cell, "{{ l }}", 14, bold=True, align=CENTER, after=0, keep_next=keep)
    tag(cell, "{%p endfor %}")
    for _ in range(4):  # signature space: 4 empty 14 pt lines (spec §1.14)
        para(cell, "", 14, align=CENTER, after=0, keep_next=keep)
    para(cell, name_expr, 14, bold=True, align=CENTER, after=0)


def recipients_cell(cell, *, before: float = 0) -> None:
    para(cell, "Nơi nhận:", 12, bold=True, italic=True, align=LEFT, before=before, after=0, keep_next=True)
    loop(cell, "r", "recipients", "{{ r }}", size=11, align=LEFT, after=0)


def signer_block(doc) -> None:
    """Nơi nhận (ô 9b) beside the signer (ô 7): one unsplittable row."""
    sig = table(doc, (82, 83))
    row = sig.rows[0]
    left, right = row.cells
    recipients_cell(left)
    signature_cell(right, "signer.lines", "{{ signer.name }}")
    row_flags(row)


def two_signers(doc, left_title: str, left_name: str, right_lines: str, right_name: str) -> None:
    """Two signers side by side, names level: titles in one row, signature space and names in the next.

    Both rows are unsplittable and the first keeps with the second. Nơi nhận
    goes under the left signer (Mẫu 1.9: under THƯ KÝ).
    """
    t = table(doc, (82, 83), rows=0)
    titles = empty_row(t)
    para(titles.cells[0], left_title, 14, bold=True, align=CENTER, after=0)
    tag(titles.cells[1], f"{{%p for l in {right_lines} %}}")
    para(titles.cells[1], "{{ l }}", 14, bold=True, align=CENTER, after=0)
    tag(titles.cells[1], "{%p endfor %}")
    row_flags(titles)
    keep_row(titles)
    names = empty_row(t)
    for cell, name in ((names.cells[0], left_name), (names.cells[1], right_name)):
        signature_space(cell)
        para(cell, name, 14, bold=True, align=CENTER, after=0)
    recipients_cell(names.cells[0], before=12)
    row_flags(names)


# ---------------------------------------------------------------- documents
def reward_decision():
    doc = base_document()
    header_block(doc)
    title_block(doc, ["QUYẾT ĐỊNH", "{{ title }}"])
    para(doc, "{{ authority_line }}", 14, bold=True, align=CENTER, before=0, after=12, keep_next=True)
    loop(doc, "b", "bases", "{{ b }}", size=14, italic=True, first_indent=1.27)
    para(doc, "QUYẾT ĐỊNH:", 14, bold=True, align=CENTER, before=6, after=12, keep_next=True)
    # The articles flow; only the closing sentence (who carries the decision out)
    # keeps with the signature block.
    tag(doc, "{%p for a in articles %}")
    para(doc, runs=[("{{ a.head }}", {"bold": True}), (" {{ a.text }}", {})], first_indent=1.27)
    loop(doc, "e", "a.entries", "{{ e }}", size=14, first_indent=1.27)
    tag(doc, "{%p endfor %}")
    body(doc, "{{ closing }}", keep_next=True)
    signer_block(doc)

    # The attached list (more than two awardees): its own section, numbered from 1,
    # no number on its first page.
    tag(doc, "{%p if annexed %}")
    new_page_section(doc, restart_numbering=True)
    para(doc, "DANH SÁCH", 14, bold=True, align=CENTER, after=0, keep_next=True)
    para(doc, "{{ annex_title }}", 14, bold=True, align=CENTER, after=0, keep_next=True)
    para(doc, "{{ annex_ref }}", 14, italic=True, align=CENTER, after=0, keep_next=True)
    rule(doc, 30, TEXT_WIDTH_MM, after=12).paragraph_format.keep_with_next = True

    columns = (
        ("collectives", (15, 100, 28, 22), ["STT", "Tên tập thể", "Số tiền (đồng)", "Ghi chú"],
         ["no", "name", "amount", "note"], [CENTER, LEFT, RIGHT, LEFT]),
        ("individuals", (15, 44, 56, 28, 22), ["STT", "Họ và tên", "Chức vụ, đơn vị công tác", "Số tiền (đồng)", "Ghi chú"],
         ["no", "name", "position_unit", "amount", "note"], [CENTER, LEFT, LEFT, RIGHT, LEFT]),
    )
    for i, (group, widths, heads, fields, aligns) in enumerate(columns):
        tag(doc, f"{{%p if {group} %}}")
        para(doc, f"{{{{ {group}_heading }}}}", 14, bold=True, align=LEFT, before=6 if i else 0, keep_next=True)
        t = table(doc, widths, rows=0, grid=True)
        head = add_row(t, heads, [CENTER] * len(heads), bold=True)
        row_flags(head, header=True)  # repeated on every page the table runs onto
        keep_row(head)
        # Every row whole; the last keeps with what follows (the next heading or the total; Word
        # honours it, LibreOffice keeps no table with the paragraph after it).
        tag_row(t, f"{{%tr for c in {group}[:-1] %}}")
        row_flags(add_row(t, [f"{{{{ c.{f} }}}}" for f in fields], aligns))
        tag_row(t, "{%tr endfor %}")
        last = add_row(t, [f"{{{{ {group}[-1].{f} }}}}" for f in fields], aligns)
        row_flags(last)
        keep_row(last)
        tag(doc, "{%p endif %}")

    para(doc, "{{ total_line }}", 14, bold=True, align=LEFT, before=12, after=0, keep_next=True)
    para(doc, "{{ total_words }}", 14, italic=True, align=LEFT)
    tag(doc, "{%p if money_note %}")
    para(doc, "{{ money_note }}", 13, italic=True, align=JUSTIFY)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    return doc


def member_rows(grid, prefix: str, *, span: bool, keep_last: bool) -> None:
    """A row of member blocks: units and titles in one row, signature space and names in the next.

    The names of one row stand level whatever the number of title lines; the
    two rows are unsplittable and kept together. ``span``: one block centred
    over the whole width (the odd last member).
    """
    blocks = [prefix] if span else [f"{prefix}[0]", f"{prefix}[1]"]
    titles = empty_row(grid, span=span)
    for cell, block in zip(titles.cells, blocks):
        para(cell, f"{{{{ {block}.unit }}}}", 13, bold=True, align=CENTER, before=6, after=0)
        tag(cell, f"{{%p for l in {block}.lines %}}")
        para(cell, "{{ l }}", 13, bold=True, align=CENTER, after=0)
        tag(cell, "{%p endfor %}")
    row_flags(titles)
    keep_row(titles)
    names = empty_row(grid, span=span)
    for cell, block in zip(names.cells, blocks):
        signature_space(cell)
        para(cell, f"{{{{ {block}.name }}}}", 14, bold=True, align=CENTER, after=6)
    row_flags(names)
    if keep_last:
        keep_row(names)


def covenant():
    doc = base_document()
    header_block(doc)
    title_block(doc, ["{{ title }}", "{{ cluster }}"])
    loop(doc, "b", "bases", "{{ b }}", size=14, italic=True, first_indent=1.27)
    body(doc, "Các đơn vị thành viên Cụm thi đua gồm:", keep_next=True)
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
    # The closing line goes with the signatures that follow it.
    body(doc, "{{ closing }}", keep_next=True)

    tag(doc, "{%p if countersign %}")
    t = table(doc, (82, 83))
    row_flags(t.rows[0])
    para(t.rows[0].cells[0], "", 14, after=0)
    signature_cell(t.rows[0].cells[1], "countersign.lines", "{{ countersign.name }}", keep=False)
    tag(doc, "{%p endif %}")

    para(doc, "ĐẠI DIỆN CÁC ĐƠN VỊ THÀNH VIÊN CỤM THI ĐUA", 14, bold=True, align=CENTER, before=12, after=0,
         keep_next=True)
    # The grid flows row by row after the body. The last row keeps with Nơi nhận
    # (a row of the grid itself), so that never stands alone on a page.
    grid = table(doc, (82, 83), rows=0)
    tag_row(grid, "{%tr for row in rows %}")
    member_rows(grid, "row", span=False, keep_last=False)
    tag_row(grid, "{%tr endfor %}")
    tag_row(grid, "{%tr if last_pair %}")
    member_rows(grid, "last_pair", span=False, keep_last=True)
    tag_row(grid, "{%tr endif %}")
    tag_row(grid, "{%tr if single %}")
    member_rows(grid, "single", span=True, keep_last=True)
    tag_row(grid, "{%tr endif %}")
    tag_row(grid, "{%tr if recipients %}")
    notes = empty_row(grid, span=True)
    recipients_cell(notes.cells[0], before=6)
    row_flags(notes)
    tag_row(grid, "{%tr endif %}")
    return doc


def minutes():
    doc = base_document()
    header_block(doc, with_date=False)
    title_block(doc, ["BIÊN BẢN", "{{ meeting }}", "{%p if subtitle %}", "{{ subtitle }}", "{%p endif %}"])
    body(doc, "{{ start_line }}")
    body(doc, "{{ place_line }}")
    body(doc, "Thành phần tham dự:", bold=True, keep_next=True)
    tag(doc, "{%p if guests %}")
    body(doc, "{{ guests_heading }}", after=0, keep_next=True)
    loop(doc, "g", "guests", "{{ g }}", size=14, first_indent=1.27, after=0)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if members %}")
    body(doc, "{{ members_heading }}", after=0, before=3, keep_next=True)
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
    two_signers(doc, "THƯ KÝ", "{{ secretary.name }}", "chair.lines", "{{ chair.name }}")
    return doc


def invitation():
    """Mẫu 1.7: GIẤY MỜI, the invitee on the "kính mời:" line, the event lines, ./. ."""
    doc = base_document()
    header_block(doc)
    title_block(doc, ["GIẤY MỜI", "{{ subject }}"])
    para(doc, runs=[("{{ invite_lead }}", {}), ("{{ invitee }}", {"bold": True})], first_indent=1.27)
    loop(doc, "l", "lines[:-1]", "{{ l }}", size=14, first_indent=1.27)
    para(doc, "{{ lines[-1] }}", 14, first_indent=1.27, keep_next=True)
    signer_block(doc)
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


# docProps/app.xml of python-docx's default template claims 1 page, 0 words and "Microsoft Macintosh
# Word": every document rendered from it would say so, and the archive reads <Pages> as the page count
# (PageAmount, the mục lục's Tờ số). Ours names no counts: the page count of a rendered document is
# its PDF's (the pipeline), or unknown.
APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    b"<Application>paperwork</Application></Properties>"
)


def no_stale_counts(doc) -> None:
    for part in doc.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = APP_XML


def build_all(out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, builder in BUILDERS.items():
        doc = builder()
        preserve_spaces(doc)
        no_stale_counts(doc)
        path = out / name
        doc.save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(path)
