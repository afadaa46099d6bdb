"""Checking the signatures of a PDF: one verdict per signature, one for the file.

    has_signatures(path)          cheap: is there a signed signature field? (no validation)
    check(path, trust)            -> SignatureReport, every signature validated by pyHanko

A signature's verdict is the first that applies:

    invalid     the signed bytes changed, the cryptography fails, or the file was changed after
                it in a way a later signature does not account for
    revoked     the certificate is revoked (a CRL or OCSP response: the workspace's, given, or in the PDF)
    expired     the certificate was outside its validity period when it signed
    untrusted   no chain to the workspace's trust roots (``[signatures] trust_roots``)
    valid

The file's verdict is ``unsigned`` without signatures, else the worst of its signatures'.
Nothing is fetched from the network: revocation is checked where the data is at hand, and the
report says when it could not be.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, PaperworkError
from ..i18n import _
from .trust import Trust

__all__ = ["VERDICTS", "SignatureCheck", "SignatureReport", "check", "has_signatures", "signature_widgets"]

VERDICTS = ("valid", "untrusted", "expired", "revoked", "invalid", "unsigned")
_WORST = {"valid": 0, "untrusted": 1, "expired": 2, "revoked": 3, "invalid": 4}
_VN = dt.timezone(dt.timedelta(hours=7))


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer: str  # the certificate's common name
    organisation: str | None
    serial: str  # the certificate's serial number, hex
    signing_time: dt.datetime | None  # what the signer's machine claimed (/M), Vietnam time
    timestamp: dt.datetime | None  # from the timestamp authority (PAdES B-T), Vietnam time
    timestamp_trusted: bool | None  # None: no timestamp
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature holds
    coverage: str  # "whole file", "whole revision" (later updates follow), "partial"
    modifications: str  # after it: "none", "validation data" (DSS, timestamps), "form filling" (signatures), "annotations", "other"
    trusted: bool  # a chain to the workspace's trust roots
    chain: tuple[str, ...]  # from the trust root down to the signer
    revocation: str  # "good", "revoked", "not checked"
    not_after: dt.datetime
    verdict: str
    problems: tuple[str, ...] = ()  # why the verdict is not "valid", one sentence each
    revocation_note: str | None = None  # why revocation was not checked

    def as_dict(self) -> dict[str, Any]:
        def iso(t: dt.datetime | None) -> str | None:
            return None if t is None else t.isoformat(timespec="seconds")

        return {"field": self.field, "signer": self.signer, "organisation": self.organisation, "serial": self.serial,
                "signing_time": iso(self.signing_time), "timestamp": iso(self.timestamp),
                "timestamp_trusted": self.timestamp_trusted, "intact": self.intact, "valid": self.valid,
                "coverage": self.coverage, "modifications": self.modifications, "trusted": self.trusted,
                "chain": list(self.chain), "revocation": self.revocation, "not_after": iso(self.not_after),
                "revocation_note": self.revocation_note, "verdict": self.verdict, "problems": list(self.problems)}


@dataclass(frozen=True)
class SignatureReport:
    path: Path
    signatures: tuple[SignatureCheck, ...]
    verdict: str  # one of VERDICTS

    @property
    def ok(self) -> bool:
        return self.verdict == "valid"

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "verdict": self.verdict,
                "signatures": [s.as_dict() for s in self.signatures]}


# --------------------------------------------------------------------------- cheap look


def _open(path: Path):
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        f = open(path, "rb")
    except FileNotFoundError as e:
        raise InputError(_("no such file"), source=str(path)) from e
    except OSError as e:
        raise InputError(_("cannot read: {error}").format(error=e.strerror or e), source=str(path)) from e
    try:
        if f.read(5) != b"%PDF-" and b"%PDF-" not in f.read(1024):
            raise InputError(_("not a PDF"), source=str(path))
        f.seek(0)
        return f, PdfFileReader(f, strict=False)
    except (PdfError, ValueError, KeyError) as e:
        f.close()
        raise InputError(_("not a readable PDF: {error}").format(error=e), source=str(path)) from e
    except BaseException:
        f.close()
        raise


def has_signatures(path: Path) -> bool:
    """Does the PDF hold a signed signature field? Reads the AcroForm only; validates nothing.

    Any other file (a .docx, an image, a PDF too broken to read) holds none: False. A file that
    is not there is an ``InputError``.
    """
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.fields import enumerate_sig_fields

    try:
        f, reader = _open(Path(path))
    except InputError:
        if not Path(path).is_file():
            raise
        return False
    try:
        return any(value is not None for _name, value, _ref in enumerate_sig_fields(reader, filled_status=True))
    except (PdfError, ValueError, KeyError, TypeError):
        return False  # a broken AcroForm holds no signature anyone could check
    finally:
        f.close()


def signature_widgets(reader) -> list[tuple[int, tuple[float, float, float, float]]]:
    """(page from 0, rectangle) of every visible signature field's widget in a pyHanko reader."""
    from pyhanko.sign.fields import enumerate_sig_fields

    pages = {}
    try:
        for i in range(int(reader.root["/Pages"]["/Count"])):
            pages[reader.find_page_for_modification(i)[0].idnum] = i
    except (KeyError, ValueError, TypeError):
        pass
    out = []
    for _name, _value, ref in enumerate_sig_fields(reader, filled_status=None):
        field = ref.get_object()
        widgets = field.get("/Kids") or [ref]
        for w in widgets:
            w = w.get_object() if hasattr(w, "get_object") else w
            rect = w.get("/Rect")
            page_ref = w.get_value_as_reference("/P") if "/P" in w else None
            if rect is None or page_ref is None:
                continue
            x0, y0, x1, y1 = (float(v) for v in rect)
            if x1 - x0 <= 0 or y1 - y0 <= 0:
                continue
            page = pages.get(page_ref.idnum)
            if page is not None:
                out.append((page, (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))))
    return out


