"""A certificate authority built in the test: root, intermediate, signers, a CRL, a timestamp authority.

Nothing here is kept on disk between runs: every key is made fresh (``cryptography``, which pyHanko
brings), written into the test's own folder. ``Pki(folder)`` makes the root and the intermediate;
``pki.person("Nguyễn Văn An")``, ``pki.agency("Sở Nội vụ tỉnh Cà Mau")`` issue signers as PKCS#12
files; ``pki.revoke(cert)`` and ``pki.crl()`` write a CRL; ``serve_tsa(pki)`` runs an RFC 3161
authority (pyHanko's DummyTimeStamper) behind a real local HTTP endpoint.
"""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = b"mat-khau-123"
UTC = dt.timezone.utc


def _name(cn: str, org: str | None = None, province: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if province:
        attrs.append(x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, province))
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


@dataclass
class Issued:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    p12: Path | None = None

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


class Pki:
    def __init__(self, folder: Path, now: dt.datetime | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.now = now or dt.datetime.now(UTC)
        self.revoked: list[tuple[x509.Certificate, dt.datetime]] = []
        self.root = self._issue(_name("Root CA thử nghiệm", "Bộ Thông tin và Truyền thông"), None, ca=True,
                                years=20)
        self.intermediate = self._issue(_name("CA phục vụ các cơ quan nhà nước (thử)", "Ban Cơ yếu Chính phủ"),
                                        self.root, ca=True, years=10)
        (self.folder / "root.pem").write_bytes(self.root.pem)

    def _issue(self, subject: x509.Name, issuer: Issued | None, *, ca: bool = False, years: float = 2,
               not_before: dt.datetime | None = None, not_after: dt.datetime | None = None,
               tsa: bool = False, use_rsa: bool = False) -> Issued:
        # pyHanko's test timestamp authority signs with RSA only; so do most signers' USB tokens
        key = rsa.generate_private_key(65537, 2048) if tsa or use_rsa else ec.generate_private_key(ec.SECP256R1())
        start = not_before or self.now - dt.timedelta(days=1)
        end = not_after or start + dt.timedelta(days=int(365 * years))
        builder = (x509.CertificateBuilder().subject_name(subject)
                   .issuer_name(issuer.cert.subject if issuer else subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(start).not_valid_after(end)
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
        if issuer is not None:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
        if ca:
            builder = builder.add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
                critical=True)
        else:
            # As real signers' certificates do: where the CA publishes its CRL (never fetched by the tests).
            builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier("http://ca.invalid/ca.crl")], relative_name=None,
                reasons=None, crl_issuer=None)]), critical=False)
            builder = builder.add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
                x509.oid.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier("http://ocsp.ca.invalid"))]),
                critical=False)
            builder = builder.add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
                critical=True)
        if tsa:
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())
        return Issued(cert, key)

    def _p12(self, issued: Issued, stem: str, password: bytes | None) -> Issued:
        enc = (serialization.BestAvailableEncryption(password) if password
               else serialization.NoEncryption())
        data = pkcs12.serialize_key_and_certificates(stem.encode(), issued.key, issued.cert,
                                                     [self.intermediate.cert, self.root.cert], enc)
        path = self.folder / f"{stem}.p12"
        path.write_bytes(data)
        issued.p12 = path
        return issued

    def person(self, name: str, stem: str = "person", *, password: bytes | None = PASSWORD,
               org: str = "Sở Nội vụ tỉnh Cà Mau", **dates) -> Issued:
        return self._p12(self._issue(_name(name, org, "Cà Mau"), self.intermediate, **dates), stem, password)

    def agency(self, name: str = "Sở Nội vụ tỉnh Cà Mau", stem: str = "agency", *,
               password: bytes | None = PASSWORD, **dates) -> Issued:
        return self._p12(self._issue(_name(name, name, "Cà Mau"), self.intermediate, **dates), stem, password)

    def tsa(self) -> Issued:
        return self._issue(_name("TSA thử nghiệm", "Ban Cơ yếu Chính phủ"), self.intermediate, tsa=True)

    def revoke(self, issued: Issued, when: dt.datetime | None = None) -> None:
        self.revoked.append((issued.cert, when or self.now - dt.timedelta(hours=1)))

    def crl(self, name: str = "ca.crl") -> Path:
        """The intermediate's CRL (PEM) listing what ``revoke`` revoked."""
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.intermediate.cert.subject)
                   .last_update(self.now - dt.timedelta(hours=2)).next_update(self.now + dt.timedelta(days=7))
                   .add_extension(x509.CRLNumber(1), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       self.intermediate.key.public_key()), critical=False))
        for cert, when in self.revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(cert.serial_number).revocation_date(when).build())
        crl = builder.sign(self.intermediate.key, hashes.SHA256())
        path = self.folder / name
        path.write_bytes(crl.public_bytes(serialization.Encoding.PEM))
        return path

    def trust_profile(self, ws_root: Path, *, crl: Path | None = None) -> str:
        """The ``[signatures]`` table naming this root (and CRL), paths relative to ``ws_root``."""
        lines = ["[signatures]", f'trust_roots = ["{Path(self.folder / "root.pem").relative_to(ws_root)}"]']
        if crl is not None:
            lines.append(f'crls = ["{crl.relative_to(ws_root)}"]')
        return "\n".join(lines) + "\n"


