"""Reading a user's input file (YAML or JSON, with lists in spreadsheets) into a model.

Every failure becomes one ``InputError`` line naming the file and the field path,
e.g. ``input.yaml: awardees[3].name: field required`` (list indexes count from 0,
as in the file's own path syntax); a list read from a spreadsheet is named by
the spreadsheet and its row instead.

A file can be wrong in ways that would hang or exhaust the machine rather than
fail a field; each is refused before it costs anything, in one line:

* only regular files are read (a FIFO or ``/dev/zero`` would never end), of at
  most 20 MB (inputs) or 50 MB (spreadsheets; 256 MB unpacked, 100,000 rows);
* nesting deeper than ``MAX_DEPTH`` (32) levels is refused before the document
  is built recursively (Python's recursion limit is ~1,000);
* YAML aliases (``*name``, ``<<: *name``) are followed when measuring, so a few
  lines cannot expand to gigabytes ("billion laughs"), and an alias inside its
  own anchor is infinitely deep;
* a spreadsheet named by a list field must lie inside the input's folder.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode

from .errors import InputError
from .i18n import N_, _, ngettext

M = TypeVar("M", bound=BaseModel)

SPREADSHEET_SUFFIXES = (".xlsx", ".csv")

MAX_DEPTH = 32  # levels of mappings and lists, the top-level mapping being 1
MAX_INPUT_BYTES = 20 * 2**20
MAX_SHEET_BYTES = 50 * 2**20
MAX_SHEET_UNPACKED = 256 * 2**20  # an .xlsx is a zip: what it holds once unpacked
MAX_SHEET_ROWS = 100_000
MAX_SHEET_CELLS = 5_000_000
# Values and characters once YAML aliases are followed; a file without aliases
# stays below about one per byte, so only an alias bomb comes near it.
MAX_EXPANDED = 40_000_000

TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep: refused"
TOO_EXPANDED = f"its aliases (*name) expand it to more than {MAX_EXPANDED // 10**6} million characters: refused"
# The same two messages through the catalogue (TOO_DEEP and TOO_EXPANDED are their English text).
_TOO_DEEP = N_("nested more than {depth} levels deep: refused")
_TOO_EXPANDED = N_("its aliases (*name) expand it to more than {millions} million characters: refused")


def _too_deep() -> str:
    return _(_TOO_DEEP).format(depth=MAX_DEPTH)


def _too_expanded() -> str:
    return _(_TOO_EXPANDED).format(millions=MAX_EXPANDED // 10**6)


class _Refused(Exception):
    """Raised inside the YAML loader; ``read_data`` names the file."""


# -- reading a file: regular, bounded ---------------------------------------------


def _check_stat(st: os.stat_result, name: str, limit: int, what: str) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise InputError(_("is a folder, not a file"), source=name)
    if not stat.S_ISREG(st.st_mode):
        raise InputError(_("not a regular file (a device, FIFO or socket): refused"), source=name)
    if st.st_size > limit:
        raise _too_large(name, limit, what)


def _too_large(name: str, limit: int, what: str) -> InputError:
    return InputError(_("larger than the {value} MB {what} may have: refused").format(
        value=limit // 2**20, what=_(what)
    ), source=name)


def _os_error(name: str, e: OSError) -> InputError:
    if isinstance(e, FileNotFoundError):
        return InputError(_("no such file"), source=name)
    return InputError(_("cannot read: {value}").format(value=e.strerror or e), source=name)


def _check_regular(path: Path, limit: int, what: str) -> None:
    """A regular file of at most ``limit`` bytes, checked without opening it."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise _os_error(str(path), e) from None
    _check_stat(st, str(path), limit, what)


