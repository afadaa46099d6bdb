"""Load test of the web page: 20 people searching and opening documents for 60 s on an archive of
10,000 documents (Tantivy), while a văn thư issues documents through the pipeline.

    python benchmarks/bench_web.py                       # 10,000 documents, 20 users, 60 s
    python benchmarks/bench_web.py --docs 2000 --seconds 20 --users 5     # a quick look
    python benchmarks/bench_web.py --workdir /tmp/bw --reuse               # keep the archive between runs

1. The archive is built with the project's own fast path: Decree-30 shaped .docx generated from
   benchmarks/corpus.py (bench_ingest.py's maker), then one `paperwork archive add` of them all,
   on a workspace switched to Tantivy.
2. `paperwork serve` runs as an office runs it (waitress, its default 8 threads) on a free port.
3. Each simulated user signs in through the login form (CSRF token and all), then loops: a search
   (a query from the corpus's words, half of them typed without diacritics, sometimes with a
   filter or page 2), then opens one of the hits' pages (/documents/<id>), every fifth time
   downloads its original. Keep-alive connections, one per user; between clicks a person reads
   for ``--think`` seconds on average (default 2; 0 makes it a stress test with no pause at all).
4. At the same time one văn thư issues reward decisions one after another with `paperwork render
   … --issue` (validate, number, render, archive: the pipeline), each its own process.

Printed, and written to benchmarks/results-web.md with --output: requests, errors (any status but
200, any exception), search and document-page latency p50/p95/p99, the documents issued and
whether any number was given twice (the register read back after the run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_ingest import PAPERWORK, catalogued, load, make_documents, workspace  # noqa: E402

PASSWORD = "mat-khau-tai-van-phong"
QUERIES = [
    "quyết định khen thưởng", "thi đua", "giấy khen", "bằng khen bộ trưởng", "kế hoạch thi đua",
    "báo cáo tổng kết", "cụm thi đua miền tây nam bộ", "sở nội vụ", "văn thư lưu trữ", "cải cách hành chính",
    "chiến sĩ thi đua cơ sở", "hội nghị", "giao ước thi đua", "tờ trình", "Bạc Liêu", "Cà Mau", "Hồng Dân",
    "Nguyễn Văn", "Trần Thị Lan", "Phạm Minh Tuấn", "phong trào thi đua yêu nước", "kinh phí",
]
FILTERS = ["", "", "", "&type=Quyết định", "&year=2020", "&sort=date", "&page=2"]


def unaccent(text: str) -> str:
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Tally:
    search: list[float] = field(default_factory=list)
    document: list[float] = field(default_factory=list)
    download: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            getattr(self, kind).append(seconds)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] += 1


class Browser:
    """One person's keep-alive connection with her session cookie."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookie, "Accept-Language": "vi-VN,vi;q=0.9"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("paperwork_session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, data

    def sign_in(self, name: str) -> None:
        status, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode({"username": name, "password": PASSWORD, "csrf_token": token})
        status, _ = self.request("POST", "/login", body)
        assert status == 302, f"sign-in of {name}: {status}"


HIT = re.compile(rb'href="/documents/(\d+)"')


