"""Signing a PDF with pyHanko: PAdES baseline B-B, or B-T with a timestamp authority.

    key = P12Key(Path("an.p12"), b"secret")            # or TokenKey(lib, token_label=…, key_label=…, pin=…)
    sign_pdf(Path("qd.pdf"), Path("qd-signed.pdf"), key, SignOptions(role="person", image=Path("an.png")))
    sign_pdf(Path("qd-signed.pdf"), Path("qd-signed.pdf"), agency_key, SignOptions(role="agency", seal=…))

Each signature is an incremental update: the bytes an earlier signature covers are kept as they
are, so the person's signature stays valid after the agency's. The output is written beside its
target and renamed into place (``files.write_atomic``): a failure leaves no half-written file.
pyHanko's types stay in this package; callers get ``SignResult``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from .. import files
from ..errors import InputError, PaperworkError
from ..i18n import _
from . import appearance as ap
from .keys import P12Key, TokenKey, holder, signer_for
from .keys import timestamper as tsa_client

__all__ = ["COPY_FORMS", "FORMS", "ROLES", "SignOptions", "SignResult", "check_ready", "pipeline_signer", "record",
           "sign_pdf"]

ROLES = ("person", "agency")
FORMS = ("block", "attachment", "copy")  # where the agency's signature shows
COPY_FORMS = ("SAO Y", "SAO LỤC", "TRÍCH SAO")  # Phụ lục I Phần II
TEXT_SIZE = 10  # points: the agency's text signature, Times New Roman 10 (Phụ lục I)
_VN = dt.timezone(dt.timedelta(hours=7))  # Vietnam time, no daylight saving since 1975


@dataclass(frozen=True)
class SignOptions:
    role: str = "person"  # "person" (the competent person) or "agency" (the agency's signature)
    image: Path | None = None  # the person's handwritten signature: blue, transparent PNG
    seal: Path | None = None  # the agency's seal: red, transparent PNG with its resolution (true size)
    form: str = "block"  # agency only: "attachment" or "copy" put a text block at the top right of page 1
    copy_form: str = "SAO Y"  # copies state their form
    agency: str | None = None  # the text form's agency name (default: the certificate's organisation)
    number: str | None = None  # the text form's number and symbol (default: read on page 1)
    tsa: str | None = None  # RFC 3161 timestamp authority URL: PAdES B-T
    timestamper: Any = None  # a pyhanko TimeStamper (tests; overrides ``tsa``)
    reason: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class SignResult:
    output: Path
    field: str  # the signature field's name
    role: str
    form: str
    signer: str  # the certificate's common name
    organisation: str | None
    signed_at: dt.datetime  # Vietnam time
    timestamped: bool
    page: int | None  # from 0; None: an invisible signature
    box: ap.Box | None  # the signature widget's rectangle
    images: tuple[tuple[str, ap.Box], ...] = ()  # ("signature"|"seal"|"text", box)

    def as_dict(self) -> dict[str, object]:
        return {"output": str(self.output), "field": self.field, "role": self.role, "form": self.form,
                "signer": self.signer, "organisation": self.organisation,
                "signed_at": self.signed_at.isoformat(timespec="seconds"), "timestamped": self.timestamped,
                "page": None if self.page is None else self.page + 1,
                "box": None if self.box is None else [round(v, 2) for v in self.box]}


# --------------------------------------------------------------------------- appearance


def _font_file() -> str:
    """Times New Roman, or the metric-compatible font fontconfig stands in for it (Liberation Serif)."""
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}", "Times New Roman"], capture_output=True, text=True,
                                   timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found.lower().endswith((".ttf", ".otf")) and Path(found).is_file():
            return found
    for candidate in ("/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf",
                      "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
                      "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"):
        if Path(candidate).is_file():
            return candidate
    raise PaperworkError(_("no Times New Roman (or Liberation Serif) font on this machine for the text signature:"
                           " install fonts-liberation2"))


def _font_for(font: str, text: str, folder: Path) -> str:
    """``font`` cut down to the characters of ``text`` (and the digits of a time), at 1000 units per em.

    pyHanko writes a TrueType font's glyph widths in the font's own units, where a PDF expects
    thousandths of an em: a font of 2048 units (Times New Roman, Liberation Serif) would show
    its letters twice as far apart. At 1000 units the two agree.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    tt = TTFont(font)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables = [*options.drop_tables, "FFTM"]  # FontForge's timestamps: fontTools cannot subset them
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + "0123456789T:+-. ")
    subsetter.subset(tt)
    if tt["head"].unitsPerEm != 1000:
        scale_upem(tt, 1000)
    path = folder / "signature-font.ttf"
    tt.save(str(path))
    return str(path)


