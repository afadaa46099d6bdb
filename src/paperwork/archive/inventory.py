"""The inventory (mục lục văn bản) of a digitised folder: one row per file, checked cell by cell.

    read_inventory(path, folder, files, refused) -> Inventory    raises InventoryError

Digitisation projects keep a mục lục beside the scans: file name, số và ký hiệu,
ngày, tác giả, trích yếu, hồ sơ (spec §3.5). Headings are recognised as
archivists type them, with or without diacritics, in any case ("Số, ký hiệu",
"SO VA KY HIEU"); other columns (STT, Tờ số, Ghi chú) are ignored, and the
headings may sit under a title row. Every problem is an ``InputError`` naming
the inventory, the row the spreadsheet shows and the column ("Ngày (column D)"),
and all of them are collected (``InventoryError.problems``) before anything is
imported.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import InputError
from ..i18n import N_, _, ngettext
from ..vietnamese import clean_text, nfc
from .folding import fold
from .store import DocumentMeta

__all__ = ["HEADINGS", "Inventory", "InventoryError", "InventoryRow", "read_inventory"]


@dataclass(frozen=True)
class InventoryRow:
    row: int  # the row number the spreadsheet shows
    file: str  # the file's path inside the folder (FoundFile.rel)
    meta: DocumentMeta
    dossier: str | None = None  # số và ký hiệu hồ sơ


@dataclass(frozen=True)
class Inventory:
    path: Path
    rows: Mapping[str, InventoryRow]  # by FoundFile.rel
    columns: tuple[tuple[str, str], ...]  # (heading as written, what it gives)
    ignored: tuple[str, ...]  # headings of columns not read


class InventoryError(InputError):
    """Rows of the inventory that cannot be used; each problem names the file, row and column."""

    def __init__(self, problems: Sequence[InputError]):
        self.problems = tuple(problems)
        first, more = problems[0], len(problems) - 1
        message = first.reason + (
            ngettext(" (and {count} more problem)", " (and {count} more problems)", more).format(count=more)
            if more else ""
        )
        super().__init__(message, source=first.source, field=first.field)


class _CellError(Exception):
    pass


# The headings an archivist types for each column, compared folded (no diacritics, any
# case, punctuation as spaces): "SỐ, KÝ HIỆU" and "so va ky hieu" are both the number.
HEADINGS: dict[str, tuple[str, ...]] = {
    "file": ("Tên tệp", "Tệp", "File", "Tên file", "Tệp tin", "Tên tệp tin", "Tập tin", "File name", "Filename"),
    "number": ("Số, ký hiệu", "Số và ký hiệu", "Số, ký hiệu văn bản", "Số và ký hiệu văn bản", "Số ký hiệu"),
    "no": ("Số", "Số văn bản"),  # separate Số and Ký hiệu columns (TT 02/2019) are joined: 05/QĐ-SNV
    "symbol": ("Ký hiệu", "Ký hiệu văn bản"),
    "date": ("Ngày", "Ngày tháng", "Ngày tháng năm", "Ngày tháng văn bản", "Ngày văn bản", "Ngày ban hành"),
    "agency": ("Tác giả", "Cơ quan ban hành", "Tác giả văn bản", "Cơ quan, tổ chức ban hành"),
    "title": ("Trích yếu", "Trích yếu nội dung", "Trích yếu nội dung văn bản", "Tên loại và trích yếu nội dung"),
    "dossier": ("Hồ sơ", "Số và ký hiệu hồ sơ", "Số, ký hiệu hồ sơ", "Mã hồ sơ", "Hồ sơ số"),
    "type": ("Tên loại", "Tên loại văn bản", "Loại văn bản"),
}
_GIVES = {
    "file": "the file", "number": "số, ký hiệu", "no": "số", "symbol": "ký hiệu", "date": "the date",
    "agency": "tác giả", "title": "trích yếu", "dossier": "hồ sơ", "type": "tên loại",
}
_LIMITS = {"file": 1000, "title": 2000, "agency": 500}  # characters; 200 for the others
HEADER_ROWS = 10  # the headings may sit under a title ("MỤC LỤC VĂN BẢN …")


def _key(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(heading)).strip()


_ALIASES = {_key(name): what for what, names in HEADINGS.items() for name in names}


def _letter(col: int) -> str:
    """Spreadsheet column letters: 0 -> A, 26 -> AA."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: object, what: str) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    text = " ".join(str(value).split())  # line breaks typed in a cell (Alt+Enter) become spaces
    try:
        text = clean_text(text)
    except ValueError as e:
        raise _CellError(str(e)) from None
    limit = _LIMITS.get(what, 200)
    if len(text) > limit:
        raise _CellError(_("longer than {limit} characters").format(limit=limit))
    return text


