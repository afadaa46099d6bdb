"""Users of the web page, their API tokens, and who may read a restricted (hạn chế) document.

Library code (no web framework here): the CLI (``paperwork user …``, ``paperwork archive restrict``)
and the web page (``paperwork.web``) call the same functions. Three tables in the workspace catalog,
owned by this module and made on first write (``db.transaction`` with ``ensure_schema``)::

    web_users          name, display name, role, argon2 password hash, disabled, times
    web_tokens         API tokens: only the SHA-256 of each (a token is 256 random bits, shown once)
    web_restrictions   one row a restricted document: archive id -> the roles and users who may read it
    web_sessions       the web page's sign-ins: only the SHA-256 of each session id; closed on sign-out
    web_meta           the session-signing key of the web page (made once, kept across restarts)

Roles (``ROLES``) and what each may do (``PERMISSIONS``):

    van-thu    văn thư: issue documents, register incoming documents, upload scans; read and search
    luu-tru    lưu trữ: dossiers, retention, transfer; read and search
    lanh-dao   lãnh đạo: read and search only
    quan-tri   quản trị: users and settings; read and search

**Restrictions.** A document with no restriction is readable by every signed-in user. A restricted
document is readable *only* by the roles and users named on it — no role passes over a
restriction, quản trị included: the administrator manages accounts, not the content of the
records (Decree 30, Phụ lục VI: access rights per document), and "restricted to the lưu trữ"
(``--to luu-tru``) means the lưu trữ and nobody else. ``paperwork archive restrict ID --open``
(a command on the server, outside the web page) lifts it.

Every change is an audit event (``user add``, ``user change``, ``restrict``) written in the same
transaction as the change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import db
from .errors import InputError, PaperworkError, RegisterError
from .i18n import N_, _

if TYPE_CHECKING:
    from .config import Workspace

__all__ = [
    "PERMISSIONS",
    "ROLES",
    "ROLE_NAMES",
    "Restriction",
    "User",
    "add_user",
    "authenticate",
    "can_read",
    "disable_user",
    "get_user",
    "hidden_ids",
    "list_users",
    "new_token",
    "restrict",
    "restriction_of",
    "session_secret",
    "set_password",
    "user_for_token",
]

ROLES = ("van-thu", "luu-tru", "lanh-dao", "quan-tri")
ROLE_NAMES = {"van-thu": "văn thư", "luu-tru": "lưu trữ", "lanh-dao": "lãnh đạo", "quan-tri": "quản trị"}
PERMISSIONS: dict[str, frozenset[str]] = {
    "van-thu": frozenset({"read", "search", "issue", "register-incoming", "upload"}),
    "luu-tru": frozenset({"read", "search", "dossiers", "retention", "transfer"}),
    "lanh-dao": frozenset({"read", "search"}),
    "quan-tri": frozenset({"read", "search", "users", "settings"}),
}
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
TOKEN_PREFIX = "pwk_"
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
BUSY_MESSAGE = N_("the catalog is busy (another clerk is writing): try again")

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS web_users (
        name          TEXT PRIMARY KEY,
        display_name  TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role IN ('van-thu', 'luu-tru', 'lanh-dao', 'quan-tri')),
        password_hash TEXT NOT NULL,                 -- argon2id (argon2-cffi), salt inside
        disabled      INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS web_tokens (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        user        TEXT NOT NULL REFERENCES web_users (name),
        token_hash  TEXT NOT NULL UNIQUE,            -- SHA-256 of the token: it is never stored
        created_at  TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS web_restrictions (
        document_id INTEGER PRIMARY KEY,             -- the archive id
        roles       TEXT NOT NULL DEFAULT '[]',      -- JSON list of role names
        users       TEXT NOT NULL DEFAULT '[]',      -- JSON list of user names
        set_at      TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS web_sessions (
        sid_hash    TEXT PRIMARY KEY,                -- SHA-256 of the session id in the signed cookie
        user        TEXT NOT NULL REFERENCES web_users (name),
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL,
        closed_at   TEXT                             -- signed out (or the user disabled)
    )""",
    """CREATE TABLE IF NOT EXISTS web_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
)


@dataclass(frozen=True)
class User:
    name: str
    display_name: str
    role: str
    disabled: bool
    created_at: str
    updated_at: str

    def may(self, permission: str) -> bool:
        """Whether the user's role allows ``permission`` ("upload", "read" …); never when disabled."""
        return not self.disabled and permission in PERMISSIONS.get(self.role, frozenset())

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "display_name": self.display_name, "role": self.role,
                "disabled": self.disabled, "created_at": self.created_at, "updated_at": self.updated_at}


