"""``paperwork dossier export``: one dossier as a folder, ready to hand over or to bag.

    DIR/
      van-ban/001-05-QĐ-SNV.docx      the documents, copied from the archive store in date order,
      van-ban/002-….pdf               each checked against its SHA-256 on the way
      van-ban/002-….pdfa.pdf          (a scan's PDF/A-2b archival copy beside its original)
      muc-luc-van-ban.xlsx            the mục lục văn bản (Phụ lục V, mục IV)
      muc-luc-van-ban.docx            the same, Decree 30 page set-up (+ .pdf with --pdf)
      ho-so.xml                       Phụ lục VI metadata of the dossier and its documents (ho-so.xsd)

The folder is built beside DIR under a hidden name and renamed into place when complete: DIR is
never left half-written, and an existing DIR that is not empty is refused.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ArchiveError, InputError
from ..files import os_error, write_atomic
from ..i18n import _
from ..vietnamese import nfc
from . import forms
from .metadata import ExportedFile, dossier_xml

if TYPE_CHECKING:
    from ..config import Workspace
    from .dossiers import Contents

__all__ = ["DossierExport", "export_dossier", "staged_folder", "write_dossier"]

DOCS_DIR = "van-ban"
LIST_NAME = "muc-luc-van-ban"
XML_NAME = "ho-so.xml"
_UNSAFE = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True)
class DossierExport:
    folder: Path
    documents: int
    files: dict[int, list[ExportedFile]]  # archive id -> what was written for it
    xml: Path
    pdf: Path | None

    @property
    def file_count(self) -> int:
        return sum(len(v) for v in self.files.values())


def file_stem(ordinal: int, number: str, type_name: str) -> str:
    """``001-05-QĐ-SNV``: the ordinal, then the number (or the type) with path characters replaced."""
    base = _UNSAFE.sub("-", nfc(number or type_name or "van-ban")).strip("-.")[:40].strip("-.")
    return f"{ordinal:03d}-{base or 'van-ban'}"


def _copy_checked(source: Path, target: Path, sha256: str) -> ExportedFile:
    """Copy a stored file, hashing on the way; a file that no longer has its SHA-256 is an error."""
    from ..archive.store import open_regular

    digest = hashlib.sha256()
    size = 0
    try:
        with open_regular(source) as src, open(target, "xb") as dst:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
            dst.flush()
            os.fsync(dst.fileno())
    except FileNotFoundError as e:
        raise ArchiveError(_("{source}: the stored file is missing (run `paperwork archive verify`)").format(
            source=source
        )) from e
    except OSError as e:
        raise os_error(target, e) from e
    if digest.hexdigest() != sha256:
        raise ArchiveError(_("{source}: the stored file no longer has its SHA-256 (run `paperwork "
                             "archive verify`)").format(source=source))
    return ExportedFile(name="", sha256=sha256, size=size)


def write_dossier(ws: Workspace, contents: Contents, folder: Path, organ_id: str, *, pdf: bool = False) -> DossierExport:
    """Write the export of one dossier into ``folder`` (which exists and is empty)."""
    from ..archive.service import stored_path

    d = contents.dossier
    docs = folder / DOCS_DIR
    docs.mkdir()
    written: dict[int, list[ExportedFile]] = {}
    for item in contents.items:
        record = item.record
        stem = file_stem(item.ordinal, item.number, item.type_name)
        suffix = Path(record.filename).suffix.lower() or Path(record.stored_path).suffix.lower()
        name = f"{stem}{suffix}"
        copied = _copy_checked(stored_path(ws, record), docs / name, record.sha256)
        files = [ExportedFile(f"{DOCS_DIR}/{name}", copied.sha256, copied.size)]
        if record.pdfa_path and record.pdfa_sha256:
            pdfa_name = f"{stem}.pdfa.pdf"
            pdfa = _copy_checked(ws.archive / record.pdfa_path, docs / pdfa_name, record.pdfa_sha256)
            files.append(ExportedFile(f"{DOCS_DIR}/{pdfa_name}", pdfa.sha256, pdfa.size, role="pdfa"))
        written[record.id] = files
    forms.muc_luc_van_ban_xlsx(folder / f"{LIST_NAME}.xlsx", d.code, d.year, contents.items)
    forms.muc_luc_van_ban_docx(folder / f"{LIST_NAME}.docx", d.code, d.year, contents.items)
    pdf_path = None
    if pdf:
        from ..pdf import docx_to_pdf

        pdf_path = docx_to_pdf(folder / f"{LIST_NAME}.docx", folder / f"{LIST_NAME}.pdf")
    xml = folder / XML_NAME
    write_atomic(xml, dossier_xml(contents, organ_id, written))
    return DossierExport(folder, len(contents.items), written, xml, pdf_path)


def check_new_folder(target: Path) -> None:
    """Refuse a target that exists and is not an empty folder."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InputError(_("exists and is not a folder: choose a new folder"), source=str(target))
    if target.is_dir() and any(target.iterdir()):
        raise InputError(_("exists and is not empty: choose a new folder"), source=str(target))


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A hidden folder beside ``target``, renamed onto it when the block succeeds, removed when it fails."""
    target = Path(target).absolute()
    check_new_folder(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".part", dir=target.parent))
    except OSError as e:
        raise os_error(target, e) from e
    try:
        yield staging
        check_new_folder(target)
        if target.is_dir():
            target.rmdir()  # empty: checked above
        os.rename(staging, target)
    except BaseException as e:
        shutil.rmtree(staging, ignore_errors=True)  # only the folder this call made
        if isinstance(e, OSError):
            raise os_error(target, e) from e
        raise


def export_dossier(ws: Workspace, year: int, code: str, target: Path, *, pdf: bool = False) -> DossierExport:
    """Export a dossier (open or closed) into the new folder ``target``."""
    from .dossiers import check_year, contents, dossier_catalog
    from .settings import records_settings

    check_year(year)
    organ_id = records_settings(ws).require_organ_id()
    dossier = dossier_catalog(ws).get(year, code)
    what = contents(ws, dossier)
    if not what.items:
        raise InputError(_("{label} has no documents to export").format(label=dossier.label))
    if pdf:
        from ..pdf import find_soffice

        find_soffice()  # before anything is written
    with staged_folder(target) as staging:
        result = write_dossier(ws, what, staging, organ_id, pdf=pdf)
    target = Path(target).absolute()
    return DossierExport(
        target, result.documents, result.files, target / XML_NAME, target / f"{LIST_NAME}.pdf" if pdf else None
    )
