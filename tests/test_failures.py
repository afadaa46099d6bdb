"""Failure injection: every accident a clerk can meet leaves a register that can be trusted.

After each failure, the invariants of the register (README, "Numbering: what the register
guarantees") hold:

* the numbers of a series and year run 1…N with no duplicate and no gap;
* every issued number's file exists with the recorded SHA-256, or the entry is withdrawn
  and says why;
* no staged ``.part`` file is left; ``archive verify`` is clean;
* the command said what happened in one line and the exit status, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import decision_data, fill, init_workspace_cli, small_tmpfs
from paperwork.cli import cli

PYTHON = sys.executable


init = init_workspace_cli


@pytest.fixture
def ws(clerk_ws: Path) -> Path:
    return clerk_ws


def decision(folder: Path, name: str = "qd.yaml", i: int = 1) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(decision_data(i), allow_unicode=True), encoding="utf-8")
    return path


def manifest(folder: Path, n: int, outputs: dict[int, str] | None = None) -> Path:
    docs = [{"kind": "reward-decision", "data": decision_data(i),
             "output": (outputs or {}).get(i, f"qd-{i:02d}.docx")} for i in range(1, n + 1)]
    path = folder / "m.yaml"
    path.write_text(yaml.safe_dump({"documents": docs}, allow_unicode=True), encoding="utf-8")
    return path


def run(ws: Path, *args, env: dict | None = None):
    return CliRunner(env=env).invoke(cli, ["--workspace", str(ws), *map(str, args)])


def entries(ws: Path) -> list[dict]:
    result = run(ws, "register", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_register_sound(ws: Path, *, verify: bool = True, leftovers: bool = True) -> list[dict]:
    """The invariants of the module docstring; returns the entries."""
    rows = entries(ws)
    by_series: dict[tuple[int, str], list[int]] = {}
    for e in rows:
        by_series.setdefault((e["year"], e["series"]), []).append(e["number"])
        assert e["placed"], f"{e['number_symbol']} is still being placed"
        if e["status"] == "issued":
            out = Path(e["output"])
            assert out.is_file(), f"{e['number_symbol']} points at {out}, which is not there"
            if not e["note"]:  # a replaced file carries the note instead
                assert sha256(out) == e["sha256"], f"{out} is not the document issued as {e['number_symbol']}"
        else:
            assert e["void_reason"], f"{e['number_symbol']} is withdrawn without a reason"
    for numbers in by_series.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), numbers
    if leftovers:
        staged = list(ws.rglob("*.part"))
        assert staged == [], staged
    if verify:
        result = run(ws, "archive", "verify")
        assert result.exit_code == 0, result.output
    return rows


def no_traceback(result) -> None:
    """The command ended through the error handler (one line), not with an exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stderr


# -- missing archive, no workspace -----------------------------------------------------------


def test_a_moved_archive_folder_never_starts_a_second_register(ws: Path) -> None:
    src = decision(ws)
    assert run(ws, "render", "reward-decision", src, "-o", ws / "a.docx", "--issue").exit_code == 0
    (ws / "archive").rename(ws / "archive.moved")
    missing = (f"Error: {ws / 'archive' / 'catalog.sqlite'} is missing: is the archive folder unmounted or moved?"
               " Mount it, or point [archive] path in paperwork.toml at it; `paperwork archive create` starts a new,"
               " empty register and archive\n")
    for args in (["render", "reward-decision", src, "-o", ws / "b.docx", "--issue"],
                 ["render", "reward-decision", src, "-o", ws / "b.docx"],
                 ["register", "list"], ["archive", "verify"], ["archive", "add", ws / "a.docx"],
                 ["batch", manifest(ws, 2), "-o", ws / "out", "--issue"]):
        result = run(ws, *args)
        assert (result.exit_code, result.stderr) == (1, missing), args
    assert not (ws / "archive").exists() and not (ws / "b.docx").exists() and not (ws / "out").exists()
    (ws / "archive.moved").rename(ws / "archive")
    result = run(ws, "render", "reward-decision", src, "-o", ws / "b.docx", "--issue")
    assert "Số: 02/QĐ-SNV" in result.stdout
    assert_register_sound(ws)


