"""Many documents from one manifest: the manifest read into the pipeline's items.

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

The documents are made by the pipeline (``pipeline.plan`` then ``pipeline.run``):
every item is validated before anything is written or numbered, and a
re-run of the same manifest issues nothing new (the register remembers which
item was issued as which number).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import InputError
from .i18n import _
from .inputs import SPREADSHEET_SUFFIXES, list_file, read_data, read_spreadsheet
from .pipeline import Item, _merge

__all__ = ["read_manifest"]

ITEM_KEYS = ("kind", "name", "input", "data", "spreadsheet", "output")
MANIFEST_KEYS = ("documents", "defaults", *ITEM_KEYS)


# --------------------------------------------------------------------------- manifest


def _mapping(value: Any, source: str, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(_("must be a mapping of fields (name: value)"), source=source, field=where)
    return value


class _RowFields(dict):
    def __missing__(self, key: str) -> Any:
        raise KeyError(key)


def _format_output(pattern: str, fields: Mapping[str, Any], source: str, where: str) -> str:
    try:
        return string.Formatter().vformat(pattern, (), _RowFields(fields))
    except KeyError as e:
        raise InputError(_("the output pattern names {{{args}}}, which the row does not have").format(
            args=e.args[0]
        ),
                         source=source, field=where) from None
    except (ValueError, IndexError) as e:
        raise InputError(_("bad output pattern: {error}").format(error=e), source=source, field=where) from None


def read_manifest(path: Path) -> list[Item]:
    """The manifest's documents, a spreadsheet expanded to one item per row.

    Problems with the manifest itself (unknown keys, a missing spreadsheet,
    two items writing the same file) are raised; problems with one item's
    data are found later, by ``plan``, and reported per item.
    """
    path = Path(path).absolute()
    src = str(path)
    raw = read_data(path)
    unknown = sorted(set(raw) - set(MANIFEST_KEYS))
    if unknown:
        raise InputError(_("unknown key '{unknown}' (a manifest has: {MANIFEST_KEYS})").format(
            unknown=unknown[0], MANIFEST_KEYS=', '.join(MANIFEST_KEYS)
        ), source=src)
    defaults = dict(_mapping(raw.get("defaults") or {}, src, "defaults"))
    if "documents" in raw:
        if any(k in raw for k in ITEM_KEYS):
            raise InputError(_("give either `documents:` or one `kind` with a `spreadsheet`, not both"), source=src)
        entries = raw["documents"]
        if not isinstance(entries, list) or not entries:
            raise InputError(_("must be a non-empty list of documents"), source=src, field="documents")
        located = [(entry, f"documents[{i}]") for i, entry in enumerate(entries)]
    elif "kind" in raw:
        if "spreadsheet" not in raw:
            raise InputError(_("a manifest without `documents:` names one `kind` and a `spreadsheet`"), source=src)
        located = [({k: raw[k] for k in ITEM_KEYS if k in raw}, "")]
    else:
        raise InputError(_("list the documents under `documents:` (see `paperwork batch --help`)"), source=src)

    items: list[Item] = []
    for entry, where in located:
        items.extend(_expand(path, entry, where, defaults, len(items)))
    seen: dict[str, Item] = {}
    for item in items:
        other = seen.get(item.output) or seen.get(item.name)
        if other is not None:
            raise InputError(_("'{name}' and '{name2}' would both write {output}").format(name=item.name, name2=other.name, output=item.output)
                             if other.output == item.output else _("two documents are named '{name}'").format(name=item.name),
                             source=src)
        seen[item.output] = seen[item.name] = item
    return items


def _expand(manifest: Path, entry: Any, where: str, defaults: dict, start: int) -> list[Item]:
    src = str(manifest)
    entry = _mapping(entry, src, where or None)
    at = f"{where}." if where else ""
    unknown = sorted(set(entry) - set(ITEM_KEYS))
    if unknown:
        raise InputError(_("unknown key (an item has: {ITEM_KEYS})").format(ITEM_KEYS=', '.join(ITEM_KEYS)), source=src, field=at + unknown[0])
    kind = entry.get("kind")
    if not isinstance(kind, str) or not kind.strip():
        raise InputError(_("field required (the document kind: see `paperwork kinds`)"), source=src, field=at + "kind")
    sources = [k for k in ("input", "data") if k in entry]
    if len(sources) > 1:
        raise InputError(_("give `input` or `data`, not both"), source=src, field=where or None)
    if not sources and "spreadsheet" not in entry:
        raise InputError(_("give `input: FILE`, `data: {…}` or `spreadsheet: FILE`"), source=src, field=where or None)
    output = entry.get("output")
    if output is not None and (not isinstance(output, str) or not output.strip()):
        raise InputError(_("must be a file name"), source=src, field=at + "output")
    name = entry.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise InputError(_("must be a name"), source=src, field=at + "name")
    base = dict(
        kind=kind.strip(), base_dir=manifest.parent, defaults=defaults,
    )
    input_path = data = None
    if "input" in entry:
        if not isinstance(entry["input"], str):
            raise InputError(_("must be a file name"), source=src, field=at + "input")
        input_path = list_file(manifest.parent, entry["input"], source=src, field=at + "input", what="the input file")
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
        raise InputError(_("must name a .xlsx or .csv file"), source=src, field=at + "spreadsheet")
    sheet = list_file(manifest.parent, sheet_name, source=src, field=at + "spreadsheet")
    rows = read_spreadsheet(sheet)
    if not rows:
        raise InputError(_("the spreadsheet has no rows under its header"), source=str(sheet))
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
        raise InputError(_("'{output}' must be a .docx file name inside the output folder").format(
            output=output
        ), source=source, field=where)
