"""docxtpl's rendering, with its per-template work done once: the fast path behind ``render.py``.

``DocxTemplate(path).render(ctx); save()`` re-reads the package, re-runs the
regex preparation of the XML (``patch_xml``), compiles the Jinja template again
and re-compresses every part (styles alone are ~800 KB) for every document.
``PreparedTemplate`` does all of that once per template and process:

* load the package with python-docx once; the body, every header and footer
  that holds template tags (and any core property that does) are prepared with
  docxtpl's own ``patch_xml`` and compiled once with the caller's Jinja
  environment;
* the package python-docx would write for the template (core properties
  already rendered as docxtpl renders them) is kept as a *skeleton*: each
  member that does not change is kept compressed, re-using the template's own
  compressed bytes when the content is the same, so a document costs one
  compression of ``word/document.xml`` (plus the templated headers);
* per document: render the compiled template, apply docxtpl's post-processing
  in the same order and with the same code (newline removal, ``{_{`` escapes,
  ``resolve_listing`` when a value holds a tab/newline, ``fix_tables``,
  ``fix_docpr_ids`` from 1001), put the body into a copy of the document
  element and serialise it as python-docx does.

The XML of every part is therefore the same as docxtpl's (tests compare them
for every kind); only the zip container differs (fixed timestamps, so the same
input gives the same bytes). Templates this path does not cover (a footnotes
part) fall back to plain docxtpl, as does a context holding docxtpl objects
(``InlineImage``, ``Subdoc`` …) that need a live ``DocxTemplate``.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["PreparedTemplate", "Unsupported", "is_plain", "render_plain"]

HEADER_URI = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_URI = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# docxtpl.DocxTemplate.render_properties renders these core properties.
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
TAG = re.compile(r"{{|{%|{#")
LISTING_CHARS = ("\t", "\a", "\n", "\f")
COMPRESS_LEVEL = 6  # zipfile's (and so python-docx's) default
# 1980-01-01 00:00: fixed, so that the same document always has the same bytes.
ZIP_DATE, ZIP_TIME = (0 << 9) | (1 << 5) | 1, 0


class Unsupported(Exception):
    """The template uses a docxtpl feature this path does not reproduce; use plain docxtpl."""


@dataclass(frozen=True)
class _Member:
    name: str
    method: int  # zipfile.ZIP_DEFLATED or ZIP_STORED
    crc: int
    size: int
    data: bytes  # compressed as ``method`` says


@dataclass(frozen=True)
class _Dynamic:
    """A part rendered per document: its compiled template and how to serialise it."""

    name: str
    template: Any  # jinja2.Template
    encoding: str


def _docxtpl():
    from docxtpl import DocxTemplate

    return DocxTemplate


def _post(dst_xml: str) -> str:
    """docxtpl's ``render_xml_part`` after the Jinja render, step by step."""
    dst_xml = dst_xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
    dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if any(c in dst_xml for c in LISTING_CHARS):
        # A value with a tab, newline … : docxtpl turns them into runs and breaks.
        # Without any, resolve_listing returns its input unchanged.
        dst_xml = _docxtpl().resolve_listing(None, dst_xml)
    return dst_xml


def _prepare_source(xml: str) -> str:
    """docxtpl's ``patch_xml`` and the newline ``render_xml_part`` puts before every paragraph."""
    patched = _docxtpl().patch_xml(None, xml)
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _stored(name: str, data: bytes) -> _Member:
    return _Member(name, zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data), _deflate(data))


def _raw_members(path: Path) -> dict[str, tuple[zipfile.ZipInfo, bytes]]:
    """Each member of the template's zip with its compressed bytes as they are on disk."""
    out = {}
    with open(path, "rb") as fh, zipfile.ZipFile(fh) as zf:
        for info in zf.infolist():
            if info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED) or info.flag_bits & 0x1:
                continue
            fh.seek(info.header_offset)
            header = fh.read(30)
            name_len, extra_len = struct.unpack("<HH", header[26:30])
            fh.seek(info.header_offset + 30 + name_len + extra_len)
            out[info.filename] = (info, fh.read(info.compress_size))
    return out


def write_zip(members: list[_Member], out: io.BytesIO) -> None:
    """A plain zip (no zip64: a .docx is far below 4 GB) from members already compressed."""
    central = []
    for m in members:
        name = m.name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, m.method, ZIP_TIME, ZIP_DATE,
                              m.crc, len(m.data), m.size, len(name), 0))
        out.write(name)
        out.write(m.data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, m.method, ZIP_TIME,
                                   ZIP_DATE, m.crc, len(m.data), m.size, len(name), 0, 0, 0, 0, 0, offset) + name)
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), size, start, 0))