def person(port: int, name: str, clock: dict, tally: Tally, seed: int, think: float) -> None:
    """Sign in, wait until everyone has (argon2 takes ~0.1 s of CPU a sign-in: 20 at once are not
    the searches being measured), then search and open documents until the clock stops."""
    rng = random.Random(seed)
    browser = Browser(port)
    browser.sign_in(name)
    clock["ready"].wait()
    stop = clock["stop"]

    def pause() -> None:  # a person reads before the next click: think × 0.5 … 1.5
        if think:
            time.sleep(min(think * rng.uniform(0.5, 1.5), max(0.0, stop - time.monotonic())))

    while time.monotonic() < stop:
        pause()
        query = rng.choice(QUERIES)
        if rng.random() < 0.5:
            query = unaccent(query)
        path = "/?q=" + urllib.parse.quote(query) + urllib.parse.quote(rng.choice(FILTERS), safe="&=")
        try:
            start = time.perf_counter()
            status, page = browser.request("GET", path)
            tally.add("search", time.perf_counter() - start)
            if status != 200:
                tally.error(f"search {status}")
                continue
            hits = HIT.findall(page)
            if not hits:
                continue
            doc = int(rng.choice(hits))
            pause()
            start = time.perf_counter()
            status, _ = browser.request("GET", f"/documents/{doc}")
            tally.add("document", time.perf_counter() - start)
            if status != 200:
                tally.error(f"document {status}")
            if rng.random() < 0.2:
                start = time.perf_counter()
                status, _ = browser.request("GET", f"/documents/{doc}/original")
                tally.add("download", time.perf_counter() - start)
                if status != 200:
                    tally.error(f"download {status}")
        except (OSError, http.client.HTTPException) as e:
            tally.error(type(e).__name__)
            browser = Browser(port)
            browser.sign_in(name)


def clerk(ws: Path, stop: float, issued: list[float], failures: list[str]) -> None:
    """A văn thư issuing reward decisions one after another through `paperwork render --issue`."""
    import yaml

    from paperwork.kinds import KINDS

    data = yaml.safe_load(KINDS["reward-decision"].example())
    for key in ("agency", "place", "number"):
        data.pop(key, None)
    data["date"] = dt.date.today().isoformat()
    data["bases"] = [
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về phân cấp,"
        " phân quyền trong lĩnh vực thi đua, khen thưởng",
    ]
    out = ws / "issued" / f"{time.time():.0f}"  # a folder of this run's own (--reuse)
    out.mkdir(parents=True)
    i = 0
    while time.monotonic() < stop:
        i += 1
        data["title"] = f"Về việc tặng Giấy khen đợt {i} trong lúc tải"
        data["awardees"] = data["awardees"][:3]
        source = out / f"qd-{i}.yaml"
        source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        start = time.perf_counter()
        run = subprocess.run([*PAPERWORK, "--workspace", str(ws), "render", "reward-decision", str(source),
                              "-o", str(out / f"qd-{i}.docx"), "--issue"], capture_output=True, text=True)
        if run.returncode == 0:
            issued.append(time.perf_counter() - start)
        else:
            failures.append(run.stderr.strip()[-300:])


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def build(workdir: Path, docs: int, reuse: bool) -> Path:
    ws = workdir / "ws"
    if reuse and ws.is_dir() and catalogued(ws) >= docs:
        print(f"reusing {ws} ({catalogued(ws)} documents)", flush=True)
        return ws
    if ws.exists():
        raise SystemExit(f"{ws} exists: remove it, or pass --reuse")
    workspace(ws, "tantivy")
    start = time.perf_counter()
    files = make_documents(workdir / "typed", docs, 0, seed=31)
    made = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([*PAPERWORK, "--workspace", str(ws), "archive", "add", *map(str, files)], check=True,
                   capture_output=True)
    added = time.perf_counter() - start
    assert catalogued(ws) == docs, catalogued(ws)
    print(f"archive of {docs} .docx: generated in {made:.0f} s, `archive add` in {added:.0f} s"
          f" ({docs / added:.0f}/s, Tantivy)", flush=True)
    return ws


def add_users(ws: Path, count: int) -> list[str]:
    from paperwork import users
    from paperwork.config import load_workspace

    workspace_ = load_workspace(ws)
    known = {u.name for u in users.list_users(workspace_)}
    names = [f"nguoi{i:02d}" for i in range(count)]
    for i, name in enumerate(names):
        if name not in known:
            users.add_user(workspace_, name, ("lanh-dao", "luu-tru", "van-thu")[i % 3], PASSWORD)
    return names


