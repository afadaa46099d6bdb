"""paperwork batch: validate all first, write the good ones, number without gaps, never twice on a re-run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from conftest import decision_data
from docx_checks import full_text, open_docx
from paperwork import batch, pipeline
from paperwork.cli import cli
from paperwork.config import load_workspace
from paperwork.errors import PaperworkError
from paperwork.kinds import KINDS


@pytest.fixture
def ws(clerk_ws):
    return clerk_ws


def run(ws: Path, *args):
    return CliRunner().invoke(cli, ["--workspace", str(ws), *map(str, args)])


def write_manifest(path: Path, documents: list[dict], **extra) -> Path:
    path.write_text(yaml.safe_dump({**extra, "documents": documents}, allow_unicode=True), encoding="utf-8")
    return path


def manifest_of(ws: Path, n: int = 9, *, broken: int | None = None) -> Path:
    docs = []
    for i in range(1, n + 1):
        data = decision_data(i)
        if i == broken:
            data["awardees"][1]["amount"] = -1
        docs.append({"kind": "reward-decision", "data": data, "output": f"qd-{i:02d}.docx"})
    return write_manifest(ws / "m.yaml", docs)


def register(ws: Path) -> list[dict]:
    result = run(ws, "register", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_broken_item_is_named_with_its_field_path_and_the_others_are_written(ws):
    manifest = manifest_of(ws, 9, broken=4)
    result = run(ws, "batch", manifest, "-o", ws / "out", "--jobs", "1", "--no-archive")
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == (
        f"Error: qd-04: {manifest}: documents[3].data: awardees[1].amount: input should be greater than or equal to 0"
    )
    written = sorted(p.name for p in (ws / "out").iterdir())
    assert written == [f"qd-{i:02d}.docx" for i in range(1, 10) if i != 4]
    assert "8 of 9 documents written; 1 failed" in result.stdout


def test_dry_run_writes_nothing(ws):
    manifest = manifest_of(ws, 3, broken=2)
    result = run(ws, "batch", manifest, "-o", ws / "out", "--issue", "--dry-run")
    assert result.exit_code == 1, result.output
    assert "documents[1].data: awardees[1].amount" in result.stderr
    assert "dry run: 2 of 3 documents valid, 1 invalid; 2 would be issued a number" in result.stdout
    assert not (ws / "out").exists()
    assert register(ws) == [], "no register entry"
    assert "Documents:  0 (0 B)" in run(ws, "archive", "stats").output, "nothing archived"


def test_rerun_issues_no_new_numbers_and_a_changed_item_gets_a_new_one(ws):
    manifest = manifest_of(ws, 4)
    result = run(ws, "batch", manifest, "-o", ws / "out", "--issue", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "4 numbers issued" in result.stdout and "4 archived" in result.stdout
    first = register(ws)
    assert [e["number"] for e in first] == [1, 2, 3, 4]
    assert "Số: 03/QĐ-SNV" in full_text(open_docx(ws / "out" / "qd-03.docx"))

    again = run(ws, "batch", manifest, "-o", ws / "out", "--issue", "--jobs", "1")
    assert again.exit_code == 0, again.output
    assert "0 numbers issued; 4 kept their earlier number" in again.stdout
    assert register(ws) == first
    assert "Số: 03/QĐ-SNV" in full_text(open_docx(ws / "out" / "qd-03.docx"))

    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    data["documents"][1]["data"]["fund"] = "Quỹ thi đua, khen thưởng của tỉnh"
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    # The changed item would overwrite the issued 02/QĐ-SNV: refused unless --replace.
    refused = run(ws, "batch", manifest, "-o", ws / "out", "--issue", "--jobs", "1")
    assert refused.exit_code == 1
    assert (f"Error: qd-02: {ws / 'out' / 'qd-02.docx'}: output: it is the issued document 02/QĐ-SNV: write to"
            " another file, or give --replace") in refused.stderr
    assert "Số: 02/QĐ-SNV" in full_text(open_docx(ws / "out" / "qd-02.docx"))
    changed = run(ws, "batch", manifest, "-o", ws / "out", "--issue", "--jobs", "1", "--replace")
    assert changed.exit_code == 0, changed.output
    assert "wrote " + str(ws / "out" / "qd-02.docx") + " (Số: 05/QĐ-SNV, registered) — changed since it was issued as 02/QĐ-SNV" in changed.stdout
    entries = register(ws)
    assert [e["number"] for e in entries] == [1, 2, 3, 4, 5]
    assert entries[1]["note"].startswith("tệp đã được thay bằng 05/QĐ-SNV")


def test_a_failed_render_consumes_no_number_and_leaves_no_gap(ws, monkeypatch):
    """Later documents are renumbered so that the register stays gapless."""
    real = pipeline._render

    def flaky(workspace, task):
        if task[4].endswith("qd-02.docx"):
            return pipeline._Rendered(task[0], os.getpid(), None, None, PaperworkError("template broke"))
        return real(workspace, task)

    monkeypatch.setattr(pipeline, "_render", flaky)
    result = run(ws, "batch", manifest_of(ws, 4), "-o", ws / "out", "--issue", "--jobs", "1", "--no-archive")
    assert result.exit_code == 1
    assert "Error: qd-02: template broke" in result.stderr
    assert [(e["number"], Path(e["output"]).name) for e in register(ws)] == [
        (1, "qd-01.docx"), (2, "qd-03.docx"), (3, "qd-04.docx")]
    assert "Số: 03/QĐ-SNV" in full_text(open_docx(ws / "out" / "qd-04.docx"))
    assert not list((ws / "out").glob(".*.part"))


def test_spreadsheet_gives_one_document_per_row(ws):
    base = decision_data(0)
    (ws / "base.yaml").write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["title", "signer.name", "date"])
    for i in range(1, 4):
        sheet.append([f"Về việc tặng Bằng khen đợt {i}", f"Người Ký {i}", f"2026-03-0{i}"])
    book.save(ws / "rows.xlsx")
    manifest = ws / "m.yaml"
    manifest.write_text(yaml.safe_dump({"kind": "reward-decision", "spreadsheet": "rows.xlsx",
                                        "input": "base.yaml", "output": "qd-{n:02d}.docx"},
                                       allow_unicode=True), encoding="utf-8")
    result = run(ws, "batch", manifest, "-o", ws / "out", "--issue", "--no-archive")
    assert result.exit_code == 0, result.output
    for i in range(1, 4):
        text = full_text(open_docx(ws / "out" / f"qd-{i:02d}.docx"))
        assert f"Về việc tặng Bằng khen đợt {i}".upper() in text.upper()
        assert f"Người Ký {i}" in text and f"Số: 0{i}/QĐ-SNV" in text
        assert f"ngày 0{i} tháng 3 năm 2026" in text


def test_jobs_2_renders_on_two_processes(ws):
    manifest = manifest_of(ws, 10)
    workspace = load_workspace(ws)
    the_plan = pipeline.plan(workspace, batch.read_manifest(manifest), ws / "out", manifest=manifest)
    report = pipeline.run(workspace, the_plan, jobs=2, archive=False)
    assert len(report.written) == 10
    assert len(report.workers) == 2 and os.getpid() not in report.workers
    result = run(ws, "batch", manifest, "-o", ws / "out2", "--jobs", "2", "--no-archive")
    assert result.exit_code == 0, result.output
    assert "10 of 10 documents written; 0 failed" in result.stdout and "2 worker processes" in result.stdout


def test_input_files_and_manifest_defaults(ws):
    (ws / "a.yaml").write_text(yaml.safe_dump(decision_data(1), allow_unicode=True), encoding="utf-8")
    manifest = write_manifest(ws / "m.yaml", [
        {"kind": "reward-decision", "input": "a.yaml"},
        {"kind": "covenant", "data": {k: v for k, v in yaml.safe_load(KINDS["covenant"].example()).items()
                                      if k != "place"}, "name": "giao-uoc"},
    ], defaults={"place": "Bạc Liêu"})
    result = run(ws, "batch", manifest, "--no-archive")
    assert result.exit_code == 0, result.output
    assert "Bạc Liêu, ngày" in full_text(open_docx(ws / "a.docx"))
    assert "Bạc Liêu, ngày 06 tháng 3 năm 2023" in full_text(open_docx(ws / "giao-uoc.docx"))


@pytest.mark.parametrize(("content", "message"), [
    ({"documents": [{"kind": "covenant"}]}, "documents[0]: give `input: FILE`, `data: {…}` or `spreadsheet: FILE`"),
    ({"docs": []}, "unknown key 'docs'"),
    ({"documents": [{"kind": "covenant", "data": {}, "output": "x.docx"},
                    {"kind": "covenant", "data": {}, "output": "x.docx"}]}, "would both write x.docx"),
])
def test_a_broken_manifest_is_one_error_line(ws, content, message):
    manifest = ws / "m.yaml"
    manifest.write_text(yaml.safe_dump(content), encoding="utf-8")
    result = run(ws, "batch", manifest)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {manifest}: ") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1
