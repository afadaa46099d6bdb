"""Commands that make many documents at once: batch, and the conference pack."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ..i18n import N_, _, ngettext
from . import cli, get_workspace


@contextmanager
def progress_reporter(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal; plain lines (every tenth) when stderr is not one."""
    if total <= 0:
        yield lambda n: None
        return
    if sys.stderr.isatty():
        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            yield bar.update
        return
    state = {"done": 0, "shown": 0}
    step = max(1, total // 10)

    def update(n: int) -> None:
        state["done"] += n
        if state["done"] - state["shown"] >= step or state["done"] == total:
            state["shown"] = state["done"]
            click.echo(f"{label} {state['done']}/{total}", err=True)

    yield update


def _line(r) -> str:
    if r.number is None:
        note = ""
    elif r.issued:
        note = _(" (Số: {number}, registered)").format(number=r.number)
    elif r.recorded:
        note = _(" (Số: {number}, issued earlier)").format(number=r.number)
    else:
        note = f" (Số: {r.number})"
    if r.status == "planned" and r.issued and r.number is None:
        note = _(" (a new number)")
    if r.status == "planned":
        text = _("would write {output}{note}").format(output=r.output, note=note)
    else:
        text = _("wrote {output}{note}").format(output=r.output, note=note)
    return text + (f" — {r.note}" if r.note else "")


def echo_report(report, what: str = N_("documents")) -> None:
    """Per-item lines, per-item errors on stderr, then one summary line."""
    for r in report.items:
        if r.status == "failed":
            click.echo(_("Error: {name}: {error}").format(name=r.name, error=r.error), err=True)
        else:
            click.echo(_line(r))
            for warning in r.warnings:
                click.echo(_("Warning: {name}: {source}: {warning}").format(
                    name=r.name, source=r.source, warning=warning
                ), err=True)
    failed = len(report.failed)
    if report.dry_run:
        planned = len(report.items) - failed
        new = sum(1 for r in report.items if r.status == "planned" and r.issued)
        reused = sum(1 for r in report.items if r.status == "planned" and r.recorded)
        click.echo(_("dry run: {planned} of {count} {what} valid, {failed} invalid; {new} would be "
                     "issued a number, {reused} keep the number issued earlier; nothing written").format(
            planned=planned, count=len(report.items), what=_(what), failed=failed, new=new, reused=reused
        ))
        return
    written = len(report.written)
    issued = sum(1 for r in report.written if r.issued)
    reused = sum(1 for r in report.written if r.recorded)
    parts = [_("{written} of {count} {what} written").format(written=written, count=len(report.items), what=_(what)),
             _("{failed} failed").format(failed=failed), _("{issued} numbers issued").format(issued=issued),
             _("{reused} kept their earlier number").format(reused=reused)]
    if report.workers:
        n = len(report.workers)
        parts.append(ngettext("{count} worker process", "{count} worker processes", n).format(count=n))
    if report.archived or report.archive_error:
        parts.append(_("{archived} archived").format(archived=report.archived))
    click.echo("; ".join(parts))
    for line in report.recovered:
        click.echo(_("recovered from an interrupted run: {line}").format(line=line), err=True)
    for r in report.items:
        if r.problem:
            click.echo(_("Error: {name}: {problem}").format(name=r.name, problem=r.problem), err=True)
    if report.archive_note:
        click.echo(report.archive_note, err=True)
    if report.archive_error:
        click.echo(_("Error: archive: {archive_error}").format(archive_error=report.archive_error), err=True)


@cli.command()
@click.argument("manifest", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=N_("Folder for the documents (default: the manifest's folder)."))
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help=N_("Worker processes rendering the documents (default: all cores)."))
@click.option("--issue", is_flag=True, help=N_("Issue register numbers to numbered documents that have none yet."))
@click.option("--dry-run", is_flag=True, help=N_("Validate every document and report; write nothing."))
@click.option("--pdf", is_flag=True, help=N_("Also write each document as PDF through LibreOffice."))
@click.option("--replace", "replace_issued", is_flag=True,
              help=N_("Replace output files that are issued documents (their register entries say so)."))
