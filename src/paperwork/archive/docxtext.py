"""The text of a .docx read straight from its parts: zipfile and a streaming XML parser (expat).

    docx_text(stream, part_limit=…, total_limit=…) -> DocxText   raises DocxError(reason)

No object model is built: only the parts that hold text are inflated (the main document,
its headers and footers, the relationships that name them, ``docProps/app.xml`` for the
page count), each a chunk at a time, stopped at its declared size, and fed as it inflates
to expat, whose callbacks keep one stack of states. About 1 ms for a one-page decision,
against ~13 ms through python-docx (which parses every part, styles included).

The text is exactly what the python-docx walk gave (tests/test_ingest.py compares them):

* the body's paragraphs and tables in document order, a table's cells row by row, each
  ``<w:tc>`` once (a horizontally merged cell once; a vertically merged one at its first
  row only), nested tables inside their cell;
* then, section by section, the default, first-page and even-page header, then the
  same footers, each part once;
* a paragraph is the text of its runs (``w:r``) and of the runs of its hyperlinks:
  ``w:t`` as written, ``w:tab``/``w:ptab`` a tab, ``w:cr`` and a line break (``w:br``
  without a type or of type textWrapping) a newline, ``w:noBreakHyphen`` "-";
  what python-docx leaves out is left out here too (runs wrapped in ``w:ins``,
  ``w:sdt``, ``w:smartTag`` or ``w:fldSimple``; text boxes; page and column breaks).

Lines are returned as they are; extract.py normalises them (NFC, no-break spaces).
A part whose declared size passes ``part_limit``, parts past ``total_limit`` together,
or a stored part whose bytes are more than it declares are refused before anything is
read (a zip bomb); a deflated part is stopped as soon as it inflates past its declared
size. Parts that are never read are only checked for their declared sizes: a part
cannot inflate in memory unless it is read.
"""

from __future__ import annotations

import posixpath
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO
from xml.parsers import expat
from ..i18n import _

__all__ = ["DEFAULT_PART_LIMIT", "DEFAULT_TOTAL_LIMIT", "DocxError", "DocxText", "docx_text"]

DEFAULT_PART_LIMIT = 64 * 1024 * 1024
DEFAULT_TOTAL_LIMIT = 256 * 1024 * 1024
_CHUNK = 256 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … name length, extra length
_LOCAL_SIGNATURE = b"PK\x03\x04"

_RELS = "http://schemas.openxmlformats.org/package/2006/relationships "
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_OFFICE_DOCUMENT = _RT + "officeDocument"
_APP = "docProps/app.xml"
# python-docx's order: header, first_page_header, even_page_header, then the footers.
_HDRFTR_ORDER = (("header", "default"), ("header", "first"), ("header", "even"),
                 ("footer", "default"), ("footer", "first"), ("footer", "even"))


