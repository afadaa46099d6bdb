"""The incoming register (sổ đăng ký văn bản đến) on real documents, through the CLI a clerk uses.

Invariants: số đến run 01, 02 … by arrival within a year and start again at 01
on 1 January; no two documents share one; every số đến names a document the
archive holds (stored first, numbered after; SQLite checks the id and refuses
to delete or renumber a row); a second arrival of the same document is refused
unless the clerk says it is expected; the printed register has the ten
headings of Phụ lục IV and no cell a spreadsheet would run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from archive_docs import make_document
from conftest import decision_data
from paperwork.cli import cli
from paperwork.export import INCOMING_HEADINGS

TEN_HEADINGS = [
    "Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú",
]


@pytest.fixture
def clerk(clerk_ws: Path):
    """``clerk("incoming", "add", …)``: the CLI in the initialised workspace."""
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, ["--workspace", str(clerk_ws), *map(str, args)])

    return invoke


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def letter(folder: Path, i: int, *, agency: str = "BỘ NỘI VỤ", symbol: str = "CV-BNV", day: str = "02 tháng 01",
           year: int = 2025, body: str | None = None) -> Path:
    """A công văn-like document from ``agency`` numbered ``i``: detected by the archive."""
    return make_document(
        folder / f"den-{agency[:3]}-{i:03d}-{year}.docx",
        heading="QUYẾT ĐỊNH",
        number=f"{i:02d}/{symbol}",
        date_line=f"Hà Nội, ngày {day} năm {year}",
        agency=(agency,),
        title=f"Về việc hướng dẫn công tác thi đua đợt {i}",
        body=(body or f"Nội dung riêng của văn bản số {i} năm {year}.",),
    )


def listed(clerk, year: int) -> list[dict]:
    return json.loads(ok(clerk("incoming", "list", "--year", year, "--format", "json")))


# -- a year of arrivals ----------------------------------------------------------------------


def test_a_year_of_arrivals_is_numbered_from_01_and_a_new_year_starts_again(clerk, tmp_path):
    """Số đến follow arrival order from 01; the fields nobody typed come from the archive's reading."""
    docs = tmp_path / "den"
    months = ["01-06", "02-10", "03-03", "04-21", "05-05", "06-30", "07-01", "08-18", "09-09", "10-10"]
    for i, md in enumerate(months, start=1):
        out = ok(clerk("incoming", "add", letter(docs, i), "--received", f"2025-{md}"))
        assert out.startswith(f"số đến {i:02d} of 2025: ")
    # two arrive together on one day: one command, two consecutive numbers, in the order given
    pair = [letter(docs, 11, agency="UBND TỈNH BẠC LIÊU", symbol="UBND-VP"), letter(docs, 12, symbol="BNV-TĐKT")]
    out = ok(clerk("incoming", "add", *pair, "--received", "2025-12-31"))
    assert [line.split(":")[0] for line in out.splitlines() if line.startswith("số đến")] == [
        "số đến 11 of 2025", "số đến 12 of 2025"]

    rows = listed(clerk, 2025)
    assert [r["number"] for r in rows] == list(range(1, 13))
    assert [r["received"][5:] for r in rows] == [*months, "12-31", "12-31"]
    first = rows[0]
    assert first["phu_luc_vi"] == {
        "ArrivalDate": "2025-01-06", "ArrivalNumber": 1, "OrganName": "BỘ NỘI VỤ", "CodeNumber": "01",
        "CodeNotation": "CV-BNV", "IssuedDate": "2025-01-02", "TypeName": "Quyết định",
        "Subject": "Về việc hướng dẫn công tác thi đua đợt 1", "PageAmount": 1, "Priority": 0,
        "ToPlaces": None, "DueDate": None, "SignerInfo": None,
    }
    assert rows[10]["organ"] == "UBND TỈNH BẠC LIÊU" and rows[10]["code"] == "11/UBND-VP"
    # every số đến names a document the archive holds, with the bytes that arrived
    for r in rows:
        shown = json.loads(ok(clerk("archive", "show", r["archive_id"], "--json")))
        assert shown["filename"] == r["filename"]

    # 1 January: a new series from 01, whatever the old year reached
    out = ok(clerk("incoming", "add", letter(docs, 1, year=2026), "--received", "2026-01-01"))
    assert out.startswith("số đến 01 of 2026: ")
    ok(clerk("incoming", "add", letter(docs, 2, year=2026), "--received", "2026-01-02"))
    # a 2025 letter found late in a drawer still takes the next 2025 number (the year of --received)
    ok(clerk("incoming", "add", letter(docs, 13), "--received", "2025-12-31"))
    assert [r["number"] for r in listed(clerk, 2026)] == [1, 2]
    assert [r["number"] for r in listed(clerk, 2025)] == list(range(1, 14))


