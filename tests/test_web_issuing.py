"""The issue form with Flask's test client: generated from the kind's model and prefilled, errors beside
their field, legal-basis warnings, rows added and removed without JavaScript, a spreadsheet for a list,
the draft PDF, issuing (number, archive, dossier), roles and CSRF (web/issuing.py, webforms.py)."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from paperwork import webforms
from paperwork.archive.service import get_document
from paperwork.kinds import KINDS
from paperwork.records.dossiers import dossier_catalog, plan_dossiers
from paperwork.register import Register
from paperwork.web import create_app
from web_helpers import make_office, sign_in

ENGLISH = {"Accept-Language": "en"}
URL = "/issue/reward-decision"


@pytest.fixture
def office(tmp_path, monkeypatch):
    monkeypatch.delenv("PAPERWORK_HOME", raising=False)
    return make_office(tmp_path / "ws")


@pytest.fixture
def app(office):
    return create_app(office.ws, testing=True)


def client_of(app, name):
    client = app.test_client()
    assert sign_in(client, name).status_code == 302
    return client


class _Form(HTMLParser):
    """The values a browser would post from the page's form (rows' <template> left out)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._template = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if tag == "input" and a.get("name") and a.get("type") != "file":
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[self._textarea] = ""
        elif tag == "select":
            self._select = a["name"]
            self.values.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "template":
            self._template -= 1
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and not self._template:
            self.values[self._textarea] += data


def form_of(html: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(html)
    return parser.values


def field_error(html: str, name: str) -> str | None:
    found = re.search(rf'<p class="field-error" id="e-{re.escape(name)}" role="alert">([^<]*)</p>', html)
    return found.group(1) if found else None


def rows_of(html: str, list_name: str = "awardees") -> int:
    return len(set(re.findall(rf'name="{list_name}\[(\d+)\]\.name"', html.split("<template")[0])))


def test_the_form_renders_prefilled_with_the_example_and_the_profile(app, office):
    page = client_of(app, "lan").get(URL, headers=ENGLISH)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    values = form_of(html)
    assert values["agency.name"] == "Sở Nội vụ" and values["agency.code"] == "SNV"  # the workspace's
    assert values["agency.parent"] == "UBND tỉnh Cà Mau" and values["place"] == "Cà Mau"
    assert values["date"] == ""  # the day it is issued
    assert "number" not in values  # the register gives it
    assert values["awardees[0].name"] == "Phòng Công chức, viên chức, Sở Nội vụ tỉnh Bến Tre"
    assert values["awardees[0].kind"] == "collective" and values["awardees[4].kind"] == "individual"
    assert rows_of(html) == 17
    assert values["bases"].count("\n") == 2  # three căn cứ, one a line
    assert values["signer.authority"] == "KT. Bộ trưởng"
    assert '<template data-row-template>' in html and 'name="awardees[__INDEX__].name"' in html
    assert 'name="sheet:awardees"' in html
    assert "<script>" not in html and 'src="/static/issuing.js"' in html  # no inline script (CSP)


def test_every_kind_s_example_round_trips_through_its_form(app, office):
    for kind in KINDS.values():
        fields = webforms.form_fields(kind)
        data = webforms.example_data(kind, office.ws)
        values, _rows = webforms.form_values(fields, data)
        assert webforms.form_data(fields, values) == webforms.form_data(
            fields, webforms.form_values(fields, webforms.form_data(fields, values))[0]), kind.name
        assert client_of(app, "lan").get(f"/issue/{kind.name}").status_code == 200, kind.name


def test_a_bad_field_comes_back_with_its_message_beside_it(app, office):
    client = client_of(app, "lan")
    values = form_of(client.get(URL, headers=ENGLISH).get_data(as_text=True))
    values.update({"awardees[3].name": "", "action": "check"})
    response = client.post(URL, data=values, headers=ENGLISH)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "awardees[3].name") == "field required"
    assert 'aria-describedby="e-awardees[3].name"' in html
    assert form_of(html)["awardees[3].kind"] == "collective"  # the rest of the row kept as typed
    assert form_of(html)["awardees[5].name"] == values["awardees[5].name"]

    values.update({"awardees[3].name": "Ban Thi đua - Khen thưởng", "agency.code": "snv!"})
    html = client.post(URL, data=values, headers=ENGLISH).get_data(as_text=True)
    assert field_error(html, "agency.code")
    assert field_error(html, "awardees[3].name") is None


def test_legal_basis_warnings_are_shown_beside_the_bases(app, office):
    client = client_of(app, "lan")
    values = form_of(client.get(URL, headers=ENGLISH).get_data(as_text=True))
    values.update({"date": "2026-03-06", "action": "check"})
    response = client.post(URL, data=values, headers=ENGLISH)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="form-valid"' in html
    assert "it would be Số 01/QĐ-SNV" in html  # the register's next number, nothing taken
    assert Register.for_workspace(office.ws).entries() == []
    textarea = html.index('name="bases"')
    warning = html.index('class="field-warning"', textarea)
    assert warning < html.index('name="proposal"')  # beside the căn cứ, before the next field
    assert "Luật Thi đua, khen thưởng 15/2003/QH11" in html[warning:warning + 400]


