"""The shipped examples rendered and checked against Decree 30/2020 Phụ lục I, from the .docx itself."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from docx_checks import FONT_SLOTS, all_paragraphs, formats, full_text, has_page_field, mm, one, open_docx, run_format
from paperwork.config import Workspace
from paperwork.generate import render_document
from paperwork.inputs import load_input
from paperwork.kinds import KINDS
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


def test_page_setup_of_every_section(rendered):
    _, _, doc = rendered
    for section in doc.sections:
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
    assert runs > 50


def test_page_numbers_in_the_header_from_page_two(rendered):
    _, _, doc = rendered
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
    agency = one(doc, lambda t: t == upper_vi(model.agency.name), "issuing agency")
    check(doc, agency, sizes=(12, 13), bold=True, italic=False, what="agency")
    if model.agency.parent:
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
        assert len(dates) == 1
        check(doc, dates[0], sizes=(13, 14), bold=False, italic=True, what="date line")
        assert dates[0].text.startswith(f"{model.place}, ")


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


def recipients_checks(doc, model):
    label = one(doc, lambda t: t == "Nơi nhận:", "Nơi nhận")
    check(doc, label, sizes=(12, 12), bold=True, italic=True, what="Nơi nhận")
    items = [p for p in all_paragraphs(doc) if p.text.startswith("- ") and p.runs and formats(doc, p)[0].size == 11]
    assert len(items) == len(model.recipients) + 1
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
    assert articles[-1].text.endswith("./.")
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
    # One signature block per member, two a row, rows never split across pages.
    grid = doc.tables[-1]
    assert len(grid.rows) == 7
    blocks = [c for row in grid.rows for c in row.cells if c.text.strip()]
    assert len(blocks) == 13
    for row in grid.rows:
        assert row._tr.trPr is not None and row._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit") is not None
    for member, cell in zip(model.members, blocks):
        lines = [p.text for p in cell.paragraphs if p.text]
        assert lines[0] == upper_vi(member.unit) and lines[-1] == member.signer.name
        assert upper_vi(member.signer.title) in lines
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
    sig = doc.tables[-1]
    left, right = sig.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text][:2] == ["THƯ KÝ", model.secretary.name]
    assert "Nơi nhận:" in left.text and left.text.rstrip().endswith("- Lưu: VT, Hồ sơ.")
    right_lines = [p.text for p in right.paragraphs if p.text]
    assert right_lines[0] == "CHỦ TỌA" and right_lines[-1] == model.chair.name
    signature_checks(doc, ["THƯ KÝ", "CHỦ TỌA"], model.chair.name)
    recipients_checks(doc, model)


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