def test_add_prints_the_number_and_the_stamp(clerk, tmp_path):
    doc = letter(tmp_path, 125, symbol="QĐ-BNV", day="03 tháng 02", year=2026)
    out = ok(clerk("incoming", "add", doc, "--received", "2026-02-05", "--to", "Phòng Công chức",
                   "--due", "2026-02-20", "--priority", "khan", "--dossier", "01.TCCB"))
    assert out.splitlines() == [
        f"số đến 01 of 2026: {doc} (archive id 1)",
        "  125/QĐ-BNV, 03/02/2026, BỘ NỘI VỤ: Quyết định Về việc hướng dẫn công tác thi đua đợt 125",
        "    ĐẾN — Sở Nội vụ",
        "    Số: 01",
        "    Ngày: 05/02/2026",
        "    Chuyển: Phòng Công chức",
        "    Số và ký hiệu HS: 01.TCCB",
    ]
    entry = json.loads(ok(clerk("incoming", "show", "1", "--year", "2026", "--json")))
    assert entry["priority"] == "khẩn" and entry["phu_luc_vi"]["Priority"] == 1
    assert entry["routed_on"] == "2026-02-05" and entry["due"] == "2026-02-20"
    assert entry["stamp"] == {"agency": "Sở Nội vụ", "so": "01", "ngay": "05/02/2026", "chuyen": "Phòng Công chức",
                              "so_ky_hieu_ho_so": "01.TCCB"}


def test_typed_values_win_over_what_is_read(clerk, tmp_path):
    doc = make_document(tmp_path / "scan-like.docx", number=None, date_line=None, agency=("",),
                        title="Về việc mời họp")
    entry = json.loads(ok(clerk("incoming", "add", doc, "--from", "Sở Tài chính", "--number", "45 / STC-NS",
                                "--date", "2026-03-01", "--received", "2026-03-02", "--title", "Về việc góp ý dự thảo",
                                "--signer", "Trần Văn Ba", "--json")))[0]
    assert (entry["organ"], entry["code"], entry["code_number"], entry["code_notation"]) == (
        "Sở Tài chính", "45/STC-NS", "45", "STC-NS")
    assert entry["issued_date"] == "2026-03-01" and entry["subject"] == "Về việc góp ý dự thảo"
    assert entry["phu_luc_vi"]["SignerInfo"] == {"Position": None, "FullName": "Trần Văn Ba"}


# -- duplicates ------------------------------------------------------------------------------


def test_a_second_arrival_is_refused_naming_the_first_then_accepted_with_duplicate_ok(clerk, tmp_path):
    first = letter(tmp_path / "a", 125, symbol="QĐ-BNV", year=2026)
    ok(clerk("incoming", "add", first, "--received", "2026-02-05"))
    ok(clerk("incoming", "add", letter(tmp_path / "a", 7, year=2026), "--received", "2026-02-06"))
    # the same decision again, by post this time: other bytes, same số, ký hiệu and agency
    again = letter(tmp_path / "b", 125, symbol="QĐ-BNV", year=2026, body="Bản gửi qua bưu điện.")
    result = clerk("incoming", "add", again, "--received", "2026-02-09")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {again}: 125/QĐ-BNV of BỘ NỘI VỤ already arrived: số đến 01 of 2026, received"
                             " 05/02/2026; give --duplicate-ok to record it again (the file is in the archive as"
                             " id 3)\n")
    assert result.stdout == ""
    # typed without diacritics, with another zero and in another case: still the same document
    scan = make_document(tmp_path / "c" / "scan.docx", number=None, agency=("",), body=("Bản chụp.",))
    result = clerk("incoming", "add", scan, "--number", "0125/QD-BNV", "--from", "Bo Noi vu", "--received",
                   "2026-02-09")
    assert result.exit_code == 2 and "số đến 01 of 2026, received 05/02/2026" in result.stderr
    # the very same file again
    result = clerk("incoming", "add", first, "--received", "2026-02-09")
    assert result.exit_code == 2 and "số đến 01 of 2026" in result.stderr
    assert [r["number"] for r in listed(clerk, 2026)] == [1, 2]

    out = ok(clerk("incoming", "add", again, "--received", "2026-02-09", "--duplicate-ok"))
    assert out.startswith("số đến 03 of 2026: ")
    assert "  Ghi chú: Trùng văn bản đến số 01 ngày 05/02/2026" in out.splitlines()
    third = listed(clerk, 2026)[2]
    assert third["duplicate_of"] == "2026/01"
    rows = list(csv.reader(io.StringIO(ok(clerk("incoming", "list", "--year", "2026", "--format", "csv")))))
    assert rows[3][1] == "03" and rows[3][9] == "Trùng văn bản đến số 01 ngày 05/02/2026"


