"""Electronic originals: a decision rendered by paperwork, signed as the person then as the agency,
checked by pyHanko's own validation and by `paperwork verify-signatures`; the images where Phụ lục I
puts them (read back from the PDF); the failures a clerk meets, each one line and no output file.

The certificate chain, the CRL and the timestamp authority are built by the test (pki_helpers).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import decision_data, init_workspace_cli
from pki_helpers import PASSWORD, Pki, ocsp_response, seal_png, serve_tsa, signature_png

from paperwork.cli import cli
from paperwork.config import load_workspace
from paperwork.errors import InputError
from paperwork.signing import P12Key, SignOptions, Trust, check, has_signatures, load_trust, sign_pdf

SIGNER = "Nguyễn Văn An"
TITLE = "PHÓ GIÁM ĐỐC"
MM = 72 / 25.4


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def images(pki: Pki) -> dict[str, Path]:
    return {"signature": signature_png(pki.folder / "chu-ky.png"), "seal": seal_png(pki.folder / "dau.png", 36)}


@pytest.fixture(scope="module")
def keys(pki: Pki) -> dict[str, P12Key]:
    return {"person": P12Key(pki.person(SIGNER).p12, PASSWORD), "agency": P12Key(pki.agency().p12, PASSWORD)}


@pytest.fixture(scope="module")
def decision(tmp_path_factory) -> Path:
    """A reward decision issued by `paperwork render --issue --pdf`, signed for by Nguyễn Văn An, KT. Giám đốc."""
    root = tmp_path_factory.mktemp("render")
    ws = init_workspace_cli(root / "ws")
    data = decision_data(1)
    data["signer"] = {"authority": "KT. Giám đốc", "title": "Phó Giám đốc", "name": SIGNER}
    (ws / "qd.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(ws), "render", "reward-decision", str(ws / "qd.yaml"),
                                      "-o", str(ws / "qd.docx"), "--issue", "--pdf", "--no-archive"])
    assert result.exit_code == 0, result.output
    return ws / "qd.pdf"


@pytest.fixture(scope="module")
def signed(decision: Path, keys, images, tmp_path_factory) -> dict[str, Path]:
    """The decision signed as the person, then that file signed as the agency."""
    folder = tmp_path_factory.mktemp("signed")
    person, agency = folder / "person.pdf", folder / "both.pdf"
    sign_pdf(decision, person, keys["person"], SignOptions(role="person", image=images["signature"]))
    sign_pdf(person, agency, keys["agency"], SignOptions(role="agency", seal=images["seal"]))
    return {"person": person, "both": agency}


def trust_of(pki: Pki, *crls: Path) -> Trust:
    return Trust().with_files(roots=[pki.folder / "root.pem"], crls=crls)


def pyhanko_statuses(pdf: Path, pki: Pki) -> list:
    """pyHanko's own validation of every signature, against the test's root."""
    from asn1crypto import x509 as a_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = a_x509.Certificate.load(pki.root.cert.public_bytes(__import__("cryptography").hazmat.primitives
                                                              .serialization.Encoding.DER))
    with open(pdf, "rb") as f:
        reader = PdfFileReader(f)
        return [validate_pdf_signature(s, ValidationContext(trust_roots=[root]))
                for s in reader.embedded_signatures]


def widgets(pdf: Path) -> dict[str, tuple[int, tuple[float, float, float, float]]]:
    """Signature field name -> (page, /Rect), read with pypdf from the page annotations."""
    from pypdf import PdfReader

    found = {}
    for number, page in enumerate(PdfReader(pdf).pages):
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/Subtype") == "/Widget" and (a.get("/FT") == "/Sig" or a.get("/Parent", {}).get("/FT") == "/Sig"):
                x0, y0, x1, y1 = (float(v) for v in a["/Rect"])
                found[str(a.get("/T") or a["/Parent"]["/T"])] = (number, (x0, y0, x1, y1))
    return found


def text_boxes(pdf: Path, page: int = 0) -> dict[str, tuple[float, float, float, float]]:
    """Each text line of a page (pdfminer) -> its box."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextBox, LTTextLine

    lines = {}
    for layout in extract_pages(str(pdf), page_numbers=[page]):
        for box in layout:
            if isinstance(box, LTTextBox):
                for line in box:
                    if isinstance(line, LTTextLine):
                        lines[" ".join(line.get_text().split())] = line.bbox
    return lines


