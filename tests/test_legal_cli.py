"""A căn cứ not in force on the document's date: a warning naming the file and field, or with
--strict an error that writes nothing; `paperwork check` says the same without writing."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from conftest import decision_data
from paperwork.cli import cli

LAW_2022 = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"
WARNING_2023 = (
    "bases[0]: Luật Thi đua, khen thưởng 06/2022/QH15 takes effect on 01/01/2024, after the document's date"
    " 27/02/2023; cite Luật Thi đua, khen thưởng 2003 (15/2003/QH11, amended 2005 and 2013)"
)


def write(ws: Path, name: str, date: str, bases: list[str]) -> Path:
    data = decision_data(date=date)
    data["bases"] = bases
    path = ws / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run(ws: Path, *args):
    return CliRunner().invoke(cli, ["--workspace", str(ws), *map(str, args)])


def test_a_2023_decision_citing_the_2022_law_warns_with_the_field_path(clerk_ws: Path) -> None:
    src = write(clerk_ws, "qd.yaml", "2023-02-27", [LAW_2022])
    result = run(clerk_ws, "render", "reward-decision", src, "-o", clerk_ws / "qd.docx", "--no-archive")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Warning: {src}: {WARNING_2023}\n"
    assert (clerk_ws / "qd.docx").is_file()


def test_strict_refuses_it_and_writes_nothing(clerk_ws: Path) -> None:
    src = write(clerk_ws, "qd.yaml", "2023-02-27", [LAW_2022])
    result = run(clerk_ws, "render", "reward-decision", src, "-o", clerk_ws / "qd.docx", "--issue", "--strict")
    assert (result.exit_code, result.stderr) == (
        2, f"Error: {src}: {WARNING_2023} ([law] strict or --strict: refused)\n")
    assert not (clerk_ws / "qd.docx").exists()
    assert run(clerk_ws, "register", "list", "--format", "json").stdout.strip() == "[]"
    # The workspace setting does the same for every command.
    profile = clerk_ws / "paperwork.toml"
    profile.write_text(profile.read_text(encoding="utf-8") + "\n[law]\nstrict = true\n", encoding="utf-8")
    again = run(clerk_ws, "render", "reward-decision", src, "-o", clerk_ws / "qd.docx")
    assert again.exit_code == 2 and not (clerk_ws / "qd.docx").exists()


def test_a_2025_decision_citing_it_and_an_unknown_document_are_silent(clerk_ws: Path) -> None:
    src = write(clerk_ws, "qd.yaml", "2025-09-15", [LAW_2022, "Căn cứ Quyết định số 12/2024/QĐ-UBND ngày 5 tháng"
                                                    " 3 năm 2024 của Ủy ban nhân dân tỉnh Cà Mau"])
    result = run(clerk_ws, "render", "reward-decision", src, "-o", clerk_ws / "qd.docx", "--no-archive", "--strict")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_check_validates_and_warns_without_writing(clerk_ws: Path) -> None:
    src = write(clerk_ws, "qd.yaml", "2023-02-27", [LAW_2022])
    before = sorted(p.name for p in clerk_ws.rglob("*"))
    result = run(clerk_ws, "check", "reward-decision", src)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{src}: valid reward-decision; 1 warning\n"
    assert result.stderr == f"Warning: {src}: {WARNING_2023}\n"
    strict = run(clerk_ws, "check", "reward-decision", src, "--strict")
    assert strict.exit_code == 2
    good = write(clerk_ws, "ok.yaml", "2026-03-06", decision_data()["bases"])
    assert run(clerk_ws, "check", "reward-decision", good).stdout == f"{good}: valid reward-decision\n"
    bad = clerk_ws / "bad.yaml"
    bad.write_text("title: x\n", encoding="utf-8")
    broken = run(clerk_ws, "check", "reward-decision", bad)
    assert broken.exit_code == 2 and broken.stderr.startswith(f"Error: {bad}: ")
    assert sorted(p.name for p in clerk_ws.rglob("*")) == sorted(before + ["ok.yaml", "bad.yaml"])


def test_batch_names_the_item_with_its_warning(clerk_ws: Path) -> None:
    data = decision_data(date="2023-02-27")
    data["bases"] = [LAW_2022]
    manifest = clerk_ws / "m.yaml"
    manifest.write_text(yaml.safe_dump({"documents": [{"kind": "reward-decision", "name": "qd-cu", "data": data}]},
                                       allow_unicode=True), encoding="utf-8")
    result = run(clerk_ws, "batch", manifest, "-o", clerk_ws / "out", "--no-archive")
    assert result.exit_code == 0, result.output
    assert f"Warning: qd-cu: {manifest}: documents[0].data: {WARNING_2023}" in result.stderr
