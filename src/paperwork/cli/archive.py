"""Commands over the archive: ``archive add|import|ocr|show|text|verify|reindex|stats`` and ``search``.

Thin: parse the options, call ``paperwork.archive.service``, format the result.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click

from ..archive.names import ENGINES, REINDEX
from ..errors import ArchiveError, InputError, PaperworkError
from ..i18n import N_, _
from . import cli, get_workspace

_MARK = re.compile(r"«([^»]*)»")


def _parse_date(value: str | None, option: str) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(_("{value!r} is not a date (YYYY-MM-DD)").format(value=value), field=option) from None


def _is_tty(err: bool = False) -> bool:
    return (sys.stderr if err else sys.stdout).isatty()


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _human_size(size: int | None) -> str:
    if size is None:
        return "?"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


def _record_dict(ws, record) -> dict[str, object]:
    from ..archive.service import stored_path

    data = record.to_dict()
    data["stored_path"] = str(stored_path(ws, record))
    if record.pdfa_path:
        data["pdfa_path"] = str(ws.archive / record.pdfa_path)
    return data


def _signatures_line(found: dict | None) -> str | None:
    """A signed PDF's check in one line: the verdict, then each signer with the time and its own verdict."""
    if not found:
        return None
    parts = []
    for sig in found.get("signatures", ()):
        who = sig.get("signer") or "?"
        if sig.get("organisation"):
            who += f" ({sig['organisation']})"
        parts.append(f"{who}, {sig.get('signing_time') or '?'}: {sig.get('verdict')}")
    return f"{found.get('verdict')}" + (f" — {'; '.join(parts)}" if parts else "")


_OCR_NOTES = {
    "partial": N_("[OCR: some pages have no text, see below]"),
    "failed": N_("[OCR failed: not searchable by content]"),
    "unavailable": N_("[OCR unavailable: not searchable by content]"),
}


def _text_note(result) -> str:
    state = result.record.ocr
    if state in _OCR_NOTES:
        return "  " + _(_OCR_NOTES[state])
    if state == "done":
        return "  [OCR]" if result.has_text else "  " + _("[OCR found no text]")
    return "" if result.has_text else "  " + _("[no text layer: not searchable by content]")


# Ids are 1 to the largest integer SQLite holds: any other cannot be in the archive (and
# overflows SQLite's integer binding), so it gets the answer an unknown id gets, in one line.
_MAX_ID = 2**63 - 1


def _doc_id(ctx: click.Context, param: click.Parameter, value: int) -> int:
    if not 1 <= value <= _MAX_ID:  # ids start at 1
        raise InputError(_("no document with id {value} in the archive").format(value=value))
    return value


def _describe(record) -> str:
    parts = [p for p in (record.type, record.number, record.date and record.date.isoformat()) if p]
    return ", ".join(parts) or _("no metadata detected")


@cli.group("archive")
def archive() -> None:
    """Store documents once by SHA-256, catalogue them, check and rebuild the index.

    Example:

        paperwork archive add qd-05.docx bien-ban.pdf

        paperwork archive verify
    """


@archive.command("create")
@click.pass_context
def create(ctx) -> None:
    """Start a new, empty catalog (register and archive) where the workspace's is missing.

    `paperwork init` makes the catalog; no other command ever makes one, so
    an archive folder that is unmounted or moved is reported instead of being
    replaced by an empty register that would give out numbers again. Run this
    only to start afresh on purpose; an existing catalog is never touched.

    Example:

        paperwork archive create
    """
    from ..db import create as create_catalog

    ws = get_workspace(ctx)
    create_catalog(ws.catalog_path)
    click.echo(_("Created an empty catalog: {catalog_path}").format(catalog_path=ws.catalog_path))


def _workers_option(f):
    return click.option(
        "--workers", "queue", metavar="URL", default=None,
        help=N_("OCR the scans on `paperwork worker`s of this Redis queue, redis://HOST:PORT/DB "
             "(default: [ocr] workers in paperwork.toml, else here)."),
    )(f)


