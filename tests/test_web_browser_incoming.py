"""The incoming registration page and the registers in a real Chromium, against `paperwork serve`.

A văn thư drops scans on the drop zone (a real ``drop`` event carrying files), sees their số đến
at once and the OCR's progress until it says done; the registers show, filter, export and route.
PAPERWORK_SCREENSHOTS=1 copies the screenshots into docs/screenshots/ (README, "The web page").
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import openpyxl
import pytest

from paperwork.export import INCOMING_HEADINGS
from paperwork.records.incoming import entries, get
from web_helpers import Filled, browser, browser_sign_in, page, server, shot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    return Filled(tmp_path_factory.mktemp("web-incoming"))


@pytest.fixture(scope="module")
def office(filled):
    return filled.office


DROP = """([zone, files]) => {
  const data = new DataTransfer();
  for (const f of files) {
    const bytes = Uint8Array.from(atob(f.b64), c => c.charCodeAt(0));
    data.items.add(new File([bytes], f.name, {type: f.type}));
  }
  for (const type of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data}));
  }
}"""


def drop(page, selector: str, paths: list[Path]) -> None:
    """Drop ``paths`` on the element at ``selector`` as a person drags them from a folder."""
    files = [{"name": p.name, "type": "application/pdf", "b64": base64.b64encode(p.read_bytes()).decode()}
             for p in paths]
    page.evaluate(DROP, [page.query_selector(selector), files])


def test_a_clerk_drops_two_scans_sees_their_numbers_and_the_ocr_progress(page, server, filled, tmp_path):
    import scan_support

    base = server
    scans = [scan_support.save_pdf(scan_support.render_page(angle=a), tmp_path / f"cv-den-{i}.pdf")
             for i, a in enumerate((1.2, -0.8), start=1)]
    browser_sign_in(page, base, "lan")
    page.click("a[href='/incoming/new']")
    assert page.locator(".dropzone.js .drop-hint").is_visible()  # the script made it a drop zone
    page.set_input_files("input[name=file]", str(scans[0]))  # chosen with the file dialog …
    drop(page, ".dropzone", [scans[1]])  # … and one more dropped on the zone
    assert page.locator("ul.chosen li").all_inner_texts()[0].startswith(scans[0].name)
    assert page.locator("ul.chosen li").count() == 2
    page.fill("input[name=from]", "UBND tỉnh Cà Mau")
    page.fill("input[name=to]", "Phòng Công chức")
    page.check("input[name=duplicate_ok]")  # the two scans are of one decision
    before = max(e.number for e in entries(filled.ws))
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#so-den")
    numbers = [int(n) for n in page.locator(".so-den-number").all_inner_texts()]
    assert len(numbers) == 2 and numbers[1] == numbers[0] + 1
    assert page.locator("p.ocr.ocr-running").count() >= 1  # "recognising text…" with a progress bar
    shot(page, "incoming-ocr", tmp_path)
    page.wait_for_function("() => document.querySelectorAll('p.ocr.ocr-done').length === 2", timeout=600_000)
    assert not page.locator("p.ocr.ocr-failed").count()
    registered = [e for e in entries(filled.ws) if e.number > before and e.year == e.received.year]
    assert [int(e.arrival_number) for e in registered][-2:] == numbers
    assert all(e.to_places == "Phòng Công chức" for e in registered[-2:])


def test_a_forbidden_file_is_refused_on_the_page(page, server, tmp_path):
    base = server
    evil = tmp_path / "hoa-don.exe"
    evil.write_bytes(b"MZ\x90\x00")
    browser_sign_in(page, base, "lan")
    page.goto(base + "/incoming/new")
    page.set_input_files("input[name=file]", str(evil))
    page.click("form.upload button[type=submit]")
    alert = page.locator("form.upload .flash.error")
    assert "hoa-don.exe" in alert.inner_text()


def test_the_registers_show_export_and_route(page, server, filled, tmp_path):
    base = server
    browser_sign_in(page, base, "lan")
    page.click("a[href='/registers/outgoing']")
    page.select_option("select[name=year]", "2026")
    page.click("form.register-filters button[type=submit]")
    assert page.locator("table.register.outgoing tbody tr").count() == 2
    shot(page, "registers-outgoing", tmp_path)
    page.click("a[href='/registers/incoming']")
    page.select_option("select[name=year]", "2026")
    page.click("form.register-filters button[type=submit]")
    row = page.locator(f"#den-2026-{filled.open}")
    row.locator("summary").click()  # Xử lý: the row's forms
    row.locator("input[name=to]").fill("Phòng Thi đua - Khen thưởng")
    row.locator("input[name=due]").fill("2026-03-25")
    shot(page, "registers-incoming", tmp_path)
    row.locator("form[action$='/route'] button").click()
    page.wait_for_selector(".flash.ok")
    assert get(filled.ws, 2026, filled.open).to_places == "Phòng Thi đua - Khen thưởng"
    assert "2026" in page.url  # back on the register as it was filtered
    with page.expect_download() as download:
        page.click("a[href^='/registers/incoming.xlsx']")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert tuple(c.value for c in sheet[1]) == INCOMING_HEADINGS
    page.click("a[href='/registers/incoming/overdue']")
    assert page.locator(f"#den-2026-{filled.late}").count() == 1
