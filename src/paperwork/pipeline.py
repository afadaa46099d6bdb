"""The one pipeline every document goes through: ``render`` is a batch of one.

``render``, ``batch`` and ``conference build`` (and later the web page's Issue
button) describe their documents as ``Item``s and call ``plan`` then ``run``:

    validate  plan(ws, items, out_dir, issue=…) -> Plan      every item read and checked
              (inputs, numbers, targets); nothing is written, no number taken
    render    into staged files beside their targets, with the numbers the
              register would give now (read without a lock), on worker processes
    number    one short register transaction: the numbers are checked still next
              and recorded with the staged files' hashes, as not yet placed; if
              another clerk took one meanwhile, the documents concerned are rendered
              again with the next numbers (never a lock held while rendering)
    place     the staged files renamed into place, then the rows confirmed; a file
              that cannot be placed has its number withdrawn with the reason
    convert   PDFs through LibreOffice, from the placed .docx
    archive   the written files into the workspace archive

Large batches go through in chunks (``CHUNK``), so the register is never held
for more than one chunk's records and another clerk's number costs at most one
chunk rendered again. Results are structured (``ItemResult``); only the CLI
formats them. A process killed anywhere leaves what ``Register.recover`` (run
first thing by every issuing run) and the staged-file clean-up finish.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import files
from .config import Workspace, default_jobs
from .db import INIT_HINT
from .errors import InputError, NumberInUseError, PaperworkError, RegisterError
from .i18n import _

__all__ = ["BatchReport", "Item", "ItemResult", "Plan", "Planned", "Renderer", "default_jobs", "plan", "run"]

CHUNK = 256  # documents recorded per register transaction
MAX_ATTEMPTS = 20  # renders again after other clerks took the numbers meanwhile

Progress = Callable[[int], None]
Signer = Callable[[Path], Any]  # signs a written PDF in place; returns a signing.SignResult


# --------------------------------------------------------------------------- items and results


@dataclass(frozen=True)
class Item:
    """One document to make, before validation."""

    index: int
    name: str
    kind: str
    output: str  # relative to the output folder
    source: str  # names the data in error messages
    base_dir: Path  # spreadsheet list fields are relative to it
    data: Mapping[str, Any] | None = None  # None: read ``input``
    input: Path | None = None
    defaults: Mapping[str, Any] = field(default_factory=dict)  # under the data
    ref: Any = None  # the caller's own key (the conference: which decision a certificate cites)


@dataclass(frozen=True)
class Planned:
    """An item that validated: what it will be written as."""

    item: Item
    kind: Any  # kinds.Kind
    doc: Any  # the validated model, dated when it carries a number
    content: str  # SHA-256 of the validated input
    out: Path
    number: int | None  # explicit, recorded by an earlier run, or None (new or draft)
    numbered: bool  # the register numbers it (a numbered kind, this agency's)
    recorded: bool = False  # ``number`` comes from an earlier run of the manifest
    issue: bool = False  # a number is issued now (explicit or next free)
    replaces: str | None = None  # the issued document at ``out`` that --replace replaces
    note: str | None = None
    warnings: tuple[str, ...] = ()  # "bases[1]: Luật … takes effect on …" (law.py)


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
    failure: PaperworkError | None = None  # why it was not written (status "failed")
    note: str | None = None
    worker: int | None = None  # pid of the process that rendered it
    pdf: Path | None = None
    pdf_fonts: tuple[str, ...] = ()  # the fonts the PDF embeds
    signature: Any = None  # signing.SignResult: the PDF signed after its number and date were in it (--sign)
    archive_id: int | None = None
    pdf_archive_id: int | None = None  # the signed PDF, archived beside the .docx (--sign)
    problem: str | None = None  # written, but a later stage failed (the PDF)
    ref: Any = None
    source: str | None = None  # the input it came from, for warnings
    warnings: tuple[str, ...] = ()  # legal bases not in force on the document's date
    filed_into: str | None = None  # the dossier it was filed into (render --dossier)

    @property
    def error(self) -> str | None:
        return str(self.failure) if self.failure is not None else None


@dataclass(frozen=True)
class Plan:
    out_dir: Path
    ready: tuple[Planned, ...]
    invalid: tuple[ItemResult, ...]
    manifest: Path | None = None  # remembered per item when issuing, so a re-run issues nothing
    order: Mapping[str, int] = field(default_factory=dict)  # item name -> position

    @property
    def total(self) -> int:
        return len(self.ready) + len(self.invalid)


@dataclass(frozen=True)
class BatchReport:
    items: tuple[ItemResult, ...]  # in the items' order
    dry_run: bool = False
    workers: frozenset[int] = frozenset()
    archived: int = 0
    archive_error: str | None = None
    archive_note: str | None = None  # why nothing was archived, when that is no failure
    recovered: tuple[str, ...] = ()  # what an interrupted earlier run left, now settled

    @property
    def failed(self) -> tuple[ItemResult, ...]:
        return tuple(r for r in self.items if r.status == "failed")

    @property
    def written(self) -> tuple[ItemResult, ...]:
        return tuple(r for r in self.items if r.status == "written")

    @property
    def ok(self) -> bool:
        return not self.failed and self.archive_error is None and not any(r.problem for r in self.items)


# --------------------------------------------------------------------------- validate


def _content_hash(doc: Any) -> str:
    text = json.dumps(doc.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` wins; mappings present in both are merged key by key."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def plan(
    ws: Workspace,
    items: Sequence[Item],
    out_dir: Path,
    *,
    issue: bool = False,
    manifest: Path | None = None,
    replace_issued: bool = False,
    pdf: bool = False,
    confine: bool = True,
    strict: bool = False,
    today: dt.date | None = None,
) -> Plan:
    """Validate every item; nothing is written (a dry run stops here).

    ``confine``: outputs must stay inside ``out_dir`` after symlinks (a manifest's
    names); ``render -o`` names its file itself. A căn cứ not in force on the
    document's date is a warning, or with ``strict`` (or ``[law] strict``) an error.
    """
    from .generate import is_numbered, issued_here, profile_defaults
    from .inputs import load_data, read_data
    from .kinds import get_kind
    from .law import is_strict, warnings_for
    from .register import Register

    strict = strict or is_strict(ws.law, source=str(ws.profile_path))

    if pdf and items:
        from .pdf import find_soffice

        find_soffice()  # LibreOffice missing: say so before anything is written or numbered
    today = today or dt.date.today()
    manifest_key = str(Path(manifest).absolute()) if manifest is not None else None
    defaults = profile_defaults(ws)
    register = Register.for_workspace(ws)
    has_register = ws.catalog_path.is_file()
    ready: list[Planned] = []
    invalid: list[ItemResult] = []
    claimed: dict[tuple[str, int, int], str] = {}
    for item in items:
        out = out_dir / item.output
        try:
            kind = get_kind(item.kind)
            data = item.data if item.input is None else read_data(item.input)
            base_dir = item.base_dir if item.input is None else item.input.parent
            doc = load_data(_merge(item.defaults, data), kind.model, source=item.source, base_dir=base_dir,
                            defaults=defaults)
            if confine and not _inside(out, out_dir):
                raise InputError(_("{output} leads outside the output folder {out_dir}: refused").format(
                    output=item.output, out_dir=out_dir
                ),
                                 source=item.source, field="output")
            files.check_target(out)
            if pdf:
                files.check_target(out.with_suffix(".pdf"))
            ours = issued_here(doc, ws)
            numbered = is_numbered(kind, ws) and ours
            if issue and is_numbered(kind, ws) and not ours and doc.number is None:
                raise InputError(
                    _("{code} is not this workspace's agency ({code2}): its register numbers only "
                      "{code2}'s documents; give `number` in the input, or leave out --issue").format(
                        code=doc.agency.code, code2=ws.agency.code
                    ),
                    source=item.source, field="agency.code")
            legal = tuple(w.message for w in warnings_for(doc, ws.law, today=today))
            if legal and strict:
                raise InputError(legal[0] + " ([law] strict or --strict: refused)", source=item.source)
            # The validated model holds the data now: drop the raw copy (memory stays ~flat per item).
            p = Planned(replace(item, data=None, defaults={}), kind, doc, _content_hash(doc), out, doc.number,
                        numbered, warnings=legal)
            if numbered and has_register:
                recorded = register.recorded(manifest_key, item.name) if manifest_key else []
                p = _numbering(p, recorded, register, issue, today)
                if p.number is not None and not p.recorded:
                    key = (register.series_for(kind.type_symbol), _year(p.doc, today), p.number)
                    if key in claimed:
                        raise InputError(_("number {number:02d} of {key} is also given to '{claimed}'").format(
                            number=p.number, key=key[1], claimed=claimed[key]
                        ),
                                         source=item.source, field="number")
                    claimed[key] = item.name
            elif numbered and issue:
                p = replace(p, doc=doc.model_copy(update={"date": doc.date or today}), issue=True)
            if has_register and out.exists():
                p = _guard_issued(p, register.issued_at(out), replace_issued)
        except InputError as e:  # this item's; a failing catalog or register stops the whole run
            invalid.append(ItemResult(item.name, item.kind, out, "failed", failure=e, ref=item.ref))
            continue
        ready.append(p)
    return Plan(out_dir, tuple(ready), tuple(invalid), manifest, {i.name: i.index for i in items})


def _year(doc: Any, today: dt.date) -> int:
    return doc.date.year if doc.date else today.year


def _numbering(p: Planned, recorded: list, register: Any, issue: bool, today: dt.date) -> Planned:
    from .vietnamese import number_symbol

    same = [r for r in recorded if r["content_sha256"] == p.content]
    if same:
        row = same[0]
        doc = p.doc.model_copy(update={"date": dt.date.fromisoformat(row["date"])})
        return replace(p, doc=doc, number=row["number"], recorded=True)
    note = None
    if recorded:
        old = number_symbol(recorded[0]["number"], recorded[0]["symbol"])
        note = (_("changed since it was issued as {old}: a new number is issued; withdraw the old one with "
                  "`paperwork register void`") if issue else _("changed since it was issued as {old}")).format(old=old)
    if issue:
        doc = p.doc.model_copy(update={"date": p.doc.date or today})
        if doc.number is not None:
            register.check_free(p.kind.type_symbol, doc.date.year, doc.number)
        return replace(p, doc=doc, issue=True, note=note)
    if p.doc.number is not None:
        register.check_free(p.kind.type_symbol, _year(p.doc, today), p.doc.number)
    return replace(p, note=note)


def _guard_issued(p: Planned, entry: Any, replace_issued: bool) -> Planned:
    """An issued document is never overwritten, but by itself (a re-run) or with --replace."""
    if entry is None:
        return p
    if p.recorded and p.number == entry.number and p.doc.date and p.doc.date.year == entry.year:
        return p
    if not replace_issued:
        raise InputError(
            _("it is the issued document {number_symbol}: write to another file, or give --replace to "
              "replace it (its register entry will say so)").format(number_symbol=entry.number_symbol), source=str(p.out), field="output")
    return replace(p, replaces=entry.number_symbol)


# --------------------------------------------------------------------------- render


@dataclass(frozen=True)
class _Rendered:
    index: int
    worker: int
    staged: str | None
    sha256: str | None
    failure: PaperworkError | None
    # The document's text and pages, read by the render worker off the bytes it has in hand, for
    # the archive stage (None: not read; the archive reads the file). Kept aside in the main
    # process (``_TEXTS``) as soon as it arrives, not in the run's list of renders.
    text: str | None = None
    pages: int | None = None
    out: str | None = None  # the output the text is of

    def __reduce__(self) -> tuple:
        """Pickled back from a worker: unpickled through ``_arrived``, which keeps the text aside."""
        return _arrived, (self.index, self.worker, self.staged, self.sha256, self.failure, self.text, self.pages,
                          self.out)


# The texts of the documents rendered lately, by output path: (text, pages, SHA-256 of the bytes
# rendered). ``_archive`` takes them; the store checks the placed file against the SHA-256, so a
# file changed since its render is never archived with the text of another. Oldest first, at
# most TEXTS_KEPT (a run without archiving, a failed render, a render redone, leave theirs).
_TEXTS: dict[str, tuple[str, int | None, str]] = {}
TEXTS_KEPT = 4 * CHUNK


def _keep_text(out: str, text: str, pages: int | None, sha256: str) -> None:
    _TEXTS.pop(out, None)
    _TEXTS[out] = (text, pages, sha256)
    while len(_TEXTS) > TEXTS_KEPT:
        del _TEXTS[next(iter(_TEXTS))]


def _arrived(index: int, worker: int, staged: str | None, sha256: str | None, failure: PaperworkError | None,
             text: str | None, pages: int | None, out: str | None) -> _Rendered:
    if text is not None and out is not None and sha256 is not None:
        _keep_text(out, text, pages, sha256)
    return _Rendered(index, worker, staged, sha256, failure)


_WORKSPACE: Workspace | None = None


def _init_worker(ws: Workspace) -> None:
    global _WORKSPACE
    _WORKSPACE = ws


def _text_of(ws: Workspace, out: str, data: bytes) -> Any:
    """The text the archive will keep of a rendered document, read off its bytes (~1 ms a page);
    None when there is no archive to keep it (no catalog) or it cannot be read."""
    from .archive.extract import UnreadableDocumentError, extract_data

    if not ws.catalog_path.is_file():
        return None
    try:
        return extract_data(Path(out), data)
    except UnreadableDocumentError:
        return None


def _render(ws: Workspace, task: tuple) -> _Rendered:
    from .generate import render_document
    from .kinds import KINDS

    index, kind_name, doc, number, out, owner = task
    try:
        data = render_document(KINDS[kind_name], doc, ws, number=number)
        staged = files.stage(Path(out), data, owner=owner)
    except PaperworkError as e:
        return _Rendered(index, os.getpid(), None, None, e)
    sha256 = hashlib.sha256(data).hexdigest()
    found = _text_of(ws, out, data)
    if found is None:
        return _Rendered(index, os.getpid(), str(staged), sha256, None)
    if os.getpid() == owner:  # rendered in the main process: nothing to pickle
        _keep_text(str(out), found.text, found.pages, sha256)
        return _Rendered(index, os.getpid(), str(staged), sha256, None)
    return _Rendered(index, os.getpid(), str(staged), sha256, None, found.text, found.pages, str(out))


def _render_in_worker(task: tuple) -> _Rendered:
    assert _WORKSPACE is not None
    return _render(_WORKSPACE, task)


class Renderer:
    """Renders in this process (``jobs == 1``) or on a pool of ``jobs`` processes, started on first need."""

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


# --------------------------------------------------------------------------- run


class _Moved(Exception):
    """Another clerk took a number between the planning read and the register transaction."""


def _assign(counter: Any, todo: Sequence[Planned], explicit: set[tuple[str, int, int]]) -> dict[int, int]:
    """Next free numbers in order, per series and year, skipping explicit ones.

    ``counter`` is a ``Snapshot`` (read without a lock) or a ``Block`` (under it):
    the same question, so that the two answers can be compared.
    """
    nexts: dict[tuple[str, int], int] = {}
    out = {}
    for p in todo:
        series, year = counter.series_for(p.kind.type_symbol), p.doc.date.year
        n = nexts.get((series, year)) or counter.next_number(p.kind.type_symbol, year)
        while (series, year, n) in explicit:
            n += 1
        out[p.item.index] = n
        nexts[(series, year)] = n + 1
    return out


def _archive_allowed(ws: Workspace, issuing: bool, archive: bool) -> tuple[bool, str | None]:
    """Refuse to number or archive without the workspace's catalog; never start a fresh one silently."""
    if not (issuing or archive) or ws.catalog_path.is_file():
        return archive, None
    if ws.profile_path is None and not issuing:
        return False, _("not archived: no workspace here ({root}); {INIT_HINT}").format(
            root=ws.root, INIT_HINT=_(INIT_HINT)
        )
    from .db import require

    require(ws.catalog_path, initialised=ws.profile_path is not None, root=ws.root)
    return archive, None