def _read_regular(path: Path, limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Checked before opening (opening a FIFO blocks, opening a device may act),
    again on the open descriptor (the path may have been swapped meanwhile),
    and the read stops one byte past the limit (the file may grow).
    """
    name = str(path)
    _check_regular(path, limit, what)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        raise _os_error(name, e) from None
    try:
        with open(fd, "rb") as fh:
            _check_stat(os.fstat(fh.fileno()), name, limit, what)
            data = fh.read(limit + 1)
    except OSError as e:
        raise _os_error(name, e) from None
    if len(data) > limit:
        raise _too_large(name, limit, what)
    return data


# -- YAML and JSON -----------------------------------------------------------------


class _Measured:
    """Measure the composed document (depth, size with aliases followed) before building it."""

    def get_single_data(self) -> Any:
        node = self.get_single_node()  # type: ignore[attr-defined]
        if node is None:
            return None
        _measure(node)
        return self.construct_document(node)  # type: ignore[attr-defined]


class _Loader(_Measured, yaml.SafeLoader):
    """YAML without the implicit conversions that surprise clerks.

    Dates stay strings so an impossible date (2026-02-30) is reported by the
    model with its field path; ``8:30`` stays a time, not the base-60 integer 510.
    The composer counts its depth: PyYAML composes recursively, and a document
    nested 500 levels deep would end in ``RecursionError``.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(_too_deep())
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    # A digit after 0b / 0x: PyYAML's own pattern takes "0x_" for an int and then fails on it.
    re.compile(
        r"^(?:[-+]?0b[0-1_]*[0-1][0-1_]*|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)"
        r"|[-+]?0x[0-9a-fA-F_]*[0-9a-fA-F][0-9a-fA-F_]*)$"
    ),
    list("-+0123456789"),
)


def _checked_number(tag: str) -> Any:
    """The SafeLoader constructor for ``tag``, its ``ValueError`` turned into a YAML error with a line."""
    construct = yaml.SafeLoader.yaml_constructors[tag]

    def checked(loader: Any, node: ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except ValueError as e:
            problem = (
                "a number has more than 4300 digits" if "digits" in str(e)
                else f"{str(node.value)[:40]!r} is not a valid {tag.rsplit(':', 1)[-1]}"
            )
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None

    return checked


for _tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"):
    _Loader.add_constructor(_tag, _checked_number(_tag))


def _fast_loader() -> type | None:
    """``_Loader``'s rules on libyaml's parser (~10x faster), when PyYAML was built with it.

    libyaml refuses nesting past 1,000 levels itself and composes in C; the
    measure then applies the same limits as ``_Loader``.
    """
    base = getattr(yaml, "CSafeLoader", None)
    if base is None:
        return None
    loader = type("_FastLoader", (_Measured, base), {})
    loader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    loader.yaml_constructors = _Loader.yaml_constructors
    return loader


_FAST_LOADER = _fast_loader()


def _measure(root: Node) -> None:
    """Refuse a composed YAML document deeper than ``MAX_DEPTH`` or larger than ``MAX_EXPANDED``.

    Iterative, and each node is measured once however many aliases name it
    (aliases share the node), so the walk is linear in the file even when its
    expansion is not. A node reached again while its own walk is open is an
    alias inside its own anchor: infinitely deep.
    """
    done: dict[int, tuple[int, int]] = {}  # id -> (height, size)
    walking: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]

    def children(node: Node) -> list[Node]:
        if isinstance(node, MappingNode):
            return [n for pair in node.value for n in pair]
        return list(node.value)

    def measured(node: Node) -> tuple[int, int]:
        return (0, 1 + len(node.value)) if isinstance(node, ScalarNode) else done[id(node)]

    while stack:
        node, finished = stack.pop()
        key = id(node)
        if isinstance(node, ScalarNode) or (not finished and key in done):
            continue
        if not finished:
            if key in walking:
                raise _Refused(_too_deep())
            walking.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children(node) if not isinstance(child, ScalarNode))
            continue
        walking.discard(key)
        sizes = [measured(child) for child in children(node)]
        height = 1 + max((h for h, _ in sizes), default=0)
        size = 1 + sum(n for _, n in sizes)
        if height > MAX_DEPTH:
            raise _Refused(_too_deep())
        if size > MAX_EXPANDED:
            raise _Refused(_too_expanded())
        done[key] = (height, size)


_JSON_SPECIAL = re.compile(r'[\[\]{}"\\]')


