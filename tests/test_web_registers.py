"""The registers pages and the incoming registration page, with Flask's test client.

The registers are filled as an office fills them (``render --issue``, ``register void``,
``incoming add``); the pages must show the library's rows, filter them, export what the CLI
exports, let the văn thư route and close an arrival (and nobody else), and register several
uploaded scans at once with consecutive số đến and their OCR's progress.
"""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path

import openpyxl
import pytest

from archive_docs import make_document
from paperwork.export import INCOMING_HEADINGS, REGISTER_HEADINGS
from paperwork.records import audit
from paperwork.records.incoming import entries as incoming_entries
from paperwork.records.incoming import get as incoming_get
from paperwork.web import create_app
from paperwork.web.labels import ACTION_LABELS
from web_helpers import Filled, csrf_of, sign_in


@pytest.fixture
def filled(tmp_path, monkeypatch):
    monkeypatch.delenv("PAPERWORK_HOME", raising=False)
    return Filled(tmp_path)


@pytest.fixture
def app(filled):
    return create_app(filled.ws, testing=True)


def client_of(app, name: str):
    client = app.test_client()
    assert sign_in(client, name).status_code == 302
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def cells(html: str, css_class: str) -> list[str]:
    """The text of the table cells of one column class (tags removed)."""
    found = re.findall(rf'<td class="{re.escape(css_class)}(?: [^"]*)?">(.*?)</td>', html, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in found]


# -- the outgoing register ---------------------------------------------------------------


