"""The index folder's files: concurrent Tantivy writers leave nothing unreferenced, `archive
verify` and `archive stats` report what is, `archive reindex` leaves none; and reading an
index (present or absent) creates nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from paperwork.records import audit
from conftest import make_workspace
from archive_docs import make_many, run_json

from paperwork.archive.index import SENTINEL, WRITE_LOCK, build_index, engine_class, index_exists, open_index
from paperwork.archive.indexfiles import without_writers, write_lock
from paperwork.archive.names import ENGINES
from paperwork.archive.upkeep import _size
from paperwork.config import Workspace
from paperwork.errors import ArchiveError, ArchiveLockedError
from test_index import CORPUS


@pytest.fixture(params=ENGINES)
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    """A workspace per engine."""
    return make_workspace(tmp_path / "ws", f'[archive]\nengine = "{request.param}"\n')


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``folder``: size and mtime (what any write would change).

    Leaves out SQLite's shared-memory file (catalog.sqlite-shm), which every reader of a
    WAL database writes to by design.
    """
    out = {}
    for path in [folder, *folder.rglob("*")]:
        if path.name.endswith("-shm"):
            continue
        st = path.stat()
        out[str(path.relative_to(folder))] = (st.st_size if path.is_file() else 0, st.st_mtime_ns)
    return out


def segment_copy(index_dir: Path, engine: str) -> Path:
    """A copy of one of the index's segment files under a new segment id: referenced by nothing."""
    if engine == "tantivy":
        source = next(p for p in sorted(index_dir.iterdir()) if p.suffix == ".idx" and len(p.stem) == 32)
        copy = index_dir / f"{uuid.uuid4().hex}{source.suffix}"
    else:
        source = next(p for p in sorted(index_dir.iterdir()) if p.name.startswith("MAIN_") and p.suffix == ".trm")
        copy = index_dir / f"MAIN_{uuid.uuid4().hex[:16]}{source.suffix}"
    shutil.copyfile(source, copy)
    return copy


# ----------------------------------------------------------------- concurrent writers


def tantivy_unmanaged(index_dir: Path) -> set[str]:
    """Segment files Tantivy's garbage collector does not know (absent from .managed.json):
    it would never delete them once merged away. The invariant the Tantivy fix restores."""
    managed = set(json.loads((index_dir / ".managed.json").read_text(encoding="utf-8")))
    return {p.name for p in index_dir.iterdir() if len(p.name.split(".")[0]) == 32} - managed


_WRITER = """
import sys, time
from pathlib import Path
from paperwork.archive.index import IndexDocument, open_index
path, base = Path(sys.argv[1]), int(sys.argv[2])
with open_index(path, "tantivy") as index:
    (path.parent / f"ready-{base}").touch()
    while not (path.parent / "go").exists():
        time.sleep(0.01)
    for batch in range(6):
        index.add([
            IndexDocument(base + 25 * batch + k, "f.docx", "", "", "", None, "", f"văn bản {base} {batch} {k}")
            for k in range(25)
        ])
"""


@pytest.mark.slow
def test_two_processes_writing_at_once_on_tantivy_leave_no_unreferenced_file(tmp_path: Path) -> None:
    """Two processes, each with its index open, commit in turns as fast as the lock allows:
    every writer is made from the index opened afresh under the lock and collects after
    its commit, so no process's segments are forgotten (before: 36 files referenced by
    nothing after 12 commits)."""
    pytest.importorskip("tantivy")
    path = tmp_path / "index"
    build_index(path, [], "tantivy").close()
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), str(base)], stderr=subprocess.PIPE, text=True)
        for base in (1, 1001)
    ]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{base}").exists() for base in (1, 1001)):
        assert time.monotonic() < deadline and all(w.poll() is None for w in writers)
        time.sleep(0.01)
    (tmp_path / "go").touch()
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    with open_index(path, "tantivy") as index:
        assert index.count() == 300
        assert index.unreferenced_files() == []
    assert tantivy_unmanaged(path) == set()