@click.option("--no-archive", is_flag=True, help=N_("Do not store the written documents in the archive."))
@click.option("--strict", is_flag=True, help=N_("A căn cứ not in force on a document's date is an error, not a warning."))
@click.pass_context
def batch(ctx: click.Context, manifest: Path, output_dir: Path | None, jobs: int | None, issue: bool,
          dry_run: bool, pdf: bool, replace_issued: bool, no_archive: bool, strict: bool) -> None:
    """Make every document MANIFEST lists (YAML), on all cores.

    The manifest lists documents under `documents:`, each
    `{kind, input: FILE}` or `{kind, data: {…}}` with an optional `output`
    file name and `name`; an item `{kind, spreadsheet: FILE, data: {…}}`
    makes one document per row (dotted headers nest; `output` may be a
    pattern such as "giay-moi-{n:02d}.docx"). `defaults:` are merged under
    every document's data.

    Every document is validated before anything is written or numbered; a
    broken one is reported with its field path and the others are still
    written (exit status 1). Running the same manifest again issues no new
    numbers: a document keeps the number it was issued, unless its input
    changed.

    Example:

        paperwork batch khen-thuong.yaml -o out --issue

        paperwork batch khen-thuong.yaml --dry-run
    """
    from ..batch import read_manifest
    from ..pipeline import default_jobs, dry_run_report, plan, run

    ws = get_workspace(ctx)
    manifest = manifest.absolute()
    out_dir = (output_dir or manifest.parent).absolute()
    the_plan = plan(ws, read_manifest(manifest), out_dir, issue=issue, manifest=manifest, pdf=pdf,
                    replace_issued=replace_issued, strict=strict)
    if dry_run:
        report = dry_run_report(the_plan)
    else:
        with progress_reporter(len(the_plan.ready), _("rendering")) as progress:
            report = run(ws, the_plan, jobs=jobs or default_jobs(), pdf=pdf, archive=not no_archive,
                         progress=progress)
    echo_report(report)
    if not report.ok:
        ctx.exit(1)


@cli.group()
def conference() -> None:
    """A conference's whole pack of documents from one description.

    Example:

        paperwork conference example > hoi-nghi.yaml

        paperwork conference build hoi-nghi.yaml -o hoi-nghi --issue
    """


@conference.command("example")
def conference_example() -> None:
    """Print a complete conference description (YAML, every section explained).

    It is the 2023 conference of the emulation cluster of the 13 Sở Nội vụ of
    the Southwest, in Bạc Liêu; each section has the shape of that kind's
    `paperwork example`.

    Example:

        paperwork conference example > hoi-nghi.yaml
    """
    from ..conference import example

    click.echo(example(), nl=False)


@conference.command("build")
@click.argument("description", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output-dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help=N_("Folder for the pack."))
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help=N_("Worker processes rendering the documents (default: all cores)."))
@click.option("--issue", is_flag=True, help=N_("Issue register numbers to the numbered documents."))
@click.option("--no-archive", is_flag=True, help=N_("Do not store the documents in the archive."))
@click.option("--strict", is_flag=True, help=N_("A căn cứ not in force on a document's date is an error, not a warning."))
@click.pass_context
def conference_build(ctx: click.Context, description: Path, output_dir: Path, jobs: int | None, issue: bool,
                     no_archive: bool, strict: bool) -> None:
    """Make every document of the conference DESCRIPTION into OUTPUT_DIR.

    Invitations (one per guest and member unit but the host), the covenant,
    the reward decisions with their lists, a certificate per awardee, the
    minutes draft, and pack.md listing every file with its number. Building
    the same description again issues no new numbers.

    Example:

        paperwork conference build hoi-nghi.yaml -o hoi-nghi --issue
    """
    from ..conference import build_pack
    from ..pipeline import default_jobs

    ws = get_workspace(ctx)
    state: dict[str, int] = {}
    with _deferred_progress(state) as (progress, total):
        report = build_pack(ws, description, output_dir.absolute(), issue=issue, jobs=jobs or default_jobs(),
                            archive=not no_archive, progress=progress, total=total, strict=strict)
    echo_report(report)
    if report.index is not None:
        click.echo(_("wrote {index}").format(index=report.index))
    if not report.ok:
        ctx.exit(1)


@contextmanager
def _deferred_progress(state: dict[str, int]):
    """A progress reporter whose length is given later (once the pack is planned)."""
    stack: list = []

    def total(n: int) -> None:
        cm = progress_reporter(n, _("rendering"))
        stack.append(cm)
        state["update"] = 0
        stack.append(cm.__enter__())

    def progress(n: int) -> None:
        if len(stack) == 2:
            stack[1](n)

    try:
        yield progress, total
    finally:
        if stack:
            stack[0].__exit__(None, None, None)
