"""`paperwork archive add|show|text|verify|reindex|stats` and `paperwork search`."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from archive_docs import make_document, make_many, run_json

from paperwork.archive.index import ENGINES
from paperwork.cli import cli
from conftest import make_workspace
from paperwork.config import Workspace


@pytest.fixture(params=ENGINES)
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    """A workspace per engine: every archive command runs on Whoosh and on Tantivy."""
    return make_workspace(tmp_path / "ws", f'[archive]\nengine = "{request.param}"\n')


def test_add_reports_each_file_and_detects_metadata(run, tmp_path: Path) -> None:
    path = make_document(tmp_path / "qd-05.docx")
    result = run("archive", "add", path)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"added  #1  {path}  Quyết định, 05/QĐ-SNV, 2026-02-05\n"

    record = run_json(run, "archive", "show", "1")
    assert record["type"] == "Quyết định"
    assert record["number"] == "05/QĐ-SNV"
    assert record["date"] == "2026-02-05"
    assert record["agency"] == "UBND TỈNH CÀ MAU / SỞ NỘI VỤ"
    assert record["title"] == "Về việc tặng Giấy khen cho các tập thể và cá nhân"
    assert record["source"] == "imported"
    assert record["filename"] == "qd-05.docx"


def test_options_override_detected_metadata(run, tmp_path: Path) -> None:
    path = make_document(tmp_path / "bb.docx")
    records = run_json(
        run, "archive", "add", path, "--type", "Biên bản", "--number", "03/BB-SNV",
        "--date", "2023-03-06", "--agency", "Sở Nội vụ tỉnh Bạc Liêu", "--title", "Hội nghị",
        "--signer", "Ngô Công Hầu", "--source", "scanned",
    )
    assert len(records) == 1
    rec = records[0]
    assert (rec["type"], rec["number"], rec["date"], rec["agency"], rec["title"], rec["signer"], rec["source"]) == (
        "Biên bản", "03/BB-SNV", "2023-03-06", "Sở Nội vụ tỉnh Bạc Liêu", "Hội nghị", "Ngô Công Hầu", "scanned",
    )
    assert rec["duplicate"] is False


def test_bad_date_option_is_one_clear_line(run, tmp_path: Path) -> None:
    result = run("archive", "add", make_document(tmp_path / "qd.docx"), "--date", "06/03/2023")
    assert result.exit_code == 2
    assert result.stderr == "Error: --date: '06/03/2023' is not a date (YYYY-MM-DD)\n"


def test_duplicate_add_reports_the_same_id_and_stores_once(run, ws: Workspace, tmp_path: Path) -> None:
    path = make_document(tmp_path / "qd.docx")
    copy = tmp_path / "copy-of-qd.docx"
    copy.write_bytes(path.read_bytes())
    first = run_json(run, "archive", "add", path)
    again = run("archive", "add", copy)
    assert again.exit_code == 0, again.output
    assert again.stdout == f"exists #{first[0]['id']}  {copy}  (already archived)\n"
    second = run_json(run, "archive", "add", path, copy)
    assert [r["id"] for r in second] == [first[0]["id"]] * 2
    assert all(r["duplicate"] for r in second)
    stored = [p for p in ws.files_dir.rglob("*") if p.is_file()]
    assert len(stored) == 1
    assert stat.S_IMODE(stored[0].stat().st_mode) == 0o444
    assert run_json(run, "archive", "stats")["documents"] == 1


def test_unreadable_file_among_good_ones(run, tmp_path: Path) -> None:
    """The bad file is named with its reason; the others are added; exit status 1."""
    good = make_many(tmp_path, 2)
    bad = tmp_path / "hong.docx"
    bad.write_bytes(b"this is not a zip file")
    missing = tmp_path / "khong-co.pdf"
    result = run("archive", "add", good[0], bad, missing, good[1])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"added  #1  {good[0]}  Quyết định, 01/QĐ-SNV, 2026-02-05",
        f"added  #2  {good[1]}  Quyết định, 02/QĐ-SNV, 2026-02-05",
    ]
    assert result.stderr.splitlines() == [
        f"{bad}: not a Word .docx document (corrupt, encrypted or another format)",
        f"{missing}: no such file",
    ]
    hits = run_json(run, "search", "khen thưởng")
    assert sorted(h["id"] for h in hits) == [1, 2]


def test_add_of_a_pdf(run, pdfs: dict[str, Path]) -> None:
    records = run_json(run, "archive", "add", pdfs["giay-moi"])
    assert records[0]["type"] == "Giấy mời"
    assert records[0]["number"] == "12/GM-SNV"
    assert records[0]["pages"] == 1
    assert [h["id"] for h in run_json(run, "search", "Vĩnh Long")] == [records[0]["id"]]


def test_show_and_text(run, ws: Workspace, tmp_path: Path) -> None:
    path = make_document(tmp_path / "qd.docx")
    run_json(run, "archive", "add", path)

    shown = run_json(run, "archive", "show", "1")
    stored = Path(shown["stored_path"])
    assert stored.is_absolute() and stored.is_relative_to(ws.files_dir)
    assert stored.read_bytes() == path.read_bytes()
    assert set(shown) >= {
        "id", "sha256", "filename", "stored_path", "size", "type", "number", "date", "agency",
        "title", "signer", "pages", "source", "added_at",
    }

    human = run("archive", "show", "1")
    assert human.exit_code == 0, human.output
    assert "number:      05/QĐ-SNV" in human.stdout.splitlines()
    assert f"sha256:      {shown['sha256']}" in human.stdout.splitlines()

    text = run("archive", "text", "1")
    assert text.exit_code == 0, text.output
    assert text.stdout.startswith("UBND TỈNH CÀ MAU\nSỞ NỘI VỤ\n")
    assert "Nguyễn Văn Bảy" in text.stdout


@pytest.mark.parametrize("command", [("archive", "show", "42"), ("archive", "text", "42")])
def test_unknown_id_exits_2_with_one_line(run, command) -> None:
    result = run(*command)
    assert result.exit_code == 2
    assert result.stderr == "Error: no document with id 42 in the archive\n"


def test_stats(run, tmp_path: Path, pdfs: dict[str, Path]) -> None:
    make_document(tmp_path / "gm.docx", heading="GIẤY MỜI", number="01/GM-SNV",
                  date_line="Cà Mau, ngày 10 tháng 3 năm 2025")
    run_json(run, "archive", "add", *make_many(tmp_path, 2), tmp_path / "gm.docx")
    run_json(run, "archive", "add", pdfs["quyet-dinh"], "--source", "generated")

    data = run_json(run, "archive", "stats")
    assert data["documents"] == 4
    assert data["by_type"] == {"Quyết định": 3, "Giấy mời": 1}
    assert data["by_year"] == {"2026": 3, "2025": 1}
    assert data["by_source"] == {"imported": 3, "generated": 1}
    assert data["total_size"] > 0
    assert data["index"]["state"] == "ok" and data["index"]["documents"] == 4 and data["index"]["size"] > 0

    human = run("archive", "stats")
    assert human.exit_code == 0, human.output
    lines = human.stdout.splitlines()
    assert lines[0].startswith("Documents:  4 (")
    assert lines[1:4] == ["By type:    Quyết định 3, Giấy mời 1", "By year:    2026 3, 2025 1",
                          "By source:  imported 3, generated 1"]
    assert lines[4].startswith("Index:      4 documents (")


def test_search_json_shape_and_filters(run, tmp_path: Path) -> None:
    make_document(tmp_path / "gm.docx", heading="GIẤY MỜI", number="01/GM-SNV",
                  title="Dự Hội nghị tổng kết công tác thi đua năm 2022",
                  date_line="Bạc Liêu, ngày 20 tháng 02 năm 2023", agency=("SỞ NỘI VỤ TỈNH BẠC LIÊU",))
    run_json(run, "archive", "add", tmp_path / "gm.docx", *make_many(tmp_path, 2))

    hits = run_json(run, "search", "thi", "dua")
    assert [h["id"] for h in hits] == [1]
    assert list(hits[0]) == ["id", "filename", "title", "type", "number", "date", "agency", "score", "snippet",
                             "signatures"]
    assert hits[0]["signatures"] is None  # not a signed PDF
    assert hits[0]["filename"] == "gm.docx" and hits[0]["type"] == "Giấy mời"
    assert hits[0]["date"] == "2023-02-20" and isinstance(hits[0]["score"], float)
    assert "«thi» «đua»" in hits[0]["snippet"]

    assert {h["id"] for h in run_json(run, "search", "--type", "Quyết định")} == {2, 3}
    assert [h["id"] for h in run_json(run, "search", "--year", "2023")] == [1]
    assert [h["id"] for h in run_json(run, "search", "--from", "2026-01-01", "--sort", "date", "--limit", "1")] in ([2], [3])
    assert [h["id"] for h in run_json(run, "search", "--to", "2024-12-31")] == [1]
    assert [h["id"] for h in run_json(run, "search", "--number", "02/QĐ-SNV")] == [3]
    assert [h["id"] for h in run_json(run, "search", "--agency", "Bạc Liêu")] == [1]


def test_search_table_output_plain_marks_when_not_a_terminal(run, tmp_path: Path) -> None:
    run_json(run, "archive", "add", make_document(tmp_path / "qd.docx"))
    result = run("search", "giấy", "khen")
    assert result.exit_code == 0, result.output
    first, snippet = result.stdout.splitlines()
    assert first == "#1  05/QĐ-SNV  2026-02-05  Quyết định  Về việc tặng Giấy khen cho các tập thể và cá nhân"
    assert "«Giấy» «khen»" in snippet and "\x1b[" not in snippet
    none = run("search", "không-có-từ-này")
    assert none.exit_code == 0 and none.stdout == "No documents found.\n"


def test_search_marks_are_bold_on_a_terminal() -> None:
    from paperwork.cli.archive import _highlight

    assert _highlight("tặng «Giấy» khen", tty=True) == "tặng \x1b[1mGiấy\x1b[0m khen"
    assert _highlight("tặng «Giấy» khen", tty=False) == "tặng «Giấy» khen"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-13-01"), "Error: --from: '2026-13-01' is not a date (YYYY-MM-DD)\n"),
        (("--to", "mai"), "Error: --to: 'mai' is not a date (YYYY-MM-DD)\n"),
        (("--from", "2026-02-01", "--to", "2026-01-01"),
         "Error: date_from: date_from 2026-02-01 is after date_to 2026-01-01\n"),
    ],
)
def test_search_bad_dates_exit_2_with_one_line(run, args, message) -> None:
    result = run("search", "khen", *args)
    assert result.exit_code == 2
    assert result.stderr == message


def test_verify_ok_then_catches_modified_and_missing_files(run, ws: Workspace, tmp_path: Path) -> None:
    run_json(run, "archive", "add", *make_many(tmp_path, 3))
    ok = run("archive", "verify")
    assert ok.exit_code == 0, ok.output
    assert ok.stdout == "OK: 3 documents, 3 files verified, index in step (3 documents).\n"

    first, second = run_json(run, "archive", "show", "1"), run_json(run, "archive", "show", "2")
    modified = Path(first["stored_path"])
    os.chmod(modified, 0o644)
    with open(modified, "ab") as f:
        f.write(b"tampered")
    Path(second["stored_path"]).unlink()

    result = run("archive", "verify")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"id 1 (doc-000.docx): stored file modified (SHA-256 differs): {modified}",
        f"id 2 (doc-001.docx): stored file missing: {second['stored_path']}",
    ]
    assert result.stderr == (
        "Error: 2 problem(s) in the archive: restore modified or missing files from a backup,"
        " then run `paperwork archive reindex`\n"
    )


def test_verify_catches_index_drift_and_reindex_repairs_it(run, ws: Workspace, tmp_path: Path) -> None:
    from paperwork.archive.index import IndexDocument, open_index

    run_json(run, "archive", "add", *make_many(tmp_path, 2))
    with open_index(ws.index_dir, ws.engine) as index:
        index.delete([1])
        index.add([IndexDocument(99, "ghost.docx", "", "", "", None, "", "ma")])

    result = run("archive", "verify")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "id 1: catalogued but missing from the search index",
        "id 99: in the search index but not in the catalog",
    ]
    assert result.stderr == "Error: 2 problem(s) in the archive: run `paperwork archive reindex`\n"

    repaired = run("archive", "reindex")
    assert repaired.exit_code == 0, repaired.output
    assert repaired.stdout == "Reindexed 2 documents.\n"
    assert run("archive", "verify").exit_code == 0


def test_verify_reports_a_missing_or_foreign_index(run, ws: Workspace, tmp_path: Path) -> None:
    from paperwork.archive.index import SENTINEL

    run_json(run, "archive", "add", make_document(tmp_path / "qd.docx"))
    sentinel = ws.index_dir / SENTINEL
    sentinel.write_text(json.dumps({**json.loads(sentinel.read_text()), "schema_version": 999}))
    result = run("archive", "verify")
    assert result.exit_code == 1
    assert result.stdout == "index schema 999, paperwork expects 1: run `paperwork archive reindex`\n"
    assert run_json(run, "archive", "stats")["index"]["state"].startswith("index schema 999")

    added = run("archive", "add", make_document(tmp_path / "qd2.docx", number="09/QĐ-SNV"))
    assert added.exit_code == 1
    assert added.stdout.startswith("added  #2")
    assert "run `paperwork archive reindex`" in added.stderr

    assert run("archive", "reindex").exit_code == 0
    assert run("archive", "verify").exit_code == 0
    assert {h["id"] for h in run_json(run, "search", "giấy khen")} == {1, 2}


def test_every_archive_command_has_help_with_an_example() -> None:
    archive = cli.commands["archive"]
    commands = [archive, cli.commands["search"], *archive.commands.values()]
    assert set(archive.commands) == {"create", "add", "import", "ocr", "show", "text", "verify", "reindex", "stats",
                                     "restrict"}
    for command in commands:
        assert "Example:" in (command.help or ""), command.name


def test_an_empty_archive_verifies_reindexes_and_counts(run) -> None:
    assert run("archive", "verify").stdout == "OK: 0 documents, 0 files verified, index in step (0 documents).\n"
    assert run("archive", "reindex").stdout == "Reindexed 0 documents.\n"
    verified = run("archive", "verify")
    assert verified.exit_code == 0, verified.output
    assert run_json(run, "archive", "stats")["index"]["documents"] == 0
    assert run_json(run, "search", "khen") == []