@pytest.mark.slow
def test_two_adds_at_once_on_tantivy_leave_no_unreferenced_file(tmp_path: Path) -> None:
    """Two `archive add` processes of 60 documents each (3 commits each) on one Tantivy index."""
    pytest.importorskip("tantivy")
    ws = make_workspace(tmp_path / "ws", '[archive]\nengine = "tantivy"\n')
    streams = [make_many(tmp_path / name, 60, prefix=name) for name in ("a", "b")]
    adds = [
        subprocess.Popen(
            [sys.executable, "-m", "paperwork", "--workspace", str(ws.root), "archive", "add", *map(str, files)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for files in streams
    ]
    for add in adds:
        _, err = add.communicate(timeout=300)
        assert add.returncode == 0, err
        assert err == ""
    with open_index(ws.index_dir, "tantivy") as index:
        assert index.count() == 120
        assert index.unreferenced_files() == []
    assert tantivy_unmanaged(ws.index_dir) == set()
    verify = subprocess.run(
        [sys.executable, "-m", "paperwork", "--workspace", str(ws.root), "archive", "verify"],
        capture_output=True, text=True, check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout == "OK: 120 documents, 120 files verified, index in step (120 documents).\n"


# --------------------------------------------------------------- what verify reports


def test_verify_and_stats_report_a_file_the_index_does_not_reference(ws: Workspace, run, tmp_path: Path) -> None:
    assert run("archive", "add", *make_many(tmp_path / "docs", 3)).exit_code == 0
    assert run("archive", "verify").exit_code == 0
    orphan = segment_copy(ws.index_dir, ws.engine)
    message = (
        f"the search index {ws.index_dir} holds 1 file(s), {_size(orphan.stat().st_size)}, that it does not"
        f" reference (left by a writer that did not clean up: {orphan.name})"
    )

    result = run("archive", "verify")
    assert result.exit_code == 1
    assert result.stdout == message + "\n"
    assert result.stderr == "Error: 1 problem(s) in the archive: run `paperwork archive reindex`\n"

    stats = run_json(run, "archive", "stats")
    assert stats["index"]["state"] == f"{message}: run `paperwork archive reindex`"
    assert stats["index"]["size"] >= orphan.stat().st_size  # the size on disk, the orphan in it
    assert stats["index"]["documents"] == 3

    assert run("archive", "reindex").exit_code == 0
    assert not orphan.exists()
    assert run("archive", "verify").stdout == "OK: 3 documents, 3 files verified, index in step (3 documents).\n"
    assert run_json(run, "archive", "stats")["index"]["state"] == "ok"


def test_a_fresh_index_references_every_file(ws: Workspace, tmp_path: Path) -> None:
    with build_index(tmp_path / "index", CORPUS, ws.engine) as index:
        index.add(CORPUS[:2])
        index.delete([3])
        assert index.unreferenced_files() == []
        orphan = segment_copy(index.path, ws.engine)
        assert index.unreferenced_files() == [orphan]


def test_tantivy_reports_a_stale_deletes_file(tmp_path: Path) -> None:
    pytest.importorskip("tantivy")
    # One thread, one segment: deleting a document keeps it, with a .del file.
    with engine_class("tantivy").reindex(tmp_path / "index", CORPUS, procs=1) as index:
        index.delete([1])
        (deletes,) = [p for p in index.path.iterdir() if p.name.endswith(".del")]
        segment, opstamp, _ = deletes.name.split(".")
        stale = deletes.with_name(f"{segment}.{int(opstamp) - 1}.del")
        shutil.copyfile(deletes, stale)
        assert index.unreferenced_files() == [stale]


def test_unreferenced_files_wait_for_the_writer(tmp_path: Path) -> None:
    """Files are listed while no writer runs: a commit under way is not taken for garbage."""
    path = tmp_path / "index"
    build_index(path, CORPUS, "whoosh").close()
    listed: list[float] = []
    with write_lock(path, 1.0):
        reader = threading.Thread(target=lambda: listed.append(without_writers(path, 5.0, time.monotonic)))
        reader.start()
        time.sleep(0.3)
        released = time.monotonic()
    reader.join()
    assert listed and listed[0] >= released
    with write_lock(path, 1.0), pytest.raises(ArchiveLockedError):
        without_writers(path, 0.2, list)


def test_a_damaged_meta_is_an_index_problem_not_a_crash(tmp_path: Path) -> None:
    pytest.importorskip("tantivy")
    with build_index(tmp_path / "index", CORPUS, "tantivy") as index:
        (index.path / "meta.json").write_text("{", encoding="utf-8")
        with pytest.raises(ArchiveError, match=r"cannot read .*meta.json .*: run `paperwork archive reindex`"):
            index.unreferenced_files()


# ------------------------------------------------------------------ reads write nothing


def test_reading_an_index_creates_nothing(ws: Workspace, run, tmp_path: Path) -> None:
    """search, stats and verify read the index folder: no lock file, nothing changed."""
    assert run("archive", "add", *make_many(tmp_path / "docs", 2)).exit_code == 0
    (ws.index_dir / WRITE_LOCK).unlink()  # as a fresh reindex leaves it: no writer yet
    before = snapshot(ws.index_dir)
    time.sleep(0.01)
    assert run("search", "khen thưởng").exit_code == 0
    assert run("archive", "stats").exit_code == 0
    assert run("archive", "verify").exit_code == 0
    assert snapshot(ws.index_dir) == before


def test_reading_an_absent_index_creates_nothing(ws: Workspace, run) -> None:
    """An archive with no index yet (nothing added): no index folder, no lock, nothing
    (but the fixity check's event in the catalog's audit trail)."""
    # The catalog's side: SQLite makes catalog.sqlite-wal and -shm at the first read of a
    # new WAL catalog; read once before looking, so that only the index's side is judged.
    assert run("archive", "show", "1").exit_code == 2
    before = snapshot(ws.root)
    time.sleep(0.01)
    assert run("search", "khen").stdout == "No documents found.\n"
    assert run("archive", "stats").exit_code == 0
    assert snapshot(ws.root) == before
    assert run("archive", "verify").exit_code == 0
    assert not ws.index_dir.exists()
    changed = {k for k, v in snapshot(ws.root).items() if before.get(k) != v} | set(before) - set(snapshot(ws.root))
    assert changed <= {".", "archive", "archive/catalog.sqlite", "archive/catalog.sqlite-wal",
                       "archive/catalog.sqlite-shm"}, changed
    assert [e.action for e in audit.events(ws)] == ["verify"]


def test_opening_an_absent_index_creates_no_folder(tmp_path: Path) -> None:
    path = tmp_path / "archive" / "index"
    with pytest.raises(ArchiveError, match="no search index at"):
        open_index(path)
    assert not index_exists(path)
    assert without_writers(path, 1.0, lambda: "read") == "read"
    assert os.listdir(tmp_path) == []
    (tmp_path / "archive").mkdir()
    with pytest.raises(ArchiveError, match=f"has no {SENTINEL}"):
        open_index(tmp_path / "archive")
    assert os.listdir(tmp_path / "archive") == []
