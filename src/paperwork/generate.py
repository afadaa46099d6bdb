"""One document: its workspace defaults, its rendering, what the register and the archive record of it.

Pure helpers the pipeline (``pipeline.py``) calls for every document; nothing
here writes a file, takes a number or archives.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .config import Workspace
from .inputs import load_input
from .kinds import Kind, issue_of
from .kinds.common import symbol
from .models import CovenantInput, DocumentInput, MinutesInput
from .render import find_template, render_bytes
from .vietnamese import number_symbol


def profile_defaults(ws: Workspace) -> dict[str, Any]:
    """What the workspace profile supplies to inputs that leave it out."""
    out: dict[str, Any] = {}
    a = ws.agency
    if a.name and a.code:
        out["agency"] = {k: v for k, v in (("parent", a.parent), ("name", a.name), ("code", a.code)) if v}
    if a.place:
        out["place"] = a.place
    return out


def load_document(kind: Kind, path: Path, ws: Workspace) -> DocumentInput:
    return load_input(path, kind.model, defaults=profile_defaults(ws))


def is_numbered(kind: Kind, ws: Workspace) -> bool:
    return kind.numbered or (kind.name == "covenant" and ws.numbering.number_covenant)


def issued_here(doc: DocumentInput, ws: Workspace) -> bool:
    """Is the document the workspace agency's own? Only those go into its register.

    A pack may carry another agency's document (the Ministry's reward decision at
    a cluster conference): its number belongs to that agency's register, not ours.
    """
    return ws.agency.code is None or doc.agency.code == ws.agency.code


def render_document(
    kind: Kind,
    doc: DocumentInput,
    ws: Workspace,
    *,
    number: int | None = None,
    today: dt.date | None = None,
) -> bytes:
    issue = issue_of(doc, number=number, numbered=is_numbered(kind, ws), today=today)
    context = kind.context(doc, issue, ws)
    return render_bytes(find_template(kind.template, ws.templates_dir), context)


def signer_name(doc: DocumentInput) -> str:
    if doc.signer is not None:
        return f"{doc.signer.name} ({doc.signer.title})"
    if isinstance(doc, MinutesInput):
        return doc.chair.name
    if isinstance(doc, CovenantInput):
        head = next(m for m in doc.members if m.unit == doc.head)
        return f"{head.signer.name} ({head.unit})"
    return ""


def archive_meta(kind: Kind, doc: DocumentInput, ws: Workspace, number: int | None):
    """What the archive records for a generated document (``number`` as printed in it)."""
    from .archive.store import DocumentMeta

    return DocumentMeta(
        type=kind.type_name,
        number=number_symbol(number, symbol(doc.agency, kind.type_symbol)) if number is not None else None,
        date=doc.date if number is not None or not is_numbered(kind, ws) else None,
        agency=doc.agency.name,
        title=kind.title_of(doc),
        signer=signer_name(doc),
    )