@dataclass(frozen=True)
class Restriction:
    document_id: int
    roles: tuple[str, ...]
    users: tuple[str, ...]
    set_at: str

    def allows(self, user: User) -> bool:
        return user.role in self.roles or user.name in self.users

    def as_dict(self) -> dict[str, object]:
        return {"document_id": self.document_id, "roles": list(self.roles), "users": list(self.users),
                "set_at": self.set_at}


# -- plumbing ------------------------------------------------------------------------------


def _now() -> str:
    from .records import audit

    return audit.now().isoformat(timespec="seconds")


def _map(e: sqlite3.Error) -> PaperworkError:
    text = str(e).lower()
    if "locked" in text or "busy" in text:
        return RegisterError(_(BUSY_MESSAGE))
    return RegisterError(_("the users' tables refused: {error}").format(error=e))


def _prepare(conn: sqlite3.Connection) -> None:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"web_users", "web_tokens", "web_restrictions", "web_sessions", "web_meta"} <= names:
        db.ensure_schema(conn, SCHEMA)


def _write(ws: Workspace):
    db.require(ws.catalog_path, initialised=ws.profile_path is not None, root=ws.root)
    return db.transaction(db.connect(ws.catalog_path), _map, _prepare)


def _read(ws: Workspace, table: str):
    db.require(ws.catalog_path, initialised=ws.profile_path is not None, root=ws.root)
    return db.reading(db.connect_read(ws.catalog_path), table, _map)


def _hasher():
    try:
        from argon2 import PasswordHasher
    except ImportError as e:  # pragma: no cover - the web extra brings it
        raise PaperworkError(_("passwords need argon2-cffi: pip install 'paperwork[web]'")) from e
    return PasswordHasher()


def _user(row: sqlite3.Row) -> User:
    return User(row["name"], row["display_name"], row["role"], bool(row["disabled"]), row["created_at"],
                row["updated_at"])


def check_name(name: str) -> str:
    text = (name or "").strip()
    if not _NAME.fullmatch(text):
        raise InputError(_("{name!r} is not a user name: lower-case letters, digits, '.', '_' and '-', at most "
                           "64, e.g. nguyen.van.a").format(name=name), field="NAME")
    if text in ROLES:
        raise InputError(_("{name!r} is the name of a role; choose another user name").format(name=text),
                         field="NAME")
    return text


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(_("{role!r} is not a role: one of {roles}").format(role=role, roles=", ".join(ROLES)),
                         field="--role")
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(_("a password has at least {count} characters").format(count=MIN_PASSWORD),
                         field="password")
    if len(password) > MAX_PASSWORD:
        raise InputError(_("a password has at most {count} characters").format(count=MAX_PASSWORD),
                         field="password")
    return password


def _event(conn: sqlite3.Connection, action: str, kind: str, object_id: object, details: dict) -> None:
    from .records import audit

    audit.record(conn, action, kind, object_id, details)


# -- users ---------------------------------------------------------------------------------


def add_user(ws: Workspace, name: str, role: str, password: str, *, display_name: str | None = None) -> User:
    """A new user; ``InputError`` if the name is taken or the password too short."""
    name, role, password = check_name(name), check_role(role), check_password(password)
    display = " ".join((display_name or name).split())[:200] or name
    hashed = _hasher().hash(password)
    now = _now()
    with _write(ws) as conn:
        if conn.execute("SELECT 1 FROM web_users WHERE name = ?", (name,)).fetchone():
            raise InputError(_("a user {name!r} exists already").format(name=name), field="NAME")
        conn.execute("INSERT INTO web_users (name, display_name, role, password_hash, disabled, created_at,"
                     " updated_at) VALUES (?, ?, ?, ?, 0, ?, ?)", (name, display, role, hashed, now, now))
        _event(conn, "user add", "user", name, {"role": role, "display_name": display})
    return User(name, display, role, False, now, now)


def get_user(ws: Workspace, name: str) -> User | None:
    with _read(ws, "web_users") as conn:
        row = conn.execute("SELECT * FROM web_users WHERE name = ?", (name,)).fetchone() if conn else None
    return _user(row) if row else None


def list_users(ws: Workspace) -> list[User]:
    with _read(ws, "web_users") as conn:
        rows = conn.execute("SELECT * FROM web_users ORDER BY name").fetchall() if conn else []
    return [_user(r) for r in rows]