def _text_width(font: str, text: str) -> float:
    from PIL import ImageFont

    scale = 10  # measure at 100 pt for precision
    return ImageFont.truetype(font, TEXT_SIZE * scale).getlength(text) / scale


def _image_style(path: Path):
    from PIL import Image
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.stamp import StaticStampStyle

    with Image.open(path) as img:
        img.load()
        picture = img.convert("RGBA")
    rule = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
                                      margins=layout.Margins.uniform(0),
                                      inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT)
    return StaticStampStyle(background=PdfImage(picture), background_opacity=1.0, border_width=0,
                            background_layout=rule)


def _text_style(font: str, lines: list[str]):
    from pyhanko.pdf_utils import layout, text
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.stamp import TextStampStyle

    class IsoTimeStyle(TextStampStyle):
        """``%(ts)s`` as ISO 8601 in Vietnam time (2026-03-06T09:14:03+07:00): the signing time."""

        def create_stamp(self, writer, box, text_params):
            params = dict(text_params)
            when = dt.datetime.strptime(params["ts"], self.timestamp_format)
            params["ts"] = when.astimezone(_VN).isoformat(timespec="seconds")
            return super().create_stamp(writer, box, params)

    box_style = text.TextBoxStyle(font=GlyphAccumulatorFactory(font, font_size=TEXT_SIZE), font_size=TEXT_SIZE,
                                  leading=TEXT_SIZE + 1, border_width=0)
    rule = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MAX,
                                      margins=layout.Margins.uniform(0),
                                      inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT)
    return IsoTimeStyle(stamp_text="\n".join(lines), text_box_style=box_style, border_width=0, background=None,
                        inner_content_layout=rule, timestamp_format="%Y-%m-%dT%H:%M:%S%z")


def _existing_widgets(reader) -> list[tuple[int, ap.Box]]:
    """The pages and rectangles of the signature fields already in the file."""
    from .verify import signature_widgets

    return signature_widgets(reader)


# --------------------------------------------------------------------------- signing


@dataclass(frozen=True)
class _Placement:
    page: int | None
    box: ap.Box | None
    style: Any
    images: tuple[tuple[str, ap.Box], ...]


def _place(src: Path, reader, options: SignOptions, signer_name: str, organisation: str | None,
           scratch: Path) -> _Placement:
    if options.role == "agency" and options.form in ("attachment", "copy"):
        return _place_text(src, options, options.agency or organisation or signer_name, scratch)
    picture = options.image if options.role == "person" else options.seal
    if picture is None:
        return _Placement(None, None, None, ())  # an invisible signature: nothing drawn
    if options.role == "person":
        size = ap.image_size(picture, true_size=False, what=_("the signature image"))
    else:
        size = ap.image_size(picture, true_size=True, what=_("the seal image"))
    lines = ap.read_lines(src)
    earlier = _existing_widgets(reader)
    block = ap.choose_block(ap.find_signer_blocks(lines), src, signer=signer_name if options.role == "person" else None,
                            over=earlier)
    if options.role == "person":
        box = ap.place_signature(block, size)
        return _Placement(block.page, box, _image_style(picture), (("signature", box),))
    under = [b for page, b in earlier if page == block.page and ap._overlaps(b, block.box)]
    signature = under[0] if under else block.slot
    box = ap.place_seal(signature, size)
    return _Placement(block.page, box, _image_style(picture), (("seal", box),))


def _place_text(src: Path, options: SignOptions, agency: str, scratch: Path) -> _Placement:
    lines = ap.read_lines(src, pages=[0])
    number = options.number or ap.number_on_page(lines)
    text_lines = []
    if options.form == "copy":
        text_lines.append(options.copy_form)
    text_lines.append(agency)
    if number:
        text_lines.append(f"Số: {number}")
    elif options.form == "attachment":
        raise InputError(_("page 1 shows no number and symbol (Số: …/…) for the attachment's signature:"
                           " give --number"),
                         source=str(src))
    text_lines.append("%(ts)s")
    font = _font_file()
    sample = dt.datetime(2026, 12, 31, 23, 59, 59, tzinfo=_VN).isoformat()
    width = max(_text_width(font, ln.replace("%(ts)s", sample)) for ln in text_lines) + 2
    height = len(text_lines) * (TEXT_SIZE + 1) + 2
    box = ap.top_right_box(ap.page_size(src), (width, height))
    return _Placement(0, box, _text_style(_font_for(font, "".join(text_lines), scratch), text_lines),
                      (("text", box),))


def _field_name(reader, role: str) -> str:
    from pyhanko.sign.fields import enumerate_sig_fields

    taken = {name for name, _value, _ref in enumerate_sig_fields(reader)}
    n = 1
    while f"{role}-{n}" in taken:
        n += 1
    return f"{role}-{n}"


