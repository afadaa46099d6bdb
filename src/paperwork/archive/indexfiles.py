"""The files of a search index folder, whatever the engine: sentinel, writer lock, swap-in.

    write_sentinel(path, engine, schema_version)   paperwork-index.json, written atomically
    read_sentinel(path) / index_exists(path) / index_engine(path)
    write_lock(path, timeout)     the flock every writer of one index holds (across processes)
    without_writers(path, timeout, read)   read() while no writer changes the folder
    swap_in(new, path)            a folder built beside the index put in its place
    dir_size(path)                bytes of the files in the folder

Nothing here creates anything in a folder that is only read: opening, checking and
sizing an index (present or absent) never makes a folder or a lock file.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from paperwork.archive.names import REINDEX
from paperwork.errors import ArchiveError, ArchiveLockedError
from ..i18n import _

__all__ = [
    "LOCK_RETRY_DELAY",
    "LOCK_TIMEOUT",
    "SENTINEL",
    "WRITE_LOCK",
    "dir_size",
    "index_engine",
    "index_exists",
    "read_sentinel",
    "swap_in",
    "without_writers",
    "write_lock",
    "write_sentinel",
]

SENTINEL = "paperwork-index.json"
WRITE_LOCK = "paperwork-write.lock"
# Seconds a writer waits for another one; PAPERWORK_BUSY_TIMEOUT sets it, as it sets the
# catalog's (the concurrency test caps every lock wait at one second with it).
LOCK_TIMEOUT = float(os.environ.get("PAPERWORK_BUSY_TIMEOUT") or 10.0)
LOCK_RETRY_DELAY = 0.1

T = TypeVar("T")


def write_sentinel(path: Path, engine: str, schema_version: int) -> None:
    """Say which engine and schema built the index in ``path`` (the last file of a build)."""
    info = {
        "schema_version": schema_version,
        "engine": engine,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "build": uuid.uuid4().hex,
    }
    tmp = path / f".{SENTINEL}.tmp"
    tmp.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path / SENTINEL)


def read_sentinel(path: Path) -> dict[str, Any]:
    """The sentinel of the index at ``path``; ArchiveError (asking for reindex) if unusable."""
    path = Path(path)
    sentinel = path / SENTINEL
    if not path.is_dir():
        raise ArchiveError(_("no search index at {path}: {REINDEX}").format(path=path, REINDEX=_(REINDEX)))
    if not sentinel.is_file():
        raise ArchiveError(
            _("{path} has no {SENTINEL} (not a paperwork index, or an unfinished one): {REINDEX}").format(
                path=path, SENTINEL=SENTINEL, REINDEX=_(REINDEX)
            )
        )
    try:
        info = json.loads(sentinel.read_text(encoding="utf-8"))
        if not isinstance(info, dict) or "schema_version" not in info:
            raise ValueError(_("no schema_version"))
    except (OSError, ValueError) as e:
        raise ArchiveError(_("cannot read {sentinel} ({error}): {REINDEX}").format(
            sentinel=sentinel, error=e, REINDEX=_(REINDEX)
        )) from e
    return info


def index_exists(path: Path) -> bool:
    """True if ``path`` holds a paperwork index (of any engine or schema version)."""
    return (Path(path) / SENTINEL).is_file()


def index_engine(path: Path) -> str:
    """The engine that built the index at ``path`` (indexes older than the field: whoosh)."""
    return str(read_sentinel(Path(path)).get("engine", "whoosh"))


def _flock(fd: int, mode: int, path: Path, timeout: float, deadline: float) -> bool:
    """Try to flock ``fd`` once: True if held, False to try again (raises past the deadline)."""
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
        return True
    except OSError as e:
        if e.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise ArchiveError(_("cannot lock the search index {path}: {error}").format(path=path, error=e)) from e
    if time.monotonic() >= deadline:
        raise ArchiveLockedError(
            _("the search index {path} is being written by another process (waited {timeout:g} s): try "
              "again later").format(path=path, timeout=timeout)
        )
    time.sleep(LOCK_RETRY_DELAY)
    return False


def _same_file(fd: int, lock_path: Path) -> bool:
    """Is ``fd`` still the lock file of the folder (not one a rebuild swapped away)?"""
    try:
        return os.stat(lock_path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


@contextmanager
def write_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold the writer lock of the index folder ``path`` (nothing to hold if there is none).

    flock on a file inside the folder, made by the first writer before it writes anything;
    a lock taken on a folder that a rebuild has swapped out meanwhile is let go and taken
    again on the new one.
    """
    lock_path = Path(path) / WRITE_LOCK
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:  # no folder (yet), or swapped away just now
            if not Path(path).is_dir():
                yield
                return
            continue
        try:
            held = _flock(fd, fcntl.LOCK_EX, path, timeout, deadline) and _same_file(fd, lock_path)
        except BaseException:
            os.close(fd)
            raise
        if not held:
            os.close(fd)  # held by another writer, or the folder was swapped meanwhile
            continue
        try:
            yield
        finally:
            os.close(fd)  # releases the flock
        return


def without_writers(path: Path, timeout: float, read: Callable[[], T]) -> T:
    """``read()`` while no writer changes the index folder ``path``; creates nothing.

    For reading what a writer changes file by file (which files the index references):
    the writer lock is taken shared when its file exists, waiting up to ``timeout``. A
    folder without it has had no writer, since a writer makes it before anything else:
    ``read()`` runs unlocked, and again, locked, if a writer has made it meanwhile.
    """
    lock_path = Path(path) / WRITE_LOCK
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock_path, os.O_RDONLY)
        except FileNotFoundError:
            result = read()
            if not lock_path.exists():
                return result
            continue
        try:
            if _flock(fd, fcntl.LOCK_SH, path, timeout, deadline) and _same_file(fd, lock_path):
                return read()
        finally:
            os.close(fd)


def swap_in(new: Path, path: Path) -> None:
    """Put the directory ``new`` in the place of ``path``; the old one goes only after."""
    if not path.exists():
        os.rename(new, path)
        return
    old = path.parent / f".{path.name}.old-{uuid.uuid4().hex[:8]}"
    os.rename(path, old)
    try:
        os.rename(new, path)
    except OSError:
        os.rename(old, path)
        raise
    shutil.rmtree(old)


def dir_size(path: Path) -> int:
    """Bytes of the files directly in ``path`` (an index folder has no subfolders)."""
    return sum(f.stat().st_size for f in Path(path).iterdir() if f.is_file())
