"""Writing files the one safe way: staged beside the target, fsynced, renamed into place.

Every file paperwork writes for a user (documents, PDFs, exports, the profile)
goes through here, so the rules hold everywhere:

* a target that exists and is not a regular file (a folder, ``/dev/full``, a
  FIFO, a socket) is refused, never replaced;
* the staged file gets the mode an ordinary ``open(…, "w")`` would (0666 less
  the umask), not ``mkstemp``'s 0600;
* the staged file lives in the target's folder (``.NAME.<random>.part``), so
  the rename is atomic; it is removed on any failure;
* an ``OSError`` becomes one ``PaperworkError`` line naming the path and the
  real cause ("No space left on device"), never a traceback.

    staged = stage(path, data)       # bytes, or stage_with(path, write) for a writer
    place(staged, path)              # os.replace, checked again
    write_atomic(path, data)         # both
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import InputError, PaperworkError
from .i18n import _

__all__ = [
    "check_target", "discard", "discard_leftovers", "leftovers", "pid_alive", "place", "sha256_file", "stage",
    "stage_with",
    "write_atomic",
    "write_atomic_with",
]

STAGED_SUFFIX = ".part"


def _umask() -> int:
    # os.umask can only be read by setting it; set it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def os_error(path: Path, e: OSError) -> PaperworkError:
    """One line naming the path and the cause."""
    return PaperworkError(_("{path}: cannot write: {value}").format(path=path, value=e.strerror or e))


def check_target(path: Path) -> None:
    """Refuse a target that exists but is not a regular file (or a link to one)."""
    path = Path(path)
    if path.parent.exists() and not path.parent.is_dir():
        raise InputError(_("cannot write: {parent} is a file, not a folder").format(parent=path.parent), source=str(path))
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as e:
        raise os_error(path, e) from e
    if stat.S_ISDIR(st.st_mode):
        raise InputError(_("cannot write: it is a folder"), source=str(path))
    if not stat.S_ISREG(st.st_mode):
        raise InputError(_("cannot write: it is not a regular file (a device, FIFO or socket)"), source=str(path))


def stage_with(path: Path, write: Callable[[Path], None], *, owner: int | None = None) -> Path:
    """Call ``write(tmp)`` on a fresh hidden file beside ``path``; fsync it; return it.

    The name carries the pid of the process that will put it in place (``owner``,
    this one by default), so that ``discard_leftovers`` knows one whose owner died.
    """
    path = Path(path)
    check_target(path)
    tmp: Path | None = None
    owner = owner or os.getpid()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.{owner}.", suffix=STAGED_SUFFIX, dir=path.parent)
        tmp = Path(name)
        os.fchmod(fd, 0o666 & ~_umask())
        os.close(fd)
        write(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException as e:
        discard(tmp)
        if isinstance(e, OSError):
            raise os_error(path, e) from e
        raise
    return tmp


def stage(path: Path, data: bytes, *, owner: int | None = None) -> Path:
    """``stage_with`` for bytes in hand."""
    return stage_with(path, lambda tmp: tmp.write_bytes(data), owner=owner)


def place(staged: Path, path: Path) -> None:
    """Rename ``staged`` onto ``path`` (checked again: it may have changed since staging)."""
    try:
        check_target(path)
        os.replace(staged, path)
    except OSError as e:
        discard(staged)
        raise os_error(path, e) from e
    except BaseException:
        discard(staged)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    """Never a half-written file: stage, then rename."""
    place(stage(path, data), path)


def write_atomic_with(path: Path, write: Callable[[Path], None]) -> None:
    place(stage_with(path, write), path)


def pid_alive(pid: int) -> bool:
    """Is process ``pid`` running on this machine (staged files and pending rows name their owner)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def leftovers(folder: Path) -> list[Path]:
    """Staged files in ``folder`` whose owner process is gone (a killed render or batch)."""
    found = []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    for name in names:
        if not (name.startswith(".") and name.endswith(STAGED_SUFFIX)):
            continue
        parts = name.rsplit(".", 3)  # ".NAME", owner, random, "part"
        if len(parts) == 4 and parts[1].isdigit() and not pid_alive(int(parts[1])):
            found.append(Path(folder) / name)
    return found


def discard_leftovers(folder: Path) -> int:
    """Remove ``leftovers(folder)``; how many."""
    stale = leftovers(folder)
    discard(*stale)
    return len(stale)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def discard(*paths: Path | str | None) -> None:
    """Remove staged files, ignoring those already gone."""
    for p in paths:
        if p is not None:
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass
