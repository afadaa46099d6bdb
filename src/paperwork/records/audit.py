"""The audit trail: who did what to which record, and when — append-only, in the catalog.

One table, ``audit_events``, in the workspace catalog::

    id           INTEGER  increasing: the order events happened in
    time         TEXT     ISO 8601 in Vietnam time, e.g. 2026-02-05T09:14:03+07:00
    actor        TEXT     the OS user (getpass.getuser()), or whoever the caller names
    action       TEXT     one of ACTIONS ("issue", "archive add", "incoming add" …)
    object_kind  TEXT     one of OBJECT_KINDS ("document", "outgoing", "incoming" …)
    object_id    TEXT     the archive id, "2026/07" (incoming), "2026/QĐ/05" (outgoing) …
    details      TEXT     a JSON object

Append-only is enforced by SQLite itself: triggers abort any UPDATE or DELETE
of a row, and an INSERT that would replace one, whoever runs it (this code,
``sqlite3`` at a prompt, a later module). Only dropping the table gets past
them, and that is a change of schema, not of records.

    record(ws, "archive add", "document", 12, {"sha256": …})        # its own short transaction
    record(conn, "issue", "outgoing", "2026/QĐ/05", {...})           # inside the caller's transaction

Given a connection inside an open transaction, the event is written in that
transaction: it is committed with the change it describes, or not at all.

Each action maps to a PREMIS event type (``ACTIONS``; README, "Incoming
documents and the audit trail"), so a later transfer package can carry the
trail as PREMIS events.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import getpass
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import db
from ..errors import ArchiveError
from ..i18n import _
from ..vietnamese import user_text

if TYPE_CHECKING:
    from ..config import Workspace

__all__ = [
    "ACTIONS",
    "acting_as",
    "OBJECT_KINDS",
    "TABLE",
    "Event",
    "current_actor",
    "events",
    "now",
    "record",
    "today",
]

TABLE = "audit_events"

# Action -> PREMIS 3 event type (id.loc.gov/vocabulary/preservation/eventType).
ACTIONS: dict[str, str] = {
    "issue": "creation",  # an outgoing number given and its document written
    "void": "metadata modification",  # an outgoing number withdrawn (thu hồi): the row stays
    "archive add": "ingestion",  # a file stored by SHA-256 and catalogued
    "ocr": "normalization",  # a scan OCRed: PDF/A-2b copy with a text layer beside the original
    "verify": "fixity check",  # every stored file re-hashed against the catalog
    "reindex": "metadata modification",  # the search index rebuilt from the catalog
    "engine switch": "metadata modification",  # the index rebuilt with another engine
    "transfer": "transfer",  # a package handed over to the archive (lưu trữ)
    "incoming add": "accession",  # an arriving document given its số đến
    "incoming route": "dissemination",  # passed to a unit or person to handle
    "incoming done": "metadata modification",  # handled (with the reply, if any)
    "dossier plan": "creation",  # a year's Danh mục hồ sơ loaded: one event per dossier
    "dossier file": "metadata modification",  # a document filed into a dossier (or moved to another)
    "dossier close": "metadata modification",  # a dossier closed (kết thúc) with its end date
    "sign": "digital signature generation",  # a PDF signed (PAdES) as a person or as the agency
    "signature check": "digital signature validation",  # the signatures of a file verified
    # The web page (and the JSON API): who signed in, looked at, took or sent what.
    # Signing in and out are not events of a record: PREMIS has no type for them ("").
    "sign in": "",
    "sign in refused": "",
    "sign out": "",
    "view": "displaying",  # a document's page, preview or text shown
    "download": "dissemination",  # an original or its PDF/A copy sent to a browser or script
    "upload": "ingestion",  # a file received through the web page or the API
    "search": "",  # a search run (the query is in the details): no record is touched
    "restrict": "metadata modification",  # a document's access limited to named users or roles (or opened)
    "user add": "creation",
    "user change": "metadata modification",  # password, role, disabled
}

OBJECT_KINDS = (
    "document",  # an archive document: object_id is its archive id
    "outgoing",  # an outgoing-register row: "YEAR/SERIES/NN", e.g. "2026/QĐ/05"
    "incoming",  # an incoming-register row: "YEAR/NN", e.g. "2026/07"
    "dossier",  # a hồ sơ: its code (Số và ký hiệu hồ sơ), e.g. "01.TCCB"
    "archive",  # the archive as a whole (verify, reindex, engine switch): "catalog"
    "user",  # a user of the web page: its name
    "file",  # a file outside the archive (``sign``, ``signature check``): its path
)

_VIETNAM = "Asia/Ho_Chi_Minh"
# Vietnam has kept UTC+07:00 without daylight saving since 1975: the fallback when the
# machine has no time-zone database (no /usr/share/zoneinfo, no tzdata package).
_UTC7 = dt.timezone(dt.timedelta(hours=7), "ICT")

SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: the order of events
        time        TEXT NOT NULL,                      -- ISO 8601, Vietnam time (+07:00)
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        object_kind TEXT NOT NULL,
        object_id   TEXT NOT NULL,
        details     TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(details))
    )""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_object ON {TABLE} (object_kind, object_id)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_time ON {TABLE} (time)",
    # `log --doc`, `log --dossier` and a document's history on the web page look events up by what
    # their details name: indexed expressions, so that a lookup does not read the whole trail.
    *(f"CREATE INDEX IF NOT EXISTS {TABLE}_{key} ON {TABLE} (json_extract(details, '$.{key}'))"
      for key in ("archive_id", "reply_archive_id", "sha256", "dossier")),
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: an event is never changed'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: an event is never deleted'); END""",
    # INSERT OR REPLACE deletes the row it replaces without firing DELETE triggers.
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_replace BEFORE INSERT ON {TABLE}
        WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: an event is never replaced'); END""",
)
_TRIGGERS = (f"{TABLE}_no_update", f"{TABLE}_no_delete", f"{TABLE}_no_replace")
_DETAIL_INDEXES = tuple(f"{TABLE}_{key}" for key in ("archive_id", "reply_archive_id", "sha256", "dossier"))


