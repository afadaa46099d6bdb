"""Ingestion throughput: archiving at the engine's speed, against its floors and the naive loop, same run.

    python benchmarks/bench_ingest.py                                  # everything (~40 min)
    python benchmarks/bench_ingest.py --batch 400 --add 2000 --big 0   # a quick look
    python benchmarks/bench_ingest.py --big 100000 --big-engines tantivy whoosh

1. **batch** (``--batch 400 5000``): ``paperwork batch MANIFEST`` with archiving on each engine,
   ``--no-archive``, and the naive docxtpl loop (bench_render.py's: ``DocxTemplate``, ``render``,
   ``save``, one process, contexts built beforehand and not timed). Whole commands as
   subprocesses; ratios are the batch's speed over the naive loop's. ``--naive-max N`` times the
   naive loop on at most N documents and gives its rate (per document it does not change).
2. **archive add** (``--add 10000``): typed documents generated here from benchmarks/corpus.py
   (Decree-30 shaped .docx as Word writes them: header table, body, signature table, styles,
   theme…; every ``--pdf-every``-th a text PDF made with fpdf2), added by one
   ``paperwork archive add FILE…`` per engine, against
   * the engine's raw indexing rate: ``build_index`` (what ``archive reindex`` runs) over the
     same texts, in one process, nothing else;
   * a bare extraction pass over the same files, one process: zipfile + expat over
     ``word/document.xml`` with no handlers (the floor of any .docx reader), pypdf's
     ``extract_text`` for the PDFs; and paperwork's own ``extract()`` in one process.
3. **memory at scale** (``--big 100000``): an add of that many generated .docx through
   ``add_files`` (the command line cannot take 100,000 names), then ``archive reindex``, on each
   of ``--big-engines``; peak RSS of the process tree (main + workers), sampled every 100 ms.

Figures go to stdout and to benchmarks/results-ingest.md. The machine is shared: the load
average before and after is printed with the results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat
from xml.sax.saxutils import escape


HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_render import naive, write_manifest  # noqa: E402
from corpus import CorpusDocument, generate  # noqa: E402

PAPERWORK = [sys.executable, "-m", "paperwork"]
TARGETS = {  # issue 12, item 1
    "batch": {"whoosh": 5.0, "tantivy": 8.0},  # × the naive loop
    "add": {"whoosh": 150.0, "tantivy": 400.0},  # documents/s
    "memory_mb": 500,
}


# --------------------------------------------------------------------------- running and sampling


_PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> tuple[int, int]:
    """RSS and its anonymous part (bytes) of ``root`` and its descendants, reading only their
    own /proc entries (``task/*/children``): scanning all of /proc took a good part of a core."""
    total, anon, todo, seen = 0, 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith(("VmRSS:", "RssAnon:")):
                        kib = int(line.split()[1]) * 1024
                        total += kib if line.startswith("VmRSS:") else 0
                        anon += kib if line.startswith("RssAnon:") else 0
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    todo.extend(int(child) for child in f.read().split())
        except (OSError, ValueError):
            continue
    return total, anon


@dataclass
class Run:
    seconds: float
    peak: int  # bytes, the process tree's RSS at its largest
    peak_anon: int = 0  # bytes, its anonymous part at its largest (RSS less the mapped files)


def measured(args: list[str], *, env: dict | None = None) -> Run:
    """Run a command; wall time and the peak RSS of its process tree. Fails loudly on an error."""
    peak = peak_anon = 0
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_anon
        while not done.is_set():
            rss, anon = _tree_rss(proc.pid)
            peak, peak_anon = max(peak, rss), max(peak_anon, anon)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:6])} … failed ({proc.returncode}): {err.decode()[-3000:]}")
    return Run(seconds, peak, peak_anon)


def workspace(root: Path, engine: str) -> Path:
    subprocess.run([*PAPERWORK, "init", str(root), "--agency-name", "Bộ Nội vụ", "--agency-code", "BNV",
                    "--place", "Hà Nội"], check=True, capture_output=True)
    from paperwork.config import load_workspace, set_engine

    set_engine(load_workspace(root), engine)
    return root


def catalogued(ws: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(ws / "archive" / "catalog.sqlite")
    try:
        return conn.execute("SELECT count(*) FROM archive_documents").fetchone()[0]
    finally:
        conn.close()


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


# --------------------------------------------------------------------------- 1. batch


def bench_batch(folder: Path, count: int, engines: list[str], jobs: int, naive_max: int) -> list[dict]:
    manifest = write_manifest(folder, count)
    n_naive = min(count, naive_max)
    naive_dir = folder / f"naive-{count}"
    naive_dir.mkdir()
    naive_s = naive(naive_dir, n_naive)
    shutil.rmtree(naive_dir)
    naive_rate = n_naive / naive_s
    rows = [{"way": "naive docxtpl loop, 1 process", "docs": count, "seconds": count / naive_rate,
             "rate": naive_rate, "peak": None, "note": "" if n_naive == count else f"timed on {n_naive:,}"}]

    def one(label: str, engine: str | None) -> None:
        ws = workspace(folder / f"ws-{count}-{label}", engine or "whoosh")
        out = folder / f"out-{count}-{label}"
        args = [*PAPERWORK, "--workspace", str(ws), "batch", str(manifest), "-o", str(out), "--jobs", str(jobs)]
        if engine is None:
            args.append("--no-archive")
        run = measured(args)
        if engine is not None:
            assert catalogued(ws) == count, (label, catalogued(ws))
        rows.append({"way": f"paperwork batch {label} --jobs {jobs}", "docs": count, "seconds": run.seconds,
                     "rate": count / run.seconds, "peak": run.peak, "engine": engine, "note": ""})
        shutil.rmtree(out)

    one("--no-archive", None)
    for engine in engines:
        one(f"archived ({engine})", engine)
    for row in rows:
        row["ratio"] = row["rate"] / naive_rate
    return rows


# --------------------------------------------------------------------------- 2. typed documents

W_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')


def _run(text: str, *, bold: bool = False, italic: bool = False, size: int = 28) -> str:
    props = ('<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
             + ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + f'<w:sz w:val="{size}"/>')
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _p(text: str, **kw) -> str:
    return f'<w:p><w:pPr><w:jc w:val="{kw.pop("jc", "both")}"/></w:pPr>{_run(text, **kw)}</w:p>'


def _cell(*paragraphs: str) -> str:
    return '<w:tc><w:tcPr><w:tcW w:w="4500" w:type="dxa"/></w:tcPr>' + "".join(paragraphs) + "</w:tc>"


def document_xml(doc: CorpusDocument) -> str:
    """A Decree-30 shaped body: header table, heading, trích yếu, the text, signature table."""
    province = doc.agency.rsplit("tỉnh ", 1)[-1]
    year, month, day = doc.date.split("-")
    header = ("<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>"
              + _cell(_p(f"UBND TỈNH {province.upper()}", jc="center", size=26),
                      _p(doc.agency.upper(), jc="center", bold=True, size=26))
              + _cell(_p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", jc="center", bold=True, size=24),
                      _p("Độc lập - Tự do - Hạnh phúc", jc="center", bold=True))
              + "</w:tr><w:tr>"
              + _cell(_p(f"Số: {doc.number}", jc="center", size=26))
              + _cell(_p(f"{province}, ngày {day} tháng {month} năm {year}", jc="center", italic=True))
              + "</w:tr></w:tbl>")
    sentences = doc.text.split(". ")[3:]
    body = "".join(_p(s.rstrip(".") + ".") for s in sentences)
    signature = ("<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>"
                 + _cell(_p("Nơi nhận:", bold=True, italic=True, size=24), _p("- Lưu: VT.", size=22))
                 + _cell(_p("GIÁM ĐỐC", jc="center", bold=True), _p(doc.names[0] if doc.names else "Nguyễn Văn An",
                                                                     jc="center", bold=True))
                 + "</w:tr></w:tbl>")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W_NS}><w:body>'
            + header + _p("", jc="left") + _p(doc.type.upper(), jc="center", bold=True)
            + _p(doc.title, jc="center", bold=True) + body + signature
            + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')


class DocxMaker:
    """Word-like .docx files fast: python-docx's default package (styles, theme, settings…)
    compressed once; per document only word/document.xml is compressed."""

    def __init__(self) -> None:
        import docx

        from paperwork.fastrender import _Member, _stored

        buffer = io.BytesIO()
        docx.Document().save(buffer)
        self.members: list = []
        with zipfile.ZipFile(buffer) as zf:
            for info in zf.infolist():
                data = zf.read(info.filename)
                self.members.append(None if info.filename == "word/document.xml" else _stored(info.filename, data))
        self._member, self._stored = _Member, _stored

    def write(self, path: Path, doc: CorpusDocument) -> None:
        from paperwork.fastrender import write_zip

        document = self._stored("word/document.xml", document_xml(doc).encode("utf-8"))
        out = io.BytesIO()
        write_zip([document if m is None else m for m in self.members], out)
        path.write_bytes(out.getvalue())


class PdfMaker:
    """Text PDFs (Liberation Serif embedded, so the Vietnamese letters extract) with fpdf2."""

    FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")

    def write(self, path: Path, doc: CorpusDocument) -> None:
        from fpdf import FPDF

        pdf = FPDF(format="A4")
        pdf.add_font("serif", fname=str(self.FONT))
        pdf.set_font("serif", size=12)
        pdf.add_page()
        header = [doc.agency.upper(), f"Số: {doc.number}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                  "Độc lập - Tự do - Hạnh phúc", doc.type.upper(), doc.title]
        for line in header + doc.text.split(". ")[3:]:
            pdf.multi_cell(0, 6, line, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.output(str(path))


def make_documents(folder: Path, count: int, pdf_every: int, seed: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    docx_maker, pdf_maker = DocxMaker(), PdfMaker() if pdf_every else None
    paths = []
    for doc in generate(count, seed=seed):
        pdf = pdf_every and doc.id % pdf_every == 0
        path = folder / f"vb-{doc.id:06d}.{'pdf' if pdf else 'docx'}"
        (pdf_maker if pdf else docx_maker).write(path, doc)
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- 2. archive add and its floors


def bare_pass(paths: list[Path]) -> float:
    """Seconds for zipfile + expat (no handlers) over word/document.xml, pypdf for PDFs; one process."""
    from pypdf import PdfReader

    start = time.perf_counter()
    for path in paths:
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as zf:
                data = zf.read("word/document.xml")
            parser = expat.ParserCreate()
            parser.Parse(data, True)
        else:
            for page in PdfReader(str(path)).pages:
                page.extract_text()
    return time.perf_counter() - start


def extract_pass(paths: list[Path]) -> float:
    from paperwork.archive.extract import extract

    start = time.perf_counter()
    for path in paths:
        extract(path)
    return time.perf_counter() - start


def raw_engine(ws: Path, engine: str, folder: Path) -> float:
    """Seconds for ``build_index`` over the texts the add catalogued, in this process."""
    from paperwork.archive.indexfeed import index_document
    from paperwork.archive.index import build_index
    from paperwork.archive.store import Catalog

    with Catalog.open_read(ws / "archive" / "catalog.sqlite") as catalog:
        docs = [index_document(record, text) for record, text in catalog.iter_with_text()]
    target = folder / f"raw-{engine}"
    start = time.perf_counter()
    build_index(target, docs, engine).close()
    seconds = time.perf_counter() - start
    shutil.rmtree(target)
    return seconds


def bench_add(folder: Path, count: int, engines: list[str], pdf_every: int) -> tuple[list[dict], dict]:
    files = make_documents(folder / "typed", count, pdf_every, seed=12)
    pdfs = sum(1 for p in files if p.suffix == ".pdf")
    rows = []
    for engine in engines:
        ws = workspace(folder / f"ws-add-{engine}", engine)
        run = measured([*PAPERWORK, "--workspace", str(ws), "archive", "add", *map(str, files)])
        assert catalogued(ws) == count, catalogued(ws)
        raw = raw_engine(ws, engine, folder)
        rows.append({"engine": engine, "seconds": run.seconds, "rate": count / run.seconds, "peak": run.peak,
                     "raw_rate": count / raw})
    floors = {"bare": count / bare_pass(files), "extract": count / extract_pass(files), "pdfs": pdfs}
    return rows, floors


# --------------------------------------------------------------------------- 3. memory at scale

ADD_SCRIPT = """
import sys
from pathlib import Path
from paperwork.archive.service import add_files
from paperwork.config import load_workspace
ws = load_workspace(Path(sys.argv[1]))
paths = [Path(p) for p in Path(sys.argv[2]).read_text().splitlines()]
report = add_files(ws, paths)
assert not report.failed and report.index_error is None, (report.failed[:3], report.index_error)
"""


def bench_big(folder: Path, count: int, engines: list[str]) -> list[dict]:
    files = make_documents(folder / "big", count, 0, seed=100)
    listing = folder / "big.txt"
    listing.write_text("\n".join(map(str, files)), encoding="utf-8")
    rows = []
    for engine in engines:
        ws = workspace(folder / f"ws-big-{engine}", engine)
        add = measured([sys.executable, "-c", ADD_SCRIPT, str(ws), str(listing)])
        assert catalogued(ws) == count
        reindex = measured([*PAPERWORK, "--workspace", str(ws), "archive", "reindex"])
        rows.append({"engine": engine, "add": add, "reindex": reindex})
        shutil.rmtree(ws)
    return rows


# --------------------------------------------------------------------------- report


def mb(value: int | None) -> str:
    return f"{value / 2**20:.0f} MB" if value else "—"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(args, batches: list[list[dict]], add: tuple | None, big: list[dict], loads: tuple[str, str]) -> str:
    lines = [
        "# Ingestion: archiving at the engine's speed",
        "",
        f"Measured {dt.date.today():%Y-%m-%d} by `python benchmarks/bench_ingest.py"
        f" {' '.join(sys.argv[1:])}` on {os.cpu_count()} cores, Python {sys.version.split()[0]}."
        f" Load average (1/5/15 min) before: {loads[0]}; after: {loads[1]}. The machine is shared:"
        " compare within the run.",
        "",
    ]
    if batches:
        lines += ["## `paperwork batch` with archiving, against `--no-archive` and the naive docxtpl loop", "",
                  "Reward decisions (bench_render.py's manifest: 3 awardees, one page and a short list). Whole"
                  " commands; the naive loop times only DocxTemplate/render/save.", "",
                  "| way | documents | seconds | documents/s | × naive | target | peak RSS (tree) |",
                  "|---|---:|---:|---:|---:|---|---:|"]
        for rows in batches:
            for r in rows:
                target = TARGETS["batch"].get(r.get("engine") or "", None)
                goal = f"≥ {target:.0f}×: {verdict(r['ratio'] >= target)}" if target else ""
                note = f" ({r['note']})" if r["note"] else ""
                lines.append(f"| {r['way']}{note} | {r['docs']:,} | {r['seconds']:.1f} | {r['rate']:.0f} |"
                             f" {r['ratio']:.1f}× | {goal} | {mb(r['peak'])} |")
        lines.append("")
    if add:
        rows, floors = add
        count = args.add
        lines += [f"## `paperwork archive add` of {count:,} typed documents ({floors['pdfs']:,} of them PDFs)", "",
                  "One command per engine (interpreter start, reading on worker processes, grouped store,"
                  " catalog and index writes). \"Raw engine\": `build_index` over the same texts in one process."
                  " Floors of extraction over the same files, one process: a bare pass (zipfile + expat with"
                  f" no handlers, pypdf for PDFs) {floors['bare']:.0f} documents/s; paperwork's `extract()`"
                  f" {floors['extract']:.0f} documents/s.", "",
                  "| engine | seconds | documents/s | target | raw engine documents/s | add / raw engine |"
                  " add / bare extraction | peak RSS (tree) |",
                  "|---|---:|---:|---|---:|---:|---:|---:|"]
        for r in rows:
            target = TARGETS["add"][r["engine"]]
            lines.append(f"| {r['engine']} | {r['seconds']:.1f} | {r['rate']:.0f} |"
                         f" ≥ {target:.0f}: {verdict(r['rate'] >= target)} | {r['raw_rate']:.0f} |"
                         f" {r['rate'] / r['raw_rate']:.2f} | {r['rate'] / floors['bare']:.2f} | {mb(r['peak'])} |")
        lines.append("")
    if big:
        lines += [f"## Memory at {args.big:,} documents (generated .docx)", "",
                  "`add_files` of all of them in one call (a command line cannot name 100,000 files), then"
                  " `paperwork archive reindex`; peak RSS of the process tree, workers included, and (in"
                  " brackets) its anonymous part at its largest: the rest is files mapped into memory,"
                  " Tantivy's own segments while it merges them.", "",
                  f"| engine | add: seconds | add: documents/s | add: peak RSS (anonymous) | reindex: seconds |"
                  f" reindex: peak RSS (anonymous) | target ≤ {TARGETS['memory_mb']} MB |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for r in big:
            ok = max(r["add"].peak, r["reindex"].peak) <= TARGETS["memory_mb"] * 2**20
            lines.append(f"| {r['engine']} | {r['add'].seconds:.0f} | {args.big / r['add'].seconds:.0f} |"
                         f" {mb(r['add'].peak)} ({mb(r['add'].peak_anon)}) | {r['reindex'].seconds:.0f} |"
                         f" {mb(r['reindex'].peak)} ({mb(r['reindex'].peak_anon)}) | {verdict(ok)} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, nargs="*", default=[400, 5000])
    parser.add_argument("--naive-max", type=int, default=10**9, help="time the naive loop on at most this many")
    parser.add_argument("--add", type=int, default=10_000)
    parser.add_argument("--pdf-every", type=int, default=10, help="every N-th typed document is a PDF (0: none)")
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--engines", nargs="+", default=["whoosh", "tantivy"])
    parser.add_argument("--big-engines", nargs="+", default=["tantivy"])
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=HERE / "results-ingest.md")
    args = parser.parse_args()

    before = load()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-", dir=args.workdir) as tmp:
        folder = Path(tmp)
        batches = []
        for count in args.batch:
            sub = folder / f"batch-{count}"
            sub.mkdir()
            batches.append(bench_batch(sub, count, args.engines, args.jobs, args.naive_max))
            shutil.rmtree(sub)
            print(report(args, batches, None, [], (before, load())), flush=True)
        add = bench_add(folder / "add", args.add, args.engines, args.pdf_every) if args.add else None
        if add:
            print(report(args, [], add, [], (before, load())), flush=True)
        big = bench_big(folder / "big", args.big, args.big_engines) if args.big else []
    text = report(args, batches, add, big, (before, load()))
    print(text)
    args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
