"""The search index seam: one interface, two engines (Whoosh, Tantivy), engine-free here.

The index is derived data, rebuilt from the catalog by ``paperwork archive reindex``; it
is never rebuilt implicitly and never deleted because it failed to open. A sentinel file
(``paperwork-index.json``: schema_version, engine, created) sits next to the engine's
files and says which engine built it.

    engine    module                            why
    whoosh    archive/engines/whoosh_engine.py  pure Python, the default; slow past ~20,000
                                                documents (see README, "Choosing an engine")
    tantivy   archive/engines/tantivy_engine.py compiled (Rust, PyPI ``tantivy``), optional
                                                extra ``paperwork[tantivy]``; ms at 100,000

Callers use the factory functions and the :class:`SearchIndex` protocol; engine objects
never leave the engine modules, results are :class:`SearchHit` dataclasses::

    open_index(path, engine=None)          -> SearchIndex   (engine given: must match)
    create_index(path, engine)             -> SearchIndex   empty, swapped in whole
    build_index(path, docs, engine, progress) -> SearchIndex rebuilt from docs, swapped in
    index_exists(path) / index_engine(path)

Both engines index the same things the same way (folding.py does the Vietnamese part):
folded words with positions (phrases, ``~``), the words that carry diacritics as written
(exact matches rank first), the whole document number, type, year, date and agency as
filters, and the text for snippets (snippets.py, :func:`make_snippet`, matches in «»).
A search's :class:`Query` is compiled once into an engine-free plan (plan.py: the terms,
phrases, fuzzy words, number, filters and date range) that each engine only translates.

Writers of either engine hold ``paperwork-write.lock`` inside the index folder (flock,
with a timeout): adds, deletes and rebuilds of one index are serialised across processes.
The folder's files (sentinel, lock, swap-in) are indexfiles.py's; this module re-exports
what callers import from it.
"""

from __future__ import annotations

import importlib
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Protocol

from paperwork.archive.folding import collapse_spaces
from paperwork.archive.indexfiles import (
    LOCK_RETRY_DELAY,
    LOCK_TIMEOUT,
    SENTINEL,
    WRITE_LOCK,
    dir_size,
    index_engine,
    index_exists,
    read_sentinel,
    swap_in,
    without_writers,
    write_lock,
    write_sentinel,
)
from paperwork.archive.names import DEFAULT_ENGINE, ENGINES, REINDEX
from paperwork.archive.plan import SearchPlan, day_number, plan_query
from paperwork.archive.query import Query
from paperwork.archive.snippets import SNIPPET_CHARS, make_snippet
from paperwork.errors import ArchiveError, IndexVersionError, InputError
from ..i18n import _

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "LOCK_RETRY_DELAY",
    "LOCK_TIMEOUT",
    "REINDEX",
    "SCHEMA_VERSION",
    "SENTINEL",
    "SNIPPET_CHARS",
    "WRITE_LOCK",
    "BaseIndex",
    "EngineUnavailableError",
    "IndexDocument",
    "SearchHit",
    "SearchIndex",
    "build_index",
    "create_index",
    "dir_size",
    "engine_class",
    "index_engine",
    "index_exists",
    "make_snippet",
    "open_index",
    "read_sentinel",
    "recommend_engine",
    "without_writers",
    "write_lock",
]

SCHEMA_VERSION = 1

# Measured by benchmarks/bench_search.py on this kind of machine (2 cores, README,
# "Choosing an engine"): at 5,000 documents Whoosh answers every class within ~0.2 s p95;
# at 10,000 its common-word queries take 0.2-0.3 s p50 and 0.3-0.6 s p95, and a CLI
# search ~0.8 s. `paperwork archive stats` recommends Tantivy from here (about one year
# of an office's documents).
WHOOSH_SLOW_FROM = 10_000

_ENGINE_MODULES = {
    "whoosh": ("paperwork.archive.engines.whoosh_engine", "WhooshIndex"),
    "tantivy": ("paperwork.archive.engines.tantivy_engine", "TantivyIndex"),
}
_INSTALL = {
    "whoosh": "pip install whoosh-reloaded",
    "tantivy": "pip install 'paperwork[tantivy]'",
}