# -- time and actor -------------------------------------------------------------------


def _zone() -> dt.tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(_VIETNAM)
    except Exception:  # ZoneInfoNotFoundError, or no zoneinfo data at all
        return _UTC7


def now() -> dt.datetime:
    """The time in Vietnam (``Asia/Ho_Chi_Minh``), to the second."""
    return dt.datetime.now(_zone()).replace(microsecond=0)


def today() -> dt.date:
    """Today's date in Vietnam (the office's day, whatever the machine's time zone)."""
    return now().date()


_acting_as: contextvars.ContextVar[str | None] = contextvars.ContextVar("paperwork_actor", default=None)


@contextlib.contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Within this block (this thread or task only), events name ``actor``: the web page
    wraps each request in the signed-in user, so the library's own events carry her name."""
    token = _acting_as.set(user_text(actor, "actor"))
    try:
        yield
    finally:
        _acting_as.reset(token)


def current_actor() -> str:
    """The user the library acts for: the one set by ``acting_as`` (the web page's signed-in
    user), else the OS user running the command."""
    named = _acting_as.get()
    if named:
        return named
    try:
        name = getpass.getuser()
    except Exception:  # no USER/LOGNAME and no passwd entry (a bare container)
        name = ""
    return name or f"uid {os.getuid()}"


# -- events ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One row of the audit trail."""

    id: int
    time: str  # ISO 8601 with +07:00
    actor: str
    action: str
    object_kind: str
    object_id: str
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def premis_type(self) -> str:
        """The PREMIS event type of the action ("ingestion", "fixity check" …)."""
        return ACTIONS.get(self.action, "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time,
            "actor": self.actor,
            "action": self.action,
            "premis_event_type": self.premis_type,
            "object_kind": self.object_kind,
            "object_id": self.object_id,
            "details": dict(self.details),
        }


def _event(row: sqlite3.Row) -> Event:
    return Event(row["id"], row["time"], row["actor"], row["action"], row["object_kind"], row["object_id"],
                 json.loads(row["details"]))


def _json_default(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"audit details: {type(value).__name__} is not JSON ({value!r})")


def _ready(conn: sqlite3.Connection) -> bool:
    wanted = {TABLE, *_TRIGGERS, *_DETAIL_INDEXES}
    marks = ", ".join("?" * len(wanted))
    names = {r[0] for r in conn.execute(f"SELECT name FROM sqlite_master WHERE name IN ({marks})", tuple(wanted))}
    return names == wanted


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the table and its triggers if missing: in the caller's transaction if one is open."""
    if _ready(conn):
        return
    if conn.in_transaction:  # DDL is transactional in SQLite: it commits with the caller's change
        for sql in SCHEMA:
            conn.execute(sql)
    else:
        db.ensure_schema(conn, SCHEMA)


def _insert(conn: sqlite3.Connection, values: tuple[object, ...]) -> int:
    ensure_schema(conn)
    cursor = conn.execute(
        f"INSERT INTO {TABLE} (time, actor, action, object_kind, object_id, details) VALUES (?, ?, ?, ?, ?, ?)",
        values,
    )
    return int(cursor.lastrowid)