def duplicates(ws: Path) -> tuple[int, int]:
    """(entries issued, numbers given twice) read back from the register."""
    from paperwork.config import load_workspace
    from paperwork.register import Register

    entries = [e for e in Register.for_workspace(load_workspace(ws)).entries()]
    seen = Counter((e.year, e.series, e.number) for e in entries)
    return len(entries), sum(1 for n in seen.values() if n > 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean seconds a person reads between clicks (0: none, a stress test)")
    parser.add_argument("--no-issuer", action="store_true", help="no văn thư issuing during the run (to compare)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (paperwork serve --threads)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/paperwork-bench-web"))
    parser.add_argument("--reuse", action="store_true", help="reuse the archive of an earlier run")
    parser.add_argument("--output", type=Path, help="also write the figures to this Markdown file")
    args = parser.parse_args()

    args.workdir.mkdir(parents=True, exist_ok=True)
    ws = build(args.workdir, args.docs, args.reuse)
    names = add_users(ws, args.users)
    port = free_port()
    log = (args.workdir / "serve.log").open("w")
    server = subprocess.Popen([*PAPERWORK, "--workspace", str(ws), "serve", "--port", str(port),
                               "--threads", str(args.threads)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("paperwork serve did not start: see serve.log")
                time.sleep(0.2)
        before_issued, _ = duplicates(ws)
        load_before = load()
        tally = Tally()
        issued: list[float] = []
        failures: list[str] = []
        clock: dict = {}
        clock["ready"] = threading.Barrier(len(names), action=lambda: clock.update(
            stop=time.monotonic() + args.seconds, started=time.monotonic()))
        threads = [threading.Thread(target=person, args=(port, name, clock, tally, i, args.think))
                   for i, name in enumerate(names)]
        for t in threads:
            t.start()
        while "stop" not in clock:
            time.sleep(0.05)
        if not args.no_issuer:
            threads.append(threading.Thread(target=clerk, args=(ws, clock["stop"], issued, failures)))
            threads[-1].start()
        for t in threads:
            t.join()
        started = clock["started"]
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    entries, twice = duplicates(ws)
    requests = len(tally.search) + len(tally.document) + len(tally.download)
    errors = sum(tally.errors.values())
    lines = [
        f"# Web load test: {args.users} users searching and opening documents for {args.seconds:.0f} s,"
        f" one văn thư issuing",
        "",
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} by `python benchmarks/bench_web.py --docs {args.docs}"
        f" --users {args.users} --seconds {args.seconds:.0f} --think {args.think:g}"
        f"{' --no-issuer' if args.no_issuer else ''}` on {os.cpu_count()} cores (shared), Python"
        f" {sys.version.split()[0]}; `paperwork serve --threads {args.threads}` (waitress) on localhost;"
        f" archive of {catalogued(ws)} documents, Tantivy. Load average before: {load_before}; after: {load()}.",
        "",
        "| what | count | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|",
        f"| search (`/?q=…`) | {len(tally.search)} | {pct(tally.search, 50):.0f} | {pct(tally.search, 95):.0f}"
        f" | {pct(tally.search, 99):.0f} |",
        f"| document page (`/documents/<id>`) | {len(tally.document)} | {pct(tally.document, 50):.0f} |"
        f" {pct(tally.document, 95):.0f} | {pct(tally.document, 99):.0f} |",
        f"| download of the original | {len(tally.download)} | {pct(tally.download, 50):.0f} |"
        f" {pct(tally.download, 95):.0f} | {pct(tally.download, 99):.0f} |",
        f"| issue (`paperwork render --issue`, whole process) | {len(issued)} |"
        f" {statistics.median(issued) * 1000 if issued else float('nan'):.0f} | {pct(issued, 95):.0f} | — |",
        "",
        f"- requests: {requests} in {elapsed:.1f} s ({requests / elapsed:.1f}/s); errors: {errors}"
        + (f" ({dict(tally.errors)})" if errors else ""),
        f"- documents issued during the run: {len(issued)} (register: {before_issued} → {entries} entries),"
        f" issue failures: {len(failures)}; numbers given twice: {twice}",
        f"- search p95 {pct(tally.search, 95):.0f} ms against the target of 200 ms:"
        f" {'met' if pct(tally.search, 95) <= 200 else 'NOT met'}",
    ]
    if failures:
        lines.append(f"- first issue failure: {failures[0]}")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    if errors or twice or failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
