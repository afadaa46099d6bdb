"""The signatures of a signed PDF as the archive records them when it is added.

    inspect = SignatureInspector(ws)
    inspect(path) -> str | None      JSON of the check (signing.check against the workspace's trust
                                     roots), or None for a file that is not a signed PDF

A signed PDF is stored byte for byte like any file (the store never rewrites a file); what the
archive adds is this check, in the catalog's ``signatures`` column and as a ``signature check``
event of the audit trail. Its text comes from its text layer; a signed scan is OCRed into a
separate PDF/A copy (ocr.py), the signed original untouched.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PaperworkError

if TYPE_CHECKING:
    from ..config import Workspace

__all__ = ["SignatureInspector"]


class SignatureInspector:
    """For one ``add``: the trust roots read once, at the first signed PDF."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self._trust: Any = None

    def __call__(self, path: Path) -> str | None:
        if Path(path).suffix.lower() != ".pdf":
            return None
        from ..signing import check, has_signatures, load_trust

        if not has_signatures(path):
            return None
        if self._trust is None:
            self._trust = load_trust(self.ws)  # a bad [signatures] table: its InputError, once
        try:
            found = check(path, self._trust).as_dict()
        except PaperworkError as e:  # a signature pyHanko cannot read at all
            found = {"verdict": "invalid", "signatures": [], "problems": [str(e)]}
        found.pop("path", None)  # the file's path at the time: the catalog has its own
        return json.dumps(found, ensure_ascii=False, sort_keys=True, default=str)