def record(
    ws_or_conn: Workspace | sqlite3.Connection,
    action: str,
    object_kind: str,
    object_id: int | str,
    details: Mapping[str, Any] | None = None,
    actor: str | None = None,
) -> Event:
    """Append one event to the trail and return it.

    ``ws_or_conn``: a workspace (the event is written in its own short
    transaction, errors as ``ArchiveError``), or an open catalog connection
    (written in the caller's transaction when one is open, and committed with
    it; SQLite errors are left to the caller's transaction handling).
    ``actor`` defaults to the OS user. An unknown ``action`` or ``object_kind``
    is a programming error (``ValueError``): add it to ``ACTIONS`` with its
    PREMIS type first.
    """
    if action not in ACTIONS:
        raise ValueError(_("unknown audit action {action!r}; known: {ACTIONS}").format(
            action=action, ACTIONS=', '.join(ACTIONS)
        ))
    if object_kind not in OBJECT_KINDS:
        raise ValueError(_("unknown audit object kind {object_kind!r}; known: {OBJECT_KINDS}").format(
            object_kind=object_kind, OBJECT_KINDS=', '.join(OBJECT_KINDS)
        ))
    if isinstance(object_id, bool) or not isinstance(object_id, (int, str)) or str(object_id).strip() == "":
        raise ValueError(_("an audit object id is a non-empty str or int, not {object_id!r}").format(
            object_id=object_id
        ))
    if details is not None and not isinstance(details, Mapping):
        raise ValueError(_("audit details are a dict, not {type}").format(type=type(details).__name__))
    who = current_actor() if actor is None else user_text(actor, "actor")
    text = json.dumps(dict(details or {}), ensure_ascii=False, sort_keys=True, default=_json_default)
    time = now().isoformat()
    values = (time, who, action, object_kind, str(object_id), text)
    if isinstance(ws_or_conn, sqlite3.Connection):
        event_id = _insert(ws_or_conn, values)
    else:
        event_id = _record_in_workspace(ws_or_conn, values)
    return Event(event_id, time, who, action, object_kind, str(object_id), json.loads(text))


def _record_in_workspace(ws: Workspace, values: tuple[object, ...]) -> int:
    path = ws.catalog_path
    db.require(path, initialised=ws.profile_path is not None, root=ws.root)
    conn = db.connect(path)
    try:
        ensure_schema(conn)
        conn.execute("BEGIN IMMEDIATE")
        try:
            event_id = _insert(conn, values)
            conn.execute("COMMIT")
        except BaseException:
            db.rollback(conn)
            raise
        return event_id
    except sqlite3.Error as e:
        db.note_corruption(e, path)
        raise ArchiveError(_("{path}: the audit trail refused an event: {explain}").format(
            path=path, explain=db.explain(e, path)
        )) from e
    finally:
        conn.close()


# -- reading ----------------------------------------------------------------------------


def events(
    ws: Workspace,
    *,
    doc: int | None = None,
    incoming: tuple[int, int] | None = None,
    dossier: str | None = None,
    since: dt.date | None = None,
    action: str | None = None,
) -> list[Event]:
    """The events that match every filter given, oldest first (read-only: never waits, creates nothing).

    ``doc``: events on archive document ``doc``, and those whose details name it
    (``archive_id``, ``reply_archive_id``) or its bytes (``sha256``: the issue of
    an outgoing document names the file that was then archived). ``incoming``:
    ``(year, number)`` of a số đến. ``dossier``: a hồ sơ code, as object or in
    the details. ``since``: from that day on (Vietnam time).
    """
    if action is not None and action not in ACTIONS:
        from ..errors import InputError

        raise InputError(_("{action!r} is not an action; one of: {ACTIONS}").format(
            action=action, ACTIONS=', '.join(ACTIONS)
        ), field="--action")
    sql = f"SELECT * FROM {TABLE} WHERE 1 = 1"
    params: list[object] = []
    if doc is not None:
        from ..archive.service import get_document

        sha = get_document(ws, doc).sha256  # InputError for an id the archive does not hold
        # A union of indexed lookups (an OR of them would read the whole trail).
        sql += (f" AND id IN (SELECT id FROM {TABLE} WHERE object_kind = 'document' AND object_id = ?"
                f" UNION SELECT id FROM {TABLE} WHERE json_extract(details, '$.archive_id') = ?"
                f" UNION SELECT id FROM {TABLE} WHERE json_extract(details, '$.reply_archive_id') = ?"
                f" UNION SELECT id FROM {TABLE} WHERE json_extract(details, '$.sha256') = ?)")
        params += [str(doc), doc, doc, sha]
    if incoming is not None:
        year, number = incoming
        sql += " AND object_kind = 'incoming' AND object_id = ?"
        params.append(incoming_object_id(year, number))
    if dossier is not None:
        sql += (f" AND id IN (SELECT id FROM {TABLE} WHERE object_kind = 'dossier' AND object_id = ?"
                f" UNION SELECT id FROM {TABLE} WHERE json_extract(details, '$.dossier') = ?)")
        params += [dossier, dossier]
    if since is not None:
        sql += " AND time >= ?"  # every time is written with +07:00, so text order is time order
        params.append(since.isoformat())
    if action is not None:
        sql += " AND action = ?"
        params.append(action)
    path = ws.catalog_path
    db.require(path, initialised=ws.profile_path is not None, root=ws.root)
    conn = db.connect_read(path)
    try:
        if not db.has_table(conn, TABLE):
            return []
        rows = conn.execute(sql + " ORDER BY id", params).fetchall()
    except sqlite3.Error as e:
        raise ArchiveError(_("{path}: cannot read the audit trail: {explain}").format(
            path=path, explain=db.explain(e, path)
        )) from e
    finally:
        conn.close()
    return [_event(r) for r in rows]


def incoming_object_id(year: int, number: int) -> str:
    """The object id of số đến ``number`` of ``year``: ``"2026/07"``."""
    return f"{year}/{number:02d}"


def outgoing_object_id(year: int, series: str, number: int) -> str:
    """The object id of an outgoing-register row: ``"2026/QĐ/05"``."""
    return f"{year}/{series}/{number:02d}"
