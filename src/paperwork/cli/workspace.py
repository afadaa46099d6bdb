"""Commands for the workspace and its register: init, register list, register void."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from ..config import ENV_HOME, SERIES_POLICIES, init_workspace
from ..errors import InputError
from ..i18n import N_, _, ngettext
# paperwork.register (sqlite3, decimal, csv…) is imported inside the commands that use
# it: every command, `paperwork search` included, would otherwise pay for it at start-up.
from . import cli, get_workspace


@cli.command("init")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--agency-name", required=True, help=N_('The issuing agency, e.g. "SỞ NỘI VỤ".'))
@click.option("--agency-code", required=True, help=N_("Its abbreviation in ký hiệu, e.g. SNV."))
@click.option("--parent", default=None, help=N_('The parent agency (if any), e.g. "UBND TỈNH CÀ MAU".'))
@click.option("--place", required=True, help=N_('The place in the date line, e.g. "Cà Mau".'))
@click.option(
    "--series",
    type=click.Choice(SERIES_POLICIES),
    default="per-type",
    show_default=True,
    help=N_("Numbering: one series per type symbol, or one shared series for the agency."),
)
@click.pass_context
def init_command(
    ctx: click.Context,
    directory: Path | None,
    agency_name: str,
    agency_code: str,
    parent: str | None,
    place: str,
    series: str,
) -> None:
    """Create a workspace: write DIRECTORY/paperwork.toml and its archive folder.

    DIRECTORY defaults to --workspace, else $PAPERWORK_HOME, else the current
    folder. An existing profile is never overwritten.

    Example:

    \b
        paperwork init ~/snv --agency-name "SỞ NỘI VỤ" --agency-code SNV \\
            --parent "ỦY BAN NHÂN DÂN TỈNH CÀ MAU" --place "Cà Mau" --series per-type
    """
    root = directory or ctx.find_root().obj.get("workspace_flag") or os.environ.get(ENV_HOME) or Path.cwd()
    ws = init_workspace(
        Path(root),
        agency_name=agency_name,
        agency_code=agency_code,
        place=place,
        parent=parent,
        series=series,
    )
    click.echo(_("Wrote {profile_path}").format(profile_path=ws.profile_path))
    click.echo(_("  agency: {name} ({code}), {place}").format(
        name=ws.agency.name, code=ws.agency.code, place=ws.agency.place
    ))
    if ws.agency.parent:
        click.echo(_("  parent: {parent}").format(parent=ws.agency.parent))
    click.echo(_("  numbering: {series} series, from 1 each calendar year").format(
        series=ws.numbering.series
    ))
    click.echo(_("Created {archive}").format(archive=ws.archive))


@cli.group("register")
def register_group() -> None:
    """The outgoing-document register (sổ đăng ký văn bản đi): list and void numbers.

    Numbers are given out by `paperwork render --issue`; they run from 1 in each
    calendar year and series, and a withdrawn number is kept and never reused.

    Example:

    \b
        paperwork register list --year 2025
        paperwork register list --year 2025 --format xlsx -o so-van-ban-di-2025.xlsx
    """


_TABLE_HEADS = ("Số, ký hiệu", "Ngày", "Loại", "Trích yếu", "Người ký", "Tình trạng")


def _table(entries: list) -> str:
    rows = [
        (
            e.number_symbol,
            f"{e.date:%d/%m/%Y}",
            e.type_name,
            e.title if len(e.title) <= 60 else e.title[:59] + "…",
            e.signer,
            f"thu hồi: {e.void_reason}" if e.status == "void" else "đã ban hành",
        )
        for e in entries
    ]
    widths = [max(len(r[i]) for r in [_TABLE_HEADS, *rows]) for i in range(len(_TABLE_HEADS))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(_TABLE_HEADS), line(tuple("-" * w for w in widths)), *map(line, rows)]) + "\n"


@register_group.command("list")
@click.option("--year", type=int, default=None, help=N_("Only this calendar year (default: all years)."))
@click.option("--series", default=None, help=N_("Only this series (a type symbol, e.g. QĐ)."))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "csv", "json", "xlsx")),
    default="table",
    show_default=True,
    help=N_("csv and xlsx have the ten columns of Decree 30, Phụ lục IV."),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("Write to FILE (atomically) instead of standard output; required for xlsx."),
)
@click.pass_context
def list_command(ctx: click.Context, year: int | None, series: str | None, fmt: str, output: Path | None) -> None:
    """List the numbers given out, oldest first (by year, series, number).

    `csv` and `xlsx` give the outgoing register of Decree 30 (Phụ lục IV mục I),
    ready to print; a CSV file is written in UTF-8 with a BOM so Excel reads it.

    Example:

    \b
        paperwork register list --year 2025 --format json
        paperwork register list --year 2025 --format csv -o so-di-2025.csv
        paperwork register list --year 2025 --format xlsx -o so-di-2025.xlsx
    """
    from ..export import csv_text, write_xlsx
    from ..files import write_atomic
    from ..register import Register

    register = Register.for_workspace(get_workspace(ctx))
    entries = register.entries(year, series=series)
    if fmt == "xlsx":
        if output is None:
            raise InputError(_("--format xlsx writes a file: give -o FILE.xlsx"))
        write_xlsx(entries, output, year=year)
        click.echo(_("Wrote {count} entries to {output}").format(count=len(entries), output=output), err=True)
        return
    if fmt == "json":
        text = json.dumps([e.as_dict() for e in entries], ensure_ascii=False, indent=2) + "\n"
        encoding = "utf-8"
    elif fmt == "csv":
        text = csv_text(entries)
        encoding = "utf-8-sig"
    else:
        text = _table(entries) if entries else _("The register is empty.") + "\n"
        encoding = "utf-8"
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomic(output, text.encode(encoding))
    click.echo(_("Wrote {count} entries to {output}").format(count=len(entries), output=output), err=True)


@register_group.command("recover")
@click.pass_context
def recover_command(ctx: click.Context) -> None:
    """Finish what an interrupted issue left (a crash, a full disk, a killed batch).

    Every issue does this first; run it to settle the register now. A file
    left staged is put in place; a number whose file never got written is
    withdrawn, with the reason in Ghi chú.

    Example:

        paperwork register recover
    """
    from ..register import Register

    settled = Register.for_workspace(get_workspace(ctx)).recover()
    for e in settled:
        if e.status == "issued":
            click.echo(_("{number_symbol} of {year}: put in place").format(number_symbol=e.number_symbol, year=e.year))
        else:
            click.echo(_("{number_symbol} of {year}: withdrawn: {reason}").format(
                number_symbol=e.number_symbol, year=e.year, reason=e.void_reason
            ))
    click.echo(ngettext("{count} entry settled.", "{count} entries settled.", len(settled)).format(count=len(settled)))


@register_group.command("void")
@click.argument("number", type=int)
@click.option("--year", type=int, required=True, help=N_("The calendar year of the number."))
@click.option("--reason", required=True, help=N_("Why the document is withdrawn (goes into Ghi chú)."))
@click.option("--series", default=None, help=N_("The series (type symbol) when the number exists in several."))
@click.pass_context
def void_command(ctx: click.Context, number: int, year: int, reason: str, series: str | None) -> None:
    """Withdraw (thu hồi) an issued number: it stays in the register and is never reused.

    Example:

    \b
        paperwork register void 7 --year 2025 --series QĐ --reason "Ban hành nhầm, thay bằng số 08"
    """
    from ..register import Register

    register = Register.for_workspace(get_workspace(ctx))
    entry = register.void(year, number, reason, series=series)
    click.echo(_("Withdrew {number_symbol} of {year} (series {series}): {void_reason}").format(
        number_symbol=entry.number_symbol, year=entry.year, series=entry.series,
        void_reason=entry.void_reason
    ))
    click.echo(_("The number stays in the register and will not be given out again."))