class PreparedTemplate:
    """One .docx template, prepared once; ``render(context)`` gives a document's bytes.

    ``env`` is the Jinja environment every part is compiled with (the caller's
    StrictUndefined + autoescape one); it must not change afterwards.
    """

    def __init__(self, path: Path, env: Any):
        from docx import Document
        from docx.opc.oxml import parse_xml, serialize_part_xml
        from lxml import etree

        self.path = Path(path)
        self.env = env
        env.autoescape = True  # what docxtpl's render(..., autoescape=True) does to the environment
        docx = Document(str(self.path))
        package = docx.part.package
        if any(p.content_type == FOOTNOTES_CT for p in package.iter_parts()):
            raise Unsupported(f"{self.path.name}: footnotes")

        # The body: docxtpl renders the serialised <w:body> alone and swaps it in.
        root = docx.element
        body = root.body
        self._body = env.from_string(_prepare_source(etree.tostring(body, encoding="unicode")))
        self._shell = copy.deepcopy(root)
        shell_body = self._shell.body
        self._body_index = self._shell.index(shell_body)
        self._shell.remove(shell_body)
        self._document_name = docx.part.partname.membername

        # Headers and footers: rendered per document when they hold tags, else once now.
        self._parts: list[_Dynamic] = []
        fixed: dict[str, bytes] = {}
        for rel in docx.part.rels.values():
            if rel.reltype not in (HEADER_URI, FOOTER_URI) or rel.is_external or not rel.target_part.blob:
                continue
            part = rel.target_part
            xml = etree.tostring(parse_xml(part.blob), encoding="unicode")
            source = _prepare_source(xml)
            name = part.partname.membername
            if TAG.search(source):
                self._parts.append(_Dynamic(name, env.from_string(source), "utf-8"))
            else:
                fixed[name] = serialize_part_xml(parse_xml(_post(env.from_string(source).render({})).encode("utf-8")))

        # Core properties: docxtpl renders six of them (and so writes them all, even empty).
        self._properties: dict[str, Any] = {}
        core = docx.core_properties
        for prop in PROPERTIES:
            initial = getattr(core, prop)
            if TAG.search(initial):
                self._properties[prop] = env.from_string(initial)
            else:
                setattr(core, prop, env.from_string(initial).render({}))
        self._core_name = package.part_related_by(
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
        ).partname.membername
        self._dynamic_names = {self._document_name, *(p.name for p in self._parts)}
        if self._properties:
            self._dynamic_names.add(self._core_name)

        # The skeleton: what python-docx writes for this package, unchanged members kept compressed.
        buf = io.BytesIO()
        docx.save(buf)
        original = _raw_members(self.path)
        self._members: list[_Member | str] = []
        with zipfile.ZipFile(buf) as skeleton:
            for info in skeleton.infolist():
                name = info.filename
                if name in self._dynamic_names:
                    self._members.append(name)
                    if name == self._core_name:
                        self._core_xml = skeleton.read(name)
                    continue
                data = fixed.get(name) or skeleton.read(name)
                raw = original.get(name)
                if raw is not None and raw[0].file_size == len(data) and raw[0].CRC == zlib.crc32(data):
                    self._members.append(_Member(name, raw[0].compress_type, raw[0].CRC, len(data), raw[1]))
                else:
                    self._members.append(_stored(name, data))

    # -- per document ---------------------------------------------------------

    def render(self, context: Mapping[str, Any]) -> bytes:
        """The document's bytes: the same XML as docxtpl's render(context, env, autoescape=True) + save."""
        from docx.opc.oxml import parse_xml, serialize_part_xml

        rendered = {self._document_name: self._render_body(context)}
        for part in self._parts:
            xml = _post(part.template.render(context))
            rendered[part.name] = serialize_part_xml(parse_xml(xml.encode(part.encoding)))
        if self._properties:
            rendered[self._core_name] = self._render_core(context)
        members = [_stored(m, rendered[m]) if isinstance(m, str) else m for m in self._members]
        out = io.BytesIO()
        write_zip(members, out)
        return out.getvalue()

    def _render_body(self, context: Mapping[str, Any]) -> bytes:
        from docx.opc.oxml import serialize_part_xml

        xml = _post(self._body.render(context))
        tree = _docxtpl().fix_tables(None, xml)
        _fix_docpr_ids(tree)
        root = copy.deepcopy(self._shell)
        root.insert(self._body_index, tree)
        return serialize_part_xml(root)

    def _render_core(self, context: Mapping[str, Any]) -> bytes:
        from docx.opc.oxml import serialize_part_xml
        from docx.oxml.parser import parse_xml

        element = parse_xml(self._core_xml)
        for prop, template in self._properties.items():
            setattr(element, f"{prop}_text", template.render(context))  # as CoreProperties does
        return serialize_part_xml(element)


def _fix_docpr_ids(tree: Any) -> None:
    """docxtpl's fix_docpr_ids for a fresh render (its counter starts at 1000)."""
    import docx.oxml.ns

    for i, elt in enumerate(tree.xpath("//wp:docPr", namespaces=docx.oxml.ns.nsmap), start=1001):
        elt.attrib["id"] = str(i)


_PLAIN = (str, int, float, bool, type(None), dt.date, dt.time, dt.datetime)


def is_plain(value: Any) -> bool:
    """True when the context holds only data (no docxtpl objects that need a live template)."""
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and is_plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(is_plain(v) for v in value)
    return False


def render_plain(path: Path, context: Mapping[str, Any], env: Any) -> bytes:
    """Plain docxtpl, as a user would call it: the reference the fast path is measured against."""
    doc = _docxtpl()(str(path))
    doc.render(dict(context), jinja_env=env, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
