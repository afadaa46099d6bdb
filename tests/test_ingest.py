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
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
import yaml
from archive_docs import make_document, make_many
from click.testing import CliRunner
from conftest import decision_data, fill, init_workspace_cli, make_workspace, small_tmpfs
from docx.oxml import parse_xml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperwork.archive import ingest as ingest_module
from paperwork.archive import service
from paperwork.archive.extract import UnreadableDocumentError, _clean, extract, extract_data
from paperwork.archive.store import DocumentMeta, FileStore
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


# --------------------------------------------------------------------------- helpers


ENGINES = ["whoosh", "tantivy"]
QUERIES = ["khen thưởng", "quyet dinh", "Nguyễn Văn Bảy", '"giấy khen"', "05/QĐ-SNV", "dot 7", "thi đua year:2026"]


def rows_of(ws: Workspace) -> list[dict]:
    """Every catalog row, text included, without what differs from one add to another (the time)."""
    conn = sqlite3.connect(ws.catalog_path)
    conn.row_factory = sqlite3.Row
    try:
        rows = [dict(row) for row in conn.execute("SELECT * FROM archive_documents ORDER BY id")]
    finally:
        conn.close()
    for row in rows:
        row.pop("added_at")
    return rows


def hits_of(ws: Workspace) -> dict[str, list[tuple]]:
    """The hits of each query, equal scores in id order (how the engine breaks a tie depends on
    how its segments were written)."""
    found = {q: service.search(ws, q, limit=1000) for q in QUERIES}  # every hit: ties cut nowhere
    return {q: sorted((-round(h.score, 3), h.id, h.filename, h.number, h.snippet) for h in hits)
            for q, hits in found.items()}


def verify_clean(ws: Workspace) -> None:
    from paperwork.archive.upkeep import verify

    report = verify(ws)
    assert report.ok, [p.message for p in report.problems]


@pytest.fixture
def small_groups(monkeypatch):
    """Groups of 5 files, and worker processes from 8 files: the paths of a long add, on a short one."""
    monkeypatch.setattr(ingest_module, "GROUP", 5)
    monkeypatch.setattr(ingest_module, "POOL_FROM", 8)
    from paperwork.archive.engines import whoosh_writing

    monkeypatch.setattr(whoosh_writing.WhooshBulk, "SEGMENT", 12)


# --------------------------------------------------------------------------- the ways in agree


@pytest.mark.parametrize("engine", ENGINES)
def test_an_add_on_workers_in_groups_gives_the_rows_and_hits_of_an_add_in_this_process(
        engine: str, tmp_path: Path, small_groups, monkeypatch, pdfs: dict[str, Path]) -> None:
    """Worker processes, groups of 5, Whoosh's builder process: the same catalog and search
    results as reading every file here, one group (and the same ids, in the files' order)."""
    files = [*make_many(tmp_path / "in", 30), pdfs["quyet-dinh"], pdfs["giay-moi"]]
    files.insert(7, files[3])  # the same bytes twice
    profile = f'[archive]\nengine = "{engine}"\n'
    pooled = make_workspace(tmp_path / "pooled", profile)
    report = service.add_files(pooled, files)
    assert not report.failed and report.index_error is None
    assert [r.source_path for r in report.added] == files
    assert report.added[7].duplicate and report.added[7].record.id == report.added[3].record.id

    monkeypatch.setattr(ingest_module, "POOL_FROM", 10**6)
    monkeypatch.setattr(ingest_module, "GROUP", 10**6)
    here = make_workspace(tmp_path / "here", profile)
    again = service.add_files(here, files)
    assert [(r.record.id, r.duplicate) for r in again.added] == [(r.record.id, r.duplicate) for r in report.added]
    assert rows_of(pooled) == rows_of(here)
    assert hits_of(pooled) == hits_of(here)
    verify_clean(pooled)
    verify_clean(here)
    assert not list((pooled.archive / "tmp").iterdir())


