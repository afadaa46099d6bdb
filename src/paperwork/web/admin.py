"""The quản trị's page: the web page's users (the same library calls as ``paperwork user …``).

    /admin/users                          the users: name, display name, role, disabled; a form to add one
    POST /admin/users/add                 name, display name, role, password twice
    POST /admin/users/<name>/disable      stop her signing in (her sessions and tokens end at once)
    POST /admin/users/<name>/enable       let her sign in again
    POST /admin/users/<name>/password     a new password, twice (her open sessions end)
    POST /admin/users/<name>/token        a new API token, shown on the answer once and never again

Every page needs the "users" permission (the quản trị). Thin over ``paperwork.users``: the same
checks and errors as the CLI (``add_user``, ``disable_user``, ``set_password``, ``new_token``), and
the library writes the audit events (``user add``, ``user change``) with the signed-in quản trị as
actor (each request runs inside ``audit.acting_as``). An ``InputError`` is shown beside the form
that caused it, with status 400. A quản trị cannot disable herself (nobody would be left to
enable her). The library keeps no "last sign-in" per user, so the list shows when each was added
and last changed.

A new token is put on the page of the POST's answer only (never in the flash messages: they
travel in the session cookie), with ``Cache-Control: no-store`` as every page here.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from .. import users
from ..errors import InputError
from .helpers import N_, _, add_nav, flash_ok, requires, the_user, workspace


def _page(*, error: InputError | None = None, form: str | None = None, target: str | None = None,
          token: tuple[str, str] | None = None, values: dict | None = None, status: int = 200):
    """The users' page; ``error`` shown beside form ``form`` ("add", or "disable"/"password"/"token" of
    ``target``): its message without the CLI's field name ("NAME: …", "--role: …")."""
    return render_template("admin_users.html", users=users.list_users(workspace()), roles=users.ROLES,
                           me=the_user().name, error=error.reason if error else None, form=form, target=target,
                           token=token, values=values or {}, min_password=users.MIN_PASSWORD), status


def _two_passwords() -> str:
    first = request.form.get("password", "")
    if first != request.form.get("password2", ""):
        raise InputError(_("the two passwords differ: type the same password twice"), field="password")
    return first


@requires("users")
def index():
    return _page()


@requires("users")
def add():
    values = {"name": request.form.get("name", "").strip(), "display_name": request.form.get("display_name", ""),
              "role": request.form.get("role", "")}
    try:
        password = _two_passwords()
        created = users.add_user(workspace(), values["name"], values["role"], password,
                                 display_name=values["display_name"] or None)
    except InputError as e:
        return _page(error=e, form="add", values=values, status=400)
    flash_ok(_("User {name} ({role}) added.").format(name=created.name,
                                                     role=users.ROLE_NAMES.get(created.role, created.role)))
    return redirect(url_for("admin.index"))


def _set_disabled(name: str, disabled: bool):
    if disabled and name == the_user().name:
        e = InputError(_("you cannot disable yourself: another quản trị can"), field="disable")
        return _page(error=e, form="disable", target=name, status=400)
    try:
        users.disable_user(workspace(), name, disabled=disabled)
    except InputError as e:
        return _page(error=e, form="disable", target=name, status=400)
    flash_ok((_("User {name} disabled: her sessions and API tokens no longer work.") if disabled
              else _("User {name} enabled.")).format(name=name))
    return redirect(url_for("admin.index"))


@requires("users")
def disable(name: str):
    return _set_disabled(name, True)


@requires("users")
def enable(name: str):
    return _set_disabled(name, False)


@requires("users")
def password(name: str):
    try:
        users.set_password(workspace(), name, _two_passwords())
    except InputError as e:
        return _page(error=e, form="password", target=name, status=400)
    flash_ok(_("Password of {name} changed: her open sessions have ended.").format(name=name))
    return redirect(url_for("admin.index"))


@requires("users")
def token(name: str):
    try:
        made = users.new_token(workspace(), name)
    except InputError as e:
        return _page(error=e, form="token", target=name, status=400)
    return _page(token=(name, made))


def register(app) -> None:
    bp = Blueprint("admin", __name__, url_prefix="/admin")
    bp.add_url_rule("/users", "index", index)
    bp.add_url_rule("/users/add", "add", add, methods=["POST"])
    bp.add_url_rule("/users/<name>/disable", "disable", disable, methods=["POST"])
    bp.add_url_rule("/users/<name>/enable", "enable", enable, methods=["POST"])
    bp.add_url_rule("/users/<name>/password", "password", password, methods=["POST"])
    bp.add_url_rule("/users/<name>/token", "token", token, methods=["POST"])
    app.register_blueprint(bp)
    add_nav(app, "admin.index", N_("Users"), "users", order=90)