class _Run:
    """The state of one ``run``: numbers given, renders done, results so far."""

    def __init__(self, ws: Workspace, the_plan: Plan, renderer: Renderer, progress: Progress | None):
        from .register import Register

        self.ws = ws
        self.plan = the_plan
        self.register = Register.for_workspace(ws)
        self.renderer = renderer
        self.progress = progress
        self.numbers: dict[int, int | None] = {p.item.index: p.number for p in the_plan.ready}
        self.rendered: dict[int, _Rendered] = {}
        self.workers: set[int] = set()
        self.owner = os.getpid()

    def render(self, items: Sequence[Planned]) -> None:
        tasks = [(p.item.index, p.kind.name, p.doc, self.numbers[p.item.index], str(p.out), self.owner)
                 for p in items]
        for r in self.renderer.run(tasks):
            old = self.rendered.get(r.index)
            if old is not None and old.staged:
                files.discard(old.staged)
            self.rendered[r.index] = r
            self.workers.add(r.worker)

    def ok(self, p: Planned) -> bool:
        r = self.rendered.get(p.item.index)
        return r is not None and r.failure is None

    def number_chunk(self, chunk: Sequence[Planned]) -> dict[int, Any]:
        """Render the chunk with the numbers the register would give, then record them in one short
        transaction; render again what another clerk's numbers moved. Returns index -> Entry."""
        issuing = [p for p in chunk if p.issue]
        fresh = [p for p in issuing if p.doc.number is None]
        counter: Any = self.register.snapshot()
        if fresh:
            given = {(counter.series_for(p.kind.type_symbol), p.doc.date.year, p.doc.number)
                     for p in issuing if p.doc.number is not None}
            self.numbers.update(_assign(counter, fresh, given))
        self.render(chunk)
        for _attempt in range(MAX_ATTEMPTS):
            explicit = {(counter.series_for(p.kind.type_symbol), p.doc.date.year, p.doc.number)
                        for p in issuing if p.doc.number is not None and self.ok(p)}
            while True:  # renumber after failed renders, so that the register has no gap
                wanted = _assign(counter, [p for p in fresh if self.ok(p)], explicit)
                redo = [p for p in fresh if self.ok(p) and wanted[p.item.index] != self.numbers[p.item.index]]
                if not redo:
                    break
                self.numbers.update({p.item.index: wanted[p.item.index] for p in redo})
                self.render(redo)
            if not issuing:
                return {}
            try:
                return self._record(issuing, wanted, explicit)
            except _Moved:
                counter = self.register.snapshot()
        raise RegisterError(_("the register is busy (other clerks keep issuing numbers): try again"))

    def _record(self, issuing: Sequence[Planned], wanted: Mapping[int, int],
                explicit: set[tuple[str, int, int]]) -> dict[int, Any]:
        from .generate import signer_name
        from .kinds.common import symbol
        from .records import audit

        entries: dict[int, Any] = {}
        manifest = str(self.plan.manifest.absolute()) if self.plan.manifest is not None else None
        with self.register.block() as block:
            if _assign(block, [p for p in issuing if self.ok(p) and p.doc.number is None], explicit) != wanted:
                raise _Moved
            for p in issuing:
                if not self.ok(p):
                    continue
                doc, kind, number = p.doc, p.kind, self.numbers[p.item.index]
                r = self.rendered[p.item.index]
                try:
                    held = block.reservation(kind.type_symbol, doc.date.year, number)
                except NumberInUseError as e:  # an explicit number someone took after planning
                    files.discard(r.staged)
                    self.rendered[p.item.index] = replace(r, staged=None, failure=e)
                    continue
                out = str(p.out.absolute())
                if p.replaces:
                    shown = symbol(doc.agency, kind.type_symbol)
                    block.note_replaced(out, f"{number:02d}/{shown}")
                entries[p.item.index] = held.record(
                    symbol=symbol(doc.agency, kind.type_symbol), date=doc.date, kind=kind.name,
                    type_name=kind.type_name, title=kind.title_of(doc), signer=signer_name(doc),
                    recipients=list(doc.recipients), output=out, sha256=r.sha256,
                    pending=[(Path(r.staged), p.out.absolute())])
                e = entries[p.item.index]
                audit.record(block.connection, "issue", "outgoing", audit.outgoing_object_id(e.year, e.series, e.number),
                             {"number": e.number_symbol, "date": e.date, "kind": e.kind, "title": e.title,
                              "output": e.output, "sha256": e.sha256, "replaces": out if p.replaces else None,
                              "manifest": manifest, "item": p.item.name if manifest is not None else None})
                if manifest is not None:
                    block.remember(manifest, p.item.name, p.content, e)
        return entries

    def place(self, chunk: Sequence[Planned], entries: Mapping[int, Any]) -> dict[int, ItemResult]:
        """Rename the staged files into place; settle the register rows (placed, or withdrawn)."""
        from .kinds.common import symbol
        from .vietnamese import number_symbol

        done: dict[int, ItemResult] = {}
        placed, unplaced = [], []
        for p in chunk:
            r = self.rendered[p.item.index]
            number = self.numbers[p.item.index]
            if r.failure is not None:
                done[p.item.index] = ItemResult(p.item.name, p.kind.name, p.out, "failed", failure=r.failure,
                                                worker=r.worker, ref=p.item.ref)
                continue
            entry = entries.get(p.item.index)
            try:
                files.place(Path(r.staged), p.out)
            except PaperworkError as e:
                if entry is not None:
                    unplaced.append((entry, str(e)))
                    e = PaperworkError(_("{error}; number {number_symbol} withdrawn (the register says why)").format(
                        error=e, number_symbol=entry.number_symbol
                    ))
                done[p.item.index] = ItemResult(p.item.name, p.kind.name, p.out, "failed", failure=e,
                                                worker=r.worker, ref=p.item.ref)
                continue
            if entry is not None:
                placed.append(entry)
            shown = number_symbol(number, symbol(p.doc.agency, p.kind.type_symbol)) if number is not None else None
            done[p.item.index] = ItemResult(
                p.item.name, p.kind.name, p.out, "written", number=shown, number_value=number, date=p.doc.date,
                title=p.kind.title_of(p.doc), issued=p.issue, recorded=p.recorded, note=p.note, worker=r.worker,
                ref=p.item.ref, source=p.item.source, warnings=p.warnings)
        self.register.settle(placed, unplaced)
        if self.progress is not None:
            self.progress(len(chunk))
        return done