@archive.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=True))
@click.option("--type", "doc_type", help=N_('Tên loại, e.g. "Quyết định" (else read from the text).'))
@click.option("--number", help=N_('Số, ký hiệu, e.g. "05/QĐ-SNV" (else read from the "Số:" line).'))
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help=N_("Date of issue (else read from the date line)."))
@click.option("--agency", help=N_("Issuing agency (else the capital lines of the header)."))
@click.option("--title", help=N_("Trích yếu (else the line under the type heading)."))
@click.option("--signer", help=N_("Who signed it."))
@click.option(
    "--source",
    type=click.Choice(["imported", "generated", "scanned"]),
    default="imported",
    show_default=True,
    help=N_("Where the document comes from."),
)
@click.option(
    "--ocr",
    "ocr_mode",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help=N_("OCR scans: auto = images and PDFs whose text layer is missing, too short or garbled."),
)
@click.option(
    "--ocr-timeout",
    type=float,
    metavar="SECONDS",
    help=N_("Give up OCR of a page after this long (default: [ocr] page_timeout, else 120)."),
)
@click.option(
    "--ocr-jobs", type=int, metavar="N", help=N_("Pages OCRed at once (default: [ocr] jobs, else every core).")
)
@_workers_option
@click.option("--json", "as_json", is_flag=True, help=N_("Print the records as JSON."))
@click.pass_context
def add(
    ctx, files, doc_type, number, date_text, agency, title, signer, source, ocr_mode, ocr_timeout, ocr_jobs, queue,
    as_json
) -> None:
    """Copy FILE... (.docx, .pdf, .png, .jpg, .tif) into the archive and record them in the catalog.

    The same bytes are stored once: adding a file again reports its existing id.
    Metadata not given here is read from the text. A file that cannot be read is
    named on stderr with the reason; the others are still added (exit status 1).

    Scans (images, PDFs without a usable text layer) are OCRed in Vietnamese:
    the original is kept untouched and a PDF/A-2b copy with a text layer is
    stored beside it. A page or file whose OCR fails or runs past the time limit
    is named on stderr (exit status 1); without OCR installed, scans are stored
    without text and a note says how to install it.

    Example:

        paperwork archive add qd-05.docx giay-moi.pdf

        paperwork archive add scan.pdf --type "Biên bản" --date 2023-03-06 --json

        paperwork archive add scans/*.tif --source scanned --ocr-timeout 300
    """
    from ..archive.ocr import OcrSettings
    from ..archive.service import DocumentMeta, add_files

    ws = get_workspace(ctx)
    meta = DocumentMeta(
        type=doc_type,
        number=number,
        date=_parse_date(date_text, "--date"),
        agency=agency,
        title=title,
        signer=signer,
    )
    ocr = OcrSettings(
        mode=ocr_mode,
        page_timeout=ws.ocr_page_timeout if ocr_timeout is None else ocr_timeout,
        jobs=ws.ocr_jobs if ocr_jobs is None else ocr_jobs,
        queue=queue or ws.ocr_workers,
    )
    paths = [Path(f).absolute() for f in files]
    report = add_files(ws, paths, meta, source=source, ocr=ocr)
    shown = {p: f for p, f in zip(paths, files)}
    if as_json:
        _echo_json(
            [
                {**_record_dict(ws, r.record), "duplicate": r.duplicate, "ocr_problems": list(r.ocr_problems)}
                for r in report.added
            ]
        )
    else:
        for result in report.added:
            name = shown.get(result.source_path, result.source_path)
            if result.duplicate:
                click.echo(_("exists #{id}  {name}  (already archived)").format(
                    id=result.record.id, name=name
                ))
            else:
                click.echo(_("added  #{id}  {name}  {describe}{text_note}").format(
                    id=result.record.id, name=name, describe=_describe(result.record),
                    text_note=_text_note(result)
                ))
    for failure in report.failed:
        click.echo(f"{shown.get(failure.path, failure.path)}: {failure.reason}", err=True)
    for result in report.added:
        for problem in result.ocr_problems:
            click.echo(f"{shown.get(result.source_path, result.source_path)}: {problem}", err=True)
    if report.ocr_unavailable is not None:
        unread = sum(1 for r in report.added if r.record.ocr == "unavailable" and not r.duplicate)
        click.echo(_("Note: {unread} scan(s) stored without text. {ocr_unavailable}").format(
            unread=unread, ocr_unavailable=report.ocr_unavailable
        ), err=True)
    if report.index_error is not None:
        raise ArchiveError(report.index_error)
    if not report.ok:
        ctx.exit(1)


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


