"""The content-addressed store, the catalog and the library entry points of service.py."""

from __future__ import annotations

import datetime
import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from archive_docs import make_document

from paperwork.archive import service, upkeep
from paperwork.archive.extract import UnreadableDocumentError
from paperwork.archive.store import Catalog, DocumentMeta, FileStore
from paperwork.config import Workspace
from paperwork.errors import ArchiveError, IndexVersionError, InputError


def test_put_stores_by_sha256_read_only(tmp_path: Path) -> None:
    source = make_document(tmp_path / "qd.docx")
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    files = FileStore(tmp_path / "archive")

    stored = files.put(source)

    assert stored.sha256 == sha
    assert stored.stored_path == f"files/{sha[:2]}/{sha}.docx"
    target = files.absolute(stored.stored_path)
    assert target.read_bytes() == source.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert list(files.tmp_dir.iterdir()) == []  # no copy left behind
    assert files.put(source) == stored  # the same bytes again: the same single file
    assert list(files.iter_stored()) == [stored.stored_path]


def test_put_refuses_a_file_that_changed_since_it_was_hashed(tmp_path: Path) -> None:
    source = make_document(tmp_path / "qd.docx")
    files = FileStore(tmp_path / "archive")
    with pytest.raises(ArchiveError, match="changed while it was being added"):
        files.put(source, expected_sha256="0" * 64)
    assert list(files.iter_stored()) == [] and list(files.tmp_dir.iterdir()) == []


def test_leftover_temps_are_those_of_dead_writers(tmp_path: Path) -> None:
    files = FileStore(tmp_path / "archive")
    files.tmp_dir.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (files.tmp_dir / f"{dead.stdout.strip()}-abc.part").write_bytes(b"half")
    (files.tmp_dir / f"{os.getpid()}-def.part").write_bytes(b"in progress")
    assert [p.name for p in files.leftover_temps()] == [f"{dead.stdout.strip()}-abc.part"]


def test_catalog_lives_beside_other_tables_of_the_shared_file(ws: Workspace) -> None:
    ws.archive.mkdir(parents=True, exist_ok=True)
    import sqlite3

    conn = sqlite3.connect(ws.catalog_path)
    conn.execute("CREATE TABLE register_entries (id INTEGER PRIMARY KEY, number TEXT)")
    conn.execute("INSERT INTO register_entries (number) VALUES ('01/QĐ-SNV')")
    conn.commit()
    conn.close()
    with Catalog.open(ws.catalog_path) as catalog:
        assert catalog.count() == 0
    conn = sqlite3.connect(ws.catalog_path)
    assert conn.execute("SELECT number FROM register_entries").fetchall() == [("01/QĐ-SNV",)]
    conn.close()


def test_add_file_for_render_keeps_the_given_metadata(ws: Workspace, tmp_path: Path) -> None:
    """`paperwork render` archives what it writes with the metadata of its input."""
    path = make_document(tmp_path / "out.docx", number=None)
    meta = DocumentMeta(
        type="Quyết định",
        number="07/QĐ-SNV",
        date=datetime.date(2026, 3, 2),
        agency="Sở Nội vụ tỉnh Cà Mau",
        signer="Nguyễn Văn Bảy",
    )
    result = service.add_file(ws, path, meta)
    record = result.record
    assert not result.duplicate
    assert (record.type, record.number, record.date, record.agency, record.signer) == (
        "Quyết định", "07/QĐ-SNV", datetime.date(2026, 3, 2), "Sở Nội vụ tỉnh Cà Mau", "Nguyễn Văn Bảy",
    )
    assert record.title == "Về việc tặng Giấy khen cho các tập thể và cá nhân"  # detected
    assert record.source == "generated"
    assert service.stored_path(ws, record).is_file()
    assert "Nguyễn Văn Bảy" in service.document_text(ws, record.id)
    assert [hit.id for hit in service.search(ws, "07/QĐ-SNV")] == [record.id]


def test_add_file_raises_for_an_unreadable_file(ws: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    with pytest.raises(UnreadableDocumentError, match="bad.pdf: not a readable PDF"):
        service.add_file(ws, bad)
    assert upkeep.stats(ws).documents == 0
    assert not ws.files_dir.exists() or list(FileStore(ws.archive).iter_stored()) == []


def test_index_of_another_schema_is_not_rebuilt_by_add(ws: Workspace, tmp_path: Path) -> None:
    """Adding still stores the file and its row, and says to reindex; only reindex rebuilds."""
    import json

    from paperwork.archive.index import SENTINEL

    first = service.add_file(ws, make_document(tmp_path / "a.docx", number="01/QĐ-SNV"))
    sentinel = ws.index_dir / SENTINEL
    info = json.loads(sentinel.read_text())
    sentinel.write_text(json.dumps({**info, "schema_version": 0}))

    report = service.add_files(ws, [make_document(tmp_path / "b.docx", number="02/QĐ-SNV")])

    assert not report.failed and len(report.added) == 1
    assert "not indexed" in report.index_error and "paperwork archive reindex" in report.index_error
    assert json.loads(sentinel.read_text())["schema_version"] == 0  # left alone
    with pytest.raises(IndexVersionError):
        service.search(ws, "khen")
    assert upkeep.reindex(ws).indexed == 2
    assert {h.id for h in service.search(ws, "giấy khen")} == {first.record.id, report.added[0].record.id}


def test_unknown_id_is_an_input_error(ws: Workspace) -> None:
    with pytest.raises(InputError, match="no document with id 5"):
        service.get_document(ws, 5)
    with pytest.raises(InputError):
        service.document_text(ws, 5)


def test_search_of_an_empty_archive_finds_nothing(ws: Workspace) -> None:
    assert service.search(ws, "khen") == []