def _convert(results: dict[int, ItemResult], *, strict_font: bool, sign: Signer | None = None) -> None:
    """PDFs of the written documents; ``sign``: each PDF signed in place once converted (render --sign)."""
    from .pdf import check_font, docx_to_pdf

    for index, r in results.items():
        if r.status != "written" or r.output is None:
            continue
        target = r.output.with_suffix(".pdf")
        try:
            pdf = docx_to_pdf(r.output, target)
            fonts = check_font(pdf, strict=strict_font)
        except PaperworkError as e:
            if strict_font:
                files.discard(target)
            results[index] = replace(r, problem=_("{output} was written, but not its PDF: {error}").format(output=r.output, error=e))
        else:
            results[index] = r = replace(r, pdf=pdf, pdf_fonts=tuple(fonts))
            if sign is not None:
                try:
                    results[index] = replace(r, signature=sign(pdf))
                except PaperworkError as e:  # the number is issued and the files are written: say what is missing
                    results[index] = replace(r, problem=_("{pdf} was written, but not signed: {error}").format(pdf=pdf, error=e))


def _archive(ws: Workspace, chunk: Sequence[Planned], results: dict[int, ItemResult]) -> tuple[int, str | None]:
    """The chunk's written documents into the archive (ingest.py: stored, catalogued and indexed as
    one group), each with the text its render worker read off its bytes."""
    from .archive.ingest import Incoming, ingest
    from .generate import archive_meta

    todo = []
    for p in chunk:
        r = results[p.item.index]
        if r.status != "written":
            continue
        number = r.number_value
        doc = p.doc.model_copy(update={"number": number}) if number is not None else p.doc
        meta = archive_meta(p.kind, doc, ws, number if p.numbered else None)
        known = _TEXTS.pop(str(p.out), None)
        pages = _pdf_pages(r.pdf)  # a .docx knows no page count of its own (its template claims none)
        todo.append(Incoming(p.out, meta, known[0], pages, known[2]) if known else Incoming(p.out, meta, pages=pages))
        if r.signature is not None and r.pdf is not None:  # the signed PDF is the electronic original: kept too
            todo.append(Incoming(r.pdf, meta, pages=pages))
    if not todo:
        return 0, None
    try:
        report = ingest(ws, todo, source="generated")
    except PaperworkError as e:
        return 0, str(e)
    ids = {a.source_path: a.record.id for a in report.added}
    for p in chunk:
        r = results[p.item.index]
        if p.out in ids:
            results[p.item.index] = r = replace(r, archive_id=ids[p.out])
        if r.pdf is not None and r.signature is not None and r.pdf in ids:
            results[p.item.index] = replace(r, pdf_archive_id=ids[r.pdf])
    problems = [f"{f.path.name}: {f.reason}" for f in report.failed]
    if report.index_error:
        problems.append(report.index_error)
    return len(report.added), "; ".join(problems) or None


