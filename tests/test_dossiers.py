"""Dossiers on real files: a Danh mục hồ sơ planned, documents issued and archived, filed, moved,
closed and exported with the mục lục and the Phụ lục VI XML (checked against ho-so.xsd)."""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from archive_docs import make_document
from conftest import decision_data
from paperwork.cli import cli
from paperwork.config import load_workspace
from paperwork.records.dossiers import dossier_catalog, list_dossiers, state_of
from paperwork.records.retention import Retention, parse_retention, retention_table, shipped_table

ORGAN_ID = "000.00.12.H12"

PLAN = {
    "year": 2026,
    "dossiers": [
        {"heading": "I. CÔNG TÁC THI ĐUA, KHEN THƯỞNG", "code": "01.TĐKT",
         "title": "Hồ sơ khen thưởng Giấy khen của Giám đốc Sở Nội vụ năm 2026",
         "unit": "Phòng Thi đua - Khen thưởng", "owner": "Nguyễn Thị Hoa"},
        {"code": "02.TĐKT", "title": "Hồ sơ xây dựng Quy chế thi đua, khen thưởng năm 2026",
         "retention": "Vĩnh viễn", "owner": "Trần Văn Nam", "rights": "Công khai"},
        {"code": "03.TĐKT", "title": "Tập công văn trao đổi với các đơn vị", "retention": "3 năm",
         "notes": "Giữ tại đơn vị"},
    ],
}


class Clerk:
    """The CLI in one workspace, as a clerk runs it."""

    def __init__(self, root: Path):
        self.root = root
        self.runner = CliRunner()

    def __call__(self, *args: object, code: int = 0):
        result = self.runner.invoke(cli, ["--workspace", str(self.root), *map(str, args)])
        assert result.exit_code == code, result.output
        return result

    def issue(self, i: int, date: str) -> int:
        path = self.root / f"qd-{i}.yaml"
        path.write_text(yaml.safe_dump(decision_data(i, date=date), allow_unicode=True), encoding="utf-8")
        out = self("render", "reward-decision", path, "-o", self.root / "out" / f"qd-{i}.docx", "--issue").output
        return int(re.search(r"archived as id (\d+)", out).group(1))

    def add(self, path: Path, *options: str) -> int:
        records = json.loads(self("archive", "add", path, *options, "--json").stdout)
        return records[0]["id"]


