"""Input files that would hang, recurse or exhaust the machine are refused in one line.

Invariant: whatever the file holds, `paperwork render` ends promptly with exit
status 2, one line `Error: FILE: [FIELD: ]reason` on stderr, no traceback and
no output file.
"""

from __future__ import annotations

import csv
import os
import threading
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from paperwork import inputs
from paperwork.cli import cli
from paperwork.errors import InputError
from paperwork.inputs import MAX_DEPTH, read_data, read_spreadsheet
from paperwork.kinds import KINDS

TOO_DEEP = "nested more than 32 levels deep: refused"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PAPERWORK_HOME", raising=False)

    def invoke(*args):
        return CliRunner().invoke(cli, ["--workspace", str(tmp_path), *map(str, args)])

    return invoke


def example_data(kind: str = "reward-decision") -> dict:
    return yaml.safe_load(KINDS[kind].example())


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def refused(result, line: str, out: Path) -> None:
    assert (result.exit_code, result.stderr) == (2, f"Error: {line}\n"), result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not list(out.parent.glob("*.part"))


# -- nesting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "style, depth",
    # Block style 100,000 deep would be 5 GB of indentation; flow style says the same in 200 kB.
    [("yaml-flow", 500), ("yaml-flow", 100_000), ("yaml-block", 500), ("json", 500), ("json", 100_000)],
)
def test_deep_nesting_is_refused_before_it_is_built(run, tmp_path, depth, style):
    """500 levels ended in RecursionError; 100,000 must be as quick and as clean."""
    if style == "json":
        src = tmp_path / "input.json"
        src.write_text('{"title": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
    elif style == "yaml-flow":
        src = tmp_path / "input.yaml"
        src.write_text("title: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    else:
        src = tmp_path / "input.yaml"
        src.write_text("".join(" " * i + f"k{i}:\n" for i in range(depth)) + " " * depth + "x: 1\n", encoding="utf-8")
    out = tmp_path / "qd.docx"
    refused(run("render", "reward-decision", src, "-o", out), f"{src}: {TOO_DEEP}", out)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_nesting_up_to_the_limit_is_read(tmp_path, suffix):
    n = MAX_DEPTH - 1  # the top-level mapping is the first level
    src = tmp_path / f"input{suffix}"
    src.write_text('{"a": ' + "[" * n + "]" * n + "}", encoding="utf-8")
    value, levels = read_data(src)["a"], 1
    while isinstance(value, list):
        value, levels = (value[0] if value else None), levels + 1
    assert levels == MAX_DEPTH
    src.write_text('{"a": ' + "[" * (n + 1) + "]" * (n + 1) + "}", encoding="utf-8")
    with pytest.raises(InputError, match=f"^{src}: {TOO_DEEP}$"):
        read_data(src)


def test_brackets_inside_json_strings_are_not_nesting(tmp_path):
    src = tmp_path / "input.json"
    src.write_text('{"a": "' + '[\\"{' * 100 + '", "b": ["]]]"]}', encoding="utf-8")
    assert read_data(src) == {"a": '["{' * 100, "b": ["]]]"]}


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [*x]\n",  # an alias inside its own anchor
        "a: &x {b: *x}\n",
        # Each list one level deeper than the one it names: deep only once aliases are followed.
        "x0: &x0 [1]\n" + "".join(f"x{i}: &x{i} [*x{i - 1}]\n" for i in range(1, MAX_DEPTH + 2)),
    ],
    ids=["self-list", "self-mapping", "alias-chain"],
)
def test_aliases_cannot_nest_deeper_than_the_limit(tmp_path, text):
    src = tmp_path / "input.yaml"
    src.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=f"^{src}: {TOO_DEEP}$"):
        read_data(src)


def test_an_alias_bomb_is_refused_by_what_it_would_expand_to(run, tmp_path):
    """Ten lines that would be 10**9 strings ("billion laughs"), as data or through merge keys."""
    lines = ["a: &a [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]" for i in range(9)]
    src = tmp_path / "input.yaml"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "qd.docx"
    message = "its aliases (*name) expand it to more than 40 million characters: refused"
    refused(run("render", "reward-decision", src, "-o", out), f"{src}: {message}", out)

    lines = ["m0: &m0 {k: " + "x" * 1000 + "}"]
    lines += [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}, *m{i - 1}, *m{i - 1}]}}" for i in range(1, 20)]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(run("render", "reward-decision", src, "-o", out), f"{src}: {message}", out)