class EngineUnavailableError(ArchiveError):
    """The engine's package is not installed; the message gives the install command."""


@dataclass(frozen=True)
class IndexDocument:
    """One archived document as the index sees it (text already extracted, NFC)."""

    id: int
    filename: str
    title: str
    type: str
    number: str
    date: str | None  # "YYYY-MM-DD"
    agency: str
    text: str


@dataclass(frozen=True)
class SearchHit:
    """One result; ``snippet`` is one line with the matched words wrapped in «»."""

    id: int
    filename: str
    title: str
    type: str
    number: str
    date: str | None
    agency: str
    score: float
    snippet: str


class SearchIndex(Protocol):
    """What every engine offers; open one with :func:`open_index`."""

    path: Path
    engine: str

    def add(self, docs: Iterable[IndexDocument]) -> int: ...
    def delete(self, ids: Iterable[int]) -> None: ...
    def search(self, query: Query) -> list[SearchHit]: ...
    def rebuild(
        self, docs: Iterable[IndexDocument], progress: Callable[[int], None] | None = None
    ) -> int: ...
    def ids(self) -> set[int]: ...
    def count(self) -> int: ...
    def size_bytes(self) -> int: ...
    def unreferenced_files(self) -> list[Path]: ...
    def close(self) -> None: ...
    def __enter__(self) -> SearchIndex: ...
    def __exit__(self, *exc: object) -> None: ...


# ----------------------------------------------------------------- documents -> fields


def date_key(doc_id: int, value: str | None) -> int:
    """YYYYMMDD of a document's date, 0 when unknown."""
    if not value:
        return 0
    try:
        return day_number(date.fromisoformat(value))
    except ValueError:
        what = f"document {doc_id}: date"
        raise InputError(_("{value!r} is not a date (YYYY-MM-DD)").format(value=value), field=what) from None


def body_of(doc: IndexDocument) -> str:
    """Title, number, agency and text, one line each: what is searched and snippeted."""
    return "\n".join(collapse_spaces(p) for p in (doc.title, doc.number, doc.agency, doc.text))


# ------------------------------------------------------------------------ engines


@contextmanager
def _os_errors(path: Path) -> Iterator[None]:
    """Map the engines' OSErrors (ENOSPC inside a writer's commit …) to one ArchiveError line."""
    try:
        yield
    except OSError as e:
        raise ArchiveError(_("the search index {path} cannot be written: {value}").format(
            path=path, value=e.strerror or e
        )) from e
    except ValueError as e:  # tantivy reports its I/O errors as ValueError("An IO error occurred: …")
        if "IO error" not in str(e):
            raise
        cause = str(e).split(": ", 1)[-1].strip("'").split(" (os error")[0]
        raise ArchiveError(_("the search index {path} cannot be written: {cause}").format(
            path=path, cause=cause
        )) from e


def _remove_abandoned_builds(path: Path) -> None:
    """Rebuild folders left by a killed reindex (only called under the index's write lock)."""
    for old in path.parent.glob(f".{path.name}.rebuild-*"):
        shutil.rmtree(old, ignore_errors=True)


