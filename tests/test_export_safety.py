"""The printed register never carries a formula, and never fails on a stored character.

Invariants: every text cell of the xlsx is a string cell; a CSV cell that a
spreadsheet would run as a formula starts with a quote (OWASP); the date column
stays a real date; a control character stored in a row (a withdrawal reason
typed before it was checked) cannot make the export fail.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from paperwork.export import REGISTER_HEADINGS, csv_text, neutralise, write_csv, write_xlsx
from paperwork.register import Entry

TITLE = '=HYPERLINK("http://x","y")'
SIGNER = "@SUM(1)"


def entry(number: int = 1, **changes) -> Entry:
    fields = dict(
        year=2026, series="QĐ", number=number, symbol="QĐ-SNV", date=dt.date(2026, 3, 6), kind="reward-decision",
        type_name="", title=TITLE, signer=SIGNER, recipients=("+Sở Tài chính", "-Như trên"), output="qd.docx",
        sha256="0" * 64, status="issued", void_reason=None, issued_at="2026-03-06T08:00:00",
    )
    fields.update(changes)
    return Entry(**fields)


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("+84 912", "'+84 912"),
        ("-Như trên", "'-Như trên"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Về việc = 2", "Về việc = 2"),
        ("01/QĐ-SNV", "01/QĐ-SNV"),
        ("", ""),
        ("Thu hồi\x07 nhầm\x00", "Thu hồi  nhầm "),
    ],
)
def test_neutralise(value, written):
    assert neutralise(value) == written


def test_csv_cells_that_would_be_formulas_start_with_a_quote():
    rows = list(csv.reader(io.StringIO(csv_text([entry()]))))
    assert rows[0] == list(REGISTER_HEADINGS)
    row = rows[1]
    assert row[0] == "01/QĐ-SNV"
    assert row[1] == "06/03/2026"
    assert row[2] == "'" + TITLE
    assert row[3] == "'@SUM(1)"
    assert row[4] == "'+Sở Tài chính; -Như trên"


def test_csv_stream_writer_applies_the_same_rule():
    buf = io.StringIO()
    write_csv([entry()], buf)
    assert buf.getvalue() == csv_text([entry()])
    assert ',"\'=HYPERLINK(""http://x"",""y"")",\'@SUM(1),' in buf.getvalue()


def test_xlsx_text_cells_are_strings_never_formulas(tmp_path):
    out = tmp_path / "so.xlsx"
    write_xlsx([entry(1), entry(2, title="Khen thưởng tập thể", signer="Nguyễn Văn An")], out, year=2026)
    book = openpyxl.load_workbook(out)
    ws = book.active
    assert [c.value for c in ws[1]] == list(REGISTER_HEADINGS)
    title, signer = ws.cell(row=2, column=3), ws.cell(row=2, column=4)
    for cell, text in ((title, TITLE), (signer, SIGNER)):
        assert cell.data_type == "s"
        assert cell.value == text  # literal text, as typed
        assert cell.quotePrefix  # Excel's own quote: editing the cell keeps it text
    assert ws.cell(row=3, column=3).value == "Khen thưởng tập thể" and not ws.cell(row=3, column=3).quotePrefix
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.column != 2 and cell.value is not None:
                assert cell.data_type == "s", cell.coordinate
    date = ws.cell(row=2, column=2)
    assert date.is_date and date.value == dt.datetime(2026, 3, 6) and date.number_format == "dd/mm/yyyy"
    # No formula anywhere in the stored sheet.
    import zipfile

    with zipfile.ZipFile(out) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_a_control_character_in_a_stored_row_does_not_break_the_export(tmp_path):
    """openpyxl refuses C0 controls: a withdrawal reason typed with one made every later export fail."""
    void = entry(status="void", void_reason="Ban hành\x07 nhầm\x1b đối tượng", title="Khen thưởng\x0b tập thể")
    out = tmp_path / "so.xlsx"
    write_xlsx([void], out)
    ws = openpyxl.load_workbook(out).active
    assert ws.cell(row=2, column=10).value == "Thu hồi: Ban hành  nhầm  đối tượng"
    assert ws.cell(row=2, column=3).value == "Khen thưởng  tập thể"
    assert csv_text([void]).splitlines()[1].endswith(",Thu hồi: Ban hành  nhầm  đối tượng")
