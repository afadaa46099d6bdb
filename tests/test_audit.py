"""The audit trail: append-only in SQLite itself, in Vietnam time, shown in order by `paperwork log`.

Invariants: no UPDATE, DELETE or replacing INSERT of an event succeeds, whoever
runs it; an event written inside a caller's transaction commits or rolls back
with it; every action has a PREMIS event type, documented in the README.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive_docs import make_document
from paperwork import db
from paperwork.cli import cli
from paperwork.config import load_workspace
from paperwork.errors import CatalogMissingError, InputError
from paperwork.records import audit

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def clerk(clerk_ws: Path):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, ["--workspace", str(clerk_ws), *map(str, args)])

    return invoke


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_sqlite_refuses_to_change_or_delete_an_event(clerk_ws):
    ws = load_workspace(clerk_ws)
    first = audit.record(ws, "archive add", "document", 1, {"sha256": "ab" * 32})
    audit.record(ws, "verify", "archive", "catalog", {"checked": 1, "problems": 0})
    conn = sqlite3.connect(ws.catalog_path)  # not paperwork's connection: plain SQL, as anyone could
    try:
        for sql in (
            "UPDATE audit_events SET actor = 'someone else'",
            "UPDATE audit_events SET details = '{}' WHERE id = 1",
            "DELETE FROM audit_events",
            "DELETE FROM audit_events WHERE id = 2",
            "INSERT OR REPLACE INTO audit_events (id, time, actor, action, object_kind, object_id, details)"
            " VALUES (1, '2020-01-01T00:00:00+07:00', 'x', 'verify', 'archive', 'catalog', '{}')",
            "INSERT INTO audit_events (id, time, actor, action, object_kind, object_id, details)"
            " VALUES (1, 'x', 'x', 'verify', 'archive', 'catalog', '{}')"
            " ON CONFLICT (id) DO UPDATE SET actor = 'x'",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute("INSERT INTO audit_events (time, actor, action, object_kind, object_id, details)"
                         " VALUES ('t', 'a', 'verify', 'archive', 'catalog', 'not json')")
        conn.commit()
    finally:
        conn.close()
    events = audit.events(ws)
    assert [(e.id, e.action, e.actor) for e in events] == [(1, "archive add", first.actor), (2, "verify", first.actor)]
    assert events[0].details == {"sha256": "ab" * 32}


def test_an_event_in_the_callers_transaction_commits_or_rolls_back_with_it(clerk_ws):
    ws = load_workspace(clerk_ws)
    conn = db.connect(ws.catalog_path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        audit.record(conn, "issue", "outgoing", audit.outgoing_object_id(2026, "QĐ", 1), {"number": "01/QĐ-SNV"})
        conn.execute("ROLLBACK")  # the issue failed: no event either (nor its table)
        assert audit.events(ws) == []
        conn.execute("BEGIN IMMEDIATE")
        event = audit.record(conn, "issue", "outgoing", audit.outgoing_object_id(2026, "QĐ", 1), {"number": "01/QĐ-SNV"})
        assert audit.events(ws) == []  # not visible before the caller commits
        conn.execute("COMMIT")
    finally:
        conn.close()
    assert audit.events(ws) == [event]
    assert event.object_id == "2026/QĐ/01" and event.premis_type == "creation"


def test_time_is_vietnam_time_and_the_actor_the_os_user_unless_given(clerk_ws, monkeypatch):
    ws = load_workspace(clerk_ws)
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    monkeypatch.setattr(audit.getpass, "getuser", lambda: "vanthu")
    mine = audit.record(ws, "verify", "archive", "catalog")
    theirs = audit.record(ws, "verify", "archive", "catalog", actor="Nguyễn Thị Lan (web)")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", mine.time)
    assert before <= dt.datetime.fromisoformat(mine.time) <= dt.datetime.now(dt.timezone.utc)
    assert (mine.actor, theirs.actor) == ("vanthu", "Nguyễn Thị Lan (web)")
    with pytest.raises(InputError, match="actor: contains a control character"):
        audit.record(ws, "verify", "archive", "catalog", actor="a\x1bb")


def test_what_the_trail_takes(clerk_ws, tmp_path):
    ws = load_workspace(clerk_ws)
    with pytest.raises(ValueError, match="unknown audit action 'delete'"):
        audit.record(ws, "delete", "document", 1, {})
    with pytest.raises(ValueError, match="unknown audit object kind"):
        audit.record(ws, "verify", "folder", 1, {})
    with pytest.raises(ValueError, match="a dict"):
        audit.record(ws, "verify", "archive", "catalog", ["x"])  # type: ignore[arg-type]
    event = audit.record(ws, "ocr", "document", 3, {"on": dt.date(2026, 2, 5), "file": Path("/x/a.pdf"),
                                                      "pages": (1, 2)})
    assert event.details == {"on": "2026-02-05", "file": "/x/a.pdf", "pages": [1, 2]}
    assert audit.events(ws)[-1] == event
    ws.catalog_path.rename(tmp_path / "moved.sqlite")
    with pytest.raises(CatalogMissingError):  # a trail never starts a catalog of its own
        audit.record(ws, "verify", "archive", "catalog")
    assert not ws.catalog_path.exists()


def test_every_action_has_its_premis_type_in_the_readme():
    section = README.split("## Incoming documents and the audit trail", 1)[1].split("\n## ", 1)[0]
    for action, premis in audit.ACTIONS.items():
        assert re.search(rf"^\| `{re.escape(action)}` \| {re.escape(premis or '—')} \|", section, re.M), action


def test_log_shows_the_events_in_order_and_filters_them(clerk, clerk_ws, tmp_path, monkeypatch):
    ws = load_workspace(clerk_ws)
    doc = make_document(tmp_path / "cv.docx", number="125/QĐ-BNV", agency=("BỘ NỘI VỤ",))
    other = make_document(tmp_path / "cv2.docx", number="7/CV-BNV", agency=("BỘ NỘI VỤ",))
    ok(clerk("incoming", "add", doc, "--received", "2026-02-05", "--dossier", "01.TCCB"))
    ok(clerk("incoming", "add", other, "--received", "2026-02-06"))
    audit.record(ws, "ocr", "document", 1, {"state": "done"})  # as `archive ocr` will (see the README)
    ok(clerk("incoming", "route", "1", "--year", "2026", "--to", "Phòng Công chức", "--due", "2026-02-20"))
    ok(clerk("incoming", "done", "1", "--year", "2026", "--reply", "2"))

    # The archive records its own "archive add" events (README, the audit trail): left out here.
    every = json.loads(ok(clerk("log", "--format", "json")))
    assert [e["id"] for e in every] == sorted(e["id"] for e in every)
    events = [e for e in every if e["action"] != "archive add"]
    assert [(e["action"], e["object_kind"], e["object_id"]) for e in events] == [
        ("incoming add", "incoming", "2026/01"), ("incoming add", "incoming", "2026/02"),
        ("ocr", "document", "1"), ("incoming route", "incoming", "2026/01"),
        ("incoming done", "incoming", "2026/01"),
    ]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    assert [e["time"] for e in events] == sorted(e["time"] for e in events)
    assert events[0]["premis_event_type"] == "accession" and events[3]["premis_event_type"] == "dissemination"
    assert events[0]["details"]["archive_id"] == 1 and events[0]["details"]["received"] == "2026-02-05"
    assert events[3]["details"] == {"archive_id": 1, "due": "2026-02-20", "on": audit.today().isoformat(),
                                    "previous_to": None, "to": "Phòng Công chức"}

    table = ok(clerk("log")).splitlines()
    assert table[0].split() == ["Thời", "gian", "Người", "thực", "hiện", "Hành", "động", "Đối", "tượng", "Chi", "tiết"]
    assert [line.split("  ")[0] for line in table[2:]] == [e["time"] for e in every]
    routed = [line for line in table[2:] if "incoming route" in line]
    assert len(routed) == 1 and "incoming 2026/01" in routed[0]

    def actions(*args) -> list[tuple[str, str]]:
        return [(e["action"], e["object_id"]) for e in json.loads(ok(clerk("log", *args, "--format", "json")))
                if e["action"] != "archive add"]

    assert actions("--incoming", "1", "--year", "2026") == [
        ("incoming add", "2026/01"), ("incoming route", "2026/01"), ("incoming done", "2026/01")]
    # document 1: its arrival, its OCR, its routing and handling; document 2 also as the reply
    assert actions("--doc", "1") == [("incoming add", "2026/01"), ("ocr", "1"), ("incoming route", "2026/01"),
                                     ("incoming done", "2026/01")]
    assert actions("--doc", "2") == [("incoming add", "2026/02"), ("incoming done", "2026/01")]
    assert actions("--action", "incoming add") == [("incoming add", "2026/01"), ("incoming add", "2026/02")]
    assert actions("--dossier", "01.TCCB") == [("incoming add", "2026/01")]
    assert actions("--since", (audit.today() + dt.timedelta(days=1)).isoformat()) == []
    assert len(actions("--since", audit.today().isoformat())) == 5 and actions("--action", "archive add") == []

    for args, message in (
        (("--incoming", "1"), "Error: --incoming N and --year Y go together\n"),
        (("--action", "delete"), "Error: --action: 'delete' is not an action; one of: " + ", ".join(audit.ACTIONS)
         + "\n"),
        (("--since", "5/2/2026"), "Error: --since: '5/2/2026' is not a date (YYYY-MM-DD)\n"),
        (("--doc", "99"), "Error: no document with id 99 in the archive\n"),
    ):
        result = clerk("log", *args)
        assert (result.exit_code, result.stderr) == (2, message), args


def test_log_csv_is_formula_safe(clerk, clerk_ws):
    ws = load_workspace(clerk_ws)
    audit.record(ws, "verify", "archive", "catalog", {"problems": 0}, actor="=cmd|' /C calc'!A0")
    rows = list(csv.reader(io.StringIO(ok(clerk("log", "--format", "csv")))))
    assert rows[0] == ["Thời gian", "Người thực hiện", "Hành động", "Đối tượng", "Chi tiết", "PREMIS"]
    assert rows[1][1] == "'=cmd|' /C calc'!A0"
    assert rows[1][2:] == ["verify", "archive catalog", '{"problems": 0}', "fixity check"]


def test_an_empty_trail(clerk):
    assert ok(clerk("log")) == "No events.\n"
    assert json.loads(ok(clerk("log", "--format", "json"))) == []


def test_issue_and_void_are_in_the_trail(clerk_ws) -> None:
    """Every number issued or withdrawn, by hand or because its file could not be placed, is an event."""
    import json as _json

    from click.testing import CliRunner

    from conftest import decision_data
    from paperwork.cli import cli

    import yaml as _yaml

    src = clerk_ws / "qd.yaml"
    src.write_text(_yaml.safe_dump(decision_data(), allow_unicode=True), encoding="utf-8")

    def run(*args):
        return CliRunner().invoke(cli, ["--workspace", str(clerk_ws), *map(str, args)])

    assert run("render", "reward-decision", src, "-o", clerk_ws / "a.docx", "--issue").exit_code == 0
    assert run("register", "void", "1", "--year", "2026", "--reason", "Ban hành nhầm").exit_code == 0
    log = run("log", "--format", "json")
    assert log.exit_code == 0, log.output
    events = [(e["action"], e["object_id"]) for e in _json.loads(log.stdout) if e["object_kind"] == "outgoing"]
    assert events == [("issue", "2026/QĐ/01"), ("void", "2026/QĐ/01")], events
