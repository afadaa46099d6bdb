"""Commands over dossiers and their transfer: ``dossier plan|list|file|show|close|export|rules`` and ``transfer``.

Thin: parse the options, call ``paperwork.records``, format the result.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from ..errors import InputError
from ..i18n import N_, _
from . import cli, get_workspace

_STATUS_VI = {"open": "đang mở", "closed": "đã kết thúc", "transferred": "đã nộp lưu"}


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(_("{value!r} is not a date (YYYY-MM-DD)").format(value=value), field=option) from None


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _short(text: str | None, width: int) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(heads: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(len(heads))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(heads), line(tuple("-" * w for w in widths)), *map(line, rows)])


def _warn(states) -> None:
    for state in states:
        message = state.warning()
        if message:
            click.echo(_("Warning: {message}").format(message=message), err=True)


@cli.group("dossier")
def dossier() -> None:
    """Dossiers (hồ sơ) of the year's Danh mục hồ sơ: plan, file documents, close, export.

    Example:

    \b
        paperwork dossier plan danh-muc-2026.xlsx --year 2026
        paperwork dossier file 01.TĐKT --year 2026 12 13 14
        paperwork dossier show 01.TĐKT --year 2026
    """


@dossier.command("plan")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, required=True, help=N_("The year of the Danh mục hồ sơ."))
@click.pass_context
def plan_command(ctx: click.Context, file: Path, year: int) -> None:
    """Load the year's Danh mục hồ sơ (YAML, JSON, .xlsx or .csv): codes, titles, retention, owners.

    Every row is checked before anything is recorded; a problem names the file, the row and the
    column. Running it again updates the dossiers it lists and adds new ones. A row without a
    retention gets the one of the retention table's rule that fits its title (`paperwork dossier
    rules`); the plan says which, and whether that rule is confirmed.

    Example:

    \b
        paperwork dossier plan danh-muc-2026.yaml --year 2026
        paperwork dossier plan danh-muc-2026.xlsx --year 2026
    """
    from ..records.dossiers import plan_dossiers

    report = plan_dossiers(get_workspace(ctx), file, year)
    total = len(report.added) + len(report.updated) + len(report.unchanged)
    click.echo(
        _("Danh mục hồ sơ {year}: {total} dossiers ({count} new, {count2} updated, {count3} "
          "unchanged); {permanent} kept permanently, {limited} for a number of years").format(
            year=year, total=total, count=len(report.added), count2=len(report.updated),
            count3=len(report.unchanged), permanent=report.permanent, limited=report.limited
        )
    )
    for note in report.notes:
        click.echo(f"  {note}")


@dossier.command("list")
@click.option("--year", type=int, default=None, help=N_("The year of the Danh mục (default: every year)."))
@click.option("--due", is_flag=True, help=N_("Only closed dossiers awaiting transfer to the agency archive, soonest first."))
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", default=None, help=N_("Count days left from this date (default: today)."))
@click.option("--json", "as_json", is_flag=True, help=N_("JSON instead of a table."))
@click.pass_context
def list_command(ctx: click.Context, year: int | None, due: bool, as_of: str | None, as_json: bool) -> None:
    """List dossiers with retention, status and the date they are due at the agency archive.

    A closed dossier kept 5 years or more is due at the agency archive (Decree 30 Điều 31); a
    warning is printed from 30 days before its due date on.

    Example:

    \b
        paperwork dossier list --year 2026
        paperwork dossier list --due
    """
    from ..records.dossiers import list_dossiers

    states = list_dossiers(get_workspace(ctx), year, as_of=_date(as_of, "--as-of"), due_only=due)
    if as_json:
        _echo_json([s.as_dict() for s in states])
    elif not states:
        click.echo(_("No dossier is due.") if due else _("No dossier planned.") if year is None else
                   _("No dossier planned for {year}: `paperwork dossier plan FILE --year {year}`.").format(year=year))
    else:
        heads = ("Năm", "Số, ký hiệu", "Tiêu đề hồ sơ", "Thời hạn", "Người lập", "VB", "Tình trạng", "Hạn nộp lưu")
        rows = [(str(s.dossier.year), s.dossier.code, _short(s.dossier.title, 50), str(s.dossier.retention),
                 _short(s.dossier.owner, 20), str(s.dossier.documents), _STATUS_VI[s.dossier.status],
                 s.due.strftime("%d/%m/%Y") if s.due else ("" if s.must_transfer else "không nộp lưu"))
                for s in states]
        click.echo(_table(heads, rows))
    _warn(states)


@dossier.command("file")
@click.argument("code")
@click.argument("ids", nargs=-1, required=True, type=int)
@click.option("--year", type=int, required=True, help=N_("The year of the dossier's Danh mục."))
@click.option("--reason", default=None, help=N_("Why (recorded with a move from another dossier)."))
@click.pass_context
def file_command(ctx: click.Context, code: str, ids: tuple[int, ...], year: int, reason: str | None) -> None:
    """File archive documents (by archive id) into a dossier.

    A document lives in one dossier: filing it into another moves it, and the move is recorded
    (from, to, when, why). A closed dossier takes no documents and gives none up.

    Example:

    \b
        paperwork dossier file 01.TĐKT --year 2026 12 13 14
        paperwork dossier file 02.TĐKT --year 2026 13 --reason "Thuộc hồ sơ khen thưởng"
    """
    from ..records.dossiers import file_documents

    for done in file_documents(get_workspace(ctx), year, code, list(ids), reason=reason):
        if isinstance(done, int):
            click.echo(_("document {done}: already in {code}").format(done=done, code=code))
        elif done.from_code is None:
            click.echo(_("document {document_id}: filed in {to_code}").format(
                document_id=done.document_id, to_code=done.to_code
            ))
        else:
            click.echo(_("document {document_id}: moved from {from_code} to {to_code}").format(
                document_id=done.document_id, from_code=done.from_code, to_code=done.to_code
            ))


@dossier.command("show")
@click.argument("code")
@click.option("--year", type=int, required=True, help=N_("The year of the dossier's Danh mục."))
@click.option("--json", "as_json", is_flag=True, help=N_("JSON: the dossier, its documents and their moves."))
@click.pass_context
def show_command(ctx: click.Context, code: str, year: int, as_json: bool) -> None:
    """Print the dossier's mục lục văn bản (Phụ lục V), its documents in date order.

    Example:

    \b
        paperwork dossier show 01.TĐKT --year 2026
        paperwork dossier show 01.TĐKT --year 2026 --json
    """
    from ..records.dossiers import contents, dossier_catalog

    ws = get_workspace(ctx)
    catalog = dossier_catalog(ws)
    what = contents(ws, catalog.get(year, code))
    d = what.dossier
    if as_json:
        data = d.as_dict()
        data["documents"] = [
            {"stt": i.ordinal, "id": i.record.id, "number": i.number, "date": i.date.isoformat() if i.date else None,
             "summary": i.summary, "author": i.author, "pages": i.page_range, "note": i.note} for i in what.items
        ]
        data["moves"] = [
            {"document": m.document_id, "from": m.from_code, "to": m.to_code, "at": m.at, "reason": m.reason}
            for m in catalog.moves(dossier_id=d.id)
        ]
        _echo_json(data)
        return
    click.echo(_("MỤC LỤC VĂN BẢN, TÀI LIỆU — hồ sơ {code} năm {year}: {title}").format(
        code=d.code, year=d.year, title=d.title
    ))
    click.echo(_("Thời hạn bảo quản: {retention} ({retention_basis}); tình trạng: {STATUS_VI}").format(
        retention=d.retention, retention_basis=d.retention_basis, STATUS_VI=_STATUS_VI[d.status]
    ))
    if not what.items:
        click.echo(_("No documents yet: `paperwork dossier file {code} --year {year} ID…`.").format(
            code=d.code, year=d.year
        ))
        return
    heads = ("STT", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu", "Tác giả", "Tờ/Trang", "Ghi chú", "Id")
    rows = [(str(i.ordinal), i.number, i.date.strftime("%d/%m/%Y") if i.date else "", _short(i.summary, 60),
             _short(i.author, 24), i.page_range, i.note, str(i.record.id)) for i in what.items]
    click.echo(_table(heads, rows))


@dossier.command("close")
@click.argument("code")
@click.option("--year", type=int, required=True, help=N_("The year of the dossier's Danh mục."))
@click.option("--end", metavar="YYYY-MM-DD", default=None, help=N_("When the work ended (default: the latest document's date)."))
@click.pass_context
def close_command(ctx: click.Context, code: str, year: int, end: str | None) -> None:
    """Close (kết thúc) a dossier: it takes no more documents, and its transfer date is set.

    Example:

    \b
        paperwork dossier close 01.TĐKT --year 2026
        paperwork dossier close 01.TĐKT --year 2026 --end 2026-12-20
    """
    from ..records.dossiers import close_dossier, list_dossiers

    ws = get_workspace(ctx)
    d = close_dossier(ws, year, code, end=_date(end, "--end"))
    state = next(s for s in list_dossiers(ws, year) if s.dossier.id == d.id)
    click.echo(_("Closed {label}: {documents} documents, ended {end_date:%d/%m/%Y}, kept {retention}").format(
        label=d.label, documents=d.documents, end_date=d.end_date, retention=d.retention
    ))
    if state.due:
        click.echo(_("Due at the agency archive by {due:%d/%m/%Y}").format(due=state.due))
    else:
        click.echo(_("Kept less than 5 years: stays with the unit (not transferred to the agency archive)"))
    _warn([state])


@dossier.command("export")
@click.argument("code")
@click.option("--year", type=int, required=True, help=N_("The year of the dossier's Danh mục."))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help=N_("A new (or empty) folder."))
@click.option("--pdf", is_flag=True, help=N_("Also a PDF of the mục lục (LibreOffice)."))
@click.pass_context
def export_command(ctx: click.Context, code: str, year: int, output: Path, pdf: bool) -> None:
    """Export a dossier: its documents in date order (001-…), the mục lục (.xlsx, .docx) and ho-so.xml.

    ho-so.xml carries the Phụ lục VI fields of the dossier and of each document and is checked
    against the shipped schema (records/schema/ho-so.xsd). Needs `[records] organ_id` in
    paperwork.toml.

    Example:

    \b
        paperwork dossier export 01.TĐKT --year 2026 -o ho-so-01
        paperwork dossier export 01.TĐKT --year 2026 -o ho-so-01 --pdf
    """
    from ..records.export import export_dossier

    result = export_dossier(get_workspace(ctx), year, code, output, pdf=pdf)
    click.echo(_("Wrote {folder}: {documents} documents ({file_count} files), the mục lục and {name}").format(
        folder=result.folder, documents=result.documents, file_count=result.file_count,
        name=result.xml.name
    ))


@dossier.command("rules")
@click.pass_context
def rules_command(ctx: click.Context) -> None:
    """List the retention table: each rule's key, retention, title and how sure it is.

    [U] rules carry the value of TT 09/2011 (the predecessor of TT 10/2022), not confirmed;
    [W] rules are the workspace's own ([records.retention] in paperwork.toml).

    Example:

    \b
        paperwork dossier rules
    """
    from ..records.dossiers import retention_for
    from ..records.settings import records_settings

    table = retention_for(records_settings(get_workspace(ctx)))
    for rule in table.rules:
        click.echo(f"{rule.key}  {rule.retention}  [{rule.confidence}]  {rule.title}")
    t = table.transfer
    click.echo(_("Transferred to the agency archive: dossiers kept {min_years} years or more "
                 "({min_years_source}); warned {warn_days} days before due").format(
        min_years=t.min_years, min_years_source=t.min_years_source, warn_days=t.warn_days
    ))


@cli.command("transfer")
@click.option("--year", type=int, required=True, help=N_("The year of the Danh mục whose closed dossiers go."))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help=N_("A new (or empty) folder: the BagIt bag."))
@click.option("--code", "codes", multiple=True, help=N_("Only these dossiers (repeat); default: every one awaiting transfer."))
@click.option("--pdf", is_flag=True, help=N_("Also PDFs of the mục lục and the biên bản (LibreOffice)."))
@click.option("--giver", default=None, help=N_("Bên giao: who hands over (else a line to fill in)."))
@click.option("--giver-title", default=None, help=N_("Bên giao: their position."))
@click.option("--receiver", default=None, help=N_("Bên nhận (Lưu trữ cơ quan): who receives."))
@click.option("--receiver-title", default=None, help=N_("Bên nhận: their position."))
@click.pass_context
def transfer_command(ctx: click.Context, year: int, output: Path, codes: tuple[str, ...], pdf: bool,
                     giver: str | None, giver_title: str | None, receiver: str | None,
                     receiver_title: str | None) -> None:
    """Build the nộp lưu package of the year's closed dossiers as a BagIt bag, and record the transfer.

    The bag holds each dossier's export, the Mục lục hồ sơ, tài liệu nộp lưu (.xlsx, .docx), the
    Biên bản giao nhận (.docx), nop-luu.xml and the dossiers' events; it is validated (every
    SHA-256) before it is put in place, and the catalog records when, where and its Payload-Oxum.

    Example:

    \b
        paperwork transfer --year 2026 -o nop-luu-2026
        paperwork transfer --year 2026 -o nop-luu-2026 --pdf --giver "Nguyễn Thị Hoa" --receiver "Trần Văn Nam"
    """
    from ..records.transfer import People, transfer

    people = People(giver, giver_title, receiver, receiver_title)
    result = transfer(get_workspace(ctx), year, output, codes=list(codes) or None, pdf=pdf, people=people)
    click.echo(_("Wrote the bag {bag}: {dossiers} dossiers, {files} document files, Payload-Oxum "
                 "{payload_oxum}").format(
        bag=result.bag, dossiers=result.dossiers, files=result.files, payload_oxum=result.payload_oxum
    ))
    for code in result.codes:
        click.echo(_("  {code} of {year}: transferred").format(code=code, year=year))