def _pdf_pages(pdf: Path | None) -> int | None:
    """The page count of the PDF just made of a document (PageAmount, the mục lục's Tờ số), if any."""
    if pdf is None:
        return None
    try:
        from pypdf import PdfReader

        return len(PdfReader(pdf).pages)
    except Exception:  # noqa: BLE001 - a PDF pypdf cannot read: the count stays unknown
        return None


def _clean_leftovers(the_plan: Plan) -> None:
    """Remove staged files that a killed earlier run left beside these targets."""
    for folder in {p.out.parent for p in the_plan.ready}:
        files.discard_leftovers(folder)


def run(
    ws: Workspace,
    the_plan: Plan,
    *,
    jobs: int | None = None,
    pdf: bool = False,
    archive: bool = True,
    progress: Progress | None = None,
    renderer: Renderer | None = None,
    sign: Signer | None = None,
) -> BatchReport:
    """Render, number, place, convert and archive the valid items of the plan.

    ``renderer`` lets several plans share one pool of worker processes. ``sign`` (with ``pdf``)
    signs each PDF once its number and date are in it (``signing.pipeline_signer``).
    """
    ready = list(the_plan.ready)
    issuing = any(p.issue for p in ready)
    archive, archive_note = _archive_allowed(ws, issuing, archive)
    recovered: tuple[str, ...] = ()
    if issuing:
        recovered = tuple(f"{e.number_symbol}: " + ("put in place" if e.status == "issued" else e.void_reason or "")
                          for e in _recover(ws))
    _clean_leftovers(the_plan)
    results: dict[int, ItemResult] = {}
    archived, archive_errors = 0, []
    with ExitStack() as stack:
        if renderer is None:
            renderer = stack.enter_context(Renderer(ws, jobs or default_jobs()))
        state = _Run(ws, the_plan, renderer, progress)
        try:
            for start in range(0, len(ready), CHUNK):
                chunk = ready[start:start + CHUNK]
                entries = state.number_chunk(chunk)
                done = state.place(chunk, entries)
                if pdf:
                    _convert(done, strict_font=ws.pdf_strict_font, sign=sign)
                if archive:
                    n, error = _archive(ws, chunk, done)
                    archived += n
                    if error:
                        archive_errors.append(error)
                results.update(done)
        except BaseException:
            files.discard(*(r.staged for i, r in state.rendered.items() if r.staged and i not in results))
            raise
    ordered = sorted([*results.values(), *the_plan.invalid], key=lambda r: the_plan.order.get(r.name, -1))
    return BatchReport(tuple(ordered), workers=frozenset(state.workers), archived=archived,
                       archive_error="; ".join(archive_errors) or None, archive_note=archive_note,
                       recovered=recovered)


