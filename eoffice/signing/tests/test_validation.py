"""Validation: tampering, the two lock attacks of shared/notes/signing.md, untrusted and expired signers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from django.test import override_settings
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from eoffice.signing import pades
from eoffice.signing.tests.flows import Signed, sign_both
from eoffice.signing.tests.pki import Identity, Pki, sample_pdf
from eoffice.signing.validation import SignatureReport, validate_pdf


@pytest.fixture(scope="module")
def signed(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Signed:
    path = pki.write_trust_store(tmp_path_factory.mktemp("trust"))
    with override_settings(EOFFICE_TRUST_STORE=str(path)):
        return sign_both(pki)


def _write(writer: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _overlay_appearance(writer: IncrementalPdfFileWriter, text: bytes) -> generic.IndirectObject:
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Font"),
                generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                generic.NameObject("/BaseFont"): generic.NameObject("/Times-Roman"),
            }
        )
    )
    stream = generic.StreamObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/XObject"),
            generic.NameObject("/Subtype"): generic.NameObject("/Form"),
            generic.NameObject("/BBox"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (0, 0, 190, 20)]
            ),
            generic.NameObject("/Resources"): generic.DictionaryObject(
                {generic.NameObject("/Font"): generic.DictionaryObject({generic.NameObject("/F1"): font})}
            ),
        },
        stream_data=b"1 1 1 rg 0 0 190 20 re f 0 g BT /F1 13 Tf 2 5 Td (" + text + b") Tj ET",
    )
    return writer.add_object(stream)


def _by_name(report_list: list[SignatureReport], name: str) -> SignatureReport:
    return next(r for r in report_list if r.field_name == name)


def test_the_released_pdf_validates(signed: Signed, trust_store: Path) -> None:
    result = validate_pdf(signed.final)
    assert result.all_valid
    assert "2 chữ ký" in result.summary


def test_a_flipped_byte_is_detected(signed: Signed, trust_store: Path) -> None:
    data = bytearray(signed.final)
    where = data.index(b"stream", 200) + 40  # inside the first page content, covered by both signatures
    data[where] ^= 0x01
    result = validate_pdf(bytes(data))
    assert not result.all_valid
    for report in result.signatures:
        assert not report.intact and not report.bottom_line
        assert any("sửa" in p for p in report.problems)
    assert "KHÔNG hợp lệ" in result.signatures[0].summary


def test_refilling_the_number_is_flagged(signed: Signed, trust_store: Path) -> None:
    """Attack T4: a new /V and /AP for SoKyHieu after both signatures."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed.final))
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field["/T"] == pades.NUMBER_FIELD:
            field["/V"] = generic.TextStringObject("Số: 99/QĐ-SNV")
            field["/AP"] = generic.DictionaryObject(
                {generic.NameObject("/N"): _overlay_appearance(writer, b"So: 99/QD-SNV")}
            )
            writer.mark_update(ref)
    result = validate_pdf(_write(writer))
    org = _by_name(result.signatures, pades.ORG_FIELD)
    assert not org.bottom_line and org.docmdp_ok is False
    assert not result.all_valid


def test_a_new_field_painting_over_the_number_is_flagged(signed: Signed, trust_store: Path) -> None:
    """Attack T3: a new unsigned signature field whose appearance paints another number."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed.final))
    fields.append_signature_field(
        writer, fields.SigFieldSpec("Overlay", on_page=0, box=pades.DEFAULT_LAYOUT.number)
    )
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field["/T"] == "Overlay":
            field["/AP"] = generic.DictionaryObject(
                {generic.NameObject("/N"): _overlay_appearance(writer, b"So: 99/QD-SNV")}
            )
            writer.mark_update(ref)
    result = validate_pdf(_write(writer))
    for name in (pades.LEADER_FIELD, pades.ORG_FIELD):
        report = _by_name(result.signatures, name)
        assert report.modification_level == "OTHER" and not report.bottom_line
    assert not result.all_valid


def test_the_leader_signature_survives_only_form_filling(signed: Signed, trust_store: Path) -> None:
    leader_only = validate_pdf(signed.leader_signed)
    assert leader_only.all_valid and leader_only.signatures[0].modification_level == "NONE"


def _sign_raw_pyhanko(identity: Identity, pdf: bytes) -> bytes:
    """Sign with pyHanko directly, past our own refusals, to see what validation makes of it."""
    signer = signers.SimpleSigner(
        signing_key=asn1_keys.PrivateKeyInfo.load(identity.key_der()),
        signing_cert=asn1_x509.Certificate.load(identity.cert_der()),
        cert_registry=None,  # type: ignore[arg-type]
    )
    meta = signers.PdfSignatureMetadata(
        field_name=pades.LEADER_FIELD, subfilter=fields.SigSeedSubFilter.PADES
    )
    return signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer).getvalue()


def test_a_signer_from_an_unknown_ca_is_not_trusted(pki: Pki, trust_store: Path) -> None:
    data = _sign_raw_pyhanko(pki.stranger, pades.prepare_for_signing(sample_pdf()))
    report = validate_pdf(data).signatures[0]
    assert report.intact and not report.trusted and not report.bottom_line
    assert any("tin cậy" in p for p in report.problems)


def test_an_expired_signer_is_reported_expired(pki: Pki, trust_store: Path) -> None:
    data = _sign_raw_pyhanko(pki.expired, pades.prepare_for_signing(sample_pdf()))
    report = validate_pdf(data).signatures[0]
    assert report.intact and report.expired and not report.bottom_line
    assert any("hết hạn" in p for p in report.problems)


def test_validation_against_another_trust_store(signed: Signed, tmp_path: Path) -> None:
    with override_settings(EOFFICE_TRUST_STORE=str(tmp_path)):
        result = validate_pdf(signed.final)
    assert not result.all_valid
    assert all(r.intact and not r.trusted for r in result.signatures)


def test_an_unsigned_pdf_has_no_signatures(trust_store: Path) -> None:
    result = validate_pdf(sample_pdf())
    assert result.signatures == [] and not result.all_valid
    assert result.summary == "Tệp không có chữ ký số."
