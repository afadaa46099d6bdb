"""The outgoing register: allocation, voiding, listing (library and CLI)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import multiprocessing
import random
import sqlite3
import tempfile
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from paperwork import db
from paperwork.cli import cli
from paperwork.config import Numbering, init_workspace
from paperwork.errors import InputError, NumberInUseError, RegisterError
from paperwork.export import REGISTER_HEADINGS, register_rows
from paperwork import db
from paperwork.register import SHARED_SERIES, Entry, Register

HEADINGS = [
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
]

TYPES = {"QĐ": "Quyết định", "BB": "Biên bản", "GM": "Giấy mời"}


def make_register(tmp_path: Path, series: str = "per-type", **kw) -> Register:
    path = tmp_path / "archive" / "catalog.sqlite"
    if not path.exists():
        db.create(path)
    return Register(path, Numbering(series=series), **kw)


def issue(
    reg: Register,
    type_symbol: str = "QĐ",
    day: dt.date = dt.date(2025, 3, 6),
    *,
    number: int | None = None,
    title: str = "Về việc tặng Giấy khen",
    out_dir: Path | None = None,
) -> Entry:
    with reg.reserve(type_symbol, day.year, number=number) as r:
        data = f"{r.number}/{type_symbol}".encode()
        output = ""
        if out_dir is not None:
            path = out_dir / f"{day.year}-{r.series}-{r.number:02d}.docx"
            path.write_bytes(data)
            output = str(path)
        return r.record(
            symbol=f"{type_symbol}-SNV",
            date=day,
            kind="reward-decision",
            type_name=TYPES.get(type_symbol, "Văn bản"),
            title=title,
            signer="Nguyễn Văn A",
            recipients=["Như Điều 3", "Lưu: VT, TĐKT"],
            output=output,
            sha256=hashlib.sha256(data).hexdigest(),
        )


@pytest.fixture
def reg(tmp_path: Path) -> Register:
    return make_register(tmp_path)


# -- allocation ----------------------------------------------------------------


def test_numbers_run_from_one_in_a_series(reg: Register, tmp_path: Path) -> None:
    """Numbers start at 1 and run on without gaps; the file is written inside the reservation."""
    entries = [issue(reg, out_dir=tmp_path) for _ in range(3)]
    assert [e.number for e in entries] == [1, 2, 3]
    assert [e.number_symbol for e in entries] == ["01/QĐ-SNV", "02/QĐ-SNV", "03/QĐ-SNV"]
    assert reg.entries() == entries
    assert all(Path(e.output).is_file() for e in entries)
    assert entries[0].recipients == ("Như Điều 3", "Lưu: VT, TĐKT")
    assert entries[0].status == "issued" and entries[0].void_reason is None
    dt.datetime.fromisoformat(entries[0].issued_at)


def test_number_symbol_has_leading_zero_below_ten(reg: Register) -> None:
    entries = [issue(reg) for _ in range(10)]
    assert entries[6].number_symbol == "07/QĐ-SNV"
    assert entries[9].number_symbol == "10/QĐ-SNV"


def test_failed_render_consumes_no_number(reg: Register) -> None:
    """A reservation whose body raises rolls back: no gap, nothing recorded."""
    issue(reg)
    with pytest.raises(ZeroDivisionError):
        with reg.reserve("QĐ", 2025) as r:
            assert r.number == 2
            1 / 0
    with pytest.raises(RuntimeError):
        with reg.reserve("QĐ", 2025) as r:
            r.record(
                symbol="QĐ-SNV", date=dt.date(2025, 3, 7), kind="k", type_name="Quyết định",
                title="t", signer="s", recipients=[], output="", sha256="",
            )  # fmt: skip
            raise RuntimeError("conversion failed after recording")
    assert issue(reg).number == 2
    assert [e.number for e in reg.entries()] == [1, 2]


def test_reservation_left_without_record_raises_and_rolls_back(reg: Register) -> None:
    with pytest.raises(RegisterError, match="never recorded"):
        with reg.reserve("QĐ", 2025) as r:
            assert r.number == 1
    assert reg.entries() == []
    assert issue(reg).number == 1


def test_record_twice_or_after_the_block_is_refused(reg: Register) -> None:
    kw = dict(
        symbol="QĐ-SNV", date=dt.date(2025, 1, 2), kind="k", type_name="Quyết định",
        title="t", signer="s", recipients=["a"], output="", sha256="",
    )  # fmt: skip
    with pytest.raises(RegisterError, match="already recorded"):
        with reg.reserve("QĐ", 2025) as r:
            r.record(**kw)
            r.record(**kw)
    with reg.reserve("QĐ", 2025) as r:
        r.record(**kw)
    with pytest.raises(RegisterError, match="closed"):
        r.record(**kw)
    assert [e.number for e in reg.entries()] == [1]


def test_a_new_year_starts_again_at_one(reg: Register) -> None:
    """The series runs from 1 January to 31 December."""
    assert [issue(reg, day=dt.date(2025, 12, 31)).number for _ in range(3)] == [1, 2, 3]
    assert issue(reg, day=dt.date(2026, 1, 2)).number == 1
    assert issue(reg, day=dt.date(2025, 12, 31)).number == 4
    assert [(e.year, e.number) for e in reg.entries()] == [(2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1)]
    assert [(e.year, e.number) for e in reg.entries(2026)] == [(2026, 1)]


def test_record_refuses_a_date_outside_the_reserved_year(reg: Register) -> None:
    with pytest.raises(InputError, match="outside the reserved year 2025"):
        with reg.reserve("QĐ", 2025) as r:
            r.record(
                symbol="QĐ-SNV", date=dt.date(2026, 1, 1), kind="k", type_name="Quyết định",
                title="t", signer="s", recipients=[], output="", sha256="",
            )  # fmt: skip
    assert reg.entries() == []


def test_duplicate_explicit_number_raises(reg: Register) -> None:
    issue(reg, number=5)
    with pytest.raises(NumberInUseError, match=r"number 05 of 2025 is already issued as 05/QĐ-SNV") as e:
        issue(reg, number=5)
    assert e.value.exit_code == 2
    with pytest.raises(NumberInUseError):
        reg.check_free("QĐ", 2025, 5)
    reg.check_free("QĐ", 2025, 4)
    reg.check_free("QĐ", 2026, 5)
    reg.check_free("BB", 2025, 5)
    # The next automatic number follows the highest one given out.
    assert issue(reg).number == 6
    # A free number below it may still be given explicitly.
    assert issue(reg, number=2).number == 2
    assert [e.number for e in reg.entries()] == [2, 5, 6]


def test_bad_numbers_and_years_are_input_errors(reg: Register) -> None:
    with pytest.raises(InputError):
        issue(reg, number=0)
    with pytest.raises(InputError):
        reg.check_free("QĐ", 25, 1)
    with pytest.raises(InputError):
        reg.series_for("Q Đ")
    with pytest.raises(InputError):
        reg.series_for("")


def test_void_keeps_the_number_and_never_reuses_it(reg: Register) -> None:
    """A withdrawn number stays in the register, and the series runs on after it."""
    for _ in range(3):
        issue(reg)
    voided = reg.void(2025, 3, "Ban hành nhầm")
    assert voided.status == "void" and voided.void_reason == "Ban hành nhầm"
    assert voided.number_symbol == "03/QĐ-SNV"
    assert issue(reg).number == 4
    with pytest.raises(NumberInUseError, match="already withdrawn"):
        issue(reg, number=3)
    assert [(e.number, e.status) for e in reg.entries()] == [(1, "issued"), (2, "issued"), (3, "void"), (4, "issued")]
    with pytest.raises(InputError, match="already withdrawn"):
        reg.void(2025, 3, "again")


def test_void_errors(reg: Register) -> None:
    with pytest.raises(InputError, match="not in the register"):
        reg.void(2025, 1, "x")  # no catalog yet
    issue(reg, "QĐ")
    issue(reg, "BB")
    with pytest.raises(InputError, match=r"several series \(01/BB-SNV, 01/QĐ-SNV\): give --series"):
        reg.void(2025, 1, "x")
    with pytest.raises(InputError, match="not in the register"):
        reg.void(2025, 9, "x")
    with pytest.raises(InputError, match="not in the register in series GM"):
        reg.void(2025, 1, "x", series="GM")
    with pytest.raises(InputError, match="reason"):
        reg.void(2025, 1, "  ", series="BB")
    assert reg.void(2025, 1, "x", series="BB").symbol == "BB-SNV"


def test_per_type_and_shared_series(tmp_path: Path) -> None:
    per_type = make_register(tmp_path / "a")
    assert [issue(per_type, t).number for t in ("QĐ", "BB", "QĐ", "GM", "BB")] == [1, 1, 2, 1, 2]
    assert per_type.series_for("QĐ") == "QĐ"
    assert [e.series for e in per_type.entries()] == ["BB", "BB", "GM", "QĐ", "QĐ"]
    shared = make_register(tmp_path / "b", series="shared")
    assert [issue(shared, t).number for t in ("QĐ", "BB", "QĐ", "GM", "BB")] == [1, 2, 3, 4, 5]
    assert shared.series_for("BB") == SHARED_SERIES
    assert [e.number_symbol for e in shared.entries()] == [
        "01/QĐ-SNV", "02/BB-SNV", "03/QĐ-SNV", "04/GM-SNV", "05/BB-SNV",
    ]  # fmt: skip
    # In one shared series a number is unambiguous: no --series needed.
    assert shared.void(2025, 2, "x").number_symbol == "02/BB-SNV"
    with pytest.raises(NumberInUseError):
        shared.check_free("GM", 2025, 2)


def test_peek_next(reg: Register) -> None:
    assert reg.peek_next("QĐ", 2025) == 1
    issue(reg)
    assert reg.peek_next("QĐ", 2025) == 2
    assert reg.peek_next("BB", 2025) == 1


# -- concurrency ---------------------------------------------------------------


def _issue_many(catalog: str, out_dir: str, worker: int, count: int, start) -> None:
    reg = Register(Path(catalog), Numbering())
    start.wait(30)
    for i in range(count):
        with reg.reserve("QĐ", 2025) as r:
            time.sleep(random.uniform(0.002, 0.008))  # the "render"
            path = Path(out_dir) / f"w{worker}-{i:02d}.txt"
            data = f"{r.number}\n".encode()
            path.write_bytes(data)
            r.record(
                symbol="QĐ-SNV", date=dt.date(2025, 5, 1), kind="reward-decision",
                type_name="Quyết định", title=f"w{worker} #{i}", signer="s", recipients=["a"],
                output=str(path), sha256=hashlib.sha256(data).hexdigest(),
            )  # fmt: skip


@pytest.mark.slow
def test_concurrent_processes_get_distinct_contiguous_numbers(tmp_path: Path) -> None:
    """3 processes issuing 12 documents each at once get 1..36, each file holding its own number."""
    catalog = tmp_path / "archive" / "catalog.sqlite"  # new: the processes also race to create the tables
    db.create(catalog)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    procs = [
        ctx.Process(target=_issue_many, args=(str(catalog), str(tmp_path), w, 12, start)) for w in range(3)
    ]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    entries = Register(catalog, Numbering()).entries(2025)
    assert [e.number for e in entries] == list(range(1, 37))
    for e in entries:
        assert Path(e.output).read_text() == f"{e.number}\n"
    assert len({e.output for e in entries}) == 36


def test_busy_register_is_a_clear_register_error(tmp_path: Path) -> None:
    reg = make_register(tmp_path, timeout=0.2)
    issue(reg)
    other = db.connect(reg.catalog_path)
    other.execute("BEGIN IMMEDIATE")  # another clerk mid-issue
    try:
        with pytest.raises(RegisterError, match=r"the register is busy \(another clerk is issuing\): try again"):
            issue(reg)
        assert [e.number for e in reg.entries()] == [1]  # readers are not blocked (WAL)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert issue(reg).number == 2


def test_readers_are_not_blocked_during_a_reservation(reg: Register) -> None:
    issue(reg)
    with reg.reserve("QĐ", 2025) as r:
        reader = make_register(reg.catalog_path.parent.parent, timeout=0.2)
        assert [e.number for e in reader.entries()] == [1]
        assert reader.peek_next("QĐ", 2025) == 2
        r.record(
            symbol="QĐ-SNV", date=dt.date(2025, 3, 6), kind="k", type_name="Quyết định",
            title="t", signer="s", recipients=[], output="", sha256="",
        )  # fmt: skip


def test_register_lives_beside_other_tables_of_the_catalog(reg: Register) -> None:
    conn = db.connect(reg.catalog_path)
    db.ensure_schema(conn, ["CREATE TABLE IF NOT EXISTS archive_documents (id INTEGER PRIMARY KEY)"])
    conn.close()
    issue(reg)
    with sqlite3.connect(reg.catalog_path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = conn.execute("SELECT value FROM register_meta WHERE key = 'schema_version'").fetchone()
    assert {"archive_documents", "register_entries", "register_meta"} <= tables
    assert version == ("2",)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["ok", "fail", "void"]), st.sampled_from(["QĐ", "BB"]), st.sampled_from([2025, 2026])),
        max_size=25,
    )
)
def test_allocation_property(ops: list[tuple[str, str, int]]) -> None:
    """Whatever fails or is voided, each year and series holds exactly 1..n, voids included."""
    with tempfile.TemporaryDirectory() as tmp:
        reg = make_register(Path(tmp))
        issued: dict[tuple[int, str], int] = {}
        for op, series, year in ops:
            if op == "ok":
                assert issue(reg, series, dt.date(year, 6, 1)).number == issued.get((year, series), 0) + 1
                issued[(year, series)] = issued.get((year, series), 0) + 1
            elif op == "fail":
                with pytest.raises(ValueError):
                    with reg.reserve(series, year):
                        raise ValueError("render failed")
            elif issued.get((year, series)):
                n = issued[(year, series)]
                live = [e for e in reg.entries(year, series=series) if e.number == n]
                if live[0].status == "issued":
                    reg.void(year, n, "thu hồi", series=series)
        for (year, series), n in issued.items():
            assert [e.number for e in reg.entries(year, series=series)] == list(range(1, n + 1))


# -- the printed register --------------------------------------------------------


def test_register_rows_have_the_ten_columns(reg: Register) -> None:
    assert list(REGISTER_HEADINGS) == HEADINGS
    issue(reg)
    issue(reg, "BB", title="Hội nghị tổng kết Cụm thi đua")
    reg.void(2025, 1, "Ban hành nhầm", series="QĐ")
    rows = register_rows(reg.entries())
    assert rows == [
        ["01/BB-SNV", "06/03/2025", "Biên bản Hội nghị tổng kết Cụm thi đua", "Nguyễn Văn A",
         "Như Điều 3; Lưu: VT, TĐKT", "VT", "", "", "", ""],
        ["01/QĐ-SNV", "06/03/2025", "Quyết định về việc tặng Giấy khen", "Nguyễn Văn A",
         "Như Điều 3; Lưu: VT, TĐKT", "VT", "", "", "", "Thu hồi: Ban hành nhầm"],
    ]  # fmt: skip


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    init_workspace(root, agency_name="SỞ NỘI VỤ", agency_code="SNV", place="Cà Mau")
    reg = make_register(root)
    issue(reg, day=dt.date(2024, 12, 30))
    issue(reg, day=dt.date(2025, 1, 5))
    issue(reg, day=dt.date(2025, 2, 7), title="Về việc công nhận danh hiệu Lao động tiên tiến")
    issue(reg, "GM", day=dt.date(2025, 2, 8), title="Dự Hội nghị tổng kết")
    return root


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_list_json(workspace: Path) -> None:
    result = run("--workspace", str(workspace), "register", "list", "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["number"], r["symbol"], r["date"]) for r in rows] == [
        (1, "GM-SNV", "2025-02-08"), (1, "QĐ-SNV", "2025-01-05"), (2, "QĐ-SNV", "2025-02-07"),
    ]  # fmt: skip
    for key in ("kind", "title", "signer", "year", "series", "status", "output", "sha256", "recipients", "void_reason"):
        assert key in rows[0]
    assert rows[0]["title"] == "Dự Hội nghị tổng kết"
    assert rows[0]["recipients"] == ["Như Điều 3", "Lưu: VT, TĐKT"]


def test_cli_list_table(workspace: Path) -> None:
    result = run("--workspace", str(workspace), "register", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Số, ký hiệu")
    assert len(lines) == 2 + 4
    assert lines[-1].split() == ["02/QĐ-SNV", "07/02/2025", "Quyết", "định", "Về", "việc", "công", "nhận",
                                 "danh", "hiệu", "Lao", "động", "tiên", "tiến", "Nguyễn", "Văn", "A", "đã", "ban", "hành"]


def test_cli_list_csv_stdout_and_file(workspace: Path, tmp_path: Path) -> None:
    result = run("--workspace", str(workspace), "register", "list", "--year", "2025", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == HEADINGS
    assert rows[2][:3] == ["01/QĐ-SNV", "05/01/2025", "Quyết định về việc tặng Giấy khen"]
    out = tmp_path / "so.csv"
    result = run("--workspace", str(workspace), "register", "list", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == HEADINGS and len(rows) == 5
    assert not list(tmp_path.glob(".so.csv.*"))  # no temp file left


def test_cli_list_xlsx(workspace: Path, tmp_path: Path) -> None:
    run("--workspace", str(workspace), "register", "void", "2", "--year", "2025", "--reason", "Ban hành nhầm")
    out = tmp_path / "so.xlsx"
    result = run("--workspace", str(workspace), "register", "list", "--year", "2025", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[1]] == HEADINGS
    assert all(c.font.bold and c.alignment.wrap_text for c in ws[1])
    assert ws.max_row == 4
    second = [c.value for c in ws[4]]
    assert second[0] == "02/QĐ-SNV"
    assert second[1] == dt.datetime(2025, 2, 7) and ws["B4"].number_format == "dd/mm/yyyy"
    assert second[2] == "Quyết định về việc công nhận danh hiệu Lao động tiên tiến"
    assert second[5] == "VT" and second[6] is None and second[9] == "Thu hồi: Ban hành nhầm"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$1:$1"
    assert ws.column_dimensions["C"].width > ws.column_dimensions["G"].width


def test_cli_xlsx_needs_an_output_file(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["--workspace", str(workspace), "register", "list", "--format", "xlsx"])
    assert result.exit_code == 2
    assert result.stderr == "Error: --format xlsx writes a file: give -o FILE.xlsx\n"


def test_cli_void(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["--workspace", str(workspace), "register", "void", "1", "--year", "2025", "--reason", "Sai"])
    assert result.exit_code == 2
    assert result.stderr == "Error: number 01 of 2025 is in several series (01/GM-SNV, 01/QĐ-SNV): give --series\n"
    result = run("--workspace", str(workspace), "register", "void", "1", "--year", "2025", "--series", "QĐ", "--reason", "Sai")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Withdrew 01/QĐ-SNV of 2025 (series QĐ): Sai\n")
    result = CliRunner().invoke(cli, ["--workspace", str(workspace), "register", "void", "9", "--year", "2025", "--reason", "Sai"])
    assert result.exit_code == 2
    assert result.stderr == "Error: number 09 of 2025 is not in the register\n"
    entries = make_register(workspace).entries(2025, series="QĐ")
    assert [(e.number, e.status, e.void_reason) for e in entries] == [(1, "void", "Sai"), (2, "issued", None)]


def test_cli_list_empty_register(tmp_path: Path) -> None:
    init_workspace(tmp_path, agency_name="SỞ NỘI VỤ", agency_code="SNV", place="Cà Mau")
    catalog = tmp_path / "archive" / "catalog.sqlite"
    before = catalog.read_bytes()
    result = run("--workspace", str(tmp_path), "register", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    # Listing writes nothing (SQLite's own -wal/-shm companions aside).
    assert catalog.read_bytes() == before
    assert {p.name for p in (tmp_path / "archive").iterdir()} <= {"catalog.sqlite", "catalog.sqlite-wal",
                                                                   "catalog.sqlite-shm"}


def test_cli_list_outside_a_workspace_says_to_init(tmp_path: Path) -> None:
    """No workspace: no register to list, and nothing is created."""
    result = CliRunner().invoke(cli, ["--workspace", str(tmp_path), "register", "list"])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: no workspace here ({tmp_path}): run `paperwork init DIR --agency-name …"
                             " --agency-code … --place …` first\n")
    assert list(tmp_path.iterdir()) == []


def test_a_missing_catalog_is_never_an_empty_register(workspace: Path) -> None:
    """The archive folder unmounted or moved: list and issue refuse, and say how to recover."""
    (workspace / "archive").rename(workspace / "archive-moved")
    for args in (["register", "list"], ["register", "void", "1", "--year", "2025", "--reason", "x"]):
        result = CliRunner().invoke(cli, ["--workspace", str(workspace), *args])
        assert result.exit_code == 1, result.output
        assert result.stderr == (
            f"Error: {workspace / 'archive' / 'catalog.sqlite'} is missing: is the archive folder unmounted or"
            " moved? Mount it, or point [archive] path in paperwork.toml at it; `paperwork archive create` starts"
            " a new, empty register and archive\n")
    assert not (workspace / "archive").exists()
