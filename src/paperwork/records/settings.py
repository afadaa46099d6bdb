"""The workspace's ``[records]`` table in paperwork.toml: the archives identification code and overrides.

    [records]
    organ_id = "000.00.12.H12"   # the agency's identification code (mã định danh) for archives
    rights = "Công khai"          # chế độ sử dụng, when a plan row gives none (optional)
    warn_days = 30                # warn this many days before a dossier is due at the archive

    [records.retention."KEY"]     # change or add a retention rule (paperwork.records.retention)

The format of ``organ_id`` is not confirmed: Phụ lục VI of Decree 30 gives it as a string of 13
characters (FileCode/OrganId); the codes that identify agencies for electronic documents look like
``000.00.00.G09`` (13 characters), which fits, but paperwork only checks the length and that it is
one word. Nothing is assumed: exports that need it refuse until it is set.

The table is read from the profile here (``config.Workspace`` does not carry it yet).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..config import Workspace
from ..errors import InputError, WorkspaceError
from ..i18n import N_, _
from ..vietnamese import user_text

__all__ = ["ORGAN_ID_MAX", "RecordsSettings", "records_settings"]

ORGAN_ID_MAX = 13  # Phụ lục VI, Phần II, mục III, field 1.1 (OrganId: String 13)
_ORGAN_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]*")
ORGAN_ID_HINT = (
    N_('set [records] organ_id = "…" in paperwork.toml: the agency\'s identification code for archives'
    " (mã định danh, at most 13 characters, e.g. 000.00.12.H12; the format is not confirmed)")
)


@dataclass(frozen=True)
class RecordsSettings:
    organ_id: str | None = None
    rights: str | None = None
    warn_days: int | None = None
    retention: Mapping[str, object] = field(default_factory=dict)  # raw [records.retention]
    source: str | None = None  # the profile, for messages

    def require_organ_id(self) -> str:
        if not self.organ_id:
            raise InputError(_(ORGAN_ID_HINT), source=self.source, field="records.organ_id")
        return self.organ_id


def records_settings(ws: Workspace) -> RecordsSettings:
    """The ``[records]`` table of the workspace profile (defaults when there is none)."""
    path = ws.profile_path
    if path is None:
        return RecordsSettings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise WorkspaceError(_("{path}: cannot read the workspace profile: {error}").format(
            path=path, error=e
        )) from e
    return parse_settings(data.get("records", {}), source=str(path))


def parse_settings(table: object, *, source: str | None) -> RecordsSettings:
    if not isinstance(table, Mapping):
        raise InputError(_("must be a table"), source=source, field="records")
    known = ("organ_id", "rights", "warn_days", "retention")
    for key in table:
        if key not in known:
            raise InputError(_("unknown field (expected {known})").format(known=', '.join(known)), source=source, field=f"records.{key}")
    organ_id = table.get("organ_id")
    if organ_id is not None:
        organ_id = user_text(organ_id, "records.organ_id", source=source)
        if len(organ_id) > ORGAN_ID_MAX or not _ORGAN_ID.fullmatch(organ_id):
            raise InputError(
                _("{organ_id!r} must be one word of at most {ORGAN_ID_MAX} letters, digits, '.' or '-' "
                  "(Phụ lục VI: OrganId, String 13)").format(organ_id=organ_id, ORGAN_ID_MAX=ORGAN_ID_MAX),
                source=source,
                field="records.organ_id",
            )
    rights = table.get("rights")
    if rights is not None:
        rights = user_text(rights, "records.rights", source=source)
        if len(rights) > 30:
            raise InputError(_("at most 30 characters (Phụ lục VI: Rights, String 30)"), source=source,
                             field="records.rights")
    warn_days = table.get("warn_days")
    if warn_days is not None and (isinstance(warn_days, bool) or not isinstance(warn_days, int)
                                  or not 0 <= warn_days <= 366):
        raise InputError(_("must be a whole number of days, 0 to 366"), source=source, field="records.warn_days")
    retention = table.get("retention", {})
    if not isinstance(retention, Mapping):
        raise InputError(_("must be a table"), source=source, field="records.retention")
    return RecordsSettings(organ_id=organ_id, rights=rights, warn_days=warn_days, retention=dict(retention),
                           source=source)
