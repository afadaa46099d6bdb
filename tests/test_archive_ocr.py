"""Scanned documents: OCR in Vietnamese, a PDF/A-2b archival copy, searchable like the rest.

The scans are made here (scan_support.py): Vietnamese text rendered at 200 dpi,
turned and blurred, saved as an image-only PDF, a JPEG and a two-page TIFF.
OCR runs for real (OCRmyPDF + Tesseract ``vie``); ``scripts/setup`` installs them.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from scan_support import (
    BODY,
    LINES,
    NUMBER,
    blank_page,
    legacy_pdf,
    recovered_share,
    render_page,
    save_jpeg,
    save_pdf,
    save_tiff,
)
from archive_docs import make_document, run_json

from paperwork.archive import ocr as ocr_module
from paperwork.archive import service
from paperwork.archive.store import Catalog, FileStore
from paperwork.cli import cli
from conftest import make_workspace
from paperwork.config import Workspace, load_workspace
from paperwork.errors import OcrError

EXPECTED = "\n".join(LINES)


@pytest.fixture(scope="module")
def scans(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scans")
    page = render_page()
    second = render_page(heading=("DANH SÁCH", "Tập thể và cá nhân được tặng Giấy khen"), angle=-0.8)
    made = {
        "pdf": save_pdf(page, folder / "qd-2015.pdf"),
        "jpeg": save_jpeg(page, folder / "qd-2015-phone.jpg"),
        "tiff": save_tiff([page, second], folder / "qd-2015-scanner.tif"),
        "blank": folder / "trang-trang.png",
    }
    blank_page().save(made["blank"], dpi=(200, 200))
    made["legacy"] = legacy_pdf(made["pdf"], folder / "qd-2015-vntime.pdf")
    return made


def _invoke(root: Path, *args):
    return CliRunner().invoke(cli, ["--workspace", str(root), *map(str, args)])


def _json(root: Path, *args):
    result = _invoke(root, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, scans) -> tuple[Path, dict[str, dict]]:
    """One workspace holding the PDF, JPEG and TIFF scans, added (and OCRed) once."""
    root = make_workspace(tmp_path_factory.mktemp("ocr-ws")).root
    result = _invoke(root, "archive", "add", scans["pdf"], scans["jpeg"], scans["tiff"], "--source", "scanned")
    assert result.exit_code == 0, result.output
    names = ("pdf", "jpeg", "tiff")
    records = {name: _json(root, "archive", "show", str(i)) for i, name in enumerate(names, 1)}
    return root, records


# --------------------------------------------------------------------------- scans, for real


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["pdf", "jpeg", "tiff"])
def test_scan_is_ocred_with_diacritics_and_its_metadata_detected(scanned, kind) -> None:
    """≥ 90 % of the words come back with their diacritics; number, date, type read off the scan."""
    root, records = scanned
    record = records[kind]
    assert record["ocr"] == "done"
    assert (record["type"], record["number"], record["date"]) == ("Quyết định", NUMBER, "2015-03-16")
    assert record["agency"] == "UBND TỈNH CÀ MAU / SỞ NỘI VỤ"
    assert record["title"] == "Về việc tặng Giấy khen cho các tập thể và cá nhân"
    text = _invoke(root, "archive", "text", record["id"])
    assert text.exit_code == 0, text.output
    assert recovered_share(EXPECTED, text.stdout) >= 0.9, text.stdout
    assert record["pages"] == (2 if kind == "tiff" else 1)


@pytest.mark.slow
def test_scans_are_found_without_diacritics_and_by_number(scanned) -> None:
    root, records = scanned
    ids = {r["id"] for r in records.values()}
    assert {h["id"] for h in _json(root, "search", "phong trao thi dua yeu nuoc")} == ids
    assert {h["id"] for h in _json(root, "search", "--number", NUMBER)} == ids
    assert {h["id"] for h in _json(root, "search", f"number:{NUMBER}")} == ids
    # Only the TIFF's second page has the heading "DANH SÁCH".
    assert [h["id"] for h in _json(root, "search", '"danh sach"')] == [records["tiff"]["id"]]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["pdf", "jpeg", "tiff"])
def test_original_is_untouched_and_the_archival_copy_is_pdfa_2b_with_text(scanned, scans, kind) -> None:
    import pikepdf
    from pypdf import PdfReader

    from paperwork.archive.store import hash_file

    _, records = scanned
    record = records[kind]
    assert Path(record["stored_path"]).read_bytes() == scans[kind].read_bytes()
    pdfa = Path(record["pdfa_path"])
    assert pdfa.name == Path(record["stored_path"]).stem + ".pdfa.pdf"
    assert hash_file(pdfa) == record["pdfa_sha256"]
    with pikepdf.open(pdfa) as pdf, pdf.open_metadata() as xmp:
        assert xmp["pdfaid:part"] == "2"
        assert xmp["pdfaid:conformance"] == "B"
        assert len(pdf.pages) == record["pages"]
    layer = "\n".join(page.extract_text() for page in PdfReader(pdfa).pages)
    assert recovered_share("\n".join(BODY), layer) >= 0.8


@pytest.mark.slow
def test_verify_hashes_both_copies_and_reindex_keeps_them(scanned) -> None:
    root, records = scanned
    ok = _invoke(root, "archive", "verify")
    assert ok.exit_code == 0, ok.output
    assert ok.stdout == "OK: 3 documents, 6 files verified, index in step (3 documents).\n"
    assert _invoke(root, "archive", "reindex").stdout == "Reindexed 3 documents.\n"
    assert {h["id"] for h in _json(root, "search", "--number", NUMBER)} == {r["id"] for r in records.values()}


@pytest.mark.slow
def test_verify_names_a_modified_archival_copy(tmp_path: Path, scanned) -> None:
    root = tmp_path / "copy"
    _, records = scanned
    import shutil

    shutil.copytree(scanned[0], root)
    pdfa = root / "archive" / Path(records["pdf"]["pdfa_path"]).relative_to(scanned[0] / "archive")
    pdfa.chmod(0o644)
    with open(pdfa, "ab") as f:
        f.write(b"%tampered")
    result = _invoke(root, "archive", "verify")
    assert result.exit_code == 1
    assert result.stdout == (
        f"id 1 (qd-2015.pdf): archival PDF/A copy modified (SHA-256 differs): {pdfa}\n"
    )


@pytest.mark.slow
def test_reindex_attaches_an_archival_copy_an_interrupted_add_left(ws: Workspace, scanned, scans) -> None:
    """Killed after both files were stored, before the row: reindex adopts the scan and its copy."""
    _, records = scanned
    files = FileStore(ws.archive)
    original = files.put(scans["jpeg"])
    files.put(Path(records["jpeg"]["pdfa_path"]), relative=files.pdfa_relative_path(original.sha256))
    result = _invoke(ws.root, "archive", "reindex")
    assert result.exit_code == 0, result.output
    assert "Catalogued 1 stored file(s) an interrupted add left: #1." in result.stdout
    record = _json(ws.root, "archive", "show", "1")
    assert (record["ocr"], record["number"]) == ("done", NUMBER)
    assert record["pdfa_sha256"] == records["jpeg"]["pdfa_sha256"]
    assert [h["id"] for h in _json(ws.root, "search", "thi dua yeu nuoc")] == [1]
    assert _invoke(ws.root, "archive", "verify").exit_code == 0


# --------------------------------------------------------------------------- which files get OCR


def test_pdf_with_a_real_text_layer_is_not_ocred(run, pdfs, monkeypatch) -> None:
    def no_ocr(*args, **kwargs):
        raise AssertionError("OCR must not run on a PDF with a usable text layer")

    monkeypatch.setattr(ocr_module, "ocr_file", no_ocr)
    [record] = run_json(run, "archive", "add", pdfs["quyet-dinh"])
    assert (record["ocr"], record["pdfa_path"], record["pdfa_sha256"]) == ("not-needed", None, None)
    assert record["number"] == "05/QĐ-SNV"


@pytest.mark.slow
def test_pdf_with_a_mojibake_text_layer_is_ocred(run, scans) -> None:
    """A legacy TCVN3 layer ("QuyÕt ®Þnh") is replaced by OCR text; the original keeps it."""
    [record] = run_json(run, "archive", "add", scans["legacy"])
    assert record["ocr"] == "done"
    assert record["number"] == NUMBER
    text = run("archive", "text", str(record["id"])).stdout
    assert "QuyÕt" not in text and "Quyết định" in text
    assert recovered_share(EXPECTED, text) >= 0.9
    assert Path(record["stored_path"]).read_bytes() == scans["legacy"].read_bytes()


@pytest.mark.slow
def test_an_image_with_no_text_is_stored_and_says_so(run, scans) -> None:
    result = run("archive", "add", scans["blank"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"added  #1  {scans['blank']}  no metadata detected  [OCR found no text]\n"
    record = run_json(run, "archive", "show", "1")
    assert record["ocr"] == "done" and Path(record["pdfa_path"]).is_file()
    assert run("archive", "text", "1").stdout == "\n"


def test_ocr_never_stores_the_scan_without_text(run, scans) -> None:
    result = run("archive", "add", scans["jpeg"], "--ocr", "never")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("no metadata detected  [no text layer: not searchable by content]\n")
    record = run_json(run, "archive", "show", "1")
    assert (record["ocr"], record["pdfa_path"], record["pages"]) == ("skipped", None, 1)


def test_a_corrupt_image_is_named_and_the_rest_still_added(run, tmp_path: Path) -> None:
    good = make_document(tmp_path / "qd.docx")
    broken = tmp_path / "scan-hong.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    fake = tmp_path / "anh.png"
    fake.write_bytes(b"GIF89a not a png")
    result = run("archive", "add", broken, good, fake)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"added  #1  {good}  Quyết định, 05/QĐ-SNV, 2026-02-05"]
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{broken}: not a readable JPEG image: ")
    assert lines[1] == f"{fake}: not a PNG image (corrupt or another format)"
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- OCR missing or failing


@pytest.mark.parametrize(
    ("breakage", "reason"),
    [
        ("tesseract", "Tesseract is not installed (tesseract-ocr)"),
        ("module", "the OCRmyPDF Python package is not installed"),
    ],
)
def test_without_ocr_scans_are_stored_and_the_install_command_named(
    run, scans, tmp_path: Path, monkeypatch, breakage, reason
) -> None:
    if breakage == "tesseract":
        monkeypatch.setattr(ocr_module, "_which", lambda program: None if program == "tesseract" else "/usr/bin/" + program)
    else:
        monkeypatch.setitem(sys.modules, "ocrmypdf", None)  # import ocrmypdf -> ImportError
    good = make_document(tmp_path / "qd.docx")
    result = run("archive", "add", scans["pdf"], good, scans["jpeg"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"added  #1  {scans['pdf']}  no metadata detected  [OCR unavailable: not searchable by content]",
        f"added  #2  {good}  Quyết định, 05/QĐ-SNV, 2026-02-05",
        f"added  #3  {scans['jpeg']}  no metadata detected  [OCR unavailable: not searchable by content]",
    ]
    assert result.stderr == (
        f"Note: 2 scan(s) stored without text. OCR is unavailable: {reason}; install it with "
        "`apt-get install tesseract-ocr tesseract-ocr-vie ghostscript` and `pip install 'paperwork[ocr]'`\n"
    )
    record = run_json(run, "archive", "show", "1")
    assert (record["ocr"], record["pdfa_path"]) == ("unavailable", None)
    assert Path(record["stored_path"]).read_bytes() == scans["pdf"].read_bytes()
    assert run("archive", "verify").exit_code == 0


def test_a_file_whose_ocr_fails_is_named_and_the_rest_go_on(run, scans, tmp_path: Path, monkeypatch) -> None:
    real = ocr_module.ocr_file

    def flaky(path, output, **kwargs):
        if Path(path).suffix == ".jpg":
            raise OcrError(f"{path}: OCR failed: Ghostscript could not read page 1")
        output.write_bytes(Path(scans["pdf"]).read_bytes())  # stands in for the PDF/A copy
        return ocr_module.OcrOutcome(text="QUYẾT ĐỊNH\nVề việc khen thưởng", pages=1)

    monkeypatch.setattr(ocr_module, "ocr_file", flaky)
    assert real is not flaky
    good = make_document(tmp_path / "qd.docx")
    result = run("archive", "add", scans["jpeg"], scans["pdf"], good)
    assert result.exit_code == 1
    assert [line.split("  ")[0] for line in result.stdout.splitlines()] == ["added", "added", "added"]
    assert result.stdout.splitlines()[0].endswith("[OCR failed: not searchable by content]")
    assert result.stderr == f"{scans['jpeg']}: OCR failed: Ghostscript could not read page 1\n"
    states = [run_json(run, "archive", "show", str(i))["ocr"] for i in (1, 2, 3)]
    assert states == ["failed", "done", "not-needed"]
    assert [h["id"] for h in run_json(run, "search", "khen thuong")] == [2]


@pytest.mark.slow
def test_a_page_past_the_time_limit_is_named_and_the_file_still_stored(run, scans) -> None:
    result = run("archive", "add", scans["pdf"], "--ocr-timeout", "0.01", "--ocr-jobs", "1")
    assert result.exit_code == 1
    assert result.stdout.endswith("[OCR: some pages have no text, see below]\n")
    assert result.stderr == f"{scans['pdf']}: page 1: OCR ran past 0.01 s; that page has no text\n"
    record = run_json(run, "archive", "show", "1")
    assert record["ocr"] == "partial" and Path(record["pdfa_path"]).is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--ocr-timeout", "0"), "Error: --ocr-timeout: must be a positive number of seconds, not 0.0\n"),
        (("--ocr-jobs", "0"), "Error: --ocr-jobs: must be at least 1, not 0\n"),
    ],
)
def test_bad_ocr_options_are_one_line(run, scans, args, message) -> None:
    result = run("archive", "add", scans["pdf"], *args)
    assert result.exit_code == 2
    assert result.stderr == message


def test_ocr_settings_come_from_the_workspace_profile(tmp_path: Path, monkeypatch) -> None:
    from paperwork.errors import InputError

    ws = make_workspace(tmp_path, "[ocr]\npage_timeout = 300\njobs = 2\n")
    assert (ws.ocr_page_timeout, ws.ocr_jobs) == (300.0, 2)
    seen = {}

    def record_settings(path, output, *, force, settings):
        seen["settings"] = settings
        raise OcrError(f"{path}: stop here")

    monkeypatch.setattr(ocr_module, "ocr_file", record_settings)
    image = tmp_path / "scan.png"
    blank_page().save(image)
    _invoke(tmp_path, "archive", "add", image)
    assert (seen["settings"].page_timeout, seen["settings"].jobs, seen["settings"].mode) == (300.0, 2, "auto")
    (tmp_path / "paperwork.toml").write_text("[ocr]\npage_timeout = -1\n", encoding="utf-8")
    with pytest.raises(InputError, match="ocr.page_timeout: must be a positive number of seconds"):
        load_workspace(tmp_path)


# --------------------------------------------------------------------------- catalog


def test_a_catalog_made_before_ocr_gains_its_columns(ws: Workspace, run, tmp_path: Path) -> None:
    """Rows of an old catalog keep reading (ocr NULL); new rows get the OCR columns."""
    ws.archive.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(ws.catalog_path)
    conn.execute(
        """CREATE TABLE archive_documents (
        id INTEGER PRIMARY KEY AUTOINCREMENT, sha256 TEXT NOT NULL UNIQUE, filename TEXT NOT NULL,
        stored_path TEXT NOT NULL, size INTEGER NOT NULL, type TEXT, number TEXT, date TEXT,
        agency TEXT, title TEXT, signer TEXT, pages INTEGER,
        source TEXT NOT NULL CHECK (source IN ('generated', 'imported', 'scanned')),
        added_at TEXT NOT NULL, text TEXT NOT NULL DEFAULT '')"""
    )
    old = make_document(tmp_path / "cu.docx", number="01/QĐ-SNV")
    files = FileStore(ws.archive)
    stored = files.put(old)
    conn.execute(
        "INSERT INTO archive_documents (sha256, filename, stored_path, size, number, source, added_at, text)"
        " VALUES (?, 'cu.docx', ?, ?, '01/QĐ-SNV', 'imported', '2024-01-01T00:00:00+00:00', 'khen thưởng')",
        (stored.sha256, stored.stored_path, stored.size),
    )
    conn.commit()
    conn.close()

    with Catalog.open(ws.catalog_path) as catalog:
        columns = {row["name"] for row in catalog.conn.execute("PRAGMA table_info(archive_documents)")}
        assert {"ocr", "pdfa_path", "pdfa_sha256"} <= columns
        assert catalog.get(1).ocr is None
    with Catalog.open(ws.catalog_path):
        pass  # a second open finds nothing to add
    shown = run_json(run, "archive", "show", "1")
    assert (shown["number"], shown["ocr"], shown["pdfa_path"]) == ("01/QĐ-SNV", None, None)
    assert run("archive", "reindex").exit_code == 0
    run_json(run, "archive", "add", make_document(tmp_path / "moi.docx", number="02/QĐ-SNV"))
    assert run_json(run, "archive", "show", "2")["ocr"] == "not-needed"
    verified = run("archive", "verify")
    assert verified.exit_code == 0, verified.output


def test_ocr_module_is_not_imported_for_documents_with_text(tmp_path: Path) -> None:
    """OCR is an extra: adding a .docx never imports OCRmyPDF."""
    import subprocess

    doc = make_document(tmp_path / "qd.docx")
    code = (
        "import sys; from paperwork.cli import cli; "
        f"cli(['--workspace', {str(tmp_path)!r}, 'archive', 'add', {str(doc)!r}], standalone_mode=False); "
        "assert 'ocrmypdf' not in sys.modules, 'ocrmypdf imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --------------------------------------------------------------------------- archive ocr: text later

INSTALL = "install it with `apt-get install tesseract-ocr tesseract-ocr-vie ghostscript` and `pip install 'paperwork[ocr]'`"


def _fake_ocr(scans, calls: list[Path], fail: str | None = None):
    """Stands in for OCRmyPDF: the scan's text, a PDF/A copy (any PDF will do); ``fail`` fails that file."""

    def fake(path, output, **kwargs):
        calls.append(Path(path))
        if fail is not None and Path(path).suffix == fail:
            raise OcrError(f"{path}: OCR failed: Ghostscript could not read page 1")
        output.write_bytes(Path(scans["pdf"]).read_bytes())
        return ocr_module.OcrOutcome(text=EXPECTED, pages=1)

    return fake