def _recover(ws: Workspace) -> list[Any]:
    from .register import Register

    return Register.for_workspace(ws).recover()


def dry_run_report(the_plan: Plan) -> BatchReport:
    from .kinds.common import symbol
    from .vietnamese import number_symbol

    planned = [
        ItemResult(p.item.name, p.kind.name, p.out, "planned",
                   number=number_symbol(p.number, symbol(p.doc.agency, p.kind.type_symbol))
                   if p.number is not None else None,
                   number_value=p.number, date=p.doc.date, title=p.kind.title_of(p.doc),
                   issued=p.issue, recorded=p.recorded, note=p.note, ref=p.item.ref, source=p.item.source,
                   warnings=p.warnings)
        for p in the_plan.ready
    ]
    results = [*planned, *the_plan.invalid]
    return BatchReport(tuple(sorted(results, key=lambda r: the_plan.order.get(r.name, -1))), dry_run=True)


def single(
    ws: Workspace,
    kind: str,
    input_file: Path,
    out: Path,
    *,
    issue: bool = False,
    pdf: bool = False,
    archive: bool = True,
    replace_issued: bool = False,
    strict: bool = False,
    sign: Signer | None = None,
    dossier: str | None = None,
) -> tuple[ItemResult, BatchReport]:
    """``paperwork render``: the pipeline for one document; a failure is raised as it was found.

    ``dossier``: the hồ sơ code of the document's year that it is filed into once archived (checked
    before any number is given; ignored when the year has no Danh mục hồ sơ).
    """
    out = Path(out).absolute()
    the_plan = plan(ws, [single_item(kind, input_file, out)], out.parent, issue=issue, pdf=pdf, confine=False,
                    replace_issued=replace_issued, strict=strict)
    if the_plan.invalid:
        raise the_plan.invalid[0].failure
    target = None
    if dossier is not None:
        from .records.dossiers import filing_target

        if not archive:
            raise InputError(_("--dossier files the archived document: leave out --no-archive"), field="--dossier")
        from .records.audit import today

        target = filing_target(ws, (the_plan.ready[0].doc.date or today()).year, dossier)
    report = run(ws, the_plan, jobs=1, pdf=pdf, archive=archive, sign=sign)
    result = report.items[0]
    if result.failure is not None:
        raise result.failure
    if target is not None and result.archive_id is not None:
        from .records.dossiers import file_documents

        file_documents(ws, target.year, target.code, [result.archive_id])
        result = replace(result, filed_into=target.label)
        report = replace(report, items=(result, *report.items[1:]))
    return result, report


def single_item(kind: str, input_file: Path, out: Path) -> Item:
    """The one item of ``paperwork render`` (and ``paperwork check``)."""
    return Item(index=0, name=Path(out).stem, kind=kind, output=Path(out).name, source=str(input_file),
                base_dir=Path(input_file).parent, input=Path(input_file))