def test_aliases_and_merge_keys_within_the_limits_still_work(tmp_path):
    data = example_data()
    signer = data.pop("signer")
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    text += "base: &who\n" + "".join(f"  {k}: {v!r}\n" for k, v in signer.items())
    text += "signer: {<<: *who}\n"
    src = tmp_path / "input.yaml"
    src.write_text(text, encoding="utf-8")
    assert read_data(src)["signer"] == signer


def test_libyaml_and_the_python_parser_apply_the_same_depth(tmp_path, monkeypatch):
    """libyaml composes up to 1,000 levels itself; the measure still refuses past 32."""
    src = tmp_path / "input.yaml"
    src.write_text("a: " + "{b: " * 900 + "1" + "}" * 900 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"^{src}: {TOO_DEEP}$"):
        read_data(src)
    monkeypatch.setattr(inputs, "_FAST_LOADER", None)
    with pytest.raises(InputError, match=f"^{src}: {TOO_DEEP}$"):
        read_data(src)


def test_a_deep_batch_manifest_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PAPERWORK_HOME", raising=False)
    deep = "{a: " * 990 + "1" + "}" * 990
    manifest = tmp_path / "batch.yaml"
    manifest.write_text(f"defaults: {{x: {deep}}}\ndocuments:\n  - kind: invitation\n    data: {{x: {deep}}}\n",
                        encoding="utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(tmp_path), "batch", str(manifest), "--dry-run"])
    assert (result.exit_code, result.stderr) == (2, f"Error: {manifest}: {TOO_DEEP}\n")


# -- numbers the parsers cannot convert -------------------------------------------


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("input.yaml", "title: " + "1" * 5000 + "\n", "line 1: invalid YAML: a number has more than 4300 digits"),
        ("input.yaml", "a: 1\ntitle: !!int abc\n", "line 2: invalid YAML: 'abc' is not a valid int"),
        ("input.json", '{"title": ' + "1" * 5000 + "}", "invalid JSON: a number has more than 4300 digits"),
    ],
)
def test_numbers_that_cannot_be_converted_are_one_line(run, tmp_path, name, text, message):
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "qd.docx"
    refused(run("render", "reward-decision", src, "-o", out), f"{src}: {message}", out)


def test_0x_without_digits_is_text_not_a_crash(tmp_path):
    src = tmp_path / "input.yaml"
    src.write_text("a: 0x_\nb: 0b_\nc: 0x1F\n", encoding="utf-8")
    assert read_data(src) == {"a": "0x_", "b": "0b_", "c": 31}


# -- files that are not files, or too large --------------------------------------


def _unblock_after(fifo: Path, seconds: float) -> threading.Timer:
    """If the reader blocks on the FIFO, open and close its other end: the test fails instead of hanging."""

    def open_writer() -> None:
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:  # ENXIO: nobody is reading, nothing to unblock
            pass

    timer = threading.Timer(seconds, open_writer)
    timer.daemon = True
    timer.start()
    return timer


def test_a_fifo_is_refused_without_blocking(run, tmp_path):
    src = tmp_path / "input.yaml"
    os.mkfifo(src)
    timer = _unblock_after(src, 10)
    out = tmp_path / "qd.docx"
    try:
        result = run("render", "reward-decision", src, "-o", out)
    finally:
        timer.cancel()
    refused(result, f"{src}: not a regular file (a device, FIFO or socket): refused", out)


@pytest.mark.parametrize("linked", [False, True], ids=["device", "link-to-device"])
def test_a_device_is_refused(run, tmp_path, linked):
    src = Path("/dev/zero")
    if linked:
        src = tmp_path / "input.yaml"
        src.symlink_to("/dev/zero")
    out = tmp_path / "qd.docx"
    refused(run("render", "reward-decision", src, "-o", out),
            f"{src}: not a regular file (a device, FIFO or socket): refused", out)


def test_a_folder_is_named_as_one(tmp_path):
    """The CLI's click.Path refuses a folder itself; the library says so too (batch items, conference)."""
    src = tmp_path / "input.yaml"
    src.mkdir()
    with pytest.raises(InputError, match=f"^{src}: is a folder, not a file$"):
        read_data(src)


def test_a_2_gb_input_is_refused_by_its_size_before_reading(run, tmp_path):
    src = tmp_path / "input.yaml"
    with src.open("wb") as fh:
        fh.truncate(2 * 2**30)  # sparse: no disk used
    out = tmp_path / "qd.docx"
    refused(run("render", "reward-decision", src, "-o", out),
            f"{src}: larger than the 20 MB an input file may have: refused", out)


