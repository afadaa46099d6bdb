"""Commands over the records: the incoming register (``incoming …``) and the audit trail (``log``).

Thin: parse the options, call ``paperwork.records``, format the result.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import ArchiveError, InputError
from ..i18n import N_, _
# paperwork.records.incoming (sqlite3, the archive service …) is imported inside the
# commands: `paperwork search` and the others do not pay for it at start-up.
from . import cli, get_workspace

_PRIORITY_HELP = N_("Độ khẩn: thường (default), khẩn, thượng khẩn or hỏa tốc (diacritics optional).")


def _date(value: str | None, option: str):
    from ..records.incoming import parse_date

    return parse_date(value, option)


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _table(heads: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(len(heads))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(heads), line(tuple("-" * w for w in widths)), *map(line, rows)]) + "\n"


def _short(text: str | None, width: int = 50) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _ddmm(d) -> str:
    return f"{d:%d/%m/%Y}" if d else ""


def _state(e, today) -> str:
    if e.done_on is not None:
        return f"đã giải quyết {_ddmm(e.done_on)}" + (f" ({e.reply})" if e.reply else "")
    if e.is_overdue(today):
        return f"quá hạn {(today - e.due).days} ngày"
    return "đang giải quyết" if e.to_places else "chưa chuyển"


@cli.group("incoming")
def incoming() -> None:
    """The incoming-document register (sổ đăng ký văn bản đến): số đến, routing, deadlines.

    Every arriving document, paper (scanned) or electronic, is stored in the
    archive and given the next số đến of the year it was received, from 01 on
    1 January. A number is given once and never taken back.

    Example:

    \b
        paperwork incoming add cv-125-bnv.pdf --to "Phòng Công chức" --due 2026-02-20
        paperwork incoming list --year 2026 --format xlsx -o so-den-2026.xlsx
    """


@incoming.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=True))
@click.option("--from", "organ", metavar="AGENCY", help=N_("Tác giả: the issuing agency (else read from the header)."))
@click.option("--number", help=N_('Số, ký hiệu, e.g. "125/QĐ-BNV" (else read from the "Số:" line).'))
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help=N_("The document's date (else read from its date line)."))
@click.option("--title", help=N_("Trích yếu (else read from the text)."))
@click.option("--type", "type_name", help=N_('Tên loại, e.g. "Công văn" (else read from the text).'))
@click.option("--signer", help=N_("Who signed it, if known."))
@click.option("--received", metavar="YYYY-MM-DD", help=N_("Ngày đến: the day it arrived (default: today)."))
@click.option("--to", "to", metavar="UNIT", help=N_("Pass it at once to this unit or person (Chuyển)."))
@click.option("--due", metavar="YYYY-MM-DD", help=N_("Hạn giải quyết: when it must be handled."))
@click.option("--priority", default="thường", show_default=True, help=_PRIORITY_HELP)
@click.option("--dossier", metavar="CODE", help=N_("Số và ký hiệu hồ sơ, e.g. 01.TCCB: on the ĐẾN stamp, and the "
                                                    "document is filed into it when the year has a Danh mục hồ sơ."))
@click.option("--duplicate-ok", is_flag=True, help=N_("Record a second arrival of a registered document (Ghi chú says so)."))
@click.option("--source", type=click.Choice(["imported", "scanned"]), default="imported", show_default=True,
              help=N_("scanned: a paper document scanned here."))
@click.option("--ocr", "ocr_mode", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help=N_("OCR scans, as `archive add` does."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the entries as JSON (with the Phụ lục VI fields)."))
@click.pass_context
def add(ctx, files, organ, number, date_text, title, type_name, signer, received, to, due, priority, dossier,
        duplicate_ok, source, ocr_mode, as_json) -> None:
    """Store FILE... in the archive and give each the next số đến of the year it arrived.

    Values not given are read from the document (number, date, agency, title),
    as `archive add` reads them; scans are OCRed. The số đến and the data of the
    ĐẾN stamp are printed. A second arrival of the same số, ký hiệu and agency
    (or of the same file) is refused with the first one's số đến (exit status 2)
    unless --duplicate-ok; a file that cannot be read gets no number (exit 1).

    Example:

    \b
        paperwork incoming add cv-125-bnv.pdf
        paperwork incoming add scan.pdf --source scanned --from "Bộ Nội vụ" --number "125/QĐ-BNV" \\
            --date 2026-02-03 --received 2026-02-05 --to "Phòng Công chức" --due 2026-02-20 --priority khẩn
    """
    from ..archive.ocr import OcrSettings
    from ..records.incoming import Arrival, add as add_incoming

    ws = get_workspace(ctx)
    arrival = Arrival(
        organ=organ, number=number, date=_date(date_text, "--date"), title=title, type_name=type_name,
        signer=signer, received=_date(received, "--received"), to=to, due=_date(due, "--due"),
        priority=priority, dossier=dossier,
    )
    ocr = OcrSettings(mode=ocr_mode, page_timeout=ws.ocr_page_timeout, jobs=ws.ocr_jobs)
    report = add_incoming(ws, [Path(f) for f in files], arrival, duplicate_ok=duplicate_ok, source=source, ocr=ocr)
    shown = {Path(f).absolute(): f for f in files}
    if as_json:
        _echo_json([{**r.entry.as_dict(), "stamp": r.entry.stamp(ws.agency.name).as_dict(),
                     "stored_before": r.stored_before} for r in report.registered])
    else:
        for r in report.registered:
            e = r.entry
            click.echo(_("số đến {arrival_number} of {year}: {get} (archive id {archive_id})").format(
                arrival_number=e.arrival_number, year=e.year, get=shown.get(r.path, r.path),
                archive_id=e.archive_id
            ))
            described = ", ".join(p for p in (e.code, _ddmm(e.issued_date), e.organ) if p)
            summary = " ".join(p for p in (e.type_name, e.subject) if p)
            described = described or _("no số, date or agency found")
            click.echo(f"  {described}" + (f": {summary}" if summary else ""))
            if e.note:
                click.echo(_("  Ghi chú: {note}").format(note=e.note))
            for line in e.stamp(ws.agency.name).lines():
                click.echo(f"    {line}")
    if report.filed_into is not None:
        click.echo(_("filed into {dossier}").format(dossier=report.filed_into))
    for refused in report.refused:
        click.echo(_("Error: {get}: {reason}").format(
            get=shown.get(refused.path, refused.path), reason=refused.reason
        ), err=True)
    for failure in report.failed:
        click.echo(_("{get}: {reason}; no số đến given").format(
            get=shown.get(failure.path, failure.path), reason=failure.reason
        ), err=True)
    for r in report.registered:
        for problem in r.ocr_problems:
            click.echo(f"{shown.get(r.path, r.path)}: {problem}", err=True)
    if report.ocr_unavailable is not None:
        click.echo(_("Note: scans stored without text. {ocr_unavailable}").format(
            ocr_unavailable=report.ocr_unavailable
        ), err=True)
    if report.index_error is not None:
        raise ArchiveError(report.index_error)
    if report.refused:
        ctx.exit(2)
    if not report.ok:
        ctx.exit(1)


@incoming.command("route")
@click.argument("number", type=int)
@click.option("--year", type=int, required=True, help=N_("The year of the số đến."))
@click.option("--to", "to", metavar="UNIT", required=True, help=N_("The unit or person who handles it."))
@click.option("--due", metavar="YYYY-MM-DD", help=N_("Hạn giải quyết (default: the one it has)."))
@click.option("--on", "on", metavar="YYYY-MM-DD", help=N_("Ngày chuyển (default: today)."))
@click.pass_context
def route(ctx, number: int, year: int, to: str, due: str | None, on: str | None) -> None:
    """Pass số đến NUMBER of --year to a unit or person, with a deadline.

    Example:

    \b
        paperwork incoming route 7 --year 2026 --to "Phòng Công chức" --due 2026-02-20
    """
    from ..records.incoming import route as route_incoming

    ws = get_workspace(ctx)
    e = route_incoming(ws, year, number, to, due=_date(due, "--due"), on=_date(on, "--on"))
    if e.due:
        click.echo(_("số đến {number} of {year} passed to {to} on {date}, to be handled by {due}").format(
            number=e.arrival_number, year=e.year, to=e.to_places, date=_ddmm(e.routed_on), due=_ddmm(e.due)
        ))
    else:
        click.echo(_("số đến {number} of {year} passed to {to} on {date}").format(
            number=e.arrival_number, year=e.year, to=e.to_places, date=_ddmm(e.routed_on)
        ))


@incoming.command("done")
@click.argument("number", type=int)
@click.option("--year", type=int, required=True, help=N_("The year of the số đến."))
@click.option("--reply", metavar="ID", help=N_("The answer: its archive id, or the số of an outgoing document (12/CV-SNV)."))
@click.option("--on", "on", metavar="YYYY-MM-DD", help=N_("The day it was handled (default: today)."))
@click.pass_context
def done(ctx, number: int, year: int, reply: str | None, on: str | None) -> None:
    """Record that số đến NUMBER of --year was handled, and by which reply.

    Example:

    \b
        paperwork incoming done 7 --year 2026 --reply 12/CV-SNV
        paperwork incoming done 8 --year 2026 --reply 40
    """
    from ..records.incoming import mark_done

    ws = get_workspace(ctx)
    e = mark_done(ws, year, number, reply=reply, on=_date(on, "--on"))
    if e.reply:
        click.echo(_("số đến {number} of {year} handled on {date}, answered by {reply}").format(
            number=e.arrival_number, year=e.year, date=_ddmm(e.done_on), reply=e.reply
        ))
    else:
        click.echo(_("số đến {number} of {year} handled on {date}").format(
            number=e.arrival_number, year=e.year, date=_ddmm(e.done_on)
        ))


@incoming.command("overdue")
@click.option("--on", "on", metavar="YYYY-MM-DD", help=N_("Overdue as of this day (default: today)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the entries as JSON."))
@click.pass_context
def overdue(ctx, on: str | None, as_json: bool) -> None:
    """List the documents not handled whose deadline has passed, the most overdue first.

    Example:

    \b
        paperwork incoming overdue
        paperwork incoming overdue --on 2026-03-01 --json
    """
    from ..records import audit
    from ..records.incoming import overdue as overdue_entries

    ws = get_workspace(ctx)
    day = _date(on, "--on") or audit.today()
    late = overdue_entries(ws, day)
    if as_json:
        _echo_json([{**e.as_dict(), "days_overdue": (day - e.due).days} for e in late])
        return
    if not late:
        click.echo(_("Nothing is overdue on {ddmm}.").format(ddmm=_ddmm(day)))
        return
    heads = ("Số đến", "Ngày đến", "Số, ký hiệu", "Trích yếu", "Chuyển", "Hạn", "Quá hạn")
    rows = [(f"{e.arrival_number}/{e.year}", _ddmm(e.received), e.code, _short(e.subject, 40), e.to_places or "",
             _ddmm(e.due), f"{(day - e.due).days} ngày") for e in late]
    click.echo(_table(heads, rows), nl=False)


@incoming.command("list")
@click.option("--year", type=int, default=None, help=N_("Only this calendar year (default: all years)."))
@click.option("--format", "fmt", type=click.Choice(("table", "csv", "json", "xlsx")), default="table",
              show_default=True, help=N_("csv and xlsx have the ten columns of Decree 30, Phụ lục IV (mục VI)."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=N_("Write to FILE (atomically) instead of standard output; required for xlsx."))
@click.pass_context
def list_command(ctx, year: int | None, fmt: str, output: Path | None) -> None:
    """List the incoming register, by year and số đến.

    `csv` and `xlsx` give the register of Decree 30 (Phụ lục IV mục VI) ready to
    print and bind (A4 landscape, headings on every page, page numbers); a CSV
    file is written in UTF-8 with a BOM so Excel reads it; `json` rows carry the
    Phụ lục VI fields.

    Example:

    \b
        paperwork incoming list --year 2026
        paperwork incoming list --year 2026 --format csv -o so-den-2026.csv
        paperwork incoming list --year 2026 --format xlsx -o so-den-2026.xlsx
    """
    from ..export import incoming_csv_text, write_incoming_xlsx
    from ..files import write_atomic
    from ..records import audit
    from ..records.incoming import entries as incoming_entries

    ws = get_workspace(ctx)
    found = incoming_entries(ws, year)
    if fmt == "xlsx":
        if output is None:
            raise InputError(_("--format xlsx writes a file: give -o FILE.xlsx"))
        write_incoming_xlsx(found, output, year=year)
        click.echo(_("Wrote {count} entries to {output}").format(count=len(found), output=output), err=True)
        return
    if fmt == "json":
        text, encoding = json.dumps([e.as_dict() for e in found], ensure_ascii=False, indent=2) + "\n", "utf-8"
    elif fmt == "csv":
        text, encoding = incoming_csv_text(found), "utf-8-sig"
    elif found:
        today = audit.today()
        heads = ("Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Trích yếu", "Chuyển", "Tình trạng")
        rows = [(f"{e.arrival_number}/{e.year}", _ddmm(e.received), _short(e.organ, 24), e.code,
                 _short(e.subject, 40), e.to_places or "", _state(e, today)) for e in found]
        text, encoding = _table(heads, rows), "utf-8"
    else:
        text, encoding = _("The incoming register is empty.") + "\n", "utf-8"
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomic(output, text.encode(encoding))
    click.echo(_("Wrote {count} entries to {output}").format(count=len(found), output=output), err=True)


@incoming.command("show")
@click.argument("number", type=int)
@click.option("--year", type=int, required=True, help=N_("The year of the số đến."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the entry as JSON (with the Phụ lục VI fields)."))
@click.pass_context
def show(ctx, number: int, year: int, as_json: bool) -> None:
    """Show số đến NUMBER of --year: the document, its routing and the ĐẾN stamp.

    Example:

    \b
        paperwork incoming show 7 --year 2026
        paperwork incoming show 7 --year 2026 --json
    """
    from ..records import audit
    from ..records.incoming import get

    ws = get_workspace(ctx)
    e = get(ws, year, number)
    if as_json:
        _echo_json({**e.as_dict(), "stamp": e.stamp(ws.agency.name).as_dict()})
        return
    for label, value in (
        ("Số đến", f"{e.arrival_number} of {e.year}"), ("Ngày đến", _ddmm(e.received)),
        ("Tác giả", e.organ), ("Số, ký hiệu", e.code), ("Ngày văn bản", _ddmm(e.issued_date)),
        ("Tên loại", e.type_name), ("Trích yếu", e.subject), ("Người ký", e.signer),
        ("Số trang", str(e.pages) if e.pages else ""), ("Độ khẩn", e.priority),
        ("Chuyển", e.to_places), ("Ngày chuyển", _ddmm(e.routed_on)), ("Hạn giải quyết", _ddmm(e.due)),
        ("Tình trạng", _state(e, audit.today())), ("Ghi chú", e.remarks),
        ("Lưu trữ", f"id {e.archive_id} ({e.filename})"),
    ):
        if value:
            click.echo(f"{label + ':':<16}{value}")


# -- the audit trail -------------------------------------------------------------------------


def _actions() -> list[str]:
    from ..records.audit import ACTIONS

    return list(ACTIONS)


@cli.command("log")
@click.option("--doc", "doc_id", type=click.IntRange(min=1, max=2**63 - 1), metavar="ID",
              help=N_("Events on archive document ID (and the issue or arrival that brought it)."))
@click.option("--incoming", "incoming_number", type=int, metavar="N", help=N_("Events on số đến N (with --year)."))
@click.option("--year", type=int, help=N_("The year of --incoming."))
@click.option("--dossier", metavar="CODE", help=N_("Events on the hồ sơ CODE."))
@click.option("--since", metavar="YYYY-MM-DD", help=N_("From this day on (Vietnam time)."))
@click.option("--action", metavar="ACTION", help=N_("Only this action, e.g. \"incoming add\" (see the README)."))
@click.option("--format", "fmt", type=click.Choice(("table", "csv", "json")), default="table", show_default=True)
@click.pass_context
def log(ctx, doc_id, incoming_number, year, dossier, since, action, fmt) -> None:
    """Show the audit trail: who did what to which record, and when, oldest first.

    The trail is append-only: SQLite itself refuses to change or delete an event.
    Filters combine (all must match).

    Example:

    \b
        paperwork log --since 2026-02-01
        paperwork log --doc 12
        paperwork log --incoming 7 --year 2026 --format json
        paperwork log --action "incoming add" --format csv > nhat-ky.csv
    """
    from ..export import neutralise
    from ..records import audit
    from ..vietnamese import user_text

    if (incoming_number is None) != (year is None):
        raise InputError(_("--incoming N and --year Y go together"))
    if dossier is not None:
        dossier = user_text(dossier, "--dossier")
    ws = get_workspace(ctx)
    found = audit.events(ws, doc=doc_id, incoming=(year, incoming_number) if year is not None else None,
                         dossier=dossier, since=_date(since, "--since"), action=action)
    if fmt == "json":
        _echo_json([e.as_dict() for e in found])
        return
    heads = ("Thời gian", "Người thực hiện", "Hành động", "Đối tượng", "Chi tiết")

    def details(e) -> str:
        return json.dumps(e.details, ensure_ascii=False, sort_keys=True)

    rows = [(e.time, e.actor, e.action, f"{e.object_kind} {e.object_id}", details(e)) for e in found]
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow((*heads, "PREMIS"))
        writer.writerows([*(neutralise(v) for v in row), e.premis_type] for row, e in zip(rows, found))
        click.echo(buf.getvalue(), nl=False)
        return
    if not found:
        click.echo(_("No events."))
        return
    click.echo(_table(heads, [(*row[:4], _short(row[4], 70)) for row in rows]), nl=False)
