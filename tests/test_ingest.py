"""The ingestion path: the streaming .docx extractor, grouped writes, the batch's texts, kills mid-group.

* the new extractor (archive/docxtext.py) gives exactly the text the python-docx walk gave, on every
  kind paperwork renders, on the archive tests' documents and on documents built to hold what
  python-docx reads and what it leaves out;
* the batch path (texts read off the rendered bytes in the render workers) and ``archive add``
  (texts extracted from the files, on worker processes) give identical catalog rows and hits;
* files are stored, catalogued and indexed a group at a time; a kill -9 in the middle of a grouped
  add loses no acknowledged document, and ``archive verify`` + ``reindex`` end clean.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
import yaml
from archive_docs import make_document, make_many
from click.testing import CliRunner
from conftest import decision_data, init_workspace_cli, make_workspace
from docx.oxml import parse_xml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperwork.archive import ingest as ingest_module
from paperwork.archive import service
from paperwork.archive.extract import UnreadableDocumentError, _clean, extract, extract_data
from paperwork.archive.ingest import Incoming, ingest
from paperwork.archive.store import DocumentMeta, FileStore, SourceError
from paperwork.cli import cli
from paperwork.config import Workspace, load_workspace
from paperwork.generate import is_numbered, render_document
from paperwork.inputs import load_input
from paperwork.kinds import KINDS

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
V_NS = 'xmlns:v="urn:schemas-microsoft-com:vml"'


# --------------------------------------------------------------------------- the old extractor


def _block_lines(container) -> Iterator[str]:
    """The python-docx walk the archive used before docxtext.py (kept here as the reference)."""
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            yield from _table_lines(item)
        else:
            yield item.text


def _table_lines(table) -> Iterator[str]:
    seen: list = []
    for row in table.rows:
        for cell in row.cells:
            if any(cell._tc is tc for tc in seen):
                continue
            seen.append(cell._tc)
            yield from _block_lines(cell)


def old_text(source: Path | bytes) -> str:
    document = docx.Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    lines = list(_block_lines(document))
    seen_parts: set[int] = set()
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.even_page_header,
                     section.footer, section.first_page_footer, section.even_page_footer):
            if part.is_linked_to_previous or id(part.part) in seen_parts:
                continue
            seen_parts.add(id(part.part))
            lines.extend(_block_lines(part))
    return _clean(lines)


def assert_same_text(path: Path) -> str:
    new = extract(path).text
    assert new == old_text(path)
    assert extract_data(path, path.read_bytes()).text == new
    return new


# --------------------------------------------------------------------------- the extractor


@pytest.mark.parametrize("kind_name", sorted(KINDS))
@pytest.mark.parametrize("numbered", [False, True], ids=["draft", "numbered"])
def test_the_new_extractor_reads_every_kind_as_python_docx_did(kind_name: str, numbered: bool,
                                                               tmp_path: Path) -> None:
    kind = KINDS[kind_name]
    src = tmp_path / f"{kind_name}.yaml"
    src.write_text(kind.example(), encoding="utf-8")
    ws = Workspace(root=tmp_path)
    doc = load_input(src, kind.model)
    number = 7 if numbered and is_numbered(kind, ws) else None
    path = tmp_path / f"{kind_name}.docx"
    path.write_bytes(render_document(kind, doc, ws, number=number))
    text = assert_same_text(path)
    assert len(text.splitlines()) > 10


def test_the_new_extractor_reads_the_archive_test_documents_as_python_docx_did(tmp_path: Path) -> None:
    paths = [
        make_document(tmp_path / "qd.docx"),
        make_document(tmp_path / "nfd.docx", body=(unicodedata.normalize("NFD", "Quyết định khen thưởng"),)),
        make_document(tmp_path / "cv.docx", heading="", title="V/v: tổ chức hội nghị", number="12/SNV-VP"),
        make_document(tmp_path / "none.docx", number=None, date_line=None, authority=None),
        *make_many(tmp_path / "many", 3),
    ]
    with_header = make_document(tmp_path / "header.docx")
    document = docx.Document(str(with_header))
    document.sections[0].header.paragraphs[0].text = "Đầu trang riêng"
    document.sections[0].footer.paragraphs[0].text = "Chân trang"
    document.save(str(with_header))
    for path in [*paths, with_header]:
        assert_same_text(path)


def _paragraph(inner: str) -> str:
    return f"<w:p {W_NS} {V_NS}>{inner}</w:p>"


# What python-docx reads and what it leaves out, inside one paragraph each.
RUN_CASES = {
    "plain": "<w:r><w:t>Quyết định</w:t></w:r><w:r><w:t xml:space='preserve'> số 05 </w:t></w:r>",
    "tabs and breaks": "<w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:cr/><w:t>d</w:t>"
                       "<w:ptab w:relativeTo='margin' w:alignment='right' w:leader='none'/><w:t>e</w:t></w:r>",
    "break types": "<w:r><w:t>x</w:t><w:br w:type='page'/><w:t>y</w:t><w:br w:type='column'/>"
                   "<w:t>z</w:t><w:br w:type='textWrapping'/><w:t>w</w:t></w:r>",
    "hyphens and symbols": "<w:r><w:t>thi</w:t><w:noBreakHyphen/><w:t>đua</w:t><w:softHyphen/>"
                           "<w:sym w:font='Symbol' w:char='F0B7'/></w:r>",
    "hyperlink": "<w:r><w:t>Xem </w:t></w:r><w:hyperlink w:anchor='x'><w:r><w:t>Điều 2</w:t></w:r>"
                 "<w:r><w:t>, khoản 1</w:t></w:r></w:hyperlink>",
    "wrapped runs": "<w:ins w:id='1' w:author='a'><w:r><w:t>inserted</w:t></w:r></w:ins>"
                    "<w:del w:id='2' w:author='a'><w:r><w:delText>deleted</w:delText></w:r></w:del>"
                    "<w:smartTag w:uri='u' w:element='e'><w:r><w:t>tagged</w:t></w:r></w:smartTag>"
                    "<w:fldSimple w:instr='PAGE'><w:r><w:t>2</w:t></w:r></w:fldSimple>"
                    "<w:sdt><w:sdtContent><w:r><w:t>control</w:t></w:r></w:sdtContent></w:sdt>"
                    "<w:r><w:t>kept</w:t></w:r>",
    "text box": "<w:r><w:t>before</w:t></w:r><w:r><w:pict><v:shape><v:textbox><w:txbxContent>"
                "<w:p><w:r><w:t>in the box</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
                "<w:r><w:t>after</w:t></w:r>",
    "spaces": "<w:r><w:t xml:space='preserve'>  Cà\u00a0Mau  </w:t></w:r>",
    "properties": "<w:pPr><w:jc w:val='center'/><w:rPr><w:b/></w:rPr></w:pPr><w:r><w:rPr><w:b/><w:i/>"
                  "<w:rFonts w:ascii='Times New Roman'/></w:rPr><w:t>BẢN GIAO ƯỚC</w:t></w:r>",
    "empty": "",
}


@pytest.mark.parametrize("case", sorted(RUN_CASES))
def test_what_python_docx_reads_and_leaves_out_of_a_paragraph(case: str, tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Trước")
    document.element.body.insert(1, parse_xml(_paragraph(RUN_CASES[case])))
    document.add_paragraph("Sau")
    path = tmp_path / "p.docx"
    document.save(str(path))
    assert_same_text(path)


def test_merged_nested_and_wrapped_tables_and_paragraphs(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=4, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.paragraphs[0].text = f"ô {r}.{c}"
    table.cell(0, 0).merge(table.cell(0, 1))  # horizontal: one cell over two columns
    table.cell(1, 2).merge(table.cell(3, 2))  # vertical: restart + two continues
    table.cell(2, 0).add_table(rows=2, cols=2).cell(1, 1).paragraphs[0].text = "lồng nhau"
    wrapped = parse_xml(f"<w:sdt {W_NS}><w:sdtContent><w:p><w:r><w:t>trong sdt</w:t></w:r></w:p>"
                        "</w:sdtContent></w:sdt>")
    document.element.body.insert(0, wrapped)
    path = tmp_path / "tables.docx"
    document.save(str(path))
    text = assert_same_text(path)
    assert "lồng nhau" in text and "trong sdt" not in text


def test_sections_with_first_even_and_linked_headers(tmp_path: Path) -> None:
    document = docx.Document()
    document.settings.odd_and_even_pages_header_footer = True
    first = document.sections[0]
    first.different_first_page_header_footer = True
    first.header.paragraphs[0].text = "đầu mặc định 1"
    first.first_page_header.paragraphs[0].text = "đầu trang đầu 1"
    first.even_page_footer.paragraphs[0].text = "chân chẵn 1"
    document.add_paragraph("Phần một")
    second = document.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "đầu mặc định 2"
    document.add_paragraph("Phần hai")
    document.add_section()  # everything linked to the previous section
    document.add_paragraph("Phần ba")
    path = tmp_path / "sections.docx"
    document.save(str(path))
    text = assert_same_text(path)
    assert "đầu trang đầu 1" in text and "đầu mặc định 2" in text


# A random document: paragraphs of random run pieces, tables with random merges and nesting.
PIECES = st.sampled_from([
    "<w:t>thi đua</w:t>", "<w:t xml:space='preserve'> khen </w:t>", "<w:tab/>", "<w:br/>",
    "<w:br w:type='page'/>", "<w:cr/>", "<w:noBreakHyphen/>", "<w:t>Đ\u00a0Ð</w:t>", "<w:t></w:t>",
    "<w:t>&amp;&lt;x&gt;</w:t>", "<w:rPr><w:b/></w:rPr>",
])
RUNS = st.lists(st.lists(PIECES, max_size=4).map(lambda p: "<w:r>" + "".join(p) + "</w:r>"), max_size=4)
PARAGRAPHS = RUNS.map(lambda runs: "<w:p>" + "".join(runs) + "</w:p>")


def _cell(content: str, merge: str) -> str:
    props = {"": "", "h": "<w:tcPr><w:gridSpan w:val='2'/></w:tcPr>",
             "r": "<w:tcPr><w:vMerge w:val='restart'/></w:tcPr>", "c": "<w:tcPr><w:vMerge/></w:tcPr>"}[merge]
    return f"<w:tc>{props}{content or '<w:p/>'}</w:tc>"


TABLES = st.lists(
    st.lists(st.tuples(st.lists(PARAGRAPHS, min_size=1, max_size=2).map("".join), st.sampled_from("hrc" + "  ")),
             min_size=1, max_size=3),
    min_size=1, max_size=3,
).map(lambda rows: "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>" + "".join(
    "<w:tr>" + "".join(_cell(c, m.strip()) for c, m in row) + "</w:tr>" for row in rows) + "</w:tbl>")
BLOCKS = st.lists(st.one_of(PARAGRAPHS, TABLES), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blocks=BLOCKS)
def test_random_documents_read_as_python_docx_read_them(blocks: list[str], tmp_path: Path) -> None:
    document = docx.Document()
    body = document.element.body
    for at, block in enumerate(blocks):
        body.insert(at, parse_xml(block.replace("<w:p>", f"<w:p {W_NS}>", 1) if block.startswith("<w:p>")
                                  else block.replace("<w:tbl>", f"<w:tbl {W_NS}>", 1)))
    data = io.BytesIO()
    document.save(data)
    path = tmp_path / "random.docx"
    path.write_bytes(data.getvalue())
    try:
        expected = old_text(path)
    except ValueError:  # a vertical merge continuing nothing: python-docx gives up, we read on
        return
    assert extract(path).text == expected


def test_a_docx_whose_main_part_is_missing_is_refused_in_one_line(tmp_path: Path) -> None:
    import zipfile

    good = make_document(tmp_path / "qd.docx")
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            if item.filename != "word/document.xml":
                dst.writestr(item, src.read(item.filename))
    with pytest.raises(UnreadableDocumentError) as raised:
        extract(broken)
    assert raised.value.reason == "not a Word .docx document (corrupt, encrypted or another format)"


# --------------------------------------------------------------------------- Whoosh, tuned


def test_the_tuned_whoosh_writer_writes_the_postings_of_the_stock_one(tmp_path: Path) -> None:
    """Fast formats (words straight from our tokenizer) and lengths read once per field: the same
    terms, postings (positions, weights), field lengths and stored fields as Whoosh's own code."""
    from whoosh import index as whoosh_index
    from whoosh.formats import Frequency, Positions

    from paperwork.archive.engines import whoosh_engine, whoosh_writing
    from paperwork.archive.index import IndexDocument

    stock_schema = whoosh_engine._schema()
    for name in ("content", "exact", "agency"):
        field = stock_schema[name]
        stock = Positions if isinstance(field.format, Positions) else Frequency
        field.format = stock(field_boost=field.format.field_boost)
    assert type(whoosh_engine._schema()["content"].format) is whoosh_writing.FastPositions
    docs = [IndexDocument(i, f"d{i}.docx", f"Về việc khen thưởng đợt {i}", "Quyết định", f"{i}/QĐ-SNV",
                          "2026-03-06", "UBND TỈNH CÀ MAU / SỞ NỘI VỤ",
                          "Căn cứ Luật Thi đua, khen thưởng; thi đua thi đua Đ Ð đ quyết định.\n" * (i % 3 + 1)
                          + f"maso{i} Nguyễn Văn Bảy 2026") for i in range(1, 40)]
    readers = []
    for name, schema, tuned in (("stock", stock_schema, False), ("tuned", whoosh_engine._schema(), True)):
        (tmp_path / name).mkdir()
        ix = whoosh_index.create_in(str(tmp_path / name), schema)
        writer = ix.writer(compound=False)
        if tuned:
            whoosh_writing.fast_flush(writer)
        for doc in docs:
            writer.add_document(**whoosh_engine._fields(doc))
        writer.commit()
        readers.append(ix.reader())
    stock, tuned = readers
    assert list(stock.all_terms()) == list(tuned.all_terms())
    for fieldname, term in stock.all_terms():
        assert list(stock.postings(fieldname, term).all_items()) == list(tuned.postings(fieldname, term).all_items())
    for n in range(len(docs)):
        assert stock.stored_fields(n) == tuned.stored_fields(n)
        for fieldname in ("content", "exact", "agency"):
            assert stock.doc_field_length(n, fieldname) == tuned.doc_field_length(n, fieldname)