class BaseIndex:
    """What both engines share: opening by sentinel, building beside and swapping in.

    An engine subclass sets ``ENGINE`` and implements ``_open_files`` (open its files at
    a path), ``_build`` (write ``docs`` into a fresh folder, return the count),
    ``search_plan`` (translate a :class:`~paperwork.archive.plan.SearchPlan` into its own
    query and run it) and the other reading and writing methods of :class:`SearchIndex`.
    """

    ENGINE: ClassVar[str] = ""

    def __init__(self, path: Path, *, lock_timeout: float = LOCK_TIMEOUT):
        self.path = path
        self.engine = self.ENGINE
        self.lock_timeout = lock_timeout

    # -- to implement

    def _open_files(self) -> None:
        raise NotImplementedError

    @classmethod
    def _build(
        cls, path: Path, docs: Iterable[IndexDocument], progress: Callable[[int], None] | None
    ) -> int:
        raise NotImplementedError

    def search_plan(self, plan: SearchPlan) -> list[SearchHit]:
        raise NotImplementedError

    def _unreferenced(self) -> list[Path]:
        """Files of the engine in the folder that its current meta does not reference."""
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # -- searching

    def search(self, query: Query) -> list[SearchHit]:
        """The hits for ``query``: by relevance, or newest first (sort="date" or no words).

        The query is compiled once into an engine-free plan (plan.py) that the engine translates.
        """
        return self.search_plan(plan_query(query))

    # -- opening and building

    @staticmethod
    def exists(path: Path) -> bool:
        """True if ``path`` holds a paperwork index (of any engine or schema version)."""
        return index_exists(path)

    @classmethod
    def open(cls, path: Path, *, lock_timeout: float = LOCK_TIMEOUT) -> Any:
        """Open an existing index; never creates, repairs or deletes anything."""
        path = Path(path).absolute()
        info = read_sentinel(path)
        version, engine = info.get("schema_version"), info.get("engine", "whoosh")
        if engine != cls.ENGINE:
            raise IndexVersionError(
                _("the search index {path} was built by {engine}, not {ENGINE}: {REINDEX}").format(
                    path=path, engine=engine, ENGINE=cls.ENGINE, REINDEX=_(REINDEX)
                )
            )
        if version != SCHEMA_VERSION:
            raise IndexVersionError(_("index schema {version}, paperwork expects {SCHEMA_VERSION}: "
                                      "{REINDEX}").format(
                version=version, SCHEMA_VERSION=SCHEMA_VERSION, REINDEX=_(REINDEX)
            ))
        index = cls(path, lock_timeout=lock_timeout)
        try:
            index._open_files()
        except ArchiveError:
            raise
        except Exception as e:  # any failure to read the engine's files means a damaged index
            why = f"{type(e).__name__}: {e}"
            raise ArchiveError(_("the search index {path} cannot be opened ({why}): {REINDEX}").format(
                path=path, why=why, REINDEX=_(REINDEX)
            )) from e
        return index

    @classmethod
    def create(cls, path: Path, *, lock_timeout: float = LOCK_TIMEOUT) -> Any:
        """(Re)create an empty index at ``path``, swapped in whole (for reindex only)."""
        return cls.reindex(path, (), lock_timeout=lock_timeout)

    @classmethod
    def reindex(
        cls,
        path: Path,
        docs: Iterable[IndexDocument],
        progress: Callable[[int], None] | None = None,
        *,
        lock_timeout: float = LOCK_TIMEOUT,
        **options: Any,
    ) -> Any:
        """Build a new index from ``docs`` next to ``path`` and swap it in.

        Works whatever is at ``path`` (an index of another engine or schema, a damaged
        one); until the swap the old index stays as it was, and its writer lock stays
        held so that nothing added meanwhile is lost. Returns the new index, open.
        """
        path = Path(path).absolute()
        with _os_errors(path):
            path.parent.mkdir(parents=True, exist_ok=True)
        with write_lock(path, lock_timeout), _os_errors(path):
            _remove_abandoned_builds(path)
            tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.rebuild-", dir=path.parent))
            try:
                cls._build(tmp, docs, progress, **options)
                write_sentinel(tmp, cls.ENGINE, SCHEMA_VERSION)
                swap_in(tmp, path)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)  # our own unfinished build, never the index
                raise
        return cls.open(path, lock_timeout=lock_timeout)

    def rebuild(
        self,
        docs: Iterable[IndexDocument],
        progress: Callable[[int], None] | None = None,
        **options: Any,
    ) -> int:
        """Replace the contents by ``docs`` (see :meth:`reindex`); returns the count.

        ``progress`` is called with the number of documents indexed so far.
        """
        self.close()
        try:
            new = self.reindex(self.path, docs, progress, lock_timeout=self.lock_timeout, **options)
            new.close()
        finally:
            self._open_files()  # the new index, or the old one if the build failed
        return self.count()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The writer lock, around an engine's write; an OSError inside (a full disk) becomes one line."""
        with write_lock(self.path, self.lock_timeout), _os_errors(self.path):
            yield

    def size_bytes(self) -> int:
        """Bytes of the folder's files, unreferenced ones included."""
        return dir_size(self.path)

    def unreferenced_files(self) -> list[Path]:
        """The engine's files in the folder that the index does not reference, sorted.

        Left by a writer that did not clean up after itself (killed, or, before this was
        fixed, two Tantivy writers in two processes); never read, only taking room until
        ``reindex``. Listed while no writer runs, so that the files of a commit under way
        are not taken for them; creates nothing.
        """
        return sorted(without_writers(self.path, self.lock_timeout, self._unreferenced))

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def recommend_engine(engine: str, documents: int) -> str | None:
    """Advice for ``archive stats``: None while the engine in use is the right one."""
    if engine == "whoosh" and documents >= WHOOSH_SLOW_FROM:
        return (
            _("{documents} documents: Whoosh searches slowly past ~{WHOOSH_SLOW_FROM:,} documents; "
              "switch to the faster engine: pip install 'paperwork[tantivy]', then `paperwork archive "
              "reindex --engine tantivy`").format(documents=documents, WHOOSH_SLOW_FROM=WHOOSH_SLOW_FROM)
        )
    return None


