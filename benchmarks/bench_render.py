"""Rendering throughput: `paperwork batch` against the naive docxtpl loop, in the same run.

    python benchmarks/bench_render.py [--count 1000] [--memory-count 5000] [--jobs 2] [--archive]

Documents: the shipped reward-decision example cut to 3 awardees (one page plus
a short attached list), the title numbered per document so that every file differs.

* naive: what a user writes: for each document ``DocxTemplate(path)``,
  ``render(context, jinja_env, autoescape=True)``, ``save(file)``, one process;
  the contexts are built beforehand and not timed (in the naive loop's favour);
* batch: ``paperwork batch MANIFEST --no-archive --jobs N`` as a subprocess,
  wall clock from start to exit (imports, validation, workers, writes with fsync).
  Peak memory: the RSS of the batch process tree (main + workers) summed,
  sampled from /proc every 20 ms, and the largest single process's maxrss
  (``RUSAGE_CHILDREN``).
* archived (``--archive``): the same batch storing and indexing every file (Whoosh).

Figures go to stdout and to benchmarks/results-render.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def decision(i: int) -> dict:
    from paperwork.kinds import KINDS

    data = yaml.safe_load(KINDS["reward-decision"].example())
    data.pop("number")
    data["title"] = f"{data['title']} (đợt {i})"
    data["awardees"] = data["awardees"][:3]
    return data


def write_manifest(folder: Path, count: int) -> Path:
    """The manifest a clerk writes for a reward round: what every decision shares under
    ``defaults:``, each document only its own title and awardees."""
    first = decision(1)
    shared = {k: v for k, v in first.items() if k not in ("title", "awardees")}
    docs = []
    for i in range(1, count + 1):
        d = decision(i) if i == 1 else {**first, "title": first["title"].replace("(đợt 1)", f"(đợt {i})")}
        docs.append({"kind": "reward-decision", "data": {"title": d["title"], "awardees": d["awardees"]},
                     "output": f"qd-{i:05d}.docx"})
    path = folder / "manifest.yaml"
    path.write_text(yaml.safe_dump({"defaults": shared, "documents": docs}, allow_unicode=True), encoding="utf-8")
    return path


def naive(folder: Path, count: int) -> float:
    """Seconds for the naive loop over ``count`` documents."""
    from docxtpl import DocxTemplate
    from jinja2 import Environment, StrictUndefined

    from paperwork.inputs import validate
    from paperwork.kinds import KINDS, issue_of
    from paperwork.render import find_template

    kind = KINDS["reward-decision"]
    template = find_template(kind.template)
    contexts = []
    for i in range(1, count + 1):
        doc = validate(decision(i), kind.model, "bench")
        contexts.append(kind.build(doc, issue_of(doc)))
    out = folder / "naive"
    out.mkdir()
    start = time.perf_counter()
    for i, context in enumerate(contexts, start=1):
        tpl = DocxTemplate(template)
        tpl.render(context, jinja_env=Environment(undefined=StrictUndefined, autoescape=True), autoescape=True)
        tpl.save(out / f"qd-{i:05d}.docx")
    return time.perf_counter() - start


def _tree_rss(root: int) -> int:
    """Sum of the RSS (bytes) of ``root`` and its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as fh:
                rss[int(entry)] = int(fh.read().split()[1]) * page
        except (OSError, IndexError):
            continue
        parents[int(entry)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(rss.get(pid, 0) for pid in tree)


def batch(folder: Path, manifest: Path, jobs: int, *, archive: bool) -> tuple[float, int, int]:
    """Seconds, peak tree RSS (bytes), largest single maxrss (bytes) of one `paperwork batch` run."""
    ws = folder / f"ws-{'archive' if archive else 'plain'}-{manifest.stat().st_size}"
    subprocess.run([sys.executable, "-m", "paperwork", "init", str(ws), "--agency-name", "Bộ Nội vụ",
                    "--agency-code", "BNV", "--place", "Hà Nội"], check=True, capture_output=True)
    out = folder / f"out-{ws.name}"
    args = [sys.executable, "-m", "paperwork", "--workspace", str(ws), "batch", str(manifest), "-o", str(out),
            "--jobs", str(jobs)]
    if not archive:
        args.append("--no-archive")
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"batch failed ({proc.returncode}): {err.decode()[-2000:]}")
    written = len(list(out.glob("*.docx")))
    assert written == len(yaml.safe_load(manifest.read_text(encoding="utf-8"))["documents"]), written
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return seconds, peak, maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--memory-count", type=int, default=5000, help="second batch run, for memory (0: skip)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--archive", action="store_true", help="also time the batch with archiving")
    parser.add_argument("--output", type=Path, default=HERE / "results-render.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        folder = Path(tmp)
        manifest = write_manifest(folder, args.count)
        naive_s = naive(folder, args.count)
        batch_s, batch_peak, batch_maxrss = batch(folder, manifest, args.jobs, archive=False)
        rows = [("naive docxtpl loop, 1 process", args.count, naive_s, None),
                (f"paperwork batch --no-archive --jobs {args.jobs}", args.count, batch_s, batch_peak)]
        if args.memory_count:
            big = folder / "big"
            big.mkdir()
            big_s, big_peak, _ = batch(big, write_manifest(big, args.memory_count), args.jobs, archive=False)
            rows.append((f"paperwork batch --no-archive --jobs {args.jobs}", args.memory_count, big_s, big_peak))
        if args.archive:
            arch = folder / "arch"
            arch.mkdir()
            arch_s, arch_peak, _ = batch(arch, write_manifest(arch, args.count), args.jobs, archive=True)
            rows.append((f"paperwork batch (archived) --jobs {args.jobs}", args.count, arch_s, arch_peak))

    ratio = (args.count / batch_s) / (args.count / naive_s)
    lines = [
        "# Rendering: `paperwork batch` against the naive docxtpl loop",
        "",
        f"Measured {dt.date.today():%Y-%m-%d} by `python benchmarks/bench_render.py` on {os.cpu_count()} cores,"
        f" Python {sys.version.split()[0]}. Documents: the reward-decision example with 3 awardees"
        " (one page + a short attached list), title numbered per document.",
        "",
        "| way | documents | seconds | documents/s | peak RSS of the process tree |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, count, seconds, peak in rows:
        mem = f"{peak / 2**20:.0f} MB" if peak else "—"
        lines.append(f"| {name} | {count:,} | {seconds:.1f} | {count / seconds:.0f} | {mem} |")
    lines += [
        "",
        f"**Ratio (batch / naive, {args.count:,} documents): {ratio:.1f}×.** Largest single process of the"
        f" batch runs: {batch_maxrss / 2**20:.0f} MB maxrss.",
        "",
        "The batch figure is the whole command as a subprocess (start-up, validation of every item, worker"
        " pool, each file fsynced); the naive loop times only DocxTemplate/render/save with the contexts"
        " prepared beforehand.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