def sign_pdf(src: Path, out: Path, key: P12Key | TokenKey, options: SignOptions) -> SignResult:
    """Sign ``src`` into ``out`` (which may be ``src``) as ``options`` say; one incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    src, out = Path(src), Path(out)
    if options.role not in ROLES:
        raise InputError(_("must be one of {choices}").format(choices=", ".join(ROLES)), field="--as")
    if options.form not in FORMS or (options.form != "block" and options.role != "agency"):
        raise InputError(_("--attachment and --copy are the agency's signature: give --as agency"), field="--as")
    if options.copy_form not in COPY_FORMS:
        raise InputError(_("must be one of {choices}").format(choices=", ".join(COPY_FORMS)), field="--copy-form")
    if options.role == "agency" and options.image is not None:
        raise InputError(_("the agency signs with its seal: give --seal, not --image"), field="--image")
    if options.role == "person" and options.seal is not None:
        raise InputError(_("a person signs with the signature image: give --image, not --seal"), field="--seal")
    files.check_target(out)
    try:
        data = src.read_bytes()
    except FileNotFoundError as e:
        raise InputError(_("no such file"), source=str(src)) from e
    except OSError as e:
        raise InputError(_("cannot read: {error}").format(error=e.strerror or e), source=str(src)) from e
    if not data.startswith(b"%PDF"):
        raise InputError(_("not a PDF"), source=str(src))
    timestamper = options.timestamper or (tsa_client(options.tsa) if options.tsa else None)
    with signer_for(key) as signer, tempfile.TemporaryDirectory(prefix="paperwork-sign-") as scratch:
        name, organisation = holder(signer.signing_cert)
        try:
            writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
        except (PdfError, ValueError) as e:
            raise InputError(_("not a readable PDF: {error}").format(error=e), source=str(src)) from e
        if writer.prev.encrypted:
            raise InputError(_("the PDF is encrypted: paperwork signs unencrypted PDFs"), source=str(src))
        placement = _place(src, writer.prev, options, name, organisation, Path(scratch))
        field = _field_name(writer.prev, options.role)
        spec = fields.SigFieldSpec(sig_field_name=field, on_page=placement.page or 0,
                                   box=placement.box if placement.box else None)
        meta = signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES,
                                            use_pades_lta=False, reason=options.reason, location=options.location,
                                            name=name)
        pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper, new_field_spec=spec,
                                       stamp_style=placement.style)
        output = BytesIO()
        try:
            pdf_signer.sign_pdf(writer, output=output)
        except (TimestampRequestError, SigningError, PdfError) as e:
            raise PaperworkError(_("{path}: not signed: {error}").format(path=src, error=e)) from e
    files.write_atomic(out, output.getvalue())
    return SignResult(out, field, options.role, options.form, name, organisation, _signing_time(out, field),
                      timestamper is not None, placement.page, placement.box, placement.images)


def _signing_time(path: Path, field: str) -> dt.datetime:
    """The signing time the new signature records (/M), in Vietnam time."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    with open(path, "rb") as f:
        for sig in PdfFileReader(f, strict=False).embedded_signatures:
            if sig.field_name == field and sig.self_reported_timestamp is not None:
                return sig.self_reported_timestamp.astimezone(_VN)
    return dt.datetime.now(_VN)


# --------------------------------------------------------------------------- the records and the pipeline


def record(ws, result: SignResult, *, archive_id: int | None = None) -> None:
    """The audit event ``sign`` for one signature, when the workspace keeps records (has a catalog):
    object "document" (its archive id) when the signed file is archived, else "file" (its path)."""
    from ..records import audit

    if not ws.catalog_path.is_file():
        return
    details = {**result.as_dict(), "sha256": files.sha256_file(result.output)}
    if archive_id is not None:
        audit.record(ws, "sign", "document", archive_id, details)
    else:
        audit.record(ws, "sign", "file", str(Path(result.output).absolute()), details)


def check_ready(key: P12Key | TokenKey, options: SignOptions) -> str:
    """Everything about signing that can be wrong before a document exists: the key opens (password,
    PIN), the images are usable PNGs. Returns the certificate's holder. ``render --sign`` asks this
    before a number is issued, so a wrong password costs no number."""
    if options.role == "person" and options.image is not None:
        ap.image_size(options.image, true_size=False, what=_("the signature image"))
    if options.role == "agency" and options.seal is not None:
        ap.image_size(options.seal, true_size=True, what=_("the seal image"))
    with signer_for(key) as signer:
        return holder(signer.signing_cert)[0]


def pipeline_signer(ws, key: P12Key | TokenKey, options: SignOptions):
    """A ``pipeline.Signer``: signs a written PDF in place and records the event."""

    def sign(pdf: Path) -> SignResult:
        result = sign_pdf(pdf, pdf, key, options)
        record(ws, result)
        return result

    return sign