def set_organ_id(root: Path, organ_id: str = ORGAN_ID) -> None:
    with (root / "paperwork.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[records]\norgan_id = "{organ_id}"\n')


@pytest.fixture
def clerk(clerk_ws: Path) -> Clerk:
    set_organ_id(clerk_ws)
    return Clerk(clerk_ws)


def write_plan(folder: Path, plan: dict = PLAN, name: str = "danh-muc.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return path


def documents(clerk: Clerk, tmp_path: Path) -> dict[str, int]:
    """Two decisions issued through `render --issue` (dated 06/3 and 15/01) and three documents added
    with `archive add` (one of them dated before both)."""
    ids = {
        "qd-march": clerk.issue(1, "2026-03-06"),
        "qd-january": clerk.issue(2, "2026-01-15"),
    }
    ids["to-trinh"] = clerk.add(make_document(
        tmp_path / "to-trinh.docx", heading="TỜ TRÌNH", number="03/TTr-SNV",
        date_line="Cà Mau, ngày 05 tháng 01 năm 2026", title="Về việc đề nghị tặng Giấy khen năm 2026"))
    ids["bien-ban"] = clerk.add(make_document(
        tmp_path / "bien-ban.docx", heading="BIÊN BẢN", number="02/BB-HĐTĐKT",
        date_line="Cà Mau, ngày 10 tháng 02 năm 2026", title="Họp Hội đồng Thi đua - Khen thưởng Sở"))
    ids["quy-che"] = clerk.add(make_document(
        tmp_path / "quy-che.docx", number="01/QĐ-SNV", date_line="Cà Mau, ngày 02 tháng 01 năm 2026",
        title="Về việc ban hành Quy chế thi đua, khen thưởng"))
    return ids


def schema() -> etree.XMLSchema:
    with resources.files("paperwork").joinpath("records", "schema", "ho-so.xsd").open("rb") as f:
        return etree.XMLSchema(etree.parse(f))


def test_a_dossier_planned_filed_closed_and_exported(clerk: Clerk, tmp_path: Path) -> None:
    """The export holds the documents in date order (001-…), a mục lục with one row a document,
    and ho-so.xml valid against ho-so.xsd with the Phụ lục VI fields."""
    ids = documents(clerk, tmp_path)
    out = clerk("dossier", "plan", write_plan(tmp_path), "--year", 2026).output
    assert "3 dossiers (3 new, 0 updated, 0 unchanged); 1 kept permanently, 2 for a number of years" in out
    assert "01.TĐKT: 10 năm from Thông tư số 10/2022/TT-BNV" in out and "unconfirmed" in out

    filed = clerk("dossier", "file", "01.TĐKT", "--year", 2026, ids["qd-march"], ids["to-trinh"],
                  ids["qd-january"], ids["bien-ban"]).output
    assert filed.count("filed in 01.TĐKT") == 4
    clerk("dossier", "file", "02.TĐKT", "--year", 2026, ids["quy-che"])

    shown = clerk("dossier", "show", "01.TĐKT", "--year", 2026, "--json").stdout
    rows = json.loads(shown)["documents"]
    assert [r["id"] for r in rows] == [ids["to-trinh"], ids["qd-january"], ids["bien-ban"], ids["qd-march"]]
    assert [r["date"] for r in rows] == ["2026-01-05", "2026-01-15", "2026-02-10", "2026-03-06"]
    assert rows[1]["number"] == "02/QĐ-SNV" and rows[3]["number"] == "01/QĐ-SNV"  # issued in that order
    assert rows[0]["summary"] == "Tờ trình về việc đề nghị tặng Giấy khen năm 2026"

    closed = clerk("dossier", "close", "01.TĐKT", "--year", 2026).output
    assert "Closed 01.TĐKT of 2026: 4 documents, ended 06/03/2026, kept 10 năm" in closed
    assert "Due at the agency archive by 31/12/2027" in closed

    target = tmp_path / "export"
    out = clerk("dossier", "export", "01.TĐKT", "--year", 2026, "-o", target).output
    assert f"Wrote {target}: 4 documents (4 files)" in out
    names = sorted(p.name for p in (target / "van-ban").iterdir())
    assert names == ["001-03-TTr-SNV.docx", "002-02-QĐ-SNV.docx", "003-02-BB-HĐTĐKT.docx", "004-01-QĐ-SNV.docx"]
    # the copies are the archived bytes, and each is the document the mục lục says
    issued = docx.Document(str(target / "van-ban" / "004-01-QĐ-SNV.docx"))
    assert any("01/QĐ-SNV" in p.text for t in issued.tables for row in t.rows for c in row.cells for p in c.paragraphs)

    book = openpyxl.load_workbook(target / "muc-luc-van-ban.xlsx")
    sheet = book.active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(cells) if r[0] == "STT")
    assert cells[header] == ["STT", "Số, ký hiệu văn bản", "Ngày tháng năm văn bản",
                             "Tên loại và trích yếu nội dung văn bản", "Tác giả văn bản", "Tờ số/ Trang số", "Ghi chú"]
    assert cells[header + 1] == ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"]
    data = [r for r in cells[header + 2:] if any(v not in (None, "") for v in r)]
    assert len(data) == 4
    assert [r[0] for r in data] == [1, 2, 3, 4]
    assert [r[2].date() for r in data] == [dt.date(2026, 1, 5), dt.date(2026, 1, 15), dt.date(2026, 2, 10),
                                          dt.date(2026, 3, 6)]
    listing = docx.Document(str(target / "muc-luc-van-ban.docx"))
    section = listing.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]
    assert len(listing.tables[0].rows) == 2 + 4
    assert all(r.font.name == "Times New Roman" for p in listing.paragraphs for r in p.runs)

    xml = (target / "ho-so.xml").read_bytes()
    tree = etree.fromstring(xml)
    assert schema().validate(tree), schema().error_log
    assert tree.findtext("FileCode/OrganId") == ORGAN_ID
    assert tree.findtext("FileCode/FileCatalog") == "2026"
    assert tree.findtext("FileCode/FileNotation") == "01.TĐKT"
    assert tree.findtext("Maintenance") == "10 năm"
    assert tree.findtext("Creator") == "Nguyễn Thị Hoa"
    assert (tree.findtext("StartDate"), tree.findtext("EndDate")) == ("2026-01-05", "2026-03-06")
    assert tree.findtext("DocTotal") == "4"
    docs = tree.findall("Documents/Document")
    assert [d.findtext("DocOrdinal") for d in docs] == ["1", "2", "3", "4"]
    assert [(d.findtext("CodeNumber"), d.findtext("CodeNotation")) for d in docs] == [
        ("03", "TTr-SNV"), ("02", "QĐ-SNV"), ("02", "BB-HĐTĐKT"), ("01", "QĐ-SNV")]
    assert docs[3].findtext("SignerInfo/FullName") and docs[3].findtext("TypeName") == "Quyết định"
    for d in docs:
        f = d.find("File")
        assert (target / f.get("name")).stat().st_size == int(f.get("size"))