def _asn1(issued: Issued):
    from asn1crypto import keys
    from asn1crypto import x509 as a_x509

    der_key = issued.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
    return (a_x509.Certificate.load(issued.cert.public_bytes(serialization.Encoding.DER)),
            keys.PrivateKeyInfo.load(der_key))


@contextmanager
def serve_tsa(pki: Pki) -> Iterator[str]:
    """An RFC 3161 timestamp authority on 127.0.0.1 (a thread); yields its URL."""
    from asn1crypto import tsp
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    tsa = pki.tsa()
    cert, key = _asn1(tsa)
    chain = SimpleCertificateStore.from_certs([_asn1(pki.intermediate)[0]])
    stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key, certs_to_embed=chain)
    requests: list[int] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(415)
                return
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            requests.append(len(body))
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):  # quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    serve_tsa.requests = requests  # type: ignore[attr-defined]


def signature_png(path: Path, size: tuple[int, int] = (600, 200)) -> Path:
    """A blue handwritten-like stroke on a transparent background."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    w, h = size
    points = [(int(w * (0.05 + 0.9 * i / 40)), int(h * (0.5 + 0.3 * ((-1) ** i) * (i % 7) / 7))) for i in range(41)]
    draw.line(points, fill=(20, 40, 200, 255), width=max(3, h // 30))
    img.save(path, dpi=(300, 300))
    return path


def seal_png(path: Path, diameter_mm: float = 36, dpi: int = 300) -> Path:
    """A red round seal, ``diameter_mm`` across at ``dpi``, transparent outside."""
    from PIL import Image, ImageDraw

    px = round(diameter_mm / 25.4 * dpi)
    img = Image.new("RGBA", (px, px), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    ring = max(4, px // 40)
    draw.ellipse((0, 0, px - 1, px - 1), outline=(220, 20, 20, 255), width=ring)
    draw.ellipse((px // 4, px // 4, 3 * px // 4, 3 * px // 4), outline=(220, 20, 20, 255), width=ring)
    draw.regular_polygon((px // 2, px // 2, px // 8), 5, fill=(220, 20, 20, 255))
    img.save(path, dpi=(dpi, dpi))
    return path


def ocsp_response(pki: Pki, issued: Issued, path: Path, *, revoked: bool) -> Path:
    """An OCSP response (DER) from the intermediate CA about ``issued``: good, or revoked an hour ago."""
    from cryptography.x509 import ocsp

    builder = ocsp.OCSPResponseBuilder().add_response(
        cert=issued.cert, issuer=pki.intermediate.cert, algorithm=hashes.SHA256(),
        cert_status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
        this_update=pki.now - dt.timedelta(minutes=30), next_update=pki.now + dt.timedelta(days=1),
        revocation_time=pki.now - dt.timedelta(hours=1) if revoked else None,
        revocation_reason=x509.ReasonFlags.key_compromise if revoked else None,
    ).responder_id(ocsp.OCSPResponderEncoding.HASH, pki.intermediate.cert)
    response = builder.sign(pki.intermediate.key, hashes.SHA256())
    path.write_bytes(response.public_bytes(serialization.Encoding.DER))
    return path