def engine_class(engine: str) -> type[BaseIndex]:
    """The index class of ``engine``, imported now (each engine imports its package lazily)."""
    if engine not in _ENGINE_MODULES:
        raise InputError(_("{engine!r} is not one of {ENGINES}").format(
            engine=engine, ENGINES=', '.join(ENGINES)
        ), field="engine")
    module_name, class_name = _ENGINE_MODULES[engine]
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise EngineUnavailableError(
            _("the {engine} search engine is not installed ({value}): {INSTALL}").format(engine=engine, value=e.name or e, INSTALL=_INSTALL[engine])
        ) from e
    return getattr(module, class_name)


def open_index(path: Path, engine: str | None = None, *, lock_timeout: float = LOCK_TIMEOUT) -> SearchIndex:
    """Open the index at ``path`` with the engine that built it.

    With ``engine`` (the workspace setting), an index built by the other engine is an
    :class:`IndexVersionError` asking for ``reindex``: nothing is rebuilt behind the user's back.
    """
    path = Path(path).absolute()
    built_by = index_engine(path)
    if engine is not None and built_by != engine:
        raise IndexVersionError(
            _("the search index was built by {built_by} but the workspace asks for {engine}: run "
              "`paperwork archive reindex --engine {engine}`").format(built_by=built_by, engine=engine)
        )
    if built_by not in _ENGINE_MODULES:
        raise IndexVersionError(_("the search index was built by an unknown engine {built_by!r}: {REINDEX}").format(
            built_by=built_by, REINDEX=_(REINDEX)
        ))
    return engine_class(built_by).open(path, lock_timeout=lock_timeout)  # type: ignore[return-value]


def create_index(path: Path, engine: str = DEFAULT_ENGINE, *, lock_timeout: float = LOCK_TIMEOUT) -> SearchIndex:
    """An empty index of ``engine`` at ``path`` (whatever was there is replaced)."""
    return engine_class(engine).create(path, lock_timeout=lock_timeout)  # type: ignore[return-value]


def build_index(
    path: Path,
    docs: Iterable[IndexDocument],
    engine: str = DEFAULT_ENGINE,
    progress: Callable[[int], None] | None = None,
    *,
    lock_timeout: float = LOCK_TIMEOUT,
) -> SearchIndex:
    """A new index of ``engine`` holding ``docs``, swapped in at ``path``; returned open."""
    cls = engine_class(engine)
    return cls.reindex(path, docs, progress, lock_timeout=lock_timeout)  # type: ignore[return-value]
