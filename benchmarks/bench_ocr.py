"""OCR benchmark: seconds per page in-process, and an import of scans in-process and on the OCR queue.

    python benchmarks/bench_ocr.py                 # both parts, as results-ocr.md was made
    python benchmarks/bench_ocr.py --pages 1 10 30 --workers 1 2 4
    python benchmarks/bench_ocr.py --scans 24 --multipage 3 3 5
    python benchmarks/bench_ocr.py --no-queue      # the per-page table only

1. **Seconds per page** of ``paperwork.archive.ocr.ocr_file`` (OCRmyPDF + Tesseract
   vie) for scans of ``--pages`` pages with ``--workers`` pages OCRed at once.
2. **The queue beside the importer**, in the same run: one folder of ``--scans``
   one-page scans (JPEG, as a phone or a flatbed hands them over) and
   ``--multipage`` image-only PDFs, every page with its own text, imported with
   ``paperwork archive import`` into a fresh workspace each time:
   (a) in-process with ``--jobs 1`` and with the default (every core),
   (b) with ``--workers URL`` and one ``paperwork worker -c 1``,
   (c) with two of them (``-c 1`` each).
   The queue is a private ``redis-server`` on a free loopback port; the workers are
   started fresh for each queued run and are ready (they answer a ping) before the
   clock starts. The figure is the whole import command (interpreter start, reading,
   storing, cataloguing, indexing and OCR). Each queued catalog is checked against
   the in-process one: for every SHA-256 the same OCR state, page count and text.

Each scan is A4 at 200 dpi (Decree 30's minimum), Vietnamese text in Liberation
Serif, turned a little and blurred (the test scans of tests/scan_support.py).
Every OCR produces the PDF/A-2b archival copy with its text layer, deskewed and
rotated, as ``paperwork archive add`` does. Prints the figures and writes them to
benchmarks/results-ocr.md, with the load average before and after (the machine
is shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import servers  # noqa: E402
from scan_support import BODY, DPI, render_page, save_jpeg  # noqa: E402

from paperwork.archive.ocr import OcrSettings, ocr_file, unavailable  # noqa: E402
from paperwork.config import default_jobs  # noqa: E402

PAPERWORK = [sys.executable, "-m", "paperwork"]


# --------------------------------------------------------------------------- 1. seconds per page


def make_scan(pages: int, path: Path) -> Path:
    images = [render_page(angle=(1.2 if i % 2 else -0.7)) for i in range(pages)]
    first, *rest = images
    first.save(path, save_all=True, append_images=rest, resolution=200)
    return path


def tesseract_threads(pages: int, jobs: int) -> int:
    """OpenMP threads OCRmyPDF gives each Tesseract when OMP_THREAD_LIMIT is not set: jobs ÷ pages, 1 to 3."""
    return min(3, max(1, jobs // pages))


def run(pages: int, workers: int, folder: Path, omp_threads: int | None = None) -> float:
    """Seconds per page; ``omp_threads``: OMP_THREAD_LIMIT for Tesseract (None: OCRmyPDF's choice)."""
    scan = make_scan(pages, folder / f"scan-{pages}.pdf")
    out = folder / f"scan-{pages}-{workers}.pdfa.pdf"
    saved = os.environ.get("OMP_THREAD_LIMIT")
    if omp_threads is not None:
        os.environ["OMP_THREAD_LIMIT"] = str(omp_threads)
    try:
        start = time.perf_counter()
        outcome = ocr_file(scan, out, settings=OcrSettings(jobs=workers))
        elapsed = time.perf_counter() - start
    finally:
        if saved is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = saved
    assert outcome.pages == pages and not outcome.problems, outcome.problems
    return elapsed / pages


# --------------------------------------------------------------------------- 2. the queue


def _page(n: int, angle: float):
    """Page ``n`` of the folder: the test scan with a last line of its own (identical bytes are stored once)."""
    return render_page(body=(*BODY[:-1], f"Văn bản lưu trữ số {n} năm 2015, hồ sơ {n % 7 + 1}."), angle=angle)


def make_folder(folder: Path, scans: int, multipage: list[int]) -> int:
    """``scans`` one-page JPEGs and one image-only PDF per entry of ``multipage``; the number of pages."""
    folder.mkdir(parents=True)
    n = 0
    for i in range(scans):
        n += 1
        save_jpeg(_page(n, 1.2 if i % 2 else -0.7), folder / f"scan-{i + 1:03d}.jpg")
    for j, pages in enumerate(multipage):
        images = []
        for k in range(pages):
            n += 1
            images.append(_page(n, 0.9 if k % 2 else -1.1))
        first, *rest = images
        first.save(folder / f"dossier-{j + 1:02d}.pdf", save_all=True, append_images=rest, resolution=DPI)
    return n


@contextmanager
def redis_server(folder: Path):
    """A Redis of the benchmark's own, on loopback, nothing saved: its URL."""
    if shutil.which("redis-server") is None:
        sys.exit("the queue part needs redis-server (scripts/setup installs it), or give --no-queue")
    with servers.redis_server(folder) as url:
        yield url


@contextmanager
def queue_workers(url: str, count: int, logs: Path):
    """``count`` fresh ``paperwork worker -c 1`` processes, each answering a ping before this yields;
    yields the Celery app (to ask them afterwards how many tasks each ran)."""
    from paperwork.archive.workers import make_app

    logs.mkdir(parents=True, exist_ok=True)
    names = [f"w{i + 1}@bench" for i in range(count)]
    procs = [subprocess.Popen([*PAPERWORK, "worker", "--broker", url, "-c", "1", "--name", name],
                              stdout=(logs / f"{name}.log").open("w"), stderr=subprocess.STDOUT,
                              start_new_session=True) for name in names]
    app = make_app(url)
    try:
        deadline = time.monotonic() + 120
        while True:
            answered = {name for reply in app.control.ping(timeout=1.0) for name in reply}
            if answered >= set(names):
                break
            dead = [p for p in procs if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                sys.exit(f"workers not ready (answered: {sorted(answered)}); see {logs}")
        yield app
    finally:
        app.close()
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def fresh_workspace(root: Path):
    """An empty workspace with its catalog, as tests/conftest.py ``make_workspace`` makes it."""
    from paperwork import db
    from paperwork.config import load_workspace

    root.mkdir(parents=True)
    ws = load_workspace(root)
    db.create(ws.catalog_path)
    return ws


def import_folder(ws, folder: Path, *extra: str) -> float:
    """``paperwork archive import FOLDER`` as a whole command: its seconds."""
    cmd = [*PAPERWORK, "--workspace", str(ws.root), "archive", "import", str(folder),
           "--report", str(ws.root / "report.csv"), *extra]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=7200)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed


def catalog_by_sha(ws) -> dict[str, tuple]:
    """What the catalog holds for each file: SHA-256 -> (OCR state, pages, text)."""
    from paperwork.archive.service import _catalog

    with _catalog(ws, write=False) as catalog:
        return {r.sha256: (r.ocr, r.pages, catalog.text(r.id)) for r in catalog.records()}


def compare(got: dict[str, tuple], want: dict[str, tuple]) -> str:
    if got == want:
        return f"equal ({len(want)} documents)"
    missing = len(want.keys() - got.keys())
    extra = len(got.keys() - want.keys())
    differ = sum(1 for k in want.keys() & got.keys() if got[k] != want[k])
    return f"**differs**: {missing} missing, {extra} extra, {differ} with another OCR state/pages/text"


@dataclass
class QueueRun:
    label: str
    workers: int  # 0: in-process
    times: list[float] = field(default_factory=list)  # seconds of each round
    catalog: dict[str, tuple] = field(default_factory=dict, repr=False)
    check: str = ""
    tasks: list[dict[str, int]] = field(default_factory=list)  # tasks each worker ran, per round

    @property
    def seconds(self) -> float:
        """The best round: the one the other users of the machine disturbed least."""
        return min(self.times)


def queue_part(tmp: Path, scans: int, multipage: list[int], queue_jobs: int, rounds: int,
               log) -> tuple[int, list[QueueRun]]:
    """Each way of importing once per round, the ways taking turns (so that a busy minute of the
    machine falls on all of them), each import into a fresh workspace."""
    folder = tmp / "scans"
    pages = make_folder(folder, scans, multipage)
    log(f"folder: {scans} one-page scans + {len(multipage)} PDFs of {multipage} pages = {pages} pages")
    runs = [QueueRun("in-process, --jobs 1", 0), QueueRun(f"in-process, default (--jobs {default_jobs()})", 0),
            QueueRun("queue, 1 worker (-c 1)", 1), QueueRun("queue, 2 workers (-c 1 each)", 2)]
    extra = {0: ["--jobs", "1"], 1: []}
    with redis_server(tmp / "redis") as url:
        for n in range(rounds):
            for i, r in enumerate(runs):
                ws = fresh_workspace(tmp / f"ws-{n}-{i}")
                if r.workers == 0:
                    seconds = import_folder(ws, folder, *extra[i])
                else:
                    with queue_workers(url, r.workers, tmp / f"logs-{n}-{i}") as app:
                        seconds = import_folder(ws, folder, "--workers", url, "--jobs", str(queue_jobs))
                        stats = app.control.inspect(timeout=5).stats() or {}
                    r.tasks.append({name.split("@")[0]: sum(s.get("total", {}).values())
                                    for name, s in sorted(stats.items())})
                r.times.append(seconds)
                catalog = catalog_by_sha(ws)
                if not r.catalog:
                    r.catalog = catalog
                elif catalog != r.catalog:
                    r.check = "**differs between rounds**; "
                shutil.rmtree(ws.root)
                log(f"round {n + 1}: {r.label:<32} {seconds:7.1f} s  {pages / seconds:5.3f} pages/s"
                    + (f"  tasks per worker {r.tasks[-1]}" if r.workers else ""))
    reference = runs[0].catalog
    for r in runs:
        r.check += "reference" if r is runs[0] else compare(r.catalog, reference)
        states = {v[0] for v in r.catalog.values()}
        if states != {"done"}:
            r.check += f"; OCR states {sorted(map(str, states))}"
    return pages, runs


# --------------------------------------------------------------------------- the report


def loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def queue_lines(scans: int, multipage: list[int], queue_jobs: int, rounds: int, pages: int,
                runs: list[QueueRun]) -> list[str]:
    local1, local_default = runs[0], runs[1]
    rate = {id(r): pages / r.seconds for r in runs}
    pdfs = (f" and {len(multipage)} image-only PDFs of {', '.join(map(str, multipage))} pages" if multipage else "")
    lines = [
        "## An import of scans: in-process and on the OCR queue",
        "",
        f"One folder of {scans} one-page scans (JPEG){pdfs}: {pages} pages, each with its own text.",
        "Each run is `paperwork archive import FOLDER` into a fresh workspace, timed as a whole command",
        "(interpreter start, reading, store, catalog, index and OCR). Queued runs:",
        f"`--workers redis://… --jobs {queue_jobs}` (each worker OCRs a scan's pages {queue_jobs} at a time), workers",
        "`paperwork worker --broker … -c 1` started fresh for the run, on this machine, ready before the clock",
        "starts; Redis on loopback. \"Catalog\" compares every document (by SHA-256) with the in-process",
        "`--jobs 1` import: OCR state, page count and text.",
        *([f"The four ways took turns, {rounds} rounds; the figures are each way's best round (the one the",
           "machine's other users disturbed least), every round's seconds beside them."] if rounds > 1 else []),
        "",
        "| run | seconds | pages/s | pages/s per worker | × in-process `--jobs 1` "
        "| × in-process default | tasks per worker | catalog |" + (" every round (s) |" if rounds > 1 else ""),
        "|---|---:|---:|---:|---:|---:|---|---|" + ("---|" if rounds > 1 else ""),
    ]
    for r in runs:
        per_worker = f"{rate[id(r)] / r.workers:.3f}" if r.workers else "—"
        tasks = " · ".join(", ".join(f"{k}: {v}" for k, v in t.items()) for t in r.tasks) if r.tasks else "—"
        every = (" " + ", ".join(f"{t:.1f}" for t in r.times) + " |") if rounds > 1 else ""
        lines.append(f"| {r.label} | {r.seconds:.1f} | {rate[id(r)]:.3f} | {per_worker} "
                     f"| {rate[id(r)] / rate[id(local1)]:.2f}× | {rate[id(r)] / rate[id(local_default)]:.2f}× "
                     f"| {tasks} | {r.check} |{every}")
    queued = [r for r in runs if r.workers]
    one = next((r for r in queued if r.workers == 1), None)
    two = next((r for r in queued if r.workers == 2), None)
    lines += [""]
    if one and two:
        lines += [
            f"Per worker: one worker {rate[id(one)]:.3f} pages/s ({one.seconds / pages:.2f} s a page); two workers "
            f"{rate[id(two)] / 2:.3f} pages/s each ({two.seconds / pages * 2:.2f} s a page per worker), "
            f"{rate[id(two)] / rate[id(one)]:.2f}× one worker's rate together.",
            "",
        ]
    spread = max(max(r.times) / min(r.times) - 1 for r in runs)
    lines += [
        f"**On this {os.cpu_count()}-core machine the workers share the cores with each other and with the",
        "importer** (which reads, stores, catalogues and indexes while they OCR), and with other engineers'",
        "work (load average above). So the queue shows here its overhead (one worker) and what two processes",
        "make of two local cores (two workers), not its gain: throughput growing with the number of",
        "machines, each with cores of its own, sharing the workspace's archive folder, needs workers on",
        "other machines, and was not measured.",
    ]
    if one:
        r = rate[id(one)] / rate[id(local1)]
        lines.append(
            f"One worker against the same OCR in-process (`--jobs 1`): {r:.2f}×: "
            + (f"the queue's overhead (Celery, Redis, the result round trips) was {1 / r - 1:.0%} of the time"
               + (f" (the rounds of one way differ by up to {spread:.0%})." if rounds > 1 else ".")
               if r < 0.97 else
               "its overhead (Celery, Redis, the result round trips) is lost in this machine's noise"
               + (f": the rounds of one way differ by up to {spread:.0%}." if rounds > 1 else ".")
               + " (A worker has OCRmyPDF loaded before the clock starts, where the importer loads it on its"
               " first scan, and the importer reads on while a scan is on the queue.)"))
    if two:
        lines.append(
            f"Two workers, {rate[id(two)] / rate[id(local1)]:.2f}× in-process `--jobs 1`, are two single-threaded "
            "Tesseracts at once on the two local cores, where the importer OCRs one file at a time: a local "
            "effect, not the queue's scaling (an importer OCRing two files at once could have it too).")
    d = rate[id(local_default)] / rate[id(local1)]
    lines.append(
        f"The in-process default (`--jobs {default_jobs()}`) was {d:.2f}× `--jobs 1`: it gives a one-page scan's "
        f"Tesseract {tesseract_threads(1, default_jobs())} OpenMP threads"
        + (", slower than one on this loaded machine (compare the per-page table's OMP_THREAD_LIMIT=1 rows)."
           if d < 0.9 else ", no faster than one here."))
    lines.append("")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--scans", type=int, default=12, help="one-page scans in the import folder (default 12)")
    parser.add_argument("--multipage", type=int, nargs="*", default=[3, 3],
                        help="pages of each multi-page PDF in the folder (default: 3 3; none: --multipage)")
    parser.add_argument("--queue-jobs", type=int, default=1, help="--jobs of the queued imports (default 1)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="times each import is run, the ways taking turns; the best is reported (default 1)")
    parser.add_argument("--no-queue", action="store_true", help="the per-page table only")
    parser.add_argument("--out", type=Path, default=HERE / "results-ocr.md")
    args = parser.parse_args()
    missing = unavailable()
    if missing:
        sys.exit(f"OCR unavailable: {missing}")
    import ocrmypdf

    def log(message: str) -> None:
        print(message, flush=True)

    started = dt.datetime.now(dt.timezone.utc)
    load_before = loadavg()
    log(f"load average before: {load_before}")
    rows = []
    queue: tuple[int, list[QueueRun]] | None = None
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        for pages in args.pages:
            for workers in args.workers:
                ways = [None]
                if tesseract_threads(pages, workers) > 1:  # and with Tesseract held to one thread
                    ways.append(1)
                for omp in ways:
                    per_page = run(pages, workers, Path(tmp), omp)
                    threads = omp or tesseract_threads(pages, workers)
                    rows.append((pages, workers, threads, "" if omp is None else " (OMP_THREAD_LIMIT=1)", per_page))
                    log(f"{pages:>3} page(s), {workers} worker(s), Tesseract {threads} thread(s): {per_page:6.2f} s/page")
        if not args.no_queue:
            queue = queue_part(Path(tmp), args.scans, args.multipage, args.queue_jobs, args.rounds, log)
    load_after = loadavg()
    log(f"load average after: {load_after}")
    cpu = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    command = "python benchmarks/bench_ocr.py" + ("" if len(sys.argv) == 1 else " " + " ".join(sys.argv[1:]))
    lines = [
        "# OCR benchmark (benchmarks/bench_ocr.py)",
        "",
        f"Measured {started:%Y-%m-%d %H:%M} UTC by `{command}`.",
        f"OCRmyPDF {ocrmypdf.__version__}, Tesseract `vie`, PDF/A-2b output, deskew + rotate;"
        f" A4 at 200 dpi; {cpu}; Python {platform.python_version()}.",
        f"Load average (1/5/15 min) before: {load_before}; after: {load_after}. The machine is shared:"
        " compare within the run.",
        "",
        "## Seconds per page, in-process (`ocr_file`, one scan of N pages, `jobs` pages at once)",
        "",
        "| pages | workers | Tesseract threads per page | seconds per page |",
        "|---:|---:|---:|---:|",
        *(f"| {p} | {w} | {t}{note} | {s:.2f} |" for p, w, t, note, s in rows),
        "",
        "OCRmyPDF gives each Tesseract jobs ÷ pages OpenMP threads (1 to 3) unless OMP_THREAD_LIMIT is set;",
        "the rows marked OMP_THREAD_LIMIT=1 hold it to one thread, the same scan, in the same run.",
        "",
    ]
    if queue is not None:
        lines += queue_lines(args.scans, args.multipage, args.queue_jobs, args.rounds, *queue)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    log(f"written to {args.out}")


if __name__ == "__main__":
    main()
