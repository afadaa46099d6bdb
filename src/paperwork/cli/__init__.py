"""The command line: parse, call the library, format. The only place that imports click.

Errors are turned into messages once, in ``PaperworkGroup.invoke``: a
``PaperworkError`` becomes one ``Error: …`` line on stderr with its exit code
(2 for bad input, 1 for a failed operation); anything else is a bug and keeps
its traceback.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import click

from .. import i18n
from ..errors import PaperworkError
from ..i18n import N_, _, ngettext


class TranslatedHelp:
    """Option help strings are English msgids (marked with ``N_``), translated when shown;
    command docstrings stay English (they are the README's documentation, with examples)."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), _("Usage: "))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if isinstance(param, click.Argument):
                continue
            if getattr(param, "help", None):
                param = copy.copy(param)
                param.help = _(param.help)
            record = param.get_help_record(ctx)
            if record is not None:
                records.append(record)
        if records:
            with formatter.section(_("Options")):
                formatter.write_dl(records)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


# Click's own messages, in the same catalogue (click translates them with the process-wide
# gettext domain that PaperworkGroup.main binds to paperwork's): msgids exactly as click writes them.
N_("Show this message and exit.")
N_("Show the version and exit.")
N_("Usage:")
N_("Commands")
N_("Aborted!")
N_("Try '{command} {option}' for help.")
N_("Invalid value for {param_hint}: {message}")
N_("Invalid value: {message}")
N_("Missing argument")
N_("Missing option")
N_("Missing parameter")
N_("No such option {name!r}.")
N_("No such command {name!r}.")
ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1)
ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1)
ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1)
N_("Option {name!r} does not take a value.")
N_("{value!r} is not a valid {number_type}.")
N_("{value} is not in the range {range}.")
ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1)
ngettext("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}.", 1)
N_("{name} {filename!r} does not exist.")
N_("{name} {filename!r} is a file.")
N_("{name} {filename!r} is a directory.")
N_("{name} {filename!r} is not readable.")
N_("{name} {filename!r} is not writable.")
N_("file")
N_("directory")
N_("path")
N_("default: {default}")
N_("required")


class PaperworkCommand(TranslatedHelp, click.Command):
    pass


class PaperworkGroup(TranslatedHelp, click.Group):
    command_class = PaperworkCommand
    group_class = type  # subgroups are PaperworkGroups too

    def main(self, *args, **kwargs):
        # The language is chosen once per run, from the environment: Vietnamese when
        # LANGUAGE / LC_ALL / LC_MESSAGES / LANG starts with "vi", else English.
        i18n.bind_process_domain()  # click's own messages ("Missing argument", "Usage:") too
        with i18n.using(i18n.language_from_environment()):
            return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PaperworkError as e:
            click.echo(_("Error: {message}").format(message=e), err=True)
            ctx.exit(e.exit_code)


@click.group(cls=PaperworkGroup)
@click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=N_("Workspace folder (else $PAPERWORK_HOME, else the nearest paperwork.toml, else here)."),
)
@click.version_option(package_name="paperwork")
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None) -> None:
    """Signed-ready Vietnamese administrative documents (Decree 30/2020) and their archive.

    Example:

        paperwork example reward-decision > qd.yaml

        paperwork render reward-decision qd.yaml -o qd.docx --pdf
    """
    ctx.obj = {"workspace_flag": workspace}


def get_workspace(ctx: click.Context):
    """The workspace, found once per command and cached on the context."""
    from ..config import find_workspace

    obj = ctx.find_root().obj
    if "workspace" not in obj:
        obj["workspace"] = find_workspace(obj.get("workspace_flag"))
    return obj["workspace"]


# The command modules attach their commands to `cli` when imported.
from . import archive, batch, documents, dossiers, records, serve, signing, users, workspace  # noqa: E402,F401


def _stop_on_sigterm() -> None:
    """SIGTERM (a service stopping, `kill`) ends the command like Ctrl-C: cleanup runs
    (LibreOffice is stopped, staged files removed) instead of the process vanishing."""
    import signal

    def stop(signum, frame):  # noqa: ARG001
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def main() -> None:
    import logging
    import warnings

    _stop_on_sigterm()
    # Libraries' warnings (openpyxl, pypdf, Whoosh …) are not for a clerk: stderr carries
    # paperwork's own lines only. PYTHONWARNINGS shows them again when debugging.
    if not sys.warnoptions:
        warnings.simplefilter("ignore")
        # Libraries that warn through logging (pypdf) would reach stderr by logging's last resort.
        logging.getLogger().addHandler(logging.NullHandler())
    cli(prog_name="paperwork")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
