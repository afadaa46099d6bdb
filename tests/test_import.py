"""`paperwork archive import`: a folder of past years, its inventory, and runs that are stopped and resumed."""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from archive_docs import make_document, make_many

from paperwork.archive import importer
from paperwork.archive.importer import ADDED, ALREADY_THERE, InventoryError, plan_import, run_import
from paperwork.config import Workspace

CLI = [sys.executable, "-m", "paperwork"]


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default report goes into the current folder: a fresh one per test."""
    monkeypatch.chdir(tmp_path)


def _report(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _query(ws: Workspace, sql: str) -> list[tuple]:
    conn = sqlite3.connect(ws.catalog_path, timeout=5)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:  # the table is not there (yet)
        return []
    finally:
        conn.close()


def _shas(ws: Workspace) -> list[str]:
    return [row[0] for row in _query(ws, "SELECT sha256 FROM archive_documents")]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _problems(result) -> list[str]:
    """stderr without the progress lines ("Importing 3/60 (…)")."""
    return [line for line in result.stderr.splitlines() if not line.startswith(("Importing ", "Checking "))]


def _csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


# -- the walk ----------------------------------------------------------------------------------------


def test_every_supported_file_is_added_once_and_reported(run, ws: Workspace, tmp_path: Path) -> None:
    """Subfolders are walked; hidden files, Word's lock files and the archive itself are left alone."""
    folder = tmp_path / "in"
    files = make_many(folder / "2015", 3, prefix="a") + make_many(folder / "2016" / "quy-1", 2, prefix="b")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / "2015" / "~$a-000.docx").write_bytes(b"lock")
    (folder / ".hidden").mkdir()
    make_document(folder / ".hidden" / "x.docx", number="99/QĐ-SNV")
    (folder / "Thumbs.db").write_bytes(b"\0")
    result = run("archive", "import", folder, "--report", tmp_path / "r.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{folder}: 5 added, 0 already there, 0 failed, 1 skipped; report: {tmp_path / 'r.csv'}\n"
    rows = _report(tmp_path / "r.csv")
    assert list(rows[0]) == ["file", "status", "id", "number", "dossier", "row", "reason"]
    assert [(r["file"], r["status"]) for r in rows] == [
        ("2015/a-000.docx", "added"), ("2015/a-001.docx", "added"), ("2015/a-002.docx", "added"),
        ("2016/quy-1/b-000.docx", "added"), ("2016/quy-1/b-001.docx", "added"), ("Thumbs.db", "skipped"),
    ]
    assert rows[0]["number"] == "01/QĐ-SNV" and rows[0]["id"]
    assert rows[-1]["reason"].startswith("not a type the archive takes: .db")
    assert sorted(_shas(ws)) == sorted(_sha(f) for f in files)
    record = json.loads(run("archive", "show", rows[3]["id"], "--json").stdout)
    assert (record["filename"], record["source"]) == ("b-000.docx", "imported")

    # The workspace inside the imported folder: its archive is never imported into itself.
    again = run("archive", "import", tmp_path, "--report", tmp_path / "r2.csv")
    assert again.exit_code == 0, again.output
    assert len(_shas(ws)) == 5
    statuses = {r["file"]: r["status"] for r in _report(tmp_path / "r2.csv")}
    assert statuses["in/2015/a-000.docx"] == "already there"
    assert not any(name.startswith("ws/archive") for name in statuses)
    assert run("archive", "verify").exit_code == 0


def test_links_out_of_the_folder_and_fifos_are_refused_the_rest_added(run, ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_many(folder, 2)
    secret = make_document(tmp_path / "elsewhere" / "secret.docx", number="77/QĐ-SNV")
    (folder / "secret.docx").symlink_to(secret)
    (folder / "inside.docx").symlink_to(folder / "doc-000.docx")
    (folder / "sub").symlink_to(folder)  # a link to a folder inside: its files are found where they are
    os.mkfifo(folder / "pipe.pdf")  # would block a reader forever
    result = run("archive", "import", folder, "--report", tmp_path / "r.csv")
    assert result.exit_code == 1, result.output
    assert _problems(result) == [
        "pipe.pdf: not a regular file (a FIFO, device or socket): refused",
        f"secret.docx: a symbolic link leading outside the folder (to {secret}): refused",
    ]
    statuses = {r["file"]: (r["status"], r["reason"]) for r in _report(tmp_path / "r.csv")}
    assert statuses["doc-000.docx"][0] == "added"
    assert statuses["inside.docx"] == ("already there", "the same bytes as doc-000.docx")
    assert _sha(secret) not in _shas(ws)
    assert len(_shas(ws)) == 2


def test_a_scan_is_added_as_scanned(run, ws: Workspace, tmp_path: Path) -> None:
    from PIL import Image

    folder = tmp_path / "in"
    folder.mkdir()
    Image.new("L", (200, 280), 255).save(folder / "trang-1.png")
    result = run("archive", "import", folder, "--ocr", "never", "--report", tmp_path / "r.csv")
    assert result.exit_code == 0, result.output
    [row] = _report(tmp_path / "r.csv")
    assert (row["status"], row["reason"]) == ("added", "stored without text (--ocr never)")
    assert json.loads(run("archive", "show", row["id"], "--json").stdout)["source"] == "scanned"


def test_a_folder_that_is_not_one_exits_2(run, tmp_path: Path) -> None:
    result = run("archive", "import", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nowhere'}: no such folder\n"
    assert list(tmp_path.glob("import-report-*.csv")) == []


# -- the inventory -----------------------------------------------------------------------------------


def test_inventory_metadata_is_catalogued_and_the_dossier_reported(run, ws: Workspace, tmp_path: Path) -> None:
    """Headings as archivists type them (a title row above, no diacritics, any case, ';' from Excel)."""
    folder = tmp_path / "in"
    make_many(folder / "2015", 2, prefix="qd")
    make_document(folder / "2016" / "bb.docx", heading="BIÊN BẢN", number="03/BB-SNV")
    inventory = _csv(tmp_path / "muc-luc.csv", [
        ["MỤC LỤC VĂN BẢN PHÔNG SỞ NỘI VỤ NĂM 2015"],
        [],
        ["STT", "TEN TEP", "So, ky hieu", "Ngày tháng", "Tác giả", "TRÍCH YẾU NỘI DUNG", "Số và ký hiệu hồ sơ",
         "Tên loại", "Ghi chú"],
        ["1", "qd-000.docx", "12/QĐ-UB", "05/03/2015", "UBND tỉnh Cà Mau", "Về việc khen thưởng\nnăm 2014",
         "01.TCCB", "Quyết định", ""],
        ["2", "2016/bb.docx", "", "2016-01-02", "", "", "02.VP", "", "bản gốc"],
        ["3", "", "", "", "", "", "", "", "trang trống"],  # a row with nothing the import reads
    ], delimiter=";")
    result = run("archive", "import", folder, "--inventory", inventory, "--report", tmp_path / "r.csv")
    assert result.exit_code == 0, result.output
    assert f"Inventory {inventory}: 2 files listed; columns: TEN TEP, So, ky hieu, Ngày tháng, Tác giả," \
           " TRÍCH YẾU NỘI DUNG, Số và ký hiệu hồ sơ, Tên loại; ignored: STT, Ghi chú\n" in result.stderr
    rows = {r["file"]: r for r in _report(tmp_path / "r.csv")}
    first = rows["2015/qd-000.docx"]
    assert (first["number"], first["dossier"], first["row"]) == ("12/QĐ-UB", "01.TCCB", "4")
    record = json.loads(run("archive", "show", first["id"], "--json").stdout)
    assert (record["number"], record["date"], record["agency"], record["title"], record["type"]) == (
        "12/QĐ-UB", "2015-03-05", "UBND tỉnh Cà Mau", "Về việc khen thưởng năm 2014", "Quyết định")
    second = json.loads(run("archive", "show", rows["2016/bb.docx"]["id"], "--json").stdout)
    assert (second["number"], second["date"], second["type"]) == ("03/BB-SNV", "2016-01-02", "Biên bản")  # read off it
    unlisted = rows["2015/qd-001.docx"]
    assert (unlisted["status"], unlisted["dossier"], unlisted["row"]) == ("added", "", "")
    journal = dict(_query(ws, "SELECT path, dossier FROM archive_import_files WHERE dossier IS NOT NULL"))
    assert journal == {str(folder / "2015" / "qd-000.docx"): "01.TCCB", str(folder / "2016" / "bb.docx"): "02.VP"}


def test_an_xlsx_inventory_with_real_dates_and_separate_so_and_ky_hieu(run, ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_document(folder / "01.TCCB.001.docx", number="05/QĐ-SNV")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Tệp", "Số", "Ký hiệu", "Ngày", "Cơ quan ban hành", "Hồ sơ"])
    sheet.append(["01.TCCB.001", 7, "QĐ-UBND", datetime.datetime(2015, 3, 16), "UBND tỉnh Cà Mau", "01.TCCB"])
    book.save(tmp_path / "muc-luc.xlsx")
    result = run("archive", "import", folder, "--inventory", tmp_path / "muc-luc.xlsx", "--report", tmp_path / "r.csv")
    assert result.exit_code == 0, result.output
    [row] = _report(tmp_path / "r.csv")
    record = json.loads(run("archive", "show", row["id"], "--json").stdout)
    assert (record["number"], record["date"], record["agency"]) == ("7/QĐ-UBND", "2015-03-16", "UBND tỉnh Cà Mau")
    assert row["dossier"] == "01.TCCB"


@pytest.mark.parametrize(
    ("rows", "line"),
    [
        ([["a-000.docx", "31/02/2015"]], "row 2: Ngày (column B): '31/02/2015' is not a date: day is out of range for month"),
        ([["a-000.docx", "hôm qua"]], "row 2: Ngày (column B): 'hôm qua' is not a date (write dd/mm/yyyy or yyyy-mm-dd)"),
        ([["a-000.docx", "1998"]], "row 2: Ngày (column B): '1998' is not a whole date: leave the cell empty to"
                                   " read the date off the document"),
        ([["a-000.docx", "05/03/15"]], "row 2: Ngày (column B): '05/03/15': write the year with four digits (dd/mm/yyyy)"),
        ([["a-000.docx", ""], ["khong-co.pdf", ""]], "row 3: Tên tệp (column A): no file 'khong-co.pdf' in {folder}"),
        ([["a-000.docx", ""], ["2015/a-000.docx", ""]],
         "row 3: Tên tệp (column A): '2015/a-000.docx' is listed again (row 2 lists it already)"),
        ([["same.docx", ""]], "row 2: Tên tệp (column A): 'same.docx' names 2 files (2015/same.docx, 2016/same.docx):"
                              " write the path inside the folder"),
        ([["../elsewhere.docx", ""]], "row 2: Tên tệp (column A): '../elsewhere.docx': give the file's path inside"
                                      " the folder {folder}"),
        ([["", "05/03/2015"]], "row 2: Tên tệp (column A): no file named: every row of the inventory names its file"),
        ([["notes.txt", ""]], "row 2: Tên tệp (column A): 'notes.txt' is not imported: not a type the archive takes:"
                              " .txt (it takes .docx, .pdf, .png, .jpg, .jpeg, .tif, .tiff)"),
    ],
    ids=["impossible-date", "words", "year-only", "two-digit-year", "not-in-folder", "listed-twice", "ambiguous",
         "outside", "no-file", "unsupported"],
)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_added(
    run, ws: Workspace, tmp_path: Path, rows: list[list[str]], line: str
) -> None:
    folder = tmp_path / "in"
    make_many(folder / "2015", 1, prefix="a")
    make_document(folder / "2015" / "same.docx", number="01/TB-SNV")
    make_document(folder / "2016" / "same.docx", number="02/TB-SNV")
    (folder / "notes.txt").write_text("ghi chú", encoding="utf-8")
    inventory = _csv(tmp_path / "muc-luc.csv", [["Tên tệp", "Ngày"], *rows])
    result = run("archive", "import", folder, "--inventory", inventory)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {inventory}: {line.format(folder=folder)}\n"
    assert _shas(ws) == []
    assert _query(ws, "SELECT count(*) FROM archive_import_runs") == []  # the journal is not even made
    assert list(tmp_path.glob("import-report-*.csv")) == []


def test_every_bad_row_is_named_before_anything_is_added(run, ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_many(folder, 2)
    inventory = _csv(tmp_path / "muc-luc.csv", [
        ["File", "Ngày", "Ngày tháng"],
        ["doc-000.docx", "2015-13-01", ""],
        ["doc-001.docx", "", ""],
    ])
    result = run("archive", "import", folder, "--inventory", inventory, "--dry-run")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {inventory}: row 1: columns B (Ngày) and C (Ngày tháng) both give the date: keep one",
        f"Error: {inventory}: row 2: Ngày (column B): '2015-13-01' is not a date: month must be in 1..12",
    ]
    assert _shas(ws) == []


def test_an_inventory_without_a_file_column_is_one_line(run, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_many(folder, 1)
    inventory = _csv(tmp_path / "muc-luc.csv", [["STT", "Số, ký hiệu"], ["1", "05/QĐ-SNV"]])
    result = run("archive", "import", folder, "--inventory", inventory)
    assert result.exit_code == 2
    assert result.stderr == (f'Error: {inventory}: no column of file names: none of the first 10 rows has a'
                             ' heading such as "Tên tệp", "Tệp", "File"\n')


def test_the_library_collects_every_problem(ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_many(folder, 1)
    inventory = _csv(tmp_path / "m.csv", [["Tệp", "Ngày"], ["x.pdf", "1/1/2015"], ["doc-000.docx", "2099-01-01"]])
    with pytest.raises(InventoryError) as caught:
        plan_import(ws, folder, inventory=inventory)
    assert [p.field for p in caught.value.problems] == ["Tệp (column A)", "Ngày (column B)"]
    assert str(caught.value).endswith("(and 1 more problem)")
    assert caught.value.exit_code == 2


# -- dry run -----------------------------------------------------------------------------------------


def test_dry_run_lists_what_would_be_added_and_writes_nothing(run, ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    files = make_many(folder, 3)
    (folder / "copy.docx").write_bytes(files[0].read_bytes())
    assert run("archive", "add", files[1]).exit_code == 0
    inventory = _csv(tmp_path / "muc-luc.csv", [["Tệp", "Số và ký hiệu"], ["doc-002.docx", "9/QĐ-UB"]])
    result = run("archive", "import", folder, "--inventory", inventory, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "would add  copy.docx",
        "already there  doc-000.docx  — the same bytes as copy.docx",
        "already there  #1  doc-001.docx  02/QĐ-SNV  — already in the archive",
        "would add  doc-002.docx  9/QĐ-UB  (row 2)",
        "dry run: 2 would be added, 2 already there, 0 would fail, 0 skipped; nothing written",
    ]
    assert len(_shas(ws)) == 1
    assert _query(ws, "SELECT count(*) FROM archive_import_files") == []
    assert list(tmp_path.glob("import-report-*.csv")) == []


# -- runs stopped and run again ----------------------------------------------------------------------


def stop_after(monkeypatch: pytest.MonkeyPatch, count: int, error: BaseException) -> None:
    """The import's ingestion raises ``error`` once it has told ``count`` results (as a Ctrl-C or a full
    disk would stop it between two files)."""
    real = importer.ingest

    def ingest(ws, items, *, on_result, **kwargs):
        told = []

        def tell(position, result):
            on_result(position, result)
            told.append(position)
            if len(told) == count:
                raise error

        return real(ws, items, on_result=tell, **kwargs)

    monkeypatch.setattr(importer, "ingest", ingest)



def test_a_rerun_reads_no_file_again(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Journalled files (same path, size, mtime, bytes still catalogued) are not handed to the archive again."""
    folder = tmp_path / "in"
    files = make_many(folder, 4)
    first = run_import(ws, plan_import(ws, folder))
    assert [i.status for i in first.items] == [ADDED] * 4

    real = importer.ingest

    def refuse(ws, items, **kwargs):
        items = list(items)
        assert items == [], "a file handed to the archive again on a re-run"
        return real(ws, items, **kwargs)

    monkeypatch.setattr(importer, "ingest", refuse)
    plan = plan_import(ws, folder)
    assert plan.todo == ()
    second = run_import(ws, plan)
    assert [(i.status, i.reason) for i in second.items] == [(ALREADY_THERE, "imported earlier")] * 4
    assert [i.doc_id for i in second.items] == [i.doc_id for i in first.items]
    monkeypatch.undo()

    # A file changed since (size or mtime) is read again: its new bytes are a new document.
    make_document(files[2], number="33/QĐ-SNV", title="Bản sửa")
    plan = plan_import(ws, folder)
    assert [f.rel for f in plan.todo] == ["doc-002.docx"]
    third = run_import(ws, plan)
    assert [i.status for i in third.items if i.file == "doc-002.docx"] == [ADDED]
    assert len(_shas(ws)) == 5


def test_ctrl_c_keeps_what_was_journalled_and_the_rerun_goes_on(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    make_many(folder, 12)
    stop_after(monkeypatch, 7, KeyboardInterrupt())  # 5 journalled, 2 more catalogued but not journalled
    seen = []
    with pytest.raises(KeyboardInterrupt):
        run_import(ws, plan_import(ws, folder), batch_files=5, on_item=seen.append)
    assert [i.status for i in seen] == [ADDED] * 5
    assert _query(ws, "SELECT state FROM archive_import_runs") == [("stopped",)]
    monkeypatch.undo()

    plan = plan_import(ws, folder)
    assert plan.killed_runs == ()  # stopped cleanly: nothing for reindex to do
    assert len(plan.known) == 5 and len(plan.todo) == 7
    report = run_import(ws, plan)
    # The whole group was catalogued before the stop: the re-run finds every file already there.
    assert (report.count(ALREADY_THERE), report.count(ADDED)) == (12, 0)
    assert len(_shas(ws)) == len(set(_shas(ws))) == 12
    from paperwork.archive.upkeep import verify

    assert verify(ws).problems == ()  # stopped between two files: catalog, store and index in step


def test_the_cli_writes_the_report_so_far_when_stopped(
    run, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    make_many(folder, 30)
    stop_after(monkeypatch, 27, importer.ArchiveError(
        f"{folder}/doc-027.docx: cannot copy into the archive: No space left on device"))
    monkeypatch.setattr(importer, "BATCH_FILES", 25)
    result = run("archive", "import", folder, "--report", tmp_path / "r.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == [
        f"Stopped after 25 of 30 files; the report so far is in {tmp_path / 'r.csv'}. Run the same command again"
        " to go on.",
        f"Error: {folder}/doc-027.docx: cannot copy into the archive: No space left on device",
    ]
    assert [r["status"] for r in _report(tmp_path / "r.csv")] == ["added"] * 25


def test_kill_9_and_run_again_every_file_exactly_once(run, ws: Workspace, tmp_path: Path) -> None:
    """An import killed mid-batch and run again: every file catalogued once, the report complete, verify clean."""
    folder = tmp_path / "in"
    files = make_many(folder / "2015", 300, prefix="a") + make_many(folder / "2016", 300, prefix="b")  # > 2 batches
    command = [*CLI, "--workspace", str(ws.root), "archive", "import", str(folder)]
    process = subprocess.Popen([*command, "--report", str(tmp_path / "first.csv")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not _query(ws, "SELECT 1 FROM archive_import_files LIMIT 1") and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, process.stderr.read().decode()
    journalled = len(_query(ws, "SELECT path FROM archive_import_files"))
    catalogued = len(_shas(ws))
    assert 0 < journalled <= catalogued < len(files)
    assert not (tmp_path / "first.csv").exists()

    again = subprocess.run([*command, "--report", str(tmp_path / "second.csv")], capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert "Note: an earlier import of" in again.stderr
    rows = _report(tmp_path / "second.csv")
    assert sorted(r["file"] for r in rows) == sorted(f.relative_to(folder).as_posix() for f in files)
    statuses = [r["status"] for r in rows]
    assert statuses.count("already there") == catalogued  # those the killed run archived, journalled or not
    assert statuses.count("added") == len(files) - catalogued
    shas = _shas(ws)
    assert len(shas) == len(set(shas)) == len(files)
    assert set(shas) == {_sha(f) for f in files}
    assert len({r["id"] for r in rows}) == len(files)
    assert sorted(_query(ws, "SELECT DISTINCT state FROM archive_import_runs")) == [("finished",), ("killed",)]

    # The killed batch may be catalogued but not indexed: verify says so, reindex repairs it.
    verified = run("archive", "verify")
    if verified.exit_code != 0:
        assert "archive reindex" in verified.output, verified.output
        assert run("archive", "reindex").exit_code == 0
        verified = run("archive", "verify")
    assert verified.exit_code == 0, verified.output
    found = json.loads(run("search", "masob29", "--json").stdout)
    assert [hit["filename"] for hit in found] == ["b-029.docx"]


def test_the_default_report_is_in_the_current_folder(run, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_many(folder, 1)
    result = run("archive", "import", folder)
    assert result.exit_code == 0, result.output
    [report] = tmp_path.glob("import-report-*.csv")
    assert report.name.startswith(f"import-report-{datetime.date.today():%Y%m%d}-")
    assert [r["status"] for r in _report(report)] == ["added"]


def test_a_report_that_cannot_be_written_is_refused_before_anything_is_added(run, ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_many(folder, 1)
    result = run("archive", "import", folder, "--report", folder)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {folder}: cannot write: it is a folder\n"
    assert _shas(ws) == []
