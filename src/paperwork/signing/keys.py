"""The signer's key: a PKCS#12 file or a USB token (PKCS#11), and an RFC 3161 timestamp client.

    with signer_for(P12Key(Path("an.p12"), b"secret")) as signer: …      # a pyHanko Signer
    with signer_for(TokenKey(Path("/usr/lib/…/vendor.so"), token_label="…", key_label="…", pin="…")) as signer: …

Every way a key fails to open (no file, a wrong password or PIN, a label not on the token) is one
line: ``InputError`` for what the clerk gave, ``PaperworkError`` for the token's own refusal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, PaperworkError
from ..i18n import _

__all__ = ["P12Key", "TokenKey", "holder", "signer_for", "timestamper"]


@dataclass(frozen=True)
class P12Key:
    """A key and certificate chain in a PKCS#12 file (.p12, .pfx)."""

    path: Path
    password: bytes | None = None


@dataclass(frozen=True)
class TokenKey:
    """A key on a USB token or smart card, through its PKCS#11 library (the vendor's .so)."""

    lib: Path
    token_label: str | None = None
    key_label: str | None = None
    cert_label: str | None = None  # defaults to key_label
    pin: str | None = None


# --------------------------------------------------------------------------- keys


def _load_p12(key: P12Key):
    from asn1crypto import pkcs12 as a_pkcs12
    from pyhanko.sign import signers

    try:
        data = Path(key.path).read_bytes()
    except FileNotFoundError as e:
        raise InputError(_("no such key file"), source=str(key.path)) from e
    except OSError as e:
        raise InputError(_("cannot read the key file: {error}").format(error=e.strerror or e),
                         source=str(key.path)) from e
    try:
        return signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=key.password)
    except ValueError as e:
        try:
            a_pkcs12.Pfx.load(data).native  # noqa: B018 - parses the whole structure
        except Exception:  # noqa: BLE001 - asn1crypto raises anything on garbage
            raise InputError(_("not a PKCS#12 key file (.p12, .pfx)"), source=str(key.path)) from e
        what = (_("wrong password") if key.password
                else _("the key file is protected by a password: give --password-stdin"))
        raise InputError(what, source=str(key.path)) from e


@contextmanager
def signer_for(key: P12Key | TokenKey) -> Iterator[Any]:
    if isinstance(key, P12Key):
        yield _load_p12(key)
        return
    try:
        from pyhanko.config.pkcs11 import PKCS11SignatureConfig, TokenCriteria
        from pyhanko.sign import pkcs11 as p11
    except ImportError as e:  # pragma: no cover - python-pkcs11 comes with paperwork
        raise PaperworkError(_("USB tokens need python-pkcs11: pip install 'pyHanko[pkcs11]'")) from e
    if not Path(key.lib).is_file():
        raise InputError(_("no such PKCS#11 library"), source=str(key.lib))
    config = PKCS11SignatureConfig(
        module_path=str(key.lib), token_criteria=TokenCriteria(label=key.token_label) if key.token_label else None,
        key_label=key.key_label, cert_label=key.cert_label or key.key_label, user_pin=key.pin,
        other_certs_to_pull=None)  # the CA certificates the token holds: the chain goes into the signature
    import pkcs11.exceptions
    from pyhanko.sign.general import SigningError

    context = p11.PKCS11SigningContext(config)
    try:
        signer = context.__enter__()
        signer.signing_cert  # noqa: B018 - pulls the certificate now: a wrong label fails here, in one line
    except (pkcs11.exceptions.PKCS11Error, SigningError, ValueError) as e:
        with suppress(AttributeError):  # no session was opened (a wrong PIN): nothing to close
            context.__exit__(None, None, None)
        text = str(e) or type(e).__name__
        if "PinIncorrect" in type(e).__name__ or "PinIncorrect" in text:
            raise InputError(_("wrong PIN for the token"), source=str(key.lib)) from e
        raise PaperworkError(_("{lib}: the token refused: {error}").format(lib=key.lib, error=text)) from e
    try:
        yield signer
    finally:
        context.__exit__(None, None, None)


def holder(cert) -> tuple[str, str | None]:
    subject = cert.subject.native
    return subject.get("common_name") or cert.subject.human_friendly, subject.get("organization_name")


# --------------------------------------------------------------------------- timestamps


def timestamper(url: str):
    """An RFC 3161 client over the standard library (pyHanko's own need requests or an aiohttp session)."""
    import asyncio
    import urllib.error
    import urllib.request

    from asn1crypto import tsp
    from pyhanko.sign.timestamps.api import TimeStamper
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    class UrllibTimeStamper(TimeStamper):
        async def async_request_tsa_response(self, req):
            def post():
                request = urllib.request.Request(url, data=req.dump(), method="POST",
                                                 headers={"Content-Type": "application/timestamp-query"})
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        kind = response.headers.get("Content-Type", "")
                        body = response.read()
                except (OSError, urllib.error.URLError) as e:
                    raise TimestampRequestError(_("the timestamp authority {url} did not answer: {error}").format(
                        url=url, error=e)) from e
                if kind.split(";")[0].strip() != "application/timestamp-reply":
                    raise TimestampRequestError(_("the timestamp authority {url} answered {kind}, not a timestamp")
                                                .format(url=url, kind=kind or "no type"))
                return tsp.TimeStampResp.load(body)

            return await asyncio.to_thread(post)

    return UrllibTimeStamper()