def _check_json_depth(text: str) -> None:
    """Refuse JSON nested deeper than ``MAX_DEPTH``, scanning brackets outside strings (linear, no recursion)."""
    depth = 0
    in_string = False
    escaped = -1  # the index a backslash escapes
    for m in _JSON_SPECIAL.finditer(text):
        i, ch = m.start(), m.group()
        if in_string:
            if i == escaped:
                continue
            if ch == "\\":
                escaped = i + 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(_too_deep())
        elif ch in "]}":
            depth -= 1


def parse_text(text: str, *, source: str, fmt: str) -> Any:
    """YAML (``fmt="yaml"``) or JSON (``"json"``) text -> data, within the limits above.

    Errors are ``InputError`` lines naming ``source``; the caller checks the shape.
    """
    try:
        if fmt == "json":
            _check_json_depth(text)
            try:
                return json.loads(text)
            except json.JSONDecodeError as e:
                raise InputError(_("line {lineno}: invalid JSON: {msg}").format(lineno=e.lineno, msg=e.msg), source=source) from None
            except ValueError:  # int() refuses more than 4300 digits
                raise InputError(_("invalid JSON: a number has more than 4300 digits"), source=source) from None
        return _load_yaml(text, source)
    except _Refused as e:
        raise InputError(str(e), source=source) from None


def _load_yaml(text: str, source: str) -> Any:
    if _FAST_LOADER is not None:
        try:
            return yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 (a SafeLoader)
        except yaml.YAMLError:
            pass  # reported by the pure-Python parser below, with its line and wording
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = _("line {line}: ").format(line=mark.line + 1) if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(_("{where}invalid YAML: {problem}").format(where=where, problem=problem), source=source) from None