def _change(ws: Workspace, name: str, sql: str, params: tuple, details: dict) -> None:
    with _write(ws) as conn:
        if conn.execute("SELECT 1 FROM web_users WHERE name = ?", (name,)).fetchone() is None:
            raise InputError(_("no user {name!r}").format(name=name), field="NAME")
        conn.execute(sql, params)
        _event(conn, "user change", "user", name, details)


def set_password(ws: Workspace, name: str, password: str) -> None:
    """A new password; the user's open sessions end (whoever knew the old one is signed out)."""
    hashed = _hasher().hash(check_password(password))
    _change(ws, name, "UPDATE web_users SET password_hash = ?, updated_at = ? WHERE name = ?",
            (hashed, _now(), name), {"changed": "password"})
    _close_sessions(ws, name)


def _close_sessions(ws: Workspace, name: str) -> None:
    with _write(ws) as conn:
        conn.execute("UPDATE web_sessions SET closed_at = ? WHERE user = ? AND closed_at IS NULL", (_now(), name))


def set_role(ws: Workspace, name: str, role: str) -> None:
    _change(ws, name, "UPDATE web_users SET role = ?, updated_at = ? WHERE name = ?",
            (check_role(role), _now(), name), {"changed": "role", "role": role})


def disable_user(ws: Workspace, name: str, *, disabled: bool = True) -> None:
    """Disable (or enable again) a user: a disabled user cannot sign in, and her tokens stop working."""
    _change(ws, name, "UPDATE web_users SET disabled = ?, updated_at = ? WHERE name = ?",
            (int(disabled), _now(), name), {"changed": "disabled" if disabled else "enabled"})
    if disabled:
        _close_sessions(ws, name)


def authenticate(ws: Workspace, name: str, password: str) -> User | None:
    """The user when ``password`` is hers and she is not disabled, else None.

    An unknown name costs the same argon2 verification as a known one (no timing hint).
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    with _read(ws, "web_users") as conn:
        row = conn.execute("SELECT * FROM web_users WHERE name = ?", ((name or "").strip(),)).fetchone() \
            if conn else None
    stored = row["password_hash"] if row else _DUMMY.get("hash") or _dummy_hash(hasher)
    try:
        hasher.verify(stored, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row["disabled"]:
        return None
    return _user(row)


_DUMMY: dict[str, str] = {}  # one argon2 hash of a random password, to verify against for unknown names


def _dummy_hash(hasher) -> str:
    _DUMMY["hash"] = hasher.hash(secrets.token_hex(16))
    return _DUMMY["hash"]


# -- API tokens ----------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(ws: Workspace, name: str) -> str:
    """A new API token for ``name``, returned once: only its SHA-256 is kept.

    A token is 256 random bits, so a fast hash is enough (it cannot be guessed from its hash);
    argon2 is for passwords, which people choose.
    """
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with _write(ws) as conn:
        if conn.execute("SELECT 1 FROM web_users WHERE name = ?", (name,)).fetchone() is None:
            raise InputError(_("no user {name!r}").format(name=name), field="NAME")
        conn.execute("INSERT INTO web_tokens (user, token_hash, created_at) VALUES (?, ?, ?)",
                     (name, _token_hash(token), _now()))
        _event(conn, "user change", "user", name, {"changed": "token"})
    return token


def user_for_token(ws: Workspace, token: str) -> User | None:
    """The (enabled) user a token belongs to, else None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    with _read(ws, "web_tokens") as conn:
        row = conn.execute(
            "SELECT u.* FROM web_tokens t JOIN web_users u ON u.name = t.user WHERE t.token_hash = ?",
            (_token_hash(token),)).fetchone() if conn else None
    if row is None or row["disabled"]:
        return None
    return _user(row)


# -- restrictions (hạn chế) -----------------------------------------------------------------


def _restriction(row: sqlite3.Row) -> Restriction:
    return Restriction(row["document_id"], tuple(json.loads(row["roles"])), tuple(json.loads(row["users"])),
                       row["set_at"])


