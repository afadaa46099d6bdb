"""Signing with a USB token, through PKCS#11: SoftHSM2 (Debian's softhsm2) stands in for the token.

The token is made by the test in its own folder (SOFTHSM2_CONF), holding the signer's key, its
certificate and the CA certificate, as a Vietnamese signer's token does.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from pki_helpers import Pki

from paperwork.cli import cli
from paperwork.errors import InputError
from paperwork.signing import SignOptions, TokenKey, Trust, check, sign_pdf

LIBS = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
PIN = "123456"
SIGNER = "Nguyễn Văn An"

@pytest.fixture
def token(tmp_path, monkeypatch) -> dict:
    if not shutil.which("softhsm2-util") or not any(Path(p).is_file() for p in LIBS):
        pytest.fail("SoftHSM2 must be installed for the token tests (Debian package softhsm2; scripts/setup does it)")
    lib = next(p for p in LIBS if Path(p).is_file())
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "paperwork", "--pin", PIN, "--so-pin",
                    "654321"], check=True, capture_output=True)
    pki = Pki(tmp_path / "pki")
    person = pki.person(SIGNER, password=None, use_rsa=True)  # RSA 2048, as Vietnamese tokens hold
    key_pem = tmp_path / "key.pem"
    key_pem.write_bytes(person.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    subprocess.run(["softhsm2-util", "--import", str(key_pem), "--token", "paperwork", "--label", "an", "--id", "01",
                    "--pin", PIN], check=True, capture_output=True)
    key_pem.unlink()
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    tok = pkcs11.lib(lib).get_token(token_label="paperwork")
    with tok.open(rw=True, user_pin=PIN) as session:
        for label, ident, cert in (("an", b"\x01", person.cert), ("ca", b"\x02", pki.intermediate.cert)):
            session.create_object({
                Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True, Attribute.LABEL: label, Attribute.ID: ident,
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
                Attribute.SUBJECT: cert.subject.public_bytes()})
    return {"lib": Path(lib), "pki": pki}


def blank_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with open(path, "wb") as f:
        writer.write(f)
    return path


def test_sign_with_a_pkcs11_token(token, tmp_path):
    """The token's key signs; the chain comes from the token; the signature is valid against the root."""
    pdf = blank_pdf(tmp_path / "blank.pdf")
    out = tmp_path / "signed.pdf"
    result = CliRunner().invoke(cli, ["sign", str(pdf), "-o", str(out), "--pkcs11-lib", str(token["lib"]),
                                      "--token-label", "paperwork", "--key-label", "an", "--password-stdin",
                                      "--as", "person"], input=f"{PIN}\n".encode())
    assert result.exit_code == 0, result.output
    assert f"as person: {SIGNER}" in result.output
    report = check(out, Trust().with_files(roots=[token["pki"].folder / "root.pem"]))
    assert report.verdict == "valid", report.as_dict()
    assert report.signatures[0].chain[-1] == SIGNER


def test_a_wrong_pin_is_one_line(token, tmp_path):
    out = tmp_path / "signed.pdf"
    with pytest.raises(InputError, match="wrong PIN"):
        sign_pdf(blank_pdf(tmp_path / "blank.pdf"), out, TokenKey(token["lib"], token_label="paperwork", key_label="an", pin="000000"),
                 SignOptions(role="person"))
    assert not out.exists()


def test_a_key_label_not_on_the_token_is_one_line_exit_1(token, tmp_path):
    out = tmp_path / "signed.pdf"
    result = CliRunner().invoke(cli, ["sign", str(blank_pdf(tmp_path / "blank.pdf")), "-o", str(out), "--pkcs11-lib",
                                      str(token["lib"]), "--token-label", "paperwork", "--key-label", "binh",
                                      "--password-stdin", "--as", "person"], input=f"{PIN}\n".encode())
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: {token['lib']}: the token refused: ")
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()
