"""Commands that make documents: kinds, example, render."""

from __future__ import annotations

from pathlib import Path

import click

from . import cli, get_workspace


@cli.command()
def kinds() -> None:
    """List the document kinds, one line each.

    Example:

        paperwork kinds
    """
    from ..kinds import KINDS

    width = max(len(k) for k in KINDS)
    for kind in KINDS.values():
        click.echo(f"{kind.name:<{width}}  {kind.summary}")


@cli.command()
@click.argument("kind")
def example(kind: str) -> None:
    """Print a complete example input for KIND (YAML, every field explained).

    The example renders as it is; save it, edit it, render it.

    Example:

        paperwork example covenant > giao-uoc.yaml
    """
    from ..kinds import get_kind

    click.echo(get_kind(kind).example(), nl=False)


@cli.command()
@click.argument("kind")
@click.argument("input_file", metavar="INPUT", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The .docx to write.")
@click.option("--pdf", is_flag=True, help="Also write OUTPUT with .pdf through LibreOffice.")
@click.option("--issue", is_flag=True,
              help="Allocate the next number of the register for the document's year, print it and record it.")
@click.option("--no-archive", is_flag=True, help="Do not store the written document in the archive.")
@click.pass_context
def render(ctx: click.Context, kind: str, input_file: Path, output: Path, pdf: bool, issue: bool,
           no_archive: bool) -> None:
    """Render INPUT (YAML or JSON) as a document of KIND into OUTPUT.

    Without --issue and without `number` in INPUT the document is a draft for
    signing: blank number, blank day and month. A list field (awardees,
    members, attendees) may name a .xlsx or .csv file instead, relative to
    INPUT; its first row gives the field names.

    Example:

        paperwork render reward-decision qd.yaml -o qd.docx --pdf

        paperwork render reward-decision qd.yaml -o qd.docx --issue
    """
    from ..errors import ArchiveError, InputError
    from ..generate import load_document, produce
    from ..kinds import get_kind
    from ..kinds.common import symbol
    from ..vietnamese import number_symbol

    if output.suffix.lower() != ".docx":
        raise InputError("the output must be a .docx file", source=str(output))
    k = get_kind(kind)
    ws = get_workspace(ctx)
    doc = load_document(k, input_file, ws)
    written = produce(k, doc, output, ws, issue=issue, pdf=pdf, archive=not no_archive)
    note = ""
    if written.number is not None:
        note = f" (Số: {number_symbol(written.number, symbol(doc.agency, k.type_symbol))}"
        note += ", registered)" if written.registered else ")"
    elif k.numbered:
        note = " (draft: number and date left blank)"
    click.echo(f"wrote {written.path}{note}")
    if written.pdf:
        click.echo(f"wrote {written.pdf}")
    if written.archive_id is not None:
        click.echo(f"archived as id {written.archive_id}")
    if written.archive_error:
        raise ArchiveError(f"{written.path} was written but not archived: {written.archive_error}")
