"""Files stored once by SHA-256; the catalog that describes them is catalog.py's (re-exported here).
Knows nothing of the index.

Layout inside the workspace archive (``ws.archive``)::

    catalog.sqlite           shared with the register; catalog.py owns ``archive_documents``
    files/ab/ab12….docx      content-addressed, read-only (0o444)
    files/ab/ab12….pdfa.pdf  the PDF/A-2b archival copy (image + OCR text) of the scan
                             ab12…, beside it; its own SHA-256 is in the catalog row
    tmp/<pid>-<token>.part   a copy in progress; renamed into files/ when complete

Order of writes, one file (``FileStore.put`` then ``Catalog.insert``): copy to tmp/, fsync,
chmod read-only, rename to the content path, fsync the folder (the same for the archival
copy of a scan); only then the catalog row, in one transaction. Many files (``put_group``
then ``Catalog.insert_many``: ``archive add``, ``batch``): every copy written to tmp/, all
fsynced together, renamed, each folder they went into fsynced once; then all their rows
in one transaction. A kill at any point leaves leftover tmp files (their writer is dead)
or stored files without a row; both are found by ``verify`` and cleaned up (or adopted)
by ``reindex``. The catalog is the source of truth: the index is rebuilt from it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..errors import ArchiveError
from ..files import pid_alive
from ..i18n import _
from .catalog import (
    OCR_STATES,
    PDFA_SUFFIX,
    SOURCES,
    Catalog,
    CatalogRow,
    DocumentMeta,
    DocumentRecord,
    StoredFile,
)

__all__ = [
    "OCR_STATES",
    "PDFA_SUFFIX",
    "SOURCES",
    "Catalog",
    "CatalogRow",
    "Copy",
    "DocumentMeta",
    "DocumentRecord",
    "FileStore",
    "SourceError",
    "StoredFile",
    "hash_file",
    "open_regular",
]

_CHUNK = 1 << 20


def open_regular(path: Path):
    """Open ``path`` for reading only if it is a regular file, checked on the open file itself.

    ``O_NONBLOCK`` keeps a FIFO swapped in after an earlier check from blocking the open;
    ``fstat`` then refuses it (or a device) without reading a byte.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ArchiveError(_("{path}: not a regular file (a FIFO, device or folder): not added").format(
                path=path
            ))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# fsyncs issued at once by put_group: the file system commits concurrent fsyncs in a few
# journal transactions instead of one each (200 files of 40 KB: ~0.1 s instead of ~0.3 s).
SYNC_THREADS = 16


_SYNC_POOL: list[ThreadPoolExecutor] = []  # made on first use, kept for the process's next groups


def _sync_all(paths: Sequence[Path]) -> None:
    """fsync every path (files or folders), several at once; the first failure is raised."""
    if len(paths) <= 1:
        for path in paths:
            _fsync(path)
        return
    if not _SYNC_POOL:
        _SYNC_POOL.append(ThreadPoolExecutor(SYNC_THREADS, thread_name_prefix="paperwork-fsync"))
    for _ in _SYNC_POOL[0].map(_fsync, paths):
        pass


@dataclass(frozen=True)
class Copy:
    """A file's copy written into tmp/, not yet durable nor in place."""

    tmp: Path
    sha256: str
    size: int