def test_archive_create_starts_afresh_only_on_purpose(ws: Path) -> None:
    (ws / "archive" / "catalog.sqlite").unlink()
    result = run(ws, "archive", "create")
    assert result.exit_code == 0, result.output
    again = run(ws, "archive", "create")
    assert again.exit_code == 1
    assert again.stderr == (f"Error: {ws / 'archive' / 'catalog.sqlite'}: a catalog is already there;"
                            " it is left as it is\n")


def test_issue_outside_a_workspace_refuses_and_creates_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("PAPERWORK_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    src = decision(tmp_path)
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    data.update(place="Cà Mau", agency={"name": "Sở Nội vụ", "code": "SNV"})
    src.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", "reward-decision", str(src), "-o", "a.docx", "--issue"])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: no workspace here ({tmp_path}): run `paperwork init DIR --agency-name …"
                             " --agency-code … --place …` first\n")
    for args in (["search", "thi đua"], ["archive", "stats"], ["archive", "verify"]):
        CliRunner().invoke(cli, args)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qd.yaml"], "nothing created"
    # A plain draft is still written, and says it was not archived.
    draft = CliRunner().invoke(cli, ["render", "reward-decision", str(src), "-o", "a.docx"])
    assert draft.exit_code == 0, draft.output
    assert "not archived: no workspace here" in draft.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "qd.yaml"]


# -- targets that cannot be written -----------------------------------------------------------


def test_pdf_target_that_is_a_folder_takes_no_number(ws: Path) -> None:
    (ws / "b.pdf").mkdir()
    result = run(ws, "render", "reward-decision", decision(ws), "-o", ws / "b.docx", "--issue", "--pdf")
    assert (result.exit_code, result.stderr) == (2, f"Error: {ws / 'b.pdf'}: cannot write: it is a folder\n")
    assert entries(ws) == [] and not (ws / "b.docx").exists()
    assert_register_sound(ws)


def test_special_files_are_never_replaced(ws: Path) -> None:
    result = run(ws, "render", "reward-decision", decision(ws), "-o", "/dev/full", "--no-archive")
    assert result.exit_code == 2, result.output  # not a .docx
    os.mkfifo(ws / "fifo.docx")
    result = run(ws, "render", "reward-decision", decision(ws), "-o", ws / "fifo.docx", "--issue")
    assert (result.exit_code, result.stderr) == (
        2, f"Error: {ws / 'fifo.docx'}: cannot write: it is not a regular file (a device, FIFO or socket)\n")
    assert (ws / "fifo.docx").is_fifo() and entries(ws) == []


def test_batch_with_an_output_that_is_a_folder_numbers_the_others_contiguously(ws: Path) -> None:
    (ws / "out" / "qd-02.docx").mkdir(parents=True)
    result = run(ws, "batch", manifest(ws, 4), "-o", ws / "out", "--issue", "--jobs", "1")
    no_traceback(result)
    assert result.exit_code == 1
    assert f"Error: qd-02: {ws / 'out' / 'qd-02.docx'}: cannot write: it is a folder" in result.stderr
    assert "3 of 4 documents written; 1 failed; 3 numbers issued" in result.stdout
    rows = assert_register_sound(ws)
    assert [(e["number"], Path(e["output"]).name) for e in rows] == [
        (1, "qd-01.docx"), (2, "qd-03.docx"), (3, "qd-04.docx")]


