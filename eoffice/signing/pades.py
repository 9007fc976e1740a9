"""PAdES signatures the Decree 30 way (shared/notes/signing.md, design "Bc + locks").

1. `prepare_for_signing`: before any signature, add the empty text fields `SoKyHieu` and
   `NgayBanHanh`, the signature field `LanhDao`, and `VanThu` with a `/Lock` (FieldMDP Include
   [SoKyHieu, NgayBanHanh] + DocMDP P=1). Every field must exist before the leader certifies:
   pyHanko rejects new visible signature fields after a certification signature.
2. `sign_personal`: the leader's certification signature P=2 (form filling) into `LanhDao`,
   showing only the blue signature image.
3. `sign_organisation`: in one incremental revision, the clerk fills number and date with static
   appearances and signs `VanThu` with the red seal over the left third of the leader's image.
4. `sign_attachment`: an attachment in its own file gets an organisation signature with a text
   block (number/symbol and ISO 8601 time, +07:00) at the top right of page 1.

All functions take and return PDF bytes; nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import io
import zlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.form_tools import populate_static_text_field
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.stamp import StaticStampStyle, TextStampStyle

from eoffice.signing import errors
from eoffice.signing.fonts import times_font
from eoffice.signing.signers import DocumentSigner, check_certificate

MAX_PDF_BYTES = 50 * 1024 * 1024
NUMBER_FIELD = "SoKyHieu"
DATE_FIELD = "NgayBanHanh"
LEADER_FIELD = "LanhDao"
ORG_FIELD = "VanThu"
LOCKED_FIELDS = (NUMBER_FIELD, DATE_FIELD)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MM = 72 / 25.4
SEAL_MM = 36.0

# PDF points; whole points are precise enough for a template (0.35 mm).
Rect = tuple[int, int, int, int]

# What a damaged PDF makes pyHanko's reader raise, found by fuzzing (tests/test_hostile.py): besides
# PdfError, plain KeyError/ValueError/zlib errors, `assert`s inside the object-stream reader, and
# NotImplementedError for a stream filter name the reader does not know (a flipped byte in /FlateDecode).
PARSE_ERRORS: tuple[type[BaseException], ...] = (
    PdfError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    AssertionError,
    zlib.error,
    RecursionError,
    NotImplementedError,
)


@dataclass(frozen=True)
class FieldLayout:
    """Where the template puts things, in PDF points (x1, y1, x2, y2) on `page` (0-based).

    `seal` is derived from `signature`: the seal's right edge sits at one third of the
    signature image, so it covers the image's left third (Decree 30, Phụ lục I).
    """

    number: Rect
    date: Rect
    signature: Rect
    page: int = 0
    seal_size: float = SEAL_MM * MM

    @property
    def seal(self) -> Rect:
        x1, y1, x2, y2 = self.signature
        right = x1 + (x2 - x1) / 3
        middle = (y1 + y2) / 2
        half = self.seal_size / 2
        return (round(right - self.seal_size), round(middle - half), round(right), round(middle + half))


# An A4 layout matching Decree 30 Phụ lục I (number top left, place and date top right,
# signature block bottom right); templates pass their own.
DEFAULT_LAYOUT = FieldLayout(
    number=(70, 735, 260, 755), date=(300, 735, 540, 755), signature=(330, 165, 472, 222)
)


def open_pdf(data: bytes) -> IncrementalPdfFileWriter:
    """An incremental writer over `data`; refuses oversized, encrypted and corrupt files."""
    if len(data) > MAX_PDF_BYTES:
        raise errors.pdf_too_large(MAX_PDF_BYTES)
    if not data.startswith(b"%PDF-"):
        raise errors.pdf_corrupt("no %PDF- header")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except PARSE_ERRORS as exc:
        raise errors.pdf_corrupt(str(exc)) from exc
    if writer.prev.encrypted:
        raise errors.pdf_encrypted()
    try:
        int(writer.root["/Pages"]["/Count"])
    except PARSE_ERRORS as exc:
        raise errors.pdf_corrupt(str(exc)) from exc
    return writer


def read_pdf(data: bytes) -> PdfFileReader:
    return open_pdf(data).prev


def _add_text_field(writer: IncrementalPdfFileWriter, name: str, rect: Rect, page: int) -> None:
    """An empty, printable /Tx widget field with an empty appearance, filled later by the clerk."""
    page_ref = writer.find_page_for_modification(page)[0]
    x1, y1, x2, y2 = rect
    appearance = generic.StreamObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/XObject"),
            generic.NameObject("/Subtype"): generic.NameObject("/Form"),
            generic.NameObject("/BBox"): generic.ArrayObject(
                [
                    generic.FloatObject(0),
                    generic.FloatObject(0),
                    generic.FloatObject(x2 - x1),
                    generic.FloatObject(y2 - y1),
                ]
            ),
        },
        stream_data=b"",
    )
    field = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Widget"),
            generic.NameObject("/FT"): generic.NameObject("/Tx"),
            generic.NameObject("/T"): generic.TextStringObject(name),
            generic.NameObject("/F"): generic.NumberObject(4),
            generic.NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in rect]),
            generic.NameObject("/P"): page_ref,
            generic.NameObject("/AP"): generic.DictionaryObject(
                {generic.NameObject("/N"): writer.add_object(appearance)}
            ),
        }
    )
    field_ref = writer.add_object(field)
    page_obj = page_ref.get_object()
    annots = page_obj.get("/Annots")
    if annots is None:
        page_obj[generic.NameObject("/Annots")] = generic.ArrayObject([field_ref])
    else:
        annots.get_object().append(field_ref)
        if isinstance(page_obj.raw_get("/Annots"), generic.IndirectObject):
            writer.mark_update(page_obj.raw_get("/Annots"))
    writer.update_container(page_obj)
    form = writer.root.get("/AcroForm")
    if form is None:
        writer.root[generic.NameObject("/AcroForm")] = generic.DictionaryObject(
            {generic.NameObject("/Fields"): generic.ArrayObject([field_ref])}
        )
        writer.update_root()
    else:
        form = form.get_object()
        form["/Fields"].append(field_ref)
        writer.update_container(form)


def prepare_for_signing(pdf: bytes, layout_: FieldLayout = DEFAULT_LAYOUT) -> bytes:
    """Add the number/date text fields and both signature fields (with the org `/Lock`)."""
    writer = open_pdf(pdf)
    try:
        return _prepare(writer, layout_)
    except PARSE_ERRORS as exc:
        raise errors.pdf_corrupt(str(exc)) from exc


def _prepare(writer: IncrementalPdfFileWriter, layout_: FieldLayout) -> bytes:
    pages = int(writer.root["/Pages"]["/Count"])
    if not 0 <= layout_.page < pages:
        raise errors.pdf_corrupt(f"layout page {layout_.page} outside the document ({pages} pages)")
    existing = {name for name, _, _ in fields.enumerate_sig_fields(writer.prev, filled_status=None)}
    if existing & {LEADER_FIELD, ORG_FIELD}:
        raise errors.signing_failed("the document already has signature fields")
    _add_text_field(writer, NUMBER_FIELD, layout_.number, layout_.page)
    _add_text_field(writer, DATE_FIELD, layout_.date, layout_.page)
    fields.append_signature_field(
        writer, fields.SigFieldSpec(LEADER_FIELD, on_page=layout_.page, box=layout_.signature)
    )
    fields.append_signature_field(
        writer,
        fields.SigFieldSpec(
            ORG_FIELD,
            on_page=layout_.page,
            box=layout_.seal,
            field_mdp_spec=fields.FieldMDPSpec(fields.FieldMDPAction.INCLUDE, fields=list(LOCKED_FIELDS)),
            doc_mdp_update_value=fields.MDPPerm.NO_CHANGES,
        ),
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image_stamp(png: bytes) -> StaticStampStyle:
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(png))
        image.load()
    except (OSError, ValueError) as exc:
        raise errors.signing_failed(f"the stamp image cannot be read: {exc}") from exc
    return StaticStampStyle(
        background=PdfImage(image),
        border_width=0,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
        ),
    )


def _sign(
    writer: IncrementalPdfFileWriter,
    signer: DocumentSigner,
    meta: signers.PdfSignatureMetadata,
    stamp: StaticStampStyle | TextStampStyle,
    *,
    new_field: fields.SigFieldSpec | None = None,
) -> bytes:
    # Re-checked at the moment of signing: a certificate may expire between opening and use.
    check_certificate(signer.certificate, chain=list(signer.signer.cert_registry))
    try:
        pdf_signer = signers.PdfSigner(
            meta, signer=signer.signer, stamp_style=stamp, new_field_spec=new_field
        )
        out = pdf_signer.sign_pdf(writer, existing_fields_only=new_field is None, bytes_reserved=16384)
    except SigningError as exc:
        raise errors.signing_failed(str(exc)) from exc
    except PdfError as exc:
        raise errors.field_missing(meta.field_name or "") from exc
    except PARSE_ERRORS as exc:
        raise errors.pdf_corrupt(str(exc)) from exc
    return out.getvalue()


def _require_empty_field(writer: IncrementalPdfFileWriter, name: str) -> None:
    try:
        empty = {n for n, _, _ in fields.enumerate_sig_fields(writer.prev, filled_status=False)}
    except PARSE_ERRORS as exc:
        raise errors.pdf_corrupt(str(exc)) from exc
    if name not in empty:
        raise errors.field_missing(name)


def sign_personal(
    pdf: bytes, *, signer: DocumentSigner, signature_image: bytes, certify: bool = True
) -> bytes:
    """The leader's PAdES signature into `LanhDao`, showing the blue signature image.

    A certification signature (P=2, form filling allowed) when it is the first signature; an
    approval signature (certify=False) when earlier ones exist, e.g. initials (ký nháy).
    """
    writer = open_pdf(pdf)
    _require_empty_field(writer, LEADER_FIELD)
    meta = signers.PdfSignatureMetadata(
        field_name=LEADER_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
    )
    return _sign(writer, signer, meta, _image_stamp(signature_image))


def _text_style(size: int, style: str = "regular") -> TextBoxStyle:
    return TextBoxStyle(font=GlyphAccumulatorFactory(times_font(style)), font_size=size)


def sign_organisation(
    pdf: bytes, *, signer: DocumentSigner, seal_image: bytes, number_text: str, date_text: str
) -> bytes:
    """Fill number and date and apply the organisation signature with the seal, in one revision.

    `number_text` is the whole line ("Số: 05/QĐ-UBND"); `date_text` likewise ("Hà Giang, ngày
    05 tháng 3 năm 2026"). Both are written as static, read-only appearances in Times 13/14 pt.
    """
    if not number_text.strip() or not date_text.strip():
        raise errors.field_missing(NUMBER_FIELD if not number_text.strip() else DATE_FIELD)
    writer = open_pdf(pdf)
    _require_empty_field(writer, ORG_FIELD)
    try:
        populate_static_text_field(writer, NUMBER_FIELD, _text_style(13), number_text[:200])
        populate_static_text_field(writer, DATE_FIELD, _text_style(14, "italic"), date_text[:200])
    except PdfError as exc:
        raise errors.field_missing(f"{NUMBER_FIELD}/{DATE_FIELD}") from exc
    meta = signers.PdfSignatureMetadata(
        field_name=ORG_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        # What the field's /Lock demands anyway (P=1); said here so pyHanko need not override it.
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    return _sign(writer, signer, meta, _image_stamp(seal_image))


def iso_time(moment: dt.datetime) -> str:
    """ISO 8601 at +07:00, to the second (the attachment stamp's time)."""
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


ATTACHMENT_FIELD = "VanThuPhuLuc"
ATTACHMENT_BOX_MM = (62.0, 14.0)


def sign_attachment(
    pdf: bytes, *, signer: DocumentSigner, number_symbol: str, signed_at: dt.datetime | None = None
) -> bytes:
    """Organisation signature on an attachment file: a text block at the top right of page 1."""
    if not number_symbol.strip():
        raise errors.field_missing(NUMBER_FIELD)
    writer = open_pdf(pdf)
    page = writer.root["/Pages"]
    first = writer.find_page_for_modification(0)[0].get_object()
    box = [float(v) for v in first.get("/MediaBox", page.get("/MediaBox", [0, 0, 595, 842]))]
    width, height = ATTACHMENT_BOX_MM[0] * MM, ATTACHMENT_BOX_MM[1] * MM
    margin = 8 * MM
    rect = (
        round(box[2] - margin - width),
        round(box[3] - margin - height),
        round(box[2] - margin),
        round(box[3] - margin),
    )
    moment = signed_at or dt.datetime.now(dt.UTC)
    stamp = TextStampStyle(
        stamp_text=f"{number_symbol[:100]}\n{iso_time(moment)}",
        text_box_style=_text_style(10),
        border_width=0,
        background=None,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=ATTACHMENT_FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    spec = fields.SigFieldSpec(ATTACHMENT_FIELD, on_page=0, box=rect)
    return _sign(writer, signer, meta, stamp, new_field=spec)