def test_rows_are_added_and_removed_without_javascript(app, office):
    client = client_of(app, "lan")
    values = form_of(client.get(URL, headers=ENGLISH).get_data(as_text=True))
    added = client.post(URL, data={**values, "action": "add:awardees"}, headers=ENGLISH).get_data(as_text=True)
    assert rows_of(added) == 18
    assert form_of(added)["awardees[17].name"] == ""
    removed = client.post(URL, data={**values, "action": "remove:awardees[0]"}, headers=ENGLISH)
    html = removed.get_data(as_text=True)
    assert rows_of(html) == 16
    assert form_of(html)["awardees[0].name"] == values["awardees[1].name"]
    # A blank row is dropped when the form is read: the rows after it move up.
    values.update({"awardees[2].name": "", "awardees[2].kind": "", "action": "check"})
    data = webforms.form_data(webforms.form_fields(KINDS["reward-decision"]), values)
    assert len(data["awardees"]) == 16


def test_a_spreadsheet_fills_a_list_and_its_bad_row_is_named(app, office):
    client = client_of(app, "lan")
    values = form_of(client.get(URL, headers=ENGLISH).get_data(as_text=True))
    values = {k: v for k, v in values.items() if not k.startswith("awardees[")}
    csv = ("name,kind,position,unit,amount\n"
           "Phòng Nội vụ huyện Cái Nước,collective,,,3000000\n"
           "Lê Văn Tám,individual,Chuyên viên,Sở Nội vụ,một triệu\n").encode()
    response = client.post(URL, headers=ENGLISH, content_type="multipart/form-data", data={
        **values, "action": "check", "sheet:awardees": (io.BytesIO(csv), "khen-thuong.csv")})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    message = field_error(html, "awardees")
    assert message.startswith("khen-thuong.csv: row 3: amount: "), message
    assert rows_of(html) == 2  # the spreadsheet's rows are in the form now
    assert form_of(html)["awardees[1].name"] == "Lê Văn Tám"


def test_a_lanh_dao_cannot_issue_and_a_post_without_csrf_is_refused(app, office):
    leader = client_of(app, "hung")
    assert leader.get(URL).status_code == 403
    assert leader.get("/issue/").status_code == 403
    token = form_of(leader.get("/").get_data(as_text=True))["csrf_token"]
    assert leader.post(URL, data={"csrf_token": token, "action": "issue"}).status_code == 403
    assert leader.post("/issue/upload", data={"csrf_token": token, "kind": "invitation"}).status_code == 403
    assert 'href="/issue/"' not in leader.get("/").get_data(as_text=True)  # not in her navigation
    clerk = client_of(app, "lan")
    values = form_of(clerk.get(URL).get_data(as_text=True))
    values.pop("csrf_token")
    response = clerk.post(URL, data={**values, "action": "issue"})
    assert response.status_code == 400
    assert Register.for_workspace(office.ws).entries() == []
    assert clerk.get("/issue/no-such-kind").status_code == 404


def test_an_uploaded_input_file_is_checked_and_opened_in_the_form(app, office):
    client = client_of(app, "lan")
    html = client.get("/issue/", headers=ENGLISH).get_data(as_text=True)
    token = form_of(html)["csrf_token"]
    example = webforms.example_data(KINDS["invitation"], office.ws)
    body = yaml.safe_dump(example, allow_unicode=True).encode()
    ok = client.post("/issue/upload", headers=ENGLISH, content_type="multipart/form-data", data={
        "csrf_token": token, "kind": "invitation", "action": "check", "file": (io.BytesIO(body), "giay-moi.yaml")})
    assert ok.status_code == 200
    assert "giay-moi.yaml: valid invitation" in ok.get_data(as_text=True)

    broken = yaml.safe_dump({**example, "venue": None}, allow_unicode=True).encode()
    bad = client.post("/issue/upload", headers=ENGLISH, content_type="multipart/form-data", data={
        "csrf_token": token, "kind": "invitation", "action": "check", "file": (io.BytesIO(broken), "giay-moi.yaml")})
    assert bad.status_code == 400
    error = re.search(r'id="upload-error">([^<]*)<', bad.get_data(as_text=True)).group(1)
    assert error.startswith("giay-moi.yaml: venue: "), error

    opened = client.post("/issue/upload", headers=ENGLISH, content_type="multipart/form-data", data={
        "csrf_token": token, "kind": "invitation", "action": "edit", "file": (io.BytesIO(body), "giay-moi.yaml")})
    assert opened.status_code == 200
    values = form_of(opened.get_data(as_text=True))
    assert values["invitee.name"] == example["invitee"]["name"] and values["start"] == "2023-03-06T07:30"

    wrong = client.post("/issue/upload", headers=ENGLISH, content_type="multipart/form-data", data={
        "csrf_token": token, "kind": "invitation", "action": "check", "file": (io.BytesIO(b"x"), "giay-moi.exe")})
    assert wrong.status_code == 400


