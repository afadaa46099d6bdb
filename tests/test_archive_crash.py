"""Interrupted and concurrent `archive add`: the catalog is the truth, reindex repairs the rest."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from archive_docs import make_document, make_many, run_json

from paperwork.archive import service
from paperwork.archive.store import FileStore
from paperwork.config import Workspace

CLI = [sys.executable, "-c", "from paperwork.cli import main; main()"]
# The CLI with groups of 4 files (one store sync, catalog transaction and index commit each), so
# that a kill lands between groups of a small add.
SMALL_GROUPS = [sys.executable, "-c", "from paperwork.archive import ingest; ingest.GROUP = 4;"
                " from paperwork.cli import main; main()"]


def _catalogued_ids(ws: Workspace) -> set[int]:
    if not ws.catalog_path.exists():
        return set()
    conn = sqlite3.connect(ws.catalog_path, timeout=5)
    try:
        return {row[0] for row in conn.execute("SELECT id FROM archive_documents")}
    except sqlite3.OperationalError:  # the table is not there yet
        return set()
    finally:
        conn.close()


def _each_found_by_search(ws: Workspace, files: list[Path]) -> None:
    """Every catalogued document is found by its own word (make_many gives each one)."""
    by_name = {r.filename: r.id for r in (service.get_document(ws, i) for i in _catalogued_ids(ws))}
    for path in files:
        if path.name in by_name:
            word = f"maso{path.stem.split('-')[0]}{int(path.stem.split('-')[1])}"
            assert [h.id for h in service.search(ws, word)] == [by_name[path.name]], word


def test_kill_9_during_a_multi_file_add(ws: Workspace, run, tmp_path: Path) -> None:
    """Nothing catalogued before the kill is lost; verify describes the rest; reindex repairs it."""
    files = make_many(tmp_path / "in", 60, prefix="k")
    process = subprocess.Popen(
        [*SMALL_GROUPS, "--workspace", str(ws.root), "archive", "add", *map(str, files)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while len(_catalogued_ids(ws)) < 3 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, process.stderr.read().decode()
    before = _catalogued_ids(ws)
    assert 3 <= len(before) < len(files)

    described = run("archive", "verify")
    assert described.exit_code in (0, 1), described.output  # a report, never a crash
    assert "Traceback" not in described.output

    repaired = run("archive", "reindex")
    assert repaired.exit_code == 0, repaired.output
    after = _catalogued_ids(ws)
    assert before <= after  # an add killed after the rename is adopted, not dropped
    verified = run("archive", "verify")
    assert verified.exit_code == 0, verified.output
    _each_found_by_search(ws, files)

    # The interrupted command can simply be run again: the rest is added, nothing twice.
    again = run("archive", "add", *files)
    assert again.exit_code == 0, again.output
    assert len(_catalogued_ids(ws)) == len(files)
    assert run("archive", "verify").exit_code == 0
    _each_found_by_search(ws, files)


def test_what_a_kill_leaves_is_described_and_repaired(ws: Workspace, run, tmp_path: Path) -> None:
    """A copy of a dead writer and a stored file whose row was never written."""
    run_json(run, "archive", "add", make_document(tmp_path / "first.docx"))
    files = FileStore(ws.archive)
    orphan_source = make_document(tmp_path / "orphan.docx", number="77/QĐ-SNV")
    orphan = files.put(orphan_source)  # stored, then "killed" before the catalog row
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = files.tmp_dir / f"{dead.stdout.strip()}-0123456789ab.part"
    leftover.write_bytes(b"half a copy")

    result = run("archive", "verify")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"stray file not in the catalog: {files.absolute(orphan.stored_path)}",
        f"leftover copy of an interrupted add: {leftover}",
    ]

    repaired = run("archive", "reindex")
    assert repaired.exit_code == 0, repaired.output
    assert repaired.stdout.splitlines() == [
        "Removed 1 leftover copies of an interrupted add.",
        "Catalogued 1 stored file(s) an interrupted add left: #2.",
        "Reindexed 2 documents.",
    ]
    assert not leftover.exists()
    assert run("archive", "verify").exit_code == 0
    adopted = run_json(run, "archive", "show", "2")
    assert adopted["number"] == "77/QĐ-SNV" and adopted["sha256"] == orphan.sha256
    assert [h["id"] for h in run_json(run, "search", "77/QĐ-SNV")] == [2]
    # Adding the original afterwards finds it already archived.
    again = run("archive", "add", orphan_source)
    assert again.stdout == f"exists #2  {orphan_source}  (already archived)\n"


def test_two_concurrent_adds(ws: Workspace, run, tmp_path: Path) -> None:
    """Two processes adding different files at once, the first use of the archive: all present."""
    batches = [make_many(tmp_path / "a", 15, prefix="a"), make_many(tmp_path / "b", 15, prefix="b")]
    shared = make_document(tmp_path / "shared.docx", number="99/QĐ-SNV")
    processes = [
        subprocess.Popen(
            [*CLI, "--workspace", str(ws.root), "archive", "add", *map(str, batch), str(shared)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for batch in batches
    ]
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode()
    assert len(_catalogued_ids(ws)) == 31
    verified = run("archive", "verify")
    assert verified.exit_code == 0, verified.output
    _each_found_by_search(ws, batches[0] + batches[1])
    assert len(run_json(run, "search", "99/QĐ-SNV")) == 1
