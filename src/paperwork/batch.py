"""Many documents from one manifest: validate all, render on worker processes, number, write, archive.

A manifest (YAML or JSON) lists the documents under ``documents:``; paths are
relative to the manifest, output names relative to the output folder::

    defaults:                          # optional: merged under every document's data
      agency: {name: Sở Nội vụ, code: SNV}
    documents:
      - {kind: reward-decision, input: qd-khen-thuong.yaml}   # output: qd-khen-thuong.docx
      - {kind: covenant, name: giao-uoc, data: {…}}           # output: giao-uoc.docx
      - kind: invitation               # one document per row; dotted headers nest
        spreadsheet: khach-moi.xlsx
        data: {…}                      # or input: FILE: the fields every row shares
        output: "giay-moi-{n:02d}.docx" # {n} counts rows from 1, {row} is the sheet row, or a field: {name}

or, for one kind and a spreadsheet, the same keys at the top (``kind``,
``spreadsheet``, ``data``/``input``, ``output``).

Order of work (``plan`` then ``execute``):

1. every item is read and validated (and an explicit number checked free)
   before anything is written or any number issued; an invalid item is
   reported with its name and field path and the others go on;
2. with ``issue``, one register transaction (``Register.block``) holds the
   new numbers while the documents render on ``jobs`` processes into hidden
   files; a document that fails to render gets no number and the later ones
   are renumbered (re-rendered) so the register has no gap;
3. the register rows and this module's ``batch_items`` rows commit together;
   only then are the files renamed into place; then they are archived.

Re-runs: for every numbered document issued from a manifest, ``batch_items``
keeps (manifest path, item name, SHA-256 of the validated input) → its year,
series, number and date. A later run of the same manifest renders that item
with its recorded number and date and issues nothing; an item whose input has
changed is a new document and gets a new number (the report says which number
it replaces, to withdraw with ``paperwork register void``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import string
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import db
from .config import Workspace
from .errors import InputError, PaperworkError
from .inputs import SPREADSHEET_SUFFIXES, load_data, read_data, read_spreadsheet

__all__ = ["BatchReport", "Item", "ItemResult", "Plan", "Renderer", "dry_run_report", "execute", "plan", "read_manifest"]

ITEM_KEYS = ("kind", "name", "input", "data", "spreadsheet", "output")
MANIFEST_KEYS = ("documents", "defaults", *ITEM_KEYS)
TABLE = "batch_items"
SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        manifest        TEXT    NOT NULL,   -- the manifest's absolute path
        item            TEXT    NOT NULL,   -- the item's name in it
        content_sha256  TEXT    NOT NULL,   -- of the validated input (JSON, keys sorted)
        year            INTEGER NOT NULL,   -- the register row it was issued as
        series          TEXT    NOT NULL,
        number          INTEGER NOT NULL,
        date            TEXT    NOT NULL,
        output          TEXT    NOT NULL,
        recorded_at     TEXT    NOT NULL,
        PRIMARY KEY (manifest, item, content_sha256)
    )""",
)

Progress = Callable[[int], None]


# --------------------------------------------------------------------------- manifest


