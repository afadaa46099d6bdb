"""Builders of the web tests: an office workspace with users and documents, a signed-in client."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from servers import free_port, redis_server

from archive_docs import make_document
from paperwork import users
from paperwork.archive.service import add_file
from paperwork.config import Workspace, load_workspace

PASSWORD = "mat-khau-van-phong"
USERS = {"lan": "van-thu", "mai": "luu-tru", "hung": "lanh-dao", "admin": "quan-tri"}


@dataclass
class Office:
    ws: Workspace
    decision: int  # "Quyết định … khen thưởng": open to all
    restricted: int  # restricted to the lưu trữ
    invitation: int


def make_office(root: Path) -> Office:
    """An initialised workspace (init as a clerk runs it), four users, three archived documents."""
    from click.testing import CliRunner

    from paperwork.cli import cli

    result = CliRunner().invoke(cli, ["init", str(root), "--agency-name", "Sở Nội vụ", "--agency-code", "SNV",
                                      "--parent", "UBND tỉnh Cà Mau", "--place", "Cà Mau"])
    assert result.exit_code == 0, result.output
    ws = load_workspace(root)
    for name, role in USERS.items():
        users.add_user(ws, name, role, PASSWORD, display_name=name.title())
    docs = root.parent / "docs"
    decision = add_file(ws, make_document(
        docs / "qd-khen-thuong.docx", title="Về việc khen thưởng các tập thể và cá nhân có thành tích xuất sắc",
        body=("Điều 1. Tặng Giấy khen của Giám đốc Sở Nội vụ cho 03 tập thể.",))).record.id
    restricted = add_file(ws, make_document(
        docs / "qd-mat.docx", number="09/QĐ-SNV", title="Về việc khen thưởng nhân sự hạn chế đặc biệt",
        body=("Điều 1. Nội dung hạn chế bimatxyz.",))).record.id
    users.restrict(ws, restricted, ["luu-tru"])
    invitation = add_file(ws, make_document(
        docs / "giay-moi.docx", heading="GIẤY MỜI", number="12/GM-SNV", title="Dự Hội nghị tổng kết công tác",
        body=("Sở Nội vụ trân trọng kính mời.",), authority=None)).record.id
    return Office(ws, decision, restricted, invitation)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client, name: str, password: str = PASSWORD):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": name, "password": password, "csrf_token": token})


# -- registers filled as an office fills them (test_web_registers, the browser tests) ----------


class Filled:
    """The office of ``make_office`` with two outgoing numbers of 2026 (the second withdrawn) and
    three arrivals: 01 passed on and overdue (due 20/02/2026), 02 not passed on, 03 an invitation."""

    def __init__(self, root: Path):
        from click.testing import CliRunner

        self.office = make_office(root / "ws")
        self.ws = self.office.ws
        self.root = root
        self.runner = CliRunner()
        self.issued = [self.issue(1, "2026-03-06"), self.issue(2, "2026-01-15")]
        self("register", "void", "2", "--year", "2026", "--series", "QĐ", "--reason", "Ban hành nhầm")
        docs = root / "arrived"
        self.late = self.arrive(make_document(
            docs / "cv-125.docx", heading="CÔNG VĂN", number="125/BNV-TCCB", title="Về việc tuyển dụng công chức năm 2026",
            body=("Bộ Nội vụ đề nghị báo cáo.",), authority=None),
            "--from", "Bộ Nội vụ", "--type", "Công văn", "--title", "Về việc tuyển dụng công chức năm 2026",
            "--received", "2026-02-05", "--to", "Phòng Công chức", "--due", "2026-02-20", "--priority", "khẩn")
        self.open = self.arrive(make_document(
            docs / "qd-44.docx", number="44/QĐ-UBND", title="Về việc khen thưởng phong trào thi đua",
            body=("Điều 1. Khen thưởng.",)),
            "--from", "UBND tỉnh Cà Mau", "--type", "Quyết định", "--received", "2026-03-02")
        self.invite = self.arrive(make_document(
            docs / "gm-07.docx", heading="GIẤY MỜI", number="07/GM-VP", title="Dự họp giao ban tháng 4",
            body=("Kính mời.",), authority=None),
            "--from", "Văn phòng UBND tỉnh", "--type", "Giấy mời", "--received", "2026-04-01")

    def __call__(self, *args: str):
        from paperwork.cli import cli

        result = self.runner.invoke(cli, ["--workspace", str(self.ws.root), *args])
        assert result.exit_code == 0, result.output
        return result

    def issue(self, i: int, date: str) -> int:
        import yaml

        from conftest import decision_data

        path = self.root / f"qd-{i}.yaml"
        path.write_text(yaml.safe_dump(decision_data(i, date=date), allow_unicode=True), encoding="utf-8")
        out = self("render", "reward-decision", str(path), "-o", str(self.root / "out" / f"qd-{i}.docx"),
                   "--issue").output
        return int(re.search(r"archived as id (\d+)", out).group(1))

    def arrive(self, path: Path, *options: str) -> int:
        from paperwork.records.incoming import entries

        self("incoming", "add", str(path), *options)
        return max(e.number for e in entries(self.ws, 2026))


# -- the browser tests' fixtures: `paperwork serve` in a subprocess, Debian's Chromium ----------
# A test module imports them (``from web_helpers import browser, page, server``) and defines a
# module-scoped ``office`` fixture (an ``Office``) for the server to serve.

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def server(office, tmp_path_factory):
    """The base URL of `paperwork serve` on a free port, serving ``office``'s workspace."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    log = (tmp_path_factory.mktemp("serve") / "serve.log").open("w")
    paperwork = Path(sys.executable).with_name("paperwork")
    proc = subprocess.Popen([str(paperwork), "--workspace", str(office.ws.root), "serve", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, "paperwork serve stopped"
                assert time.monotonic() < deadline, "paperwork serve did not answer"
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A Vietnamese page at 1366×768 that accepts downloads. ``page.console_errors`` collects what a test
    that expects none can assert empty: Content-Security-Policy refusals and responses of status ≥ 400."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(120_000)  # issuing converts to PDF with LibreOffice: slow on a busy machine
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.console_errors = errors
    yield page
    context.close()


def shot(page, name: str, tmp_path: Path, *, full_page: bool = False) -> Path:
    """A screenshot into ``tmp_path``, copied to docs/screenshots/ when PAPERWORK_SCREENSHOTS=1."""
    import os
    import shutil

    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if os.environ.get("PAPERWORK_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SHOTS / path.name)
    return path


def browser_sign_in(page, base: str, name: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/")


def redis_broker(folder: Path):
    """A Redis of the test's own (servers.redis_server): yields its broker URL for ``[ocr] workers``."""
    return redis_server(folder)
