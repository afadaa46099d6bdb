"""The application factory: one Flask app per workspace, nothing kept at module level."""

from __future__ import annotations

import contextlib
import importlib
from pathlib import Path
from typing import Any

from flask import Flask, g, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError, CSRFProtect
from markupsafe import Markup, escape

from .. import db, i18n, users
from ..errors import InputError, PaperworkError
from ..records import audit
from .helpers import N_, WebState, WebUser, _, the_user

# The page modules, in navigation order; each has ``register(app)`` (its blueprint and nav entries).
# Add yours here (README of the package: web/__init__.py).
MODULES = ("auth", "search", "issuing", "documents", "registers", "incoming", "dossiers", "admin", "api")

MAX_UPLOAD_BYTES = 64 * 1024 * 1024

# Content-Security-Policy: everything from this server, nothing inline, nothing framed.
CSP = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def create_app(
    workspace: Any,
    *,
    testing: bool = False,
    secret_key: str | None = None,
    login_limit: str = "10 per minute;50 per hour",
    address_limit: str = "60 per minute",
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    cache_dir: Path | None = None,
    csrf: bool = True,
) -> Flask:
    """The web app of ``workspace`` (a ``paperwork.config.Workspace``).

    ``testing``: Flask's test mode (exceptions propagate). ``login_limit``: sign-in attempts
    allowed per user name and address, ``address_limit`` per address (Flask-Limiter's notation). ``cache_dir``: where page previews are kept
    (default ``<archive>/../.paperwork-web``). ``csrf=False`` only for tests that post by hand.
    """
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or users.session_secret(workspace),
        TESTING=testing,
        MAX_CONTENT_LENGTH=max_upload_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="paperwork_session",
        WTF_CSRF_ENABLED=csrf,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        PAPERWORK_CACHE=Path(cache_dir) if cache_dir else workspace.root / ".paperwork-web",
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False
    state = WebState(workspace)
    # One connection to the catalog held open for the app's life and never used: SQLite checkpoints
    # the WAL when the *last* connection closes, so without it every short write of a request (an
    # audit event: each opens and closes its own connection) paid a checkpoint — 16.5 ms an event
    # instead of 1.3 ms on the 10,000-document benchmark archive.
    state.keeper = db.connect_read(workspace.catalog_path)
    app.extensions["paperwork"] = state

    CSRFProtect(app)
    Talisman(
        app,
        force_https=False,  # an office LAN or 127.0.0.1; put a TLS proxy in front for more
        session_cookie_secure=False,
        strict_transport_security=False,
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="same-origin",
    )
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", default_limits=[],
                      headers_enabled=True)
    # Sign-in attempts: ``login_limit`` per user name and address (a guessed password), and
    # ``address_limit`` per address whatever the names (one PC trying many names).
    per_name = limiter.limit(login_limit, methods=["POST"], key_func=_address_and_name)
    per_address = limiter.limit(address_limit, methods=["POST"])
    app.extensions["paperwork_login_limit"] = lambda view: per_address(per_name(view))

    login = LoginManager(app)
    login.login_view = "auth.login"
    login.login_message = None
    login.session_protection = None  # the session id is checked against the catalog on every request

    @login.user_loader
    def load_user(sid: str) -> WebUser | None:
        user = users.session_user(workspace, sid)
        return WebUser(user, sid) if user else None

    _install_templates(app)
    _install_request_context(app)
    _install_errors(app)
    for name in MODULES:
        importlib.import_module(f"{__package__}.{name}").register(app)
    return app


def _address_and_name() -> str:
    return f"{get_remote_address()}|{request.form.get('username', '').strip().lower()[:64]}"


def _highlight(snippet: str) -> Markup:
    """A snippet with its matches in «» as HTML: the text escaped, the matches in <mark>."""
    return Markup(str(escape(snippet)).replace("«", "<mark>").replace("»", "</mark>"))


def _install_templates(app: Flask) -> None:
    i18n.install(app.jinja_env)
    app.jinja_env.filters["highlight"] = _highlight
    app.jinja_env.globals["ROLE_NAMES"] = users.ROLE_NAMES

    @app.context_processor
    def common() -> dict[str, Any]:
        from flask import url_for

        user = the_user()
        nav = []
        for item in app.extensions["paperwork"].nav:
            if user is not None and user.may(item.permission) and item.endpoint in app.view_functions:
                nav.append((url_for(item.endpoint), _(item.label), request.endpoint == item.endpoint))
        return {"user": user, "nav": nav, "lang": i18n.current(), "agency": app.extensions["paperwork"].ws.agency}


def page_language(header: str | None) -> str:
    """Vietnamese unless the browser prefers English (Accept-Language)."""
    if header and i18n.language_from_accept(header) == "en" and "en" in header.lower():
        return "en"
    return "vi"


def _install_request_context(app: Flask) -> None:
    """Each request speaks the browser's language and acts as the signed-in user (audit trail)."""

    @app.before_request
    def enter() -> None:
        stack = contextlib.ExitStack()
        g.paperwork_stack = stack
        stack.enter_context(i18n.using(page_language(request.headers.get("Accept-Language"))))
        if request.blueprint != "api":
            user = the_user()
            if user is not None:
                stack.enter_context(audit.acting_as(user.name))

    @app.teardown_request
    def leave(_exc: BaseException | None) -> None:
        stack = g.pop("paperwork_stack", None)
        if stack is not None:
            stack.close()

    @app.after_request
    def no_store(response):
        # Pages and files of the archive are not left in a shared office PC's browser cache.
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _install_errors(app: Flask) -> None:
    def answer(status: int, message: str, field: str | None = None):
        if request.blueprint == "api" or request.path.startswith("/api/"):
            body: dict[str, Any] = {"error": message, "status": status}
            if field:
                body["field"] = field
            return body, status
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_refused(e: CSRFError):
        return answer(400, _("The form was refused: it has no valid security token. Reload the page and try again."))

    @app.errorhandler(InputError)
    def bad_input(e: InputError):
        return answer(400, str(e), e.field)

    @app.errorhandler(PaperworkError)
    def failed(e: PaperworkError):
        return answer(500, str(e))

    for status, message in (
        (400, N_("The request was not understood.")),
        (401, N_("Sign in first (an API token: Authorization: Bearer …).")),
        (403, N_("Your role does not allow this.")),
        (404, N_("There is no such page or document.")),
        (405, N_("This address does not accept that method.")),
        (413, N_("The file is too large.")),
        (429, N_("Too many attempts: wait a minute and try again.")),
    ):
        app.register_error_handler(status, lambda e, s=status, m=message: answer(s, _(m)))
