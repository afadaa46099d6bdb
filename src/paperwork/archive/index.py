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
filters, and the text for snippets built here (:func:`make_snippet`, matches in «»).

Writers of either engine hold ``paperwork-write.lock`` inside the index folder (flock,
with a timeout): adds, deletes and rebuilds of one index are serialised across processes.
"""

from __future__ import annotations

import codecs
import errno
import fcntl
import importlib
import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, ClassVar, Protocol

from paperwork.archive.folding import WORD, collapse_spaces, fold, fold_words, within_one_edit
from paperwork.archive.query import Query
from paperwork.errors import ArchiveError, ArchiveLockedError, IndexVersionError, InputError

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "SCHEMA_VERSION",
    "SENTINEL",
    "BaseIndex",
    "IndexDocument",
    "SearchHit",
    "SearchIndex",
    "build_index",
    "create_index",
    "engine_class",
    "index_engine",
    "index_exists",
    "make_snippet",
    "open_index",
    "recommend_engine",
]

SCHEMA_VERSION = 1
ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = "whoosh"
SENTINEL = "paperwork-index.json"
WRITE_LOCK = "paperwork-write.lock"
REINDEX = "run `paperwork archive reindex`"

# Measured by benchmarks/bench_search.py on this kind of machine (2 cores, README,
# "Choosing an engine"): at 5,000 documents Whoosh answers every class within ~0.2 s p95;
# at 10,000 its common-word queries take 0.2-0.3 s p50 and 0.3-0.6 s p95, and a CLI
# search ~0.8 s. `paperwork archive stats` recommends Tantivy from here (about one year
# of an office's documents).
WHOOSH_SLOW_FROM = 10_000

LOCK_TIMEOUT = 10.0  # seconds a writer waits for another one
LOCK_RETRY_DELAY = 0.1
SNIPPET_CHARS = 200

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
    def close(self) -> None: ...
    def __enter__(self) -> SearchIndex: ...
    def __exit__(self, *exc: object) -> None: ...


# ----------------------------------------------------------------- documents -> fields


def type_key(value: str) -> str:
    """A tên loại as one filter term: "Quyết định" -> "quyet dinh"."""
    return " ".join(fold_words(value))


def day_number(d: date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def date_key(doc_id: int, value: str | None) -> int:
    """YYYYMMDD of a document's date, 0 when unknown."""
    if not value:
        return 0
    try:
        return day_number(date.fromisoformat(value))
    except ValueError:
        what = f"document {doc_id}: date"
        raise InputError(f"{value!r} is not a date (YYYY-MM-DD)", field=what) from None


def body_of(doc: IndexDocument) -> str:
    """Title, number, agency and text, one line each: what is searched and snippeted."""
    return "\n".join(collapse_spaces(p) for p in (doc.title, doc.number, doc.agency, doc.text))


def date_range(query: Query) -> tuple[int, int] | None:
    if not (query.date_from or query.date_to):
        return None
    lo = day_number(query.date_from) if query.date_from else 1
    hi = day_number(query.date_to) if query.date_to else 99991231
    return lo, hi


# ----------------------------------------------------------------------- snippets

# Snippets must find the query's words in 20 texts within a few milliseconds. fold() is
# exact but costs ~1 ms on a 7 KB text (str.translate looks every letter up in a dict),
# so matching uses a cheaper stand-in of the same length, all ASCII: letters of lower-cased
# text folded by C codecs (Vietnamese letters through a charmap, the rare others through
# the error handler: fold() for letters of folding.py's table, "Z" for any other word
# character, which no folded lower-case term contains, a space for anything else).
_VIETNAMESE = (
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđð"
    "äåçëîïñöûüÿ"
)
_PUNCTUATION = "\u00a0“”‘’–—…«»•"
_FAST_CHARS = _VIETNAMESE + _PUNCTUATION
_FAST_ENCODING = codecs.charmap_build(
    "".join(chr(i) for i in range(128)) + _FAST_CHARS + "\ufffe" * (128 - len(_FAST_CHARS))
)
_FAST_BYTES = bytes(range(128)) + (
    fold(_VIETNAMESE) + " " * len(_PUNCTUATION) + " " * (128 - len(_FAST_CHARS))
).encode("ascii")


def _fast_fold_errors(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeEncodeError)
    out = []
    for c in error.object[error.start : error.end]:
        f = fold(c)
        if len(f) == 1 and f.isascii():
            out.append(f if f.isalnum() or f == "_" or not c.isalnum() else "Z")
        else:
            out.append("Z" if c.isalnum() or c == "_" else " ")
    return "".join(out), error.end


