"""The web page in a real Chromium (Debian's, driven by Playwright) against `paperwork serve`.

One server for the module, started as an office starts it (a subprocess of `paperwork serve` on
a free port); each test signs in as a person of the office. PAPERWORK_SCREENSHOTS=1 copies the
screenshots of the main pages into docs/screenshots/ (README, "The web page").
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from paperwork import users
from paperwork.archive.service import document_text, get_document
from paperwork.records import audit
from web_helpers import PASSWORD, browser, make_office, page, server, shot  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow



@pytest.fixture(scope="module")
def office(tmp_path_factory):
    return make_office(tmp_path_factory.mktemp("web") / "ws")


def sign_in(page, base: str, name: str, tmp_path: Path | None = None) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    if tmp_path is not None:
        shot(page, "login", tmp_path)
    page.keyboard.press("Enter")  # by keyboard: the form submits from the password field
    page.wait_for_url(base + "/")


def sign_out(page, base: str) -> None:
    page.click("header form button[type=submit]")
    page.wait_for_url(base + "/login")


def test_a_leader_searches_opens_previews_and_downloads(page, server, office, tmp_path):
    base = server
    sign_in(page, base, "hung", tmp_path)
    page.fill("input[name=q]", "quyet dinh khen thuong")
    page.keyboard.press("Enter")
    page.wait_for_selector("li.hit")
    assert page.locator("li.hit mark").count() > 0
    shot(page, "search", tmp_path)
    page.locator("li.hit a.title").first.click()
    page.wait_for_url(f"{base}/documents/{office.decision}")
    first = page.locator("img.page").first
    first.scroll_into_view_if_needed()
    page.wait_for_function("() => { const i = document.querySelector('img.page');"
                           " return i && i.complete && i.naturalWidth > 0; }", timeout=90_000)
    width, height = page.evaluate("() => [document.querySelector('img.page').naturalWidth,"
                                  " document.querySelector('img.page').naturalHeight]")
    assert abs(width - 900) <= 1 and 1.25 < height / width < 1.5  # a portrait page (Letter: python-docx default)
    shot(page, "document", tmp_path)
    with page.expect_download() as download:
        page.click(f"a[href='/documents/{office.decision}/original']")
    data = Path(download.value.path()).read_bytes()
    assert hashlib.sha256(data).hexdigest() == get_document(office.ws, office.decision).sha256
    sign_out(page, base)


def test_a_leader_cannot_see_a_restricted_document_nor_upload(page, server, office, tmp_path):
    base = server
    sign_in(page, base, "hung")
    page.goto(base + "/?q=bimatxyz")
    assert page.locator("li.hit").count() == 0
    response = page.goto(f"{base}/documents/{office.restricted}")
    assert response.status == 404
    response = page.goto(f"{base}/documents/{office.restricted}/original")
    assert response.status == 404
    assert page.locator("a[href='/incoming/new']").count() == 0  # not in the navigation
    response = page.goto(base + "/incoming/new")
    assert response.status == 403
    token = users.new_token(office.ws, "hung")
    refused = page.request.post(base + "/api/incoming", headers={"Authorization": f"Bearer {token}"},
                                multipart={"file": {"name": "x.pdf", "mimeType": "application/pdf",
                                                    "buffer": b"%PDF-1.4\n"}})
    assert refused.status == 403
    sign_out(page, base)
    archivist = page.context.browser.new_context(viewport={"width": 1366, "height": 768})
    other = archivist.new_page()
    sign_in(other, base, "mai")
    other.goto(base + "/?q=bimatxyz")
    assert other.locator("li.hit").count() == 1
    assert other.goto(f"{base}/documents/{office.restricted}").status == 200
    archivist.close()


def test_a_form_without_its_csrf_token_is_refused_and_signing_out_ends_the_session(page, server, tmp_path):
    base = server
    sign_in(page, base, "hung")
    forged = page.request.post(base + "/logout", form={"x": "1"})  # the browser's cookies, no token
    assert forged.status == 400
    assert page.goto(base + "/").url == base + "/"  # still signed in
    cookies = page.context.cookies()
    sign_out(page, base)
    page.goto(base + "/")
    assert page.url.startswith(base + "/login")
    replay = page.context.browser.new_context()
    replay.add_cookies(cookies)  # the cookie from before signing out
    again = replay.new_page()
    again.goto(base + "/")
    assert again.url.startswith(base + "/login")
    replay.close()


def test_a_clerk_uploads_a_scan_and_sees_its_so_den(page, server, office, tmp_path):
    import scan_support

    scan = scan_support.save_pdf(scan_support.render_page(), tmp_path / "cv-den-scan.pdf")
    base = server
    sign_in(page, base, "lan")
    page.click("a[href='/incoming/new']")
    page.set_input_files("input[name=file]", str(scan))
    page.fill("input[name=from]", "UBND tỉnh Cà Mau")
    page.fill("input[name=to]", "Phòng Công chức")
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#so-den")
    number = page.inner_text("#so-den")
    shot(page, "incoming", tmp_path)
    entries = [e for e in users_entries(office) if e.filename == scan.name]
    assert entries and entries[0].arrival_number == number
    # the API does the same for a script
    token = users.new_token(office.ws, "lan")
    second = scan_support.save_pdf(scan_support.render_page(angle=-0.8), tmp_path / "cv-den-2.pdf")
    answer = page.request.post(base + "/api/incoming", headers={"Authorization": f"Bearer {token}"},
                               multipart={"file": {"name": second.name, "mimeType": "application/pdf",
                                                   "buffer": second.read_bytes()}, "duplicate_ok": "1"})
    assert answer.status == 201, answer.text()
    assert int(answer.json()["registered"][0]["so_den"]) == int(number) + 1
    # the first scan is OCRed in the background: its state goes to done, its PDF/A copy downloads
    archive_id = entries[0].archive_id
    deadline = time.monotonic() + 300
    while True:
        state = page.request.get(f"{base}/api/documents/{archive_id}",
                                 headers={"Authorization": f"Bearer {token}"}).json()["ocr"]
        if state in ("done", "partial") or state.startswith("failed") or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert state == "done", state
    record = get_document(office.ws, archive_id)
    assert record.pdfa_sha256 and "khen" in document_text(office.ws, archive_id).lower()
    page.goto(f"{base}/documents/{archive_id}")
    with page.expect_download() as download:
        page.click(f"a[href='/documents/{archive_id}/pdfa']")
    assert hashlib.sha256(Path(download.value.path()).read_bytes()).hexdigest() == record.pdfa_sha256
    sign_out(page, base)


def users_entries(office):
    from paperwork.records.incoming import entries

    return entries(office.ws)


def test_the_audit_trail_shows_each_step_with_its_user(server, office):
    """Runs last in this module: the trail of the tests above."""
    seen = {(e.actor, e.action) for e in audit.events(office.ws)}
    for step in [("hung", "sign in"), ("hung", "search"), ("hung", "view"), ("hung", "download"),
                 ("hung", "sign out"), ("mai", "view"), ("lan", "upload"), ("lan", "incoming add"),
                 ("lan", "sign out")]:
        assert step in seen, step