def test_a_moved_document_is_recorded_from_to_and_when(clerk: Clerk, tmp_path: Path) -> None:
    ids = documents(clerk, tmp_path)
    clerk("dossier", "plan", write_plan(tmp_path), "--year", 2026)
    clerk("dossier", "file", "02.TĐKT", "--year", 2026, ids["quy-che"], ids["to-trinh"])
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    out = clerk("dossier", "file", "01.TĐKT", "--year", 2026, ids["to-trinh"], "--reason", "Thuộc hồ sơ khen thưởng")
    assert out.output == f"document {ids['to-trinh']}: moved from 02.TĐKT to 01.TĐKT\n"
    again = clerk("dossier", "file", "01.TĐKT", "--year", 2026, ids["to-trinh"]).output
    assert again == f"document {ids['to-trinh']}: already in 01.TĐKT\n"

    ws = load_workspace(clerk.root)
    catalog = dossier_catalog(ws)
    moves = catalog.moves(document_ids=[ids["to-trinh"]])
    assert [(m.from_code, m.to_code, m.reason) for m in moves] == [
        (None, "02.TĐKT", None), ("02.TĐKT", "01.TĐKT", "Thuộc hồ sơ khen thưởng")]
    assert dt.datetime.fromisoformat(moves[1].at) >= before
    assert catalog.dossier_of(ids["to-trinh"]).code == "01.TĐKT"  # in one dossier only
    assert [s.dossier.documents for s in list_dossiers(ws, 2026)] == [1, 1, 0]
    shown = json.loads(clerk("dossier", "show", "02.TĐKT", "--year", 2026, "--json").stdout)
    assert [m["to"] for m in shown["moves"]] == ["02.TĐKT", "02.TĐKT", "01.TĐKT"]


def test_a_closed_dossier_takes_and_gives_up_nothing(clerk: Clerk, tmp_path: Path) -> None:
    ids = documents(clerk, tmp_path)
    clerk("dossier", "plan", write_plan(tmp_path), "--year", 2026)
    clerk("dossier", "file", "02.TĐKT", "--year", 2026, ids["quy-che"])
    bad = clerk("dossier", "close", "02.TĐKT", "--year", 2026, "--end", "2025-12-31", code=2)
    assert bad.stderr == "Error: --end: 2025-12-31 is before the dossier's latest document (2026-01-02)\n"
    clerk("dossier", "close", "02.TĐKT", "--year", 2026, "--end", "2026-01-31")
    refused = clerk("dossier", "file", "02.TĐKT", "--year", 2026, ids["bien-ban"], code=2)
    assert refused.stderr == "Error: 02.TĐKT of 2026 is đã kết thúc (closed): it takes no more documents\n"
    moved_out = clerk("dossier", "file", "01.TĐKT", "--year", 2026, ids["quy-che"], code=2)
    assert moved_out.stderr == (f"Error: document {ids['quy-che']} is in 02.TĐKT of 2026, which is đã kết thúc"
                                " (closed): it cannot be moved out\n")
    missing = clerk("dossier", "file", "01.TĐKT", "--year", 2026, 999, code=2)
    assert missing.stderr == "Error: no document with id 999 in the archive\n"
    unknown = clerk("dossier", "show", "09.TĐKT", "--year", 2026, code=2)
    assert unknown.stderr.startswith("Error: no dossier 09.TĐKT in the Danh mục hồ sơ of 2026")


