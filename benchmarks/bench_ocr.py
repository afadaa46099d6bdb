"""OCR benchmark: seconds per page of ``paperwork.archive.ocr.ocr_file`` (OCRmyPDF + Tesseract vie).

    python benchmarks/bench_ocr.py                 # 1 and 10 pages, 1 and 2 workers
    python benchmarks/bench_ocr.py --pages 1 10 30 --workers 1 2 4

Each scan is an image-only PDF of A4 pages at 200 dpi (Decree 30's minimum),
Vietnamese text in Liberation Serif, turned a little and blurred (the test
scans of tests/scan_support.py). Every run produces the PDF/A-2b archival copy
with its text layer, deskewed and rotated, as ``paperwork archive add`` does.
Prints the figures and writes them to benchmarks/results-ocr.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from scan_support import render_page  # noqa: E402

from paperwork.archive.ocr import OcrSettings, ocr_file, unavailable  # noqa: E402


def make_scan(pages: int, path: Path) -> Path:
    images = [render_page(angle=(1.2 if i % 2 else -0.7)) for i in range(pages)]
    first, *rest = images
    first.save(path, save_all=True, append_images=rest, resolution=200)
    return path


def run(pages: int, workers: int, folder: Path) -> float:
    scan = make_scan(pages, folder / f"scan-{pages}.pdf")
    out = folder / f"scan-{pages}-{workers}.pdfa.pdf"
    start = time.perf_counter()
    outcome = ocr_file(scan, out, settings=OcrSettings(jobs=workers))
    elapsed = time.perf_counter() - start
    assert outcome.pages == pages and not outcome.problems, outcome.problems
    return elapsed / pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", type=Path, default=HERE / "results-ocr.md")
    args = parser.parse_args()
    missing = unavailable()
    if missing:
        sys.exit(f"OCR unavailable: {missing}")
    import ocrmypdf

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for pages in args.pages:
            for workers in args.workers:
                per_page = run(pages, workers, Path(tmp))
                rows.append((pages, workers, per_page))
                print(f"{pages:>3} page(s), {workers} worker(s): {per_page:6.2f} s/page", flush=True)
    cpu = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    lines = [
        "# OCR benchmark (benchmarks/bench_ocr.py)",
        "",
        f"OCRmyPDF {ocrmypdf.__version__}, Tesseract `vie`, PDF/A-2b output, deskew + rotate;"
        f" A4 at 200 dpi; {cpu}; Python {platform.python_version()}.",
        "",
        "| pages | workers | seconds per page |",
        "|---:|---:|---:|",
        *(f"| {p} | {w} | {s:.2f} |" for p, w, s in rows),
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
