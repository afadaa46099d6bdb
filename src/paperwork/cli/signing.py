"""Commands for electronic originals: sign, verify-signatures."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..i18n import N_, _, ngettext
from . import cli, get_workspace


def read_secret(option: str) -> bytes:
    """The first line of standard input (a password or a PIN), without its line end."""
    from ..errors import InputError

    line = sys.stdin.buffer.readline().rstrip(b"\r\n")
    if not line:
        raise InputError(_("nothing on standard input"), field=option)
    return line


def key_from_options(key: Path | None, pkcs11_lib: Path | None, token_label: str | None, key_label: str | None,
                     password_stdin: bool):
    """The signing key the options name: a PKCS#12 file (--key) or a token (--pkcs11-lib)."""
    from ..errors import InputError
    from ..signing import P12Key, TokenKey

    if (key is None) == (pkcs11_lib is None):
        raise InputError(_("give either --key KEY.p12 or --pkcs11-lib LIB.so (a USB token)"), field="--key")
    secret = read_secret("--password-stdin") if password_stdin else None
    if key is not None:
        return P12Key(key, secret)
    return TokenKey(pkcs11_lib, token_label=token_label, key_label=key_label,
                    pin=secret.decode("utf-8") if secret is not None else None)


def key_options(f):
    """--key / --password-stdin / --pkcs11-lib / --token-label / --key-label, shared with `render --sign`."""
    for option in reversed([
        click.option("--key", type=click.Path(path_type=Path, dir_okay=False), default=None,
                     help=N_("The signer's key and certificate chain, a PKCS#12 file (.p12, .pfx).")),
        click.option("--password-stdin", is_flag=True,
                     help=N_("Read the key file's password (or the token's PIN) from the first line of standard input.")),
        click.option("--pkcs11-lib", type=click.Path(path_type=Path, dir_okay=False), default=None,
                     help=N_("A USB token's PKCS#11 library (the vendor's .so) instead of --key.")),
        click.option("--token-label", default=None, help=N_("The token's label (with --pkcs11-lib).")),
        click.option("--key-label", default=None,
                     help=N_("The label of the key and its certificate on the token (with --pkcs11-lib).")),
    ]):
        f = option(f)
    return f


@cli.command()
@click.argument("pdf", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help=N_("The signed PDF to write (may be PDF itself)."))
@key_options
@click.option("--as", "role", type=click.Choice(["person", "agency"]), required=True,
              help=N_("Sign as the competent person (signature image) or as the agency (seal)."))
@click.option("--image", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=N_("The person's handwritten signature: a blue PNG with a transparent background."))
@click.option("--seal", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=N_("The agency's seal: a red PNG with a transparent background and its resolution (true size)."))
@click.option("--attachment", is_flag=True,
              help=N_("An attachment issued as a separate file: the agency's signature as text at the top right of page 1."))
@click.option("--copy", "copy_", is_flag=True,
              help=N_("An electronic copy: the agency's signature as text at the top right of page 1, with the copy form."))
@click.option("--copy-form", type=click.Choice(["SAO Y", "SAO LỤC", "TRÍCH SAO"]), default="SAO Y", show_default=True,
              help=N_("The copy form stated by --copy."))
@click.option("--number", default=None,
              help=N_("The number and symbol for --attachment/--copy (default: as page 1 prints it)."))
@click.option("--agency", default=None,
              help=N_("The agency named by --attachment/--copy (default: the certificate's organisation)."))
@click.option("--tsa", metavar="URL", default=None,
              help=N_("A timestamp authority (RFC 3161): the signature gets a trusted time (PAdES B-T)."))