codecs.register_error("paperwork-snippet-fold", _fast_fold_errors)


def _fast_fold(text: str) -> str | None:
    """An ASCII stand-in for fold(text), position by position; None if lengths would differ."""
    if not unicodedata.is_normalized("NFC", text):
        return None
    lower = text.lower()
    if len(lower) != len(text):
        return None
    encoded, _ = codecs.charmap_encode(lower, "paperwork-snippet-fold", _FAST_ENCODING)
    return encoded.translate(_FAST_BYTES).decode("ascii")


def _match_spans(text: str, terms: frozenset[str], fuzzy: frozenset[str]) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded word) of every ``\\w+`` word of ``text`` that is a term (or near one)."""
    if not terms and not fuzzy:
        return iter(())
    stand_in = None if fuzzy or not all(t.isascii() for t in terms) else _fast_fold(text)
    if stand_in is None:  # the exact path: every word folded and compared
        folded = fold(text)
        if len(folded) != len(text):  # lower() changed a length (rare letters): no offsets
            folded = "".join(fold(c)[:1] or " " for c in text)
        return (
            (m.start(), m.end(), m.group())
            for m in WORD.finditer(folded)
            if m.group() in terms or (fuzzy and any(within_one_edit(m.group(), f) for f in fuzzy))
        )
    # The same words found by the regex engine: a whole \w+ run equal to a term.
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.ASCII)
    return ((m.start(), m.end(), m.group()) for m in pattern.finditer(stand_in))


def _densest(
    found: Iterator[tuple[int, int, str]], reach: int, most: int
) -> tuple[int, list[tuple[int, int, str]]]:
    """The first span starting the window of ``reach`` chars with the most distinct words.

    Returns its index and the spans read so far: matches are read lazily and the search
    stops at the first window holding ``most`` distinct words (no later one can beat it),
    so a text full of a common word costs a window, not the whole text.
    """
    spans: list[tuple[int, int, str]] = []
    more = True

    def have(k: int) -> bool:  # is spans[k] there (reading one more match if needed)?
        nonlocal more
        while more and k >= len(spans):
            nxt = next(found, None)
            if nxt is None:
                more = False
            else:
                spans.append(nxt)
        return k < len(spans)

    best, best_count = 0, 0
    counts: Counter[str] = Counter()
    i = j = 0
    while have(i):
        start = spans[i][0]
        if j < i:
            j = i
            counts.clear()
        while have(j) and spans[j][1] <= start + reach:
            counts[spans[j][2]] += 1
            j += 1
        if len(counts) > best_count:
            best, best_count = i, len(counts)
            if best_count >= most:
                break
        if j > i:  # slide: span i leaves the window
            word = spans[i][2]
            counts[word] -= 1
            if not counts[word]:
                del counts[word]
        i += 1
    return best, spans


def make_snippet(
    text: str,
    terms: frozenset[str],
    fuzzy: frozenset[str] = frozenset(),
    width: int = SNIPPET_CHARS,
    *,
    collapsed: bool = False,
) -> str:
    """One line of ``text`` around the densest group of matches, matches wrapped in «».

    ``collapsed``: the text has no runs of white space (as stored by the Tantivy engine).
    """
    if not collapsed:
        text = collapse_spaces(text)
    most = len(terms) if not fuzzy else len(text)  # with word~, any number of words can match
    found = _match_spans(text, terms, fuzzy)
    best, spans = _densest(found, width - 40, most)
    if not spans:
        if len(text) <= width:
            return text
        return text[:width].rsplit(" ", 1)[0] + " …"
    begin = max(0, spans[best][0] - 40)
    if begin:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < spans[best][0] else spans[best][0]
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > spans[best][1] else end
    for span in found:  # the matches after the window that still fit on the line
        spans.append(span)
        if span[0] >= end:
            break
    out: list[str] = ["… "] if begin else []
    pos = begin
    for start, stop, _ in spans:
        if start >= begin and stop <= end:
            out += [text[pos:start], "«", text[start:stop], "»"]
            pos = stop
    out.append(text[pos:end])
    if end < len(text):
        out.append(" …")
    return "".join(out)


# ------------------------------------------------------------------ files and locks


def _write_sentinel(path: Path, engine: str) -> None:
    info = {
        "schema_version": SCHEMA_VERSION,
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
        raise ArchiveError(f"no search index at {path}: {REINDEX}")
    if not sentinel.is_file():
        raise ArchiveError(
            f"{path} has no {SENTINEL} (not a paperwork index, or an unfinished one): {REINDEX}"
        )
    try:
        info = json.loads(sentinel.read_text(encoding="utf-8"))
        if not isinstance(info, dict) or "schema_version" not in info:
            raise ValueError("no schema_version")
    except (OSError, ValueError) as e:
        raise ArchiveError(f"cannot read {sentinel} ({e}): {REINDEX}") from e
    return info


def index_exists(path: Path) -> bool:
    """True if ``path`` holds a paperwork index (of any engine or schema version)."""
    return (Path(path) / SENTINEL).is_file()


def index_engine(path: Path) -> str:
    """The engine that built the index at ``path`` (indexes older than the field: whoosh)."""
    return str(read_sentinel(Path(path)).get("engine", "whoosh"))


@contextmanager
def write_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold the writer lock of the index folder ``path`` (nothing to hold if there is none).

    flock on a file inside the folder; a lock taken on a folder that a rebuild has swapped
    out meanwhile is let go and taken again on the new one.
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
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            if e.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise ArchiveError(f"cannot lock the search index {path}: {e}") from e
            if time.monotonic() >= deadline:
                raise ArchiveLockedError(
                    f"the search index {path} is being written by another process"
                    f" (waited {timeout:g} s): try again later"
                ) from None
            time.sleep(LOCK_RETRY_DELAY)
            continue
        try:
            current = os.stat(lock_path)
        except FileNotFoundError:
            current = None
        if current is None or current.st_ino != os.fstat(fd).st_ino:
            os.close(fd)  # the folder was swapped while we waited: lock the new one
            continue
        try:
            yield
        finally:
            os.close(fd)  # releases the flock
        return


def _swap_in(new: Path, path: Path) -> None:
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
    return sum(f.stat().st_size for f in Path(path).iterdir() if f.is_file())


# ------------------------------------------------------------------------ engines


class BaseIndex:
    """What both engines share: opening by sentinel, building beside and swapping in.

    An engine subclass sets ``ENGINE`` and implements ``_open_files`` (open its files at
    a path), ``_build`` (write ``docs`` into a fresh folder, return the count) and the
    reading and writing methods of :class:`SearchIndex`.
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

    def count(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

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
                f"the search index {path} was built by {engine}, not {cls.ENGINE}: {REINDEX}"
            )
        if version != SCHEMA_VERSION:
            raise IndexVersionError(f"index schema {version}, paperwork expects {SCHEMA_VERSION}: {REINDEX}")
        index = cls(path, lock_timeout=lock_timeout)
        try:
            index._open_files()
        except ArchiveError:
            raise
        except Exception as e:  # any failure to read the engine's files means a damaged index
            why = f"{type(e).__name__}: {e}"
            raise ArchiveError(f"the search index {path} cannot be opened ({why}): {REINDEX}") from e
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
        path.parent.mkdir(parents=True, exist_ok=True)
        with write_lock(path, lock_timeout):
            tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.rebuild-", dir=path.parent))
            try:
                cls._build(tmp, docs, progress, **options)
                _write_sentinel(tmp, cls.ENGINE)
                _swap_in(tmp, path)
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
        with write_lock(self.path, self.lock_timeout):
            yield

    def size_bytes(self) -> int:
        return dir_size(self.path)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def recommend_engine(engine: str, documents: int) -> str | None:
    """Advice for ``archive stats``: None while the engine in use is the right one."""
    if engine == "whoosh" and documents >= WHOOSH_SLOW_FROM:
        return (
            f"{documents} documents: Whoosh searches slowly past ~{WHOOSH_SLOW_FROM:,} documents;"
            " switch to the faster engine: pip install 'paperwork[tantivy]', then"
            " `paperwork archive reindex --engine tantivy`"
        )
    return None


def engine_class(engine: str) -> type[BaseIndex]:
    """The index class of ``engine``, imported now (each engine imports its package lazily)."""
    if engine not in _ENGINE_MODULES:
        raise InputError(f"{engine!r} is not one of {', '.join(ENGINES)}", field="engine")
    module_name, class_name = _ENGINE_MODULES[engine]
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise EngineUnavailableError(
            f"the {engine} search engine is not installed ({e.name or e}): {_INSTALL[engine]}"
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
            f"the search index was built by {built_by} but the workspace asks for {engine}:"
            f" run `paperwork archive reindex --engine {engine}`"
        )
    if built_by not in _ENGINE_MODULES:
        raise IndexVersionError(f"the search index was built by an unknown engine {built_by!r}: {REINDEX}")
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