@contextmanager
def _rate_progress(total: int, label: str):
    """A bar with files/s and ETA on a terminal; else a line every tenth of the way or 30 s."""
    if total <= 0:
        yield lambda n: None
        return
    start = time.monotonic()
    done = [0]

    def rate() -> float:
        elapsed = time.monotonic() - start
        return done[0] / elapsed if elapsed > 0 else 0.0

    if _is_tty(err=True):
        with click.progressbar(length=total, label=label, file=sys.stderr, show_eta=True, show_pos=True,
                               item_show_func=lambda item: _("{rate:.1f} files/s").format(rate=rate()) if done[0] else None) as bar:

            def update(n: int) -> None:
                done[0] += n
                bar.update(n, done[0])

            yield update
        return
    shown = {"done": 0, "at": start}
    step = max(1, total // 10)

    def line(n: int) -> None:
        done[0] += n
        now = time.monotonic()
        if done[0] - shown["done"] >= step or now - shown["at"] >= 30 or done[0] == total:
            shown.update(done=done[0], at=now)
            speed = rate()
            eta = (_(", about {duration} left").format(duration=_duration((total - done[0]) / speed))
                   if speed and done[0] < total else "")
            click.echo(_("{label} {done}/{total} ({speed:.1f} files/s{eta})").format(
                label=label, done=done[0], total=total, speed=speed, eta=eta
            ), err=True)

    yield line


def _import_line(item) -> str:
    cells = [item.status, f"#{item.doc_id}" if item.doc_id else "", item.file, item.number or ""]
    if item.row:
        cells.append(f"(row {item.row})")
    if item.reason:
        cells.append(f"— {item.reason}")
    return "  ".join(c for c in cells if c)


@archive.command("import")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--inventory", type=click.Path(path_type=Path), metavar="FILE.xlsx|.csv",
              help=N_("The mục lục: one row per file (Tên tệp, Số và ký hiệu, Ngày, Tác giả, Trích yếu, Hồ sơ)."))
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help=N_("Pages OCRed at once (default: [ocr] jobs, else every core)."))
@click.option("--ocr", "ocr_mode", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help=N_("OCR scans, as in `archive add`."))
@click.option("--ocr-timeout", type=float, metavar="SECONDS",
              help=N_("Give up OCR of a page after this long (default: [ocr] page_timeout, else 120)."))
@click.option("--report", "report_path", type=click.Path(path_type=Path), metavar="FILE.csv",
              help=N_("Where the report goes (default: import-report-YYYYMMDD-HHMMSS.csv in the current folder)."))
