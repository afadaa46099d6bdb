"""A văn thư's and a lưu trữ's year through the CLI, on real files: the Danh mục hồ sơ planned, documents
arriving (filed as they are registered) and issued, routed and handled, the dossier closed, exported and
transferred; the Phụ lục VI XML carries each direction's own fields, and the audit trail shows every
step in the order it happened."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from archive_docs import make_document
from test_dossiers import Clerk, schema, set_organ_id, write_plan
from paperwork.config import load_workspace
from paperwork.records import audit


@pytest.fixture
def clerk(clerk_ws: Path) -> Clerk:
    set_organ_id(clerk_ws)
    return Clerk(clerk_ws)


def _incoming_numbers(clerk: Clerk) -> list[int]:
    return [e["number"] for e in json.loads(clerk("incoming", "list", "--year", 2026, "--format", "json").stdout)]


def test_a_year_of_records_from_the_first_arrival_to_the_transfer(clerk: Clerk, tmp_path: Path) -> None:
    clerk("dossier", "plan", write_plan(tmp_path), "--year", 2026)
    letter = make_document(tmp_path / "cv-bnv.docx", heading="CÔNG VĂN", number="125/BNV-TĐKT",
                           agency=("BỘ NỘI VỤ",), date_line="Hà Nội, ngày 03 tháng 02 năm 2026",
                           title="Về việc hướng dẫn khen thưởng năm 2026")
    # A code the year's Danh mục lacks is refused before any số đến is given.
    wrong = clerk("incoming", "add", letter, "--received", "2026-02-05", "--dossier", "09.XYZ", code=2)
    assert "--dossier: no dossier 09.XYZ in the Danh mục hồ sơ of 2026" in wrong.output
    assert _incoming_numbers(clerk) == []

    added = clerk("incoming", "add", letter, "--received", "2026-02-05", "--dossier", "01.TĐKT",
                  "--to", "Phòng Thi đua - Khen thưởng", "--due", "2026-02-20", "--priority", "khẩn").output
    assert "số đến 01 of 2026" in added and "filed into 01.TĐKT of 2026" in added
    clerk("incoming", "route", "1", "--year", 2026, "--to", "Phòng Thi đua - Khen thưởng", "--due", "2026-02-20")
    issued = clerk.issue(1, "2026-03-06")
    clerk("dossier", "file", "01.TĐKT", "--year", 2026, issued)
    clerk("incoming", "done", "1", "--year", 2026, "--reply", str(issued))
    clerk("dossier", "close", "01.TĐKT", "--year", 2026)

    target = tmp_path / "export"
    clerk("dossier", "export", "01.TĐKT", "--year", 2026, "-o", target)
    tree = etree.fromstring((target / "ho-so.xml").read_bytes())
    assert schema().validate(tree), schema().error_log
    arrived, sent = tree.findall("Documents/Document")  # in date order: 03/02 then 06/03
    assert arrived.get("direction") == "incoming"
    assert (arrived.findtext("ArrivalDate"), arrived.findtext("ArrivalNumber")) == ("2026-02-05", "1")
    assert arrived.findtext("Priority") == "1"  # khẩn
    assert arrived.findtext("ToPlaces") == "Phòng Thi đua - Khen thưởng"
    assert arrived.findtext("DueDate") == "2026-02-20"
    trace = arrived.findtext("TraceHeaderList")
    assert "Chuyển Phòng Thi đua - Khen thưởng" in trace and "Đã giải quyết ngày" in trace
    assert sent.get("direction") == "outgoing"
    recipients = json.loads(clerk("register", "list", "--format", "json").stdout)[0]["recipients"]
    assert [t.findtext("OrganName") for t in sent.findall("To")] == [r.lstrip("- ").rstrip(";.,") for r in recipients]
    assert sent.findtext("IssuedAmount") == str(len(recipients)) and sent.findtext("Priority") == "0"
    assert arrived.find("IssuedAmount") is None and sent.find("ArrivalNumber") is None

    bag = tmp_path / "nop-luu"
    clerk("transfer", "--year", 2026, "-o", bag, "--code", "01.TĐKT")
    in_bag = json.loads((bag / "data" / "audit-events.json").read_text(encoding="utf-8"))
    # Everything up to the handover; the transfer's own event is written once the bag is complete.
    assert {e["premis_event_type"] for e in in_bag} >= {"ingestion", "accession", "creation", "dissemination"}
    assert [e["time"] for e in in_bag] == sorted(e["time"] for e in in_bag)

    log = json.loads(clerk("log", "--dossier", "01.TĐKT", "--format", "json").stdout)
    assert [e["action"] for e in log] == ["dossier plan", "incoming add", "dossier file", "dossier file",
                                           "dossier close", "transfer"]
    steps = [(e.action, e.object_id) for e in audit.events(load_workspace(clerk.root))]
    wanted = [("dossier plan", "01.TĐKT"), ("archive add", "1"), ("incoming add", "2026/01"),
              ("dossier file", "01.TĐKT"), ("incoming route", "2026/01"), ("issue", None),
              ("archive add", "2"), ("dossier file", "01.TĐKT"), ("incoming done", "2026/01"),
              ("dossier close", "01.TĐKT"), ("transfer", "01.TĐKT")]
    found = iter(steps)
    for action, object_id in wanted:  # in this order, whatever else happened between
        assert any(a == action and (object_id is None or o == object_id) for a, o in found), (action, steps)


@pytest.mark.slow
def test_render_files_into_a_dossier_and_counts_the_pdf_pages(clerk: Clerk, tmp_path: Path) -> None:
    """`render --issue --pdf --dossier`: a wrong code refused before any number; the document filed,
    with the page count of its PDF (the .docx itself claims none) in the mục lục and the XML."""
    import yaml
    from pypdf import PdfReader

    from conftest import decision_data

    data = tmp_path / "qd.yaml"
    data.write_text(yaml.safe_dump(decision_data(1, date="2026-03-06"), allow_unicode=True), encoding="utf-8")
    unplanned = clerk("render", "reward-decision", data, "-o", tmp_path / "x.docx", "--issue", "--dossier", "01.TĐKT",
                      code=2)
    assert "--dossier: 2026 has no Danh mục hồ sơ to file into" in unplanned.output
    clerk("dossier", "plan", write_plan(tmp_path), "--year", 2026)
    data.write_text(yaml.safe_dump(decision_data(1, date="2026-03-06", awardees=40), allow_unicode=True),
                    encoding="utf-8")
    out = tmp_path / "qd.docx"
    refused = clerk("render", "reward-decision", data, "-o", out, "--issue", "--dossier", "07.KHÁC", code=2)
    assert "--dossier: no dossier 07.KHÁC in the Danh mục hồ sơ of 2026" in refused.output
    assert not out.exists()
    assert json.loads(clerk("register", "list", "--format", "json").stdout) == []

    done = clerk("render", "reward-decision", data, "-o", out, "--issue", "--pdf", "--dossier", "01.TĐKT").output
    assert "filed into 01.TĐKT of 2026" in done
    pages = len(PdfReader(out.with_suffix(".pdf")).pages)
    assert pages >= 2  # forty awardees: the list runs onto further pages
    shown = json.loads(clerk("dossier", "show", "01.TĐKT", "--year", 2026, "--json").stdout)
    assert [d["pages"] for d in shown["documents"]] == [f"1-{pages}"]  # Tờ số: the pages it takes in the dossier
    clerk("dossier", "export", "01.TĐKT", "--year", 2026, "-o", tmp_path / "export")
    tree = etree.fromstring((tmp_path / "export" / "ho-so.xml").read_bytes())
    assert tree.findtext("Documents/Document/PageAmount") == str(pages)
    assert tree.findtext("PageTotal") == str(pages)