def test_a_spreadsheet_larger_than_50_mb_is_refused(run, tmp_path):
    with (tmp_path / "awardees.csv").open("wb") as fh:
        fh.truncate(50 * 2**20 + 1)
    src = write_yaml(tmp_path / "input.yaml", {**example_data(), "awardees": "awardees.csv"})
    out = tmp_path / "qd.docx"
    refused(run("render", "reward-decision", src, "-o", out),
            f"{tmp_path / 'awardees.csv'}: larger than the 50 MB a spreadsheet may have: refused", out)


def test_an_xlsx_that_unpacks_to_gigabytes_is_refused(tmp_path):
    sheet = tmp_path / "awardees.xlsx"
    with zipfile.ZipFile(sheet, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * 2**20
            for _ in range(300):
                member.write(chunk)
    assert sheet.stat().st_size < 2**20
    with pytest.raises(InputError, match=f"^{sheet}: unpacks to more than 256 MB: refused$"):
        read_spreadsheet(sheet)


def test_a_csv_row_count_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "MAX_SHEET_ROWS", 3)
    sheet = tmp_path / "awardees.csv"
    sheet.write_text("name\n" + "a\n" * 4, encoding="utf-8")
    with pytest.raises(InputError, match=f"^{sheet}: more than 3 rows or 5,000,000 cells: refused$"):
        read_spreadsheet(sheet)
    sheet.write_text("name\n" + "a\n" * 3, encoding="utf-8")
    assert len(read_spreadsheet(sheet)) == 3


def test_a_csv_the_csv_module_refuses_is_one_line(tmp_path):
    sheet = tmp_path / "awardees.csv"
    sheet.write_text("name,note\nAn," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{sheet}: line 2: invalid CSV: field larger than field limit \(131072\)$"):
        read_spreadsheet(sheet)


def test_values_beyond_the_header_are_an_error_not_dropped(tmp_path):
    sheet = tmp_path / "awardees.csv"
    with sheet.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["name", "kind"], ["An", "individual", "5000000"]])
    with pytest.raises(InputError, match=f"^{sheet}: column 3 has values but no field name in the first row$"):
        read_spreadsheet(sheet)


def test_an_xlsx_claiming_a_huge_dimension_reads_only_its_cells(tmp_path):
    import openpyxl

    sheet = tmp_path / "awardees.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["name", "kind"])
    book.active.append(["An", "individual"])
    book.save(sheet)
    # Rewrite the stored dimension as Excel does for a sheet formatted to its last cell.
    with zipfile.ZipFile(sheet) as z:
        members = {n: z.read(n) for n in z.namelist()}
    xml = members["xl/worksheets/sheet1.xml"].decode()
    members["xl/worksheets/sheet1.xml"] = xml.replace('<dimension ref="A1:B2"/>', '<dimension ref="A1:XFD1048576"/>').encode()
    assert members["xl/worksheets/sheet1.xml"] != xml.encode()
    with zipfile.ZipFile(sheet, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    assert read_spreadsheet(sheet) == [{"name": "An", "kind": "individual"}]


# -- list files stay inside the input's folder -------------------------------------


def _awardees_csv(path: Path) -> Path:
    data = example_data()
    fields = ["name", "kind", "position", "unit", "amount", "note"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([fields, *[[a.get(f) for f in fields] for a in data["awardees"]]])
    return path


@pytest.mark.parametrize("where", ["parent", "absolute", "link-out"])
def test_a_list_file_outside_the_inputs_folder_is_refused(run, tmp_path, where):
    folder = tmp_path / "in"
    folder.mkdir()
    outside = _awardees_csv(tmp_path / "secret" / "awardees.csv")
    name = {"parent": "../secret/awardees.csv", "absolute": str(outside), "link-out": "awardees.csv"}[where]
    if where == "link-out":
        (folder / "awardees.csv").symlink_to(outside)
    src = write_yaml(folder / "input.yaml", {**example_data(), "awardees": name})
    out = tmp_path / "qd.docx"
    refused(run("render", "reward-decision", src, "-o", out),
            f"{src}: awardees: the list file must be inside the input's folder ({folder}): refused", out)


def test_a_list_file_in_a_subfolder_or_linked_within_is_read(run, tmp_path):
    folder = tmp_path / "in"
    _awardees_csv(folder / "lists" / "awardees.csv")
    (folder / "linked.csv").symlink_to(folder / "lists" / "awardees.csv")
    for name in ("lists/awardees.csv", "./lists/../linked.csv"):
        src = write_yaml(folder / "input.yaml", {**example_data(), "awardees": name})
        out = tmp_path / "qd.docx"
        result = run("render", "reward-decision", src, "-o", out)
        assert result.exit_code == 0, result.output
        out.unlink()
