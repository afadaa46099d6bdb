"""While a long batch issues and archives, every other clerk's command goes through.

The batch holds the register only to record each chunk's numbers, and the index
only for one small commit at a time, so the others never wait long: they run
with ``PAPERWORK_BUSY_TIMEOUT=1`` (every SQLite busy wait and index lock wait
gives up after one second), so a command that had to wait longer than that for
a lock would fail instead of succeeding late.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import decision_data

PAPERWORK = [sys.executable, "-m", "paperwork"]


def cmd(ws: Path, *args, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*PAPERWORK, "--workspace", str(ws), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env)


@pytest.mark.slow
def test_other_clerks_work_while_a_long_batch_issues(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    init = cmd(ws, "init", ws, "--agency-name", "Sở Nội vụ", "--agency-code", "SNV", "--place", "Cà Mau")
    assert init.returncode == 0, init.stderr
    docs = [{"kind": "reward-decision", "data": decision_data(i), "output": f"qd-{i:04d}.docx"}
            for i in range(1, 601)]
    manifest = ws / "m.yaml"
    manifest.write_text(yaml.safe_dump({"documents": docs}, allow_unicode=True), encoding="utf-8")
    single = ws / "mot.yaml"
    single.write_text(yaml.safe_dump(decision_data(9999), allow_unicode=True), encoding="utf-8")
    scan = ws / "cu.docx"
    first = cmd(ws, "render", "reward-decision", single, "-o", scan, "--no-archive")
    assert first.returncode == 0, first.stderr

    batch = subprocess.Popen([*PAPERWORK, "--workspace", str(ws), "batch", str(manifest), "-o", str(ws / "out"),
                              "--issue", "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Wait until the batch has recorded its first chunk: from then on it numbers, places and archives.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and batch.poll() is None:
            listed = cmd(ws, "register", "list", "--format", "json")
            if listed.returncode == 0 and json.loads(listed.stdout):
                break
            time.sleep(0.2)
        assert batch.poll() is None, "the batch ended before the others could run beside it"

        impatient = {**os.environ, "PAPERWORK_BUSY_TIMEOUT": "1"}
        # A slow PDF (LibreOffice, seconds) issued beside it all: it holds no lock while converting.
        slow_pdf = subprocess.Popen([*PAPERWORK, "--workspace", str(ws), "render", "reward-decision", str(single),
                                     "-o", str(ws / "pdf.docx"), "--issue", "--pdf"], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, env=impatient)
        rounds = 0
        while batch.poll() is None and rounds < 3:
            rounds += 1
            out = ws / f"mot-{rounds}.docx"
            for args in (["render", "reward-decision", single, "-o", out, "--issue"],
                         ["archive", "add", scan], ["archive", "show", "1"], ["archive", "text", "1"],
                         ["register", "list"], ["search", "thi đua"], ["search", "khen thưởng", "--json"]):
                result = cmd(ws, *args, env=impatient)
                assert result.returncode == 0, (args, result.stderr)
                assert "Traceback" not in result.stderr
        assert rounds >= 1
        pdf_out, pdf_err = slow_pdf.communicate(timeout=300)
        assert slow_pdf.returncode == 0, pdf_err
        assert (ws / "pdf.pdf").is_file() and "registered" in pdf_out
        still_running = batch.poll() is None
        stdout, stderr = batch.communicate(timeout=1200)
    finally:
        if batch.poll() is None:
            batch.kill()
    assert batch.returncode == 0, stderr
    assert still_running or rounds > 1, "the commands did not overlap the batch"
    assert "600 of 600 documents written; 0 failed; 600 numbers issued" in stdout

    entries = json.loads(cmd(ws, "register", "list", "--format", "json").stdout)
    numbers = sorted(e["number"] for e in entries)
    assert numbers == list(range(1, len(entries) + 1)), "contiguous, no duplicate"
    assert len(entries) == 600 + rounds + 1  # the batch, one render a round, the PDF
    verify = cmd(ws, "archive", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