@pytest.mark.slow
def test_a_scan_stored_without_ocr_gets_its_text_later(run, scans) -> None:
    """`archive ocr ID`: a PDF/A copy made from the untouched original; text, metadata, index updated."""
    import pikepdf

    from paperwork.archive.store import hash_file

    added = run("archive", "add", scans["jpeg"], "--ocr", "never", "--title", "Khen thưởng năm 2014")
    assert added.exit_code == 0, added.output
    assert run_json(run, "search", "phong trao thi dua yeu nuoc") == []
    result = run("archive", "ocr", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout == "ocr    #1  qd-2015-phone.jpg  Quyết định, 07/QĐ-SNV, 2015-03-16  [OCR]\n"
    record = run_json(run, "archive", "show", "1")
    assert (record["ocr"], record["number"], record["date"]) == ("done", NUMBER, "2015-03-16")
    assert record["title"] == "Khen thưởng năm 2014"  # given by a person: kept
    assert Path(record["stored_path"]).read_bytes() == scans["jpeg"].read_bytes()
    pdfa = Path(record["pdfa_path"])
    assert hash_file(pdfa) == record["pdfa_sha256"]
    with pikepdf.open(pdfa) as pdf, pdf.open_metadata() as xmp:
        assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("2", "B")
    assert recovered_share(EXPECTED, run("archive", "text", "1").stdout) >= 0.9
    assert [h["id"] for h in run_json(run, "search", "phong trao thi dua yeu nuoc")] == [1]
    assert [h["id"] for h in run_json(run, "search", "--number", NUMBER)] == [1]
    verified = run("archive", "verify")
    assert verified.stdout == "OK: 1 documents, 2 files verified, index in step (1 documents).\n"


def test_all_missing_ocrs_exactly_the_documents_without_their_text(
    ws: Workspace, run, scans, tmp_path: Path, monkeypatch
) -> None:
    from PIL import Image

    images = []
    for i, state in enumerate(("skipped", "unavailable", "failed", "partial", "done")):
        image = tmp_path / f"scan-{state}.png"
        Image.new("RGB", (200 + i, 300), "white").save(image)
        images.append(image)
    good = make_document(tmp_path / "qd.docx")
    assert run("archive", "add", good, *images, "--ocr", "never").exit_code == 0
    with sqlite3.connect(ws.catalog_path) as conn:
        for doc_id, state in enumerate(("skipped", "unavailable", "failed", "partial", "done"), 2):
            conn.execute("UPDATE archive_documents SET ocr = ? WHERE id = ?", (state, doc_id))
    calls: list[Path] = []
    monkeypatch.setattr(ocr_module, "ocr_file", _fake_ocr(scans, calls))
    result = run("archive", "ocr", "--all-missing")
    assert result.exit_code == 0, result.output
    assert [line.split()[0:2] for line in result.stdout.splitlines()] == [
        ["ocr", "#2"], ["ocr", "#3"], ["ocr", "#4"], ["ocr", "#5"]
    ]
    assert [p.name for p in calls] == [Path(run_json(run, "archive", "show", str(i))["stored_path"]).name for i in (2, 3, 4, 5)]
    states = [run_json(run, "archive", "show", str(i))["ocr"] for i in range(1, 7)]
    assert states == ["not-needed", "done", "done", "done", "done", "done"]
    assert run("archive", "ocr", "--all-missing").stdout == "No documents are missing their OCR text.\n"
    assert run("archive", "verify").exit_code == 0


def test_a_failed_document_is_named_by_id_and_the_others_go_on(run, scans, tmp_path: Path, monkeypatch) -> None:
    """Metadata a person gave is never replaced by what OCR reads; a failed OCR leaves its row as it was."""
    good = make_document(tmp_path / "qd.docx")
    assert run("archive", "add", scans["jpeg"], "--ocr", "never").exit_code == 0
    assert run("archive", "add", scans["pdf"], "--ocr", "never", "--number", "99/QĐ-UBND").exit_code == 0
    assert run("archive", "add", good).exit_code == 0
    before = run_json(run, "archive", "show", "1")
    calls: list[Path] = []
    monkeypatch.setattr(ocr_module, "ocr_file", _fake_ocr(scans, calls, fail=".jpg"))
    result = run("archive", "ocr", "1", "2", "3")
    assert result.exit_code == 1
    assert result.stdout == "ocr    #2  qd-2015.pdf  Quyết định, 99/QĐ-UBND, 2015-03-16  [OCR]\n"
    assert result.stderr.splitlines() == [
        "id 1 (qd-2015-phone.jpg): OCR failed: Ghostscript could not read page 1",
        "id 3 (qd.docx): a .docx document has its own text; nothing to OCR",
    ]
    assert run_json(run, "archive", "show", "1") == before
    record = run_json(run, "archive", "show", "2")
    assert (record["ocr"], record["number"], record["type"]) == ("done", "99/QĐ-UBND", "Quyết định")
    assert [h["id"] for h in run_json(run, "search", "thi dua yeu nuoc")] == [2]
    assert run("archive", "verify").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("1", "9"), "Error: no document with id 9 in the archive\n"),
        ((), "Error: give the IDs of the documents to OCR, or --all-missing\n"),
    ],
)
def test_archive_ocr_usage_errors_are_one_line(run, scans, monkeypatch, args, message) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(ocr_module, "ocr_file", _fake_ocr(scans, calls))
    assert run("archive", "add", scans["jpeg"], "--ocr", "never").exit_code == 0
    result = run("archive", "ocr", *args)
    assert result.exit_code == 2
    assert (result.stdout, result.stderr) == ("", message)
    assert calls == []
    assert run_json(run, "archive", "show", "1")["ocr"] == "skipped"


def test_archive_ocr_without_ocr_installed_fails_with_the_install_command(run, scans, monkeypatch) -> None:
    assert run("archive", "add", scans["jpeg"], scans["pdf"], "--ocr", "never").exit_code == 0
    before = [run_json(run, "archive", "show", i) for i in ("1", "2")]
    monkeypatch.setattr(ocr_module, "_which", lambda program: None if program == "tesseract" else "/usr/bin/" + program)
    result = run("archive", "ocr", "--all-missing")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: OCR is unavailable: Tesseract is not installed (tesseract-ocr); {INSTALL}\n"
    assert [run_json(run, "archive", "show", i) for i in ("1", "2")] == before
    verified = run("archive", "verify")
    assert verified.exit_code == 0, verified.output
