"""Words the pages show for the library's codes: the audit trail's actions, an incoming entry's state.

The codes stay English in the catalog and the trail (``records.audit.ACTIONS``); the pages show
them through the catalogue: ``{{ e.action|action_label }}``. ``install(app)`` adds the filters
(called from ``registers.register``).
"""

from __future__ import annotations

from typing import Any

from ..i18n import N_, _

# records.audit.ACTIONS -> what a person reads in a document's history.
ACTION_LABELS: dict[str, str] = {
    "issue": N_("issued (number given)"),
    "void": N_("number withdrawn"),
    "archive add": N_("stored in the archive"),
    "ocr": N_("text recognised (OCR)"),
    "verify": N_("files checked"),
    "reindex": N_("search index rebuilt"),
    "engine switch": N_("search engine changed"),
    "transfer": N_("transferred to the archive"),
    "incoming add": N_("registered as incoming (số đến)"),
    "incoming route": N_("passed on to handle"),
    "incoming done": N_("handled"),
    "dossier plan": N_("dossier planned"),
    "dossier file": N_("filed into a dossier"),
    "dossier close": N_("dossier closed"),
    "sign": N_("signed"),
    "signature check": N_("signatures checked"),
    "sign in": N_("signed in"),
    "sign in refused": N_("sign-in refused"),
    "sign out": N_("signed out"),
    "view": N_("viewed"),
    "download": N_("downloaded"),
    "upload": N_("uploaded"),
    "search": N_("searched"),
    "restrict": N_("access restricted"),
    "user add": N_("user added"),
    "user change": N_("user changed"),
}


def action_label(code: Any) -> str:
    """The translated label of an audit action; an unknown code is shown as it is."""
    text = str(code or "")
    label = ACTION_LABELS.get(text)
    return _(label) if label else text


def install(app: Any) -> None:
    """The Jinja filters of these labels (one app at a time: nothing kept at module level)."""
    app.jinja_env.filters["action_label"] = action_label