# -- routing, deadlines, replies -----------------------------------------------------------------


def test_routing_deadlines_overdue_and_replies(clerk, clerk_ws, tmp_path):
    for i, received in ((1, "2026-02-02"), (2, "2026-02-03"), (3, "2026-02-04")):
        ok(clerk("incoming", "add", letter(tmp_path, i, year=2026, day="01 tháng 02"), "--received", received))
    out = ok(clerk("incoming", "route", "1", "--year", "2026", "--to", "Phòng Công chức", "--due", "2026-02-10",
                   "--on", "2026-02-02"))
    assert out == "số đến 01 of 2026 passed to Phòng Công chức on 02/02/2026, to be handled by 10/02/2026\n"
    ok(clerk("incoming", "route", "2", "--year", "2026", "--to", "Văn phòng Sở", "--due", "2026-02-20",
             "--on", "2026-02-03"))
    ok(clerk("incoming", "route", "3", "--year", "2026", "--to", "Phòng Tổ chức", "--due", "2026-02-15",
             "--on", "2026-02-04"))
    # re-routed: the unit changes, the deadline stays
    ok(clerk("incoming", "route", "3", "--year", "2026", "--to", "Ban Thi đua - Khen thưởng", "--on", "2026-02-05"))

    assert ok(clerk("incoming", "overdue", "--on", "2026-02-10")) == "Nothing is overdue on 10/02/2026.\n"
    late = json.loads(ok(clerk("incoming", "overdue", "--on", "2026-02-16", "--json")))
    assert [(e["number"], e["to"], e["days_overdue"]) for e in late] == [
        (1, "Phòng Công chức", 6), (3, "Ban Thi đua - Khen thưởng", 1)]
    table = ok(clerk("incoming", "overdue", "--on", "2026-02-16")).splitlines()
    assert table[0].split() == ["Số", "đến", "Ngày", "đến", "Số,", "ký", "hiệu", "Trích", "yếu", "Chuyển", "Hạn",
                                "Quá", "hạn"]
    assert table[2].startswith("01/2026") and table[2].endswith("10/02/2026  6 ngày")

    # answered by an outgoing document of the register: its số
    qd = tmp_path / "qd.yaml"
    qd.write_text(yaml.safe_dump(decision_data(1, date="2026-03-06"), allow_unicode=True), encoding="utf-8")
    ok(clerk("render", "reward-decision", qd, "-o", tmp_path / "qd.docx", "--issue"))
    out = ok(clerk("incoming", "done", "1", "--year", "2026", "--reply", "01/QĐ-SNV", "--on", "2026-03-06"))
    assert out == "số đến 01 of 2026 handled on 06/03/2026, answered by 01/QĐ-SNV\n"
    # … or by a document in the archive: its id
    reply = make_document(tmp_path / "tl.docx", number="09/CV-SNV", agency=("SỞ NỘI VỤ",))
    reply_id = json.loads(ok(clerk("archive", "add", reply, "--json")))[0]["id"]
    ok(clerk("incoming", "done", "3", "--year", "2026", "--reply", reply_id, "--on", "2026-02-17"))
    late = json.loads(ok(clerk("incoming", "overdue", "--on", "2026-03-01", "--json")))
    assert [e["number"] for e in late] == [2]
    handled = listed(clerk, 2026)
    assert handled[2]["reply"] == "09/CV-SNV" and handled[2]["reply_archive_id"] == reply_id
    assert handled[0]["remarks"] == "Hạn giải quyết: 10/02/2026; Đã giải quyết ngày 06/03/2026, trả lời bằng 01/QĐ-SNV"

    for args, message in (
        (("done", "1", "--year", "2026"), "Error: số đến 01 of 2026 was already handled on 06/03/2026\n"),
        (("route", "1", "--year", "2026", "--to", "Văn phòng"),
         "Error: số đến 01 of 2026 was handled on 06/03/2026: there is nothing to route\n"),
        (("done", "2", "--year", "2026", "--reply", "77/CV-SNV"),
         "Error: --reply: 77/CV-SNV is not in the outgoing register; give the reply's archive id instead\n"),
        (("done", "2", "--year", "2026", "--reply", "999"), "Error: --reply: no document with id 999 in the archive\n"),
        (("route", "9", "--year", "2026", "--to", "Văn phòng"), "Error: số đến 09 of 2026 is not in the incoming register\n"),
        (("route", "2", "--year", "2026", "--to", "Văn phòng", "--on", "2026-01-31"),
         "Error: --on: 31/01/2026 is before the document was received (03/02/2026)\n"),
    ):
        result = clerk("incoming", *args)
        assert (result.exit_code, result.stderr) == (2, message), args


