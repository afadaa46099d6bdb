"""The nộp lưu package: a BagIt bag that validates, whose checksums catch one changed byte, with the
mục lục hồ sơ nộp lưu, the biên bản giao nhận and the XML; the catalog records the transfer."""

from __future__ import annotations

from pathlib import Path

import bagit
import docx
import openpyxl
import pytest
from lxml import etree

from test_dossiers import Clerk, documents, schema, set_organ_id, write_plan
from paperwork.config import load_workspace
from paperwork.records.dossiers import dossier_catalog


@pytest.fixture
def clerk(clerk_ws: Path) -> Clerk:
    set_organ_id(clerk_ws)
    return Clerk(clerk_ws)


def closed_year(clerk: Clerk, tmp_path: Path) -> dict[str, int]:
    """2026's plan: 01.TĐKT (10 years, 3 documents) and 02.TĐKT (permanent, 1) closed; 03.TĐKT (3 years)
    closed too but never transferred."""
    ids = documents(clerk, tmp_path)
    clerk("dossier", "plan", write_plan(tmp_path), "--year", 2026)
    clerk("dossier", "file", "01.TĐKT", "--year", 2026, ids["qd-march"], ids["qd-january"], ids["to-trinh"])
    clerk("dossier", "file", "02.TĐKT", "--year", 2026, ids["quy-che"])
    clerk("dossier", "file", "03.TĐKT", "--year", 2026, ids["bien-ban"])
    for code in ("01.TĐKT", "02.TĐKT", "03.TĐKT"):
        clerk("dossier", "close", code, "--year", 2026)
    return ids


def payload_files(bag: Path) -> list[str]:
    return sorted(str(p.relative_to(bag / "data")) for p in (bag / "data").rglob("*") if p.is_file())


def test_the_transfer_bag_validates_and_is_recorded(clerk: Clerk, tmp_path: Path) -> None:
    closed_year(clerk, tmp_path)
    target = tmp_path / "nop-luu-2026"
    out = clerk("transfer", "--year", 2026, "-o", target, "--giver", "Nguyễn Thị Hoa",
                "--receiver", "Trần Văn Nam", "--receiver-title", "Văn thư - Lưu trữ").stdout
    assert f"Wrote the bag {target}: 2 dossiers, 4 document files, Payload-Oxum " in out
    assert "01.TĐKT of 2026: transferred" in out and "02.TĐKT of 2026: transferred" in out

    bag = bagit.Bag(str(target))
    bag.validate()  # every SHA-256 recomputed
    assert bag.algorithms == ["sha256"]
    files = payload_files(target)
    for expected in ("ho-so/01.TĐKT/ho-so.xml", "ho-so/01.TĐKT/muc-luc-van-ban.xlsx",
                     "ho-so/01.TĐKT/muc-luc-van-ban.docx", "ho-so/01.TĐKT/van-ban/001-03-TTr-SNV.docx",
                     "ho-so/01.TĐKT/van-ban/002-02-QĐ-SNV.docx", "ho-so/01.TĐKT/van-ban/003-01-QĐ-SNV.docx",
                     "ho-so/02.TĐKT/van-ban/001-01-QĐ-SNV.docx", "muc-luc-ho-so-nop-luu.xlsx",
                     "muc-luc-ho-so-nop-luu.docx", "bien-ban-giao-nhan.docx", "nop-luu.xml", "dossier-events.json"):
        assert expected in files
    assert not any(f.startswith("ho-so/03.TĐKT") for f in files)  # kept 3 years: stays with the unit

    xml = etree.fromstring((target / "data" / "nop-luu.xml").read_bytes())
    assert schema().validate(xml), schema().error_log
    assert [h.findtext("FileCode/FileNotation") for h in xml.findall("HoSo")] == ["01.TĐKT", "02.TĐKT"]
    assert (xml.findtext("FileTotal"), xml.findtext("DocFileTotal")) == ("2", "4")
    for code in ("01.TĐKT", "02.TĐKT"):
        one = etree.fromstring((target / "data" / "ho-so" / code / "ho-so.xml").read_bytes())
        assert schema().validate(one), schema().error_log

    sheet = openpyxl.load_workbook(target / "data" / "muc-luc-ho-so-nop-luu.xlsx").active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(cells) if r[0] == "Số TT")
    assert cells[header][:3] == ["Số TT", "Số, ký hiệu hồ sơ", "Tiêu đề hồ sơ"]
    rows = [r for r in cells[header + 2:] if isinstance(r[0], int)]
    assert [(r[0], r[1], r[4]) for r in rows] == [(1, "01.TĐKT", "10 năm"), (2, "02.TĐKT", "Vĩnh viễn")]
    assert any(r[0] == "Mục lục này gồm: 02 hồ sơ (đơn vị bảo quản)." for r in cells)

    minutes = docx.Document(str(target / "data" / "bien-ban-giao-nhan.docx"))
    text = "\n".join(p.text for p in minutes.paragraphs)
    assert "- Tổng số hồ sơ: 02 (hai) hồ sơ." in text
    assert "- Tổng số tệp tin trong hồ sơ: 04 (bốn) tệp tin." in text
    assert "Ông (bà): Nguyễn Thị Hoa" in text and "Chức vụ công tác: Văn thư - Lưu trữ" in text
    cells = [c.text for t in minutes.tables for row in t.rows for c in row.cells]
    assert any("ĐẠI DIỆN BÊN GIAO" in c for c in cells) and any("ĐẠI DIỆN BÊN NHẬN" in c for c in cells)
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in c for c in cells)

    ws = load_workspace(clerk.root)
    catalog = dossier_catalog(ws)
    [transfer] = catalog.transfers()
    assert transfer.bag == str(target)
    assert transfer.payload_oxum == bag.info["Payload-Oxum"]
    assert (transfer.dossiers, transfer.files, transfer.year) == (2, 4, 2026)
    assert [d.status for d in catalog.dossiers(2026)] == ["transferred", "transferred", "closed"]
    assert all(d.transfer_id == transfer.id for d in catalog.dossiers(2026)[:2])
    from paperwork.records import audit

    events = audit.events(ws, dossier="01.TĐKT", action="transfer")
    assert [(e.object_kind, e.details["bag"], e.details["payload_oxum"]) for e in events] == [
        ("dossier", str(target), transfer.payload_oxum)]

    again = clerk("transfer", "--year", 2026, "-o", tmp_path / "again", code=2)
    assert again.stderr == ("Error: no closed dossier of 2026 awaits transfer to the agency archive"
                            " (`paperwork dossier list --year 2026`)\n")
    assert not (tmp_path / "again").exists()
    refused = clerk("dossier", "file", "01.TĐKT", "--year", 2026, 1, code=2)
    assert "đã nộp lưu (transferred)" in refused.stderr


