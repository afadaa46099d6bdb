"""Text a user types outside an input file follows the input models' rule.

Invariant: `paperwork init` never leaves a paperwork.toml that cannot be read
back (which would also block running `init` again), and a control character
typed into an option is refused in one line naming the option.
"""

from __future__ import annotations

import unicodedata

import pytest
from click.testing import CliRunner

from paperwork import config
from paperwork.cli import cli
from paperwork.config import PROFILE_NAME, load_workspace
from paperwork.errors import InputError, WorkspaceError
from paperwork.models import Agency
from paperwork.vietnamese import clean_text, user_text

GOOD = {
    "--agency-name": "Sở Nội vụ", "--agency-code": "SNV", "--place": "Cà Mau", "--parent": "UBND tỉnh Cà Mau",
}


@pytest.fixture
def init(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PAPERWORK_HOME", raising=False)

    def invoke(**options):
        args = ["init", str(tmp_path / "ws")]
        for option, value in {**GOOD, **options}.items():
            args += [option, value]
        return CliRunner().invoke(cli, args)

    return invoke


@pytest.mark.parametrize(
    "option, value, reason",
    [
        ("--agency-name", "So\x7f", "contains a control character U+007F; remove it"),
        ("--agency-name", "Sở\nNội vụ", "contains a control character U+000A; write it on one line"),
        ("--place", "Cà\x01Mau", "contains a control character U+0001; remove it"),
        ("--parent", "UBND\x9b", "contains a control character U+009B; remove it"),
        ("--parent", "UBND\u2028tỉnh", "contains a control character U+2028; write it on one line"),
        ("--place", "Cà Mau\udc85", "contains U+DC85, which is not a character (is the text UTF-8?)"),
        ("--agency-name", "   ", "must not be empty"),
    ],
)
def test_init_refuses_a_control_character_and_leaves_nothing_behind(init, tmp_path, option, value, reason):
    result = init(**{option: value})
    assert (result.exit_code, result.stderr) == (2, f"Error: {option}: {reason}\n")
    assert not (tmp_path / "ws" / PROFILE_NAME).exists()
    assert not list(tmp_path.glob("ws/.*.part"))

    result = init()
    assert result.exit_code == 0, result.output
    ws = load_workspace(tmp_path / "ws")
    assert (ws.agency.name, ws.agency.place, ws.agency.parent) == ("Sở Nội vụ", "Cà Mau", "UBND tỉnh Cà Mau")


def test_init_stores_text_as_nfc_and_trimmed(init, tmp_path):
    decomposed = unicodedata.normalize("NFD", "  Sở Nội vụ ")
    result = init(**{"--agency-name": decomposed})
    assert result.exit_code == 0, result.output
    assert load_workspace(tmp_path / "ws").agency.name == "Sở Nội vụ"


def test_a_profile_that_would_not_read_back_is_never_placed(tmp_path, monkeypatch):
    """Whatever goes wrong in writing the TOML, init checks the staged file before renaming it."""
    monkeypatch.setattr(config, "_toml_str", lambda value: value)  # unquoted: not TOML
    root = tmp_path / "ws"
    expected = rf"^{root / PROFILE_NAME}: the profile would not read back \(.*\); nothing written$"
    with pytest.raises(WorkspaceError, match=expected):
        config.init_workspace(root, agency_name="Sở Nội vụ", agency_code="SNV", place="Cà Mau")
    assert list(root.iterdir()) == []
    monkeypatch.undo()
    ws = config.init_workspace(root, agency_name="Sở Nội vụ", agency_code="SNV", place="Cà Mau")
    assert ws.agency.code == "SNV" and ws.archive.is_dir()


def test_init_refuses_an_unknown_series(tmp_path):
    with pytest.raises(InputError, match="^--series: must be one of per-type, shared$"):
        config.init_workspace(tmp_path, agency_name="A", agency_code="A", place="B", series="yearly")
    assert not (tmp_path / PROFILE_NAME).exists()


def test_a_hand_edited_profile_with_a_control_character_names_the_key(tmp_path):
    profile = tmp_path / PROFILE_NAME
    profile.write_text('[agency]\nname = "Sở Nội vụ\\u0007"\ncode = "SNV"\nplace = "Cà Mau"\n', encoding="utf-8")
    with pytest.raises(InputError, match=f"^{profile}: agency.name: contains a control character U\\+0007; remove it$"):
        load_workspace(tmp_path)


def test_user_text_names_the_field_and_the_source():
    with pytest.raises(InputError, match="^--reason: contains a control character U\\+0007; remove it$"):
        user_text("Ban hành nhầm\x07", "--reason")
    with pytest.raises(InputError, match="^p.toml: agency.name: must be text$"):
        user_text(5, "agency.name", source="p.toml")  # type: ignore[arg-type]
    assert user_text(" Ban hành nhầm đối tượng ", "--reason") == "Ban hành nhầm đối tượng"


def test_the_input_models_apply_the_same_rule():
    assert clean_text("  Sở  ") == "Sở"
    with pytest.raises(ValueError, match="U\\+007F; remove it"):
        Agency(name="So\x7f", code="SNV")
