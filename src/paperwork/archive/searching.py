"""Searching the archive: the index opened once for many searches, or once for one.

Kept apart from service.py so that ``paperwork search`` imports only what a search needs
(config, query, index and its engine), not the store, the extractors or OCR: a CLI search
pays the interpreter start, these imports and the index open, nothing else.

    open_searcher(ws) -> ArchiveSearcher   ``.search(text, **options)`` many times, ``.close()``
    search(ws, text, **options) -> list[SearchHit]   one search
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ArchiveError
from ..i18n import _
from .names import REINDEX

if TYPE_CHECKING:
    from ..config import Workspace
    from .index import SearchHit, SearchIndex

__all__ = ["ArchiveSearcher", "open_searcher", "search"]


def _catalog_is_empty(ws: Workspace) -> bool:
    """Read-only, as every search: nothing is created (a missing catalog is reported)."""
    from ..db import require
    from .store import Catalog

    require(ws.catalog_path, initialised=ws.profile_path is not None, root=ws.root)
    with Catalog.open_read(ws.catalog_path) as catalog:
        return catalog.count() == 0


class ArchiveSearcher:
    """The index opened once for many searches (batch work, a web page); close when done.

    Each search sees what other processes committed meanwhile, and a rebuild.
    """

    def __init__(self, ws: Workspace):
        from . import index

        self.ws = ws
        self._index: SearchIndex | None = None
        if index.index_exists(ws.index_dir):
            self._index = index.open_index(ws.index_dir, ws.engine)
        elif not _catalog_is_empty(ws):
            raise ArchiveError(_("the archive has no search index: {REINDEX}").format(REINDEX=_(REINDEX)))

    def search(self, text: str = "", **options: object) -> list[SearchHit]:
        """``text`` in the query language, options as in ``parse_query``."""
        from . import index
        from .query import parse_query

        query = parse_query(text, **options)
        if self._index is None:  # an empty archive: nothing indexed yet
            if not index.index_exists(self.ws.index_dir):
                return []
            self._index = index.open_index(self.ws.index_dir, self.ws.engine)
        return self._index.search(query)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None

    def __enter__(self) -> ArchiveSearcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_searcher(ws: Workspace) -> ArchiveSearcher:
    """Open the index once for many :meth:`ArchiveSearcher.search` calls."""
    return ArchiveSearcher(ws)


def search(ws: Workspace, text: str = "", **options: object) -> list[SearchHit]:
    """Search the index: ``text`` in the query language, options as in ``parse_query``."""
    from .query import parse_query

    parse_query(text, **options)  # bad input is reported before the index is looked at
    with ArchiveSearcher(ws) as searcher:
        return searcher.search(text, **options)
