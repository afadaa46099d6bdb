"""Which PDF text layers are worth keeping, and which pages must be OCRed; image checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from scan_support import LINES, render_page, save_tiff, tcvn3_mojibake

from paperwork.archive.extract import UnreadableDocumentError, extract
from paperwork.archive.textcheck import garbled_share, text_layer_problem

VIETNAMESE = "\n".join(LINES)
VNI = (
    "COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM Ñoäc laäp - Töï do - Haïnh phuùc "
    "Quyeát ñònh veà vieäc taëng giaáy khen cho caùc taäp theå vaø caù nhaân"
)


def test_tcvn3_mojibake_is_recognised() -> None:
    assert tcvn3_mojibake("Cộng hòa xã hội chủ nghĩa") == "Céng hßa x· héi chñ nghÜa"
    mojibake = tcvn3_mojibake(VIETNAMESE)
    assert garbled_share(mojibake) >= 0.4
    assert text_layer_problem([mojibake]) == "text layer garbled (legacy TCVN3/VNI font?)"


def test_vni_mojibake_is_recognised() -> None:
    assert text_layer_problem([VNI]) == "text layer garbled (legacy TCVN3/VNI font?)"


@pytest.mark.parametrize(
    "text",
    [
        VIETNAMESE,
        VIETNAMESE.upper(),
        "Die Verwaltungsvorschrift über die Aufbewahrung von Schriftgut regelt, dass Unterlagen "
        "für die Dauer von zehn Jahren aufbewahrt werden müssen und danach geprüft werden.",
        "La décision du préfet concernant la conservation des archives a été publiée après "
        "la réunion de la commission régionale à Hanoï.",
        "The archive keeps every scanned decision of the department, searchable by archivists.",
    ],
)
def test_real_text_layers_are_kept(text: str) -> None:
    assert text_layer_problem([text]) is None


def test_missing_and_too_short_layers() -> None:
    assert text_layer_problem(["", "  \n"]) == "no text layer"
    assert text_layer_problem(["Trang 1", "Trang 2"]) == "text layer too short"
    assert text_layer_problem([VIETNAMESE, ""]) is None  # enough text over the document
    assert text_layer_problem([]) == "no text layer"


def test_images_are_read_for_their_pages_and_need_ocr(tmp_path: Path) -> None:
    page = render_page()
    tiff = save_tiff([page, page, page], tmp_path / "ba-trang.tiff")
    extracted = extract(tiff)
    assert (extracted.text, extracted.pages, extracted.needs_ocr, extracted.ocr_reason) == ("", 3, True, "image")
    png = tmp_path / "trang.png"
    page.save(png)
    assert extract(png).pages == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("scan.png", b"%PDF-1.4 a pdf named png", "not a PNG image (corrupt or another format)"),
        ("scan.jpeg", b"\x89PNG\r\n\x1a\n rest", "not a JPEG image (corrupt or another format)"),
        ("scan.tif", b"II*\x00" + b"\x00" * 8, "not a readable TIFF image: "),
        ("scan.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "not a readable JPEG image: "),
    ],
)
def test_corrupt_images_raise_with_a_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableDocumentError) as info:
        extract(path)
    assert info.value.reason.startswith(reason)


def test_a_truncated_jpeg_is_corrupt(tmp_path: Path) -> None:
    whole = tmp_path / "whole.jpg"
    render_page().save(whole, quality=80)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[:4000])
    with pytest.raises(UnreadableDocumentError, match="not a readable JPEG image"):
        extract(cut)
