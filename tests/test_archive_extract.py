"""Text extraction from .docx and PDF, and metadata read off the text."""

from __future__ import annotations

import datetime
import re
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from archive_docs import make_document

from paperwork.archive.extract import UnreadableDocumentError, detect_metadata, extract


def test_docx_text_has_body_tables_nested_tables_and_headers(tmp_path: Path) -> None:
    path = make_document(tmp_path / "qd.docx", signer="Trần Thị Lan")
    document = docx.Document(str(path))
    document.sections[0].header.paragraphs[0].text = "Đầu trang riêng"
    document.save(str(path))

    text = extract(path).text

    lines = text.splitlines()
    assert lines[:2] == ["UBND TỈNH CÀ MAU", "SỞ NỘI VỤ"]
    assert "Số: 05/QĐ-SNV" in lines  # header table
    assert "Trần Thị Lan" in lines  # table nested in a table cell
    assert "Đầu trang riêng" in lines  # page header
    assert lines.index("QUYẾT ĐỊNH") < lines.index("Trần Thị Lan")  # document order


def test_docx_text_is_nfc(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Quyết định khen thưởng")
    path = make_document(tmp_path / "nfd.docx", body=(decomposed,))
    text = extract(path).text
    assert "Quyết định khen thưởng" in text
    assert unicodedata.is_normalized("NFC", text)


def _with_app_xml(path: Path, out: Path, fix) -> Path:
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, fix(data) if item.filename == "docProps/app.xml" else data)
    return out


def test_docx_pages_from_app_xml_or_none(tmp_path: Path) -> None:
    path = make_document(tmp_path / "qd.docx")
    three = _with_app_xml(path, tmp_path / "three.docx", lambda d: re.sub(rb"<Pages>\d+</Pages>", b"<Pages>3</Pages>", d))
    none = _with_app_xml(path, tmp_path / "none.docx", lambda d: re.sub(rb"<Pages>\d+</Pages>", b"", d))
    assert extract(three).pages == 3
    assert extract(none).pages is None


def test_pdf_text_layer_and_page_count(pdfs: dict[str, Path]) -> None:
    extracted = extract(pdfs["quyet-dinh"])
    assert extracted.pages == 1
    assert not extracted.needs_ocr
    assert "Về việc tặng Giấy khen" in extracted.text
    assert unicodedata.is_normalized("NFC", extracted.text)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.docx", b"PK\x03\x04 not really a zip", "not a Word .docx document"),
        ("broken.pdf", b"%PDF-1.4\n garbage", "not a readable PDF"),
        ("notes.txt", b"hello", "unsupported file type .txt"),
        ("README", b"hello", "unsupported file type (no extension)"),
    ],
)
def test_unreadable_files_raise_with_a_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableDocumentError) as info:
        extract(path)
    assert reason in info.value.reason
    assert info.value.path == path


def test_encrypted_pdf_is_reported(tmp_path: Path, pdfs: dict[str, Path]) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(pdfs["quyet-dinh"])).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as f:
        writer.write(f)
    with pytest.raises(UnreadableDocumentError, match="encrypted PDF"):
        extract(path)


def test_scan_without_text_layer_needs_ocr_and_an_engine_can_supply_it(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    with open(path, "wb") as f:
        writer.write(f)
    assert extract(path).needs_ocr
    with_ocr = extract(path, ocr=lambda p: "BIÊN BẢN\nHội nghị")
    assert with_ocr.text == "BIÊN BẢN\nHội nghị" and not with_ocr.needs_ocr


def test_metadata_of_a_decision(tmp_path: Path) -> None:
    """Type heading, Số line, date line, agency above the number and the trích yếu."""
    path = make_document(tmp_path / "qd.docx")
    meta = detect_metadata(extract(path).text)
    assert meta.type == "Quyết định"
    assert meta.number == "05/QĐ-SNV"
    assert meta.date == datetime.date(2026, 2, 5)
    assert meta.agency == "UBND TỈNH CÀ MAU / SỞ NỘI VỤ"
    assert meta.title == "Về việc tặng Giấy khen cho các tập thể và cá nhân"


def test_metadata_from_a_pdf_whose_lines_are_broken(pdfs: dict[str, Path]) -> None:
    meta = detect_metadata(extract(pdfs["giay-moi"]).text)
    assert meta.type == "Giấy mời"
    assert meta.number == "12/GM-SNV"
    assert meta.date == datetime.date(2026, 2, 20)
    assert meta.agency == "UBND TỈNH BẾN TRE / SỞ NỘI VỤ"
    assert meta.title.startswith("Dự Hội nghị tổng kết công tác thi đua năm 2025")


def test_metadata_of_a_covenant_and_of_minutes() -> None:
    covenant = "\n".join([
        "CỤM THI ĐUA CÁC SỞ NỘI VỤ", "MIỀN TÂY NAM BỘ", "Số: 01/GƯ-CTĐ",
        "Bến Tre, ngày 06 tháng 3 năm 2023", "", "BẢN GIAO ƯỚC THI ĐUA NĂM 2023",
        "Cụm thi đua các Sở Nội vụ miền Tây Nam Bộ", "───────", "Căn cứ Luật Thi đua, khen thưởng;",
    ])
    meta = detect_metadata(covenant)
    assert (meta.type, meta.number, meta.date) == ("Giao ước thi đua", "01/GƯ-CTĐ", datetime.date(2023, 3, 6))
    assert meta.agency == "CỤM THI ĐUA CÁC SỞ NỘI VỤ / MIỀN TÂY NAM BỘ"
    assert meta.title == "Cụm thi đua các Sở Nội vụ miền Tây Nam Bộ"

    minutes = "\n".join([
        "SỞ NỘI VỤ TỈNH BẠC LIÊU", "Số: 03/BB-SNV", "BIÊN BẢN",
        "Hội nghị tổng kết công tác thi đua năm 2022", "",
        "Thời gian bắt đầu: 8 giờ 00 phút, ngày 06 tháng 3 năm 2023", "Địa điểm: Bạc Liêu",
    ])
    meta = detect_metadata(minutes)
    assert (meta.type, meta.date) == ("Biên bản", datetime.date(2023, 3, 6))
    assert meta.title == "Hội nghị tổng kết công tác thi đua năm 2022"


def test_metadata_of_an_official_letter_and_of_plain_text() -> None:
    letter = "SỞ NỘI VỤ\nSố: 45/SNV-VP\nV/v báo cáo công tác văn thư, lưu trữ\nCà Mau, ngày 10 tháng 4 năm 2026"
    meta = detect_metadata(letter)
    assert (meta.type, meta.title) == ("Công văn", "báo cáo công tác văn thư, lưu trữ")
    assert detect_metadata("Một đoạn văn bản không có thể thức.") == type(meta)()
