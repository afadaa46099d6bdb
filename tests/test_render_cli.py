"""paperwork kinds / example / render, and every class of bad input.

Invariant: bad input gives one line on stderr naming the file and the field,
exit status 2, and leaves any existing output file untouched.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from docx_checks import full_text, open_docx
from paperwork.cli import cli
from paperwork.kinds import KINDS

ORIGINAL = b"the clerk's earlier output, never to be clobbered"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PAPERWORK_HOME", raising=False)

    def invoke(*args):
        return CliRunner().invoke(cli, ["--workspace", str(tmp_path), *map(str, args)])

    return invoke


def example_data(kind: str) -> dict:
    return yaml.safe_load(KINDS[kind].example())


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_kinds_lists_each_kind_on_one_line(run):
    result = run("kinds")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == list(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_example_renders_as_it_is(run, tmp_path, kind):
    result = run("example", kind)
    assert result.exit_code == 0, result.output
    src = tmp_path / f"{kind}.yaml"
    src.write_text(result.output, encoding="utf-8")
    out = tmp_path / "out" / f"{kind}.docx"
    result = run("render", kind, src, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.is_file() and not list(out.parent.glob("*.part"))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in full_text(open_docx(out))


def test_json_input(run, tmp_path):
    src = tmp_path / "qd.json"
    src.write_text(json.dumps(example_data("reward-decision"), default=str, ensure_ascii=False), encoding="utf-8")
    result = run("render", "reward-decision", src, "-o", tmp_path / "qd.docx")
    assert result.exit_code == 0, result.stderr


def awardee_rows(data):
    fields = ["name", "kind", "position", "unit", "amount", "note"]
    return fields, [[a.get(f) for f in fields] for a in data["awardees"]]


def test_awardees_from_xlsx_and_csv(run, tmp_path):
    data = example_data("reward-decision")
    fields, rows = awardee_rows(data)
    book = openpyxl.Workbook()
    book.active.append(fields)
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "awardees.xlsx")
    with (tmp_path / "awardees.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([fields, *rows])
    for sheet in ("awardees.xlsx", "awardees.csv"):
        src = write_yaml(tmp_path / f"qd-{sheet}.yaml", {**data, "awardees": sheet})
        out = tmp_path / f"qd-{sheet}.docx"
        result = run("render", "reward-decision", src, "-o", out)
        assert result.exit_code == 0, result.stderr
        text = full_text(open_docx(out))
        assert "Mai Thị Hồng Nhung" in text and "Tổng số tiền: 31.290.000 đồng." in text


def test_spreadsheet_error_names_the_sheet_and_row(run, tmp_path):
    data = example_data("reward-decision")
    fields, rows = awardee_rows(data)
    rows[2][4] = "hai triệu"  # amount
    with (tmp_path / "awardees.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([fields, *rows])
    src = write_yaml(tmp_path / "qd.yaml", {**data, "awardees": "awardees.csv"})
    result = run("render", "reward-decision", src, "-o", tmp_path / "qd.docx")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {tmp_path / 'awardees.csv'}: row 4: amount: "
        "input should be a valid integer, unable to parse string as an integer\n"
    )


def _mutate(data: dict, how: str) -> dict:
    if how == "missing":
        del data["awardees"][3]["name"]
    elif how == "unknown":
        data["awardees"][0]["gender"] = "nữ"
    elif how == "type":
        data["awardees"][1]["amount"] = "nhiều"
    elif how == "date":
        data["date"] = "2026-02-30"
    elif how == "kind":
        data["awardees"][0]["kind"] = "team"
    elif how == "control":
        data["title"] = "Về việc\ttặng"
    return data


@pytest.mark.parametrize(
    ("how", "field", "message"),
    [
        ("missing", "awardees[3].name", "field required"),
        ("unknown", "awardees[0].gender", "unknown field"),
        ("type", "awardees[1].amount", "input should be a valid integer, unable to parse string as an integer"),
        ("date", "date", "input should be a valid date or datetime, day value is outside expected range"),
        ("kind", "awardees[0].kind", "input should be 'individual' or 'collective'"),
        ("control", "title", "contains a control character U+0009; write it on one line"),
    ],
)
def test_bad_field_gives_one_line_exit_2_and_keeps_the_old_output(run, tmp_path, how, field, message):
    src = write_yaml(tmp_path / "input.yaml", _mutate(example_data("reward-decision"), how))
    out = tmp_path / "qd.docx"
    out.write_bytes(ORIGINAL)
    result = run("render", "reward-decision", src, "-o", out)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {src}: {field}: {message}\n"
    assert out.read_bytes() == ORIGINAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.yaml", "qd.docx"]


def test_missing_nested_list_item_field_in_minutes(run, tmp_path):
    data = example_data("minutes")
    del data["chair"]["title"]
    src = write_yaml(tmp_path / "bb.yaml", data)
    result = run("render", "minutes", src, "-o", tmp_path / "bb.docx")
    assert (result.exit_code, result.stderr) == (2, f"Error: {src}: chair.title: field required\n")


def test_model_rule_names_its_field(run, tmp_path):
    data = example_data("covenant")
    data["head"] = "Sở Nội vụ tỉnh Hà Giang"
    src = write_yaml(tmp_path / "gu.yaml", data)
    result = run("render", "covenant", src, "-o", tmp_path / "gu.docx")
    assert (result.exit_code, result.stderr) == (2, f"Error: {src}: head: must be one of the members' units\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("title: [unclosed\n", "line 2: invalid YAML: expected ',' or ']', but got '<stream end>'"),
        ("- just\n- a list\n", "the file must hold a mapping of fields (name: value)"),
        ("", "the file must hold a mapping of fields (name: value)"),
    ],
)
def test_malformed_file(run, tmp_path, content, message):
    src = tmp_path / "input.yaml"
    src.write_text(content, encoding="utf-8")
    out = tmp_path / "qd.docx"
    out.write_bytes(ORIGINAL)
    result = run("render", "reward-decision", src, "-o", out)
    assert (result.exit_code, result.stderr) == (2, f"Error: {src}: {message}\n")
    assert out.read_bytes() == ORIGINAL


def test_malformed_json_and_binary_input(run, tmp_path):
    src = tmp_path / "input.json"
    src.write_text('{"title": }', encoding="utf-8")
    result = run("render", "reward-decision", src, "-o", tmp_path / "qd.docx")
    assert (result.exit_code, result.stderr) == (2, f"Error: {src}: line 1: invalid JSON: Expecting value\n")
    src = tmp_path / "input.yaml"
    src.write_bytes(b"\xff\xfe\x00garbage")
    result = run("render", "reward-decision", src, "-o", tmp_path / "qd.docx")
    assert (result.exit_code, result.stderr) == (2, f"Error: {src}: not UTF-8 text (byte 0)\n")


def test_missing_input_unknown_kind_and_wrong_output(run, tmp_path):
    result = run("render", "reward-decision", tmp_path / "nope.yaml", "-o", tmp_path / "qd.docx")
    assert (result.exit_code, result.stderr) == (2, f"Error: {tmp_path / 'nope.yaml'}: no such file\n")
    result = run("render", "memo", tmp_path / "nope.yaml", "-o", tmp_path / "qd.docx")
    assert (result.exit_code, result.stderr) == (2, f"Error: unknown kind 'memo' (known: {', '.join(KINDS)})\n")
    result = run("example", "memo")
    assert result.exit_code == 2
    src = write_yaml(tmp_path / "qd.yaml", example_data("reward-decision"))
    result = run("render", "reward-decision", src, "-o", tmp_path / "qd.pdf")
    assert (result.exit_code, result.stderr) == (2, f"Error: {tmp_path / 'qd.pdf'}: the output must be a .docx file\n")


def test_pdf_without_libreoffice_is_one_line_and_writes_nothing(run, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    src = write_yaml(tmp_path / "qd.yaml", example_data("reward-decision"))
    out = tmp_path / "qd.docx"
    result = run("render", "reward-decision", src, "-o", out, "--pdf")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot make a PDF: LibreOffice (soffice) is not installed; "
        "install LibreOffice (Debian: apt-get install libreoffice-writer-nogui)\n"
    )
    assert not out.exists() and not out.with_suffix(".pdf").exists()


def test_unwritable_output_is_one_line(run, tmp_path):
    src = write_yaml(tmp_path / "qd.yaml", example_data("reward-decision"))
    (tmp_path / "afile").write_text("not a folder")
    out = tmp_path / "afile" / "qd.docx"
    result = run("render", "reward-decision", src, "-o", out)
    assert (result.exit_code, result.stderr) == (
        2, f"Error: {out}: cannot write: {tmp_path / 'afile'} is a file, not a folder\n")
    result = run("render", "reward-decision", src, "-o", "/proc/paperwork-test/qd.docx", "--no-archive")
    assert result.exit_code == 1 and result.stderr.startswith("Error: /proc/paperwork-test/qd.docx: cannot write: ")
    assert len(result.stderr.splitlines()) == 1
