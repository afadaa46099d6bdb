"""PDF through LibreOffice headless: the same engine a clerk would print with."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import ConversionError

TIMEOUT_S = 180
INSTALL_HINT = "install LibreOffice (Debian: apt-get install libreoffice-writer-nogui)"


def find_soffice() -> str:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    raise ConversionError(f"cannot make a PDF: LibreOffice (soffice) is not installed; {INSTALL_HINT}")


def docx_to_pdf(docx: Path, pdf: Path) -> Path:
    """Convert ``docx`` to ``pdf`` (written atomically); return ``pdf``."""
    soffice = find_soffice()
    with tempfile.TemporaryDirectory(prefix="paperwork-pdf-") as tmp:
        work = Path(tmp)
        # A private profile per run: concurrent conversions never share a lock.
        profile = (work / "profile").as_uri()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work),
            str(docx),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise ConversionError(f"{docx}: LibreOffice did not finish within {TIMEOUT_S} s") from None
        produced = work / (docx.stem + ".pdf")
        if proc.returncode != 0 or not produced.is_file():
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            raise ConversionError(f"{docx}: LibreOffice could not convert it: {detail[-1] if detail else 'no output'}")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        tmp_pdf = pdf.with_name(f".{pdf.name}.part")
        shutil.move(produced, tmp_pdf)
        os.replace(tmp_pdf, pdf)
    return pdf