def cli_run(*args, input: bytes | None = None, workspace: Path | None = None):
    prefix = ["--workspace", str(workspace)] if workspace else []
    return CliRunner().invoke(cli, [*prefix, *map(str, args)], input=input)


# --------------------------------------------------------------------------- signing as Phụ lục I shows it


@pytest.mark.slow
def test_person_then_agency_both_intact_and_valid(signed, pki):
    """pyHanko's validation: both signatures intact, valid and trusted; the agency's is an incremental
    update that leaves the person's signed bytes as they were."""
    statuses = pyhanko_statuses(signed["both"], pki)
    assert len(statuses) == 2
    for status in statuses:
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
        assert status.bottom_line
    assert [s.signing_cert.subject.native["common_name"] for s in statuses] == [SIGNER, "Sở Nội vụ tỉnh Cà Mau"]
    assert signed["both"].read_bytes().startswith(signed["person"].read_bytes())

    report = check(signed["both"], trust_of(pki))
    assert report.verdict == "valid"
    first, second = report.signatures
    assert (first.signer, first.organisation, first.coverage, first.modifications) == (
        SIGNER, "Sở Nội vụ tỉnh Cà Mau", "whole revision", "form filling")
    assert (second.coverage, second.modifications) == ("whole file", "none")
    assert first.chain[-1] == SIGNER and "Root CA" in first.chain[0]
    assert first.signing_time.utcoffset() == dt.timedelta(hours=7)
    assert has_signatures(signed["both"])


@pytest.mark.slow
def test_images_sit_in_the_signer_block_and_the_seal_covers_the_left_third(signed, decision):
    """The signature image lies between the title and the name, inside the block's width; the seal
    (36 mm, true size) covers about the left third of the signature image."""
    lines = text_boxes(decision)
    title, name, authority = lines[TITLE], lines[SIGNER], lines["KT. GIÁM ĐỐC"]
    found = widgets(signed["both"])
    page, sig = found["person-1"]
    seal_page, seal = found["agency-1"]
    assert page == seal_page == 0
    left = min(title[0], name[0], authority[0])
    right = max(title[2], name[2], authority[2])
    assert left - 0.5 <= sig[0] and sig[2] <= right + 0.5, (sig, left, right)
    assert name[3] < sig[1] and sig[3] < title[1], (sig, title, name)  # between the name and the title
    assert abs((sig[0] + sig[2]) / 2 - (left + right) / 2) < 1  # centred in the block
    width = sig[2] - sig[0]
    overlap = min(seal[2], sig[2]) - max(seal[0], sig[0])
    assert overlap == pytest.approx(width / 3, abs=1), (seal, sig)
    assert seal[0] < sig[0]  # the seal lies on the signature's left
    assert seal[1] < (sig[1] + sig[3]) / 2 < seal[3]
    assert seal[2] - seal[0] == pytest.approx(36 * MM, abs=0.5)
    assert seal[3] - seal[1] == pytest.approx(36 * MM, abs=0.5)