_DMY = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_WORDS = re.compile(r"(?:ngay\s*)?(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_SHORT_YEAR = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2}")
_PARTIAL = re.compile(r"(?:\d{1,2}\s*[/.-]\s*)?\d{4}")


def _date(value: object, today: datetime.date) -> datetime.date:
    """A spreadsheet date, dd/mm/yyyy, yyyy-mm-dd or "ngày 05 tháng 3 năm 2015"."""
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, (int, float)):
        raise _CellError(_("{value!r} is a number, not a date: write dd/mm/yyyy, or format the cell as "
                           "a date").format(value=value))
    else:
        text = " ".join(str(value).split())
        folded = fold(text)
        if m := _DMY.fullmatch(text) or _WORDS.fullmatch(folded):
            d, mo, y = map(int, m.groups())
        elif m := _YMD.fullmatch(text):
            y, mo, d = map(int, m.groups())
        elif _SHORT_YEAR.fullmatch(text):
            raise _CellError(_("{text!r}: write the year with four digits (dd/mm/yyyy)").format(text=text))
        elif _PARTIAL.fullmatch(text):
            raise _CellError(_("{text!r} is not a whole date: leave the cell empty to read the date "
                               "off the document").format(text=text))
        else:
            raise _CellError(_("{text!r} is not a date (write dd/mm/yyyy or yyyy-mm-dd)").format(text=text))
        try:
            day = datetime.date(y, mo, d)
        except ValueError as e:
            raise _CellError(_("{text!r} is not a date: {error}").format(text=text, error=e)) from None
    if day > today:
        raise _CellError(_("{day:%d/%m/%Y} is in the future").format(day=day))
    return day


class _Names:
    """Finds the file an inventory row names: a path inside the folder, or a name found once in it.

    Names are compared in NFC (names copied from a Mac are often NFD), exactly first,
    then ignoring case, then without the extension ("01.TCCB.001" for 01.TCCB.001.pdf).
    """

    def __init__(self, folder: Path, files: Iterable[str], refused: Mapping[str, str]):
        self.folder = folder
        self.by_rel: dict[str, str] = {}
        self.by_name: dict[str, list[str]] = defaultdict(list)
        self.by_folded: dict[str, list[str]] = defaultdict(list)
        self.by_stem: dict[str, list[str]] = defaultdict(list)
        for rel in files:
            key = nfc(rel)
            self.by_rel[key] = rel
            name = PurePosixPath(key)
            self.by_name[name.name].append(rel)
            self.by_folded[name.name.casefold()].append(rel)
            self.by_stem[name.stem.casefold()].append(rel)
        self.refused = {nfc(rel): reason for rel, reason in refused.items()}
        self.refused.update({PurePosixPath(k).name: r for k, r in list(self.refused.items())})

    def find(self, written: str) -> str:
        name = written.replace("\\", "/").removeprefix("./")
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts:
            raise _CellError(_("{written!r}: give the file's path inside the folder {folder}").format(
                written=written, folder=self.folder
            ))
        if "/" in name:
            found = self.by_rel.get(name) or self._one(written, [
                rel for key, rel in self.by_rel.items() if key.casefold() == name.casefold()])
        else:
            found = self._one(written, self.by_name.get(name) or self.by_folded.get(name.casefold())
                              or self.by_stem.get(name.casefold()) or [])
        if found is not None:
            return found
        if name in self.refused:
            raise _CellError(_("{written!r} is not imported: {refused}").format(
                written=written, refused=self.refused[name]
            ))
        raise _CellError(_("no file {written!r} in {folder}").format(written=written, folder=self.folder))

    def _one(self, written: str, candidates: list[str]) -> str | None:
        unique = sorted(set(candidates))
        if len(unique) > 1:
            shown = ", ".join(unique[:3]) + (", …" if len(unique) > 3 else "")
            raise _CellError(_("{written!r} names {count} files ({shown}): write the path inside the folder").format(
                written=written, count=len(unique), shown=shown
            ))
        return unique[0] if unique else None


def _sheet_rows(path: Path, name: str) -> Iterator[list[list[object]]]:
    """The inventory's rows, once per way of reading it (CSV: each delimiter in turn)."""
    # inputs.py's bounded reading (regular file, 50 MB, 256 MB unpacked, 100,000 rows);
    # raw rows here, not read_spreadsheet's dicts: a message needs the row number.
    from ..inputs import MAX_SHEET_BYTES, MAX_SHEET_ROWS, _read_regular, _xlsx_rows

    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InputError(_("an inventory is an .xlsx or .csv spreadsheet"), source=name)
    raw = _read_regular(path, MAX_SHEET_BYTES, N_("a spreadsheet"))
    if suffix == ".xlsx":
        yield _xlsx_rows(raw, name)
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(_("not UTF-8 text (save the CSV as UTF-8)"), source=name) from None
    for delimiter in (",", ";", "\t"):  # Excel on a Vietnamese Windows writes ";"
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            rows = list(islice(reader, MAX_SHEET_ROWS + 2))
        except csv.Error as e:
            raise InputError(_("line {line_num}: invalid CSV: {error}").format(
                line_num=reader.line_num, error=e
            ), source=name) from None
        if len(rows) > MAX_SHEET_ROWS + 1:
            raise InputError(_("more than {MAX_SHEET_ROWS:,} rows: refused").format(
                MAX_SHEET_ROWS=MAX_SHEET_ROWS
            ), source=name)
        yield rows


