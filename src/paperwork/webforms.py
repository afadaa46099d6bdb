"""A document kind's input as a web form: fields from the model's JSON schema, values both ways.

The web page's issue form (``web/issuing.py``) is generated here from ``Model.model_json_schema()``
and read back into the same input dict a clerk would write in YAML; validation is the pipeline's
(``check``: ``pipeline.plan`` on that dict), never a second validator. Nothing here imports Flask.

    fields = form_fields(kind)                  # the tree of FormFields (groups, rows, leaves)
    values, rows = form_values(fields, data)    # input dict -> {"awardees[0].name": "…"}, {"awardees": 17}
    data = form_data(fields, form)              # a submitted form (name -> value) -> the input dict
    planned = check(ws, kind, data, base_dir)   # InputError or the Planned item (its warnings)
    anchor(field_path, fields)                  # which form field an InputError's field names

Input names use the field paths of ``InputError.field`` (``awardees[3].name``, ``agency.code``), so
an error lands beside the field it names. A list of texts (căn cứ, Nơi nhận) is one text area, a
line an item; a list of objects (awardees, members) is a table of repeatable rows, or a spreadsheet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .i18n import N_

if TYPE_CHECKING:
    from .config import Workspace
    from .pipeline import Planned

__all__ = [
    "FormField",
    "anchor",
    "check",
    "next_number",
    "example_data",
    "form_data",
    "form_fields",
    "form_values",
    "input_names",
]

# Labels of the models' fields (English msgids, translated where shown); a field not listed here
# shows its schema title.
LABELS: dict[str, str] = {
    "date": N_("Date"),
    "number": N_("Number"),
    "place": N_("Place (địa danh)"),
    "agency": N_("Issuing agency"),
    "parent": N_("Parent agency"),
    "name": N_("Name"),
    "code": N_("Abbreviation (in the symbol)"),
    "signer": N_("Signer"),
    "authority": N_("Authority (KT., TM., TL. …)"),
    "title": N_("Title (position)"),
    "recipients": N_("Recipients (Nơi nhận)"),
    "filing": N_("Filed at (Lưu)"),
    "issuer_title": N_("Issuing authority"),
    "bases": N_("Legal bases (căn cứ)"),
    "proposal": N_("Proposal (Theo đề nghị của …)"),
    "award": N_("Award"),
    "achievement": N_("Achievement"),
    "fund": N_("Fund"),
    "executors": N_("Who carries it out"),
    "awardees": N_("Awardees"),
    "kind": N_("Individual or collective"),
    "position": N_("Position"),
    "unit": N_("Unit"),
    "amount": N_("Amount (đồng)"),
    "award_rule": N_("Award rule (for the money)"),
    "note": N_("Note"),
    "show_rule": N_("Show the money rule"),
    "year": N_("Year"),
    "cluster": N_("Cluster"),
    "members": N_("Members"),
    "theme": N_("Theme"),
    "goals": N_("Goals"),
    "commitments": N_("Commitments"),
    "items": N_("Items"),
    "organisation": N_("Organisation"),
    "head": N_("Head of the cluster"),
    "deputy": N_("Deputy head"),
    "report_to": N_("Reports to"),
    "meeting": N_("Meeting"),
    "subtitle": N_("Subtitle"),
    "start": N_("Start"),
    "end": N_("End"),
    "chair": N_("Chair"),
    "secretary": N_("Secretary"),
    "attendees": N_("Attendees"),
    "guest": N_("Guest"),
    "present": N_("Present"),
    "agenda": N_("Agenda"),
    "item": N_("Item"),
    "presenter": N_("Presenter"),
    "discussion": N_("Discussion"),
    "speaker": N_("Speaker"),
    "content": N_("Content"),
    "elections": N_("Elections"),
    "candidate": N_("Candidate"),
    "votes": N_("Votes"),
    "total": N_("Total"),
    "conclusions": N_("Conclusions"),
    "approval": N_("Approval"),
    "agreed": N_("Agreed"),
    "inviter": N_("Inviter"),
    "invitee": N_("Invitee"),
    "event": N_("Event"),
    "venue": N_("Venue"),
    "notes": N_("Notes"),
    "decision": N_("Decision cited"),
    "symbol": N_("Symbol"),
}
# A document's own field where the same name means something else in a nested part.
TOP_LABELS: dict[str, str] = {"title": N_("Summary (trích yếu)")}
# The choices of a select (``Literal`` fields), as the page shows them.
OPTIONS: dict[str, str] = {"individual": N_("individual"), "collective": N_("collective")}
HELP: dict[str, str] = {
    "date": N_("Empty: the day it is issued."),
    "bases": N_("One per line."),
    "recipients": N_("One per line; paperwork adds the dashes, the semicolons and the Lưu line."),
    "goals": N_("One per line."),
    "items": N_("One per line."),
    "organisation": N_("One per line."),
    "conclusions": N_("One per line."),
    "notes": N_("One per line."),
    "amount": N_("Empty: coefficient × base salary on the decision's date."),
}
# Text fields that are usually long: a text area instead of a line.
LONG = frozenset({"achievement", "executors", "proposal", "event", "content", "theme", "venue"})
SKIPPED = frozenset({"number"})  # the document's number: the register gives it, never typed on the page
_INDEX = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class FormField:
    """One field of the form.

    ``widget``: ``text``, ``textarea``, ``lines`` (a list of texts, one a line), ``date``,
    ``datetime``, ``time``, ``integer``, ``select`` (``options``), ``bool``, ``group`` (a nested
    object: ``children``) or ``rows`` (a list of objects: ``children`` are a row's fields).
    """

    key: str
    label: str
    widget: str
    required: bool = False
    options: tuple[str, ...] = ()
    children: tuple[FormField, ...] = ()
    help: str | None = None
    default: Any = None

    def path(self, prefix: str = "") -> str:
        return f"{prefix}.{self.key}" if prefix else self.key


# --------------------------------------------------------------------------- schema -> fields


def _resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if ref:
        return defs[ref.rsplit("/", 1)[-1]]
    return node


def _variant(node: Mapping[str, Any], defs: Mapping[str, Any]) -> tuple[Mapping[str, Any], bool]:
    """The variant a form shows of a property (an object before text; ``null`` makes it optional)."""
    variants = node.get("anyOf")
    if not variants:
        return _resolve(node, defs), False
    nullable = any(v.get("type") == "null" for v in variants)
    real = [_resolve(v, defs) for v in variants if v.get("type") != "null"]
    objects = [v for v in real if v.get("type") == "object"]
    return (objects or real)[0], nullable


def _field(key: str, node: Mapping[str, Any], required: bool, defs: Mapping[str, Any], top: bool = False) -> FormField:
    shown, nullable = _variant(node, defs)
    required = required and not nullable
    label = TOP_LABELS.get(key) if top and key in TOP_LABELS else LABELS.get(key, node.get("title") or shown.get("title") or key)
    common = {"key": key, "label": label, "required": required, "help": HELP.get(key), "default": node.get("default")}
    kind = shown.get("type")
    if kind == "object":
        return FormField(widget="group", children=_fields(shown, defs), **common)
    if kind == "array":
        items = _resolve(shown.get("items", {}), defs)
        if items.get("type") == "object":
            return FormField(widget="rows", children=_fields(items, defs), **common)
        return FormField(widget="lines", **common)
    if "enum" in shown:
        return FormField(widget="select", options=tuple(str(v) for v in shown["enum"]), **common)
    if kind == "boolean":
        return FormField(widget="bool", **common)
    if kind in ("integer", "number"):
        return FormField(widget="integer", **common)
    fmt = shown.get("format")
    if fmt == "date":
        return FormField(widget="date", **common)
    if fmt == "date-time":
        return FormField(widget="datetime", **common)
    if fmt == "time":
        return FormField(widget="time", **common)
    return FormField(widget="textarea" if key in LONG or (top and key == "title") else "text", **common)


def _fields(schema: Mapping[str, Any], defs: Mapping[str, Any], *, top: bool = False) -> tuple[FormField, ...]:
    required = set(schema.get("required", ()))
    return tuple(_field(key, node, key in required, defs, top)
                 for key, node in schema.get("properties", {}).items() if not (top and key in SKIPPED))


def form_fields(kind: Any) -> tuple[FormField, ...]:
    """The form of a kind (``kinds.Kind``): its model's fields in the model's order, ``number`` left out."""
    schema = kind.model.model_json_schema()
    return _fields(schema, schema.get("$defs", {}), top=True)


# --------------------------------------------------------------------------- data -> form values


def _text(value: Any, widget: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if widget == "datetime":
        text = value.isoformat(timespec="minutes") if isinstance(value, dt.datetime) else str(value).strip()
        m = re.match(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})", text)
        return f"{m.group(1)}T{int(m.group(2)):02d}:{m.group(3)}" if m else text
    if widget == "time":
        text = value.strftime("%H:%M") if isinstance(value, dt.time) else str(value).strip()
        m = re.match(r"^(\d{1,2}):(\d{2})", text)
        return f"{int(m.group(1)):02d}:{m.group(2)}" if m else text
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def form_values(fields: tuple[FormField, ...], data: Mapping[str, Any] | None,
                prefix: str = "") -> tuple[dict[str, str], dict[str, int]]:
    """The form's values by input name, and how many rows each list of objects shows.

    A text given where the form shows an object (``invitee: Lãnh đạo Sở …``) goes into the
    object's first field; a list named by a spreadsheet file shows no rows.
    """
    values: dict[str, str] = {}
    rows: dict[str, int] = {}
    data = data or {}
    for f in fields:
        path = f.path(prefix)
        value = data.get(f.key)
        if f.widget == "group":
            if isinstance(value, str) and f.children:
                value = {f.children[0].key: value}
            v, r = form_values(f.children, value if isinstance(value, Mapping) else {}, path)
            values.update(v)
            rows.update(r)
        elif f.widget == "rows":
            items = value if isinstance(value, list) else []
            rows[path] = len(items)
            for i, item in enumerate(items):
                v, r = form_values(f.children, item if isinstance(item, Mapping) else {}, f"{path}[{i}]")
                values.update(v)
                rows.update(r)
        elif f.widget == "lines":
            items = value if isinstance(value, list) else []
            values[path] = "\n".join(_text(i, "text") for i in items)
        else:
            if value is None and f.default is not None and f.widget in ("bool", "select"):
                value = f.default
            values[path] = _text(value, f.widget)
    return values, rows


def input_names(fields: tuple[FormField, ...], rows: Mapping[str, int], prefix: str = "") -> set[str]:
    """Every input and fieldset name the form shows (lists included), for ``anchor``."""
    names: set[str] = set()
    for f in fields:
        path = f.path(prefix)
        names.add(path)
        if f.widget == "group":
            names |= input_names(f.children, rows, path)
        elif f.widget == "rows":
            for i in range(rows.get(path, 0)):
                names.add(f"{path}[{i}]")
                names |= input_names(f.children, rows, f"{path}[{i}]")
    return names


def anchor(field: str | None, names: set[str]) -> str | None:
    """The form field an error's field path belongs to: itself, else its nearest shown parent
    (``bases[1]`` → the text area ``bases``; ``members`` → the members' table); None: the form."""
    path = (field or "").strip()
    while path:
        if path in names:
            return path
        cut = max(path.rfind("."), path.rfind("["))
        if cut <= 0:
            return None
        path = path[:cut]
    return None


# --------------------------------------------------------------------------- submitted form -> data


def _indexes(form: Mapping[str, Any], path: str) -> list[int]:
    start = f"{path}["
    found = set()
    for name in form:
        if name.startswith(start):
            m = re.match(r"\[(\d+)\]", name[len(path):])
            if m and len(m.group(1)) <= 5:
                found.add(int(m.group(1)))
    return sorted(found)


def _value(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def form_data(fields: tuple[FormField, ...], form: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """The input dict a submitted form stands for (``form``: input name -> text).

    Empty fields are left out (the model's default, or its "field required"); a row whose fields
    are all empty is dropped and the rows after it move up; an optional object left empty is left
    out. Values stay text: the model converts and checks them, exactly as for a YAML file.
    """
    data: dict[str, Any] = {}
    for f in fields:
        path = f.path(prefix)
        if f.widget == "group":
            value = form_data(f.children, form, path)
            if value:
                data[f.key] = value
        elif f.widget == "rows":
            items = [form_data(f.children, form, f"{path}[{i}]") for i in _indexes(form, path)]
            items = [item for item in items if item]
            if items:
                data[f.key] = items
        elif f.widget == "lines":
            text = _value(form, path)
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            if lines:
                data[f.key] = lines
        elif f.widget == "bool":
            text = _value(form, path).lower()
            if text in ("true", "false"):
                data[f.key] = text == "true"
        else:
            text = _value(form, path)
            if text:
                data[f.key] = text
    return data


def add_row(data: Mapping[str, Any], path: str) -> dict[str, Any]:
    """``data`` with one empty row more in the list at ``path`` (``awardees``, ``commitments``)."""
    return _edit(data, path, lambda items: [*items, {}])


def remove_row(data: Mapping[str, Any], path: str) -> dict[str, Any]:
    """``data`` without the row ``path`` (``awardees[3]``)."""
    m = re.fullmatch(r"(.+)\[(\d+)\]", path)
    if not m:
        return dict(data)
    index = int(m.group(2))
    return _edit(data, m.group(1), lambda items: [x for i, x in enumerate(items) if i != index])


def _edit(data: Mapping[str, Any], path: str, change) -> dict[str, Any]:
    out = dict(data)
    keys = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    node: Any = out
    for key in keys[:-1]:
        if key.startswith("["):
            i = int(key[1:-1])
            if not isinstance(node, list) or i >= len(node):
                return out
            node[i] = dict(node[i])
            node = node[i]
        else:
            if not isinstance(node, dict):
                return out
            child = node.get(key)
            node[key] = list(child) if isinstance(child, list) else dict(child) if isinstance(child, Mapping) else {}
            node = node[key]
    last = keys[-1] if keys else ""
    if isinstance(node, dict) and last and not last.startswith("["):
        items = node.get(last)
        node[last] = change(list(items) if isinstance(items, list) else [])
    return out


# --------------------------------------------------------------------------- the example, checking


def example_data(kind: Any, ws: Workspace) -> dict[str, Any]:
    """The form's first values: the kind's shipped example, with the workspace profile's agency and
    place, no number (the register gives it) and, where the model allows, no date (the day of issue)."""
    from importlib import resources

    from .generate import profile_defaults
    from .inputs import parse_text

    text = resources.files("paperwork").joinpath("examples", f"{kind.name}.yaml").read_text(encoding="utf-8")
    data = dict(parse_text(text, source=f"{kind.name}.yaml", fmt="yaml"))
    data.pop("number", None)
    if not kind.model.model_fields["date"].is_required():
        data.pop("date", None)
    data.update(profile_defaults(ws))
    return data


def check(ws: Workspace, kind: Any, data: Mapping[str, Any], base_dir: Path, *, source: str = "form",
          issue: bool = False) -> Planned:
    """Validate ``data`` exactly as ``paperwork check`` validates a file: ``pipeline.plan`` of one item.

    Raises the ``InputError`` of the first problem; returns the planned item (``.warnings``: the
    legal bases not in force on the document's date). ``base_dir``: where a list's spreadsheet is.
    """
    from .pipeline import Item, plan

    out = (base_dir / "check.docx").absolute()
    item = Item(index=0, name="form", kind=kind.name, output=out.name, source=source, base_dir=base_dir,
                data=dict(data))
    the_plan = plan(ws, [item], out.parent, confine=False, issue=issue)
    if the_plan.invalid:
        failure = the_plan.invalid[0].failure
        if failure is None:  # pragma: no cover - the pipeline always names why
            raise InputError("invalid", source=source)
        raise failure
    return the_plan.ready[0]


def next_number(ws: Workspace, planned: Planned) -> str | None:
    """``"02/QĐ-SNV"``: the number ``planned`` would be given if issued now (``Register.peek_next``,
    read without a lock: another clerk may take it first); None when the register does not number it."""
    from .kinds.common import symbol
    from .register import Register
    from .vietnamese import number_symbol

    if not planned.numbered or not ws.catalog_path.is_file():
        return None
    number = planned.number
    if number is None:
        year = (planned.doc.date or dt.date.today()).year
        number = Register.for_workspace(ws).peek_next(planned.kind.type_symbol, year)
    return number_symbol(number, symbol(planned.doc.agency, planned.kind.type_symbol))