# --------------------------------------------------------------------------- validation


def _revinfo(trust: Trust, reader) -> tuple[list[bytes], list[bytes]]:
    """Every CRL and OCSP response at hand: the workspace's and given ones, and those in the PDF's DSS."""
    crls, ocsps = list(trust.crls), list(trust.ocsps)
    try:
        from pyhanko.sign.validation.dss import DocumentSecurityStore

        dss = DocumentSecurityStore.read_dss(reader)
        crls += [ref.get_object().data for ref in dss.crls]
        ocsps += [ref.get_object().data for ref in dss.ocsps]
    except Exception:  # noqa: BLE001 - no DSS, or an unreadable one: nothing more at hand
        pass
    return crls, ocsps


def _about(cert, crls: list[bytes], ocsps: list[bytes]) -> bool:
    """Does a CRL from the certificate's issuer, or an OCSP response about it, lie at hand? (OCSP counts for a
    certificate that names an OCSP service, as pyHanko reads responses only for those.)"""
    from asn1crypto import crl as a_crl
    from asn1crypto import ocsp as a_ocsp

    for der in crls:
        try:
            if a_crl.CertificateList.load(der).issuer == cert.issuer:
                return True
        except ValueError:
            continue
    for der in ocsps if cert.ocsp_urls else ():
        try:
            basic = a_ocsp.OCSPResponse.load(der)["response_bytes"]["response"].parsed
            for single in basic["tbs_response_data"]["responses"]:
                if single["cert_id"]["serial_number"].native == cert.serial_number:
                    return True
        except (ValueError, KeyError, TypeError):
            continue
    return False


def _context(trust: Trust, reader, *, check_revocation: bool):
    """pyHanko's validation context: the trust roots and the revocation data at hand, nothing fetched.

    ``check_revocation``: data about the signer's certificate is at hand, so it must be checked
    against it (pyHanko's default checks only the sources a certificate names itself).
    """
    from asn1crypto import x509
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.policy_decl import (CertRevTrustPolicy, RevocationCheckingPolicy,
                                                   RevocationCheckingRule)

    soft = RevocationCheckingRule.CHECK_IF_DECLARED_SOFT
    ee = RevocationCheckingRule.CRL_OR_OCSP_REQUIRED if check_revocation else soft
    kwargs: dict[str, Any] = dict(trust_roots=[x509.Certificate.load(c) for c in trust.roots],
                                  crls=list(trust.crls), ocsps=list(trust.ocsps), allow_fetching=False,
                                  # a CRL or OCSP response fetched after the signing counts: an office checks later
                                  revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy(ee, soft),
                                                                    retroactive_revinfo=True))
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return ValidationContext(**kwargs)
    return dss.as_validation_context(kwargs)


def _vn(t: dt.datetime | None) -> dt.datetime | None:
    return None if t is None else t.astimezone(_VN)


