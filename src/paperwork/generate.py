"""From an input file to a written document: the pipeline the CLI calls.

load (file → validated model, workspace defaults filled in) → context (kind)
→ render (docxtpl) → write atomically → optional PDF.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Workspace
from .inputs import load_input
from .kinds import Kind, issue_of
from .models import DocumentInput
from .render import find_template, render_bytes, write_atomic


@dataclass(frozen=True)
class Written:
    kind: str
    path: Path
    number: int | None
    date: dt.date | None
    sha256: str
    pdf: Path | None = None


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


def render_document(
    kind: Kind,
    doc: DocumentInput,
    ws: Workspace,
    *,
    number: int | None = None,
    today: dt.date | None = None,
) -> bytes:
    issue = issue_of(doc, number=number, numbered=kind.numbered, today=today)
    context = kind.build(doc, issue)
    return render_bytes(find_template(kind.template, ws.templates_dir), context)


def write_document(
    kind: Kind,
    doc: DocumentInput,
    out: Path,
    ws: Workspace,
    *,
    number: int | None = None,
    pdf: bool = False,
) -> Written:
    data = render_document(kind, doc, ws, number=number)
    pdf_path = None
    if pdf:
        # Convert before the .docx lands: a failed conversion leaves no new file.
        import tempfile

        from .pdf import docx_to_pdf

        with tempfile.TemporaryDirectory(prefix="paperwork-") as tmp:
            staged = Path(tmp) / out.name
            staged.write_bytes(data)
            pdf_path = docx_to_pdf(staged, out.with_suffix(".pdf"))
    write_atomic(out, data)
    number = number if number is not None else doc.number
    return Written(kind.name, out, number, doc.date, hashlib.sha256(data).hexdigest(), pdf_path)