def test_batch_output_through_a_symlink_outside_the_folder_is_refused(ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (ws / "out").mkdir()
    (ws / "out" / "sub").symlink_to(outside)
    result = run(ws, "batch", manifest(ws, 2, {2: "sub/qd-02.docx"}), "-o", ws / "out", "--issue")
    assert result.exit_code == 1
    assert "sub/qd-02.docx leads outside the output folder" in result.stderr
    assert list(outside.iterdir()) == []
    assert [e["number"] for e in assert_register_sound(ws)] == [1]


def test_an_issued_document_is_never_overwritten_without_replace(ws: Path) -> None:
    src = decision(ws)
    out = ws / "qd.docx"
    assert run(ws, "render", "reward-decision", src, "-o", out, "--issue").exit_code == 0
    first = out.read_bytes()
    for extra in (["--issue"], []):  # neither another issue nor a draft
        result = run(ws, "render", "reward-decision", src, "-o", out, *extra)
        assert (result.exit_code, result.stderr) == (2, (
            f"Error: {out}: output: it is the issued document 01/QĐ-SNV: write to another file, or give --replace"
            " to replace it (its register entry will say so)\n"))
        assert out.read_bytes() == first
    result = run(ws, "render", "reward-decision", src, "-o", out, "--issue", "--replace")
    assert result.exit_code == 0, result.output
    rows = assert_register_sound(ws)
    assert rows[0]["note"].startswith("tệp đã được thay bằng 02/QĐ-SNV ngày")
    assert rows[1]["note"] is None and sha256(out) == rows[1]["sha256"]


# -- disk full ------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 2 MB tmpfs."""
    with small_tmpfs(tmp_path / "small", "2m") as mount:
        yield mount


def test_render_on_a_full_disk_names_the_cause_and_takes_no_number(ws: Path, small_disk: Path) -> None:
    fill(small_disk)
    result = run(ws, "render", "reward-decision", decision(ws), "-o", small_disk / "qd.docx", "--issue")
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {small_disk / 'qd.docx'}: cannot write: No space left on device\n")
    assert entries(ws) == []
    assert sorted(p.name for p in small_disk.iterdir()) == ["ballast"]


def test_batch_into_a_full_disk_issues_only_what_was_written(ws: Path, small_disk: Path) -> None:
    """The disk fills part-way through: written documents keep their numbers, the rest take none."""
    fill(small_disk, leave=200_000)  # room for a few decisions of ~40 KB
    result = run(ws, "batch", manifest(ws, 12), "-o", small_disk, "--issue", "--jobs", "1")
    no_traceback(result)
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    written = sorted(p.name for p in small_disk.glob("qd-*.docx"))
    assert 0 < len(written) < 12
    rows = assert_register_sound(ws)
    assert [Path(e["output"]).name for e in rows if e["status"] == "issued"] == written


def test_a_workspace_on_a_full_disk_fails_in_one_line(small_disk: Path, tmp_path: Path) -> None:
    """The catalog and the index themselves cannot grow: one line, and the register stays sound."""
    ws = init(small_disk / "ws")
    src = decision(tmp_path)
    assert run(ws, "render", "reward-decision", src, "-o", tmp_path / "a.docx", "--issue").exit_code == 0
    fill(small_disk)
    results = [run(ws, "render", "reward-decision", src, "-o", tmp_path / "b.docx", "--issue"),
               run(ws, "batch", manifest(tmp_path, 5), "-o", tmp_path / "out", "--issue"),
               run(ws, "archive", "add", tmp_path / "a.docx")]
    for result in results:
        no_traceback(result)
        assert result.exit_code == 1, result.output
        lines = result.stderr.splitlines()
        assert lines and all(line.startswith("Error: ") for line in lines), result.stderr
        assert all("No space left on device" in line for line in lines), result.stderr
    (small_disk / "ballast").unlink()
    assert_register_sound(ws, verify=False)
    reindex = run(ws, "archive", "reindex")
    assert reindex.exit_code == 0, reindex.output
    assert_register_sound(ws)


@pytest.mark.parametrize("room", [60_000, 150_000, 300_000, 600_000])
def test_a_batch_that_fills_the_workspace_disk_fails_in_one_line_per_problem(
        small_disk: Path, tmp_path: Path, room: int) -> None:
    """The disk fills somewhere inside the run (store, catalog, index writer): every problem is one
    line naming the cause, and what was issued is sound once space is freed and the index rebuilt."""
    ws = init(small_disk / "ws")
    fill(small_disk, leave=room)
    result = run(ws, "batch", manifest(tmp_path, 20), "-o", tmp_path / "out", "--issue", "--jobs", "1")
    no_traceback(result)
    lines = [line for line in result.stderr.splitlines() if not line.startswith("rendering ")]  # progress
    if result.exit_code == 0:  # everything fitted
        assert lines == []
    else:
        assert result.exit_code == 1 and lines, result.output
        assert all(line.startswith("Error: ") and "No space left on device" in line for line in lines), lines
    (small_disk / "ballast").unlink()
    recover = run(ws, "register", "recover")
    assert recover.exit_code == 0, recover.output
    assert run(ws, "archive", "reindex").exit_code == 0
    assert_register_sound(ws)


# -- kill -9 at every stage ---------------------------------------------------------------------

# The script runs the CLI in a child process after arranging for it to SIGKILL itself at
# one stage of the pipeline, as a power cut or `kill -9` would stop it there.
KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from paperwork import files, pipeline, register
    from paperwork.cli import cli

    stage = sys.argv[1]

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    if stage == "render":  # documents staged, nothing recorded
        real_render = pipeline._Run.render
        def render(self, items):
            real_render(self, items)
            die()
        pipeline._Run.render = render
    elif stage == "record":  # inside the register transaction, before COMMIT
        real_record = register.Reservation.record
        def record(self, **kw):
            real_record(self, **kw)
            die()
        register.Reservation.record = record
    elif stage == "place":  # recorded, the first file renamed into place, the others not
        real_place = files.place
        count = [0]
        def place(staged, path):
            if count[0] == 1:
                die()
            count[0] += 1
            real_place(staged, path)
        files.place = place
    elif stage == "settle":  # every file in place, the rows not yet confirmed
        register.Register.settle = die
    elif stage == "archive":  # registered and placed; archiving
        pipeline._archive = die
    cli.main(args=sys.argv[2:], prog_name="paperwork")
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["render", "record", "place", "settle", "archive"])
def test_kill_9_at_every_stage_leaves_a_sound_register(ws: Path, stage: str) -> None:
    m = manifest(ws, 3)
    proc = subprocess.run([PYTHON, "-c", KILLER, stage, "--workspace", str(ws), "batch", str(m), "-o",
                           str(ws / "out"), "--issue", "--jobs", "1"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    # The next issue (another clerk's) finishes what the killed one left in the register.
    again = run(ws, "render", "reward-decision", decision(ws, "next.yaml", 9), "-o", ws / "next.docx", "--issue")
    assert again.exit_code == 0, again.output
    rows = assert_register_sound(ws, leftovers=False)
    issued_by_batch = [e for e in rows if e["status"] == "issued" and Path(e["output"]).parent == ws / "out"]
    assert len(issued_by_batch) == (0 if stage in ("render", "record") else 3), rows
    if stage == "place":
        # Three numbers recorded, one file in place: recovery put the other two in place.
        assert again.stderr.count("recovered from an interrupted run") == 3, again.stderr
    # Running the manifest again issues what is missing and nothing twice, and clears the
    # staged files the killed run left in its output folder.
    rerun = run(ws, "batch", m, "-o", ws / "out", "--issue", "--jobs", "1")
    assert rerun.exit_code == 0, rerun.output
    rows = assert_register_sound(ws)
    assert [Path(e["output"]).name for e in rows if e["status"] == "issued"] == (
        ["next.docx", "qd-01.docx", "qd-02.docx", "qd-03.docx"] if stage in ("render", "record")
        else ["qd-01.docx", "qd-02.docx", "qd-03.docx", "next.docx"])


# -- a damaged catalog ------------------------------------------------------------------------------


def test_a_damaged_catalog_is_reported_and_takes_no_more_writes(ws: Path) -> None:
    src = decision(ws)
    for name in ("a.docx", "b.docx"):
        assert run(ws, "render", "reward-decision", src, "-o", ws / name, "--issue").exit_code == 0
    catalog = ws / "archive" / "catalog.sqlite"
    data = bytearray(catalog.read_bytes())
    page = 4096
    for at in range(2 * page, len(data), page):  # scribble over every page after the schema
        data[at + 8:at + 200] = b"\xff" * 192
    catalog.write_bytes(bytes(data))
    verify = run(ws, "archive", "verify")
    assert verify.exit_code == 1
    assert f"{catalog}: the catalog is damaged (" in verify.stdout
    assert "it accepts no writes until it is restored from a backup (then remove catalog.sqlite.damaged)" in (
        verify.stdout)
    before = catalog.read_bytes()
    refused = (f"Error: {catalog} failed its integrity check (`paperwork archive verify`): it accepts no writes;"
               " restore it from a backup, then remove catalog.sqlite.damaged\n")
    for args in (["render", "reward-decision", src, "-o", ws / "c.docx", "--issue"],
                 ["archive", "add", ws / "a.docx"], ["register", "void", "1", "--year", "2026", "--reason", "x"]):
        result = run(ws, *args)
        assert (result.exit_code, result.stderr) == (1, refused), args
    assert catalog.read_bytes() == before and not (ws / "c.docx").exists()


# -- user text, file modes, library noise -------------------------------------------------------------


def test_a_control_character_in_a_void_reason_is_refused_and_exports_keep_working(ws: Path) -> None:
    assert run(ws, "render", "reward-decision", decision(ws), "-o", ws / "a.docx", "--issue").exit_code == 0
    result = run(ws, "register", "void", "1", "--year", "2026", "--reason", "Ban hành nhầm\x07")
    assert (result.exit_code, result.stderr) == (2, "Error: --reason: contains a control character U+0007; remove it\n")
    export = run(ws, "register", "list", "--format", "xlsx", "-o", ws / "so-di.xlsx")
    assert export.exit_code == 0, export.output
    assert [e["status"] for e in entries(ws)] == ["issued"]


def test_files_are_written_with_the_mode_the_umask_gives(ws: Path) -> None:
    old = os.umask(0o027)
    try:
        result = run(ws, "render", "reward-decision", decision(ws), "-o", ws / "a.docx", "--issue")
        assert result.exit_code == 0, result.output
        export = run(ws, "register", "list", "--format", "csv", "-o", ws / "so-di.csv")
        assert export.exit_code == 0, export.output
    finally:
        os.umask(old)
    for name in ("a.docx", "so-di.csv"):
        assert (ws / name).stat().st_mode & 0o777 == 0o640, name


def test_library_warnings_never_reach_stderr(ws: Path) -> None:
    """A damaged PDF makes pypdf log warnings: a clerk sees paperwork's own line only."""
    good = ws / "a.pdf"
    # A small valid PDF whose startxref pointer is wrong: pypdf repairs it and warns.
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n")
    good.write_bytes(body + b"xref\n0 4\n0000000000 65535 f \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n999\n%%EOF\n")
    proc = subprocess.run([PYTHON, "-m", "paperwork", "--workspace", str(ws), "archive", "add", str(good),
                           "--ocr", "never"], capture_output=True, text=True, timeout=120)
    lines = proc.stderr.splitlines()
    assert all(not line.lower().startswith(("warning", "incorrect", "traceback")) for line in lines), lines
    assert "pypdf" not in proc.stderr and "startxref" not in proc.stderr, proc.stderr