@pytest.mark.slow
def test_page_image_shows_blue_signature_and_red_seal_where_the_annotations_are(signed):
    """Drawn by pypdfium2 with the forms: blue strokes inside the signature's rectangle, red inside the
    seal's, and neither colour anywhere near the header."""
    import pypdfium2

    scale = 2
    pdf = pypdfium2.PdfDocument(str(signed["both"]))
    pdf.init_forms()
    image = pdf[0].render(scale=scale, may_draw_forms=True).to_pil().convert("RGB")
    height = image.height
    found = widgets(signed["both"])

    def count(box, test):
        x0, y0, x1, y1 = box
        crop = image.crop((int(x0 * scale), int(height - y1 * scale), int(x1 * scale), int(height - y0 * scale)))
        return sum(1 for p in _pixels(crop) if test(p))

    def blue(p):
        return p[2] > 150 and p[0] < 90 and p[1] < 110

    def red(p):
        return p[0] > 180 and p[1] < 80 and p[2] < 80

    sig, seal = found["person-1"][1], found["agency-1"][1]
    assert count(sig, blue) > 200
    assert count(seal, red) > 500
    assert count((0, 700, 595, 842), blue) == 0 and count((0, 700, 595, 842), red) == 0


@pytest.mark.slow
def test_agency_copy_and_attachment_text_at_top_right_of_page_one(decision, keys, tmp_path, pki):
    """--copy and --attachment: no image, a text signature at the top right of page 1 (number and symbol,
    ISO 8601 signing time; the copy also its form), in the top margin, inside the right margin."""
    from pypdf import PdfReader

    copy = tmp_path / "copy.pdf"
    result = cli_run("sign", decision, "-o", copy, "--key", keys["agency"].path, "--password-stdin", "--as",
                     "agency", "--copy", input=PASSWORD + b"\n")
    assert result.exit_code == 0, result.output
    page, box = widgets(copy)["agency-1"]
    width, height = (float(v) for v in PdfReader(copy).pages[0].mediabox[2:])
    assert page == 0 and box[2] <= width - 15 * MM + 0.5 and box[3] <= height and box[1] > height - 25 * MM
    header_top = max(b[3] for b in text_boxes(decision).values())
    assert box[1] >= header_top - 2  # above the Quốc hiệu, not over it
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(copy))
    doc.init_forms()
    image = doc[0].render(scale=3, may_draw_forms=True)
    text = doc[0].get_textpage()
    assert text  # the page itself is unchanged text
    pil = image.to_pil().convert("L")
    x0, y0, x1, y1 = box
    crop = pil.crop((int(x0 * 3), int((height - y1) * 3), int(x1 * 3), int((height - y0) * 3)))
    assert sum(1 for p in _pixels(crop) if p < 100) > 300  # black text is drawn there
    stream = _appearance_text(copy, "agency-1")
    assert "SAO Y" in stream and "Số: " in stream and "+07:00" in stream
    assert check(copy, trust_of(pki)).verdict == "valid"

    attachment = tmp_path / "attachment.pdf"
    result = cli_run("sign", decision, "-o", attachment, "--key", keys["agency"].path, "--password-stdin", "--as",
                     "agency", "--attachment", "--number", "07/QĐ-SNV", input=PASSWORD + b"\n")
    assert result.exit_code == 0, result.output
    stream = _appearance_text(attachment, "agency-1")
    assert "07/QĐ-SNV" in stream and "SAO Y" not in stream


def _appearance_text(pdf: Path, field: str) -> str:
    """The text a signature's appearance draws, as pdfminer reads it once the widget is flattened by pdfium."""
    import pypdfium2
    import pypdfium2.raw as raw

    doc = pypdfium2.PdfDocument(str(pdf))
    doc.init_forms()
    page = doc[0]
    raw.FPDFPage_Flatten(page, raw.FLAT_NORMALDISPLAY)
    flat = pdf.with_name(pdf.stem + "-flat.pdf")
    doc.save(str(flat))
    from pdfminer.high_level import extract_text

    return " ".join(extract_text(str(flat), page_numbers=[0]).split())


