"""The web app with Flask's test client: roles, restrictions, CSRF, limits, headers, API auth."""

from __future__ import annotations

import hashlib
import io

import pytest

from paperwork import users
from paperwork.archive.service import get_document
from paperwork.records import audit
from paperwork.web import create_app
from web_helpers import PASSWORD, csrf_of, make_office, sign_in


@pytest.fixture
def office(tmp_path, monkeypatch):
    monkeypatch.delenv("PAPERWORK_HOME", raising=False)
    return make_office(tmp_path / "ws")


@pytest.fixture
def app(office):
    return create_app(office.ws, testing=True, login_limit="5 per minute")


def client_of(app, name=None):
    client = app.test_client()
    if name:
        response = sign_in(client, name)
        assert response.status_code == 302, response.get_data(as_text=True)
    return client


def test_pages_need_a_signed_in_user(app, office):
    client = app.test_client()
    for url in ("/", f"/documents/{office.decision}", f"/documents/{office.decision}/original", "/incoming/new"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), url


def test_sign_in_search_without_diacritics_and_open(app, office):
    client = client_of(app, "hung")
    page = client.get("/?q=quyet+dinh+khen+thuong").get_data(as_text=True)
    assert f'href="/documents/{office.decision}"' in page
    assert "<mark>" in page  # the matched words highlighted
    assert f'href="/documents/{office.restricted}"' not in page  # restricted to the lưu trữ
    response = client.get(f"/documents/{office.decision}")
    assert response.status_code == 200
    assert f"/documents/{office.decision}/pages/1.png" in response.get_data(as_text=True)


def test_the_original_downloads_byte_for_byte(app, office):
    client = client_of(app, "hung")
    response = client.get(f"/documents/{office.decision}/original")
    assert response.status_code == 200
    assert hashlib.sha256(response.data).hexdigest() == get_document(office.ws, office.decision).sha256
    assert "attachment" in response.headers["Content-Disposition"]


def test_a_restricted_document_is_404_for_others_and_there_for_the_luu_tru(app, office):
    leader = client_of(app, "hung")
    admin = client_of(app, "admin")
    archivist = client_of(app, "mai")
    for suffix in ("", "/original", "/text", "/pages/1.png"):
        assert leader.get(f"/documents/{office.restricted}{suffix}").status_code == 404, suffix
        assert admin.get(f"/documents/{office.restricted}{suffix}").status_code == 404, suffix
    shown = archivist.get(f"/documents/{office.restricted}")
    assert shown.status_code == 200 and 'class="restricted">luu-tru<' in shown.get_data(as_text=True)
    assert f'/documents/{office.restricted}"' in archivist.get("/?q=bimatxyz").get_data(as_text=True)
    assert f'/documents/{office.restricted}"' not in leader.get("/?q=bimatxyz").get_data(as_text=True)
    assert leader.get("/documents/9999").status_code == 404


def test_a_form_without_its_csrf_token_is_refused(app, office):
    client = client_of(app, "lan")
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200  # still signed in
    response = app.test_client().post("/login", data={"username": "lan", "password": PASSWORD})
    assert response.status_code == 400