@dataclass(frozen=True)
class Item:
    """One document of the manifest, before validation."""

    index: int
    name: str
    kind: str
    output: str  # relative to the output folder
    source: str  # names the data in error messages
    base_dir: Path  # spreadsheet list fields are relative to it
    data: Mapping[str, Any] | None = None  # None: read ``input``
    input: Path | None = None
    defaults: Mapping[str, Any] = field(default_factory=dict)  # the manifest's, under the data


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` wins; mappings present in both are merged key by key."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _mapping(value: Any, source: str, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError("must be a mapping of fields (name: value)", source=source, field=where)
    return value


class _RowFields(dict):
    def __missing__(self, key: str) -> Any:
        raise KeyError(key)


def _format_output(pattern: str, fields: Mapping[str, Any], source: str, where: str) -> str:
    try:
        return string.Formatter().vformat(pattern, (), _RowFields(fields))
    except KeyError as e:
        raise InputError(f"the output pattern names {{{e.args[0]}}}, which the row does not have",
                         source=source, field=where) from None
    except (ValueError, IndexError) as e:
        raise InputError(f"bad output pattern: {e}", source=source, field=where) from None


def _fast_loader() -> type | None:
    """inputs' YAML rules on libyaml's parser (~10x faster on a manifest of 1,000 documents)."""
    import yaml

    from .inputs import _Loader

    base = getattr(yaml, "CSafeLoader", None)
    if base is None:
        return None
    loader = type("_FastLoader", (base,), {})
    loader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    return loader


def _read_fast(path: Path) -> dict[str, Any]:
    """``read_data``, parsed by libyaml when it can; any problem is reported by ``read_data`` itself."""
    import yaml

    loader = _fast_loader()
    if loader is not None and path.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            pass
        else:
            if isinstance(data, dict):
                return data
    return read_data(path)


def read_manifest(path: Path) -> list[Item]:
    """The manifest's documents, a spreadsheet expanded to one item per row.

    Problems with the manifest itself (unknown keys, a missing spreadsheet,
    two items writing the same file) are raised; problems with one item's
    data are found later, by ``plan``, and reported per item.
    """
    path = Path(path).absolute()
    src = str(path)
    raw = _read_fast(path)
    unknown = sorted(set(raw) - set(MANIFEST_KEYS))
    if unknown:
        raise InputError(f"unknown key '{unknown[0]}' (a manifest has: {', '.join(MANIFEST_KEYS)})", source=src)
    defaults = dict(_mapping(raw.get("defaults") or {}, src, "defaults"))
    if "documents" in raw:
        if any(k in raw for k in ITEM_KEYS):
            raise InputError("give either `documents:` or one `kind` with a `spreadsheet`, not both", source=src)
        entries = raw["documents"]
        if not isinstance(entries, list) or not entries:
            raise InputError("must be a non-empty list of documents", source=src, field="documents")
        located = [(entry, f"documents[{i}]") for i, entry in enumerate(entries)]
    elif "kind" in raw:
        if "spreadsheet" not in raw:
            raise InputError("a manifest without `documents:` names one `kind` and a `spreadsheet`", source=src)
        located = [({k: raw[k] for k in ITEM_KEYS if k in raw}, "")]
    else:
        raise InputError("list the documents under `documents:` (see `paperwork batch --help`)", source=src)

    items: list[Item] = []
    for entry, where in located:
        items.extend(_expand(path, entry, where, defaults, len(items)))
    seen: dict[str, Item] = {}
    for item in items:
        other = seen.get(item.output) or seen.get(item.name)
        if other is not None:
            raise InputError(f"'{item.name}' and '{other.name}' would both write {item.output}"
                             if other.output == item.output else f"two documents are named '{item.name}'",
                             source=src)
        seen[item.output] = seen[item.name] = item
    return items


def _expand(manifest: Path, entry: Any, where: str, defaults: dict, start: int) -> list[Item]:
    src = str(manifest)
    entry = _mapping(entry, src, where or None)
    at = f"{where}." if where else ""
    unknown = sorted(set(entry) - set(ITEM_KEYS))
    if unknown:
        raise InputError(f"unknown key (an item has: {', '.join(ITEM_KEYS)})", source=src, field=at + unknown[0])
    kind = entry.get("kind")
    if not isinstance(kind, str) or not kind.strip():
        raise InputError("field required (the document kind: see `paperwork kinds`)", source=src, field=at + "kind")
    sources = [k for k in ("input", "data") if k in entry]
    if len(sources) > 1:
        raise InputError("give `input` or `data`, not both", source=src, field=where or None)
    if not sources and "spreadsheet" not in entry:
        raise InputError("give `input: FILE`, `data: {…}` or `spreadsheet: FILE`", source=src, field=where or None)
    output = entry.get("output")
    if output is not None and (not isinstance(output, str) or not output.strip()):
        raise InputError("must be a file name", source=src, field=at + "output")
    name = entry.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise InputError("must be a name", source=src, field=at + "name")
    base = dict(
        kind=kind.strip(), base_dir=manifest.parent, defaults=defaults,
    )
    input_path = data = None
    if "input" in entry:
        if not isinstance(entry["input"], str):
            raise InputError("must be a file name", source=src, field=at + "input")
        input_path = manifest.parent / entry["input"]
    if "data" in entry:
        data = _mapping(entry["data"], src, at + "data")

    if "spreadsheet" not in entry:
        stem = (name.strip() if name else None) or (input_path.stem if input_path is not None
                                                     else f"{kind.strip()}-{start + 1:03d}")
        output = output or f"{stem}.docx"
        _check_output(output, src, at + "output")
        item_source = str(input_path) if input_path is not None else f"{src}: {at}data"
        return [Item(index=start, name=(name or Path(output).stem).strip(), output=output, source=item_source,
                     data=data, input=input_path, **base)]

    sheet_name = entry["spreadsheet"]
    if not isinstance(sheet_name, str) or not sheet_name.lower().endswith(SPREADSHEET_SUFFIXES):
        raise InputError("must name a .xlsx or .csv file", source=src, field=at + "spreadsheet")
    sheet = (manifest.parent / sheet_name).resolve()
    rows = read_spreadsheet(sheet)
    if not rows:
        raise InputError("the spreadsheet has no rows under its header", source=str(sheet))
    common: Mapping[str, Any] = data or {}
    if input_path is not None:
        common = read_data(input_path)
        base["base_dir"] = input_path.parent
    pattern = output or f"{name or sheet.stem}-{{n:03d}}.docx"
    items = []
    for n, row in enumerate(rows, start=1):
        out = _format_output(pattern, {**row, "n": n, "row": n + 1}, src, at + "output")
        _check_output(out, src, at + "output")
        items.append(Item(index=start + n - 1, name=Path(out).stem, output=out, source=f"{sheet}: row {n + 1}",
                          data=_merge(common, row), **base))
    return items


def _check_output(output: str, source: str, where: str) -> None:
    p = Path(output)
    if p.suffix.lower() != ".docx" or p.is_absolute() or ".." in p.parts:
        raise InputError(f"'{output}' must be a .docx file name inside the output folder", source=source, field=where)


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Planned:
    """An item that validated: what it will be written as."""

    item: Item
    kind: Any  # kinds.Kind
    doc: Any  # the validated model, dated when it carries a number
    content: str  # SHA-256 of the validated input
    out: Path
    number: int | None  # explicit, recorded by an earlier run, or None (new or draft)
    numbered: bool  # the kind carries a number at all
    recorded: bool = False  # ``number`` comes from an earlier run of this manifest
    issue: bool = False  # a number is issued now (explicit or next free)
    note: str | None = None


@dataclass(frozen=True)
class ItemResult:
    name: str
    kind: str
    output: Path | None
    status: str  # "written", "failed", "planned" (dry run)
    number: str | None = None  # "05/QĐ-SNV" as printed in the document
    number_value: int | None = None
    date: dt.date | None = None
    title: str | None = None
    issued: bool = False  # the number was issued by this run
    recorded: bool = False  # the number was issued by an earlier run of the manifest
    error: str | None = None
    note: str | None = None
    worker: int | None = None  # pid of the process that rendered it


@dataclass(frozen=True)
class Plan:
    manifest: Path
    out_dir: Path
    ready: tuple[Planned, ...]
    invalid: tuple[ItemResult, ...]
    order: Mapping[str, int] = field(default_factory=dict)  # item name -> position in the manifest

    @property
    def total(self) -> int:
        return len(self.ready) + len(self.invalid)


@dataclass(frozen=True)
class BatchReport:
    items: tuple[ItemResult, ...]  # in manifest order
    dry_run: bool = False
    workers: frozenset[int] = frozenset()
    archived: int = 0
    archive_error: str | None = None

    @property
    def failed(self) -> tuple[ItemResult, ...]:
        return tuple(r for r in self.items if r.status == "failed")

    @property
    def written(self) -> tuple[ItemResult, ...]:
        return tuple(r for r in self.items if r.status == "written")

    @property
    def ok(self) -> bool:
        return not self.failed and self.archive_error is None


def _content_hash(doc: Any) -> str:
    text = json.dumps(doc.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@contextmanager
def _read_catalog(ws: Workspace) -> Iterator[sqlite3.Connection | None]:
    """A read connection to the catalog, or None when there is none yet (nothing is created)."""
    if not ws.catalog_path.exists():
        yield None
        return
    conn = db.connect(ws.catalog_path)
    try:
        yield conn
    finally:
        conn.close()


def _has_table(conn: sqlite3.Connection | None, name: str) -> bool:
    return conn is not None and bool(
        conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    )


def _recorded(conn: sqlite3.Connection | None, manifest: str, item: str) -> list[sqlite3.Row]:
    """What earlier runs issued for this item (still issued, not withdrawn), newest first."""
    if not (_has_table(conn, TABLE) and _has_table(conn, "register_entries")):
        return []
    return conn.execute(
        f"SELECT b.*, r.symbol FROM {TABLE} b JOIN register_entries r"
        " ON r.year = b.year AND r.series = b.series AND r.number = b.number"
        " WHERE b.manifest = ? AND b.item = ? AND r.status = 'issued' ORDER BY b.recorded_at DESC",
        (manifest, item),
    ).fetchall()


def plan(
    ws: Workspace,
    manifest: Path,
    items: Sequence[Item],
    out_dir: Path,
    *,
    issue: bool = False,
    today: dt.date | None = None,
) -> Plan:
    """Validate every item; nothing is written (a dry run stops here)."""
    from .generate import is_numbered, issued_here, profile_defaults
    from .kinds import get_kind
    from .register import Register

    manifest_key = str(Path(manifest).absolute())
    today = today or dt.date.today()
    defaults = profile_defaults(ws)
    register = Register.for_workspace(ws)
    ready: list[Planned] = []
    invalid: list[ItemResult] = []
    claimed: dict[tuple[str, int, int], str] = {}
    with _read_catalog(ws) as conn:
        for item in items:
            out = out_dir / item.output
            try:
                kind = get_kind(item.kind)
                data = item.data if item.input is None else read_data(item.input)
                base_dir = item.base_dir if item.input is None else item.input.parent
                doc = load_data(_merge(item.defaults, data), kind.model, source=item.source, base_dir=base_dir,
                                defaults=defaults)
                content = _content_hash(doc)
                # Another agency's document keeps the number it was given: not ours to register.
                numbered = is_numbered(kind, ws) and issued_here(doc, ws)
                # The validated model holds the data now: drop the raw copy (memory stays ~flat per item).
                p = Planned(replace(item, data=None, defaults={}), kind, doc, content, out, doc.number, numbered)
                if numbered:
                    p = _numbering(p, _recorded(conn, manifest_key, item.name), register, issue, today)
                    if p.number is not None and not p.recorded:
                        key = (register.series_for(kind.type_symbol), _year(p.doc, today), p.number)
                        if key in claimed:
                            raise InputError(f"number {p.number:02d} of {key[1]} is also given to '{claimed[key]}'",
                                             source=item.source, field="number")
                        claimed[key] = item.name
            except PaperworkError as e:
                invalid.append(ItemResult(item.name, item.kind, out, "failed", error=str(e)))
                continue
            ready.append(p)
    return Plan(Path(manifest), out_dir, tuple(ready), tuple(invalid), {i.name: i.index for i in items})


def _year(doc: Any, today: dt.date) -> int:
    return doc.date.year if doc.date else today.year


def _numbering(p: Planned, recorded: list[sqlite3.Row], register: Any, issue: bool, today: dt.date) -> Planned:
    from .vietnamese import number_symbol

    same = [r for r in recorded if r["content_sha256"] == p.content]
    if same:
        row = same[0]
        doc = p.doc.model_copy(update={"date": dt.date.fromisoformat(row["date"])})
        return replace(p, doc=doc, number=row["number"], recorded=True)
    note = None
    if recorded:
        old = number_symbol(recorded[0]["number"], recorded[0]["symbol"])
        note = f"changed since it was issued as {old}" + (
            ": a new number is issued; withdraw the old one with `paperwork register void`" if issue else ""
        )
    if issue:
        doc = p.doc.model_copy(update={"date": p.doc.date or today})
        if doc.number is not None:
            register.check_free(p.kind.type_symbol, doc.date.year, doc.number)
        return replace(p, doc=doc, issue=True, note=note)
    if p.doc.number is not None:
        register.check_free(p.kind.type_symbol, _year(p.doc, today), p.doc.number)
    return replace(p, note=note)


# --------------------------------------------------------------------------- render


@dataclass(frozen=True)
class _Rendered:
    index: int
    worker: int
    staged: str | None
    sha256: str | None
    error: str | None


_WORKSPACE: Workspace | None = None


def _init_worker(ws: Workspace) -> None:
    global _WORKSPACE
    _WORKSPACE = ws


def _render(ws: Workspace, task: tuple) -> _Rendered:
    from .generate import render_document
    from .kinds import KINDS
    from .render import stage_file

    index, kind_name, doc, number, out = task
    try:
        data = render_document(KINDS[kind_name], doc, ws, number=number)
        staged = stage_file(Path(out), data)
    except PaperworkError as e:
        return _Rendered(index, os.getpid(), None, None, str(e))
    return _Rendered(index, os.getpid(), str(staged), hashlib.sha256(data).hexdigest(), None)


def _render_in_worker(task: tuple) -> _Rendered:
    assert _WORKSPACE is not None
    return _render(_WORKSPACE, task)


class Renderer:
    """Renders tasks in this process (``jobs == 1``) or on a pool of ``jobs`` processes."""

    def __init__(self, ws: Workspace, jobs: int):
        self.ws = ws
        self.jobs = jobs
        self._pool = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.close() if exc[0] is None else self._pool.terminate()
            self._pool.join()

    def run(self, tasks: Sequence[tuple]) -> Iterator[_Rendered]:
        if self.jobs <= 1 or len(tasks) <= 1:
            for task in tasks:
                yield _render(self.ws, task)
            return
        if self._pool is None:
            import multiprocessing

            # forkserver: workers start clean instead of inheriting (and, page by page, copying)
            # the main process's list of validated documents.
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("forkserver" if "forkserver" in methods else None)
            self._pool = context.Pool(self.jobs, _init_worker, (self.ws,))
        chunk = max(1, min(8, len(tasks) // (self.jobs * 8)))
        yield from self._pool.imap_unordered(_render_in_worker, tasks, chunksize=chunk)


def _tasks(items: Iterable[Planned], numbers: Mapping[int, int | None]) -> list[tuple]:
    return [(p.item.index, p.kind.name, p.doc, numbers[p.item.index], str(p.out)) for p in items]


def _assign(block: Any, todo: Sequence[Planned], explicit: set[tuple[str, int, int]]) -> dict[int, int]:
    """Next free numbers in manifest order, per series and year, skipping explicit ones."""
    nexts: dict[tuple[str, int], int] = {}
    out = {}
    for p in todo:
        series, year = block.series_for(p.kind.type_symbol), p.doc.date.year
        n = nexts.get((series, year)) or block.next_number(p.kind.type_symbol, year)
        while (series, year, n) in explicit:
            n += 1
        out[p.item.index] = n
        nexts[(series, year)] = n + 1
    return out


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def execute(
    ws: Workspace,
    the_plan: Plan,
    *,
    jobs: int | None = None,
    archive: bool = True,
    progress: Progress | None = None,
    renderer: Renderer | None = None,
) -> BatchReport:
    """Render, number, write and archive the valid items of the plan.

    ``renderer`` lets several plans share one pool of worker processes.
    """
    from .generate import archive_meta, signer_name
    from .kinds.common import symbol
    from .register import Register
    from .render import discard
    from .vietnamese import number_symbol

    jobs = jobs or len(os.sched_getaffinity(0)) or 1
    ready = list(the_plan.ready)
    numbers: dict[int, int | None] = {p.item.index: p.number for p in ready}
    results: dict[int, _Rendered] = {}
    workers: set[int] = set()

    def render(items: Sequence[Planned]) -> None:
        for r in renderer.run(_tasks(items, numbers)):
            results[r.index] = r
            workers.add(r.worker)
            if progress is not None:
                progress(1)

    issuing = [p for p in ready if p.issue]
    if issuing:
        with _write_catalog(ws) as conn:
            db.ensure_schema(conn, SCHEMA)
    try:
        with ExitStack() as stack:
            if renderer is None:
                renderer = stack.enter_context(Renderer(ws, jobs))
            block = stack.enter_context(Register.for_workspace(ws).block()) if issuing else None
            fresh = [p for p in issuing if p.doc.number is None]
            if block is not None:
                explicit = {(block.series_for(p.kind.type_symbol), p.doc.date.year, p.doc.number)
                            for p in issuing if p.doc.number is not None}
                numbers.update(_assign(block, fresh, explicit))
            render(ready)
            while block is not None:  # renumber after failures so that the register has no gap
                ok = [p for p in fresh if results[p.item.index].error is None]
                explicit = {(block.series_for(p.kind.type_symbol), p.doc.date.year, p.doc.number)
                            for p in issuing if p.doc.number is not None and results[p.item.index].error is None}
                wanted = _assign(block, ok, explicit)
                redo = [p for p in ok if wanted[p.item.index] != numbers[p.item.index]]
                if not redo:
                    break
                for p in redo:
                    discard(Path(results.pop(p.item.index).staged))
                    numbers[p.item.index] = wanted[p.item.index]
                render(redo)
            for p in issuing:
                r = results[p.item.index]
                if r.error is not None:
                    continue
                doc, kind, number = p.doc, p.kind, numbers[p.item.index]
                held = block.reservation(kind.type_symbol, doc.date.year, number)
                held.record(symbol=symbol(doc.agency, kind.type_symbol), date=doc.date, kind=kind.name,
                            type_name=kind.type_name, title=kind.title_of(doc), signer=signer_name(doc),
                            recipients=list(doc.recipients), output=str(p.out.resolve()), sha256=r.sha256)
                block.connection.execute(
                    f"INSERT OR REPLACE INTO {TABLE} (manifest, item, content_sha256, year, series, number,"
                    " date, output, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (str(the_plan.manifest.absolute()), p.item.name, p.content, held.year, held.series,
                     number, doc.date.isoformat(), str(p.out.resolve()), _now()),
                )
    except BaseException:
        discard(*(Path(r.staged) for r in results.values() if r.staged))
        raise

    # Committed: put the files in place.
    done: dict[int, ItemResult] = {}
    to_archive = []
    for p in ready:
        r = results[p.item.index]
        number = numbers[p.item.index]
        shown = number_symbol(number, symbol(p.doc.agency, p.kind.type_symbol)) if number is not None else None
        if r.error is not None:
            done[p.item.index] = ItemResult(p.item.name, p.kind.name, p.out, "failed", error=r.error, worker=r.worker)
            continue
        os.replace(r.staged, p.out)
        done[p.item.index] = ItemResult(p.item.name, p.kind.name, p.out, "written", number=shown,
                                        number_value=number, date=p.doc.date, title=p.kind.title_of(p.doc),
                                        issued=p.issue, recorded=p.recorded, note=p.note, worker=r.worker)
        doc = p.doc.model_copy(update={"number": number}) if number is not None else p.doc
        to_archive.append((p.out, archive_meta(p.kind, doc, ws, number if p.numbered else None)))

    archived, archive_error = 0, None
    if archive and to_archive:
        from .archive.service import add_documents

        try:
            report = add_documents(ws, to_archive, source="generated")
        except PaperworkError as e:
            archive_error = str(e)
        else:
            archived = len(report.added)
            problems = [f"{f.path.name}: {f.reason}" for f in report.failed]
            if report.index_error:
                problems.append(report.index_error)
            archive_error = "; ".join(problems) or None
    return BatchReport(_in_order(the_plan, done), workers=frozenset(workers), archived=archived,
                       archive_error=archive_error)


def _in_order(the_plan: Plan, done: Mapping[int, ItemResult]) -> tuple[ItemResult, ...]:
    results = [*done.values(), *the_plan.invalid]
    return tuple(sorted(results, key=lambda r: the_plan.order.get(r.name, -1)))


def dry_run_report(the_plan: Plan) -> BatchReport:
    from .kinds.common import symbol
    from .vietnamese import number_symbol

    planned = [
        ItemResult(p.item.name, p.kind.name, p.out, "planned",
                   number=number_symbol(p.number, symbol(p.doc.agency, p.kind.type_symbol))
                   if p.number is not None else None,
                   number_value=p.number, date=p.doc.date, title=p.kind.title_of(p.doc),
                   issued=p.issue, recorded=p.recorded, note=p.note)
        for p in the_plan.ready
    ]
    results = [*planned, *the_plan.invalid]
    return BatchReport(tuple(sorted(results, key=lambda r: the_plan.order.get(r.name, -1))), dry_run=True)


@contextmanager
def _write_catalog(ws: Workspace) -> Iterator[sqlite3.Connection]:
    conn = db.connect(ws.catalog_path)
    try:
        yield conn
    finally:
        conn.close()
