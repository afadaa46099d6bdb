"""The rendered examples through the real LibreOffice: the PDF a clerk would print."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from paperwork.cli import cli
from paperwork.kinds import KINDS

pytestmark = pytest.mark.slow

SIGNER = {"reward-decision": "Trần Văn Minh", "covenant": "Trương Hoàng Phúc", "minutes": "Ngô Công Hầu",
          "invitation": "Nguyễn Quốc Liêm", "certificate": "Trần Văn Minh"}
# Pages the example makes when it is not simply "at least two": the invitation
# fits one page; the certificate is one landscape page per awardee (17).
PAGES = {"invitation": 1, "certificate": 17}
PAGE_MM = {"certificate": (297, 210)}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_pdf_holds_the_signer_and_page_numbers(tmp_path, kind):
    src = tmp_path / f"{kind}.yaml"
    src.write_text(KINDS[kind].example(), encoding="utf-8")
    out = tmp_path / f"{kind}.docx"
    result = CliRunner().invoke(cli, ["--workspace", str(tmp_path), "render", kind, str(src), "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(out.with_suffix(".pdf"))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    assert SIGNER[kind] in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    if kind in PAGES:
        assert len(pages) == PAGES[kind]
    else:
        assert len(pages) >= 2
    # No first page (of the document or of the attached list) carries a number;
    # later pages start with theirs, in the header. Certificates carry none at all.
    assert not any(re.match(r"\s*1\s*\n", p) for p in pages)
    if kind == "certificate":
        assert all(p.lstrip().startswith("CỘNG HÒA") and SIGNER[kind] in p for p in pages)
    elif len(pages) >= 2:
        assert any(re.match(r"\s*2\s*\n", p) for p in pages[1:]), [p[:20] for p in pages]
    # Times New Roman or a metric twin that has every Vietnamese letter: a
    # fallback face (DejaVu …) would mean glyphs missing from the font.
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all(f.startswith(("LiberationSerif", "TimesNewRoman", "Tinos")) for f in fonts), fonts
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == PAGE_MM.get(kind, (210, 297))


def test_render_names_the_embedded_font_and_strict_font_refuses_a_stand_in(tmp_path):
    """Liberation Serif stands in for Times New Roman here: said on the PDF line; an error with
    [pdf] strict_font = true (a workspace issuing electronic originals), and no PDF is left."""
    from paperwork.pdf import embedded_fonts

    src = tmp_path / "qd.yaml"
    src.write_text(KINDS["invitation"].example(), encoding="utf-8")
    out = tmp_path / "gm.docx"
    result = CliRunner().invoke(cli, ["--workspace", str(tmp_path), "render", "invitation", str(src), "-o", str(out),
                                      "--pdf", "--no-archive"])
    assert result.exit_code == 0, result.stderr
    fonts = embedded_fonts(out.with_suffix(".pdf"))
    assert fonts == ["Liberation Serif"]  # no Times New Roman on the test machine
    assert f"wrote {out.with_suffix('.pdf')} (font: Liberation Serif, standing in for Times New Roman)" in result.stdout
    (tmp_path / "paperwork.toml").write_text("[pdf]\nstrict_font = true\n", encoding="utf-8")
    out.with_suffix(".pdf").unlink()
    strict = CliRunner().invoke(cli, ["--workspace", str(tmp_path), "render", "invitation", str(src), "-o",
                                      str(tmp_path / "gm2.docx"), "--pdf", "--no-archive"])
    assert strict.exit_code == 1
    assert strict.stderr == (
        f"Error: {tmp_path / 'gm2.docx'} was written, but not its PDF: {tmp_path / 'gm2.pdf'}: embeds Liberation"
        f" Serif in place of Times New Roman ([pdf] strict_font = true): install Times New Roman on this machine"
        ' (README, "Times New Roman for electronic originals")\n')
    assert not (tmp_path / "gm2.pdf").exists()
