"""Search benchmark: paperwork's two engines (Whoosh, Tantivy) and SQLite FTS5, same run.

    python benchmarks/bench_search.py --docs 10000 100000
    python benchmarks/bench_search.py --docs 100000 --engines tantivy fts5 --workdir /tmp/b --reuse

For each size: generate the corpus (benchmarks/corpus.py, seeded), index it through
paperwork's own ``build_index`` with each engine and into SQLite FTS5
(``unicode61 remove_diacritics 2``, bm25), then time a fixed query set by class through
paperwork's own search path (``parse_query`` + ``SearchIndex.search``: folding, filters,
ranking and snippets included). Then a whole ``paperwork search`` command, interpreter
start included, on a workspace holding each paperwork index. Prints the figures and
writes them to benchmarks/results-search.md. ``--reuse`` keeps indexes already built in
``--workdir`` (same corpus: it is seeded) instead of building them again.

FTS5's ``remove_diacritics`` does not fold ``đ``; the benchmark maps đ/Đ/Ð to d on both
sides for FTS5 so that both engines answer the same questions.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import PROVINCES, SENTENCES, CorpusDocument, generate  # noqa: E402

from paperwork.archive.folding import fold, normalise_number, strip_marks  # noqa: E402
from paperwork.archive.index import (  # noqa: E402
    IndexDocument,
    SearchIndex,
    build_index,
    index_exists,
    open_index,
)
from paperwork.archive.query import Query, parse_query  # noqa: E402

CLASSES = ("single", "name", "common + rare", "2–4 words", "phrase", "number", "filtered")
COMMON = ["thi đua", "khen thưởng", "quyết định", "cán bộ", "công chức", "văn thư", "hội nghị",
          "kỷ cương", "thưởng", "đơn vị", "Sở Nội vụ", "phong trào"]
_D = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D", "ð": "d"})


@dataclass
class BenchQuery:
    klass: str
    text: str  # what the archivist types
    words: list[str] = field(default_factory=list)  # for FTS5: words ANDed
    phrase: str | None = None
    number: str | None = None
    type: str | None = None
    year: int | None = None


def maybe_unaccent(rng: random.Random, text: str) -> str:
    return strip_marks(text) if rng.random() < 0.5 else text


def build_queries(docs: list[CorpusDocument], per_class: int, seed: int = 7) -> list[BenchQuery]:
    rng = random.Random(seed)
    named = [d for d in docs if d.names]
    out: list[BenchQuery] = []
    for _ in range(per_class):
        w = maybe_unaccent(rng, rng.choice(COMMON))
        out.append(BenchQuery("single", w, words=w.split()))
        name = maybe_unaccent(rng, rng.choice(rng.choice(named).names))
        out.append(BenchQuery("name", name, words=name.split()))
        rare = rng.choice([rng.choice(rng.choice(named).names), rng.choice(PROVINCES)])
        text = maybe_unaccent(rng, f"{rng.choice(COMMON)} {rare}")
        out.append(BenchQuery("common + rare", text, words=text.split()))
        words = rng.choice(SENTENCES).rstrip(".;").replace(",", "").split()
        picked = rng.sample(words, min(len(words), rng.randint(2, 4)))
        text = maybe_unaccent(rng, " ".join(picked))
        out.append(BenchQuery("2–4 words", text, words=text.split()))
        start = rng.randrange(0, max(1, len(words) - 4))
        phrase = maybe_unaccent(rng, " ".join(words[start : start + rng.randint(2, 4)]))
        out.append(BenchQuery("phrase", f'"{phrase}"', phrase=phrase))
        number = rng.choice(docs).number
        number = number.translate(_D) if rng.random() < 0.5 else number
        out.append(BenchQuery("number", number, number=number))
        w = maybe_unaccent(rng, rng.choice(COMMON))
        if rng.random() < 0.5:
            t = rng.choice(["Quyết định", "Hướng dẫn", "Kế hoạch", "Báo cáo", "Biên bản"])
            out.append(BenchQuery("filtered", f'{w} type:"{t}"', words=w.split(), type=t))
        else:
            y = rng.randint(2015, 2025)
            out.append(BenchQuery("filtered", f"{w} year:{y}", words=w.split(), year=y))
    return out


# ---------------------------------------------------------- paperwork (either engine)

LABELS = {"whoosh": "Whoosh (paperwork)", "tantivy": "Tantivy (paperwork)", "fts5": "SQLite FTS5"}


def index_paperwork(engine: str, docs: list[CorpusDocument], path: Path) -> float:
    items = (
        IndexDocument(d.id, d.filename, d.title, d.type, d.number, d.date, d.agency, d.text)
        for d in docs
    )
    t0 = time.perf_counter()
    build_index(path, items, engine).close()
    return time.perf_counter() - t0


def run_paperwork(ix: SearchIndex) -> Callable[[BenchQuery], int]:
    return lambda q: len(ix.search(parse_query(q.text, limit=20)))


CLI_QUERIES = ["thi đua khen thưởng", "khen thuong Bac Lieu", '"phong trào thi đua"', "28/QĐ-UBND"]


def time_cli(root: Path, runs: int = 5) -> float:
    """Median wall time (ms) of a whole `paperwork search` process, interpreter start included."""
    exe = [sys.executable, "-m", "paperwork"]
    scripts = Path(sys.executable).parent / "paperwork"
    if scripts.exists():
        exe = [str(scripts)]
    # As installed: byte code cached (a PYTHONDONTWRITEBYTECODE=1 environment would compile
    # every module on every start), one warm-up run to write it and warm the page cache.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([*exe, "--workspace", str(root), "search", "thi"], check=True, capture_output=True, env=env)
    times = []
    for i in range(runs):
        query = CLI_QUERIES[i % len(CLI_QUERIES)]
        t0 = time.perf_counter()
        subprocess.run([*exe, "--workspace", str(root), "search", query], check=True, capture_output=True, env=env)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


# -------------------------------------------------------------------------- FTS5


def fts_text(text: str) -> str:
    return text.translate(_D)


def index_fts(docs: list[CorpusDocument], path: Path) -> float:
    t0 = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript(
        """
        PRAGMA journal_mode=WAL;
        CREATE TABLE meta(id INTEGER PRIMARY KEY, type TEXT, year INTEGER, date TEXT, number TEXT);
        CREATE VIRTUAL TABLE docs USING fts5(title, agency, body,
            tokenize="unicode61 remove_diacritics 2");
        """
    )
    with db:
        db.executemany(
            "INSERT INTO meta VALUES (?, ?, ?, ?, ?)",
            ((d.id, fold(d.type), int(d.date[:4]), d.date, normalise_number(d.number)) for d in docs),
        )
        db.executemany(
            "INSERT INTO docs(rowid, title, agency, body) VALUES (?, ?, ?, ?)",
            ((d.id, fts_text(d.title), fts_text(d.agency), fts_text(d.text)) for d in docs),
        )
        db.execute("CREATE INDEX meta_number ON meta(number)")
        db.execute("CREATE INDEX meta_type_year ON meta(type, year)")
        db.execute("CREATE INDEX meta_year ON meta(year)")
    db.close()
    return time.perf_counter() - t0


def _quote(word: str) -> str:
    return '"' + fts_text(word).replace('"', "") + '"'


def run_fts(db: sqlite3.Connection) -> Callable[[BenchQuery], int]:
    # CROSS JOIN keeps FTS5 as the outer loop: with "rowid IN (SELECT …)" SQLite walked the
    # metadata first and ran the full-text match once per row (seconds at 10k documents).
    select = (
        "SELECT docs.rowid, bm25(docs), snippet(docs, 2, '«', '»', '…', 24) "
        "FROM docs CROSS JOIN meta ON meta.id = docs.rowid "
        "WHERE docs MATCH ? {extra} ORDER BY rank LIMIT 20"
    )

    def run(q: BenchQuery) -> int:
        if q.number is not None:
            return len(db.execute("SELECT id FROM meta WHERE number = ?", (normalise_number(q.number),)).fetchall())
        match = " AND ".join(_quote(w) for w in q.words) if q.words else _quote(q.phrase or "")
        extra, args = "", [match]
        if q.type:
            extra, args = "AND meta.type = ?", [match, fold(q.type)]
        elif q.year:
            extra, args = "AND meta.year = ?", [match, q.year]
        return len(db.execute(select.format(extra=extra), args).fetchall())

    return run


# ------------------------------------------------------------------------- timing


def time_queries(run: Callable[[BenchQuery], int], queries: list[BenchQuery]) -> dict[str, list[float]]:
    for q in queries:  # warm the caches once, as a long-lived process would be
        run(q)
    times: dict[str, list[float]] = {k: [] for k in CLASSES}
    for q in queries:
        t0 = time.perf_counter()
        run(q)
        times[q.klass].append((time.perf_counter() - t0) * 1000)
    return times


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def dir_size(path: Path) -> int:
    if path.is_file():
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench_paperwork(engine: str, n: int, docs: list[CorpusDocument], queries: list[BenchQuery],
                    workdir: Path, reuse: bool) -> dict:
    root = workdir / f"ws-{engine}-{n}"
    path = root / "archive" / "index"
    root.mkdir(parents=True, exist_ok=True)
    (root / "paperwork.toml").write_text(f'[archive]\nengine = "{engine}"\n', encoding="utf-8")
    rate = None
    if reuse and index_exists(path):
        with open_index(path, engine) as ix:
            reused = ix.count() == n
        print(f"{engine}: {'reusing' if reused else 'not reusing'} the index in {path}", flush=True)
    else:
        reused = False
    if not reused:
        secs = index_paperwork(engine, docs, path)
        rate = n / secs
        print(f"{engine}: indexed in {secs:.1f} s ({rate:.0f} docs/s)", flush=True)
    gc.collect()
    probe = docs[0].number  # open + one cheap look-up: what a CLI search pays before its query
    t0 = time.perf_counter()
    ix = open_index(path, engine)
    ix.search(Query(number=probe, limit=1))
    open_ms = (time.perf_counter() - t0) * 1000
    times = time_queries(run_paperwork(ix), queries)
    ix.close()
    cli_ms = time_cli(root)
    print(f"{engine}: `paperwork search` command {cli_ms:.0f} ms (median of 5)", flush=True)
    return dict(rate=rate, size=dir_size(path), open=open_ms, times=times, cli=cli_ms)


def bench(
    n: int, per_class: int, workdir: Path, engines: list[str], reuse: bool, whoosh_max: int = 0
) -> dict[str, dict]:
    print(f"\n== {n:,} documents ==", flush=True)
    t0 = time.perf_counter()
    docs = list(generate(n))
    mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    print(f"corpus: {mb:.0f} MB of text generated in {time.perf_counter() - t0:.1f} s", flush=True)
    queries = build_queries(docs, per_class)
    results: dict[str, dict] = {}
    for engine in engines:
        if engine == "whoosh" and whoosh_max and n > whoosh_max:
            print(f"whoosh: skipped above {whoosh_max:,} documents (--whoosh-max)", flush=True)
            continue
        if engine != "fts5":
            results[LABELS[engine]] = bench_paperwork(engine, n, docs, queries, workdir, reuse)
    if "fts5" not in engines:
        return results

    fpath = workdir / f"fts-{n}.db"
    probe = docs[0].number
    if fpath.exists():
        fpath.unlink()
    secs = index_fts(docs, fpath)
    print(f"fts5: indexed in {secs:.1f} s ({n / secs:.0f} docs/s)", flush=True)
    t0 = time.perf_counter()
    db = sqlite3.connect(fpath)
    db.execute("SELECT id FROM meta WHERE number = ?", (normalise_number(probe),)).fetchall()
    open_ms = (time.perf_counter() - t0) * 1000
    times = time_queries(run_fts(db), queries)
    results["SQLite FTS5"] = dict(rate=n / secs, size=dir_size(fpath), open=open_ms, times=times, cli=None)
    db.close()
    return results


def table(n: int, results: dict[str, dict], per_class: int) -> str:
    head = "| engine | index docs/s | size MB | open ms | CLI search ms | " + " | ".join(CLASSES) + " |"
    title = f"### {n:,} documents (search p50 / p95 ms, limit 20, {per_class} queries per class)"
    lines = [title, "", head, "|" + "---|" * (5 + len(CLASSES))]
    for name, r in results.items():
        cells = [f"{pct(r['times'][k], 50):.1f} / {pct(r['times'][k], 95):.1f}" for k in CLASSES]
        rate = "(reused)" if r["rate"] is None else f"{r['rate']:,.0f}"
        cli = "—" if r["cli"] is None else f"{r['cli']:.0f}"
        lines.append(
            f"| {name} | {rate} | {r['size'] / 1e6:,.0f} | {r['open']:.0f} | {cli} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, nargs="+", default=[10_000])
    parser.add_argument("--per-class", type=int, default=30, help="queries per class")
    parser.add_argument(
        "--per-class-large", type=int, default=12, help="queries per class above 20,000 documents"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (default: a temp dir)")
    parser.add_argument("--out", type=Path, default=HERE / "results-search.md")
    parser.add_argument(
        "--engines", nargs="+", choices=["whoosh", "tantivy", "fts5"], default=["whoosh", "tantivy", "fts5"]
    )
    parser.add_argument("--reuse", action="store_true", help="keep paperwork indexes already built in --workdir")
    parser.add_argument(
        "--whoosh-max", type=int, default=0, help="skip Whoosh above this many documents (its 100k build takes ~30 min)"
    )
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-search-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sections = []
    try:
        for n in args.docs:
            per_class = args.per_class if n <= 20_000 else args.per_class_large
            section = table(n, bench(n, per_class, workdir, args.engines, args.reuse, args.whoosh_max), per_class)
            print("\n" + section, flush=True)
            sections.append(section)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    header = (
        "# Search benchmark: paperwork's engines (Whoosh, Tantivy) and SQLite FTS5\n\n"
        f"`python benchmarks/bench_search.py {' '.join(sys.argv[1:])}` — "
        f"Python {platform.python_version()}, {os.cpu_count()} cores (shared with other work: "
        "compare the engines within a run, not with other machines); "
        "each timed once after one warm-up pass; paperwork's times include query parsing, folding, "
        "filters and snippets; \"CLI search\" is the median wall time of a whole `paperwork search` "
        "process (interpreter start included).\n\n"
    )
    args.out.write_text(header + "\n".join(sections), encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