def test_signing_out_ends_the_session_even_for_a_copied_cookie(app, office):
    client = client_of(app, "lan")
    cookie = client.get_cookie("paperwork_session").value
    page = client.get("/").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_of(page)}).status_code == 302
    assert client.get("/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("paperwork_session", cookie)
    assert thief.get("/").status_code == 302


def test_sign_in_attempts_are_limited_and_refusals_recorded(app, office):
    client = app.test_client()
    statuses = [sign_in(client, "lan", "wrong-password").status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    refused = [e for e in audit.events(office.ws, action="sign in refused")]
    assert len(refused) == 5 and refused[0].actor == "lan"


def test_security_headers(app, office):
    response = client_of(app, "lan").get("/")
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    login = app.test_client()
    sign = sign_in(login, "lan")
    assert "HttpOnly" in sign.headers["Set-Cookie"] and "SameSite=Lax" in sign.headers["Set-Cookie"]


def test_the_language_follows_the_browser_with_vietnamese_by_default(app, office):
    client = app.test_client()
    assert '<html lang="vi">' in client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in client.get("/login", headers={"Accept-Language": "vi-VN,vi;q=0.9"}).get_data(
        as_text=True)
    assert '<html lang="en">' in client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(
        as_text=True)


def test_roles_in_the_navigation_and_the_upload_page(app, office):
    clerk = client_of(app, "lan")
    leader = client_of(app, "hung")
    assert 'href="/incoming/new"' in clerk.get("/").get_data(as_text=True)
    assert 'href="/incoming/new"' not in leader.get("/").get_data(as_text=True)
    assert leader.get("/incoming/new").status_code == 403


def test_every_request_is_audited_with_its_user(app, office):
    client = client_of(app, "hung")
    client.get("/?q=khen+thuong").close()  # a server closes each response: the search event is written then
    client.get(f"/documents/{office.decision}")
    client.get(f"/documents/{office.decision}/original")
    trail = [(e.actor, e.action) for e in audit.events(office.ws) if e.action in
             ("sign in", "search", "view", "download")]
    assert trail == [("hung", "sign in"), ("hung", "search"), ("hung", "view"), ("hung", "download")]


# -- the API ------------------------------------------------------------------------------------


@pytest.fixture
def tokens(office):
    return {name: users.new_token(office.ws, name) for name in ("lan", "hung")}


def bearer(token):
    """The API's headers; English messages (the default is Vietnamese, as on the pages)."""
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def test_the_api_needs_a_token(app, office, tokens):
    client = app.test_client()
    assert client.get("/api/search?q=khen").status_code == 401
    assert client.get("/api/search?q=khen", headers=bearer("pwk_nonsense")).status_code == 401
    assert client.get("/api/search?q=khen", headers=bearer(tokens["hung"])).status_code == 200
    signed_in = client_of(app, "hung")  # a page session is not an API credential
    assert signed_in.get("/api/search?q=khen").status_code == 401
    assert client.get("/api/search").get_json()["status"] == 401


def test_the_api_searches_describes_and_downloads(app, office, tokens):
    client = app.test_client()
    found = client.get("/api/search?q=quyet+dinh+khen+thuong", headers=bearer(tokens["hung"])).get_json()
    ids = [h["id"] for h in found["hits"]]
    assert office.decision in ids and office.restricted not in ids
    doc = client.get(f"/api/documents/{office.decision}", headers=bearer(tokens["hung"])).get_json()
    assert doc["sha256"] == get_document(office.ws, office.decision).sha256
    original = client.get(f"/api/documents/{office.decision}/original", headers=bearer(tokens["hung"]))
    assert hashlib.sha256(original.data).hexdigest() == doc["sha256"]
    assert client.get(f"/api/documents/{office.restricted}", headers=bearer(tokens["hung"])).status_code == 404
    assert client.get("/api/outgoing", headers=bearer(tokens["hung"])).get_json() == {"entries": []}
    bad = client.get("/api/search?year=abcd", headers=bearer(tokens["hung"]))
    assert bad.status_code == 400 and bad.get_json()["field"] == "year"


def test_the_api_registers_an_incoming_document_and_refuses_a_leader(app, office, tokens, tmp_path):
    from archive_docs import make_document

    path = make_document(tmp_path / "cv-125.docx", heading="CÔNG VĂN", number="125/BNV-TCCB",
                         agency=("BỘ NỘI VỤ",), title="Về việc báo cáo công tác thi đua")
    client = app.test_client()
    refused = client.post("/api/incoming", headers=bearer(tokens["hung"]),
                          data={"file": (io.BytesIO(path.read_bytes()), path.name)})
    assert refused.status_code == 403
    response = client.post("/api/incoming", headers=bearer(tokens["lan"]),
                           data={"file": (io.BytesIO(path.read_bytes()), path.name), "from": "Bộ Nội vụ",
                                 "to": "Phòng Công chức"})
    assert response.status_code == 201, response.get_json()
    entry = response.get_json()["registered"][0]
    assert entry["so_den"] == "01"
    listed = client.get("/api/incoming", headers=bearer(tokens["hung"])).get_json()["entries"]
    assert [e["archive_id"] for e in listed] == [entry["archive_id"]]
    again = client.post("/api/incoming", headers=bearer(tokens["lan"]),
                        data={"file": (io.BytesIO(path.read_bytes()), path.name)})
    assert again.status_code == 409 and "01" in again.get_json()["refused"][0]
    events = [(e.actor, e.action) for e in audit.events(office.ws) if e.action in ("upload", "incoming add")]
    assert ("lan", "incoming add") in events and ("lan", "upload") in events


def test_uploads_are_checked_for_type_and_size(office, tokens):
    app = create_app(office.ws, testing=True, max_upload_bytes=64 * 1024)
    client = app.test_client()
    wrong = client.post("/api/incoming", headers=bearer(tokens["lan"]),
                        data={"file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "virus.pdf")})
    assert wrong.status_code == 400 and "not a PDF" in wrong.get_json()["error"]
    kind = client.post("/api/incoming", headers=bearer(tokens["lan"]),
                       data={"file": (io.BytesIO(b"#!/bin/sh"), "run.sh")})
    assert kind.status_code == 400
    big = client.post("/api/incoming", headers=bearer(tokens["lan"]),
                      data={"file": (io.BytesIO(b"%PDF-" + b"0" * 100_000), "big.pdf")})
    assert big.status_code == 413
    assert [e.action for e in audit.events(office.ws) if e.action == "upload"] == []  # nothing stored


def test_the_limit_is_per_name_so_colleagues_behind_one_address_still_sign_in(office):
    app = create_app(office.ws, testing=True, login_limit="3 per minute", address_limit="8 per minute")
    client = app.test_client()
    assert [sign_in(client, "lan", "wrong-password").status_code for _ in range(4)] == [401, 401, 401, 429]
    assert sign_in(app.test_client(), "hung").status_code == 302  # another name, the same address
    statuses = [sign_in(app.test_client(), f"name{i}", "wrong-password").status_code for i in range(6)]
    assert statuses[0] == 401 and statuses[-1] == 429  # 8 attempts per address, whatever the names


def test_after_sign_in_only_a_path_of_this_site(app, office):
    client = app.test_client()
    token = csrf_of(client.get("/login?next=/documents/1").get_data(as_text=True))
    response = client.post("/login", data={"username": "hung", "password": PASSWORD, "csrf_token": token,
                                           "next": "//evil.example/phish"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "hung", "password": PASSWORD, "csrf_token": token,
                                           "next": f"/documents/{office.decision}"})
    assert response.headers["Location"] == f"/documents/{office.decision}"


def test_serve_on_a_port_in_use_is_one_line(tmp_path):
    """`paperwork serve` where another program listens: one line naming the address, exit 1, no traceback."""
    import socket

    from click.testing import CliRunner

    from paperwork.cli import cli

    office = make_office(tmp_path / "ws")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["--workspace", str(office.ws.root), "serve", "--port", str(port)])
    assert result.exit_code == 1
    assert result.output.strip().startswith(f"Error: cannot listen on 127.0.0.1:{port}: ")
    assert "Traceback" not in result.output and "serving" not in result.output
