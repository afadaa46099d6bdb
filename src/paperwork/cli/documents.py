"""Commands that make documents: kinds, example, render."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import N_, _, ngettext
from ..vietnamese import user_text
from . import cli, get_workspace
from .signing import key_options


def echo_warnings(result) -> None:
    """The legal-basis warnings of one document, on stderr, each naming its file and field."""
    for warning in result.warnings:
        click.echo(_("Warning: {source}: {warning}").format(source=result.source, warning=warning), err=True)


def pdf_font_note(fonts) -> str:
    """'font: Times New Roman', or which font stands in for it."""
    from ..pdf import PRESCRIBED_FONT, is_prescribed

    others = [f for f in fonts if not is_prescribed(f)]
    if not others:
        return _("font: {font}").format(font=PRESCRIBED_FONT)
    return _("font: {fonts}, standing in for {font}").format(fonts=", ".join(others), font=PRESCRIBED_FONT)


@cli.command()
def kinds() -> None:
    """List the document kinds, one line each.

    Example:

        paperwork kinds
    """
    from ..kinds import KINDS

    width = max(len(k) for k in KINDS)
    for kind in KINDS.values():
        click.echo(f"{kind.name:<{width}}  {_(kind.summary)}")


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
              help=N_("The .docx to write."))
@click.option("--pdf", is_flag=True, help=N_("Also write OUTPUT with .pdf through LibreOffice."))
@click.option("--issue", is_flag=True,
              help=N_("Allocate the next number of the register for the document's year, print it and record it."))
@click.option("--replace", "replace_issued", is_flag=True,
              help=N_("Replace OUTPUT even if it is an issued document (its register entry says so)."))
@click.option("--no-archive", is_flag=True, help=N_("Do not store the written document in the archive."))
@click.option("--strict", is_flag=True,
              help=N_("A căn cứ not in force on the document's date is an error, not a warning ([law] strict)."))
@click.option("--dossier", metavar="CODE", default=None,
              help=N_("File the archived document into this hồ sơ of its year's Danh mục, e.g. 01.TĐKT."))
@click.option("--sign", "sign_pdf", is_flag=True,
              help=N_("Sign the PDF (with --pdf) once its number and date are in it: see `paperwork sign`."))
@key_options
@click.option("--as", "role", type=click.Choice(["person", "agency"]), default="person", show_default=True,
              help=N_("With --sign: sign as the competent person or as the agency."))
@click.option("--image", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=N_("With --sign --as person: the handwritten signature, a blue transparent PNG."))
@click.option("--seal", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=N_("With --sign --as agency: the seal, a red transparent PNG with its resolution."))
@click.option("--tsa", metavar="URL", default=None, help=N_("With --sign: a timestamp authority (RFC 3161)."))
@click.pass_context
def render(ctx: click.Context, kind: str, input_file: Path, output: Path, pdf: bool, issue: bool,
           replace_issued: bool, no_archive: bool, strict: bool, sign_pdf: bool, key: Path | None,
           password_stdin: bool, pkcs11_lib: Path | None, token_label: str | None, key_label: str | None, role: str,
           image: Path | None, seal: Path | None, tsa: str | None, dossier: str | None) -> None:
    """Render INPUT (YAML or JSON) as a document of KIND into OUTPUT.

    Without --issue and without `number` in INPUT the document is a draft for
    signing: blank number, blank day and month. A list field (awardees,
    members, attendees) may name a .xlsx or .csv file instead, relative to
    INPUT; its first row gives the field names. An issued document is never
    overwritten unless --replace is given.

    Example:

        paperwork render reward-decision qd.yaml -o qd.docx --pdf

        paperwork render reward-decision qd.yaml -o qd.docx --issue --dossier 01.TĐKT

        paperwork render reward-decision qd.yaml -o qd.docx --issue --pdf --sign --key an.p12 --password-stdin --image chu-ky.png
    """
    from ..errors import ArchiveError, ConversionError, InputError
    from ..kinds import get_kind
    from ..pipeline import single

    if output.suffix.lower() != ".docx":
        raise InputError(_("the output must be a .docx file"), source=str(output))
    k = get_kind(kind)
    ws = get_workspace(ctx)
    if sign_pdf and pdf and k.numbered and not issue:
        from ..inputs import read_data

        if read_data(input_file).get("number") is None:
            raise InputError(_("a draft (no number, no date) is not signed: give --issue"), field="--sign")
    signer = _signer(ws, sign_pdf, pdf, key, password_stdin, pkcs11_lib, token_label, key_label, role, image, seal,
                     tsa)
    written, report = single(ws, k.name, input_file, output, issue=issue, pdf=pdf, archive=not no_archive,
                             replace_issued=replace_issued, strict=strict, sign=signer,
                             dossier=user_text(dossier, "--dossier") if dossier is not None else None)
    echo_warnings(written)
    for line in report.recovered:
        click.echo(_("recovered from an interrupted run: {line}").format(line=line), err=True)
    note = ""
    if written.number is not None:
        note = (_(" (Số: {number}, registered)").format(number=written.number) if written.issued
                else f" (Số: {written.number})")
    elif k.numbered:
        note = _(" (draft: number and date left blank)")
    click.echo(_("wrote {output}{note}").format(output=written.output, note=note))
    if written.pdf:
        click.echo(_("wrote {pdf} ({pdf_font_note})").format(
            pdf=written.pdf, pdf_font_note=pdf_font_note(written.pdf_fonts)
        ))
    if written.signature is not None:
        s = written.signature
        click.echo(_("signed {output} as {role}: {signer}, {date}").format(
            output=s.output, role=s.role, signer=s.signer, date=s.signed_at.isoformat(timespec='seconds')
        ))
    if written.archive_id is not None:
        click.echo(_("archived as id {archive_id}").format(archive_id=written.archive_id))
    if written.pdf_archive_id is not None:
        click.echo(_("archived the signed PDF as id {archive_id}").format(archive_id=written.pdf_archive_id))
    if written.filed_into is not None:
        click.echo(_("filed into {dossier}").format(dossier=written.filed_into))
    if report.archive_note:
        click.echo(report.archive_note, err=True)
    if written.problem:
        raise ConversionError(written.problem)
    if report.archive_error:
        raise ArchiveError(_("{output} was written but not archived: {archive_error}").format(
            output=written.output, archive_error=report.archive_error
        ))


def _signer(ws, sign_pdf: bool, pdf: bool, key, password_stdin, pkcs11_lib, token_label, key_label, role, image, seal,
            tsa):
    """``render --sign``: the pipeline's signer, the key opened and the images checked before any number is issued."""
    from ..errors import InputError

    if not sign_pdf:
        if key or pkcs11_lib or image or seal or tsa:
            raise InputError(_("--key, --image, --seal and --tsa sign the PDF: give --sign --pdf too"), field="--sign")
        return None
    if not pdf:
        raise InputError(_("--sign signs the PDF: give --pdf too"), field="--sign")
    from ..signing import SignOptions, check_ready, pipeline_signer
    from .signing import key_from_options

    signing_key = key_from_options(key, pkcs11_lib, token_label, key_label, password_stdin)
    options = SignOptions(role=role, image=image, seal=seal, tsa=tsa)
    check_ready(signing_key, options)
    return pipeline_signer(ws, signing_key, options)


