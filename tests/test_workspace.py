"""Workspace discovery and `paperwork init`."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from paperwork.cli import cli
from paperwork.config import ENV_HOME, PROFILE_NAME, find_workspace, init_workspace, load_workspace
from paperwork.errors import InputError
from paperwork.register import Register

INIT_ARGS = ["--agency-name", "SỞ NỘI VỤ", "--agency-code", "SNV", "--place", "Cà Mau"]


@pytest.fixture(autouse=True)
def no_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_HOME, raising=False)


def make_ws(root: Path, title: str, **kw) -> Path:
    """An initialised workspace whose register holds one decision titled ``title``."""
    ws = init_workspace(root, agency_name="SỞ NỘI VỤ", agency_code="SNV", place="Cà Mau", **kw)
    with Register.for_workspace(ws).reserve("QĐ", 2025) as r:
        r.record(
            symbol="QĐ-SNV", date=dt.date(2025, 4, 1), kind="reward-decision", type_name="Quyết định",
            title=title, signer="s", recipients=[], output="", sha256="",
        )  # fmt: skip
    return ws.root


def listed_titles(*args: str, env: dict[str, str] | None = None) -> list[str]:
    result = CliRunner(env=env).invoke(cli, [*args, "register", "list", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [row["title"] for row in json.loads(result.stdout)]


# -- discovery -------------------------------------------------------------------


def test_discovery_order(tmp_path: Path) -> None:
    """--workspace, then $PAPERWORK_HOME, then the nearest paperwork.toml upwards, else the cwd."""
    flag, home, parent = tmp_path / "flag", tmp_path / "home", tmp_path / "parent"
    for root in (flag, home, parent):
        init_workspace(root, agency_name="A", agency_code="A", place="Cà Mau")
    deep = parent / "a" / "b"
    deep.mkdir(parents=True)
    env = {ENV_HOME: str(home)}
    assert find_workspace(flag, env=env, cwd=deep).root == flag
    assert find_workspace(None, env=env, cwd=deep).root == home
    assert find_workspace(None, env={}, cwd=deep).root == parent
    assert find_workspace(None, env={}, cwd=parent).profile_path == parent / PROFILE_NAME
    bare = tmp_path / "bare"
    bare.mkdir()
    ws = find_workspace(None, env={}, cwd=bare)
    assert ws.root == bare and ws.profile_path is None
    assert ws.catalog_path == bare / "archive" / "catalog.sqlite"


def test_explicit_workspace_must_exist(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="workspace folder does not exist"):
        find_workspace(tmp_path / "missing", env={}, cwd=tmp_path)
    with pytest.raises(InputError, match="workspace folder does not exist"):
        find_workspace(None, env={ENV_HOME: str(tmp_path / "missing")}, cwd=tmp_path)


def test_cli_finds_the_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flag = make_ws(tmp_path / "flag", "from the flag")
    home = make_ws(tmp_path / "home", "from PAPERWORK_HOME")
    parent = make_ws(tmp_path / "parent", "from the parent folder")
    deep = parent / "2025" / "quyet-dinh"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert listed_titles() == ["from the parent folder"]
    assert listed_titles(env={ENV_HOME: str(home)}) == ["from PAPERWORK_HOME"]
    assert listed_titles("--workspace", str(flag), env={ENV_HOME: str(home)}) == ["from the flag"]
    bare = tmp_path / "bare"
    bare.mkdir()
    monkeypatch.chdir(bare)
    result = CliRunner().invoke(cli, ["register", "list"])
    assert result.exit_code == 2 and "no workspace here" in result.stderr
    assert list(bare.iterdir()) == [], "nothing is created outside a workspace"


def test_cli_missing_workspace_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--workspace", str(tmp_path / "nope"), "register", "list"])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nope'}: workspace folder does not exist\n"


# -- init ------------------------------------------------------------------------


def test_init_writes_the_profile_and_the_archive(tmp_path: Path) -> None:
    root = tmp_path / "snv"
    result = CliRunner().invoke(
        cli, ["init", str(root), *INIT_ARGS, "--parent", "ỦY BAN NHÂN DÂN TỈNH CÀ MAU", "--series", "shared"]
    )
    assert result.exit_code == 0, result.output
    profile = root / PROFILE_NAME
    assert result.stdout.splitlines()[0] == f"Wrote {profile}"
    assert result.stdout.splitlines()[-1] == f"Created {root / 'archive'}"
    assert (root / "archive").is_dir()
    data = tomllib.loads(profile.read_text(encoding="utf-8"))
    assert data["agency"] == {
        "name": "SỞ NỘI VỤ", "code": "SNV", "parent": "ỦY BAN NHÂN DÂN TỈNH CÀ MAU", "place": "Cà Mau",
    }  # fmt: skip
    assert data["numbering"]["series"] == "shared"
    ws = load_workspace(root)
    assert ws.numbering.series == "shared" and ws.agency.code == "SNV"


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    root = tmp_path / "snv"
    assert CliRunner().invoke(cli, ["init", str(root), *INIT_ARGS]).exit_code == 0
    before = (root / PROFILE_NAME).read_bytes()
    result = CliRunner().invoke(cli, ["init", str(root), "--agency-name", "X", "--agency-code", "X", "--place", "Y"])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {root / PROFILE_NAME}: a workspace profile already exists here\n"
    assert (root / PROFILE_NAME).read_bytes() == before


def test_init_defaults_to_the_workspace_flag_then_home_then_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init", *INIT_ARGS]).exit_code == 0
    assert (tmp_path / PROFILE_NAME).is_file()
    home = tmp_path / "home"
    assert CliRunner(env={ENV_HOME: str(home)}).invoke(cli, ["init", *INIT_ARGS]).exit_code == 0
    assert (home / PROFILE_NAME).is_file()
    flag = tmp_path / "flag"
    result = CliRunner(env={ENV_HOME: str(home)}).invoke(cli, ["--workspace", str(flag), "init", *INIT_ARGS])
    assert result.exit_code == 0, result.output
    assert (flag / PROFILE_NAME).is_file()


def test_init_rejects_an_unknown_series(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path), *INIT_ARGS, "--series", "per-year"])
    assert result.exit_code == 2
    assert not (tmp_path / PROFILE_NAME).exists()


# -- help ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [["init"], ["register"], ["register", "list"], ["register", "void"]])
def test_every_command_ends_with_an_example(path: list[str]) -> None:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    doc = command.help or ""
    assert "Example:" in doc
    tail = doc.rsplit("Example:", 1)[1].strip().replace("\b", "").strip()
    assert tail.startswith("paperwork ")
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0 and "Example:" in result.stdout


def test_init_refuses_a_code_no_symbol_could_carry(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path), "--agency-name", "Sở Nội vụ", "--agency-code", "snv",
                                      "--place", "Cà Mau"])
    assert result.exit_code == 2
    assert result.stderr == ("Error: --agency-code: 'snv' must be capital letters and digits joined by '-', "
                             "e.g. SNV or SNV-TĐKT\n")
    assert not (tmp_path / PROFILE_NAME).exists()


def test_a_profile_with_a_bad_code_names_it(tmp_path: Path) -> None:
    (tmp_path / PROFILE_NAME).write_text('[agency]\nname = "Sở Nội vụ"\ncode = "s n v"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(tmp_path), "register", "list"])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {tmp_path / PROFILE_NAME}: agency.code: must be capital letters and digits "
                             "joined by '-', e.g. SNV or SNV-TĐKT\n")