def _batch(root: Path, engine: str, count: int) -> tuple[Workspace, list[Path]]:
    ws_root = init_workspace_cli(root)
    with open(ws_root / "paperwork.toml", "r+", encoding="utf-8") as f:
        text = f.read().replace('engine = "whoosh"', f'engine = "{engine}"')
        f.seek(0), f.write(text), f.truncate()
    docs = [{"kind": "reward-decision", "data": decision_data(i), "output": f"qd-{i:02d}.docx"}
            for i in range(1, count + 1)]
    manifest = ws_root / "m.yaml"
    manifest.write_text(yaml.safe_dump({"documents": docs}, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(ws_root), "batch", str(manifest), "-o",
                                      str(ws_root / "out"), "--issue", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    return load_workspace(ws_root), sorted((ws_root / "out").glob("qd-*.docx"))


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_the_batch_and_archive_add_give_the_same_rows_and_hits(engine: str, tmp_path: Path, monkeypatch) -> None:
    """The batch archives each document with the text its render worker read off the rendered
    bytes, without reading the file again; adding the same files with the same metadata, or
    with `archive add` (metadata read off the text), gives the same rows and the same hits."""
    from paperwork.archive import extract as extract_module

    def not_here(*args, **kwargs):
        raise AssertionError("the batch's archive stage read a file it had just rendered")

    with monkeypatch.context() as patched:  # in this process: the render workers are others
        patched.setattr(ingest_module, "extract_data", not_here)
        patched.setattr(ingest_module, "extract", not_here)
        patched.setattr(extract_module, "extract_data", not_here)
        batch_ws, files = _batch(tmp_path / "batch", engine, 12)
    batch_rows = rows_of(batch_ws)
    assert len(batch_rows) == 12 and all(r["source"] == "generated" for r in batch_rows)
    for row, path in zip(batch_rows, files):
        assert row["text"] == extract(path).text  # the same text as reading the file

    profile = f'[archive]\nengine = "{engine}"\n'
    same_meta = make_workspace(tmp_path / "meta", profile)
    metas = [DocumentMeta(type=r["type"], number=r["number"], date=__import__("datetime").date.fromisoformat(r["date"]),
                          agency=r["agency"], title=r["title"], signer=r["signer"]) for r in batch_rows]
    report = service.add_documents(same_meta, list(zip(files, metas)), source="generated")
    assert not report.failed and report.index_error is None
    assert rows_of(same_meta) == batch_rows
    assert hits_of(same_meta) == hits_of(batch_ws)

    added = make_workspace(tmp_path / "add", profile)
    result = CliRunner().invoke(cli, ["--workspace", str(added.root), "archive", "add", "--source", "generated",
                                      *map(str, files)])
    assert result.exit_code == 0, result.output
    add_rows = rows_of(added)
    # What `archive add` reads off the text that the batch was given: the same type, number and date;
    # the agency as the header prints it, the trích yếu as the text breaks it.
    keys = ("id", "sha256", "filename", "stored_path", "size", "pages", "source", "text", "ocr", "type", "number",
            "date")
    assert [{k: r[k] for k in keys} for r in add_rows] == [{k: r[k] for k in keys} for r in batch_rows]
    # The same documents found (scores differ a little: the agency is part of the text searched).
    assert {q: sorted(h[1:4] for h in hits) for q, hits in hits_of(added).items()} == \
        {q: sorted(h[1:4] for h in hits) for q, hits in hits_of(batch_ws).items()}
    for ws in (batch_ws, same_meta, added):
        verify_clean(ws)


# --------------------------------------------------------------------------- the store's groups


def test_put_group_stores_in_order_and_reports_each_bad_source(tmp_path: Path) -> None:
    files = FileStore(tmp_path / "archive")
    a, b = make_many(tmp_path / "in", 2)
    missing = tmp_path / "in" / "gone.docx"
    wrong = (b, "0" * 64)  # changed since it was hashed
    first = files.put_group([(a, None), (missing, None), wrong, (b, None)])
    assert [type(r).__name__ for r in first] == ["StoredFile", "SourceError", "SourceError", "StoredFile"]
    assert first[1].reason == "cannot read: No such file or directory"
    assert first[2].reason == "the file changed while it was being added; try again"
    for stored, source in ((first[0], a), (first[3], b)):
        assert files.absolute(stored.stored_path).read_bytes() == source.read_bytes()
        assert not os.access(files.absolute(stored.stored_path), os.W_OK) or os.geteuid() == 0
        assert oct(files.absolute(stored.stored_path).stat().st_mode & 0o777) == "0o444"
    again = files.put_group([(a, first[0].sha256)])  # stored already: kept, the copy dropped
    assert again == [first[0]]
    assert list(files.tmp_dir.iterdir()) == []


def test_a_reader_s_copy_is_stored_as_it_was_read(tmp_path: Path) -> None:
    files = FileStore(tmp_path / "archive")
    source = make_document(tmp_path / "qd.docx")
    copy = files.write_copy(source.read_bytes(), owner=os.getpid(), tag="t1")
    source.write_bytes(b"changed after it was read")  # what was read is what is stored
    [stored] = files.put_group([(source, copy)])
    assert stored.sha256 == copy.sha256
    assert extract(files.absolute(stored.stored_path)).text.startswith("UBND TỈNH CÀ MAU")
    files.write_copy(b"never put in place", owner=os.getpid(), tag="t2")
    files.discard_temps("t2")
    assert list(files.tmp_dir.iterdir()) == []


# --------------------------------------------------------------------------- locks


def test_a_whoosh_add_holds_no_lock_while_it_writes_its_segment(tmp_path: Path, monkeypatch) -> None:
    """Another writer commits while a long add is still writing its segment (outside the lock)."""
    import threading

    from paperwork.archive.engines import whoosh_writing
    from paperwork.archive.index import IndexDocument, create_index, open_index

    path = tmp_path / "index"
    create_index(path, "whoosh").close()
    writing, may_finish = threading.Event(), threading.Event()
    real_build = whoosh_writing.build

    def slow_build(*args, **kwargs):
        writing.set()
        assert may_finish.wait(30)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(whoosh_writing, "build", slow_build)
    long_add = open_index(path, "whoosh", lock_timeout=5)
    doc = lambda i: IndexDocument(i, f"d{i}.docx", "t", "Quyết định", f"{i}/QĐ", "2026-01-02", "SNV", f"nội dung maso{i}")
    thread = threading.Thread(target=long_add.add, args=([doc(1)],))
    thread.start()
    assert writing.wait(30)
    monkeypatch.setattr(whoosh_writing, "build", real_build)
    other = open_index(path, "whoosh", lock_timeout=0.5)  # gives up after half a second
    assert other.add([doc(2)]) == 1
    may_finish.set()
    thread.join(30)
    other.close()
    long_add.close()
    with open_index(path, "whoosh") as index:
        assert index.ids() == {1, 2}


# --------------------------------------------------------------------------- kill -9 and full disks

KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from paperwork.archive import ingest, service, store
    from paperwork.archive.engines import whoosh_writing
    from paperwork.config import load_workspace

    ws_root, listing, stage, acks = sys.argv[1:5]
    ingest.GROUP, ingest.POOL_FROM, whoosh_writing.WhooshBulk.SEGMENT = 5, 8, 10
    calls = {"n": 0}

    def die_on_third(real):
        def wrapper(*args, **kwargs):
            calls["n"] += 1
            result = real(*args, **kwargs)
            if calls["n"] == 3:
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        return wrapper

    if stage == "stored":  # a group's files in place, its rows not written
        store.FileStore.put_group = die_on_third(store.FileStore.put_group)
    elif stage == "catalogued":  # a group's rows committed, its index entries not
        store.Catalog.insert_many = die_on_third(store.Catalog.insert_many)

    def progress(n):  # acknowledged: written down (and synced) before the next group starts
        with open(acks, "a") as f:
            f.write(f"{n}\\n")
            f.flush()
            os.fsync(f.fileno())

    ws = load_workspace(Path(ws_root))
    service.add_files(ws, [Path(p) for p in Path(listing).read_text().splitlines()], progress=progress)
    """
)


def _wait_session_gone(sid: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = subprocess.run(["pgrep", "-s", str(sid)], capture_output=True, text=True).stdout.split()
        if not alive:
            return
        for pid in alive:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("stage", ["stored", "catalogued", "mid-stream"])
def test_kill_9_in_a_grouped_add_loses_no_acknowledged_document(engine: str, stage: str, tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", f'[archive]\nengine = "{engine}"\n')
    files = make_many(tmp_path / "in", 40, prefix="g")
    listing = tmp_path / "files.txt"
    listing.write_text("\n".join(map(str, files)), encoding="utf-8")
    acks = tmp_path / "acks.txt"
    process = subprocess.Popen([sys.executable, "-c", KILLER, str(ws.root), str(listing), stage, str(acks)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    if stage == "mid-stream":
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if acks.exists() and sum(map(int, acks.read_text().split())) >= 12:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
    process.wait(timeout=120)
    assert process.returncode == -signal.SIGKILL, process.stderr.read().decode()
    # Its extraction workers outlive it for a moment (an orphan notices its parent's death late);
    # the copies they were writing count as leftovers only once they are gone, as a power cut would leave it.
    _wait_session_gone(process.pid)

    acknowledged = sum(map(int, acks.read_text().split())) if acks.exists() else 0
    assert acknowledged >= 10
    catalogued = {r["filename"]: r for r in rows_of(ws)}
    for path in files[:acknowledged]:  # groups are written, and acknowledged, in the files' order
        assert path.name in catalogued, path.name
        stored = ws.archive / catalogued[path.name]["stored_path"]
        assert stored.read_bytes() == path.read_bytes()

    runner = CliRunner()
    described = runner.invoke(cli, ["--workspace", str(ws.root), "archive", "verify"])
    assert described.exit_code in (0, 1) and "Traceback" not in described.output, described.output
    repaired = runner.invoke(cli, ["--workspace", str(ws.root), "archive", "reindex"])
    assert repaired.exit_code == 0, repaired.output
    verify_clean(ws)
    after = {r["filename"]: r["id"] for r in rows_of(ws)}
    assert set(catalogued) <= set(after)
    for path in files:
        if path.name in after:
            word = f"maso{path.stem.split('-')[0]}{int(path.stem.split('-')[1])}"
            assert [h.id for h in service.search(ws, word)] == [after[path.name]], word
    again = runner.invoke(cli, ["--workspace", str(ws.root), "archive", "add", *map(str, files)])
    assert again.exit_code == 0, again.output
    assert len(rows_of(ws)) == len(files)
    verify_clean(ws)


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 16 MB tmpfs."""
    with small_tmpfs(tmp_path / "small", "16m") as mount:
        yield mount


GROUPED_CLI = ("from paperwork.archive import ingest; ingest.GROUP, ingest.POOL_FROM = 4, 8;"
               " from paperwork.cli import main; main()")


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_a_full_disk_inside_a_grouped_add_is_one_line(engine: str, small_disk: Path, tmp_path: Path) -> None:
    """The disk fills in the middle of a long add (the copies read ahead, the store, the catalog or
    the index of some group): one line naming the cause; what was catalogued is kept, and once
    space is freed reindex ends clean and the same command adds the rest."""
    ws = make_workspace(small_disk / "ws", f'[archive]\nengine = "{engine}"\n')
    files = make_many(tmp_path / "in", 60, prefix="d")  # ~37 KB each: the disk takes about half
    ballast = fill(small_disk, leave=1_300_000)
    result = subprocess.run([sys.executable, "-c", GROUPED_CLI, "--workspace", str(ws.root), "archive", "add",
                             *map(str, files)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "No space left on device" in lines[0], lines
    assert "Traceback" not in result.stderr
    kept = rows_of(ws)
    assert len(kept) < len(files)
    ballast.unlink()
    runner = CliRunner()
    repaired = runner.invoke(cli, ["--workspace", str(ws.root), "archive", "reindex"])
    assert repaired.exit_code == 0, repaired.output
    verify_clean(ws)
    after = rows_of(ws)
    assert after[:len(kept)] == kept
    again = runner.invoke(cli, ["--workspace", str(ws.root), "archive", "add", *map(str, files)])
    assert again.exit_code == 0, again.output
    assert len(rows_of(ws)) == len(files)
    verify_clean(ws)


def test_whoosh_merges_the_segments_of_single_adds_and_leaves_big_ones_to_long_adds(tmp_path: Path) -> None:
    """Each add is a segment; a command waiting for its add merges only small ones (tiers of 8)."""
    from whoosh import index as whoosh_index

    from paperwork.archive.engines import whoosh_writing
    from paperwork.archive.index import IndexDocument, create_index
    from paperwork.archive.query import parse_query

    path = tmp_path / "index"
    index = create_index(path, "whoosh")
    doc = lambda i: IndexDocument(i, f"d{i}.docx", "t", "Quyết định", f"{i}/QĐ", "2026-01-02", "SNV", f"maso{i} thi đua")
    for i in range(1, 41):
        index.add([doc(i)])
    sizes = sorted(s.doc_count() for s in whoosh_index.open_dir(str(path))._segments())
    assert sum(sizes) == 40 and len(sizes) < whoosh_writing.MERGE_FACTOR + 2, sizes
    big = [doc(i) for i in range(100, 100 + 900)]
    for start in range(0, 900, 100):  # no inline merge of more than INLINE_MERGE documents
        index.add(big[start:start + 100])
    sizes = [s.doc_count() for s in whoosh_index.open_dir(str(path))._segments()]
    assert max(sizes) <= whoosh_writing.INLINE_MERGE and len(sizes) >= 900 // whoosh_writing.INLINE_MERGE + 1
    assert index.count() == 940 and [h.id for h in index.search(parse_query("maso150"))] == [150]
    index.close()
