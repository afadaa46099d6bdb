"""Căn cứ checked against the law in force on the document's date (paperwork.law)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from paperwork import law
from paperwork.conference import example as conference_example
from paperwork.conference import load_conference, pack_items
from paperwork.errors import InputError
from paperwork.inputs import load_data
from paperwork.kinds import KINDS
from paperwork.law import LegalWarning, check_bases, legal_table, parse_basis, shipped_table, symbol_key, warnings_for

LAW_2022 = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"
LAW_2003 = ("Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều "
            "của Luật Thi đua, khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013")
ND_91 = ("Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết "
         "thi hành một số điều của Luật Thi đua, khen thưởng")
ND_98 = ("Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết "
         "thi hành một số điều của Luật Thi đua, khen thưởng")
ND_63 = ("Căn cứ Nghị định số 63/2022/NĐ-CP ngày 12 tháng 9 năm 2022 của Chính phủ quy định chức năng, "
         "nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Nội vụ")


def decision(date: str | None, bases: list[str]):
    """The shipped reward decision, dated ``date`` (None: a draft) and citing ``bases``."""
    data = yaml.safe_load(KINDS["reward-decision"].example())
    data["date"], data["bases"] = date, bases
    return load_data(data, KINDS["reward-decision"].model, source="qd.yaml", base_dir=Path("."))


def numbers(line: str) -> list[str]:
    return [d.number for d in shipped_table().recognise(line)]


# ---------------------------------------------------------------- the cases clerks meet
def test_a_2023_decision_citing_the_2022_law_warns_with_the_field_path():
    """The 2022 Law takes effect on 01/01/2024: a decision of February 2023 cites the 2003 Law."""
    warnings = warnings_for(decision("2023-02-27", [ND_63, LAW_2022]))
    assert warnings == [LegalWarning(
        field="bases[1]",
        document="Luật Thi đua, khen thưởng số 06/2022/QH15",
        message="bases[1]: Luật Thi đua, khen thưởng 06/2022/QH15 takes effect on 01/01/2024, after the "
                "document's date 27/02/2023; cite Luật Thi đua, khen thưởng 2003 (15/2003/QH11, amended 2005 and 2013)",
        effective=dt.date(2024, 1, 1),
        expired=None,
        replaced_by=None,
        number="06/2022/QH15",
        kind="not_yet",
        instead="Luật Thi đua, khen thưởng 2003 (15/2003/QH11, amended 2005 and 2013)",
        confirmed=True,
    )]


def test_a_2025_decision_citing_the_2022_law_is_silent():
    assert warnings_for(decision("2025-03-05", [LAW_2022, ND_63])) == []
    assert warnings_for(decision("2024-01-01", [LAW_2022, ND_98])) == []  # its first day


def test_a_document_unknown_to_the_table_is_silent():
    bases = [ND_63, "Căn cứ Quy chế hoạt động của Cụm thi đua Sở Nội vụ các tỉnh, thành miền Tây Nam Bộ",
             "Căn cứ Nghị định số 999/2031/NĐ-CP ngày 01 tháng 01 năm 2031 của Chính phủ",
             "Căn cứ Hướng dẫn công tác thi đua, khen thưởng năm 2023 của Hội đồng Thi đua - Khen thưởng Bộ Nội vụ"]
    assert warnings_for(decision("2023-02-27", bases)) == []
    assert warnings_for(decision("2026-02-27", bases)) == []


def test_a_2024_decision_citing_decree_91_2017_warns_it_was_replaced_by_98_2023():
    [w] = check_bases([LAW_2022, ND_91], dt.date(2024, 3, 1))
    assert (w.field, w.kind, w.number, w.replaced_by, w.expired) == (
        "bases[1]", "expired", "91/2017/NĐ-CP", "98/2023/NĐ-CP", dt.date(2024, 1, 1))
    assert w.message == ("bases[1]: Nghị định 91/2017/NĐ-CP expired on 01/01/2024, before the document's date "
                         "01/03/2024; replaced by Nghị định 98/2023/NĐ-CP")
    assert w.document == "Nghị định số 91/2017/NĐ-CP"


def test_after_two_replacements_the_warning_names_the_decree_in_force():
    [w] = check_bases([ND_91], dt.date(2026, 3, 6), "rewards[0].bases")
    assert w.field == "rewards[0].bases[0]" and w.replaced_by == "98/2023/NĐ-CP"
    assert w.instead == "Nghị định 152/2025/NĐ-CP"
    assert w.message.endswith("replaced by Nghị định 98/2023/NĐ-CP, itself replaced: cite Nghị định 152/2025/NĐ-CP")
    [w] = check_bases([ND_98], dt.date(2025, 7, 1))
    assert w.message == ("bases[0]: Nghị định 98/2023/NĐ-CP expired on 01/07/2025, the document's date; "
                         "replaced by Nghị định 152/2025/NĐ-CP")


def test_a_2024_decision_citing_the_2003_law_and_its_amendments_gets_one_warning():
    """The amendments ceased with the Law they amend: one line, one warning naming all three."""
    [w] = check_bases([LAW_2003], dt.date(2024, 6, 1))
    assert w.message == (
        "bases[0]: Luật Thi đua, khen thưởng 15/2003/QH11 (amended by 47/2005/QH11 and 39/2013/QH13) expired on "
        "01/01/2024, before the document's date 01/06/2024; replaced by Luật Thi đua, khen thưởng 2022 (06/2022/QH15)")
    assert w.instead == "Luật Thi đua, khen thưởng 2022 (06/2022/QH15)"


def test_a_draft_without_date_is_checked_on_today():
    draft = decision(None, [LAW_2003])
    assert warnings_for(draft, today=dt.date(2023, 5, 1)) == []
    [w] = warnings_for(draft, today=dt.date(2025, 5, 1))
    assert "before today's date 01/05/2025" in w.message


def test_a_warning_resting_on_an_unconfirmed_date_says_so():
    [w] = check_bases(["Căn cứ Thông tư số 01/2024/TT-BNV"], dt.date(2024, 3, 1))
    assert not w.confirmed and w.message.endswith("(this date is not confirmed: check the official text)")


def test_kinds_without_bases_have_no_warnings():
    data = yaml.safe_load(KINDS["minutes"].example())
    minutes = load_data(data, KINDS["minutes"].model, source="bb.yaml", base_dir=Path("."))
    assert warnings_for(minutes) == []


# ---------------------------------------------------------------- reading căn cứ as typed
@pytest.mark.parametrize("line", [
    "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ",
    "Căn cứ Nghị định 98/2023/NĐ-CP",
    "Căn cứ Nghị định số 98/2023/NÐ-CP ngày 31/12/2023",  # Ð (U+00D0) typed for Đ
    "Căn cứ  Nghị  định  số  98 / 2023 / NĐ - CP",
    "căn cứ NĐ 98/2023/nđ-cp;",
    "Căn cứ Nghị định số 98/2023/NĐ–CP.",  # en dash
])
def test_a_decree_is_recognised_by_its_number_however_typed(line):
    assert numbers(line) == ["98/2023/NĐ-CP"]


@pytest.mark.parametrize("line", [
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
    "Căn cứ Luật Thi đua, Khen thưởng ngày 15 tháng 6 năm 2022",
    "Căn cứ Luật Thi đua - Khen thưởng năm 2022",
    "Căn cứ Luật Thi đua, khen thưởng 2022",
    "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15",
    "Căn cứ Luật Thi đua, khen thưởng số 6/2022/QH15",
    "Căn cứ vào Luật Thi đua, khen thưởng ngày 15/6/2022;",
])
def test_a_law_is_recognised_by_name_and_date_or_by_number(line):
    assert numbers(line) == ["06/2022/QH15"]


@pytest.mark.parametrize("line", [
    LAW_2003,
    "Căn cứ Luật Thi đua, Khen thưởng năm 2003; Luật sửa đổi, bổ sung … năm 2005 và năm 2013",
    "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003, Luật sửa đổi, bổ sung một số điều của Luật Thi đua, "
    "khen thưởng ngày 14 tháng 6 năm 2005 và Luật sửa đổi, bổ sung một số điều của Luật Thi đua, khen thưởng "
    "ngày 16 tháng 11 năm 2013",
    "Căn cứ Luật Thi đua, khen thưởng năm 2003 đã được sửa đổi, bổ sung năm 2005 và năm 2013",
    "Căn cứ Luật Thi đua, khen thưởng số 15/2003/QH11 đã được sửa đổi, bổ sung một số điều theo Luật số "
    "47/2005/QH11 và Luật số 39/2013/QH13",
])
def test_the_2003_law_and_its_amendments_however_listed(line):
    assert numbers(line) == ["15/2003/QH11", "47/2005/QH11", "39/2013/QH13"]


def test_numbers_in_a_trich_yeu_are_not_citations():
    line = ("Căn cứ Thông tư số 12/2019/TT-BNV ngày 04 tháng 11 năm 2019 của Bộ trưởng Bộ Nội vụ quy định chi tiết "
            "thi hành một số điều của Nghị định số 91/2017/NĐ-CP")
    assert numbers(line) == ["12/2019/TT-BNV"]
    assert numbers("Căn cứ Hướng dẫn số 1603/HD-HĐSK ngày 19/8/2025 của Hội đồng Sáng kiến tỉnh hướng dẫn "
                   "thi hành Nghị định số 152/2025/NĐ-CP") == []


def test_a_law_named_without_date_is_not_guessed():
    """Two Laws on archives, two on emulation: without the date nothing is recognised."""
    assert numbers("Căn cứ Luật Lưu trữ") == []
    assert numbers("Căn cứ Luật Thi đua, khen thưởng;") == []
    assert numbers("Căn cứ Luật Lưu trữ ngày 21 tháng 6 năm 2024") == ["33/2024/QH15"]
    assert numbers("Căn cứ Luật Thi đua, khen thưởng ngày 14 tháng 6 năm 2005") == []  # no such Law


def test_parse_basis_keeps_dates_and_years_apart():
    [law_2003, amendments] = parse_basis("Căn cứ Luật Thi đua, Khen thưởng năm 2003; Luật sửa đổi, bổ sung … "
                                         "ngày 14 tháng 6 năm 2005 và năm 2013")
    assert (law_2003.text, law_2003.years, law_2003.dates) == ("Luật Thi đua, Khen thưởng năm 2003", (2003,), ())
    assert amendments.dates == (dt.date(2005, 6, 14),) and amendments.years == (2013,)


def test_symbol_key():
    assert symbol_key("Nghị định số 98 / 2023 / NÐ – CP") == symbol_key("98/2023/NĐ-CP") == "98/2023/NĐCP"
    assert symbol_key("06/2022/QH15") == symbol_key("6/2022/qh15") == "6/2022/QH15"
    assert symbol_key("Quyết định số 125/QĐ-BNV") is None


# ---------------------------------------------------------------- the shipped examples
def test_every_shipped_example_cites_only_what_was_in_force_on_its_date():
    for name, kind in KINDS.items():
        data = yaml.safe_load(kind.example())
        doc = load_data(data, kind.model, source=f"{name}.yaml", base_dir=Path("."))
        assert doc.date is not None, name
        assert warnings_for(doc) == [], name


def test_every_document_of_the_conference_example_is_silent(tmp_path):
    path = tmp_path / "conference.yaml"
    path.write_text(conference_example(), encoding="utf-8")
    checked = 0
    for item in pack_items(load_conference(path), path):
        model = KINDS[item.kind].model
        doc = load_data(item.data or {}, model, source=item.source, base_dir=item.base_dir)
        assert warnings_for(doc) == [], item.source
        checked += bool(getattr(doc, "bases", None))
    assert checked == 2  # the covenant and the decision


# ---------------------------------------------------------------- the table
def test_the_table_loads_and_every_entry_has_its_source_and_dates():
    table = shipped_table()
    assert {"15/2003/QH11", "47/2005/QH11", "39/2013/QH13", "06/2022/QH15", "91/2017/NĐ-CP", "98/2023/NĐ-CP",
            "152/2025/NĐ-CP", "12/2019/TT-BNV", "01/2024/TT-BNV", "15/2025/TT-BNV", "30/2020/NĐ-CP",
            "01/2011/QH13", "33/2024/QH15"} <= {d.number for d in table.documents}
    for d in table.documents:
        assert d.source and d.title and d.issuer and d.type in law.TYPES, d.number
        assert d.signed <= d.effective and (d.expired is None or d.effective < d.expired), d.number
        assert d.confirmed or d.note, f"{d.number}: an unconfirmed entry says what is uncertain"
        for target in (d.replaced_by, d.amends):
            assert target is None or table.get(target) is not None, (d.number, target)
        if d.replaced_by:  # it ends, and what replaces it is newer
            assert d.expired is not None and table.get(d.replaced_by).signed > d.signed, d.number


def test_the_dates_the_spec_relies_on():
    table = shipped_table()
    checked = ("15/2003/QH11", "06/2022/QH15", "91/2017/NĐ-CP", "98/2023/NĐ-CP", "152/2025/NĐ-CP",
               "01/2011/QH13", "33/2024/QH15")
    got = {n: (table.get(n).signed, table.get(n).effective, table.get(n).expired) for n in checked}
    d = dt.date
    assert got == {
        "15/2003/QH11": (d(2003, 11, 26), d(2004, 7, 1), d(2024, 1, 1)),
        "06/2022/QH15": (d(2022, 6, 15), d(2024, 1, 1), None),
        "91/2017/NĐ-CP": (d(2017, 7, 31), d(2017, 10, 1), d(2024, 1, 1)),
        "98/2023/NĐ-CP": (d(2023, 12, 31), d(2024, 1, 1), d(2025, 7, 1)),
        "152/2025/NĐ-CP": (d(2025, 6, 14), d(2025, 7, 1), None),
        "01/2011/QH13": (d(2011, 11, 11), d(2012, 7, 1), d(2025, 7, 1)),
        "33/2024/QH15": (d(2024, 6, 21), d(2025, 7, 1), None),
    }
    assert table.get("98/2023/NĐ-CP").replaced_by == "152/2025/NĐ-CP"
    assert table.get("91/2017/NĐ-CP").replaced_by == "98/2023/NĐ-CP"


@pytest.mark.parametrize("on", [dt.date(2017, 9, 30), dt.date(2020, 3, 5), dt.date(2023, 12, 31), dt.date(2024, 1, 1),
                                dt.date(2025, 6, 30), dt.date(2025, 7, 1), dt.date(2026, 10, 1), dt.date(2030, 1, 1)])
def test_a_document_cited_by_number_warns_exactly_when_not_in_force(on):
    for d in shipped_table().documents:
        warnings = check_bases([f"Căn cứ {d.type} số {d.number}"], on)
        assert bool(warnings) == (not d.in_force(on)), (d.number, on)
        for w in warnings:
            assert w.kind == ("not_yet" if on < d.effective else "expired") and w.field == "bases[0]"


# ---------------------------------------------------------------- the workspace's [law]
def test_a_workspace_changes_a_date_and_adds_a_document():
    overrides = {"strict": True, "documents": {
        "152/2025/NĐ-CP": {"expired": dt.date(2027, 3, 1), "replaced_by": "12/2027/NĐ-CP"},
        "12/2027/NĐ-CP": {"type": "Nghị định", "issuer": "Chính phủ", "title": "Quy định chi tiết …",
                          "signed": dt.date(2027, 2, 1), "effective": dt.date(2027, 3, 1)},
    }}
    table = legal_table(overrides, source="paperwork.toml")
    assert table.get("152/2025/NĐ-CP").expired == dt.date(2027, 3, 1)
    assert table.get("152/2025/NĐ-CP").source == shipped_table().get("152/2025/NĐ-CP").source
    assert table.get("12/2027/NĐ-CP").confirmed and table.get("12/2027/NĐ-CP").source == "paperwork.toml"
    [w] = check_bases(["Căn cứ Nghị định số 152/2025/NĐ-CP"], dt.date(2027, 4, 1), overrides=overrides)
    assert w.message.endswith("replaced by Nghị định 12/2027/NĐ-CP")
    assert check_bases(["Căn cứ Nghị định số 152/2025/NĐ-CP"], dt.date(2027, 4, 1)) == []  # shipped: no end date
    assert law.is_strict(overrides) and not law.is_strict({})


@pytest.mark.parametrize("overrides, field", [
    ({"documents": {"152/2025/NĐ-CP": {"expires": "2027-03-01"}}}, 'law.documents."152/2025/NĐ-CP".expires'),
    ({"documents": {"152/2025/NĐ-CP": {"expired": "1 March 2027"}}}, 'law.documents."152/2025/NĐ-CP".expired'),
    ({"documents": {"152/2025/NĐ-CP": {"replaced_by": "7/2027/NĐ-CP"}}},
     'law.documents."152/2025/NĐ-CP".replaced_by'),
    ({"documents": {"152/2025/NĐ-CP": {"expired": dt.date(2025, 1, 1)}}}, 'law.documents."152/2025/NĐ-CP".expired'),
    ({"documents": {"Nghị định mới": {"type": "Nghị định"}}}, 'law.documents."Nghị định mới"'),
    ({"documents": {"1/2027/NĐ-CP": {"type": "Nghị định", "signed": dt.date(2027, 1, 1)}}},
     'law.documents."1/2027/NĐ-CP".effective'),
    ({"documents": {"1/2027/NĐ-CP": {"type": "Công văn", "signed": dt.date(2027, 1, 1)}}},
     'law.documents."1/2027/NĐ-CP".type'),
    ({"strict": "yes"}, "law.strict"),
    ({"strictly": True}, "law.strictly"),
])
def test_a_bad_override_names_its_field(overrides, field):
    with pytest.raises(InputError) as e:
        legal_table(overrides, source="paperwork.toml")
    assert e.value.field == field and e.value.source == "paperwork.toml"
