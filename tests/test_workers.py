"""OCR on a queue: a local Redis and two `paperwork worker` processes, for real.

The same scans OCRed on the workers give the same catalog as OCR in-process, and a
worker process killed in the middle of a scan loses nothing: the scan goes back to the
queue and another process OCRs it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import scan_support
from servers import free_port, redis_server
from paperwork.archive.ocr import OcrSettings, unavailable

pytestmark = pytest.mark.slow

PAPERWORK = [sys.executable, "-m", "paperwork"]


@pytest.fixture(scope="module")
def broker(tmp_path_factory) -> str:
    """A Redis server of the test's own, on loopback, nothing saved."""
    if unavailable():
        pytest.fail(f"OCR must be installed for the queue tests: {unavailable()}")
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def start_worker(url: str, name: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen([*PAPERWORK, "worker", "--broker", url, "-c", "1", "--name", name],
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


@pytest.fixture
def workers(broker: str, tmp_path: Path):
    procs = [start_worker(broker, f"w{i}@test", tmp_path / f"worker-{i}.log") for i in (1, 2)]
    time.sleep(3)  # both have joined the queue
    yield procs
    for p in procs:
        os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def _children(pid: int) -> list[int]:
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    except OSError:
        return []
    return [int(x) for x in out.split()]


def test_a_scan_ocred_on_a_worker_matches_the_local_ocr(broker, workers, tmp_path):
    from paperwork.archive.ocr import ocr_file
    from paperwork.archive.workers import RemoteOcr

    scan = scan_support.save_jpeg(scan_support.render_page(), tmp_path / "scan.jpg")
    local = ocr_file(scan, tmp_path / "local.pdf", settings=OcrSettings(jobs=1))
    with RemoteOcr(broker, timeout=300) as remote:
        outcome = remote.submit(scan, tmp_path / "remote.pdf", force=False, settings=OcrSettings(jobs=1)).result()
    assert outcome == local
    assert (tmp_path / "remote.pdf").read_bytes()[:5] == b"%PDF-"
    assert "SỞ NỘI VỤ" in outcome.text


def test_a_worker_killed_mid_scan_loses_nothing(broker, workers, tmp_path):
    """SIGKILL the process OCRing the scan: the task goes back to the queue and is done again."""
    from paperwork.archive.workers import RemoteOcr

    pages = [scan_support.render_page() for _ in range(3)]
    scan = tmp_path / "three-pages.pdf"
    pages[0].save(scan, save_all=True, append_images=pages[1:], resolution=scan_support.DPI)
    with RemoteOcr(broker, timeout=600) as remote:
        pending = remote.submit(scan, tmp_path / "out.pdf", force=False, settings=OcrSettings(jobs=1))
        # Find the pool process that took it (it runs tesseract) and kill it mid-scan.
        killed = None
        deadline = time.monotonic() + 120
        while killed is None and time.monotonic() < deadline:
            for worker in workers:
                for child in _children(worker.pid):
                    if any("tesseract" in _cmdline(g) for g in _descendants(child)):
                        os.kill(child, signal.SIGKILL)
                        killed = child
                        break
                if killed:
                    break
            time.sleep(0.1)
        assert killed is not None, "no worker process was seen OCRing the scan"
        outcome = pending.result()
    assert outcome.pages == 3
    assert outcome.text.count("SỞ NỘI VỤ") == 3


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:  # gone meanwhile
        return ""


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in _children(p):
            found.append(c)
            todo.append(c)
    return found


def _catalog_rows(ws) -> list[tuple]:
    """What the catalog says of each document, in id order (the archive's own ids and paths aside)."""
    from paperwork.archive.service import _catalog

    with _catalog(ws, write=False) as catalog:
        return [(r.filename, r.sha256, r.type, r.number, r.date, r.agency, r.title, r.pages, r.ocr, r.source,
                 catalog.text(r.id)) for r in catalog.records()]


def test_an_import_spread_over_two_workers_gives_the_local_catalog(broker, workers, tmp_path):
    """`archive import --workers URL`: the scans OCRed by two `paperwork worker`s, the typed files here;
    the catalog (ids in the files' order, metadata, OCR states and texts) is the one a local import makes,
    and both workers took a share."""
    from archive_docs import make_many
    from conftest import make_workspace

    folder = tmp_path / "in"
    make_many(folder, 3, prefix="typed")
    for i in range(4):  # four different pages (the same bytes would be stored once)
        body = (*scan_support.BODY[:-1], f"Văn bản lưu trữ số {i + 1} năm 2015.")
        scan_support.save_jpeg(scan_support.render_page(body=body), folder / f"scan-{i}.jpg")
    local, queued = make_workspace(tmp_path / "local"), make_workspace(tmp_path / "queued")

    def run_import(ws, *extra):
        done = subprocess.run([*PAPERWORK, "--workspace", str(ws.root), "archive", "import", str(folder),
                               "--jobs", "1", "--report", str(ws.root / "report.csv"), *extra],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return done

    run_import(local)
    run_import(queued, "--workers", broker)
    rows = _catalog_rows(queued)
    assert rows == _catalog_rows(local)
    assert [r[8] for r in rows].count("done") == 4 and all("SỞ NỘI VỤ" in r[10] for r in rows if r[8] == "done")
    logs = [(tmp_path / f"worker-{i}.log").read_text() for i in (1, 2)]
    # Celery logs nothing per task at WARNING: each worker's own count of the tasks it ran says its share.
    from paperwork.archive.workers import make_app

    app = make_app(broker)
    try:
        stats = app.control.inspect(timeout=5).stats() or {}
    finally:
        app.close()
    ran = {name: sum(s.get("total", {}).values()) for name, s in stats.items()}
    assert len(ran) == 2 and all(n >= 1 for n in ran.values()), (ran, logs)
    verified = subprocess.run([*PAPERWORK, "--workspace", str(queued.root), "archive", "verify"],
                              capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_an_unreachable_queue_is_one_clear_error(tmp_path):
    """--workers naming a broker nobody listens on: one line naming the URL, exit 1, nothing half-added."""
    from conftest import make_workspace

    ws = make_workspace(tmp_path / "ws")
    scan = scan_support.save_jpeg(scan_support.render_page(), tmp_path / "scan.jpg")
    url = f"redis://127.0.0.1:{free_port()}/0"
    done = subprocess.run([*PAPERWORK, "--workspace", str(ws.root), "archive", "add", str(scan), "--workers", url],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"Error: cannot reach the OCR queue at {url}: "), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert _catalog_rows(ws) == []
