"""Electronic originals: PAdES signatures placed as Decree 30/2020 Phụ lục I shows them, and their checks.

    from paperwork.signing import P12Key, SignOptions, sign_pdf, check, has_signatures, load_trust

    sign_pdf(pdf, out, P12Key(path, password), SignOptions(role="person", image=png))   # -> SignResult
    has_signatures(pdf)                       # cheap: a signed field in the AcroForm?
    check(pdf, load_trust(ws))                # -> SignatureReport (.verdict, .as_dict())

``appearance`` finds the signer block on the page and places the images; ``keys`` opens a PKCS#12
file or a PKCS#11 token (and asks a timestamp authority); ``sign`` signs with pyHanko; ``verify`` validates offline against ``trust``
(the workspace's ``[signatures]`` table). pyHanko's own types never leave this package.
"""

from __future__ import annotations

from .keys import P12Key, TokenKey
from .sign import COPY_FORMS, FORMS, ROLES, SignOptions, SignResult, check_ready, pipeline_signer, record, sign_pdf
from .trust import Trust, load_trust
from .verify import VERDICTS, SignatureCheck, SignatureReport, check, has_signatures

__all__ = [
    "COPY_FORMS", "FORMS", "ROLES", "VERDICTS", "P12Key", "SignOptions", "SignResult", "SignatureCheck",
    "SignatureReport", "TokenKey", "Trust", "check", "check_ready", "has_signatures", "load_trust", "pipeline_signer",
    "record", "sign_pdf",
]