# -- what is refused ---------------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (["--received", "05/02/2026"], "--received: '05/02/2026' is not a date (YYYY-MM-DD)"),
    (["--received", "20260205"], "--received: '20260205' is not a date (YYYY-MM-DD)"),
    (["--received", "2099-01-01"], "--received: 2099-01-01 is after today"),
    (["--due", "2026-02-01", "--received", "2026-02-05"],
     "--due: 01/02/2026 is before the document was received (05/02/2026)"),
    (["--date", "2026-02-06", "--received", "2026-02-05"],
     "--date: the document is dated 06/02/2026, after it was received (05/02/2026)"),
    (["--priority", "gấp"], "--priority: 'gấp' is not a priority: one of thường, khẩn, thượng khẩn, hỏa tốc"),
    (["--from", "Bộ\x07Nội vụ"], "--from: contains a control character U+0007; remove it"),
    (["--to", "Phòng\nCông chức"], "--to: contains a control character U+000A; write it on one line"),
    (["--title", "   "], "--title: must not be empty"),
    (["--number", "công văn số 5"], "--number: 'công văn số 5' is not a số, ký hiệu such as 125/QĐ-BNV"),
    (["--from", "X" * 201], "--from: at most 200 characters (Decree 30, Phụ lục VI), not 201"),
])
def test_bad_values_are_refused_in_one_line_naming_the_option(clerk, tmp_path, args, message):
    doc = letter(tmp_path, 1, year=2026)
    result = clerk("incoming", "add", doc, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {message}") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    assert listed(clerk, 2026) == []
    assert json.loads(ok(clerk("archive", "stats", "--json")))["documents"] == 0  # refused before storing


def test_options_of_one_document_take_one_file(clerk, tmp_path):
    result = clerk("incoming", "add", letter(tmp_path, 1), letter(tmp_path, 2), "--number", "5/CV-BNV")
    assert (result.exit_code, result.stderr) == (2, "Error: --number: describes one document: give one FILE per"
                                                    " --number\n")


def test_a_file_the_archive_cannot_read_gets_no_number_and_leaves_no_gap(clerk, tmp_path):
    good = letter(tmp_path, 1, year=2026)
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"PK\x03\x04 not really a docx")
    result = clerk("incoming", "add", broken, tmp_path / "missing.pdf", good, "--received", "2026-02-05")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"số đến 01 of 2026: {good} ")
    assert f"{tmp_path / 'missing.pdf'}: no such file; no số đến given" in result.stderr
    assert f"{broken}: " in result.stderr
    ok(clerk("incoming", "add", letter(tmp_path, 2, year=2026), "--received", "2026-02-05"))
    assert [r["number"] for r in listed(clerk, 2026)] == [1, 2]


def test_sqlite_itself_keeps_the_numbers(clerk, clerk_ws, tmp_path):
    """No row names a document the archive lacks; no row is deleted or renumbered, whoever writes."""
    ok(clerk("incoming", "add", letter(tmp_path, 1, year=2026), "--received", "2026-02-05"))
    conn = sqlite3.connect(clerk_ws / "archive" / "catalog.sqlite")
    conn.execute("PRAGMA foreign_keys=ON")
    try:
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute("INSERT INTO incoming_entries (year, number, received, archive_id, filename, recorded_at)"
                         " VALUES (2026, 2, '2026-02-05', 999, 'x.pdf', 'now')")
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            conn.execute("DELETE FROM incoming_entries")
        with pytest.raises(sqlite3.IntegrityError, match="keeps its year, number"):
            conn.execute("UPDATE incoming_entries SET number = 5")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute("DELETE FROM archive_documents WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute("INSERT INTO incoming_entries (year, number, received, archive_id, filename, recorded_at)"
                         " VALUES (2025, 1, '2026-02-05', 1, 'x.pdf', 'now')")
    finally:
        conn.close()
    assert [r["number"] for r in listed(clerk, 2026)] == [1]