def test_the_outgoing_register_lists_links_and_filters(app, filled):
    client = client_of(app, "hung")  # a lãnh đạo reads the registers
    page = client.get("/registers/outgoing?year=2026").get_data(as_text=True)
    for heading in REGISTER_HEADINGS:
        assert heading in page
    assert cells(page, "c1") == ["01/QĐ-SNV", "02/QĐ-SNV"]
    assert f'href="/documents/{filled.issued[0]}"' in page  # an issued number opens its document
    assert f'href="/documents/{filled.issued[1]}"' not in page  # a withdrawn one is not linked
    assert "Thu hồi: Ban hành nhầm" in page
    only_void = client.get("/registers/outgoing?year=2026&status=void").get_data(as_text=True)
    assert cells(only_void, "c1") == ["02/QĐ-SNV"]
    words = client.get("/registers/outgoing?year=2026&q=dot+1").get_data(as_text=True)  # "đợt 1" without marks
    assert cells(words, "c1") == ["01/QĐ-SNV"]
    dated = client.get("/registers/outgoing?year=2026&from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    assert cells(dated, "c1") == ["01/QĐ-SNV"]
    other_year = client.get("/registers/outgoing?year=2025").get_data(as_text=True)
    assert cells(other_year, "c1") == [] and "No entry matches." in other_year
    assert client.get("/registers/outgoing?year=abc").status_code == 400
    assert client.get("/registers/outgoing?year=2026&from=2026-13-01").status_code == 400


def test_the_outgoing_exports_are_the_clis(app, filled, tmp_path):
    client = client_of(app, "hung")
    response = client.get("/registers/outgoing.csv?year=2026")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads it
    cli_csv = filled("register", "list", "--year", "2026", "--format", "csv").stdout_bytes
    assert response.data.decode("utf-8-sig") == cli_csv.decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == REGISTER_HEADINGS and [r[0] for r in rows[1:]] == ["01/QĐ-SNV", "02/QĐ-SNV"]
    xlsx = client.get("/registers/outgoing.xlsx?year=2026")
    assert xlsx.status_code == 200 and xlsx.headers["Content-Disposition"].endswith('so-van-ban-di-2026.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    assert tuple(c.value for c in sheet[1]) == REGISTER_HEADINGS
    assert [sheet.cell(row=r, column=1).value for r in (2, 3)] == ["01/QĐ-SNV", "02/QĐ-SNV"]
    assert "NĂM 2026" in sheet.oddHeader.center.text
    filtered = openpyxl.load_workbook(io.BytesIO(client.get("/registers/outgoing.xlsx?year=2026&status=void").data))
    assert filtered.active.max_row == 2  # the headings and the one withdrawn number
    downloads = [e for e in audit.events(filled.ws) if e.action == "download" and e.object_kind == "outgoing"]
    assert {e.details["file"] for e in downloads} == {"register.csv", "register.xlsx"}
    assert all(e.actor == "hung" for e in downloads)


# -- the incoming register ---------------------------------------------------------------


def test_the_incoming_register_lists_filters_and_shows_the_overdue(app, filled):
    client = client_of(app, "hung")
    page = client.get("/registers/incoming?year=2026").get_data(as_text=True)
    for heading in INCOMING_HEADINGS:
        assert heading in page
    assert cells(page, "c2 num") == ["01", "02", "03"]
    late = incoming_get(filled.ws, 2026, filled.late)
    assert f'href="/documents/{late.archive_id}"' in page
    assert "days overdue" in page  # due 20/02/2026, not handled
    assert cells(client.get("/registers/incoming?year=2026&kind=Giấy+mời").get_data(as_text=True), "c2 num") == ["03"]
    assert cells(client.get("/registers/incoming?year=2026&status=overdue").get_data(as_text=True), "c2 num") == ["01"]
    assert cells(client.get("/registers/incoming?year=2026&status=unrouted").get_data(as_text=True),
                 "c2 num") == ["02", "03"]
    assert cells(client.get("/registers/incoming?year=2026&q=tuyen+dung").get_data(as_text=True), "c2 num") == ["01"]
    ranged = client.get("/registers/incoming?year=2026&from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    assert cells(ranged, "c2 num") == ["02"]
    assert client.get("/registers/incoming?status=nonsense").status_code == 400
    overdue = client.get("/registers/incoming/overdue").get_data(as_text=True)
    assert f'id="den-2026-{filled.late}"' in overdue and f'id="den-2026-{filled.open}"' not in overdue
    before = client.get("/registers/incoming/overdue?on=2026-02-20").get_data(as_text=True)
    assert "Nothing is overdue on 20/02/2026." in before
    assert "/route\"" not in page and "/done\"" not in page  # a lãnh đạo has no routing forms


def test_the_incoming_exports_are_the_clis(app, filled):
    client = client_of(app, "mai")
    response = client.get("/registers/incoming.csv?year=2026")
    cli_csv = filled("incoming", "list", "--year", "2026", "--format", "csv").stdout_bytes
    assert response.data.decode("utf-8-sig") == cli_csv.decode("utf-8").lstrip("\ufeff")
    xlsx = client.get("/registers/incoming.xlsx?year=2026")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    assert tuple(c.value for c in sheet[1]) == INCOMING_HEADINGS
    assert [sheet.cell(row=r, column=2).value for r in (2, 3, 4)] == ["01", "02", "03"]
    assert sheet.cell(row=2, column=7).value == "Phòng Công chức"
    everything = client.get("/registers/incoming.csv?year=")  # every year
    assert everything.headers["Content-Disposition"].endswith('so-van-ban-den-tat-ca.csv"')
    assert len(list(csv.reader(io.StringIO(everything.data.decode("utf-8-sig"))))) == 4


def test_the_van_thu_routes_and_closes_from_the_register_and_a_leader_may_not(app, filled):
    clerk = client_of(app, "lan")
    page = clerk.get("/registers/incoming?year=2026").get_data(as_text=True)
    assert f'action="/registers/incoming/2026/{filled.open}/route"' in page
    token = csrf_of(page)
    back = "/registers/incoming?year=2026"
    routed = clerk.post(f"/registers/incoming/2026/{filled.open}/route",
                        data={"csrf_token": token, "to": "Phòng Thi đua", "due": "2026-03-20", "next": back})
    assert routed.status_code == 303 and routed.headers["Location"] == back
    entry = incoming_get(filled.ws, 2026, filled.open)
    assert entry.to_places == "Phòng Thi đua" and entry.due.isoformat() == "2026-03-20"
    shown = clerk.get(back).get_data(as_text=True)
    assert "passed to Phòng Thi đua" in shown  # the flash message
    done = clerk.post(f"/registers/incoming/2026/{filled.late}/done",
                      data={"csrf_token": token, "reply": "01/QĐ-SNV", "next": back})
    assert done.status_code == 303
    handled = incoming_get(filled.ws, 2026, filled.late)
    assert handled.done_on is not None and handled.reply == "01/QĐ-SNV"
    after = clerk.get(back).get_data(as_text=True)
    assert "marked handled" in after
    assert f'action="/registers/incoming/2026/{filled.late}/route"' not in after  # nothing left to do on it
    again = clerk.post(f"/registers/incoming/2026/{filled.late}/done", data={"csrf_token": token, "next": back})
    assert again.status_code == 303
    assert "already handled" in clerk.get(back).get_data(as_text=True)  # the library's refusal, shown
    away = clerk.post(f"/registers/incoming/2026/{filled.open}/route",
                      data={"csrf_token": token, "to": "X", "next": "https://example.org/"})
    assert away.headers["Location"] == "/registers/incoming"  # never off this site
    kinds = [(e.actor, e.action) for e in audit.events(filled.ws) if e.object_kind == "incoming"]
    assert ("lan", "incoming route") in kinds and ("lan", "incoming done") in kinds

    leader = client_of(app, "hung")
    leader_token = csrf_of(leader.get("/registers/incoming?year=2026").get_data(as_text=True))
    for action in ("route", "done"):
        refused = leader.post(f"/registers/incoming/2026/{filled.invite}/{action}",
                              data={"csrf_token": leader_token, "to": "Phòng Công chức"})
        assert refused.status_code == 403
    assert incoming_get(filled.ws, 2026, filled.invite).to_places is None
    no_token = clerk.post(f"/registers/incoming/2026/{filled.invite}/route", data={"to": "X"})
    assert no_token.status_code == 400


def test_the_registers_are_in_the_navigation_and_need_a_sign_in(app):
    assert app.test_client().get("/registers/incoming").status_code == 302
    page = client_of(app, "hung").get("/").get_data(as_text=True)
    assert 'href="/registers/outgoing"' in page and 'href="/registers/incoming"' in page


def test_a_documents_history_names_its_actions_through_the_catalogue(app, filled):
    from paperwork.records.audit import ACTIONS

    assert set(ACTION_LABELS) == set(ACTIONS)
    late = incoming_get(filled.ws, 2026, filled.late)
    client = app.test_client()
    sign_in(client, "mai")
    english = client.get(f"/documents/{late.archive_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<td>registered as incoming (số đến)</td>" in english
    assert "<td>incoming add</td>" not in english


# -- registering incoming documents ------------------------------------------------------


def upload(client, files, **fields):
    token = csrf_of(client.get("/incoming/new").get_data(as_text=True))
    data = {"csrf_token": token, **fields, "file": [(io.BytesIO(body), name) for name, body in files]}
    return client.post("/incoming/new", data=data, content_type="multipart/form-data")


def test_a_file_of_a_forbidden_type_is_refused_with_a_message(app, filled, tmp_path):
    clerk = client_of(app, "lan")
    before = len(incoming_entries(filled.ws))
    good = make_document(tmp_path / "cv.docx", number="5/SNV", title="Về việc họp").read_bytes()
    refused = upload(clerk, [("cv.docx", good), ("macro.exe", b"MZ\x90\x00")], **{"from": "Sở Tài chính"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "macro.exe: only PDF, PNG, JPEG, TIFF and .docx files are accepted" in page
    assert 'value="Sở Tài chính"' in page  # what was typed stays
    disguised = upload(clerk, [("scan.pdf", b"GIF89a not a pdf")])
    assert disguised.status_code == 400 and "scan.pdf: the file is not a PDF file" in disguised.get_data(as_text=True)
    assert len(incoming_entries(filled.ws)) == before  # nothing stored, no number given, not even cv.docx
    several = upload(clerk, [("a.docx", good), ("b.docx", good)], number="5/SNV")
    assert several.status_code == 400 and "one FILE per --number" in several.get_data(as_text=True)
    assert client_of(app, "hung").get("/incoming/new").status_code == 403


def test_two_documents_uploaded_at_once_get_consecutive_numbers(app, filled, tmp_path):
    clerk = client_of(app, "lan")
    first = make_document(tmp_path / "a.docx", number="11/UBND-VP", title="Về việc một").read_bytes()
    second = make_document(tmp_path / "b.docx", number="12/UBND-VP", title="Về việc hai").read_bytes()
    response = upload(clerk, [("a.docx", first), ("b.docx", second)], to="Phòng Công chức")
    assert response.status_code == 201, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    shown = re.findall(r'class="so-den-number"[^>]*>(\d+)<', page)
    new = sorted((e for e in incoming_entries(filled.ws) if e.filename in ("a.docx", "b.docx")), key=lambda e: e.number)
    assert shown == [e.arrival_number for e in new] and new[1].number == new[0].number + 1
    assert all(e.to_places == "Phòng Công chức" for e in new)
    status = clerk.get(f"/incoming/{new[0].year}/{new[0].number}/status").get_json()
    assert status["archive_id"] == new[0].archive_id and status["phase"] == "none" and status["ocr"] == "not-needed"
    assert clerk.get("/incoming/2026/999/status").status_code == 404
    again = upload(clerk, [("a.docx", first)])  # the same document again: refused, naming the first
    assert again.status_code == 409 and f"số đến {new[0].arrival_number}" in again.get_data(as_text=True)


def test_the_status_of_a_restricted_document_is_404_for_others(app, filled):
    from paperwork import users

    late = incoming_get(filled.ws, 2026, filled.late)
    users.restrict(filled.ws, late.archive_id, ["luu-tru"])
    assert client_of(app, "hung").get(f"/incoming/2026/{filled.late}/status").status_code == 404
    assert client_of(app, "mai").get(f"/incoming/2026/{filled.late}/status").status_code == 200
    page = client_of(app, "hung").get("/registers/incoming?year=2026").get_data(as_text=True)
    assert f'href="/documents/{late.archive_id}"' not in page  # the row stays, without its link


@pytest.mark.slow
def test_two_scans_get_consecutive_numbers_and_their_ocr_reaches_done(app, filled, tmp_path):
    import scan_support

    clerk = client_of(app, "lan")
    scans = [scan_support.save_pdf(scan_support.render_page(angle=a), tmp_path / f"scan-{i}.pdf")
             for i, a in enumerate((1.2, -0.8))]
    response = upload(clerk, [(p.name, p.read_bytes()) for p in scans], **{"from": "UBND tỉnh Cà Mau"},
                      duplicate_ok="1")
    assert response.status_code == 201, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    numbers = [int(n) for n in re.findall(r'class="so-den-number"[^>]*>(\d+)<', page)]
    assert len(numbers) == 2 and numbers[1] == numbers[0] + 1
    assert page.count("data-status-url=") == 2
    seen = set()
    for number in numbers:
        deadline = time.monotonic() + 600
        while True:
            status = clerk.get(f"/incoming/{audit.today().year}/{number}/status").get_json()
            seen.add(status["phase"])
            if status["phase"] != "running" or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert status["phase"] == "done" and status["ocr"] == "done", status
    assert "running" in seen  # the page had something to show while OCR ran


@pytest.mark.slow
def test_with_ocr_workers_configured_the_uploaded_scan_is_ocred_on_the_queue(filled, tmp_path, tmp_path_factory):
    import os
    import signal

    from test_workers import start_worker
    from web_helpers import redis_broker

    with redis_broker(tmp_path_factory.mktemp("redis")) as url:
        worker = start_worker(url, "web@test", tmp_path / "worker.log")
        try:
            register_a_scan_with_workers(filled, tmp_path, url)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(30)


def register_a_scan_with_workers(filled, tmp_path: Path, url: str) -> None:
    import scan_support
    from paperwork.archive.workers import make_app
    from paperwork.config import load_workspace

    with (filled.ws.root / "paperwork.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[ocr]\nworkers = "{url}"\n')
    ws = load_workspace(filled.ws.root)
    assert ws.ocr_workers == url
    clerk = client_of(create_app(ws, testing=True), "lan")
    scan = scan_support.save_jpeg(scan_support.render_page(), tmp_path / "cv-den.jpg")
    response = upload(clerk, [(scan.name, scan.read_bytes())])
    assert response.status_code == 201, response.get_data(as_text=True)
    number = int(re.search(r'id="so-den">(\d+)<', response.get_data(as_text=True)).group(1))
    deadline = time.monotonic() + 600
    while True:
        status = clerk.get(f"/incoming/{audit.today().year}/{number}/status").get_json()
        if status["phase"] != "running" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert status["phase"] == "done", status
    stats = make_app(url).control.inspect(timeout=10).stats() or {}
    ran = sum(sum(s.get("total", {}).values()) for s in stats.values())
    assert ran == 1, stats  # the worker did the OCR (Celery's own count), not the web process