@click.option("--reason", default=None, help=N_("The reason recorded in the signature."))
@click.pass_context
def sign(ctx: click.Context, pdf: Path, output: Path, key: Path | None, password_stdin: bool, pkcs11_lib: Path | None,
         token_label: str | None, key_label: str | None, role: str, image: Path | None, seal: Path | None,
         attachment: bool, copy_: bool, copy_form: str, number: str | None, agency: str | None, tsa: str | None,
         reason: str | None) -> None:
    """Sign PDF as Decree 30/2020 Phụ lục I shows a digital signature (PAdES).

    As the person, the signature image goes into the signer block, between the
    title and the name, found on the page; as the agency, the seal covers the
    left third of the signature image. The agency signing after the person
    adds an incremental update that leaves the first signature valid. With
    --attachment or --copy the agency's signature is text at the top right of
    page 1 (number and symbol, signing time; copies also their form).

    Example:

        paperwork sign qd.pdf -o qd-ky.pdf --key an.p12 --password-stdin --as person --image chu-ky.png

        paperwork sign qd-ky.pdf -o qd-ky.pdf --key snv.p12 --password-stdin --as agency --seal dau.png
    """
    from ..errors import InputError
    from ..signing import SignOptions, record, sign_pdf

    if attachment and copy_:
        raise InputError(_("give --attachment or --copy, not both"), field="--copy")
    form = "attachment" if attachment else "copy" if copy_ else "block"
    signing_key = key_from_options(key, pkcs11_lib, token_label, key_label, password_stdin)
    options = SignOptions(role=role, image=image, seal=seal, form=form, copy_form=copy_form, agency=agency,
                          number=number, tsa=tsa, reason=reason)
    result = sign_pdf(pdf, output, signing_key, options)
    record(get_workspace(ctx), result)
    where = (_("invisible (no image)") if result.page is None
             else _("page {page}").format(page=result.page + 1))
    click.echo(_("signed {output} as {role}: {signer}, {time}{stamp}; {where}").format(
        output=result.output, role=role, signer=result.signer, time=result.signed_at.isoformat(timespec="seconds"),
        stamp=_(", timestamped") if result.timestamped else "", where=where))


@cli.command("verify-signatures")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the report as JSON."))
@click.option("--trust-root", "roots", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help=N_("Also trust this root certificate (PEM or DER), besides [signatures] trust_roots."))
@click.option("--crl", "crls", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help=N_("A certificate revocation list to check against (PEM or DER)."))
@click.option("--ocsp", "ocsps", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help=N_("An OCSP response to check against (DER)."))
@click.pass_context
def verify_signatures(ctx: click.Context, file: Path, as_json: bool, roots: tuple[Path, ...], crls: tuple[Path, ...],
                      ocsps: tuple[Path, ...]) -> None:
    """Check every signature of FILE: one verdict each, one for the file.

    Each signature: the signer's name and organisation from the certificate,
    the signing time, the timestamp, whether the signed bytes are intact and
    what was added after, the chain to the workspace's trust roots
    ([signatures] in paperwork.toml), and revocation where a CRL or OCSP
    response is at hand (nothing is fetched). Verdicts: valid, untrusted,
    expired, revoked, invalid (the file: also unsigned). Exit status 0 when
    every signature is valid, 1 otherwise.

    Example:

        paperwork verify-signatures qd-ky.pdf

        paperwork verify-signatures qd-ky.pdf --crl pki/ca.crl --json
    """
    from ..records import audit
    from ..signing import check, load_trust

    ws = get_workspace(ctx)
    trust = load_trust(ws).with_files(roots=roots, crls=crls, ocsps=ocsps)
    report = check(file, trust)
    if ws.catalog_path.is_file():
        audit.record(ws, "signature check", "file", str(Path(file).absolute()),
                     {"verdict": report.verdict, "signatures": [s.verdict for s in report.signatures]})
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        _echo_report(report)
    if not report.ok:
        ctx.exit(1)


def _echo_report(report) -> None:
    count = len(report.signatures)
    click.echo(ngettext("{path}: {verdict} ({count} signature)", "{path}: {verdict} ({count} signatures)",
                        count).format(path=report.path, verdict=report.verdict, count=count))
    for i, s in enumerate(report.signatures, 1):
        who = s.signer + (f" ({s.organisation})" if s.organisation and s.organisation != s.signer else "")
        when = s.signing_time.isoformat(timespec="seconds") if s.signing_time else "?"
        click.echo(f"  {i}. {s.verdict.upper()}: {who}, {_('signed')} {when} [{s.field}]")
        if s.timestamp is not None:
            click.echo("     " + _("timestamp: {time} ({state})").format(
                time=s.timestamp.isoformat(timespec="seconds"),
                state=_("trusted") if s.timestamp_trusted else _("not trusted")))
        click.echo("     " + _("integrity: {intact}, covers the {coverage}; after it: {modifications}").format(
            intact=_("intact") if s.intact and s.valid else _("BROKEN"), coverage=s.coverage,
            modifications=s.modifications))
        chain = " > ".join(s.chain) if s.chain else _("no chain to the trust roots")
        revocation = s.revocation + (f" ({s.revocation_note})" if s.revocation_note else "")
        click.echo("     " + _("chain: {chain}; revocation: {revocation}").format(chain=chain, revocation=revocation))
        for problem in s.problems:
            click.echo("     " + problem)