def test_a_missing_catalog_is_reported_and_nothing_is_stored(clerk, clerk_ws, tmp_path):
    (clerk_ws / "archive").rename(clerk_ws / "archive-moved")
    result = clerk("incoming", "add", letter(tmp_path, 1))
    assert result.exit_code == 1
    assert "catalog.sqlite is missing: is the archive folder unmounted or moved?" in result.stderr
    assert not (clerk_ws / "archive").exists()


# -- the printed register -----------------------------------------------------------------------

FORMULA_TITLE = '=HYPERLINK("http://x","y")'


def test_the_printed_register_csv_and_xlsx_have_the_ten_columns_and_no_formula(clerk, tmp_path):
    ok(clerk("incoming", "add", letter(tmp_path, 1, year=2026), "--received", "2026-02-05", "--title", FORMULA_TITLE,
             "--from", "+Sở Tài chính", "--to", "@Phòng Công chức", "--due", "2026-02-20"))
    ok(clerk("incoming", "add", letter(tmp_path, 2, year=2026), "--received", "2026-02-06", "--priority", "hỏa tốc"))
    assert list(INCOMING_HEADINGS) == TEN_HEADINGS

    text = ok(clerk("incoming", "list", "--year", "2026", "--format", "csv"))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == TEN_HEADINGS
    assert rows[1] == ["05/02/2026", "01", "'+Sở Tài chính", "01/CV-BNV", "02/01/2026",
                       "Quyết định " + FORMULA_TITLE, "'@Phòng Công chức", "05/02/2026", "",
                       "Hạn giải quyết: 20/02/2026"]
    assert rows[2][:4] == ["06/02/2026", "02", "BỘ NỘI VỤ", "02/CV-BNV"] and rows[2][9] == "Hỏa tốc"
    out = tmp_path / "so-den.csv"
    ok(clerk("incoming", "list", "--year", "2026", "--format", "csv", "-o", out))
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8

    book_path = tmp_path / "so-den-2026.xlsx"
    result = clerk("incoming", "list", "--year", "2026", "--format", "xlsx", "-o", book_path)
    assert result.exit_code == 0 and result.stderr == f"Wrote 2 entries to {book_path}\n"
    book = openpyxl.load_workbook(book_path)
    sheet = book.active
    assert sheet.title == "Sổ đăng ký văn bản đến"
    assert [c.value for c in sheet[1]] == TEN_HEADINGS
    organ, to = sheet.cell(row=2, column=3), sheet.cell(row=2, column=7)
    for cell, text in ((organ, "+Sở Tài chính"), (to, "@Phòng Công chức")):
        assert cell.data_type == "s" and cell.value == text and cell.quotePrefix
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert sheet.cell(row=2, column=1).value == dt.datetime(2026, 2, 5)  # real dates, shown dd/mm/yyyy
    assert sheet.cell(row=2, column=1).number_format == "dd/mm/yyyy"
    assert sheet.cell(row=2, column=2).value == "01"
    assert sheet.cell(row=3, column=8).value is None or sheet.cell(row=3, column=8).value == ""
    # laid out to be bound: A4 landscape, the title in the header, page numbers, headings on every page
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.oddHeader.center.text == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM 2026"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert sheet.print_title_rows == "$1:$1"
    assert ok(clerk("incoming", "list", "--year", "2025")) == "The incoming register is empty.\n"


# -- two clerks at once ----------------------------------------------------------------------------


@pytest.mark.slow
def test_two_clerks_registering_at_once_get_distinct_contiguous_numbers(clerk_ws, tmp_path):
    """Each command's numbers follow each other; together they are 01…N with no gap and no repeat."""
    batches = {name: [letter(tmp_path / name, i, agency=f"SỞ {name.upper()}", year=2026) for i in range(1, 7)]
               for name in ("a", "b")}
    env = {**os.environ, "PAPERWORK_BUSY_TIMEOUT": "5"}
    procs = {name: subprocess.Popen([sys.executable, "-m", "paperwork", "--workspace", str(clerk_ws), "incoming",
                                     "add", *map(str, files), "--received", "2026-02-05", "--json"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for name, files in batches.items()}
    numbers = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        numbers[name] = [e["number"] for e in json.loads(out)]
    for got in numbers.values():
        assert got == list(range(got[0], got[0] + 6))
    assert sorted(numbers["a"] + numbers["b"]) == list(range(1, 13))
    result = CliRunner().invoke(cli, ["--workspace", str(clerk_ws), "incoming", "list", "--year", "2026",
                                      "--format", "json"])
    rows = json.loads(result.stdout)
    assert [r["number"] for r in rows] == list(range(1, 13))
    assert len({r["archive_id"] for r in rows}) == 12
