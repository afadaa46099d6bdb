"""Help is documentation: every command has help ending in an example, and the README names it."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from paperwork.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from command_paths(command, (*prefix, name))


PATHS = list(command_paths(cli))


def test_the_cli_has_its_commands():
    names = {" ".join(p) for p in PATHS}
    assert {"kinds", "example", "render", "init", "register list", "archive add", "search"} <= names


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_help_ends_with_an_example_and_the_readme_names_it(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.stdout
    example = result.stdout.rsplit("Example:", 1)[1]
    assert "paperwork " in example
    assert f"paperwork {' '.join(path)}" in README, f"README does not mention `paperwork {' '.join(path)}`"