@_workers_option
@click.option("--dry-run", is_flag=True, help=N_("Check the inventory and list what would be added; write nothing."))
@click.pass_context
def import_folder(ctx, folder, inventory, jobs, ocr_mode, ocr_timeout, report_path, queue, dry_run) -> None:
    """Add every document under FOLDER (typed and scanned), with metadata from an inventory.

    Walks FOLDER and its subfolders (hidden files, the archive itself and links
    leading out of FOLDER are left alone) and adds each .docx, PDF and scan as
    `archive add` does. With --inventory, each file's số và ký hiệu, date,
    agency, trích yếu and hồ sơ come from its row; a bad row (a file not in
    FOLDER, a file listed twice, a date that is not one) is named with its row
    and column and nothing is added (exit status 2).

    It can be stopped (Ctrl-C, even kill -9) and run again: files imported
    earlier are not read again and nothing is added twice. The report (file,
    status, id, number, dossier, row, reason) is written as CSV; exit status 1
    if any file failed.

    Example:

        paperwork archive import scans/2015 --inventory scans/2015/muc-luc.xlsx --dry-run

        paperwork archive import scans/2015 --inventory scans/2015/muc-luc.xlsx --report 2015.csv

        paperwork archive import scans/2015 --workers redis://10.0.0.5:6379/0
    """
    from ..archive.importer import ADDED, ALREADY_THERE, FAILED, SKIPPED, WOULD_ADD
    from ..archive.importer import InventoryError, dry_run as dry_run_import, plan_import, run_import, write_report
    from ..archive.ocr import OcrSettings
    from ..files import check_target

    ws = get_workspace(ctx)
    ocr = OcrSettings(
        mode=ocr_mode,
        page_timeout=ws.ocr_page_timeout if ocr_timeout is None else ocr_timeout,
        jobs=ws.ocr_jobs if jobs is None else jobs,
        queue=queue or ws.ocr_workers,
    )
    if report_path is None:
        report_path = Path(f"import-report-{datetime.datetime.now():%Y%m%d-%H%M%S}.csv")
    if not dry_run:  # refused now, not after hours of work
        check_target(report_path)
        parent = report_path.absolute().parent
        if not parent.is_dir() or not os.access(parent, os.W_OK):
            raise InputError(_("cannot write the report into {parent}").format(parent=parent), field="--report")
    try:
        plan = plan_import(ws, folder, inventory=inventory, exclude=[report_path])
    except InventoryError as e:
        for problem in e.problems[:-1]:
            click.echo(_("Error: {problem}").format(problem=problem), err=True)
        raise e.problems[-1] from None
    if plan.inventory is not None:
        ignored = (_("; ignored: {columns}").format(columns=", ".join(plan.inventory.ignored))
                   if plan.inventory.ignored else "")
        click.echo(_("Inventory {inventory}: {count} files listed; columns: {items}{ignored}").format(
            inventory=inventory, count=len(plan.inventory.rows),
            items=', '.join(h for h, _ in plan.inventory.columns), ignored=ignored
        ), err=True)
    if plan.killed_runs:
        click.echo(_("Note: an earlier import of {folder} was killed before it ended; it goes on from "
                     "where it stopped. The documents of its last batch may be missing from the search "
                     "index: {REINDEX} once this import is done (`paperwork archive verify` says "
                     "whether it is needed).").format(folder=folder, REINDEX=_(REINDEX)), err=True)
    if dry_run:
        with _rate_progress(len(plan.todo), _("Checking")) as progress:
            report = dry_run_import(ws, plan, progress=progress)
        for item in report.items:
            click.echo(_import_line(item))
        click.echo(_("dry run: {count} would be added, {count2} already there, {count3} would fail, "
                     "{count4} skipped; nothing written").format(
            count=report.count(WOULD_ADD), count2=report.count(ALREADY_THERE), count3=report.count(FAILED),
            count4=report.count(SKIPPED)
        ))
        if not report.ok:
            ctx.exit(1)
        return
    collected: list = []
    try:
        with _rate_progress(len(plan.todo), _("Importing")) as progress:
            report = run_import(ws, plan, ocr=ocr, progress=progress, on_item=collected.append)
    except BaseException:
        try:
            write_report(report_path, collected)
            where = _("the report so far is in {path}").format(path=report_path)
        except PaperworkError as e:
            where = _("no report ({error})").format(error=e)
        click.echo(_("Stopped after {count} of {value} files; {where}. Run the same command again to go on.").format(
            count=len(collected), value=len(plan.files) + len(plan.refused), where=where
        ), err=True)
        raise
    write_report(report_path, report.items)
    for item in report.items:
        if item.status == FAILED or item.problem:
            click.echo(f"{item.file}: {item.reason}", err=True)
    if report.ocr_unavailable is not None:
        unread = sum(1 for i in report.items if i.status == ADDED and i.ocr == "unavailable")
        click.echo(_("Note: {unread} scan(s) stored without text. {ocr_unavailable}").format(
            unread=unread, ocr_unavailable=report.ocr_unavailable
        ), err=True)
    click.echo(_("{folder}: {count} added, {count2} already there, {count3} failed, {count4} skipped; "
                 "report: {report_path}").format(
        folder=folder, count=report.count(ADDED), count2=report.count(ALREADY_THERE),
        count3=report.count(FAILED), count4=report.count(SKIPPED), report_path=report_path
    ))
    if report.index_error is not None:
        raise ArchiveError(report.index_error)
    if not report.ok:
        ctx.exit(1)


@archive.command("ocr")
@click.argument("doc_ids", metavar="[ID]...", nargs=-1, type=int, callback=lambda ctx, param, ids: tuple(
    _doc_id(ctx, param, i) for i in ids))
