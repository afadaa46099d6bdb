"""The quản trị's users page (/admin/users) with Flask's test client: list, add, disable, password,
API token, who may use it, CSRF, and the audit trail."""

from __future__ import annotations

import re

import pytest

from paperwork import users
from paperwork.records import audit
from paperwork.web import create_app
from web_helpers import PASSWORD, csrf_of, make_office, sign_in

NEW_PASSWORD = "mot-mat-khau-moi"


@pytest.fixture
def office(tmp_path, monkeypatch):
    monkeypatch.delenv("PAPERWORK_HOME", raising=False)
    return make_office(tmp_path / "ws")


@pytest.fixture
def app(office):
    return create_app(office.ws, testing=True, login_limit="50 per minute")


def client_of(app, name=None, password=PASSWORD):
    """A browser that prefers English (the page's words are checked in English; Vietnamese is the default)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if name:
        response = sign_in(client, name, password)
        assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post(client, url, data=None):
    """A form posted as the page posts it: with the CSRF token of the users' page."""
    token = csrf_of(client.get("/admin/users").get_data(as_text=True))
    return client.post(url, data={**(data or {}), "csrf_token": token})


def user_events(office, name):
    return [e for e in audit.events(office.ws) if e.object_kind == "user" and str(e.object_id) == name]


def test_the_list_shows_every_user_and_the_nav_has_the_page(app, office):
    admin = client_of(app, "admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    for name, display in (("lan", "Lan"), ("mai", "Mai"), ("hung", "Hung"), ("admin", "Admin")):
        assert f'id="user-{name}"' in page and f"<td>{display}</td>" in page
    assert "lưu trữ" in page and "quản trị" in page
    assert 'href="/admin/users"' in admin.get("/").get_data(as_text=True)  # in the navigation bar
    assert 'href="/admin/users"' not in client_of(app, "lan").get("/").get_data(as_text=True)


def test_other_roles_get_403_on_every_admin_url(app, office):
    urls = ["/admin/users/add", "/admin/users/lan/disable", "/admin/users/lan/enable",
            "/admin/users/lan/password", "/admin/users/lan/token"]
    for name in ("lan", "mai", "hung"):
        client = client_of(app, name)
        assert client.get("/admin/users").status_code == 403, name
        token = csrf_of(client.get("/").get_data(as_text=True))
        for url in urls:
            response = client.post(url, data={"csrf_token": token, "name": "x", "role": "quan-tri",
                                              "password": NEW_PASSWORD, "password2": NEW_PASSWORD})
            assert response.status_code == 403, (name, url)
    assert users.get_user(office.ws, "x") is None and not users.get_user(office.ws, "lan").disabled
    assert client_of(app).get("/admin/users").status_code == 302  # not signed in: to /login


def test_add_a_user_who_then_signs_in(app, office):
    admin = client_of(app, "admin")
    response = post(admin, "/admin/users/add", {"name": "thu.ha", "display_name": "Trần Thu Hà",
                                                "role": "van-thu", "password": NEW_PASSWORD,
                                                "password2": NEW_PASSWORD})
    assert response.status_code == 302
    page = admin.get("/admin/users").get_data(as_text=True)
    assert 'id="user-thu.ha"' in page and "Trần Thu Hà" in page
    added = users.get_user(office.ws, "thu.ha")
    assert added.role == "van-thu" and added.display_name == "Trần Thu Hà" and not added.disabled
    client_of(app, "thu.ha", NEW_PASSWORD)
    [event] = [e for e in user_events(office, "thu.ha") if e.action == "user add"]
    assert event.action == "user add" and event.actor == "admin" and event.details["role"] == "van-thu"


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "lan", "role": "van-thu"}, "a user &#39;lan&#39; exists already"),
    ({"name": "ngoc", "role": "van-thu", "password": "ngan", "password2": "ngan"}, "at least 8 characters"),
    ({"name": "ngoc", "role": "van-thu", "password2": "khac-mat-khau"}, "the two passwords differ"),
    ({"name": "Ngọc", "role": "van-thu"}, "is not a user name"),
    ({"name": "ngoc", "role": "giam-doc"}, "is not a role"),
])
def test_a_refused_user_is_shown_beside_the_form(app, office, data, message):
    admin = client_of(app, "admin")
    response = post(admin, "/admin/users/add", {"display_name": "Ngọc", "password": NEW_PASSWORD,
                                                "password2": NEW_PASSWORD, **data})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'<p class="field-error" role="alert" id="add-error">([^<]*)</p>', page)
    assert error and message in error.group(1), page
    assert 'value="Ngọc"' in page  # what she typed is kept (never the passwords)
    assert NEW_PASSWORD not in page
    assert [u.name for u in users.list_users(office.ws)] == ["admin", "hung", "lan", "mai"]


