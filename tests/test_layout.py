"""The shipped examples rendered and checked against Decree 30/2020 Phụ lục I, from the .docx itself."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Twips

from docx_checks import FONT_SLOTS, all_paragraphs, formats, full_text, has_page_field, mm, one, open_docx, run_format
from paperwork.config import Workspace
from paperwork.errors import InputError
from paperwork.generate import render_document
from paperwork.inputs import load_input, validate
from paperwork.kinds import KINDS, issue_of
from paperwork.vietnamese import date_phrase, format_money, number_str, upper_vi

DATE_LINE = re.compile(r"^[^,]+, ngày (0[1-9]|[12]\d|3[01]|\s{6}) tháng (0[12]|[3-9]|1[0-2]|\s{6}) năm \d{4}$")
NUMBER_LINE = re.compile(r"^Số: ?(0[1-9]|[1-9]\d+|\s{6})/[A-ZĐƯ]+(-[A-ZĐƯ0-9]+)+$")


def render_example(kind_name: str, tmp_path: Path, **changes):
    kind = KINDS[kind_name]
    src = tmp_path / f"{kind_name}.yaml"
    src.write_text(kind.example(), encoding="utf-8")
    model = load_input(src, kind.model)
    if changes:
        model = model.model_copy(update=changes)
    data = render_document(kind, model, Workspace(root=tmp_path))
    return model, open_docx(data)


@pytest.fixture(params=sorted(KINDS))
def rendered(request, tmp_path):
    model, doc = render_example(request.param, tmp_path)
    return request.param, model, doc


def check(doc, paragraph, *, sizes, bold, italic, what):
    fmts = formats(doc, paragraph)
    assert fmts, f"{what}: no text"
    for f in fmts:
        assert f.size is not None and sizes[0] <= f.size <= sizes[1], f"{what}: size {f.size} not in {sizes}"
        assert f.bold is bold, f"{what}: bold is {f.bold}"
        assert f.italic is italic, f"{what}: italic is {f.italic}"


# Kinds printed on landscape A4: the certificate (one page per awardee).
LANDSCAPE = {"certificate"}


def test_page_setup_of_every_section(rendered):
    kind, _, doc = rendered
    for section in doc.sections:
        if kind in LANDSCAPE:
            # The portrait page turned a quarter clockwise: each margin keeps its
            # Decree 30 range (binding 30–35 at the top, 15–20 at the bottom).
            assert round(mm(section.page_width)) == 297 and round(mm(section.page_height)) == 210
            assert section.orientation == 1  # WD_ORIENT.LANDSCAPE
            assert 30 <= round(mm(section.top_margin)) <= 35
            assert 15 <= round(mm(section.bottom_margin)) <= 20
            assert 20 <= round(mm(section.left_margin)) <= 25
            assert 20 <= round(mm(section.right_margin)) <= 25
            continue
        assert round(mm(section.page_width)) == 210 and round(mm(section.page_height)) == 297
        assert 20 <= round(mm(section.top_margin)) <= 25
        assert 20 <= round(mm(section.bottom_margin)) <= 25
        assert 30 <= round(mm(section.left_margin)) <= 35
        assert 15 <= round(mm(section.right_margin)) <= 20


def test_times_new_roman_in_all_four_slots_everywhere(rendered):
    _, _, doc = rendered
    runs = 0
    for p in all_paragraphs(doc):
        for r in p.runs:
            f = run_format(doc, p, r)
            assert f.fonts == ("Times New Roman",) * len(FONT_SLOTS), (r.text, f.fonts)
            runs += 1
    assert runs > 20  # the whole document was read (a one-page invitation has ~25 runs)


def test_page_numbers_in_the_header_from_page_two(rendered):
    kind, _, doc = rendered
    if kind == "certificate":
        # Every page is a certificate of its own: no page shows a number.
        for section in doc.sections:
            assert not has_page_field(section.header) and not has_page_field(section.first_page_header)
        return
    for section in doc.sections:
        assert section.different_first_page_header_footer, "page 1 must show no number"
        assert has_page_field(section.header), "PAGE field missing from the header"
        assert not has_page_field(section.first_page_header)
        centred = [p for p in section.header.paragraphs if "PAGE" in p._p.xml]
        assert centred and centred[0].alignment == 1  # WD_ALIGN_PARAGRAPH.CENTER
        for p in centred:
            for f in formats(doc, p) or [run_format(doc, p, r) for r in p.runs]:
                assert f.size is not None and 13 <= f.size <= 14 and not f.italic


def test_header_components(rendered):
    kind, model, doc = rendered
    motto = one(doc, lambda t: t == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Quốc hiệu")
    check(doc, motto, sizes=(12, 13), bold=True, italic=False, what="Quốc hiệu")
    slogan = one(doc, lambda t: t == "Độc lập - Tự do - Hạnh phúc", "Tiêu ngữ")
    check(doc, slogan, sizes=(13, 14), bold=True, italic=False, what="Tiêu ngữ")
    if kind == "certificate":
        # No agency block: the awarding authority line names the agency (the model checks it).
        authority = one(doc, lambda t: t == upper_vi(model.issuer_title), "awarding authority")
        check(doc, authority, sizes=(13, 16), bold=True, italic=False, what="authority")
        assert upper_vi(model.agency.name) in authority.text
    else:
        agency = one(doc, lambda t: t == upper_vi(model.agency.name), "issuing agency")
        check(doc, agency, sizes=(12, 13), bold=True, italic=False, what="agency")
    if model.agency.parent and kind != "certificate":
        parent = one(doc, lambda t: t == upper_vi(model.agency.parent), "parent agency")
        check(doc, parent, sizes=(12, 13), bold=False, italic=False, what="parent agency")
    if KINDS[kind].numbered or model.number:
        number = one(doc, lambda t: t.startswith("Số:"), "number")
        assert NUMBER_LINE.match(number.text), number.text
        check(doc, number, sizes=(13, 13), bold=False, italic=False, what="number")
        if model.number:
            assert f"Số: {number_str(model.number)}/" in number.text
    dates = [p for p in all_paragraphs(doc) if DATE_LINE.match(p.text)]
    if kind == "minutes":
        assert not dates, "Mẫu 1.9: the minutes header has no place/date line"
    else:
        # One date line a document; a certificate has one on each awardee's page.
        assert len(dates) == (len(model.awardees) if kind == "certificate" else 1)
        for line in dates:
            check(doc, line, sizes=(13, 14), bold=False, italic=True, what="date line")
            assert line.text.startswith(f"{model.place}, ")


@pytest.mark.parametrize(
    ("day", "expected"),
    [(dt.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"), (dt.date(2026, 3, 6), "ngày 06 tháng 3 năm 2026"),
     (dt.date(2026, 12, 31), "ngày 31 tháng 12 năm 2026")],
)
def test_date_line_leading_zeros(tmp_path, day, expected):
    model, doc = render_example("reward-decision", tmp_path, date=day, number=5)
    assert f"{model.place}, {expected}" in full_text(doc)
    assert "Số: 05/QĐ-BNV" in full_text(doc)


def test_draft_has_blank_number_and_day_and_month(tmp_path):
    _, doc = render_example("reward-decision", tmp_path, number=None)
    text = full_text(doc)
    assert "Số:      /QĐ-BNV" in text
    assert "Hà Nội, ngày      tháng      năm 2023" in text
    assert "(Kèm theo Quyết định số       /QĐ-BNV ngày      tháng      năm 2023 của Bộ trưởng Bộ Nội vụ)" in text


def title_checks(doc, type_line: str, subtitle: str):
    kind_p = one(doc, lambda t: t == type_line, "tên loại")
    check(doc, kind_p, sizes=(13, 14), bold=True, italic=False, what="tên loại")
    assert kind_p.alignment == 1
    sub = one(doc, lambda t: t == subtitle, "trích yếu")
    check(doc, sub, sizes=(13, 14), bold=True, italic=False, what="trích yếu")


def signature_checks(doc, lines, name):
    for line in lines:
        p = one(doc, lambda t, line=line: t == line, f"signer line {line}")
        check(doc, p, sizes=(13, 14), bold=True, italic=False, what=f"signer line {line}")
    p = one(doc, lambda t: t == name, "signer name")
    check(doc, p, sizes=(13, 14), bold=True, italic=False, what="signer name")


def recipients_checks(doc, model, *, added: int = 0):
    """``added``: lines paperwork puts before the input's (the invitation's "- Như trên;")."""
    label = one(doc, lambda t: t == "Nơi nhận:", "Nơi nhận")
    check(doc, label, sizes=(12, 12), bold=True, italic=True, what="Nơi nhận")
    items = [p for p in all_paragraphs(doc) if p.text.startswith("- ") and p.runs and formats(doc, p)[0].size == 11]
    assert len(items) == len(model.recipients) + 1 + added
    for p in items:
        check(doc, p, sizes=(11, 11), bold=False, italic=False, what="Nơi nhận item")
    assert all(p.text.endswith(";") for p in items[:-1])
    assert items[-1].text == f"- Lưu: {model.filing}."


def bases_checks(doc, expected_count):
    bases = [p for p in all_paragraphs(doc) if p.text.startswith(("Căn cứ", "Theo đề nghị"))]
    assert len(bases) == expected_count
    for p in bases:
        check(doc, p, sizes=(13, 14), bold=False, italic=True, what="căn cứ")
    assert all(p.text.endswith(";") for p in bases[:-1]) and bases[-1].text.endswith(".")


def test_reward_decision_body(tmp_path):
    model, doc = render_example("reward-decision", tmp_path)
    title_checks(doc, "QUYẾT ĐỊNH", model.title)
    authority = one(doc, lambda t: t == "BỘ TRƯỞNG BỘ NỘI VỤ", "authority line")
    check(doc, authority, sizes=(13, 14), bold=True, italic=False, what="authority line")
    bases_checks(doc, len(model.bases) + 1)
    decide = one(doc, lambda t: t == "QUYẾT ĐỊNH:", "QUYẾT ĐỊNH:")
    check(doc, decide, sizes=(13, 14), bold=True, italic=False, what="QUYẾT ĐỊNH:")
    articles = [p for p in all_paragraphs(doc) if re.match(r"^Điều \d+\. ", p.text)]
    assert [p.text.split(".")[0] for p in articles] == ["Điều 1", "Điều 2", "Điều 3"]
    for p in articles:
        head, *rest = formats(doc, p)
        assert head.text.startswith("Điều") and head.bold and 13 <= head.size <= 14
        assert rest and all(not f.bold and 13 <= f.size <= 14 for f in rest)
    assert articles[-1].text == "Điều 3. Quyết định này có hiệu lực kể từ ngày ký."
    closing = one(doc, lambda t: t.endswith("chịu trách nhiệm thi hành Quyết định này./."), "closing")
    assert closing.text.startswith(model.executors) and closing.paragraph_format.first_line_indent is not None
    assert "04 tập thể và 13 cá nhân" in articles[0].text
    assert "31.290.000 đồng (Ba mươi mốt triệu hai trăm chín mươi nghìn đồng)" in articles[1].text
    recipients_checks(doc, model)
    signature_checks(doc, ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"], model.signer.name)

    # The attached list: its own section, numbered from 1, money right-aligned.
    assert len(doc.sections) == 2
    assert 'w:start="1"' in doc.sections[1]._sectPr.xml
    text = full_text(doc)
    assert "(Kèm theo Quyết định số 125/QĐ-BNV ngày 27 tháng 02 năm 2023 của Bộ trưởng Bộ Nội vụ)" in text
    assert "I. TẬP THỂ (04)" in text and "II. CÁ NHÂN (13)" in text
    collectives, individuals = doc.tables[-2], doc.tables[-1]
    assert [c.text for c in collectives.rows[0].cells] == ["STT", "Tên tập thể", "Số tiền (đồng)", "Ghi chú"]
    assert len(collectives.rows) == 1 + 4 and len(individuals.rows) == 1 + 13
    for row in individuals.rows[1:]:
        money = row.cells[3].paragraphs[0]
        assert re.fullmatch(r"\d{1,3}(\.\d{3})*", money.text) and money.alignment == 2  # RIGHT
    assert "Tổng cộng: 17 (04 tập thể và 13 cá nhân). Tổng số tiền: 31.290.000 đồng." in text
    assert "(Bằng chữ: Ba mươi mốt triệu hai trăm chín mươi nghìn đồng)" in text


def test_covenant_body(tmp_path):
    model, doc = render_example("covenant", tmp_path)
    title_checks(doc, "BẢN GIAO ƯỚC THI ĐUA NĂM 2023", model.cluster)
    bases_checks(doc, len(model.bases))
    text = full_text(doc)
    assert "Số:" not in text, "the covenant is unnumbered unless asked"
    assert "Bạc Liêu, ngày 06 tháng 3 năm 2023" in text
    assert "“Đoàn kết, kỷ cương, gương mẫu, đổi mới, sáng tạo, hiệu quả”" in text
    assert "Cụm trưởng năm 2023: Sở Nội vụ tỉnh Bến Tre; Cụm phó năm 2023: Sở Nội vụ tỉnh Vĩnh Long" in text
    assert "13. Sở Nội vụ thành phố Cần Thơ." in text
    assert text.count("./.") == 1
    # One signature block per member, two a row: units and titles in one row, the signature
    # space and the names in the next, so names of a row stand level; rows never split.
    grid = doc.tables[-1]
    rows = [[tc for tc in row._tr.tc_lst] for row in grid.rows]
    units = [upper_vi(m.unit) for m in model.members]
    blocks = []
    for i, cells in enumerate(rows):
        for j, tc in enumerate(cells):
            lines = [t for t in cell_lines(tc) if t]
            if lines and lines[0] in units:
                names = [t for t in cell_lines(rows[i + 1][j]) if t]
                blocks.append((lines, names, len(cells)))
    assert [lines[0] for lines, _, _ in blocks] == units
    for member, (lines, names, _) in zip(model.members, blocks):
        assert names == [member.signer.name] and upper_vi(member.signer.title) in lines
    assert [width for _, _, width in blocks] == [2] * 12 + [1], "the odd last block spans the grid, centred"
    for row in grid.rows:
        assert row._tr.trPr is not None and row._tr.trPr.find(W + "cantSplit") is not None
    assert cell_lines(rows[-1][0])[0] == "Nơi nhận:", "Nơi nhận is the grid's last row"
    recipients_checks(doc, model)


def test_minutes_body(tmp_path):
    model, doc = render_example("minutes", tmp_path)
    title_checks(doc, "BIÊN BẢN", model.meeting)
    text = full_text(doc)
    assert "Thời gian bắt đầu: 08 giờ 00 phút, ngày 06 tháng 3 năm 2023." in text
    assert "- Đơn vị thành viên: có mặt 13/13 đơn vị:" in text
    assert "Chủ trì (chủ tọa): Ngô Công Hầu, " in text
    assert "Cụm trưởng năm 2023: Sở Nội vụ tỉnh Bến Tre, đạt 13/13 phiếu (100%)" in text
    assert "Cụm phó năm 2023: Sở Nội vụ tỉnh Vĩnh Long, đạt 12/13 phiếu (92,31%)" in text
    assert "Hội nghị kết thúc vào 11 giờ 30 phút, ngày 06 tháng 3 năm 2023./." in text
    # Titles in one row, the signature space and names in the next: the names stand level.
    titles, names = doc.tables[-1].rows
    # The title breaks where it reads well (linebreak.py), never inside the place name.
    assert [c.text for c in titles.cells] == ["THƯ KÝ", "CHỦ TỌA\nGIÁM ĐỐC SỞ NỘI VỤ\nTỈNH BẠC LIÊU"]
    left, right = names.cells
    assert [p.text for p in left.paragraphs if p.text][:2] == [model.secretary.name, "Nơi nhận:"]
    assert left.text.rstrip().endswith("- Lưu: VT, Hồ sơ.")
    assert [p.text for p in right.paragraphs if p.text] == [model.chair.name]
    signature_checks(doc, ["THƯ KÝ", "CHỦ TỌA"], model.chair.name)
    recipients_checks(doc, model)


def test_invitation_body(tmp_path):
    model, doc = render_example("invitation", tmp_path)
    title_checks(doc, "GIẤY MỜI", f"Dự {model.event}")
    rule_after = [p for p in all_paragraphs(doc) if "w:pBdr" in p._p.xml]
    assert len(rule_after) == 3  # under the agency, the motto and the trích yếu
    text = full_text(doc)
    assert "Số: 15/GM-SNV" in text
    assert "Bạc Liêu, ngày 24 tháng 02 năm 2023" in text
    invite = one(doc, lambda t: t.startswith("Sở Nội vụ tỉnh Bạc Liêu trân trọng kính mời: "), "kính mời")
    assert invite.text.endswith("kính mời: Bà Nguyễn Thị Ngọc Giàu, Giám đốc, Sở Nội vụ tỉnh Bến Tre")
    lead, who = formats(doc, invite)
    assert not lead.bold and who.bold and 13 <= who.size <= 14
    body = [p for p in all_paragraphs(doc) if p.text.startswith(("Tới dự:", "Chủ trì:", "Thời gian:", "Địa điểm:"))]
    assert [p.text.split(":")[0] for p in body] == ["Tới dự", "Chủ trì", "Thời gian", "Địa điểm"]
    for p in body:
        check(doc, p, sizes=(13, 14), bold=False, italic=False, what=p.text[:10])
        assert p.paragraph_format.first_line_indent is not None
    assert body[0].text == f"Tới dự: {model.event}."
    assert body[1].text == "Chủ trì: Ông Ngô Công Hầu, Giám đốc Sở Nội vụ tỉnh Bạc Liêu - Cụm trưởng năm 2022."
    assert body[2].text == "Thời gian: 07 giờ 30 phút, ngày 06 tháng 3 năm 2023."
    assert body[3].text == f"Địa điểm: {model.venue}."
    assert "Rất mong đại biểu đến dự đúng giờ./." in text and text.count("./.") == 1
    recipients_checks(doc, model, added=1)
    assert one(doc, lambda t: t.startswith("- "), "first recipient").text == "- Như trên;"
    signature_checks(doc, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], model.signer.name)
    # Nơi nhận and the signer side by side, never split from each other.
    sig = doc.tables[-1]
    left, right = sig.rows[0].cells
    assert left.text.startswith("Nơi nhận:") and right.text.strip().endswith(model.signer.name)
    assert sig.rows[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit") is not None


def test_invitation_variants(tmp_path):
    """Plain-text invitee and chair, no notes: the Địa điểm line ends the body; "Như trên" never twice."""
    model, doc = render_example(
        "invitation", tmp_path, invitee="Lãnh đạo Sở Nội vụ tỉnh Bến Tre", chair=None, notes=[],
        recipients=["Như trên;", "Văn phòng Sở"], title="Về việc dự Hội nghị tổng kết năm 2022", number=None,
    )
    text = full_text(doc)
    assert "trân trọng kính mời: Lãnh đạo Sở Nội vụ tỉnh Bến Tre" in text
    assert "Chủ trì:" not in text
    assert f"Địa điểm: {model.venue}./." in text
    assert "Về việc dự Hội nghị tổng kết năm 2022" in text
    assert "Số:      /GM-SNV" in text and "Bạc Liêu, ngày      tháng      năm 2023" in text
    assert text.count("- Như trên;") == 1 and "- Văn phòng Sở;" in text


@pytest.mark.parametrize(
    ("start", "expected"),
    [("2023-03-06 7:05", "07 giờ 05 phút, ngày 06 tháng 3 năm 2023"),
     ("2023-03-06T14:00", "14 giờ 00 phút, ngày 06 tháng 3 năm 2023"),
     ({"date": "2023-01-09", "time": "08:30"}, "08 giờ 30 phút, ngày 09 tháng 01 năm 2023"),
     ("2023-03-06", None), ("2023-03-06 25:00", None)],
)
def test_invitation_start_forms(start, expected):
    """A date without its time is refused, never printed as 00 giờ 00 phút."""
    data = {**yaml.safe_load(KINDS["invitation"].example()), "start": start}
    if expected is None:
        with pytest.raises(InputError) as e:
            validate(data, KINDS["invitation"].model, "gm.yaml")
        assert e.value.field == "start"
        return
    model = validate(data, KINDS["invitation"].model, "gm.yaml")
    assert f"Thời gian: {expected}." in KINDS["invitation"].context(model, issue_of(model))["lines"]


def test_certificate_body(tmp_path):
    model, doc = render_example("certificate", tmp_path)
    text = full_text(doc)
    assert "Số:" not in text and "Nơi nhận" not in text, "a certificate has no number and no Nơi nhận"
    n = len(model.awardees)
    # One page per awardee: each begins with the Quốc hiệu on a new page and keeps together.
    tops = [p for p in all_paragraphs(doc) if p.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert len(tops) == n and all(p.paragraph_format.page_break_before for p in tops)
    for p in doc.paragraphs:
        if p.text.strip():
            assert p.paragraph_format.keep_with_next, f"{p.text!r} may be split from the rest of its page"
    assert len(doc.tables) == n
    for t in doc.tables:
        assert t.rows[0]._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit") is not None
    for what, line, sizes in (("authority", "BỘ TRƯỞNG BỘ NỘI VỤ", (14, 16)), ("TẶNG", "TẶNG", (13, 14)),
                              ("award", "BẰNG KHEN", (28, 48))):
        found = [p for p in all_paragraphs(doc) if p.text == line]
        assert len(found) == n, what
        check(doc, found[0], sizes=sizes, bold=True, italic=False, what=what)
        assert found[0].alignment == 1
    for a in model.awardees:
        name = one(doc, lambda t, a=a: t == a.name, a.name)
        check(doc, name, sizes=(18, 28), bold=True, italic=False, what="awardee")
        if a.position:
            assert f"{a.position}, {a.unit}" in text
    assert text.count(model.achievement) == n
    assert text.count("Quyết định số 125/QĐ-BNV ngày 27 tháng 02 năm 2023") == n
    assert text.count("Hà Nội, ngày 27 tháng 02 năm 2023") == n
    signature_checks(doc, ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"], model.signer.name)
    assert text.count(model.signer.name) == n
    assert "1.490.000" not in text, "amounts are not printed on certificates"


def test_certificate_date_symbol_and_refusals(tmp_path):
    model, doc = render_example("certificate", tmp_path, date=dt.date(2023, 3, 6))
    assert "Hà Nội, ngày 06 tháng 3 năm 2023" in full_text(doc)
    src = tmp_path / "c.yaml"
    data = yaml.safe_load(KINDS["certificate"].example())
    data["decision"]["symbol"] = "QĐ-HĐTĐKT"
    src.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    doc = open_docx(render_document(KINDS["certificate"], load_input(src, KINDS["certificate"].model),
                                    Workspace(root=tmp_path)))
    assert "Quyết định số 125/QĐ-HĐTĐKT ngày 27 tháng 02 năm 2023" in full_text(doc)
    for change, field in (({"number": 5}, "number"), ({"recipients": ["Như trên"]}, "recipients"),
                          ({"issuer_title": "Giám đốc Sở Nội vụ tỉnh Bạc Liêu"}, "issuer_title")):
        src.write_text(yaml.safe_dump({**data, **change}, allow_unicode=True), encoding="utf-8")
        with pytest.raises(InputError) as e:
            load_input(src, KINDS["certificate"].model)
        assert e.value.field == field


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def cell_lines(tc) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(W + "t")) for p in tc.iter(W + "p")]


def keeps(p) -> bool:
    """The paragraph keeps with the next (directly; the templates set no keep through styles)."""
    return p.paragraph_format.keep_with_next is True


def body_paragraphs(doc):
    return [p for p in doc.paragraphs if p.text.strip()]


# Pagination rules in the XML (tests/test_pagination.py checks the pages LibreOffice makes).
def test_widow_and_orphan_control_everywhere(rendered):
    _, _, doc = rendered
    assert doc.styles["Normal"].paragraph_format.widow_control is True
    assert all(p.paragraph_format.widow_control is not False for p in all_paragraphs(doc))


def test_only_short_paragraphs_keep_with_the_next(tmp_path):
    """Headings, labels and the body's closing line keep with what follows; running text never.

    LibreOffice never splits a keep-with-next paragraph and moves a chain of
    them together: every Điều kept with the next moved a whole decision off a
    half-empty first page (issue 11).
    """
    for kind in ("reward-decision", "covenant", "minutes", "invitation"):
        _, doc = render_example(kind, tmp_path)
        paragraphs = body_paragraphs(doc)
        end = next(i for i, p in enumerate(paragraphs) if p.text.endswith("./."))
        # (The centred title block on page 1 keeps together, at any length.)
        long_kept = [p.text for p in paragraphs
                     if keeps(p) and len(p.text) > 120 and p.alignment != 1 and p is not paragraphs[end]]
        assert long_kept == [], kind
        assert keeps(paragraphs[end]), f"{kind}: the body's last line keeps with the signature"
        assert not keeps(paragraphs[end - 1]), f"{kind}: only the last line goes with the signature"


def test_the_attached_list_breaks_on_a_hairline(tmp_path):
    """The paragraph carrying the section break cannot make a page of its own (1/20 pt high)."""
    _, doc = render_example("reward-decision", tmp_path)
    breaks = [p for p in doc.paragraphs if p._p.pPr is not None and p._p.pPr.sectPr is not None]
    assert len(breaks) == 1 and not breaks[0].text
    pf = breaks[0].paragraph_format
    assert pf.line_spacing_rule == WD_LINE_SPACING.EXACTLY and pf.line_spacing == Twips(1)
    assert (pf.space_before, pf.space_after) == (0, 0)
    assert doc.sections[1].start_type == WD_SECTION.NEW_PAGE
    # Its own headers: the list section also stands alone when there is no list.
    assert not doc.sections[1].header.is_linked_to_previous
    # The list's rows never split; the header row repeats on every page.
    for t in doc.tables[-2:]:
        head, *rows = t.rows
        assert head._tr.trPr.find(W + "tblHeader") is not None
        assert all(r._tr.trPr.find(W + "cantSplit") is not None for r in [head, *rows])


@pytest.mark.parametrize("count", [1, 2])
def test_one_or_two_awardees_are_named_in_article_one_without_a_list(tmp_path, count):
    kind = KINDS["reward-decision"]
    data = yaml.safe_load(kind.example())
    data["awardees"] = [data["awardees"][0], data["awardees"][-2]][:count]
    data["awardees"][-1]["note"] = "Cụm phó năm 2022"
    model = validate(data, kind.model, "qd.yaml")
    doc = open_docx(render_document(kind, model, Workspace(root=tmp_path)))
    text = full_text(doc)
    assert len(doc.sections) == 1 and "DANH SÁCH" not in text and "danh sách" not in text
    assert has_page_field(doc.sections[0].header) and doc.sections[0].different_first_page_header_footer
    articles = [p.text for p in all_paragraphs(doc) if re.match(r"^Điều \d+\. ", p.text)]
    achievement = model.achievement
    if count == 1:
        assert articles[0] == f"Điều 1. Tặng {model.award} cho Phòng Công chức, viên chức, Sở Nội vụ tỉnh Bến Tre " \
                              f"(Cụm phó năm 2022), {achievement}."
        assert articles[1] == ("Điều 2. Tiền thưởng: 2.980.000 đồng (Hai triệu chín trăm tám mươi nghìn đồng), "
                               f"được chi từ {model.fund}.")
    else:
        assert articles[0] == f"Điều 1. Tặng {model.award} cho 01 tập thể và 01 cá nhân, {achievement}:"
        assert "1. Phòng Công chức, viên chức, Sở Nội vụ tỉnh Bến Tre;" in text
        assert ("2. Dương Minh Khoa, Chuyên viên, Sở Nội vụ tỉnh Sóc Trăng (Cụm phó năm 2022)." in text)
        assert articles[1] == (
            "Điều 2. Tiền thưởng: Phòng Công chức, viên chức, Sở Nội vụ tỉnh Bến Tre: 2.980.000 đồng; "
            "Dương Minh Khoa: 1.490.000 đồng; tổng số tiền: 4.470.000 đồng (Bốn triệu bốn trăm bảy mươi nghìn "
            f"đồng), được chi từ {model.fund}.")
    assert articles[2] == "Điều 3. Quyết định này có hiệu lực kể từ ngày ký."
    assert missing_values(model, doc) == []


def test_one_awardee_with_the_rule_shown(tmp_path):
    kind = KINDS["reward-decision"]
    data = {**yaml.safe_load(kind.example()), "show_rule": True}
    data["awardees"] = data["awardees"][4:5]
    doc = open_docx(render_document(kind, validate(data, kind.model, "qd.yaml"), Workspace(root=tmp_path)))
    assert ("Điều 2. Tiền thưởng: 1.490.000 đồng (1,0 × 1.490.000) (Một triệu bốn trăm chín mươi nghìn đồng), "
            "được chi từ Quỹ thi đua, khen thưởng của Bộ Nội vụ. Số tiền thưởng = hệ số × mức lương cơ sở "
            "1.490.000 đồng (Nghị định số 38/2019/NĐ-CP)") in full_text(doc)


def test_covenant_grid_keeps_rows_whole_and_nothing_more(tmp_path):
    """Titles keep with names (a block whole); a names row keeps with Nơi nhận only at the grid's end."""
    for members in (3, 4):
        data = yaml.safe_load(KINDS["covenant"].example())
        data["members"] = data["members"][:members]
        model = validate(data, KINDS["covenant"].model, "gu.yaml")
        doc = open_docx(render_document(KINDS["covenant"], model, Workspace(root=tmp_path)))
        rows = doc.tables[-1].rows
        assert len(rows) == 2 * ((members + 1) // 2) + 1
        first = [row._tr.tc_lst[0].iter(W + "p").__next__() for row in rows]
        kept = [p.find(W + "pPr") is not None and p.find(W + "pPr").find(W + "keepNext") is not None for p in first]
        assert kept[:-1] == [True, False] * ((members - 1) // 2) + [True, True], members
        assert [len(row._tr.tc_lst) for row in rows][-3:] == ([1, 1, 1] if members % 2 else [2, 2, 1])


def _expected_forms(value) -> set[str]:
    forms = {value, upper_vi(value)}
    if len(value) > 1 and value[-1] in ";.,":
        forms |= {value[:-1].rstrip(), upper_vi(value[:-1].rstrip())}
    return forms


def _leaves(value, path=""):
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _leaves(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, f"{path}[{i}]")
    else:
        yield path, value


def missing_values(model, doc) -> list[str]:
    """Paths of input values that do not reach the document text."""
    text = full_text(doc)
    missing = []
    for path, value in _leaves(model):
        if value is None or isinstance(value, bool):
            continue
        if path.endswith(".kind"):
            continue  # individual/collective: decides the table, not printed
        if path.endswith("award_rule"):
            continue  # names the coefficient's rule; the amount it makes is printed
        if path == "agency.code" and "Số:" not in text:
            continue  # an unnumbered covenant prints no symbol
        if isinstance(value, str):
            ok = any(f in text for f in _expected_forms(value))
        elif isinstance(value, int):
            ok = any(s in text for s in (str(value), format_money(value), number_str(value)))
        elif isinstance(value, dt.date):
            ok = date_phrase(value) in text
        elif isinstance(value, dt.time):
            ok = f"{value.hour:02d} giờ {value.minute:02d} phút" in text
        else:
            ok = str(value) in text
        if not ok:
            missing.append(f"{path}={value!r}")
    return missing


def test_every_input_value_reaches_the_document(rendered):
    _, model, doc = rendered
    assert missing_values(model, doc) == []
