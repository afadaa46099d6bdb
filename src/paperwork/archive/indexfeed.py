"""The search index fed from the archive's writes: a session's documents, committed in batches.

    IndexFeed(ws)      put(record, text) / put_group(pairs) / flush() / close() -> error line
    open_or_create_index(ws)   the workspace's index, created (of its engine) on first use

The catalog is the source of truth: an index write that fails leaves the documents
catalogued, and the feed's one line says so and names ``reindex``, which repairs it.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..config import Workspace
from ..errors import PaperworkError
from .names import REINDEX
from .store import DocumentRecord
from ..i18n import _

if TYPE_CHECKING:
    from .index import IndexDocument, SearchIndex

__all__ = ["INDEX_BATCH", "WHOOSH_COMMIT", "IndexFeed", "creation_lock", "index_document", "index_module",
           "open_or_create_index"]

# Documents OCRed again are handed to the index this many at a time: one writer commit per
# batch, and a kill loses at most one batch of index entries (reindex restores them). An add
# hands over a whole group (ingest.GROUP) at once.
INDEX_BATCH = 25
# Documents of a long add committed to a Whoosh index at once: one segment, written outside
# the index lock (engines/whoosh_writing.py); fewer segments, faster searches, fewer merges.
WHOOSH_COMMIT = 2048


def index_module():
    # Imported on first use: `archive show` and `archive text` never pay for Whoosh.
    from . import index

    return index


def index_document(record: DocumentRecord, text: str) -> IndexDocument:
    return index_module().IndexDocument(
        id=record.id,
        filename=record.filename,
        title=record.title or "",
        type=record.type or "",
        number=record.number or "",
        date=record.date.isoformat() if record.date else None,
        agency=record.agency or "",
        text=text,
    )



class IndexFeed:
    """Documents waiting for the index; opened (or created, on first use) when first flushed.

    ``bulk`` (a long add, set by ingest.py when it reads on worker processes): on an engine
    that offers it (Whoosh: ``bulk()``), the documents are handed to a writer session that
    indexes them in a process of its own while the add goes on, each segment committed as
    soon as it is written.
    """

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.pending: list[IndexDocument] = []
        self.error: str | None = None
        self.unindexed = 0
        self.bulk = False
        self._index: SearchIndex | None = None
        self._session: Any = None

    def put(self, record: DocumentRecord, text: str) -> None:
        if self.error is not None:
            self.unindexed += 1
            return
        self.pending.append(index_document(record, text))
        if len(self.pending) >= INDEX_BATCH:
            self.flush()

    def put_group(self, docs: Iterable[tuple[DocumentRecord, str]]) -> None:
        """A group's documents: committed with it, or, on Whoosh, with the next groups up to
        ``WHOOSH_COMMIT`` documents (every Whoosh commit is a segment that every search pays for)."""
        for record, text in docs:
            if self.error is not None:
                self.unindexed += 1
            else:
                self.pending.append(index_document(record, text))
        if self.bulk and self._hand_over():
            return
        if self.ws.engine != "whoosh" or len(self.pending) >= WHOOSH_COMMIT:
            self.flush()

    def _hand_over(self) -> bool:
        """Give the pending documents to the bulk session; False if the engine has none."""
        if not self.pending or self.error is not None:
            return True
        try:
            if self._session is None:
                index = self._open()
                if not hasattr(index, "bulk"):
                    self.bulk = False
                    return False
                self._session = index.bulk()
            batch, self.pending = self.pending, []
            self._session.add(batch)
        except PaperworkError as e:
            self._failed(e)
        return True

    def _open(self) -> SearchIndex:
        if self._index is None:
            self._index = open_or_create_index(self.ws)
        return self._index

    def _failed(self, e: PaperworkError) -> None:
        self.unindexed += len(self.pending)
        self.pending = []
        if self._session is not None:
            self.unindexed += self._session.sent - self._session.committed
            self._session.abort()
            self._session = None
        self.error = str(e)

    def flush(self) -> None:
        if not self.pending or self.error is not None:
            return
        batch, self.pending = self.pending, []
        try:
            self._open().add(batch)
        except PaperworkError as e:
            self.unindexed += len(batch)
            self.error = str(e)

    def close(self) -> str | None:
        if self._session is not None:
            self._hand_over()
            if self._session is not None:
                try:
                    self._session.close()
                except PaperworkError as e:
                    self._failed(e)
                self._session = None
        self.flush()
        if self._index is not None:
            self._index.close()
        if self.error is None:
            return None
        reindex = _(REINDEX)
        return (
            _("{count} document(s) stored and catalogued but not indexed: {error}").format(
                count=self.unindexed, error=self.error
            )
            + ("" if reindex in self.error else f"; {reindex}")
        )


@contextmanager
def creation_lock(ws: Workspace) -> Iterator[None]:
    """Serialise first-use creation: two adds must not both swap in a fresh index."""
    ws.archive.mkdir(parents=True, exist_ok=True)
    with open(ws.archive / "index.create.lock", "a+b") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def open_or_create_index(ws: Workspace) -> SearchIndex:
    """Open the index; create it (of the workspace's engine) on first use.

    One of another schema or engine is never rebuilt here: that is ``reindex``.
    """
    index = index_module()
    if not index.index_exists(ws.index_dir):
        with creation_lock(ws):
            if not index.index_exists(ws.index_dir):
                return index.create_index(ws.index_dir, ws.engine)
    return index.open_index(ws.index_dir, ws.engine)