@click.option("--all-missing", is_flag=True, help=N_("Every document whose OCR was unavailable, skipped, failed or partial."))
@click.option(
    "--ocr-timeout",
    type=float,
    metavar="SECONDS",
    help=N_("Give up OCR of a page after this long (default: [ocr] page_timeout, else 120)."),
)
@click.option(
    "--ocr-jobs", type=int, metavar="N", help=N_("Pages OCRed at once (default: [ocr] jobs, else every core).")
)
@_workers_option
@click.pass_context
def ocr(ctx, doc_ids, all_missing, ocr_timeout, ocr_jobs, queue) -> None:
    """OCR stored documents ID... again (or --all-missing), from their untouched originals.

    For scans stored while OCR was not installed, with --ocr never, or whose OCR
    failed or ran past the time limit: the PDF/A-2b copy is made as `archive add`
    makes it, and the text, the OCR state and the metadata nobody gave are
    catalogued and indexed. A document that cannot be OCRed is named on stderr
    with its id; the others go on (exit status 1).

    Example:

        paperwork archive ocr 12 15

        paperwork archive ocr --all-missing --ocr-timeout 300
    """
    from ..archive.ocr import OcrSettings
    from ..archive.service import missing_text_ids, ocr_documents

    if not doc_ids and not all_missing:
        raise InputError(_("give the IDs of the documents to OCR, or --all-missing"))
    ws = get_workspace(ctx)
    settings = OcrSettings(
        page_timeout=ws.ocr_page_timeout if ocr_timeout is None else ocr_timeout,
        jobs=ws.ocr_jobs if ocr_jobs is None else ocr_jobs,
        queue=queue or ws.ocr_workers,
    )
    ids = list(doc_ids) + (missing_text_ids(ws) if all_missing else [])
    if not ids:
        click.echo(_("No documents are missing their OCR text."))
        return
    report = ocr_documents(ws, ids, ocr=settings)
    for result in report.results:
        record = result.record
        for problem in result.ocr_problems:
            click.echo(_("id {id} ({filename}): {problem}").format(
                id=record.id, filename=record.filename, problem=problem
            ), err=True)
        if result.updated:
            click.echo(_("ocr    #{id}  {filename}  {describe}{text_note}").format(
                id=record.id, filename=record.filename, describe=_describe(record),
                text_note=_text_note(result)
            ))
    if report.index_error is not None:
        raise ArchiveError(report.index_error)
    if not report.ok:
        ctx.exit(1)


@archive.command("show")
@click.argument("doc_id", metavar="ID", type=int, callback=_doc_id)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the record as JSON."))
@click.pass_context
def show(ctx, doc_id: int, as_json: bool) -> None:
    """Show all metadata of document ID, with the path and SHA-256 of its stored copy.

    Example:

        paperwork archive show 12

        paperwork archive show 12 --json
    """
    from ..archive.service import get_document

    ws = get_workspace(ctx)
    data = _record_dict(ws, get_document(ws, doc_id))
    if as_json:
        _echo_json(data)
        return
    data["signatures"] = _signatures_line(data["signatures"])
    width = max(len(key) for key in data) + 1
    for key, value in data.items():
        click.echo(f"{key + ':':<{width}} {'' if value is None else value}".rstrip())


@archive.command("text")
@click.argument("doc_id", metavar="ID", type=int, callback=_doc_id)
@click.pass_context
def text(ctx, doc_id: int) -> None:
    """Print the text extracted from document ID.

    Example:

        paperwork archive text 12 | less
    """
    from ..archive.service import document_text

    click.echo(document_text(get_workspace(ctx), doc_id))


@archive.command("verify")
@click.pass_context
def verify(ctx) -> None:
    """Re-hash every stored file and check the catalog, the files and the index agree.

    Names each problem (modified or missing file, stray file, document missing
    from the index …) with its id; exit status 1 if there is any.

    Example:

        paperwork archive verify
    """
    from ..archive.upkeep import verify as verify_archive

    report = verify_archive(get_workspace(ctx))
    for problem in report.problems:
        click.echo(problem.message)
    if not report.ok:
        repairable = {"not-indexed", "not-catalogued", "index", "leftover", "stray"}
        hint = _(REINDEX) if {p.kind for p in report.problems} <= repairable else (
            _("restore modified or missing files from a backup, then {REINDEX}").format(REINDEX=_(REINDEX)))
        raise ArchiveError(_("{count} problem(s) in the archive: {hint}").format(
            count=len(report.problems), hint=hint
        ))
    click.echo(
        _("OK: {documents} documents, {files_checked} files verified, index in step ({value} documents).").format(
            documents=report.documents, files_checked=report.files_checked,
            value=report.index_documents or 0
        )
    )


