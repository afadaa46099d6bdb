"""Issuing and filing in a real Chromium (Debian's, driven by Playwright) against `paperwork serve`.

A văn thư fills the generated form, adds a row by keyboard (static/issuing.js), issues, and lands
on the new document's page; the lưu trữ loads the year's Danh mục through the page and files the
document. Screenshots at 1366×768 of the issue form and the dossier page; PAPERWORK_SCREENSHOTS=1
copies them into docs/screenshots/ (README, "The web page").
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from paperwork.records.dossiers import dossier_catalog
from paperwork.register import Register
from web_helpers import browser, make_office, page, server, shot  # noqa: F401 - fixtures
from web_helpers import browser_sign_in as sign_in

pytestmark = pytest.mark.slow

@pytest.fixture(scope="module")
def office(tmp_path_factory):
    return make_office(tmp_path_factory.mktemp("web-issuing") / "ws")


def archive_id_of(office, sha256: str) -> int:
    from paperwork.archive.service import get_document
    from paperwork.errors import InputError

    for doc_id in range(1, 50):
        try:
            if get_document(office.ws, doc_id).sha256 == sha256:
                return doc_id
        except InputError:
            break
    raise AssertionError(f"no archived document with SHA-256 {sha256}")



def test_a_clerk_fills_the_form_adds_a_row_by_keyboard_and_issues(page, server, office, tmp_path):
    base = server
    sign_in(page, base, "lan")
    page.click("nav a[href='/issue/']")
    page.click("a[href='/issue/reward-decision']")
    page.wait_for_url(base + "/issue/reward-decision")
    assert page.input_value("[name='agency.name']") == "Sở Nội vụ"
    rows = page.locator("[data-list='awardees'] [data-rows] > [data-row]")
    assert rows.count() == 17

    # "Thêm dòng" by keyboard: focus the button, Enter; the script adds the row and moves into it.
    page.focus("[data-list='awardees'] .add-row")
    page.keyboard.press("Enter")
    assert rows.count() == 18
    assert page.evaluate("document.activeElement.name") == "awardees[17].name"
    page.keyboard.type("Nguyễn Thị Mai")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "awardees[17].kind"
    page.select_option("[name='awardees[17].kind']", "individual")
    page.fill("[name='awardees[17].position']", "Chuyên viên")
    page.fill("[name='awardees[17].unit']", "Sở Nội vụ tỉnh Cà Mau")
    assert page.locator("[data-list='awardees'] [data-row]").last.locator(".row-number").inner_text() == "18"

    # A row removed by the script: 17 again, the numbers follow.
    page.click("[data-list='awardees'] [data-rows] > [data-row]:nth-child(2) .remove-row")
    assert rows.count() == 17
    page.locator("[name='awardees[17].name']").scroll_into_view_if_needed()
    shot(page, "issue-form", tmp_path)
    shot(page, "issue-form-full", tmp_path, full_page=True)

    # The Issue button is reached by keyboard too: focus it, Enter.
    page.focus("#issue-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.fullmatch(re.escape(base) + r"/documents/\d+", page.url), page.url
    assert "01/QĐ-SNV" in page.inner_text("main")
    entries = Register.for_workspace(office.ws).entries()
    assert [e.number_symbol for e in entries] == ["01/QĐ-SNV"]
    assert not page.console_errors, page.console_errors


def test_the_luu_tru_loads_the_plan_and_files_the_issued_document(page, server, office, tmp_path):
    base = server
    year = dt.date.today().year
    plan = tmp_path / "danh-muc.yaml"
    plan.write_text(yaml.safe_dump({"dossiers": [
        {"heading": "I. CÔNG TÁC THI ĐUA, KHEN THƯỞNG", "code": "01.TĐKT",
         "title": f"Hồ sơ khen thưởng Bằng khen năm {year}", "retention": "Vĩnh viễn", "owner": "Trần Thị Mai"},
        {"code": "02.TĐKT", "title": "Tập công văn trao đổi với các đơn vị", "retention": "5 năm"},
        {"code": "03.VP", "title": "Tập lưu văn bản đi", "retention": "3 năm"},
    ]}, allow_unicode=True), encoding="utf-8")
    sign_in(page, base, "mai")
    page.click("nav a[href='/dossiers/']")
    page.set_input_files("input[name=file]", str(plan))
    page.click("form[action='/dossiers/plan'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("table.dossiers tbody tr").count() == 3

    page.click("text=01.TĐKT")
    ids = [str(office.decision), str(office.invitation)]
    for entry in Register.for_workspace(office.ws).entries():  # the clerk's document (previous test)
        ids.append(str(archive_id_of(office, entry.sha256)))
    page.fill("#ids", " ".join(ids))
    page.focus("#ids")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("table.contents tbody tr").count() == len(ids)
    assert dossier_catalog(office.ws).get(year, "01.TĐKT").documents == len(ids)
    shot(page, "dossier", tmp_path, full_page=False)
    page.goto(base + f"/dossiers/?year={year}")
    shot(page, "dossiers", tmp_path)
    assert not page.console_errors, page.console_errors
