"""Reading a user's input file (YAML or JSON, with lists in spreadsheets) into a model.

Every failure becomes one ``InputError`` line naming the file and the field path,
e.g. ``input.yaml: awardees[3].name: field required`` (list indexes count from 0,
as in the file's own path syntax); a list read from a spreadsheet is named by
the spreadsheet and its row instead.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import InputError

M = TypeVar("M", bound=BaseModel)

SPREADSHEET_SUFFIXES = (".xlsx", ".csv")


class _Loader(yaml.SafeLoader):
    """YAML without the implicit conversions that surprise clerks.

    Dates stay strings so an impossible date (2026-02-30) is reported by the
    model with its field path; ``8:30`` stays a time, not the base-60 integer 510.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)


def read_data(path: Path) -> dict[str, Any]:
    """The top-level mapping of a YAML or JSON file."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise InputError("unsupported input format (use .yaml, .yml or .json)", source=name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", source=name) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (byte {e.start})", source=name) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", source=name) from None
    try:
        data = json.loads(text) if suffix == ".json" else yaml.load(text, Loader=_Loader)  # noqa: S506
    except json.JSONDecodeError as e:
        raise InputError(f"line {e.lineno}: invalid JSON: {e.msg}", source=name) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(f"{where}invalid YAML: {problem}", source=name) from None
    if not isinstance(data, dict):
        raise InputError("the file must hold a mapping of fields (name: value)", source=name)
    return data


def read_spreadsheet(path: Path) -> list[dict[str, Any]]:
    """Rows as dicts; the header row gives the field names, ``a.b`` nests."""
    name = str(path)
    if not path.is_file():
        raise InputError("no such file", source=name)
    if path.suffix.lower() == ".csv":
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh))
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text (save the CSV as UTF-8)", source=name) from None
    else:
        import openpyxl  # imported here: only spreadsheet inputs pay for it

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many unrelated types for a bad file
            raise InputError(f"cannot read the workbook: {e}", source=name) from None
        try:
            rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    if not rows:
        raise InputError("the spreadsheet is empty (the first row must name the fields)", source=name)
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    for col, h in enumerate(header, start=1):
        if not h and any(len(r) >= col and _present(r[col - 1]) for r in rows[1:]):
            raise InputError(f"column {col} has values but no field name in the first row", source=name)
    records = []
    for row in rows[1:]:
        record: dict[str, Any] = {}
        for h, value in zip(header, row):
            if h and _present(value):
                _set_path(record, h.split("."), value.strip() if isinstance(value, str) else value)
        if record:
            records.append(record)
    return records


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _set_path(record: dict[str, Any], keys: list[str], value: Any) -> None:
    for key in keys[:-1]:
        record = record.setdefault(key, {})
    record[keys[-1]] = value


def load_input(path: Path, model: type[M], defaults: Mapping[str, Any] | None = None) -> M:
    """Read, resolve spreadsheet lists, apply workspace defaults, validate."""
    return load_data(read_data(path), model, source=str(path), base_dir=path.parent, defaults=defaults)


def load_data(
    data: Mapping[str, Any],
    model: type[M],
    *,
    source: str,
    base_dir: Path,
    defaults: Mapping[str, Any] | None = None,
) -> M:
    """``load_input`` for data already read (a manifest item): list fields may name
    spreadsheets relative to ``base_dir``; errors name ``source`` and the field path."""
    data = dict(data)
    sheets: dict[str, Path] = {}
    for key, value in list(data.items()):
        if isinstance(value, str) and value.lower().endswith(SPREADSHEET_SUFFIXES) and _is_list_field(model, key):
            sheet = (base_dir / value).resolve()
            data[key] = read_spreadsheet(sheet)
            sheets[key] = sheet
    for key, value in (defaults or {}).items():
        if value is not None and data.get(key) is None:
            data[key] = value
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise _input_error(e, source, sheets) from None


def validate(data: Mapping[str, Any], model: type[M], source: str) -> M:
    try:
        return model.model_validate(dict(data))
    except ValidationError as e:
        raise _input_error(e, source, {}) from None


def _is_list_field(model: type[BaseModel], key: str) -> bool:
    field = model.model_fields.get(key)
    return field is not None and getattr(field.annotation, "__origin__", None) is list


_MESSAGES = {
    "missing": "field required",
    "extra_forbidden": "unknown field",
}


def _input_error(err: ValidationError, source: str, sheets: Mapping[str, Path]) -> InputError:
    first = err.errors(include_url=False)[0]
    loc = list(first["loc"])
    message = _MESSAGES.get(first["type"]) or first["msg"]
    message = re.sub(r"^(Value error|Assertion failed), ", "", message)
    if not loc:
        # A model-level check names its own field: "head: must be one of …".
        m = re.match(r"^([\w.\[\]]+): (.*)$", message)
        if m:
            loc, message = m.group(1).split("."), m.group(2)
    message = message[0].lower() + message[1:] if message[:2] != message[:2].upper() else message
    more = err.error_count() - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    if loc and loc[0] in sheets and len(loc) >= 2 and isinstance(loc[1], int):
        sheet_source = f"{sheets[loc[0]]}: row {loc[1] + 2}"
        return InputError(message, source=sheet_source, field=_path(loc[2:]) or None)
    return InputError(message, source=source, field=_path(loc) or None)


def _path(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