def _header(rows: list[list[object]]) -> int | None:
    for index, row in enumerate(rows[:HEADER_ROWS]):
        if any(isinstance(c, str) and _ALIASES.get(_key(c)) == "file" for c in row):
            return index
    return None


def read_inventory(
    path: Path, folder: Path, files: Iterable[str], refused: Mapping[str, str] | None = None, *,
    name: str | None = None,
) -> Inventory:
    """Read the inventory at ``path`` and match each row to one of ``files`` (paths inside ``folder``).

    ``refused`` gives the reason a file of the folder is not imported (a link
    leading out of it, an unsupported type), for a row that names one. ``name``
    is how the inventory is named in messages (as the user typed it).
    """
    name = name or str(path)
    for rows in _sheet_rows(path, name):
        header = _header(rows)
        if header is not None:
            break
    else:
        examples = ", ".join(f'"{h}"' for h in HEADINGS["file"][:3])
        raise InputError(_("no column of file names: none of the first {HEADER_ROWS} rows has a "
                           "heading such as {examples}").format(HEADER_ROWS=HEADER_ROWS, examples=examples), source=name)
    columns: dict[str, int] = {}
    headings = [str(c).strip() if c is not None else "" for c in rows[header]]
    used, ignored = [], []
    problems: list[InputError] = []
    for col, heading in enumerate(headings):
        what = _ALIASES.get(_key(heading)) if heading else None
        if what is None:
            if heading:
                ignored.append(heading)
            continue
        if what in columns:
            other = columns[what]
            problems.append(InputError(
                _("columns {letter} ({headings}) and {letter2} ({heading}) both give {GIVES}: keep one").format(
                    letter=_letter(other), headings=headings[other], letter2=_letter(col), heading=heading,
                    GIVES=_GIVES[what]
                ), source=f"{name}: row {header + 1}"))
            continue
        columns[what] = col
        used.append((heading, _GIVES[what]))
    names = _Names(folder, files, refused or {})
    today = datetime.date.today()
    found: dict[str, InventoryRow] = {}
    for index in range(header + 1, len(rows)):
        row = rows[index]
        cells = {what: row[col] for what, col in columns.items() if col < len(row) and _present(row[col])}
        if not cells:
            continue
        number = index + 1
        values: dict[str, Any] = {}
        for what, value in cells.items():
            col = columns[what]
            try:
                if what == "date":
                    values[what] = _date(value, today)
                else:
                    text = _text(value, what)
                    values[what] = names.find(text) if what == "file" else text
                    if what == "file" and values[what] in found:
                        earlier = found[values[what]].row
                        raise _CellError(_("{text!r} is listed again (row {earlier} lists it already)").format(
                            text=text, earlier=earlier
                        ))
            except _CellError as e:
                problems.append(InputError(str(e), source=f"{name}: row {number}",
                                           field=f"{headings[col]} (column {_letter(col)})"))
        if "file" not in cells:
            col = columns["file"]
            problems.append(InputError(_("no file named: every row of the inventory names its file"),
                                       source=f"{name}: row {number}",
                                       field=f"{headings[col]} (column {_letter(col)})"))
        if len(problems) >= 100:
            break
        if "file" in values and values["file"] not in found:
            found[values["file"]] = _inventory_row(number, values)
    if problems:
        raise InventoryError(problems)
    if not found:
        raise InputError(_("lists no files: the rows under the headings (row {value}) are empty").format(
            value=header + 1
        ), source=name)
    return Inventory(path, found, tuple(used), tuple(ignored))


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _inventory_row(number: int, values: Mapping[str, Any]) -> InventoryRow:
    doc_number = values.get("number")
    if doc_number is None:  # separate Số and Ký hiệu columns
        doc_number = "/".join(str(values[k]) for k in ("no", "symbol") if k in values) or None
    meta = DocumentMeta(
        type=values.get("type"),
        number=doc_number,
        date=values.get("date"),
        agency=values.get("agency"),
        title=values.get("title"),
    )
    return InventoryRow(number, values["file"], meta, values.get("dossier"))
