"""From an input file to a written, registered and archived document: the pipeline the CLI calls.

load (file → validated model, workspace defaults filled in) → context (kind)
→ render (docxtpl) → optional PDF → write atomically → register (with
``issue``) → archive. With ``issue``, the number is allocated and recorded in
the same transaction as the write, so a failed render consumes no number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Workspace
from .errors import InputError, PaperworkError
from .inputs import load_input
from .kinds import Kind, issue_of
from .kinds.common import symbol
from .models import CovenantInput, DocumentInput, MinutesInput
from .render import discard, find_template, render_bytes, stage_file
from .vietnamese import number_symbol


@dataclass(frozen=True)
class Written:
    kind: str
    path: Path
    number: int | None
    date: dt.date | None
    sha256: str
    pdf: Path | None = None
    registered: bool = False
    archive_id: int | None = None
    archive_error: str | None = None


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


def check_issuable(doc: DocumentInput, ws: Workspace) -> None:
    if not issued_here(doc, ws):
        raise InputError(
            f"{doc.agency.code} is not this workspace's agency ({ws.agency.code}): its register numbers only "
            f"{ws.agency.code}'s documents; give `number` in the input, or render without --issue",
            field="agency.code",
        )


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


@dataclass
class _Staged:
    docx: Path
    pdf: Path | None
    sha256: str


def _stage(kind: Kind, doc: DocumentInput, out: Path, ws: Workspace, number: int | None, pdf: bool) -> _Staged:
    """Render (and convert) into hidden files beside ``out``; nothing visible changes yet."""
    data = render_document(kind, doc, ws, number=number)
    docx = stage_file(out, data)
    pdf_path = None
    if pdf:
        from .pdf import docx_to_pdf

        try:
            with tempfile.TemporaryDirectory(prefix="paperwork-") as tmp:
                source = Path(tmp) / out.name
                source.write_bytes(data)
                pdf_path = docx_to_pdf(source, Path(tmp) / out.with_suffix(".pdf").name)
                pdf_path = stage_file(out.with_suffix(".pdf"), pdf_path.read_bytes())
        except BaseException:
            discard(docx)
            raise
    return _Staged(docx, pdf_path, hashlib.sha256(data).hexdigest())


def _place(staged: _Staged, out: Path) -> Path | None:
    try:
        if staged.pdf is not None:
            os.replace(staged.pdf, out.with_suffix(".pdf"))
        os.replace(staged.docx, out)
    except OSError as e:
        raise PaperworkError(f"{out}: cannot write: {e.strerror}") from e
    return out.with_suffix(".pdf") if staged.pdf is not None else None


def produce(
    kind: Kind,
    doc: DocumentInput,
    out: Path,
    ws: Workspace,
    *,
    issue: bool = False,
    pdf: bool = False,
    archive: bool = True,
    today: dt.date | None = None,
) -> Written:
    """Write one document; with ``issue``, number and register it; then archive it.

    Files are staged beside ``out`` and renamed into place only once the
    register has committed: a failure anywhere leaves the old files as they were.
    """
    from .register import Register

    numbered = is_numbered(kind, ws)
    if issue and numbered:
        check_issuable(doc, ws)
    register = Register.for_workspace(ws)
    number = doc.number
    staged = None
    try:
        if issue and numbered:
            date = doc.date or today or dt.date.today()
            doc = doc.model_copy(update={"date": date})
            with register.reserve(kind.type_symbol, date.year, number=doc.number) as held:
                number = held.number
                staged = _stage(kind, doc, out, ws, number, pdf)
                held.record(
                    symbol=symbol(doc.agency, kind.type_symbol),
                    date=date,
                    kind=kind.name,
                    type_name=kind.type_name,
                    title=kind.title_of(doc),
                    signer=signer_name(doc),
                    recipients=list(doc.recipients),
                    output=str(out.resolve()),
                    sha256=staged.sha256,
                )
        else:
            if doc.number is not None and numbered and issued_here(doc, ws):
                year = doc.date.year if doc.date else (today or dt.date.today()).year
                register.check_free(kind.type_symbol, year, doc.number)
            staged = _stage(kind, doc, out, ws, None, pdf)
        pdf_path = _place(staged, out)
    except BaseException:
        if staged is not None:
            discard(staged.docx, staged.pdf)
        raise

    archive_id = archive_error = None
    if archive:
        archive_id, archive_error = _archive(kind, doc, out, ws, number if numbered else None)
    return Written(
        kind.name, out, number, doc.date, staged.sha256, pdf_path, issue and numbered, archive_id, archive_error
    )


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


def _archive(kind: Kind, doc: DocumentInput, out: Path, ws: Workspace, number: int | None):
    from .archive.service import add_file

    meta = archive_meta(kind, doc, ws, number)
    try:
        result = add_file(ws, out, meta, source="generated")
    except PaperworkError as e:
        return None, str(e)
    return result.record.id, None