def test_the_bag_checksums_catch_one_changed_byte(clerk: Clerk, tmp_path: Path) -> None:
    closed_year(clerk, tmp_path)
    target = tmp_path / "bag"
    clerk("transfer", "--year", 2026, "-o", target, "--code", "02.TĐKT")
    bagit.Bag(str(target)).validate()
    victim = target / "data" / "ho-so" / "02.TĐKT" / "van-ban" / "001-01-QĐ-SNV.docx"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit of one byte: same size, so Payload-Oxum cannot see it
    victim.write_bytes(bytes(data))
    bagit.Bag(str(target)).validate(fast=True)  # counts and sizes only: still fine
    with pytest.raises(bagit.BagValidationError) as caught:
        bagit.Bag(str(target)).validate()
    assert any("001-01-QĐ-SNV.docx" in str(d.path) for d in caught.value.details)


def test_transfer_chooses_and_refuses_by_code(clerk: Clerk, tmp_path: Path) -> None:
    closed_year(clerk, tmp_path)
    short = clerk("transfer", "--year", 2026, "-o", tmp_path / "x", "--code", "03.TĐKT", code=2)
    assert short.stderr == ("Error: --code: 03.TĐKT of 2026 does not await transfer: kept less than 5 years: it"
                            " stays with the unit\n")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    busy = clerk("transfer", "--year", 2026, "-o", tmp_path / "full", code=2)
    assert busy.stderr == f"Error: {tmp_path / 'full'}: exists and is not empty: choose a new folder\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".full")) == []  # nothing staged left
    assert [d.status for d in dossier_catalog(load_workspace(clerk.root)).dossiers(2026)] == ["closed"] * 3


@pytest.mark.slow
def test_the_transfer_with_pdfs(clerk: Clerk, tmp_path: Path) -> None:
    """--pdf: the mục lục of each dossier, the mục lục hồ sơ nộp lưu and the biên bản as PDFs (LibreOffice)."""
    from pypdf import PdfReader

    closed_year(clerk, tmp_path)
    target = tmp_path / "bag"
    clerk("transfer", "--year", 2026, "-o", target, "--code", "01.TĐKT", "--pdf")
    bagit.Bag(str(target)).validate()
    for name in ("muc-luc-ho-so-nop-luu.pdf", "bien-ban-giao-nhan.pdf", "ho-so/01.TĐKT/muc-luc-van-ban.pdf"):
        reader = PdfReader(str(target / "data" / name))
        assert len(reader.pages) >= 1
        box = reader.pages[0].mediabox
        assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = PdfReader(str(target / "data" / "bien-ban-giao-nhan.pdf")).pages[0].extract_text()
    assert "Tổng số hồ sơ: 01" in text