def test_export_needs_the_organ_id(clerk_ws: Path, tmp_path: Path) -> None:
    clerk = Clerk(clerk_ws)
    doc = clerk.add(make_document(tmp_path / "qd.docx"))
    clerk("dossier", "plan", write_plan(tmp_path), "--year", 2026)
    clerk("dossier", "file", "01.TĐKT", "--year", 2026, doc)
    result = clerk("dossier", "export", "01.TĐKT", "--year", 2026, "-o", tmp_path / "x", code=2)
    assert result.stderr.startswith(f"Error: {clerk_ws / 'paperwork.toml'}: records.organ_id: set [records] organ_id")
    assert not (tmp_path / "x").exists()


# -- the plan: files in, errors out ---------------------------------------------------------------


def phu_luc_v_sheet(path: Path, rows: list[list[object]]) -> Path:
    """A Danh mục laid out as Phụ lục V prints it: title lines, the headings, the (1)…(5) row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH MỤC HỒ SƠ"])
    sheet.append(["Năm 2026"])
    sheet.append([])
    sheet.append(["Số và ký hiệu hồ sơ", "Tên đề mục và tiêu đề hồ sơ", "Thời hạn bảo quản", "Người lập hồ sơ",
                  "Ghi chú"])
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_phu_luc_v_spreadsheet_is_a_plan(clerk: Clerk, tmp_path: Path) -> None:
    sheet = phu_luc_v_sheet(tmp_path / "danh-muc.xlsx", [
        [None, "I. CÔNG TÁC THI ĐUA, KHEN THƯỞNG"],
        [None, "1. Khen thưởng"],
        ["01.TĐKT", "Hồ sơ đề nghị tặng Bằng khen của Thủ tướng Chính phủ năm 2026", None, "Nguyễn Thị Hoa"],
        ["02.TĐKT", "Hồ sơ khen thưởng Giấy khen của Giám đốc Sở", "10 năm", "Trần Văn Nam", "Đợt 1"],
        [None, "II. HÀNH CHÍNH"],
        ["01.HC", "Tập công văn đi", 20, None],
    ])
    out = clerk("dossier", "plan", sheet, "--year", 2026).output
    assert "3 dossiers (3 new" in out and "1 kept permanently, 2 for a number of years" in out
    data = json.loads(clerk("dossier", "list", "--year", 2026, "--json").stdout)
    assert [(d["code"], d["retention"], d["heading"]) for d in data] == [
        ("01.TĐKT", "Vĩnh viễn", "I. CÔNG TÁC THI ĐUA, KHEN THƯỞNG – 1. Khen thưởng"),
        ("02.TĐKT", "10 năm", "I. CÔNG TÁC THI ĐUA, KHEN THƯỞNG – 1. Khen thưởng"),
        ("01.HC", "20 năm", "II. HÀNH CHÍNH"),
    ]
    assert data[1]["notes"] == "Đợt 1" and data[1]["retention_basis"] == "Danh mục hồ sơ"
    # planned again with a changed title: updated, nothing added
    sheet = phu_luc_v_sheet(tmp_path / "danh-muc.xlsx", [
        ["01.TĐKT", "Hồ sơ đề nghị tặng Bằng khen của Thủ tướng Chính phủ năm 2026 (đợt 2)", None, "Nguyễn Thị Hoa"]])
    assert "1 dossiers (0 new, 1 updated, 0 unchanged)" in clerk("dossier", "plan", sheet, "--year", 2026).output


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["01.TĐKT", "Hồ sơ khen thưởng", "mãi mãi", "A"]],
         "row 6: column C (Thời hạn bảo quản): 'mãi mãi' must be Vĩnh viễn or a number of years, e.g. 20 năm"),
        ([["01.TĐKT", "Hồ sơ khen thưởng Giấy khen", None, "A"], [None, "Tập công văn", "5 năm"]],
         "row 7: column A (Số và ký hiệu hồ sơ): field required"),
        ([["01.tđkt", "Hồ sơ khen thưởng Giấy khen", None, None]],
         "row 6: column A (Số và ký hiệu hồ sơ): '01.tđkt' must be a number, a dot and the heading's abbreviation"
         " in capitals, e.g. 01.TĐKT"),
        ([["01.TĐKT", "Hồ sơ khen thưởng Giấy khen", None, None], ["01.TĐKT", "Tập công văn", 5, None]],
         "row 7: column A (Số và ký hiệu hồ sơ): 01.TĐKT is listed twice (also at"),
        ([["01.TĐKT", "Tập tài liệu tham khảo", None, None]],
         "row 6: column C (Thời hạn bảo quản): not given, and no rule of the retention table fits the title"),
        ([["01.TĐKT", "Hồ sơ khen thưởng Giấy khen", None, "Nguyễn Thị Hoa Nguyễn Thị Hoa Nguyễn"]],
         "row 6: column D (Người lập hồ sơ): at most 30 characters (Phụ lục VI), not 36"),
    ],
    ids=["retention", "code-missing", "code-lowercase", "code-twice", "no-rule", "owner-too-long"],
)
def test_bad_plan_rows_are_named_with_row_and_column(clerk: Clerk, tmp_path: Path, rows, message) -> None:
    sheet = phu_luc_v_sheet(tmp_path / "danh-muc.xlsx", rows)
    result = clerk("dossier", "plan", sheet, "--year", 2026, code=2)
    assert result.stderr.startswith(f"Error: {sheet}: {message}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert json.loads(clerk("dossier", "list", "--year", 2026, "--json").stdout) == []  # nothing recorded


def test_bad_yaml_plans_name_the_field(clerk: Clerk, tmp_path: Path) -> None:
    plan = {"dossiers": [{"code": "01.TĐKT", "title": "Hồ sơ khen thưởng Giấy khen"},
                         {"code": "02.TĐKT", "title": "Tập công văn", "retention": "20 năm", "owners": "X"}]}
    result = clerk("dossier", "plan", write_plan(tmp_path, plan), "--year", 2026, code=2)
    assert result.stderr.startswith(f"Error: {tmp_path / 'danh-muc.yaml'}: dossiers[1].owners: unknown field")
    plan = {"year": 2025, "dossiers": [{"code": "01.TĐKT", "title": "Hồ sơ khen thưởng Giấy khen"}]}
    result = clerk("dossier", "plan", write_plan(tmp_path, plan), "--year", 2026, code=2)
    assert result.stderr == f"Error: {tmp_path / 'danh-muc.yaml'}: year: 2025 is not the year asked for (--year 2026)\n"
    plan = {"dossiers": [{"code": "01.TĐKT", "title": "Hồ sơ X", "retention": "5 năm", "rule": "tdkt.quy-che"}]}
    result = clerk("dossier", "plan", write_plan(tmp_path, plan), "--year", 2026, code=2)
    assert result.stderr.endswith("dossiers[0].rule: give either a retention or a rule, not both\n")


# -- retention and due dates ------------------------------------------------------------------------


def test_the_shipped_table_reads_and_says_what_is_unconfirmed() -> None:
    table = shipped_table()
    keys = {r.key for r in table.rules}
    assert {"tdkt.quy-che", "tdkt.hoi-nghi", "tdkt.khen-thuong.nha-nuoc", "tdkt.khen-thuong.bo-tinh",
            "tdkt.khen-thuong.nguoi-dung-dau"} <= keys
    by_key = {r.key: r for r in table.rules}
    assert by_key["tdkt.khen-thuong.nha-nuoc"].retention == Retention(None)
    assert by_key["tdkt.khen-thuong.bo-tinh"].retention == Retention(20)
    assert by_key["tdkt.khen-thuong.nguoi-dung-dau"].retention == Retention(10)
    assert by_key["tdkt.ke-hoach-bao-cao.nam"].retention.permanent
    assert all(r.source.startswith("Thông tư số 10/2022/TT-BNV") for r in table.rules)
    assert by_key["tccb.dieu-le-quy-che-lam-viec"].confidence == "S"
    assert "unconfirmed" in by_key["tdkt.quy-che"].basis()
    assert table.match("Hồ sơ đề nghị Huân chương Lao động hạng Ba").key == "tdkt.khen-thuong.nha-nuoc"
    assert table.match("Hồ sơ Bằng khen của Chủ tịch UBND tỉnh Cà Mau").key == "tdkt.khen-thuong.bo-tinh"
    assert table.match("HO SO KHEN THUONG GIAY KHEN").key == "tdkt.khen-thuong.nguoi-dung-dau"
    assert table.match("Tập tài liệu tham khảo") is None


def test_a_workspace_overrides_and_adds_rules() -> None:
    table = retention_table({
        "tdkt.khen-thuong.nguoi-dung-dau": {"retention": "15 năm", "source": "QĐ 12/QĐ-SNV"},
        "cum.hoi-nghi": {"title": "Hồ sơ hội nghị Cụm", "retention": "Vĩnh viễn", "match": ["tài liệu tham khảo"]},
    }, source="paperwork.toml")
    assert table.match("Hồ sơ Giấy khen").retention == Retention(15)
    assert table.match("Hồ sơ Giấy khen").source == "QĐ 12/QĐ-SNV"
    assert table.match("Tập tài liệu tham khảo").key == "cum.hoi-nghi"
    from paperwork.errors import InputError

    with pytest.raises(InputError, match=r'records.retention."x".match: field required'):
        retention_table({"x": {"title": "X", "retention": 5}}, source="paperwork.toml")
    with pytest.raises(InputError, match="must be Vĩnh viễn or a number of years"):
        retention_table({"tdkt.quy-che": {"retention": "lâu"}}, source="paperwork.toml")


@pytest.mark.parametrize(("text", "years"), [("Vĩnh viễn", None), ("vinh vien", None), ("VV", None),
                                              ("20 năm", 20), ("20", 20), (70, 70), (5.0, 5)])
def test_retention_values(text, years) -> None:
    assert parse_retention(text) == Retention(years)


def test_due_dates_and_the_warning_30_days_before(clerk: Clerk, tmp_path: Path) -> None:
    """Closed after 01/7/2025: due 31/12 of the next year (Luật Lưu trữ 2024); before: one year from the
    end (Decree 30 Điều 30); under 5 years: never due; warned from 30 days before."""
    rules = shipped_table().transfer
    assert rules.due(dt.date(2026, 3, 6)) == dt.date(2027, 12, 31)
    assert rules.due(dt.date(2024, 5, 10)) == dt.date(2025, 5, 10)
    assert rules.due(dt.date(2025, 6, 30)) == dt.date(2026, 6, 30)
    assert rules.due(dt.date(2025, 7, 1)) == dt.date(2026, 12, 31)
    assert rules.must_transfer(Retention(5)) and rules.must_transfer(Retention(None))
    assert not rules.must_transfer(Retention(3))

    ids = documents(clerk, tmp_path)
    clerk("dossier", "plan", write_plan(tmp_path), "--year", 2026)
    clerk("dossier", "file", "01.TĐKT", "--year", 2026, ids["qd-march"])
    clerk("dossier", "file", "03.TĐKT", "--year", 2026, ids["bien-ban"])
    clerk("dossier", "close", "01.TĐKT", "--year", 2026)
    clerk("dossier", "close", "03.TĐKT", "--year", 2026)
    ws = load_workspace(clerk.root)
    table = shipped_table()
    first, _, third = dossier_catalog(ws).dossiers(2026)
    assert state_of(first, table, dt.date(2027, 11, 30)).warning() is None
    assert state_of(first, table, dt.date(2027, 12, 1)).warning() == (
        "01.TĐKT of 2026 (Hồ sơ khen thưởng Giấy khen của Giám đốc Sở Nội vụ năm 2026) is due at the agency"
        " archive by 31/12/2027 (in 30 days)")
    assert "3 days overdue" in state_of(first, table, dt.date(2028, 1, 3)).warning()
    assert state_of(third, table, dt.date(2028, 1, 3)).due is None  # kept 3 years: stays with the unit

    due = clerk("dossier", "list", "--due", "--as-of", "2027-12-20")
    assert "01.TĐKT" in due.stdout and "03.TĐKT" not in due.stdout
    assert due.stderr == ("Warning: 01.TĐKT of 2026 (Hồ sơ khen thưởng Giấy khen của Giám đốc Sở Nội vụ năm 2026)"
                          " is due at the agency archive by 31/12/2027 (in 11 days)\n")
    quiet = clerk("dossier", "list", "--due", "--as-of", "2027-06-01")
    assert quiet.stderr == ""


def test_readers_create_nothing(clerk_ws: Path) -> None:
    """list and show open the catalog read-only: before any plan, no dossier table is made."""
    import sqlite3

    clerk = Clerk(clerk_ws)
    assert clerk("dossier", "list", "--year", 2026).output == (
        "No dossier planned for 2026: `paperwork dossier plan FILE --year 2026`.\n")
    clerk("dossier", "show", "01.TĐKT", "--year", 2026, code=2)
    conn = sqlite3.connect(clerk_ws / "archive" / "catalog.sqlite")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert not {t for t in tables if t.startswith("dossier")}