def test_a_long_list_typed_on_the_page_is_accepted(app, office):
    """200 rows of 7 fields: more form fields than Flask's default limit of 1,000."""
    client = client_of(app, "lan")
    values = form_of(client.get(URL).get_data(as_text=True))
    values = {k: v for k, v in values.items() if not k.startswith("awardees[")}
    for i in range(200):
        values.update({f"awardees[{i}].name": f"Nguyễn Văn {i}", f"awardees[{i}].kind": "individual",
                       f"awardees[{i}].position": "Chuyên viên", f"awardees[{i}].unit": "Sở Nội vụ",
                       f"awardees[{i}].amount": "", f"awardees[{i}].award_rule": "", f"awardees[{i}].note": ""})
    # Encoded as a browser encodes it: Werkzeug's test-client encoder garbles an empty field now and
    # then in a body this long (its boundary is random), which a browser's body never shows.
    boundary = "----paperwork-test-boundary"
    body = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                   for name, value in {**values, "action": "check"}.items()) + f"--{boundary}--\r\n"
    response = client.post(URL, data=body.encode(), content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200, re.findall(r"field-error[^>]*>[^<]*", response.get_data(as_text=True))
    assert rows_of(response.get_data(as_text=True)) == 200


def test_a_dossier_not_in_the_year_s_plan_is_refused_beside_its_choice_before_a_number(app, office, tmp_path):
    plan = tmp_path / "danh-muc.yaml"
    plan.write_text(yaml.safe_dump({"dossiers": [{"code": "01.TĐKT", "title": "Hồ sơ khen thưởng",
                                                  "retention": "Vĩnh viễn"}]}, allow_unicode=True), encoding="utf-8")
    plan_dossiers(office.ws, plan, dt.date.today().year)
    client = client_of(app, "lan")
    values = form_of(client.get(URL, headers=ENGLISH).get_data(as_text=True))
    response = client.post(URL, data={**values, "action": "issue", "dossier": "09.XYZ"}, headers=ENGLISH)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "dossier").startswith("no dossier 09.XYZ in the Danh mục")
    assert Register.for_workspace(office.ws).entries() == []
    assert not (office.ws.root / "issued").exists() or not any((office.ws.root / "issued").rglob("*.docx"))


@pytest.mark.slow
def test_the_preview_is_a_draft_pdf_and_takes_no_number(app, office):
    client = client_of(app, "lan")
    values = form_of(client.get(URL).get_data(as_text=True))
    response = client.post(URL, data={**values, "action": "preview"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    import pypdfium2

    pdf = pypdfium2.PdfDocument(response.data)
    first = pdf[0].get_textpage().get_text_range()
    assert "/QĐ-SNV" in first and "Số: /QĐ-SNV" in " ".join(first.split())  # a draft: no number
    assert Register.for_workspace(office.ws).entries() == []
    assert not (office.ws.root / "issued").exists()


@pytest.mark.slow
def test_issuing_gives_a_number_archives_the_document_and_files_it(app, office, tmp_path):
    year = dt.date.today().year
    plan = tmp_path / "danh-muc.yaml"
    plan.write_text(yaml.safe_dump({"dossiers": [{"code": "01.TĐKT", "title": "Hồ sơ khen thưởng",
                                                  "retention": "Vĩnh viễn"}]}, allow_unicode=True), encoding="utf-8")
    plan_dossiers(office.ws, plan, year)
    client = client_of(app, "lan")
    html = client.get(URL, headers=ENGLISH).get_data(as_text=True)
    assert f'<option value="01.TĐKT">01.TĐKT ({year})' in html
    values = form_of(html)
    response = client.post(URL, data={**values, "action": "issue", "dossier": "01.TĐKT"}, headers=ENGLISH)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    doc_id = int(re.fullmatch(r"/documents/(\d+)", response.headers["Location"]).group(1))
    [entry] = Register.for_workspace(office.ws).entries()
    assert entry.number_symbol == "01/QĐ-SNV" and entry.year == year
    record = get_document(office.ws, doc_id)
    assert record.sha256 == entry.sha256
    issued = sorted((office.ws.root / "issued" / str(year)).iterdir())
    assert [p.suffix for p in issued] == [".docx", ".pdf"]
    assert Path(entry.output) == issued[0] and entry.date == dt.date.today()  # dated the day it is issued
    assert dossier_catalog(office.ws).dossier_of(doc_id).code == "01.TĐKT"
    page = client.get(response.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    assert "Issued 01/QĐ-SNV" in page and "Filed into 01.TĐKT" in page
