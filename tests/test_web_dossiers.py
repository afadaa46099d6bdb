"""The dossiers' pages with Flask's test client: the plan uploaded, documents filed, a dossier closed and
exported as a zip, the transfer package built by the lưu trữ only (web/dossiers.py)."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

import pytest
import yaml

from paperwork.archive.service import get_document
from paperwork.records import audit
from paperwork.records.dossiers import dossier_catalog
from paperwork.web import create_app
from web_helpers import csrf_of, make_office, sign_in

ORGAN_ID = "000.00.12.H12"
PLAN = {
    "year": 2026,
    "dossiers": [
        {"heading": "I. CÔNG TÁC THI ĐUA, KHEN THƯỞNG", "code": "01.TĐKT",
         "title": "Hồ sơ khen thưởng Giấy khen của Giám đốc Sở Nội vụ năm 2026",
         "retention": "Vĩnh viễn", "owner": "Nguyễn Thị Hoa"},
        {"code": "02.TĐKT", "title": "Tập công văn trao đổi với các đơn vị", "retention": "3 năm"},
    ],
}
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def office(tmp_path, monkeypatch):
    monkeypatch.delenv("PAPERWORK_HOME", raising=False)
    office = make_office(tmp_path / "ws")
    with (office.ws.root / "paperwork.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[records]\norgan_id = "{ORGAN_ID}"\n')
    return office


@pytest.fixture
def app(office):
    return create_app(office.ws, testing=True)


def client_of(app, name):
    client = app.test_client()
    assert sign_in(client, name).status_code == 302
    return client


def token(client, url="/dossiers/?year=2026"):
    return csrf_of(client.get(url, headers=ENGLISH).get_data(as_text=True))


def upload_plan(client, content: bytes, name: str = "danh-muc.yaml", year: int = 2026):
    return client.post("/dossiers/plan", headers=ENGLISH, content_type="multipart/form-data", data={
        "csrf_token": token(client), "year": str(year), "file": (io.BytesIO(content), name)})


def planned(app, office):
    archivist = client_of(app, "mai")
    response = upload_plan(archivist, yaml.safe_dump(PLAN, allow_unicode=True).encode())
    assert response.status_code == 200, response.get_data(as_text=True)
    return archivist


def file_into(client, code: str, ids: str, year: int = 2026):
    url = f"/dossiers/{year}/{code}"
    return client.post(f"{url}/file", headers=ENGLISH, data={"csrf_token": token(client, url), "ids": ids})


def test_the_plan_uploaded_by_the_luu_tru_lists_retention_status_and_due_date(app, office):
    archivist = planned(app, office)
    page = archivist.get("/dossiers/?year=2026", headers=ENGLISH).get_data(as_text=True)
    assert "01.TĐKT" in page and "02.TĐKT" in page
    assert "Vĩnh viễn" in page and "3 năm" in page
    assert "stays with the unit" in page  # kept 3 years: never due at the agency archive
    assert [d.code for d in dossier_catalog(office.ws).dossiers(2026)] == ["01.TĐKT", "02.TĐKT"]
    events = audit.events(office.ws, dossier="01.TĐKT")
    assert [(e.action, e.actor) for e in events] == [("dossier plan", "mai")]


def test_a_bad_plan_row_is_shown_beside_the_form_with_its_row_and_column(app, office):
    archivist = client_of(app, "mai")
    csv = ("Số và ký hiệu hồ sơ,Tên đề mục và tiêu đề hồ sơ,Thời hạn bảo quản\n"
           "01.TĐKT,Hồ sơ khen thưởng năm 2026,Vĩnh viễn\n"
           "02.TĐKT,Tập công văn,mãi mãi\n").encode()
    response = upload_plan(archivist, csv, name="danh-muc.csv")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = re.search(r'id="plan-error">([^<]*)<', page).group(1)
    assert error.startswith("danh-muc.csv: row 3: column C"), error
    assert "Traceback" not in page and "/tmp" not in error
    assert dossier_catalog(office.ws).dossiers(2026) == []  # nothing recorded


def test_the_van_thu_and_the_lanh_dao_may_look_but_not_plan(app, office):
    planned(app, office)
    for name in ("lan", "hung"):
        client = client_of(app, name)
        assert client.get("/dossiers/?year=2026").status_code == 200
        assert 'action="/dossiers/plan"' not in client.get("/dossiers/?year=2026").get_data(as_text=True)
        assert upload_plan(client, b"dossiers: []").status_code == 403
        assert file_into(client, "01.TĐKT", str(office.decision)).status_code == 403


def test_filing_closing_and_the_muc_luc(app, office):
    archivist = planned(app, office)
    response = file_into(archivist, "01.TĐKT", f"{office.decision}, {office.invitation} {office.restricted}")
    assert response.status_code == 302
    page = archivist.get("/dossiers/2026/01.TĐKT", headers=ENGLISH).get_data(as_text=True)
    assert "3 documents filed into 01.TĐKT" in page
    assert f'href="/documents/{office.decision}"' in page and "12/GM-SNV" in page
    assert "09/QĐ-SNV" in page  # restricted to the lưu trữ: she sees it

    leader = client_of(app, "hung")
    seen = leader.get("/dossiers/2026/01.TĐKT", headers=ENGLISH).get_data(as_text=True)
    assert "A restricted document" in seen and "09/QĐ-SNV" not in seen
    assert "nhân sự hạn chế" not in seen

    bad = file_into(archivist, "01.TĐKT", "9999")
    assert bad.status_code == 400
    assert re.search(r'id="file-error">[^<]*no document with id 9999', bad.get_data(as_text=True))
    assert file_into(archivist, "01.TĐKT", "twelve").status_code == 400

    url = "/dossiers/2026/01.TĐKT"
    closed = archivist.post(f"{url}/close", headers=ENGLISH, data={"csrf_token": token(archivist, url)})
    assert closed.status_code == 302
    assert dossier_catalog(office.ws).get(2026, "01.TĐKT").status == "closed"
    again = archivist.post(f"{url}/close", headers=ENGLISH, data={"csrf_token": token(archivist, url)})
    assert again.status_code == 400  # the page has no close form any more; the library refuses
    assert "is already closed" in again.get_data(as_text=True)
    assert file_into(archivist, "01.TĐKT", str(office.decision)).status_code == 400  # takes no more documents
    actions = [e.action for e in audit.events(office.ws, dossier="01.TĐKT")]
    assert actions.count("dossier file") == 3 and actions.count("dossier close") == 1  # one event a document


def test_a_post_without_its_csrf_token_is_refused(app, office):
    archivist = planned(app, office)
    response = archivist.post("/dossiers/2026/01.TĐKT/file", data={"ids": str(office.decision)})
    assert response.status_code == 400
    assert dossier_catalog(office.ws).get(2026, "01.TĐKT").documents == 0


def test_the_export_zip_holds_the_documents_the_muc_luc_and_the_xml(app, office):
    archivist = planned(app, office)
    assert file_into(archivist, "01.TĐKT", f"{office.decision} {office.invitation}").status_code == 302
    response = archivist.get("/dossiers/2026/01.TĐKT/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as z:
        names = z.namelist()
        top = "ho-so-01.TĐKT-2026"
        assert f"{top}/ho-so.xml" in names
        assert f"{top}/muc-luc-van-ban.xlsx" in names and f"{top}/muc-luc-van-ban.docx" in names
        documents = sorted(n for n in names if n.startswith(f"{top}/van-ban/"))
        assert len(documents) == 2
        digests = {hashlib.sha256(z.read(n)).hexdigest() for n in documents}
    assert digests == {get_document(office.ws, i).sha256 for i in (office.decision, office.invitation)}
    assert client_of(app, "hung").get("/dossiers/2026/01.TĐKT/export.zip").status_code == 403
    assert any(e.action == "download" and e.actor == "mai" for e in audit.events(office.ws, dossier="01.TĐKT"))


def test_an_empty_dossier_is_not_exported_and_says_why(app, office):
    archivist = planned(app, office)
    response = archivist.get("/dossiers/2026/02.TĐKT/export.zip", headers=ENGLISH)
    assert response.status_code == 400
    assert "has no documents to export" in response.get_data(as_text=True)


def test_the_transfer_is_refused_to_the_van_thu_and_built_by_the_luu_tru(app, office):
    archivist = planned(app, office)
    assert file_into(archivist, "01.TĐKT", f"{office.decision} {office.invitation}").status_code == 302
    url = "/dossiers/2026/01.TĐKT"
    assert archivist.post(f"{url}/close", data={"csrf_token": token(archivist, url)}).status_code == 302

    due = archivist.get("/dossiers/transfer?year=2026", headers=ENGLISH).get_data(as_text=True)
    assert "01.TĐKT" in due and "02.TĐKT" not in due

    clerk = client_of(app, "lan")
    refused = clerk.post("/dossiers/transfer", data={"csrf_token": token(clerk, "/dossiers/transfer"), "year": "2026"})
    assert refused.status_code == 403
    assert dossier_catalog(office.ws).transfers() == []

    made = archivist.post("/dossiers/transfer", headers=ENGLISH, data={
        "csrf_token": token(archivist, "/dossiers/transfer"), "year": "2026", "giver": "Nguyễn Thị Hoa"})
    assert made.status_code == 302
    [transfer] = dossier_catalog(office.ws).transfers()
    assert transfer.bag.startswith(str(office.ws.root / "transfers" / "nop-luu-2026-"))
    assert dossier_catalog(office.ws).get(2026, "01.TĐKT").status == "transferred"
    page = archivist.get(made.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    assert "Wrote the bag nop-luu-2026-" in page and f"/dossiers/transfers/{transfer.id}.zip" in page

    response = archivist.get(f"/dossiers/transfers/{transfer.id}.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as z:
        names = z.namelist()
    top = transfer.bag.rsplit("/", 1)[-1]
    for name in ("bagit.txt", "manifest-sha256.txt", "data/nop-luu.xml", "data/bien-ban-giao-nhan.docx",
                 "data/ho-so/01.TĐKT/ho-so.xml"):
        assert f"{top}/{name}" in names
    assert clerk.get(f"/dossiers/transfers/{transfer.id}.zip").status_code == 403
    assert archivist.get("/dossiers/transfers/999.zip").status_code == 404

    again = archivist.post("/dossiers/transfer", headers=ENGLISH, data={
        "csrf_token": token(archivist, "/dossiers/transfer"), "year": "2026"})
    assert again.status_code == 400
    assert "awaits transfer" in again.get_data(as_text=True)
