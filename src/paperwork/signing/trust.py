"""Whom a workspace trusts: the ``[signatures]`` table of paperwork.toml.

    [signatures]
    trust_roots = ["pki/root-ca.pem", "pki/official-duty-ca.pem"]   # relative to the workspace
    crls = ["pki/official-duty-ca.crl"]                                # optional: revocation, offline
    ocsp = ["pki/signer.ocsp"]                                         # optional: OCSP responses (DER)

Nothing is trusted by default and nothing is fetched: the national root (Bộ Thông tin và
Truyền thông's root CA) and the official-duty CA (Ban Cơ yếu Chính phủ, Decree 68/2024) are
files the office configures (README, "Electronic signatures"). Certificates may be PEM or DER,
several to a PEM file; CRLs PEM or DER.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, WorkspaceError
from ..i18n import N_, _
from ..tomlread import TomlReader

if TYPE_CHECKING:
    from ..config import Workspace

__all__ = ["Trust", "load_trust", "read_certificates", "read_crls"]

TABLE = "signatures"
KEYS = ("trust_roots", "crls", "ocsp")


@dataclass(frozen=True)
class Trust:
    """Trust roots and offline revocation data, as DER bytes (hashable, picklable, engine-free)."""

    roots: tuple[bytes, ...] = ()
    crls: tuple[bytes, ...] = ()
    ocsps: tuple[bytes, ...] = ()
    sources: tuple[str, ...] = field(default=(), compare=False)  # the files they came from

    def with_files(self, roots: Iterable[Path] = (), crls: Iterable[Path] = (),
                   ocsps: Iterable[Path] = ()) -> Trust:
        """This trust plus files named on the command line."""
        roots, crls, ocsps = list(roots), list(crls), list(ocsps)
        return Trust(
            self.roots + tuple(c for p in roots for c in read_certificates(p)),
            self.crls + tuple(c for p in crls for c in read_crls(p)),
            self.ocsps + tuple(_read(p) for p in ocsps),
            self.sources + tuple(str(p) for p in (*roots, *crls, *ocsps)),
        )


def _read(path: Path, source: str | None = None, field_path: str | None = None) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as e:
        raise InputError(_("{path}: no such file").format(path=path), source=source, field=field_path) from e
    except OSError as e:
        raise InputError(_("{path}: cannot read: {error}").format(path=path, error=e.strerror or e), source=source,
                         field=field_path) from e


def _pem_blocks(data: bytes, label: bytes) -> list[bytes]:
    import base64

    out = []
    begin, end = b"-----BEGIN " + label + b"-----", b"-----END " + label + b"-----"
    rest = data
    while begin in rest:
        start = rest.index(begin) + len(begin)
        stop = rest.index(end, start)
        out.append(base64.b64decode(b"".join(rest[start:stop].split())))
        rest = rest[stop + len(end):]
    return out


def _read_der(path: Path, pem_label: bytes, load: Any, not_one: str, none_in: str, source: str | None,
              field_path: str | None) -> list[bytes]:
    """The objects in a PEM (one or more, under ``pem_label``) or DER file, as DER, each checked by ``load``."""
    data = _read(path, source, field_path)
    blocks = _pem_blocks(data, pem_label) if b"-----BEGIN" in data else [data]
    try:
        for der in blocks:
            load(der)
    except (ValueError, TypeError) as e:
        raise InputError(_(not_one).format(path=path), source=source, field=field_path) from e
    if not blocks:
        raise InputError(_(none_in).format(path=path), source=source, field=field_path)
    return blocks


def read_certificates(path: Path, *, source: str | None = None, field_path: str | None = None) -> list[bytes]:
    """The certificates in a PEM (one or more) or DER file, as DER; a file with none is an error."""
    from cryptography import x509

    return _read_der(path, b"CERTIFICATE", x509.load_der_x509_certificate,
                     N_("{path}: not a certificate (PEM or DER)"), N_("{path}: no certificate in it"),
                     source, field_path)


def read_crls(path: Path, *, source: str | None = None, field_path: str | None = None) -> list[bytes]:
    """The CRLs in a PEM or DER file, as DER."""
    from cryptography import x509

    return _read_der(path, b"X509 CRL", x509.load_der_x509_crl,
                     N_("{path}: not a certificate revocation list (PEM or DER)"),
                     N_("{path}: no certificate revocation list in it"), source, field_path)


def _profile_table(ws: Workspace) -> Mapping[str, object]:
    path = ws.profile_path
    if path is None or not Path(path).is_file():
        return {}
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise WorkspaceError(_("{path}: cannot read the workspace profile: {error}").format(path=path, error=e)) from e
    return data.get(TABLE, {})


def load_trust(ws: Workspace) -> Trust:
    """The workspace's trust roots and revocation data (an empty ``Trust`` when not configured)."""
    source = str(ws.profile_path) if ws.profile_path else None
    reader = TomlReader(source)
    tbl = reader.table(_profile_table(ws), TABLE, KEYS)
    lists: dict[str, list[Path]] = {}
    for key in KEYS:
        value = tbl.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise reader.fail(f"{TABLE}.{key}", _("must be a list of file names, relative to the workspace"))
        lists[key] = [ws.root / v for v in value]
    roots = tuple(c for i, p in enumerate(lists["trust_roots"])
                  for c in read_certificates(p, source=source, field_path=f"{TABLE}.trust_roots[{i}]"))
    crls = tuple(c for i, p in enumerate(lists["crls"])
                 for c in read_crls(p, source=source, field_path=f"{TABLE}.crls[{i}]"))
    ocsps = tuple(_read(p, source, f"{TABLE}.ocsp[{i}]") for i, p in enumerate(lists["ocsp"]))
    return Trust(roots, crls, ocsps, tuple(str(p) for key in KEYS for p in lists[key]))