def restrict(ws: Workspace, document_id: int, to: Sequence[str] = (), *, open_: bool = False) -> Restriction | None:
    """Restrict a document to the roles and users in ``to`` (each a role name or a user's name),
    or lift its restriction (``open_``). Returns the restriction now in force (None: open)."""
    from .archive.service import get_document

    get_document(ws, document_id)  # InputError for an id the archive does not hold
    if open_ and to:
        raise InputError(_("give either --to or --open, not both"), field="--to")
    if not open_ and not to:
        raise InputError(_("give --to ROLE or USER (one or more), or --open"), field="--to")
    roles = sorted({t for t in to if t in ROLES})
    names = sorted({t.strip() for t in to if t not in ROLES})
    now = _now()
    with _write(ws) as conn:
        for name in names:
            if conn.execute("SELECT 1 FROM web_users WHERE name = ?", (name,)).fetchone() is None:
                raise InputError(_("{name!r} is neither a role ({roles}) nor a user").format(
                    name=name, roles=", ".join(ROLES)), field="--to")
        if open_:
            conn.execute("DELETE FROM web_restrictions WHERE document_id = ?", (document_id,))
            _event(conn, "restrict", "document", document_id, {"open": True})
            return None
        conn.execute("INSERT OR REPLACE INTO web_restrictions (document_id, roles, users, set_at)"
                     " VALUES (?, ?, ?, ?)", (document_id, json.dumps(roles), json.dumps(names), now))
        _event(conn, "restrict", "document", document_id, {"roles": roles, "users": names})
    return Restriction(document_id, tuple(roles), tuple(names), now)


def restriction_of(ws: Workspace, document_id: int) -> Restriction | None:
    with _read(ws, "web_restrictions") as conn:
        row = conn.execute("SELECT * FROM web_restrictions WHERE document_id = ?", (document_id,)).fetchone() \
            if conn else None
    return _restriction(row) if row else None


def restrictions(ws: Workspace) -> list[Restriction]:
    with _read(ws, "web_restrictions") as conn:
        rows = conn.execute("SELECT * FROM web_restrictions ORDER BY document_id").fetchall() if conn else []
    return [_restriction(r) for r in rows]


def can_read(ws: Workspace, user: User, document_id: int) -> bool:
    """Whether ``user`` may see document ``document_id`` (its page, preview, text, downloads)."""
    if not user.may("read"):
        return False
    found = restriction_of(ws, document_id)
    return found is None or found.allows(user)


def hidden_ids(ws: Workspace, user: User) -> frozenset[int]:
    """The restricted documents ``user`` may not see: left out of her search results."""
    return frozenset(r.document_id for r in restrictions(ws) if not r.allows(user))


def visible(ws: Workspace, user: User, ids: Iterable[int]) -> list[int]:
    hidden = hidden_ids(ws, user)
    return [i for i in ids if i not in hidden]


# -- the web page's sessions -------------------------------------------------------------------


def open_session(ws: Workspace, name: str, *, hours: float = 12.0) -> str:
    """A new session id for ``name`` (after her password was checked), valid ``hours``: the
    web page keeps it in its signed cookie; only its SHA-256 is stored here."""
    from .records import audit

    sid = secrets.token_urlsafe(32)
    now = audit.now()
    with _write(ws) as conn:
        conn.execute("INSERT INTO web_sessions (sid_hash, user, created_at, expires_at) VALUES (?, ?, ?, ?)",
                     (_token_hash(sid), name, now.isoformat(timespec="seconds"),
                      (now + dt.timedelta(hours=hours)).isoformat(timespec="seconds")))
    return sid


def session_user(ws: Workspace, sid: str) -> User | None:
    """The user of an open, unexpired session of an enabled user, else None."""
    from .records import audit

    if not sid or len(sid) > 200:
        return None
    with _read(ws, "web_sessions") as conn:
        row = conn.execute(
            "SELECT u.*, s.expires_at, s.closed_at FROM web_sessions s JOIN web_users u ON u.name = s.user"
            " WHERE s.sid_hash = ?", (_token_hash(sid),)).fetchone() if conn else None
    if row is None or row["disabled"] or row["closed_at"] is not None:
        return None
    if dt.datetime.fromisoformat(row["expires_at"]) <= audit.now():
        return None
    return _user(row)


def close_session(ws: Workspace, sid: str) -> None:
    """Sign out: the session id stops working, whoever still holds the cookie."""
    with _write(ws) as conn:
        conn.execute("UPDATE web_sessions SET closed_at = ? WHERE sid_hash = ? AND closed_at IS NULL",
                     (_now(), _token_hash(sid)))


# -- the web page's session key ---------------------------------------------------------------


def session_secret(ws: Workspace) -> str:
    """The key that signs the web page's session cookies: made once, kept in the catalog, so a
    restart of ``paperwork serve`` does not sign everyone out."""
    with _read(ws, "web_meta") as conn:
        row = conn.execute("SELECT value FROM web_meta WHERE key = 'session_secret'").fetchone() if conn else None
    if row is not None:
        return row["value"]
    with _write(ws) as conn:
        conn.execute("INSERT OR IGNORE INTO web_meta (key, value) VALUES ('session_secret', ?)",
                     (secrets.token_hex(32),))
        return conn.execute("SELECT value FROM web_meta WHERE key = 'session_secret'").fetchone()["value"]
