"""Reading a rendered .docx back the way Word resolves it: effective run formatting.

A run's font, size, bold and italic come from the run itself, else its
paragraph style chain, else the document defaults; the tests check the
Decree 30 rules against what a reader would actually see.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Length

FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")


def open_docx(source: Path | bytes) -> Document:
    return docx.Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))


@dataclass(frozen=True)
class RunFormat:
    text: str
    fonts: tuple[str | None, ...]  # the four rFonts slots
    size: float | None
    bold: bool
    italic: bool


def _rpr_value(rpr, tag: str):
    if rpr is None:
        return None
    return rpr.find(qn(tag))


def _toggle(el) -> bool | None:
    if el is None:
        return None
    val = el.get(qn("w:val"))
    return val not in ("0", "false", "off")


def _style_chain(doc: Document, paragraph):
    style = paragraph.style
    chain = []
    while style is not None:
        chain.append(style.element.find(qn("w:rPr")))
        style = style.base_style
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    chain.append(rpr_default.find(qn("w:rPr")) if rpr_default is not None else None)
    return chain


def run_format(doc: Document, paragraph, run) -> RunFormat:
    chain = [run._r.find(qn("w:rPr")), *_style_chain(doc, paragraph)]
    fonts = []
    for slot in FONT_SLOTS:
        value = None
        for rpr in chain:
            f = _rpr_value(rpr, "w:rFonts")
            if f is not None and f.get(qn(slot)):
                value = f.get(qn(slot))
                break
        fonts.append(value)
    size = None
    for rpr in chain:
        sz = _rpr_value(rpr, "w:sz")
        if sz is not None:
            size = int(sz.get(qn("w:val"))) / 2
            break
    flags = {}
    for tag in ("w:b", "w:i"):
        flags[tag] = False
        for rpr in chain:
            t = _toggle(_rpr_value(rpr, tag))
            if t is not None:
                flags[tag] = t
                break
    return RunFormat(run.text, tuple(fonts), size, flags["w:b"], flags["w:i"])


def iter_paragraphs(container):
    """Body paragraphs and those inside tables (nested too), in order."""
    for block in container.iter_inner_content():
        if hasattr(block, "runs"):
            yield block
        else:
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    yield from iter_paragraphs(cell)


def all_paragraphs(doc: Document):
    yield from iter_paragraphs(doc)


def flat(text: str) -> str:
    """A paragraph's text with its line breaks as spaces: paperwork breaks centred lines where they
    read well (linebreak.py), which is layout, not content."""
    return text.replace("\n", " ")


def full_text(doc: Document) -> str:
    parts = [flat(p.text) for p in all_paragraphs(doc)]
    for section in doc.sections:
        for hdr in (section.header, section.first_page_header):
            parts.extend(p.text for p in hdr.paragraphs)
    return "\n".join(parts)


def find(doc: Document, predicate) -> list:
    return [p for p in all_paragraphs(doc) if predicate(flat(p.text))]


def one(doc: Document, predicate, what: str):
    found = find(doc, predicate)
    assert found, f"no paragraph for {what}"
    return found[0]


def formats(doc: Document, paragraph) -> list[RunFormat]:
    return [run_format(doc, paragraph, r) for r in paragraph.runs if r.text.strip()]


def mm(length: Length | None) -> float:
    assert length is not None
    return length / 36000


def has_page_field(part) -> bool:
    xml = part._element.xml
    return ("PAGE" in xml) and ("w:fldChar" in xml or "w:fldSimple" in xml)