@pytest.mark.slow
def test_the_seal_follows_the_signature_image_actually_drawn(decision, keys, images, tmp_path):
    """A narrow signature image (height-bound in the block): the seal covers the left third of that
    image, as the earlier signature's widget gives it, not of the block."""
    narrow = signature_png(tmp_path / "narrow.png", (200, 200))
    person, both = tmp_path / "p.pdf", tmp_path / "b.pdf"
    sign_pdf(decision, person, keys["person"], SignOptions(role="person", image=narrow))
    sign_pdf(person, both, keys["agency"], SignOptions(role="agency", seal=images["seal"]))
    found = widgets(both)
    sig, seal = found["person-1"][1], found["agency-1"][1]
    lines = text_boxes(decision)
    assert sig[2] - sig[0] < (lines["KT. GIÁM ĐỐC"][2] - lines["KT. GIÁM ĐỐC"][0]) * 0.9  # narrower than the block
    assert seal[2] == pytest.approx(sig[0] + (sig[2] - sig[0]) / 3, abs=0.5)


@pytest.mark.slow
def test_minutes_two_blocks_the_certificate_names_the_block(pki, images, tmp_path):
    """Minutes have two signer blocks (THƯ KÝ, CHỦ TỌA): the signature goes into the block whose name is the
    certificate's holder, written as certificates often are (capitals, no diacritics); a holder named in
    neither block is refused, naming both."""
    from paperwork.kinds import KINDS

    (tmp_path / "bb.yaml").write_text(KINDS["minutes"].example(), encoding="utf-8")
    result = cli_run("render", "minutes", tmp_path / "bb.yaml", "-o", tmp_path / "bb.docx", "--pdf", "--no-archive")
    assert result.exit_code == 0, result.output
    minutes = tmp_path / "bb.pdf"
    secretary = P12Key(pki.person("LAM THI THU HA", "secretary").p12, PASSWORD)
    out = tmp_path / "bb-ky.pdf"
    sign_pdf(minutes, out, secretary, SignOptions(role="person", image=images["signature"]))
    page, sig = widgets(out)["person-1"]
    lines = text_boxes(minutes, page)
    name, title = lines["Lâm Thị Thu Hà"], lines["THƯ KÝ"]
    left, right = min(title[0], name[0]), max(title[2], name[2])
    assert left - 1 <= sig[0] and sig[2] <= right + 1 and name[3] < sig[1] and sig[3] < title[1]

    stranger = P12Key(pki.person("Nguyễn Văn Bình", "stranger-minutes").p12, PASSWORD)
    with pytest.raises(InputError) as e:
        sign_pdf(minutes, tmp_path / "no.pdf", stranger, SignOptions(role="person", image=images["signature"]))
    assert "2 signer blocks (Lâm Thị Thu Hà, Ngô Công Hầu) and none names the certificate's holder Nguyễn Văn Bình" \
        in str(e.value)
    assert not (tmp_path / "no.pdf").exists()


# --------------------------------------------------------------------------- verdicts


