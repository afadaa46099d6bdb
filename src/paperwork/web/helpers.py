"""What every page module of the web app uses: see the guide at the top of ``web/__init__.py``."""

from __future__ import annotations

import functools
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import abort, current_app, flash, g, request, url_for
from flask_login import UserMixin, current_user

from ..i18n import _, N_
from ..records import audit

if TYPE_CHECKING:
    from ..archive.searching import ArchiveSearcher
    from ..config import Workspace
    from ..users import User

__all__ = [
    "N_",
    "NavItem",
    "Page",
    "WebState",
    "WebUser",
    "_",
    "add_nav",
    "event",
    "event_after_response",
    "flash_error",
    "flash_ok",
    "page_number",
    "readable_document",
    "requires",
    "searcher",
    "state",
    "the_user",
    "workspace",
]


@dataclass(frozen=True)
class NavItem:
    """One entry of the navigation bar: shown when its endpoint exists and the user may use it."""

    endpoint: str
    label: str  # an English msgid, translated when shown
    permission: str = "read"
    order: int = 50


class Background:
    """One daemon thread running jobs in order (OCR after an upload). A daemon: stopping the server
    never waits for an OCR; a scan whose OCR was cut short stays stored with its OCR state
    "skipped", and `paperwork archive ocr --all-missing` finishes it."""

    def __init__(self, name: str = "paperwork-background"):
        self.name = name
        self.jobs: queue.Queue[Callable[[], None]] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def submit(self, job: Callable[[], None]) -> None:
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self.thread.start()
        self.jobs.put(job)

    def _run(self) -> None:
        while True:
            self.jobs.get()()


@dataclass
class WebState:
    """Everything the app keeps between requests, on ``app.extensions["paperwork"]`` (no module state)."""

    ws: Workspace
    nav: list[NavItem] = field(default_factory=list)
    local: threading.local = field(default_factory=threading.local)  # one index searcher per thread
    # pdfium is not thread-safe, and one LibreOffice at a time converts .docx for previews
    preview_lock: threading.RLock = field(default_factory=threading.RLock)
    background: Background = field(default_factory=Background)  # OCR after an upload
    jobs: dict[int, str] = field(default_factory=dict)  # archive id -> "queued" | "running" | "done" | "failed: …"
    keeper: Any = None  # a catalog connection held open (see create_app)
    cache: dict[str, Any] = field(default_factory=dict)  # small lists kept a few seconds (search filters)


class WebUser(UserMixin):
    """Flask-Login's view of a ``paperwork.users.User`` signed in with session ``sid``."""

    def __init__(self, user: User, sid: str | None = None):
        self.user = user
        self.sid = sid

    def get_id(self) -> str:
        return self.sid or ""

    @property
    def name(self) -> str:
        return self.user.name

    def may(self, permission: str) -> bool:
        return self.user.may(permission)


def state() -> WebState:
    return current_app.extensions["paperwork"]


def workspace() -> Workspace:
    return state().ws


def the_user() -> User | None:
    """The signed-in user of this request (page session or API token), or None."""
    user = g.get("api_user")
    if user is not None:
        return user
    if current_user and current_user.is_authenticated:
        return current_user.user
    return None


def searcher() -> ArchiveSearcher:
    """This thread's open index (opened on first use, kept for the next requests of the thread)."""
    from ..archive.searching import open_searcher

    local = state().local
    if getattr(local, "searcher", None) is None:
        local.searcher = open_searcher(workspace())
    return local.searcher


def requires(permission: str) -> Callable:
    """Decorator: the view needs a signed-in user whose role allows ``permission`` ("upload" …).

    Not signed in: to /login (pages) or 401 (API); signed in without the right: 403 and a
    "refused" line in the log of the request."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = the_user()
            if user is None:
                if request.blueprint == "api":
                    abort(401)
                return current_app.login_manager.unauthorized()
            if not user.may(permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def readable_document(doc_id: int):
    """The catalog record of ``doc_id`` when the signed-in user may see it; 404 otherwise
    (a restricted document is not even admitted to exist)."""
    from ..archive.service import get_document
    from ..errors import InputError
    from ..users import can_read

    user = the_user()
    if user is None or not can_read(workspace(), user, doc_id):
        abort(404)
    try:
        return get_document(workspace(), doc_id)
    except InputError:
        abort(404)


def event(action: str, object_kind: str, object_id: int | str, details: dict | None = None) -> None:
    """One audit event by the signed-in user (the request runs inside ``audit.acting_as``)."""
    audit.record(workspace(), action, object_kind, object_id, details or {})


def event_after_response(action: str, object_kind: str, object_id: int | str, details: dict | None = None) -> None:
    """An audit event written once the response is sent (for events that touch no record, such as
    a search: the person does not wait for the trail's write lock while a clerk is issuing)."""
    from flask import after_this_request

    ws = workspace()
    user = the_user()
    actor = user.name if user else None

    @after_this_request
    def write_later(response):
        response.call_on_close(lambda: audit.record(ws, action, object_kind, object_id, details or {}, actor=actor))
        return response


def flash_ok(message: str) -> None:
    flash(message, "ok")


def flash_error(message: str) -> None:
    flash(message, "error")


def add_nav(app: Any, endpoint: str, label: str, permission: str = "read", order: int = 50) -> None:
    """Put a page in the navigation bar (call it from the module's ``register(app)``)."""
    nav = app.extensions["paperwork"].nav
    nav.append(NavItem(endpoint, label, permission, order))
    nav.sort(key=lambda item: item.order)


def page_number(name: str = "page") -> int:
    """``?page=N`` (1 when missing or not a positive number up to 1000)."""
    try:
        value = int(request.args.get(name, "1"))
    except ValueError:
        return 1
    return min(max(value, 1), 1000)


@dataclass(frozen=True)
class Page:
    """One page of a list: ``items``, ``number`` (from 1), ``has_next``; ``url(n)`` keeps the query."""

    items: list
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @classmethod
    def of(cls, items: list, number: int, size: int) -> Page:
        """Page ``number`` of ``items`` (a list holding at least one item past the page if there is a next)."""
        start = (number - 1) * size
        return cls(items[start:start + size], number, size, len(items) > start + size)

    @staticmethod
    def url(number: int) -> str:
        args = request.args.to_dict()
        args["page"] = str(number)
        return url_for(request.endpoint, **(request.view_args or {}), **args)