class DocxError(Exception):
    """The package cannot be read; ``reason`` says why (one line)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class DocxText:
    lines: tuple[str, ...]  # paragraphs in reading order, as written (not yet NFC)
    pages: int | None  # <Pages> of docProps/app.xml: what Word counted when it last saved


# --------------------------------------------------------------------------- the zip


def _mib(size: int) -> str:
    return f"{size // (1024 * 1024)} MiB"


class _Package:
    """The zip's directory, checked against the limits; parts inflated on demand, capped."""

    def __init__(self, stream: BinaryIO, part_limit: int, total_limit: int):
        self.stream = stream
        try:
            self.zf = zipfile.ZipFile(stream)
        except zipfile.BadZipFile as e:
            raise DocxError(_("not a Word .docx document (corrupt, encrypted or another format)")) from e
        self.infos = {info.filename: info for info in self.zf.infolist()}
        self.rel_ids: dict[str, dict[str, str]] = {}  # part -> its relationships' r:id -> part
        total = 0
        for info in self.zf.infolist():
            if info.file_size > part_limit:
                raise DocxError(_("{filename} inflates past {mib}: refused").format(
                    filename=info.filename, mib=_mib(part_limit)
                ))
            total += info.file_size
            if total > total_limit:
                raise DocxError(_("the parts inflate past {mib} in all (at {filename}): refused").format(
                    mib=_mib(total_limit), filename=info.filename
                ))
            if info.compress_type == zipfile.ZIP_STORED and info.compress_size > info.file_size:
                raise DocxError(self._refusal(info))

    @staticmethod
    def _refusal(info: zipfile.ZipInfo) -> str:
        return _("{filename} inflates past its declared size ({file_size} bytes): refused").format(filename=info.filename, file_size=info.file_size)

    def __contains__(self, name: str) -> bool:
        return name in self.infos

    def chunks(self, name: str) -> Iterator[bytes]:
        """The bytes of part ``name``, a chunk at a time, stopped as soon as they pass its
        declared size; the CRC is checked at the end. Deflated and stored parts are inflated
        from the raw stream; any other method (not used by Word) goes through zipfile, which
        stops at the declared size itself."""
        info = self.infos[name]
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
            with self.zf.open(info) as part:
                while chunk := part.read(_CHUNK):
                    yield chunk
            return
        raw = self.stream
        raw.seek(info.header_offset)
        signature, name_length, extra_length = _LOCAL_HEADER.unpack(raw.read(_LOCAL_HEADER.size))
        if signature != _LOCAL_SIGNATURE:
            raise DocxError(_("not a Word .docx document (bad local header for {name})").format(name=name))
        raw.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
        left, inflated, crc = info.compress_size, 0, 0
        inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == zipfile.ZIP_DEFLATED else None
        pending = b""
        while True:
            if not pending:
                if left <= 0:
                    break
                pending = raw.read(min(_CHUNK, left))
                if not pending:
                    raise DocxError(_("not a Word .docx document ({name} is cut short)").format(name=name))
                left -= len(pending)
            if inflater is None:
                chunk, pending = pending, b""
            else:
                try:
                    chunk = inflater.decompress(pending, _CHUNK)
                except zlib.error as e:
                    raise DocxError(_("not a Word .docx document ({name} is damaged: {error})").format(
                        name=name, error=e
                    )) from e
                pending = inflater.unconsumed_tail
            inflated += len(chunk)
            if inflated > info.file_size:
                raise DocxError(self._refusal(info))
            crc = zlib.crc32(chunk, crc)
            yield chunk
            if inflater is not None and inflater.eof:
                break
        if inflated != info.file_size or crc != info.CRC:
            raise DocxError(_("not a Word .docx document ({name} is damaged: bad CRC or size)").format(
                name=name
            ))


class _XmlError(DocxError):
    """A part is not well-formed XML."""


def _parse(package: _Package, name: str, parser: expat.XMLParserType) -> None:
    def refuse(*_: object) -> None:
        raise DocxError(_("cannot read the Word document: {name} declares a DTD: refused").format(name=name))

    parser.StartDoctypeDeclHandler = refuse  # no entities: no billion laughs
    try:
        for chunk in package.chunks(name):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as e:
        raise _XmlError(_("cannot read the Word document: {name}: {error}").format(name=name, error=e)) from e


def _new_parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = 65536
    return parser


def _relationships(package: _Package, source: str) -> list[tuple[str, str]]:
    """(type, part name) of the internal relationships of part ``source`` ("" for the package)."""
    folder, base = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in package:
        return []
    found: list[tuple[str, str]] = []
    ids: dict[str, str] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag != _RELS + "Relationship" or attrs.get("TargetMode") == "External":
            return
        target = attrs.get("Target", "")
        joined = target if target.startswith("/") else posixpath.join("/" + folder, target)
        part = posixpath.normpath(joined).lstrip("/")
        found.append((attrs.get("Type", ""), part))
        ids[attrs.get("Id", "")] = part

    parser = _new_parser()
    parser.StartElementHandler = start
    _parse(package, rels, parser)
    package.rel_ids[source] = ids
    return found


# --------------------------------------------------------------------------- the XML walk

