"""OCR of scans: OCRmyPDF + Tesseract's Vietnamese model -> a PDF/A-2b copy with a text layer.

    unavailable() -> str | None              what this machine lacks for OCR, or None
    OcrSettings(mode, page_timeout, jobs)    ``--ocr auto|always|never`` and its limits
    ocr_file(source, output, force=, settings=) -> OcrOutcome
                                             raises OcrError, OcrUnavailableError

Optional at install time: the ``ocr`` extra (OCRmyPDF, which brings Pillow and
img2pdf) and the Debian packages tesseract-ocr, tesseract-ocr-vie, ghostscript.
OCRmyPDF is imported inside the functions, so nothing else in paperwork pays
for it, and none of its types or exceptions leave this module.

The pages of a file are OCRed in parallel (``jobs`` processes, default: every
core). Pages are deskewed and turned upright; images (PNG, JPEG, TIFF with any
number of pages) are wrapped into the PDF/A page for page, losslessly where
img2pdf can. A page that runs past ``page_timeout`` seconds keeps its image,
gets no text, and is named in ``OcrOutcome.problems``; the file still succeeds.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..config import default_jobs
from ..errors import InputError, OcrError, OcrUnavailableError
from ..i18n import N_, _
from .extract import IMAGE_SUFFIXES

__all__ = [
    "DEFAULT_PAGE_TIMEOUT",
    "INSTALL_HINT",
    "MODES",
    "OcrOutcome",
    "OcrSettings",
    "ocr_file",
    "unavailable",
]

LANGUAGE = "vie"
MODES = ("auto", "always", "never")
DEFAULT_PAGE_TIMEOUT = 120.0
INSTALL_HINT = (
    N_("install it with `apt-get install tesseract-ocr tesseract-ocr-vie ghostscript` "
    "and `pip install 'paperwork[ocr]'`")
)
_SKIPPED = "[skipped page]"  # what OCRmyPDF's sidecar holds for a page past its timeout


@dataclass(frozen=True)
class OcrSettings:
    """``mode``: auto (scans and unusable text layers), always, never."""

    mode: str = "auto"
    page_timeout: float = DEFAULT_PAGE_TIMEOUT
    jobs: int | None = None  # pages OCRed at once; None: every core
    # A broker URL (redis://HOST:PORT/DB): scans are OCRed by `paperwork worker`s on the queue
    # (workers.py) instead of in this process. None: here, with no server to start.
    queue: str | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise InputError(_("must be one of {MODES}").format(MODES=', '.join(MODES)), field="--ocr")
        if not self.page_timeout > 0:
            raise InputError(_("must be a positive number of seconds, not {page_timeout}").format(
                page_timeout=self.page_timeout
            ), field="--ocr-timeout")
        if self.jobs is not None and self.jobs < 1:
            raise InputError(_("must be at least 1, not {jobs}").format(jobs=self.jobs), field="--ocr-jobs")
        if self.queue is not None and not self.queue.startswith(("redis://", "rediss://")):
            raise InputError(_("a broker URL is redis://HOST:PORT/DB, not {queue!r}").format(
                queue=self.queue
            ), field="--workers")

    @property
    def workers(self) -> int:
        return self.jobs or default_jobs()


@dataclass(frozen=True)
class OcrOutcome:
    text: str  # NFC, pages separated by a blank line
    pages: int
    problems: tuple[str, ...] = ()  # "page 3: OCR ran past 120 s; that page has no text"


# --------------------------------------------------------------------------- availability


def _which(program: str) -> str | None:
    return shutil.which(program)


def _tesseract_languages(tesseract: str) -> set[str]:
    try:
        done = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    lines = (done.stdout + done.stderr).splitlines()
    return {line.strip() for line in lines if line.strip() and " " not in line.strip()}


def unavailable() -> str | None:
    """What this machine lacks for OCR ("tesseract is not installed …"), or None if nothing."""
    try:
        import ocrmypdf  # noqa: F401
        import PIL  # noqa: F401
    except ImportError:
        return "the OCRmyPDF Python package is not installed"
    tesseract = _which("tesseract")
    if tesseract is None:
        return "Tesseract is not installed (tesseract-ocr)"
    if _which("gs") is None:
        return "Ghostscript is not installed (ghostscript)"
    if LANGUAGE not in _tesseract_languages(tesseract):
        return "Tesseract's Vietnamese model is not installed (tesseract-ocr-vie)"
    return None


def _unavailable_error(reason: str) -> OcrUnavailableError:
    return OcrUnavailableError(_("OCR is unavailable: {reason}; {INSTALL_HINT}").format(
        reason=reason, INSTALL_HINT=_(INSTALL_HINT)
    ))


# --------------------------------------------------------------------------- images


def _image_pdf(source: Path, out: Path) -> Path:
    """Wrap an image (every frame of a TIFF) into a PDF, page for page, keeping its pixels."""
    import img2pdf
    from PIL import Image, UnidentifiedImageError

    try:
        data = img2pdf.convert(str(source), rotation=img2pdf.Rotation.ifvalid)
    except Exception:  # alpha channel, palette or bit depth img2pdf will not embed as is
        try:
            with Image.open(source) as image:
                frames = []
                for index in range(getattr(image, "n_frames", 1)):
                    image.seek(index)
                    frame = image.convert("RGBA")
                    flat = Image.new("RGB", frame.size, "white")
                    flat.paste(frame, mask=frame.getchannel("A"))
                    path = out.with_name(f"frame-{index:04d}.png")
                    flat.save(path, **({"dpi": image.info["dpi"]} if "dpi" in image.info else {}))
                    frames.append(str(path))
            data = img2pdf.convert(frames)
        except (OSError, UnidentifiedImageError, ValueError) as e:
            raise OcrError(_("{source}: not a readable image: {error}").format(source=source, error=e)) from e
    out.write_bytes(data)
    return out


# --------------------------------------------------------------------------- ocr


def _quiet_logger() -> None:
    # OCRmyPDF and img2pdf log warnings; a library must not print, so give them a
    # handler of their own (otherwise Python's last-resort handler writes warnings
    # to stderr). Page timeouts are read from the sidecar text, not from logs.
    for name in ("ocrmypdf", "img2pdf"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def _reason(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__


def ocr_file(source: Path, output: Path, *, force: bool = False, settings: OcrSettings | None = None) -> OcrOutcome:
    """OCR ``source`` (PDF or image) into the PDF/A-2b ``output``; return its text.

    ``force`` re-renders pages that already have text (a garbled text layer) and
    OCRs them. Raises ``OcrUnavailableError`` when OCR cannot run here and
    ``OcrError`` naming ``source`` when OCRmyPDF fails on it.
    """
    settings = settings or OcrSettings()
    reason = unavailable()
    if reason is not None:
        raise _unavailable_error(reason)
    import ocrmypdf
    from ocrmypdf.exceptions import ExitCodeException, MissingDependencyError

    # OCRmyPDF runs a Tesseract per page, `jobs` at once; each Tesseract would also start one
    # OpenMP thread per core, and on a loaded machine the threads fight: one page took 4.8–13.6 s
    # with two threads against 3.5–4.8 s with one (benchmarks/results-ocr.md). OCRmyPDF's own advice
    # is one thread per Tesseract; a value set by the user (or the service) is kept.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")

    _quiet_logger()
    source, output = Path(source), Path(output)
    with tempfile.TemporaryDirectory(prefix="paperwork-ocr-") as tmp:
        pdf = source
        if source.suffix.lower() in IMAGE_SUFFIXES:
            pdf = _image_pdf(source, Path(tmp) / "image.pdf")
        sidecar = Path(tmp) / "text.txt"
        # OCRmyPDF 17's progress display (rich, redirect_stderr) can leave
        # sys.stderr pointing at a StringIO even with progress_bar=False: every
        # later message of the command would vanish. Put the streams back.
        streams = sys.stdout, sys.stderr
        try:
            code = ocrmypdf.ocr(
                pdf,
                output,
                language=[LANGUAGE],
                output_type="pdfa-2",
                deskew=True,
                rotate_pages=True,
                force_ocr=force,
                sidecar=sidecar,
                jobs=settings.workers,
                tesseract_timeout=settings.page_timeout,
                tesseract_non_ocr_timeout=settings.page_timeout,
                progress_bar=False,
                # A signed scan: OCRmyPDF refuses it unless told the output's signature may go. The
                # output is a separate searchable copy; the signed original is stored untouched.
                invalidate_digital_signatures=True,
            )
        except MissingDependencyError as e:
            raise _unavailable_error(_reason(e)) from e
        except ExitCodeException as e:
            raise OcrError(_("{source}: OCR failed: {reason}").format(source=source, reason=_reason(e))) from e
        except Exception as e:  # OCRmyPDF, Ghostscript or pikepdf on a damaged input
            raise OcrError(_("{source}: OCR failed: {error_type}: {reason}").format(
                source=source, error_type=type(e).__name__, reason=_reason(e)
            )) from e
        finally:
            sys.stdout, sys.stderr = streams
        if int(code) != 0:
            name = getattr(code, "name", str(code))
            raise OcrError(_("{source}: OCR failed: OCRmyPDF exit status {code} ({name})").format(
                source=source, code=int(code), name=name
            ))
        pages = sidecar.read_text(encoding="utf-8").split("\f")
    problems = tuple(
        _("page {number}: OCR ran past {page_timeout:g} s; that page has no text").format(number=number, page_timeout=settings.page_timeout)
        for number, page in enumerate(pages, 1)
        if page.strip() == _SKIPPED
    )
    texts = [page.strip() for page in pages if page.strip() != _SKIPPED]
    text = unicodedata.normalize("NFC", "\n\n".join(t for t in texts if t))
    return OcrOutcome(text=text, pages=len(pages), problems=problems)
