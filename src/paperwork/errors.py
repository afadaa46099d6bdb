"""One exception tree for the whole library; the CLI turns it into messages.

    PaperworkError                 exit 1: an operation failed
    ├── InputError                 exit 2: the user's input is wrong (file + field path)
    │   └── NumberInUseError       an explicit number already taken in the register
    ├── TemplateError              a template is missing or does not fit its model
    ├── ConversionError            LibreOffice missing or failed
    ├── WorkspaceError             paperwork.toml unreadable, workspace missing
    │   └── NoWorkspaceError       exit 2: a command that keeps records run outside a workspace
    ├── RegisterError              the register refused or timed out
    └── ArchiveError               the archive or its index refused
        ├── CatalogMissingError    the catalog is gone (archive folder unmounted or moved)
        ├── ArchiveLockedError     another writer holds the index lock
        ├── IndexVersionError      the index was built by another schema: reindex
        └── OcrError               OCR of a scan failed (the file is still stored)
            └── OcrUnavailableError  OCRmyPDF, Tesseract (vie) or Ghostscript missing

Library code raises these (``raise … from e`` when mapping a foreign error);
nothing below ``paperwork.cli`` prints or exits.
"""

from __future__ import annotations


class PaperworkError(Exception):
    """An operation failed; the message is one line a clerk can act on."""

    exit_code = 1


class InputError(PaperworkError):
    """Bad input or usage: names the file and the field path when known."""

    exit_code = 2

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None):
        self.source = source
        self.field = field
        self.reason = message
        parts = [p for p in (source, field) if p]
        super().__init__(": ".join([*parts, message]))


class NumberInUseError(InputError):
    """An explicit document number is already registered for that year."""


class TemplateError(PaperworkError):
    """A template is missing, unreadable, or asks for a value its model lacks."""


class ConversionError(PaperworkError):
    """The PDF conversion (LibreOffice) is unavailable or failed."""


class WorkspaceError(PaperworkError):
    """The workspace profile (paperwork.toml) is missing or invalid."""


class NoWorkspaceError(WorkspaceError):
    """A command that numbers or keeps records was run where no workspace is."""

    exit_code = 2


class RegisterError(PaperworkError):
    """The outgoing-document register refused an operation."""


class ArchiveError(PaperworkError):
    """The archive (catalog, stored files or index) refused an operation."""


class CatalogMissingError(ArchiveError):
    """The workspace's catalog file is not there: never silently replaced by a new one."""


class ArchiveLockedError(ArchiveError):
    """Another process holds the index writer lock past the timeout."""


class IndexVersionError(ArchiveError):
    """The index on disk was built with another schema version."""


class OcrError(ArchiveError):
    """OCR of one scanned file failed; the message names the file and the reason."""


class OcrUnavailableError(OcrError):
    """OCR cannot run on this machine; the message says what is missing and how to install it."""