_W_URI = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_URI = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# States of the element stack. Only elements python-docx reads text from have a state
# other than _SKIP; everything under a _SKIP element is skipped too.
(_SKIP, _ROOT, _DOCUMENT, _BODY, _BLOCKS, _BODY_P, _P, _PPR, _SECT, _LINK, _RUN, _TEXT,
 _TABLE, _ROW, _CELL, _CELL_PR, _LEAF) = range(17)


@dataclass(frozen=True)
class _Names:
    """Element and attribute names as expat reports them: ``w:p`` when the part binds the
    usual prefixes (parsed without namespace processing: a third faster), else ``<uri> p``."""

    moves: list[dict[str, int]]  # per parent state: element name -> its state
    leaf_text: dict[str, str]
    refs: dict[str, str]
    br: str
    vmerge: str
    type: str
    val: str
    rid: str


def _names(w: str, r: str) -> _Names:
    def e(local: str) -> str:
        return w + local

    moves = {
        (_ROOT, e("document")): _DOCUMENT,
        (_ROOT, e("hdr")): _BLOCKS,
        (_ROOT, e("ftr")): _BLOCKS,
        (_DOCUMENT, e("body")): _BODY,
        (_BODY, e("p")): _BODY_P,
        (_BODY, e("tbl")): _TABLE,
        (_BODY, e("sectPr")): _SECT,
        (_BLOCKS, e("p")): _P,
        (_BLOCKS, e("tbl")): _TABLE,
        (_CELL, e("p")): _P,
        (_CELL, e("tbl")): _TABLE,
        (_CELL, e("tcPr")): _CELL_PR,
        (_TABLE, e("tr")): _ROW,
        (_ROW, e("tc")): _CELL,
        (_BODY_P, e("pPr")): _PPR,
        (_PPR, e("sectPr")): _SECT,
        (_RUN, e("t")): _TEXT,
        (_CELL_PR, e("vMerge")): _LEAF,
    }
    for paragraph in (_BODY_P, _P):
        moves[(paragraph, e("r"))] = _RUN
        moves[(paragraph, e("hyperlink"))] = _LINK
    moves[(_LINK, e("r"))] = _RUN
    for leaf in ("tab", "ptab", "cr", "br", "noBreakHyphen"):
        moves[(_RUN, e(leaf))] = _LEAF
    for ref in ("headerReference", "footerReference"):
        moves[(_SECT, e(ref))] = _LEAF
    by_parent: list[dict[str, int]] = [{} for _ in range(_LEAF + 1)]
    for (parent, tag), state in moves.items():
        by_parent[parent][tag] = state
    return _Names(
        moves=by_parent,
        leaf_text={e("tab"): "\t", e("ptab"): "\t", e("cr"): "\n", e("noBreakHyphen"): "-"},
        refs={e("headerReference"): "header", e("footerReference"): "footer"},
        br=e("br"), vmerge=e("vMerge"), type=e("type"), val=e("val"), rid=r + "id",
    )


_PREFIXED = _names("w:", "r:")
_QUALIFIED = _names(_W_URI + " ", _R_URI + " ")


class _OtherPrefixes(Exception):
    """The part does not bind w: and r: as Word does: parse it again with namespaces."""


@dataclass
class _Walked:
    lines: list[str]
    sections: list[dict[tuple[str, str], str]]  # per w:sectPr: (header|footer, type) -> r:id