class SourceError(ArchiveError):
    """One file of a group could not be read (or changed while it was copied): that file's failure."""

    def __init__(self, path: Path, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class FileStore:
    """The content-addressed files of one archive folder."""

    def __init__(self, archive: Path):
        self.archive = Path(archive)
        self.files_dir = self.archive / "files"
        self.tmp_dir = self.archive / "tmp"

    def relative_path(self, sha256: str, suffix: str) -> str:
        return f"files/{sha256[:2]}/{sha256}{suffix.lower()}"

    def pdfa_relative_path(self, original_sha256: str) -> str:
        """The archival PDF/A copy of a scan, named after (and beside) its original."""
        return self.relative_path(original_sha256, PDFA_SUFFIX)

    def temp_path(self, suffix: str = ".part", *, owner: int | None = None, tag: str = "") -> Path:
        """A fresh path in tmp/ that ``leftover_temps`` recognises once its writer is gone.

        ``owner`` is the process that will put it in place (this one by default): a worker
        writing copies for its parent names the parent. ``tag`` starts the random part (one
        run's copies, to remove together: ``discard_temps``).
        """
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        return self.tmp_dir / f"{owner or os.getpid()}-{tag}{secrets.token_hex(6)}{suffix}"

    def discard_temps(self, tag: str, *, owner: int | None = None) -> None:
        """Remove the copies in tmp/ of one run (``tag``) of ``owner`` (this process by default)."""
        for path in self.tmp_dir.glob(f"{owner or os.getpid()}-{tag}*"):
            path.unlink(missing_ok=True)

    def write_copy(self, data: bytes, *, owner: int, tag: str = "") -> Copy:
        """``data`` (a file's bytes, read once to hash and extract them) written into tmp/,
        read-only, not yet fsynced: ``put_group`` makes it durable with its group."""
        tmp = self.temp_path(owner=owner, tag=tag)
        try:
            with open(tmp, "xb") as f:
                f.write(data)
                os.fchmod(f.fileno(), 0o444)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return Copy(tmp, hashlib.sha256(data).hexdigest(), len(data))

    def absolute(self, stored_path: str) -> Path:
        return self.archive / stored_path

    def put(
        self, source: Path, *, expected_sha256: str | None = None, relative: str | None = None
    ) -> StoredFile:
        """Copy ``source`` in (tmp, fsync, read-only, rename); the same bytes are kept once.

        ``relative`` stores it under that name instead of its content path (the
        PDF/A copy of a scan); a different file already there is replaced. A source that
        cannot be read, or changed, raises ``SourceError``; the archive's own failure (a
        full disk) an ``OSError``.
        """
        tmp, sha, size = self._copy_to_tmp(Path(source), expected_sha256)
        try:
            _fsync(tmp)
            rel = relative or self.relative_path(sha, Path(source).suffix)
            dest = self.absolute(rel)
            if dest.exists() and hash_file(dest) == sha:
                tmp.unlink()
            else:
                new_store = not self.files_dir.is_dir()
                new_folder = not dest.parent.is_dir()
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, dest)
                _sync_all([dest.parent] + [dest.parent.parent] * new_folder + [self.archive] * new_store)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return StoredFile(sha256=sha, stored_path=rel, size=size)

    def _copy_to_tmp(self, source: Path, expected_sha256: str | None) -> tuple[Path, str, int]:
        """Copy ``source`` into tmp/ (read-only, not yet fsynced): (copy, sha256, size).

        What goes wrong reading ``source`` is a ``SourceError`` (that file's); writing into
        the archive, an ``OSError`` (the archive's: a full disk).
        """
        tmp = self.temp_path()
        digest = hashlib.sha256()
        size = 0
        try:
            try:
                src = open_regular(source)
            except ArchiveError as e:
                raise SourceError(source, "not a regular file (a FIFO, device or folder): not added") from e
            except OSError as e:
                raise SourceError(source, f"cannot read: {e.strerror or e}") from e
            with src, open(tmp, "xb") as dst:
                while True:
                    try:
                        chunk = src.read(_CHUNK)
                    except OSError as e:
                        raise SourceError(source, f"cannot read: {e.strerror or e}") from e
                    if not chunk:
                        break
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
                dst.flush()
                os.fchmod(dst.fileno(), 0o444)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        sha = digest.hexdigest()
        if expected_sha256 is not None and sha != expected_sha256:
            tmp.unlink(missing_ok=True)
            raise SourceError(source, "the file changed while it was being added; try again")
        return tmp, sha, size

    def put_group(self, sources: Sequence[tuple[Path, str | None] | tuple[Path, Copy]]) -> list[StoredFile | SourceError]:
        """Copy many files in, made durable together; one result per source, in order.

        A source is ``(path, expected SHA-256 or None)``, copied into tmp/ here (hashed on
        the way and checked), or ``(path, Copy)`` already written into tmp/ by a reader (the
        bytes it hashed and extracted). The copies are fsynced together, renamed to their
        content paths (a file already stored intact is kept, the copy dropped), and each
        folder they went into is fsynced once. Only then may their catalog rows be written:
        a row never points at a file a crash could lose. A source that cannot be read, or
        that changed, is its ``SourceError`` in the list; an ``OSError`` of the archive itself
        (a full disk) is raised after this group's copies are removed.
        """
        copies: list[Copy | SourceError] = []
        new_store = not self.files_dir.is_dir()
        try:
            for source, given in sources:
                if isinstance(given, Copy):
                    copies.append(given)
                    continue
                try:
                    copies.append(Copy(*self._copy_to_tmp(Path(source), given)))
                except SourceError as e:
                    copies.append(e)
            _sync_all([c.tmp for c in copies if isinstance(c, Copy)])
            results: list[StoredFile | SourceError] = []
            folders: set[Path] = set()
            for (source, _), copy in zip(sources, copies):
                if isinstance(copy, SourceError):
                    results.append(copy)
                    continue
                rel = self.relative_path(copy.sha256, Path(source).suffix)
                dest = self.absolute(rel)
                if dest.exists() and hash_file(dest) == copy.sha256:
                    copy.tmp.unlink()
                else:
                    if not dest.parent.is_dir():
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        folders.add(dest.parent.parent)  # the new folder's own entry
                    os.replace(copy.tmp, dest)
                    folders.add(dest.parent)
                results.append(StoredFile(sha256=copy.sha256, stored_path=rel, size=copy.size))
            if new_store:
                folders.add(self.archive)
            _sync_all(sorted(folders))
        except BaseException:
            for copy in copies:
                if isinstance(copy, Copy):
                    copy.tmp.unlink(missing_ok=True)
            raise
        return results

    def iter_stored(self) -> Iterator[str]:
        """Relative paths of every file under files/ (whatever its name), sorted, a folder at a time
        (100,000 Path objects at once took ~50 MB)."""
        yield from self._iter_folder(self.files_dir, "files")

    def _iter_folder(self, folder: Path, rel: str) -> Iterator[str]:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from self._iter_folder(Path(entry.path), f"{rel}/{entry.name}")
            elif entry.is_file() or entry.is_symlink():
                yield f"{rel}/{entry.name}"

    def leftover_temps(self) -> list[Path]:
        """Copies abandoned by a writer that no longer runs (a killed ``archive add``)."""
        if not self.tmp_dir.is_dir():
            return []
        found = []
        for path in sorted(self.tmp_dir.iterdir()):
            pid_text = path.name.split("-", 1)[0]
            if not pid_text.isdigit() or not pid_alive(int(pid_text)):
                found.append(path)
        return found


