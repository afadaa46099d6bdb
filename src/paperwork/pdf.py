"""PDF through LibreOffice headless: the same engine a clerk would print with.

Each conversion runs its own LibreOffice: a private profile in a private
temporary folder, in a process group of its own. Whatever happens (success,
error, time limit, Ctrl-C, any exception) the whole group is killed and reaped
and the folder removed before ``docx_to_pdf`` returns or raises.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from . import files
from .errors import ConversionError, PaperworkError
from .i18n import N_, _

TIMEOUT_S = 180.0
# After the group is killed: how long to wait for its last members to be gone
# (the folder is removed only then, so no dying process writes into it).
_REAP_WAIT_S = 5.0
INSTALL_HINT = N_("install LibreOffice (Debian: apt-get install libreoffice-writer-nogui)")


def find_soffice() -> str:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    raise ConversionError(_("cannot make a PDF: LibreOffice (soffice) is not installed; {INSTALL_HINT}").format(
        INSTALL_HINT=_(INSTALL_HINT)
    ))


def _group_alive(pgid: int) -> bool:
    """Does a process of group ``pgid`` still run? Zombies do not count: they hold nothing open."""
    proc = Path("/proc")
    if not proc.is_dir():  # no /proc: any member at all, zombies included
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # After the command name: state, ppid, pgrp, …
            state, _, pgrp = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError, IndexError):  # gone meanwhile
            continue
        if pgrp == str(pgid) and state not in ("Z", "X"):
            return True
    return False


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process group ``proc`` leads, reap ``proc``, wait for the rest to go."""
    # The group is killed before its leader is reaped: until then the leader's
    # pid (the group id) cannot be given to another process.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    # soffice.bin is a grandchild (soffice -> oosplash -> soffice.bin): init
    # reaps it, not us. A member can outlive the signal for a moment (a write
    # to disk in progress); the folder is removed only once none runs.
    deadline = time.monotonic() + _REAP_WAIT_S
    while _group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.02)


def _run(cmd: list[str], timeout: float, env: dict[str, str]) -> tuple[int, str, str]:
    """Run ``cmd`` in a new session; its whole process group is gone when this returns or raises."""
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        _kill_group(proc)
    return proc.returncode, out, err


def docx_to_pdf(docx: Path, pdf: Path, *, timeout: float | None = None) -> Path:
    """Convert ``docx`` to ``pdf`` (written atomically); return ``pdf``.

    LibreOffice is stopped after ``timeout`` seconds (default ``TIMEOUT_S``) and
    ``ConversionError`` raised.
    """
    limit = TIMEOUT_S if timeout is None else timeout
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
            # LibreOffice's own temporary files (lu*.tmp) go into the folder too:
            # a stopped LibreOffice cannot remove them itself.
            returncode, out, err = _run(cmd, limit, {**os.environ, "TMPDIR": str(work)})
        except subprocess.TimeoutExpired:
            raise ConversionError(_("{docx}: LibreOffice did not finish within {limit:g} s (stopped)").format(
                docx=docx, limit=limit
            )) from None
        except OSError as e:
            raise ConversionError(_("{docx}: cannot start LibreOffice ({soffice}): {value}").format(
                docx=docx, soffice=soffice, value=e.strerror or e
            )) from e
        produced = work / (docx.stem + ".pdf")
        if returncode != 0 or not produced.is_file():
            detail = (err or out).strip().splitlines()
            raise ConversionError(_("{docx}: LibreOffice could not convert it: {value}").format(
                docx=docx, value=detail[-1] if detail else 'no output'
            ))
        try:
            staged = files.stage_with(pdf, lambda tmp: shutil.copyfile(produced, tmp))
        except PaperworkError as e:
            raise ConversionError(str(e)) from e
        try:
            files.place(staged, pdf)
        except PaperworkError as e:
            raise ConversionError(str(e)) from e
    return pdf


# The font Decree 30 prescribes, and the names it is embedded under (PostScript names).
PRESCRIBED_FONT = "Times New Roman"
_PRESCRIBED = ("timesnewroman",)


def embedded_fonts(pdf: Path) -> list[str]:
    """The fonts a PDF embeds, by family ('LiberationSerif-Bold' -> 'Liberation Serif'), in first-use order."""
    from pypdf import PdfReader

    names: dict[str, None] = {}
    try:
        reader = PdfReader(pdf)
        for page in reader.pages:
            fonts = (page.get("/Resources") or {}).get("/Font") or {}
            for ref in fonts.values():
                base = str(ref.get_object().get("/BaseFont", ""))
                names[_family(base)] = None
    except Exception as e:  # noqa: BLE001 - pypdf raises many kinds for a broken file
        raise ConversionError(_("{pdf}: cannot read its fonts: {error}").format(pdf=pdf, error=e)) from e
    names.pop("", None)
    return list(names)


def _family(base_font: str) -> str:
    """'/ABCDEF+LiberationSerif-BoldItalic' -> 'Liberation Serif'; 'TimesNewRomanPSMT' -> 'Times New Roman'."""
    name = base_font.lstrip("/").split("+", 1)[-1].split("-", 1)[0].split(",", 1)[0]
    for suffix in ("PSMT", "MT", "PS"):
        name = name.removesuffix(suffix)
    spaced = "".join(" " + c if c.isupper() and i and not name[i - 1].isupper() else c for i, c in enumerate(name))
    return spaced.strip()


def is_prescribed(family: str) -> bool:
    return family.replace(" ", "").lower() in _PRESCRIBED


def check_font(pdf: Path, *, strict: bool) -> list[str]:
    """The fonts embedded in ``pdf``; with ``strict``, anything but Times New Roman is an error."""
    fonts = embedded_fonts(pdf)
    others = [f for f in fonts if not is_prescribed(f)]
    if strict and others:
        raise ConversionError(
            _("{pdf}: embeds {others} in place of {PRESCRIBED_FONT} ([pdf] strict_font = true): "
              "install {PRESCRIBED_FONT} on this machine (README, \"Times New Roman for electronic "
              "originals\")").format(pdf=pdf, others=', '.join(others), PRESCRIBED_FONT=PRESCRIBED_FONT))
    return fonts