def _walk_with(package: _Package, name: str, n: _Names, qualified: bool) -> _Walked:
    """One pass of expat over part ``name``; the handlers are closures over local state."""
    lines: list[str] = []
    sections: list[dict[tuple[str, str], str]] = []
    stack = [_ROOT]
    push, pop = stack.append, stack.pop
    pieces: list[str] = []
    cells: list[list] = []  # [first line of the cell, vertically merged (continue)]
    moves, leaf_text, refs = n.moves, n.leaf_text, n.refs

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal pieces
        parent = stack[-1]
        if not parent:  # _SKIP: most elements (run and paragraph properties)
            push(_SKIP)
            return
        state = moves[parent].get(tag, _SKIP)
        push(state)
        if state == _LEAF:
            if parent == _RUN:
                if tag == n.br:
                    if attrs.get(n.type, "textWrapping") == "textWrapping":
                        pieces.append("\n")
                else:
                    pieces.append(leaf_text[tag])
            elif parent == _SECT:
                sections[-1].setdefault((refs[tag], attrs.get(n.type, "")), attrs.get(n.rid, ""))
            elif attrs.get(n.val, "continue") == "continue":  # w:vMerge of a cell
                cells[-1][1] = True
        elif state == _BODY_P or state == _P:
            pieces = []
        elif state == _CELL:
            cells.append([len(lines), False])
        elif state == _SECT:
            sections.append({})

    def root(tag: str, attrs: dict[str, str]) -> None:
        if not qualified and (attrs.get("xmlns:w") != _W_URI or attrs.get("xmlns:r", _R_URI) != _R_URI):
            raise _OtherPrefixes
        parser.StartElementHandler = start
        start(tag, attrs)

    def end(tag: str) -> None:
        state = pop()
        if not state:
            return
        if state == _BODY_P or state == _P:
            lines.append("".join(pieces))
        elif state == _CELL:
            first, merged = cells.pop()
            if merged:  # the cell above holds the content: python-docx reads it once
                del lines[first:]

    def text(data: str) -> None:
        if stack[-1] == _TEXT:
            pieces.append(data)

    parser = expat.ParserCreate(namespace_separator=" ") if qualified else expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 65536
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = root, end, text
    _parse(package, name, parser)
    return _Walked(lines, sections)


def _walk(package: _Package, name: str) -> _Walked:
    try:
        return _walk_with(package, name, _PREFIXED, qualified=False)
    except _OtherPrefixes:
        return _walk_with(package, name, _QUALIFIED, qualified=True)


def _pages(package: _Package) -> int | None:
    """``<Pages>`` of docProps/app.xml, if it holds a positive number."""
    if _APP not in package:
        return None
    found: list[str] = []
    inside = [False]

    def start(tag: str, attrs: dict[str, str]) -> None:
        inside[0] = tag.rsplit(" ", 1)[-1] == "Pages" and not found

    def end(tag: str) -> None:
        if inside[0]:
            found.append("".join(texts))
        inside[0] = False

    texts: list[str] = []

    def text(data: str) -> None:
        if inside[0]:
            texts.append(data)

    parser = _new_parser()
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    try:
        _parse(package, _APP, parser)
    except _XmlError:  # the count is only a hint; a damaged or oversized part is still refused
        return None
    if not found:
        return None
    try:
        pages = int(found[0].strip())
    except ValueError:
        return None
    return pages if pages > 0 else None


def docx_text(
    stream: BinaryIO, *, part_limit: int = DEFAULT_PART_LIMIT, total_limit: int = DEFAULT_TOTAL_LIMIT
) -> DocxText:
    """The lines and page count of the .docx in ``stream`` (seekable); ``DocxError`` if unreadable."""
    package = _Package(stream, part_limit, total_limit)
    main = next((part for kind, part in _relationships(package, "") if kind == _OFFICE_DOCUMENT), None)
    if main is None or main not in package:
        raise DocxError(_("not a Word .docx document (corrupt, encrypted or another format)"))
    _relationships(package, main)
    body = _walk(package, main)
    lines = body.lines
    by_id = package.rel_ids.get(main, {})
    seen: set[str] = set()
    for section in body.sections:
        for kind in _HDRFTR_ORDER:
            rid = section.get(kind)
            if rid is None:
                continue  # linked to the previous section's
            part = by_id.get(rid)
            if part is None or part not in package:
                raise DocxError(_("cannot read the Word document: no part for the {kind} {rid!r}").format(
                    kind=kind[0], rid=rid
                ))
            if part in seen:
                continue
            seen.add(part)
            lines.extend(_walk(package, part).lines)
    return DocxText(tuple(lines), _pages(package))