@pytest.mark.slow
def test_a_changed_byte_makes_verification_fail(signed, pki, tmp_path):
    """One byte inside the signed range changed: pyHanko says not intact, the verdict is invalid, exit 1."""
    data = bytearray(signed["both"].read_bytes())
    at = data.index(b"stream", len(data) // 4) + 20  # inside a content stream the first signature covers
    data[at] ^= 0x01
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(bytes(data))
    assert not pyhanko_statuses(broken, pki)[0].intact
    report = check(broken, trust_of(pki))
    assert report.verdict == "invalid" and report.signatures[0].verdict == "invalid"
    assert "changed" in report.signatures[0].problems[0]
    result = cli_run("verify-signatures", broken, "--trust-root", pki.folder / "root.pem")
    assert result.exit_code == 1
    assert "INVALID" in result.output


@pytest.mark.slow
def test_a_page_changed_in_a_later_unsigned_update_makes_the_signature_invalid(signed, pki, tmp_path):
    """The signed bytes untouched, but an incremental update replaces page 1's content: invalid."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    forged = tmp_path / "forged.pdf"
    shutil.copy(signed["both"], forged)
    with open(forged, "r+b") as f:
        writer = IncrementalPdfFileWriter(f)
        page = writer.root["/Pages"]["/Kids"][0].get_object()
        stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 400 Td (Khong co gia tri) Tj ET")
        page[generic.NameObject("/Contents")] = writer.add_object(stream)
        writer.update_container(page)
        writer.write_in_place()
    report = check(forged, trust_of(pki))
    assert report.verdict == "invalid"
    assert all(s.intact for s in report.signatures)  # what they signed is still there ...
    assert all(s.modifications == "other" for s in report.signatures)  # ... but the file says something else
    assert "changed after this signature" in report.signatures[-1].problems[0]


@pytest.mark.slow
def test_untrusted_expired_and_revoked_are_each_reported(decision, pki, images, tmp_path):
    other = Pki(tmp_path / "other")
    stranger = P12Key(other.person(SIGNER, "stranger").p12, PASSWORD)
    now = dt.datetime.now(dt.timezone.utc)
    expired = P12Key(pki.person(SIGNER, "expired", not_before=now - dt.timedelta(days=800),
                                not_after=now - dt.timedelta(days=2)).p12, PASSWORD)
    revoked_cert = pki.person(SIGNER, "revoked")
    pki.revoke(revoked_cert)
    crl = pki.crl("revoked.crl")
    verdicts = {}
    for label, key in (("stranger", stranger), ("expired", expired), ("revoked", P12Key(revoked_cert.p12, PASSWORD))):
        out = tmp_path / f"{label}.pdf"
        sign_pdf(decision, out, key, SignOptions(role="person", image=images["signature"]))
        verdicts[label] = check(out, trust_of(pki, crl))
    assert verdicts["stranger"].verdict == "untrusted"
    assert verdicts["expired"].verdict == "expired"
    assert "valid from" in verdicts["expired"].signatures[0].problems[0]
    assert verdicts["revoked"].verdict == "revoked"
    assert verdicts["revoked"].signatures[0].revocation == "revoked"
    # the same revoked signature with no CRL at hand: valid, and the report says revocation was not checked
    unknown = check(tmp_path / "revoked.pdf", trust_of(pki)).signatures[0]
    assert unknown.verdict == "valid" and unknown.revocation.startswith("not checked")

    result = cli_run("verify-signatures", tmp_path / "revoked.pdf", "--trust-root", pki.folder / "root.pem",
                     "--crl", crl, "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["verdict"] == "revoked" and data["signatures"][0]["signer"] == SIGNER


def test_revocation_from_an_ocsp_response_given_as_a_file(pki, tmp_path):
    """An OCSP response from the CA, given with --ocsp: revoked says revoked, good says good."""
    pdf = blank_pdf(tmp_path / "blank.pdf")
    for label, revoked, verdict, revocation in (("ocsp-bad", True, "revoked", "revoked"),
                                                ("ocsp-good", False, "valid", "good")):
        issued = pki.person(SIGNER, label)
        out = tmp_path / f"{label}.pdf"
        sign_pdf(pdf, out, P12Key(issued.p12, PASSWORD), SignOptions(role="person"))
        answer = ocsp_response(pki, issued, tmp_path / f"{label}.ocsp", revoked=revoked)
        result = cli_run("verify-signatures", out, "--trust-root", pki.folder / "root.pem", "--ocsp", answer, "--json")
        data = json.loads(result.output)
        assert (data["verdict"], data["signatures"][0]["revocation"]) == (verdict, revocation), data
        assert result.exit_code == (0 if verdict == "valid" else 1)


def test_a_crl_embedded_in_the_pdf_is_used(pki, tmp_path):
    """A CRL in the PDF's Document Security Store (PAdES B-LT) is revocation data at hand: no --crl needed."""
    from asn1crypto import crl as a_crl
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    from paperwork.signing.trust import read_crls

    issued = pki.person(SIGNER, "dss-revoked")
    pki.revoke(issued)
    crl = pki.crl("dss.crl")
    out = tmp_path / "dss.pdf"
    sign_pdf(blank_pdf(tmp_path / "blank.pdf"), out, P12Key(issued.p12, PASSWORD), SignOptions(role="person"))
    assert check(out, trust_of(pki)).verdict == "valid"  # nothing at hand yet
    with open(out, "r+b") as f:
        DocumentSecurityStore.add_dss(f, None, crls=[a_crl.CertificateList.load(der) for der in read_crls(crl)],
                                      force_write=True)
    report = check(out, trust_of(pki))
    assert report.signatures[0].revocation == "revoked" and report.verdict == "revoked"


@pytest.mark.slow
def test_timestamped_signature_against_a_local_rfc3161_authority(decision, keys, images, pki, tmp_path):
    """PAdES B-T: the signature carries a token from the test's authority over HTTP; pyHanko says it is
    valid and trusted, and the report gives its time."""
    out = tmp_path / "ts.pdf"
    with serve_tsa(pki) as url:
        result = cli_run("sign", decision, "-o", out, "--key", keys["person"].path, "--password-stdin", "--as",
                         "person", "--image", images["signature"], "--tsa", url, input=PASSWORD + b"\n")
    assert result.exit_code == 0, result.output
    assert "timestamped" in result.output
    assert serve_tsa.requests, "the authority was never asked"
    [status] = pyhanko_statuses(out, pki)
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    sig = check(out, trust_of(pki)).signatures[0]
    assert sig.verdict == "valid" and sig.timestamp_trusted
    assert abs((sig.timestamp - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 600


@pytest.mark.slow
def test_a_timestamp_authority_that_does_not_answer_is_one_line_and_no_file(decision, keys, tmp_path):
    out = tmp_path / "ts.pdf"
    result = cli_run("sign", decision, "-o", out, "--key", keys["person"].path, "--password-stdin", "--as", "person",
                     "--tsa", "http://127.0.0.1:9/tsa", input=PASSWORD + b"\n")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "did not answer" in result.output
    assert not out.exists() and not list(tmp_path.glob(".ts.pdf*"))


# --------------------------------------------------------------------------- failures a clerk meets


def blank_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with open(path, "wb") as f:
        writer.write(f)
    return path


@pytest.fixture
def bare(pki, keys, images, tmp_path) -> dict[str, Path]:
    return {"pdf": blank_pdf(tmp_path / "blank.pdf"), "out": tmp_path / "out.pdf"}


def test_wrong_password_missing_key_and_no_signer_block_are_one_line_exit_2(bare, keys, images, tmp_path):
    out = bare["out"]
    out.write_bytes(b"as it was")
    cases = [
        (["--key", keys["person"].path, "--password-stdin"], b"sai\n", f"Error: {keys['person'].path}: wrong password"),
        (["--key", tmp_path / "nokey.p12"], None, f"Error: {tmp_path / 'nokey.p12'}: no such key file"),
        (["--key", keys["person"].path, "--password-stdin", "--image", images["signature"]], PASSWORD + b"\n",
         f"Error: {bare['pdf']}: no signer block found (a title, space for the signature, then the signer's name)"),
        (["--key", bare["pdf"]], None, f"Error: {bare['pdf']}: not a PKCS#12 key file (.p12, .pfx)"),
    ]
    for args, stdin, line in cases:
        result = cli_run("sign", bare["pdf"], "-o", out, "--as", "person", *args, input=stdin)
        assert result.exit_code == 2, result.output
        assert result.output.strip() == line
        assert out.read_bytes() == b"as it was"  # never half-written, never replaced
        assert not list(tmp_path.glob(".out.pdf*"))


def test_a_seal_without_resolution_and_an_opaque_signature_are_refused(bare, keys, tmp_path):
    from PIL import Image

    flat = tmp_path / "flat.png"
    Image.new("RGB", (100, 40), (0, 0, 255)).save(flat)
    nodpi = tmp_path / "nodpi.png"
    Image.new("RGBA", (100, 100), (255, 0, 0, 255)).save(nodpi)
    with pytest.raises(InputError, match="transparent"):
        sign_pdf(bare["pdf"], bare["out"], keys["person"], SignOptions(role="person", image=flat))
    with pytest.raises(InputError, match="resolution"):
        sign_pdf(bare["pdf"], bare["out"], keys["agency"], SignOptions(role="agency", seal=nodpi))
    assert not bare["out"].exists()


def test_an_invisible_signature_needs_no_signer_block(bare, keys, pki):
    result = sign_pdf(bare["pdf"], bare["out"], keys["person"], SignOptions(role="person"))
    assert result.page is None
    assert check(bare["out"], trust_of(pki)).verdict == "valid"
    assert check(bare["pdf"], trust_of(pki)).verdict == "unsigned"
    assert has_signatures(bare["out"]) and not has_signatures(bare["pdf"])


def test_verify_exit_status_and_verdicts_for_unsigned_and_untrusted(bare, keys):
    sign_pdf(bare["pdf"], bare["out"], keys["person"], SignOptions(role="person"))
    result = cli_run("verify-signatures", bare["pdf"])
    assert result.exit_code == 1 and "unsigned (0 signatures)" in result.output
    result = cli_run("verify-signatures", bare["out"])  # no trust roots configured anywhere
    assert result.exit_code == 1 and "UNTRUSTED" in result.output
    assert "[signatures] trust_roots" in result.output


# --------------------------------------------------------------------------- trust configuration


def test_workspace_trust_roots_and_crls_from_paperwork_toml(pki, tmp_path, new_workspace, bare, keys):
    root = tmp_path / "ws"
    pki_dir = root / "pki"
    pki_dir.mkdir(parents=True)
    shutil.copy(pki.folder / "root.pem", pki_dir / "root.pem")
    crl = pki.crl("empty.crl")
    shutil.copy(crl, pki_dir / "ca.crl")
    ws = new_workspace(root, '[signatures]\ntrust_roots = ["pki/root.pem"]\ncrls = ["pki/ca.crl"]\n')
    trust = load_trust(ws)
    assert len(trust.roots) == 1 and len(trust.crls) == 1
    sign_pdf(bare["pdf"], bare["out"], keys["person"], SignOptions(role="person"))
    result = cli_run("verify-signatures", bare["out"], workspace=root)
    assert result.exit_code == 0, result.output
    assert "revocation: good" in result.output
    from paperwork.records import audit

    [event] = audit.events(ws, action="signature check")
    assert event.details["verdict"] == "valid"


@pytest.mark.parametrize("profile, field", [
    ('[signatures]\ntrust_roots = "pki/root.pem"\n', "signatures.trust_roots"),
    ('[signatures]\ntrust_roots = ["pki/none.pem"]\n', "signatures.trust_roots[0]"),
    ('[signatures]\nroots = ["pki/root.pem"]\n', "signatures.roots"),
])
def test_a_bad_signatures_table_names_the_profile_and_the_field(tmp_path, new_workspace, profile, field):
    ws = new_workspace(tmp_path / "ws", profile)
    with pytest.raises(InputError) as e:
        load_trust(ws)
    assert str(e.value).startswith(f"{ws.profile_path}: {field}: ")


# --------------------------------------------------------------------------- the pipeline


@pytest.mark.slow
def test_render_issue_pdf_sign_signs_after_numbering_and_records_it(clerk_ws, pki, images, tmp_path):
    """render --issue --pdf --sign: the signed PDF shows the issued number; the audit trail has `sign`.
    A wrong password stops before a number is issued."""
    data = decision_data(2)
    data["signer"] = {"authority": "KT. Giám đốc", "title": "Phó Giám đốc", "name": SIGNER}
    (clerk_ws / "qd.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    person = pki.person(SIGNER, "render-person")
    args = ["render", "reward-decision", clerk_ws / "qd.yaml", "-o", clerk_ws / "qd.docx", "--issue", "--pdf",
            "--sign", "--key", person.p12, "--password-stdin", "--image", images["signature"]]
    refused = cli_run(*args, input=b"sai\n", workspace=clerk_ws)
    assert refused.exit_code == 2 and refused.output.strip() == f"Error: {person.p12}: wrong password"
    assert not (clerk_ws / "qd.docx").exists()
    result = cli_run(*args, input=PASSWORD + b"\n", workspace=clerk_ws)
    assert result.exit_code == 0, result.output
    assert "(Số: 01/QĐ-SNV, registered)" in result.output  # the refused run took no number
    assert f"signed {clerk_ws / 'qd.pdf'} as person: {SIGNER}" in result.output
    assert check(clerk_ws / "qd.pdf", trust_of(pki)).verdict == "valid"
    assert "Số: 01/QĐ-SNV" in text_boxes(clerk_ws / "qd.pdf")
    from paperwork.records import audit

    signs = audit.events(load_workspace(clerk_ws), action="sign")
    assert len(signs) == 1 and signs[0].object_kind == "file"
    assert signs[0].object_id == str(clerk_ws / "qd.pdf")
    assert signs[0].details["signer"] == SIGNER and signs[0].details["role"] == "person"
    # The signed PDF, the electronic original, is archived beside the .docx; its log shows the signature.
    import re

    pdf_id = int(re.search(r"archived the signed PDF as id (\d+)", result.output).group(1))
    shown = json.loads(cli_run("archive", "show", pdf_id, "--json", workspace=clerk_ws).stdout)
    assert shown["filename"] == "qd.pdf" and shown["number"] == "01/QĐ-SNV"
    assert shown["signatures"]["verdict"] == "untrusted"  # clerk_ws names no trust roots
    assert "sign" in [e.action for e in audit.events(load_workspace(clerk_ws), doc=pdf_id)]


def test_render_sign_needs_pdf(clerk_ws):
    result = cli_run("render", "reward-decision", clerk_ws / "qd.yaml", "-o", clerk_ws / "qd.docx", "--sign",
                     workspace=clerk_ws)
    assert result.exit_code == 2 and "--sign: --sign signs the PDF: give --pdf too" in result.output


def test_load_workspace_without_signatures_table_trusts_nothing(tmp_path, new_workspace):
    ws = new_workspace(tmp_path / "ws", '[agency]\nname = "Sở Nội vụ"\n')
    assert load_trust(load_workspace(ws.root)) == Trust()


def _pixels(image):
    """Every pixel (Pillow 13 renamed getdata)."""
    return getattr(image, "get_flattened_data", image.getdata)()


def test_has_signatures_is_false_for_other_files_and_an_error_for_a_missing_one(tmp_path):
    (tmp_path / "a.docx").write_bytes(b"PK\x03\x04 not a pdf")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    assert not has_signatures(tmp_path / "a.docx")
    assert not has_signatures(tmp_path / "broken.pdf")
    with pytest.raises(InputError, match="no such file"):
        has_signatures(tmp_path / "missing.pdf")
    result = cli_run("verify-signatures", tmp_path / "a.docx")
    assert result.exit_code == 2 and result.output.strip() == f"Error: {tmp_path / 'a.docx'}: not a PDF"


def test_render_sign_refuses_a_draft(clerk_ws, pki):
    """A draft has a blank number and date: signing it would make an original of nothing. No number taken."""
    data = decision_data(3)
    (clerk_ws / "draft.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    person = pki.person(SIGNER, "draft-person")
    result = cli_run("render", "reward-decision", clerk_ws / "draft.yaml", "-o", clerk_ws / "draft.docx", "--pdf",
                     "--sign", "--key", person.p12, "--password-stdin", input=PASSWORD + b"\n", workspace=clerk_ws)
    assert result.exit_code == 2
    assert result.output.strip() == "Error: --sign: a draft (no number, no date) is not signed: give --issue"
    assert not (clerk_ws / "draft.docx").exists()
