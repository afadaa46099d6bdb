"""Signing in and out: ``/login`` (fields ``username``, ``password``), ``/logout`` (POST).

Passwords are checked by ``paperwork.users`` (argon2); the session id lives in the catalog, so
signing out ends the session for whoever holds the cookie. Attempts are limited per address
(Flask-Limiter); every sign-in, refused sign-in and sign-out is an audit event.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from .. import users
from ..records import audit
from .helpers import WebUser, _, flash_error, workspace

def _safe_next(target: str | None) -> str:
    """Only a path of this site (never another host) to go to after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("search.index")


def login():
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(url_for("search.index"))
        return render_template("login.html", next=request.args.get("next", ""))
    name = request.form.get("username", "").strip()[:64]
    password = request.form.get("password", "")
    ws = workspace()
    user = users.authenticate(ws, name, password)
    if user is None:
        audit.record(ws, "sign in refused", "user", name or "-", {"address": request.remote_addr},
                     actor=name or "-")
        flash_error(_("Wrong user name or password."))
        return render_template("login.html", next=request.form.get("next", ""), username=name), 401
    session.clear()
    sid = users.open_session(ws, user.name)
    login_user(WebUser(user, sid))
    audit.record(ws, "sign in", "user", user.name, {"address": request.remote_addr}, actor=user.name)
    return redirect(_safe_next(request.form.get("next")))


def logout():
    if current_user.is_authenticated:
        ws = workspace()
        users.close_session(ws, current_user.sid)
        audit.record(ws, "sign out", "user", current_user.name, {}, actor=current_user.name)
        logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


def register(app) -> None:
    bp = Blueprint("auth", __name__)
    bp.add_url_rule("/login", "login", app.extensions["paperwork_login_limit"](login), methods=["GET", "POST"])
    bp.add_url_rule("/logout", "logout", logout, methods=["POST"])
    app.register_blueprint(bp)
