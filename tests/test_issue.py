"""render --issue: numbers from the register, written into the document, never twice, never a gap."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from docx_checks import full_text, open_docx
from paperwork.cli import cli
from paperwork.kinds import KINDS


@pytest.fixture
def workspace(clerk_ws):
    return clerk_ws


def decision(ws: Path, name: str = "qd.yaml", **changes) -> Path:
    data = yaml.safe_load(KINDS["reward-decision"].example())
    for key in ("agency", "place", "number"):
        data.pop(key)  # the workspace profile supplies agency and place
    data.update({"date": "2026-03-06", **changes})
    path = ws / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run(ws: Path, *args, env=None):
    return CliRunner(env=env).invoke(cli, ["--workspace", str(ws), *map(str, args)])


def register_json(ws: Path) -> list[dict]:
    result = run(ws, "register", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_issue_numbers_the_document_with_profile_values(workspace):
    src = decision(workspace)
    result = run(workspace, "render", "reward-decision", src, "-o", workspace / "qd.docx", "--issue")
    assert result.exit_code == 0, result.stderr
    assert "Số: 01/QĐ-SNV, registered" in result.stdout
    text = full_text(open_docx(workspace / "qd.docx"))
    assert "Số: 01/QĐ-SNV" in text
    assert "Cà Mau, ngày 06 tháng 3 năm 2026" in text
    assert "UBND TỈNH CÀ MAU" in text and "SỞ NỘI VỤ" in text
    [entry] = register_json(workspace)
    assert (entry["number"], entry["symbol"], entry["date"], entry["kind"]) == (1, "QĐ-SNV", "2026-03-06", "reward-decision")
    assert entry["sha256"] and entry["output"].endswith("qd.docx")


def test_input_value_wins_over_the_profile(workspace):
    src = decision(workspace, place="Năm Căn", agency={"name": "Văn phòng Sở Nội vụ", "code": "SNV"})
    result = run(workspace, "render", "reward-decision", src, "-o", workspace / "qd.docx", "--issue")
    assert result.exit_code == 0, result.stderr
    text = full_text(open_docx(workspace / "qd.docx"))
    assert "Năm Căn, ngày 06 tháng 3 năm 2026" in text and "Số: 01/QĐ-SNV" in text
    assert "VĂN PHÒNG SỞ NỘI VỤ" in text and "UBND TỈNH CÀ MAU" not in text


def test_another_agencys_document_is_not_issued_here(workspace):
    """The register is the workspace agency's: the Ministry's decision keeps the Ministry's number."""
    src = decision(workspace, "bnv.yaml", agency={"name": "Bộ Nội vụ", "code": "BNV"})
    out = workspace / "bnv.docx"
    result = run(workspace, "render", "reward-decision", src, "-o", out, "--issue")
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr == (
        f"Error: {src}: agency.code: BNV is not this workspace's agency (SNV): its register numbers only SNV's "
        "documents; give `number` in the input, or leave out --issue\n"
    )
    src = decision(workspace, "bnv125.yaml", agency={"name": "Bộ Nội vụ", "code": "BNV"}, number=125)
    result = run(workspace, "render", "reward-decision", src, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "Số: 125/QĐ-BNV" in full_text(open_docx(out))
    assert register_json(workspace) == []


def test_draft_is_blank_and_not_registered(workspace):
    src = decision(workspace)
    result = run(workspace, "render", "reward-decision", src, "-o", workspace / "draft.docx")
    assert result.exit_code == 0, result.stderr
    text = full_text(open_docx(workspace / "draft.docx"))
    assert "Số:      /QĐ-SNV" in text and "Cà Mau, ngày      tháng      năm 2026" in text
    assert register_json(workspace) == []
    # Archived as what it is: a draft, with no number and no date of its own.
    shown = json.loads(run(workspace, "archive", "show", "1", "--json").stdout)
    assert (shown["number"], shown["date"], shown["type"], shown["source"]) == (None, None, "Quyết định", "generated")


def test_failed_render_consumes_no_number(workspace, tmp_path):
    """A render that fails after the number was reserved leaves no gap and no file."""
    src = decision(workspace)
    assert run(workspace, "render", "reward-decision", src, "-o", workspace / "a.docx", "--issue").exit_code == 0
    # --pdf without LibreOffice on PATH is refused before a number is taken.
    result = run(workspace, "render", "reward-decision", src, "-o", workspace / "b.docx", "--issue", "--pdf",
                 env={"PATH": str(tmp_path / "no-bin")})
    assert result.exit_code == 1 and "LibreOffice" in result.stderr
    assert not (workspace / "b.docx").exists() and not list(workspace.glob(".*.part"))
    assert run(workspace, "render", "reward-decision", src, "-o", workspace / "c.docx", "--issue").exit_code == 0
    assert [e["number"] for e in register_json(workspace)] == [1, 2]
    assert "Số: 02/QĐ-SNV" in full_text(open_docx(workspace / "c.docx"))


def test_next_year_starts_again_at_01(workspace):
    run(workspace, "render", "reward-decision", decision(workspace), "-o", workspace / "a.docx", "--issue")
    run(workspace, "render", "reward-decision", decision(workspace), "-o", workspace / "b.docx", "--issue")
    src = decision(workspace, "next.yaml", date="2027-01-02")
    result = run(workspace, "render", "reward-decision", src, "-o", workspace / "n.docx", "--issue")
    assert result.exit_code == 0, result.stderr
    assert "Số: 01/QĐ-SNV" in full_text(open_docx(workspace / "n.docx"))
    assert [(e["date"][:4], e["number"]) for e in register_json(workspace)] == [("2026", 1), ("2026", 2), ("2027", 1)]


def test_duplicate_explicit_number_is_refused(workspace):
    run(workspace, "render", "reward-decision", decision(workspace), "-o", workspace / "a.docx", "--issue")
    src = decision(workspace, "dup.yaml", number=1)
    out = workspace / "dup.docx"
    for extra in ([], ["--issue"]):
        result = run(workspace, "render", "reward-decision", src, "-o", out, *extra)
        assert result.exit_code == 2
        assert result.stderr.startswith("Error: number 01 of 2026 is already issued as 01/QĐ-SNV")
        assert len(result.stderr.splitlines()) == 1 and not out.exists()
    # A free explicit number is taken as given.
    src = decision(workspace, "seven.yaml", number=7)
    result = run(workspace, "render", "reward-decision", src, "-o", workspace / "seven.docx", "--issue")
    assert result.exit_code == 0, result.stderr
    assert [e["number"] for e in register_json(workspace)] == [1, 7]


WORKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from paperwork.config import load_workspace
    from paperwork.pipeline import single

    ws = load_workspace(Path(sys.argv[1]))
    for i in range(12):
        single(ws, "reward-decision", Path(sys.argv[2]), ws.root / "out" / f"{sys.argv[3]}-{i:02d}.docx", issue=True)
    """
)


@pytest.mark.slow
def test_three_processes_issue_36_distinct_contiguous_numbers(workspace):
    src = decision(workspace)
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(workspace), str(src), f"p{n}"], stderr=subprocess.PIPE)
        for n in range(3)
    ]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()
    entries = register_json(workspace)
    assert sorted(e["number"] for e in entries) == list(range(1, 37))
    # Each file carries the number the register recorded for it.
    for e in entries:
        text = full_text(open_docx(Path(e["output"])))
        assert f"Số: {e['number']:02d}/QĐ-SNV" in text
    result = run(workspace, "archive", "verify")
    assert result.exit_code == 0, result.output
