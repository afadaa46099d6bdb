"""`paperwork archive add` of things that are not documents: refused one by one, never waited on."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from archive_docs import make_document, make_many, run_json

from paperwork.config import Workspace

NOT_REGULAR = "not a regular file (a FIFO, device or folder): not added"


def test_fifo_device_and_folder_are_refused_and_the_others_added(ws: Workspace, tmp_path: Path) -> None:
    """A FIFO (opened, it would wait for a writer forever), /dev/zero (endless) and a folder, given
    directly or through a symlink: each is one line on stderr, the good files are added, exit 1.

    Run as a process of its own with a time limit: a hang fails the test instead of stalling it.
    """
    good = make_many(tmp_path, 2)
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    fifo_link = tmp_path / "link-to-pipe.docx"
    fifo_link.symlink_to(fifo)
    zero = tmp_path / "zero.pdf"
    zero.symlink_to("/dev/zero")
    folder = tmp_path / "folder.docx"
    folder.mkdir()
    good_link = tmp_path / "link-to-good.docx"
    good_link.symlink_to(good[1])
    args = [good[0], fifo, fifo_link, zero, folder, good[1], good_link]
    result = subprocess.run(
        [sys.executable, "-c", "from paperwork.cli import cli; cli()", "--workspace", str(ws.root), "archive", "add"]
        + [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"added  #1  {good[0]}  Quyết định, 01/QĐ-SNV, 2026-02-05",
        f"added  #2  {good[1]}  Quyết định, 02/QĐ-SNV, 2026-02-05",
        f"exists #2  {good_link}  (already archived)",
    ]
    assert result.stderr.splitlines() == [f"{path}: {NOT_REGULAR}" for path in (fifo, fifo_link, zero, folder)]


def test_a_zip_bomb_is_refused_and_the_others_added(run, tmp_path: Path) -> None:
    """A .docx whose docProps/app.xml inflates to 65 MiB of spaces: one line naming the part, exit 1."""
    good = make_document(tmp_path / "qd.docx")
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "docProps/app.xml":
                dst.writestr(item, src.read(item.filename))
        with dst.open("docProps/app.xml", "w") as part:
            for _ in range(65):
                part.write(b" " * 1024 * 1024)
    result = run("archive", "add", bomb, good)
    assert result.exit_code == 1, result.output
    assert result.stdout == f"added  #1  {good}  Quyết định, 05/QĐ-SNV, 2026-02-05\n"
    assert result.stderr == f"{bomb}: docProps/app.xml inflates past 64 MiB: refused\n"
    assert run_json(run, "archive", "stats")["documents"] == 1