def _one(sig, trust: Trust, reader, revinfo: tuple[list[bytes], list[bytes]]) -> SignatureCheck:
    from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
    from pyhanko.sign.validation import validate_pdf_signature

    cert = sig.signer_cert
    subject = cert.subject.native
    problems: list[str] = []
    checked = _about(cert, *revinfo)
    context = _context(trust, reader, check_revocation=checked)
    status = validate_pdf_signature(sig, signer_validation_context=context)
    coverage = {"ENTIRE_FILE": "whole file", "ENTIRE_REVISION": "whole revision"}.get(
        status.coverage.name if status.coverage is not None else "", "partial")
    level = status.modification_level
    modifications = {None: "none", "NONE": "none", "LTA_UPDATES": "validation data", "FORM_FILLING": "form filling",
                     "ANNOTATIONS": "annotations"}.get(level.name if level is not None else None, "other")
    ts = status.timestamp_validity
    ts_trusted = None if ts is None else bool(ts.intact and ts.valid and ts.trusted)
    indic = status.trust_problem_indic
    not_after = cert["tbs_certificate"]["validity"]["not_after"].native
    not_before = cert["tbs_certificate"]["validity"]["not_before"].native
    when = status.signer_reported_dt or sig.self_reported_timestamp
    if status.revoked or indic in (AdESFailure.REVOKED, AdESIndeterminate.REVOKED_NO_POE,
                                   AdESIndeterminate.REVOKED_CA_NO_POE):
        revocation = "revoked"
    else:
        revocation = "good" if checked and status.trusted else "not checked"
    note = None
    if revocation == "not checked":
        note = (_("the certificate names no CRL or OCSP service") if not (cert.crl_distribution_points
                                                                          or cert.ocsp_urls)
                else _("no CRL or OCSP response at hand"))
    out_of_dates = when is not None and not (not_before <= when <= not_after)
    if not status.intact:
        verdict = "invalid"
        problems.append(_("the signed bytes have changed since signing"))
    elif not status.valid:
        verdict = "invalid"
        problems.append(_("the cryptographic signature does not hold"))
    elif coverage == "partial" or modifications == "other" or status.docmdp_ok is False:
        verdict = "invalid"
        problems.append(_("the file was changed after this signature"))
    elif revocation == "revoked":
        verdict = "revoked"
        details = status.revocation_details
        if details is not None:
            problems.append(_("the certificate was revoked on {date}").format(
                date=_vn(details.revocation_date).isoformat()))
        else:
            problems.append(_("the certificate is revoked"))
    elif out_of_dates or indic in (AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
                                   AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED, AdESIndeterminate.NOT_YET_VALID,
                                   AdESFailure.NOT_YET_VALID):
        verdict = "expired"
        problems.append(_("the certificate is valid from {start} to {end}, and the signature is dated {date}").format(
            start=_vn(not_before).isoformat(), end=_vn(not_after).isoformat(),
            date=_vn(when).isoformat() if when else "?"))
    elif not status.trusted and status.validation_path is not None:
        verdict = "untrusted"
        problems.append(_("the chain to the trust roots holds, but the certificate could not be validated: {reason}")
                        .format(reason=indic.name.lower().replace("_", " ") if indic else "?"))
    elif not status.trusted:
        verdict = "untrusted"
        problems.append(_("no chain to the workspace's trust roots ([signatures] trust_roots in paperwork.toml)")
                        if not trust.roots else _("no chain to the workspace's trust roots"))
    elif ts is not None and not ts_trusted:
        verdict = "untrusted"
        problems.append(_("the timestamp does not chain to the workspace's trust roots or does not hold"))
    else:
        verdict = "valid"
    path = status.validation_path
    chain = tuple(c.subject.native.get("common_name") or c.subject.human_friendly
                  for c in path.iter_certs(include_root=True)) if path is not None else ()
    return SignatureCheck(
        field=sig.field_name, signer=subject.get("common_name") or cert.subject.human_friendly,
        organisation=subject.get("organization_name"), serial=format(cert.serial_number, "x"),
        signing_time=_vn(when), timestamp=_vn(ts.timestamp) if ts is not None else None, timestamp_trusted=ts_trusted,
        intact=bool(status.intact), valid=bool(status.valid), coverage=coverage, modifications=modifications,
        trusted=bool(status.trusted), chain=chain, revocation=revocation, not_after=_vn(not_after), verdict=verdict,
        problems=tuple(problems), revocation_note=note)


def check(path: Path, trust: Trust) -> SignatureReport:
    """Validate every signature of the PDF against ``trust`` (offline)."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.validation.errors import SignatureValidationError

    path = Path(path)
    f, reader = _open(path)
    try:
        try:
            embedded = list(reader.embedded_regular_signatures)
        except (PdfError, ValueError, KeyError) as e:
            raise InputError(_("the signature fields cannot be read: {error}").format(error=e), source=str(path)) from e
        revinfo = _revinfo(trust, reader)
        checks = []
        for sig in embedded:
            try:
                checks.append(_one(sig, trust, reader, revinfo))
            except (SignatureValidationError, PdfError, ValueError) as e:
                checks.append(_broken(sig, e))
    except PaperworkError:
        raise
    finally:
        f.close()
    if not checks:
        return SignatureReport(path, (), "unsigned")
    verdict = max((c.verdict for c in checks), key=_WORST.__getitem__)
    return SignatureReport(path, tuple(checks), verdict)


def _broken(sig, e: Exception) -> SignatureCheck:
    """A signature pyHanko could not even evaluate (a mangled container): invalid."""
    try:
        cert = sig.signer_cert
        subject = cert.subject.native
        name, org, serial = subject.get("common_name") or "", subject.get("organization_name"), format(
            cert.serial_number, "x")
        not_after = cert["tbs_certificate"]["validity"]["not_after"].native
    except Exception:  # noqa: BLE001 - the certificate itself may be what is broken
        name, org, serial, not_after = "(unreadable)", None, "", dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return SignatureCheck(
        field=sig.field_name, signer=name, organisation=org, serial=serial, signing_time=None, timestamp=None,
        timestamp_trusted=None, intact=False, valid=False, coverage="partial", modifications="other", trusted=False,
        chain=(), revocation="not checked", not_after=_vn(not_after), verdict="invalid",
        problems=(_("the signature cannot be evaluated: {error}").format(error=e),))