@archive.command("reindex")
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=None,
    help=N_("Rebuild with this search engine and make it the workspace's (paperwork.toml). "
    "tantivy stays fast at 100,000 documents; it needs: pip install 'paperwork[tantivy]'."),
)
@click.pass_context
def reindex(ctx, engine: str | None) -> None:
    """Rebuild the search index from the catalog (and tidy up after an interrupted add).

    With --engine, the index is rebuilt with that engine and the choice is saved in
    paperwork.toml ([archive] engine); the old index serves searches until the new
    one is complete.

    Example:

        paperwork archive reindex

        paperwork archive reindex --engine tantivy
    """
    from ..archive.upkeep import reindex as reindex_archive

    ws = get_workspace(ctx)
    if _is_tty(err=True):
        state: dict[str, object] = {}

        def total(n: int) -> None:
            bar = click.progressbar(length=n, label=_("Indexing"), file=click.get_text_stream("stderr"))
            state["bar"] = bar.__enter__()

        def progress(done: int) -> None:  # done so far, not since the last call
            bar = state["bar"]
            bar.update(done - bar.pos)

        try:
            report = reindex_archive(ws, progress, total=total, engine=engine)
        finally:
            if "bar" in state:
                state["bar"].__exit__(None, None, None)
    else:
        report = reindex_archive(ws, engine=engine)
    if report.removed_temps:
        click.echo(_("Removed {removed_temps} leftover copies of an interrupted add.").format(
            removed_temps=report.removed_temps
        ))
    if report.adopted:
        ids = ", ".join(f"#{i}" for i in report.adopted)
        click.echo(_("Catalogued {count} stored file(s) an interrupted add left: {ids}.").format(
            count=len(report.adopted), ids=ids
        ))
    click.echo(_("Reindexed {indexed} documents.").format(indexed=report.indexed))
    if report.switched:
        click.echo(_("Search engine is now {engine} (saved in paperwork.toml).").format(engine=report.engine))
    for problem in report.skipped:
        click.echo(problem.message, err=True)
    if report.skipped:
        raise ArchiveError(_("{count} stray file(s) left as they are; see above").format(
            count=len(report.skipped)
        ))


@archive.command("stats")
@click.option("--json", "as_json", is_flag=True, help=N_("Print the figures as JSON."))
@click.pass_context
def stats(ctx, as_json: bool) -> None:
    """Count documents by type, year and source; the search engine, index size.

    Recommends the faster engine when the archive has grown past the size at
    which the default one (Whoosh) becomes slow.

    Example:

        paperwork archive stats
    """
    from ..archive.upkeep import stats as archive_stats

    s = archive_stats(get_workspace(ctx))
    if as_json:
        _echo_json(
            {
                "documents": s.documents,
                "total_size": s.total_size,
                "by_type": {k or "": n for k, n in s.by_type},
                "by_year": {k or "": n for k, n in s.by_year},
                "by_source": {k or "": n for k, n in s.by_source},
                "index": {
                    "state": s.index_state,
                    "engine": s.engine,
                    "built_by": s.index_engine,
                    "documents": s.index_documents,
                    "size": s.index_size,
                    "unreferenced_files": s.index_unreferenced_files,
                    "unreferenced_bytes": s.index_unreferenced_bytes,
                },
                "recommendation": s.recommendation,
            }
        )
        return

    def counts(pairs) -> str:
        return ", ".join(f"{key or _('(unknown)')} {n}" for key, n in pairs) or "-"

    click.echo(_("Documents:  {documents} ({human_size})").format(
        documents=s.documents, human_size=_human_size(s.total_size)
    ))
    click.echo(_("By type:    {counts}").format(counts=counts(s.by_type)))
    click.echo(_("By year:    {counts}").format(counts=counts(s.by_year)))
    click.echo(_("By source:  {counts}").format(counts=counts(s.by_source)))
    if s.index_state == "ok":
        click.echo(_("Index:      {index_documents} documents ({human_size}, {engine})").format(
            index_documents=s.index_documents, human_size=_human_size(s.index_size), engine=s.engine
        ))
    else:
        click.echo(_("Index:      {index_state}").format(index_state=s.index_state))
        click.echo(_("Engine:     {engine}").format(engine=s.engine))
    if s.recommendation:
        click.echo(_("Advice:     {recommendation}").format(recommendation=s.recommendation))


