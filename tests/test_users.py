"""Users, roles, API tokens and restrictions (paperwork.users) and their commands."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from archive_docs import make_document
from paperwork import users
from paperwork.archive.service import add_file
from paperwork.cli import cli
from paperwork.errors import InputError
from paperwork.records import audit


def test_a_user_signs_in_with_her_password_only(ws):
    users.add_user(ws, "lan", "van-thu", "mat-khau-1", display_name="Nguyễn Thị Lan")
    assert users.authenticate(ws, "lan", "mat-khau-1").display_name == "Nguyễn Thị Lan"
    assert users.authenticate(ws, "lan", "mat-khau-2") is None
    assert users.authenticate(ws, "nobody", "mat-khau-1") is None
    users.set_password(ws, "lan", "mat-khau-2")
    assert users.authenticate(ws, "lan", "mat-khau-1") is None
    assert users.authenticate(ws, "lan", "mat-khau-2") is not None
    users.disable_user(ws, "lan")
    assert users.authenticate(ws, "lan", "mat-khau-2") is None


def test_the_password_is_stored_as_an_argon2_hash(ws):
    users.add_user(ws, "lan", "van-thu", "mat-khau-1")
    conn = sqlite3.connect(ws.catalog_path)
    (stored,) = conn.execute("SELECT password_hash FROM web_users").fetchone()
    conn.close()
    assert stored.startswith("$argon2id$") and "mat-khau-1" not in stored


def test_bad_names_roles_passwords_are_input_errors(ws):
    with pytest.raises(InputError, match="not a user name"):
        users.add_user(ws, "Lan Anh", "van-thu", "mat-khau-1")
    with pytest.raises(InputError, match="name of a role"):
        users.add_user(ws, "luu-tru", "van-thu", "mat-khau-1")
    with pytest.raises(InputError, match="not a role"):
        users.add_user(ws, "lan", "admin", "mat-khau-1")
    with pytest.raises(InputError, match="at least 8"):
        users.add_user(ws, "lan", "van-thu", "short")
    users.add_user(ws, "lan", "van-thu", "mat-khau-1")
    with pytest.raises(InputError, match="exists already"):
        users.add_user(ws, "lan", "luu-tru", "mat-khau-1")


def test_roles_grant_what_the_issue_says():
    def user(role):
        return users.User("x", "x", role, False, "", "")

    assert user("van-thu").may("upload") and not user("lanh-dao").may("upload")
    assert user("luu-tru").may("transfer") and not user("van-thu").may("transfer")
    assert user("quan-tri").may("users") and not user("luu-tru").may("users")
    assert all(user(r).may("read") and user(r).may("search") for r in users.ROLES)
    assert not users.User("x", "x", "van-thu", True, "", "").may("read")


def test_a_token_is_shown_once_and_kept_hashed(ws):
    users.add_user(ws, "eoffice", "lanh-dao", "mat-khau-1")
    token = users.new_token(ws, "eoffice")
    assert users.user_for_token(ws, token).name == "eoffice"
    assert users.user_for_token(ws, token + "x") is None
    conn = sqlite3.connect(ws.catalog_path)
    stored = [r[0] for r in conn.execute("SELECT token_hash FROM web_tokens")]
    conn.close()
    assert token not in stored and len(stored) == 1
    users.disable_user(ws, "eoffice")
    assert users.user_for_token(ws, token) is None


def test_a_restricted_document_is_for_the_named_only(ws, tmp_path):
    doc = add_file(ws, make_document(tmp_path / "qd.docx")).record.id
    for name, role in (("lan", "van-thu"), ("mai", "luu-tru"), ("hung", "lanh-dao"), ("admin", "quan-tri")):
        users.add_user(ws, name, role, "mat-khau-1")
    get = {u.name: u for u in users.list_users(ws)}
    assert all(users.can_read(ws, u, doc) for u in get.values())
    users.restrict(ws, doc, ["luu-tru", "hung"])
    assert users.can_read(ws, get["mai"], doc) and users.can_read(ws, get["hung"], doc)
    assert not users.can_read(ws, get["lan"], doc) and not users.can_read(ws, get["admin"], doc)
    assert users.hidden_ids(ws, get["lan"]) == {doc}
    users.restrict(ws, doc, open_=True)
    assert users.can_read(ws, get["lan"], doc)
    with pytest.raises(InputError, match="neither a role"):
        users.restrict(ws, doc, ["nobody"])
    with pytest.raises(InputError, match="no document"):
        users.restrict(ws, 999, ["luu-tru"])


def test_every_change_is_an_audit_event(ws, tmp_path):
    doc = add_file(ws, make_document(tmp_path / "qd.docx")).record.id
    users.add_user(ws, "lan", "van-thu", "mat-khau-1")
    users.set_password(ws, "lan", "mat-khau-2")
    users.new_token(ws, "lan")
    users.disable_user(ws, "lan")
    users.restrict(ws, doc, ["luu-tru"])
    trail = [(e.action, e.object_id, e.details.get("changed")) for e in audit.events(ws)
             if e.action in ("user add", "user change", "restrict")]
    assert trail == [("user add", "lan", None), ("user change", "lan", "password"),
                     ("user change", "lan", "token"), ("user change", "lan", "disabled"),
                     ("restrict", str(doc), None)]


def test_the_user_commands(ws, tmp_path):
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(cli, ["--workspace", str(ws.root), *map(str, args)], input=input)

    result = run("user", "add", "lan", "--role", "van-thu", "--display-name", "Nguyễn Thị Lan",
                 "--password-stdin", input="mat-khau-1\n")
    assert result.exit_code == 0, result.output
    assert users.authenticate(ws, "lan", "mat-khau-1") is not None
    result = run("user", "add", "lan2", "--role", "boss", "--password-stdin", input="mat-khau-1\n")
    assert result.exit_code == 2 and "boss" in result.output
    result = run("user", "list")
    assert "lan" in result.output and "Nguyễn Thị Lan" in result.output
    result = run("user", "token", "lan")
    assert result.exit_code == 0 and users.user_for_token(ws, result.output.strip()).name == "lan"
    assert run("user", "password", "lan", "--password-stdin", input="mat-khau-9\n").exit_code == 0
    assert users.authenticate(ws, "lan", "mat-khau-9") is not None
    assert run("user", "disable", "lan").exit_code == 0
    assert "(disabled)" in run("user", "list").output
    doc = add_file(ws, make_document(tmp_path / "qd.docx")).record.id
    result = run("archive", "restrict", doc, "--to", "luu-tru")
    assert result.exit_code == 0, result.output
    assert users.restriction_of(ws, doc).roles == ("luu-tru",)
    result = run("archive", "restrict", doc, "--open")
    assert result.exit_code == 0 and users.restriction_of(ws, doc) is None
    result = run("archive", "restrict", doc)
    assert result.exit_code == 2 and "--to" in result.output


def test_a_session_ends_on_sign_out_and_when_the_user_is_disabled(ws):
    users.add_user(ws, "lan", "van-thu", "mat-khau-1")
    sid = users.open_session(ws, "lan")
    assert users.session_user(ws, sid).name == "lan"
    users.close_session(ws, sid)
    assert users.session_user(ws, sid) is None
    sid = users.open_session(ws, "lan")
    users.disable_user(ws, "lan")
    assert users.session_user(ws, sid) is None
    users.disable_user(ws, "lan", disabled=False)
    assert users.session_user(ws, sid) is None  # closed for good, not reopened
    sid = users.open_session(ws, "lan")
    users.set_password(ws, "lan", "mat-khau-moi")
    assert users.session_user(ws, sid) is None  # a new password signs the old sessions out
    expired = users.open_session(ws, "lan", hours=-1)
    assert users.session_user(ws, expired) is None