@cli.command()
@click.argument("kind")
@click.argument("input_file", metavar="INPUT", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--strict", is_flag=True, help=N_("Treat a căn cứ not in force as an error (exit 2)."))
@click.pass_context
def check(ctx: click.Context, kind: str, input_file: Path, strict: bool) -> None:
    """Check INPUT as `render` would, writing nothing: every validation and every warning.

    Bad input is one line and exit status 2; a căn cứ that is not in force on
    the document's date is a warning (exit 0), or with --strict an error.

    Example:

        paperwork check reward-decision qd.yaml --strict
    """
    from ..kinds import get_kind
    from ..pipeline import plan, single_item

    k = get_kind(kind)
    ws = get_workspace(ctx)
    out = Path(input_file).with_suffix(".docx").absolute()
    the_plan = plan(ws, [single_item(k.name, input_file, out)], out.parent, confine=False, strict=strict)
    if the_plan.invalid:
        raise the_plan.invalid[0].failure
    [planned] = the_plan.ready
    for warning in planned.warnings:
        click.echo(_("Warning: {input_file}: {warning}").format(input_file=input_file, warning=warning), err=True)
    count = len(planned.warnings)
    if count:
        click.echo(ngettext("{input_file}: valid {kind}; {count} warning", "{input_file}: valid {kind}; {count} warnings",
                            count).format(input_file=input_file, kind=k.name, count=count))
    else:
        click.echo(_("{input_file}: valid {kind}").format(input_file=input_file, kind=k.name))