def _highlight(snippet: str, tty: bool) -> str:
    if not tty:
        return snippet
    return _MARK.sub(lambda m: click.style(m.group(1), bold=True), snippet)


@cli.command("search")
@click.argument("query", nargs=-1)
@click.option("--type", "doc_type", help=N_('Tên loại, e.g. "Quyết định".'))
@click.option("--year", type=int, help=N_("Year of issue."))
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help=N_("Issued on or after this date."))
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help=N_("Issued on or before this date."))
@click.option("--agency", help=N_("Words of the issuing agency."))
@click.option("--number", help=N_('The whole số, ký hiệu, e.g. "05/QĐ-SNV".'))
@click.option("--limit", type=int, default=20, show_default=True, help=N_("At most this many hits."))
@click.option(
    "--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the hits as JSON."))
@click.pass_context
def search(ctx, query, doc_type, year, date_from, date_to, agency, number, limit, sort, as_json) -> None:
    """Search the archive: words (with or without diacritics), "phrases", word~ for typos.

    Inline filters: type:"Quyết định" year:2023 agency:"Bến Tre" number:05/QĐ-SNV.
    With no words, lists what the filters select, newest first.

    Example:

        paperwork search khen thưởng --type "Quyết định" --year 2023

        paperwork search '"giao ước thi đua"' agency:"Bến Tre" --json
    """
    from ..archive.searching import search as search_archive

    hits = search_archive(
        get_workspace(ctx),
        " ".join(query),
        type=doc_type,
        year=year,
        date_from=_parse_date(date_from, "--from"),
        date_to=_parse_date(date_to, "--to"),
        agency=agency,
        number=number,
        limit=limit,
        sort=sort,
    )
    if as_json:
        from ..archive.service import signature_verdicts

        keys = ("id", "filename", "title", "type", "number", "date", "agency", "score", "snippet")
        signed = signature_verdicts(get_workspace(ctx), [hit.id for hit in hits])
        _echo_json([{**{key: getattr(hit, key) for key in keys}, "signatures": signed.get(hit.id)} for hit in hits])
        return
    if not hits:
        click.echo(_("No documents found."))
        return
    tty = _is_tty()
    for hit in hits:
        cells = [f"#{hit.id}", hit.number or "-", hit.date or "-", hit.type or "-", hit.title or hit.filename]
        click.echo("  ".join(cells))
        if hit.snippet:
            click.echo(f"    {_highlight(hit.snippet, tty)}")


@cli.command("worker")
@click.option("--broker", "url", metavar="URL", default=None,
              help=N_("The queue's Redis URL (default: [ocr] workers in paperwork.toml)."))
@click.option("-c", "--concurrency", type=click.IntRange(min=1), default=None,
              help=N_("Scans OCRed at once on this machine (default: every core)."))
@click.option("--name", default=None, help=N_("This worker's name in the queue (default: celery@HOST)."))
@click.pass_context
def worker(ctx, url: str | None, concurrency: int | None, name: str | None) -> None:
    """OCR scans for the workspaces that share a queue, until stopped (Ctrl-C).

    Run it on every machine that should take a share of a large import's OCR:
    the machine must see the workspace's archive folder at the same path (a
    network share) and reach the Redis broker. `archive add`, `archive ocr`
    and `archive import` hand their scans to the queue with --workers URL
    or [ocr] workers = "redis://HOST:6379/0".

    Example:

        paperwork worker --broker redis://10.0.0.5:6379/0 -c 2
    """
    from ..archive.workers import run_worker

    url = url or get_workspace(ctx).ocr_workers
    if not url:
        raise InputError(_("give --broker redis://HOST:PORT/DB, or set [ocr] workers in paperwork.toml"))
    run_worker(url, concurrency=concurrency, name=name)