def read_data(path: Path) -> dict[str, Any]:
    """The top-level mapping of a YAML or JSON file: regular, at most 20 MB, at most 32 levels deep.

    The one reader of input files (``render``, ``batch`` manifests and their items).
    """
    name = str(path)
    _check_regular(path, MAX_INPUT_BYTES, N_("an input file"))
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise InputError(_("unsupported input format (use .yaml, .yml or .json)"), source=name)
    raw = _read_regular(path, MAX_INPUT_BYTES, N_("an input file"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(_("not UTF-8 text (byte {start})").format(start=e.start), source=name) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as text mode reads it
    data = parse_text(text, source=name, fmt="json" if suffix == ".json" else "yaml")
    if not isinstance(data, dict):
        raise InputError(_("the file must hold a mapping of fields (name: value)"), source=name)
    return data


# -- spreadsheets ------------------------------------------------------------------


def list_file(base_dir: Path, name: str, *, source: str, field: str, what: str = N_("the list file")) -> Path:
    """The file an input names (a list field's spreadsheet), resolved (symlinks followed) inside ``base_dir``.

    Subfolders are fine; ``../x.csv``, an absolute path, or a link leading out
    of the folder are refused: an input names its own lists, not any file the
    clerk's account can read. ``what`` names the file in the message.
    """
    folder = base_dir.resolve()
    target = (folder / name).resolve()
    if not target.is_relative_to(folder):
        raise InputError(_("{what} must be inside the input's folder ({folder}): refused").format(
            what=_(what), folder=folder
        ), source=source, field=field)
    return target


def read_spreadsheet(path: Path) -> list[dict[str, Any]]:
    """Rows as dicts; the header row gives the field names, ``a.b`` nests."""
    name = str(path)
    raw = _read_regular(path, MAX_SHEET_BYTES, N_("a spreadsheet"))
    rows = _csv_rows(raw, name) if path.suffix.lower() == ".csv" else _xlsx_rows(raw, name)
    if not rows:
        raise InputError(_("the spreadsheet is empty (the first row must name the fields)"), source=name)
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    header += [""] * (max(map(len, rows)) - len(header))
    for col, h in enumerate(header, start=1):
        if not h and any(len(r) >= col and _present(r[col - 1]) for r in rows[1:]):
            raise InputError(_("column {col} has values but no field name in the first row").format(col=col), source=name)
    records = []
    for row in rows[1:]:
        record: dict[str, Any] = {}
        for h, value in zip(header, row):
            if h and _present(value):
                _set_path(record, h.split("."), value.strip() if isinstance(value, str) else value)
        if record:
            records.append(record)
    return records


def _too_many(name: str) -> InputError:
    return InputError(_("more than {MAX_SHEET_ROWS:,} rows or {MAX_SHEET_CELLS:,} cells: refused").format(
        MAX_SHEET_ROWS=MAX_SHEET_ROWS, MAX_SHEET_CELLS=MAX_SHEET_CELLS
    ), source=name)


def _csv_rows(raw: bytes, name: str) -> list[list[Any]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(_("not UTF-8 text (save the CSV as UTF-8)"), source=name) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[Any]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_SHEET_ROWS + 1:
                raise _too_many(name)
    except csv.Error as e:
        raise InputError(_("line {line_num}: invalid CSV: {error}").format(line_num=reader.line_num, error=e), source=name) from None
    return rows


def _xlsx_rows(raw: bytes, name: str) -> list[list[Any]]:
    import zipfile

    import openpyxl  # imported here: only spreadsheet inputs pay for it

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            unpacked = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise InputError(_("cannot read the workbook: {error}").format(error=e), source=name) from None
    if unpacked > MAX_SHEET_UNPACKED:
        raise InputError(_("unpacks to more than {value} MB: refused").format(
            value=MAX_SHEET_UNPACKED // 2**20
        ), source=name)
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many unrelated types for a bad file
        raise InputError(_("cannot read the workbook: {error}").format(error=e), source=name) from None
    rows: list[list[Any]] = []
    cells = 0
    try:
        sheet = book.worksheets[0]
        # The stored dimension may claim 1,048,576 rows or 16,384 columns: pad to what is there.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            cells += len(row)
            if len(rows) > MAX_SHEET_ROWS + 1 or cells > MAX_SHEET_CELLS:
                raise _too_many(name)
    except InputError:
        raise
    except Exception as e:  # a sheet's XML is parsed while iterating
        raise InputError(_("cannot read the workbook: {error}").format(error=e), source=name) from None
    finally:
        book.close()
    return rows


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
            sheet = list_file(base_dir, value, source=source, field=key)
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
    "missing": N_("field required"),
    "extra_forbidden": N_("unknown field"),
}

# Pydantic's own messages (English), by error type, so the catalogue can translate them;
# used only when the English template gives pydantic's very message.
_PYDANTIC_MESSAGES = {
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_type": N_("Input should be a valid integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "float_type": N_("Input should be a valid number"),
    "decimal_parsing": N_("Input should be a valid decimal"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "bool_type": N_("Input should be a valid boolean"),
    "string_type": N_("Input should be a valid string"),
    "date_type": N_("Input should be a valid date"),
    "date_from_datetime_inexact": N_("Datetimes provided to dates should have zero time - e.g. be exact dates"),
    "datetime_type": N_("Input should be a valid datetime"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be a valid dictionary or instance of {class_name}"),
    "model_attributes_type": N_("Input should be a valid dictionary or object to extract fields from"),
    "literal_error": N_("Input should be {expected}"),
    "enum": N_("Input should be {expected}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
}


def _pydantic_message(error: Mapping[str, Any]) -> str:
    """Pydantic's message of one error, through the catalogue when its type is known."""
    template = _PYDANTIC_MESSAGES.get(error["type"])
    if template is None:
        return error["msg"]
    context = error.get("ctx") or {}
    try:
        if template.format(**context) != error["msg"]:
            return error["msg"]
        return _(template).format(**context)
    except (KeyError, IndexError, ValueError):
        return error["msg"]


def _input_error(err: ValidationError, source: str, sheets: Mapping[str, Path]) -> InputError:
    first = err.errors(include_url=False)[0]
    loc = list(first["loc"])
    message = _(_MESSAGES[first["type"]]) if first["type"] in _MESSAGES else _pydantic_message(first)
    message = re.sub(r"^(Value error|Assertion failed), ", "", message)
    if not loc:
        # A model-level check names its own field: "head: must be one of …".
        m = re.match(r"^([\w.\[\]]+): (.*)$", message)
        if m:
            loc, message = m.group(1).split("."), m.group(2)
    message = message[0].lower() + message[1:] if message[:2] != message[:2].upper() else message
    more = err.error_count() - 1
    if more:
        message += ngettext(" (and {count} more problem)", " (and {count} more problems)", more).format(count=more)
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