def test_disable_ends_her_session_and_sign_in_then_enable(app, office):
    admin = client_of(app, "admin")
    lan = client_of(app, "lan")
    assert lan.get("/").status_code == 200
    assert post(admin, "/admin/users/lan/disable").status_code == 302
    assert users.get_user(office.ws, "lan").disabled
    assert 'class="disabled"' in admin.get("/admin/users").get_data(as_text=True)
    response = lan.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert sign_in(app.test_client(), "lan").status_code != 302  # refused
    assert post(admin, "/admin/users/lan/enable").status_code == 302
    client_of(app, "lan")
    changes = [e for e in user_events(office, "lan") if e.action == "user change"]
    assert [e.details["changed"] for e in changes] == ["disabled", "enabled"]
    assert {e.actor for e in changes} == {"admin"}


def test_a_quan_tri_cannot_disable_herself(app, office):
    admin = client_of(app, "admin")
    response = post(admin, "/admin/users/admin/disable")
    assert response.status_code == 400
    assert "you cannot disable yourself" in response.get_data(as_text=True)
    assert not users.get_user(office.ws, "admin").disabled
    assert admin.get("/admin/users").status_code == 200  # still signed in
    assert not [e for e in user_events(office, "admin") if e.action == "user change"]


def test_an_unknown_user_is_refused(app, office):
    admin = client_of(app, "admin")
    for action in ("disable", "enable", "token"):
        response = post(admin, f"/admin/users/nobody/{action}")
        assert response.status_code == 400 and "no user &#39;nobody&#39;" in response.get_data(as_text=True)


def test_a_new_password(app, office):
    admin = client_of(app, "admin")
    hung = client_of(app, "hung")
    response = post(admin, "/admin/users/hung/password", {"password": "ngan", "password2": "ngan"})
    assert response.status_code == 400 and "at least 8 characters" in response.get_data(as_text=True)
    response = post(admin, "/admin/users/hung/password", {"password": NEW_PASSWORD, "password2": "khac"})
    assert response.status_code == 400 and "the two passwords differ" in response.get_data(as_text=True)
    assert users.authenticate(office.ws, "hung", PASSWORD) is not None  # unchanged so far
    response = post(admin, "/admin/users/hung/password", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert hung.get("/").status_code == 302  # her open session ended
    assert sign_in(app.test_client(), "hung").status_code != 302  # the old password no longer works
    client_of(app, "hung", NEW_PASSWORD)
    [event] = [e for e in user_events(office, "hung") if e.action == "user change"]
    assert event.details == {"changed": "password"} and event.actor == "admin"
    assert NEW_PASSWORD not in str(event.as_dict())


def test_a_token_is_shown_once_and_works_on_the_api(app, office):
    admin = client_of(app, "admin")
    response = post(admin, "/admin/users/hung/token")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    found = re.search(r'<code class="token">(pwk_[A-Za-z0-9_-]+)</code>', response.get_data(as_text=True))
    assert found
    token = found.group(1)
    assert token not in admin.get("/admin/users").get_data(as_text=True)  # never again
    with admin.session_transaction() as session:
        assert token not in str(dict(session))  # not in a flash message in the cookie either
    api = app.test_client()
    answer = api.get("/api/search?q=khen+thuong", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert api.get("/api/search?q=khen+thuong", headers={"Authorization": "Bearer pwk_wrong"}).status_code == 401
    [event] = [e for e in user_events(office, "hung") if e.action == "user change"]
    assert event.details == {"changed": "token"} and event.actor == "admin"
    post(admin, "/admin/users/hung/disable")
    assert api.get("/api/search?q=khen+thuong", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_post_without_its_csrf_token_is_refused(app, office):
    admin = client_of(app, "admin")
    for url, data in (("/admin/users/add", {"name": "ngoc", "role": "quan-tri", "password": NEW_PASSWORD,
                                            "password2": NEW_PASSWORD}),
                      ("/admin/users/lan/disable", {}), ("/admin/users/lan/password",
                                                          {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}),
                      ("/admin/users/lan/token", {})):
        response = admin.post(url, data=data)
        assert response.status_code == 400, url
        assert "pwk_" not in response.get_data(as_text=True)
    assert users.get_user(office.ws, "ngoc") is None and not users.get_user(office.ws, "lan").disabled
    assert users.authenticate(office.ws, "lan", PASSWORD) is not None
    assert not [e for e in user_events(office, "lan") if e.action == "user change"]
