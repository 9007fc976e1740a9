"""Signing: the Decree 30 path with PKCS#12, SoftHSM2 and a remote-style signer; the refusals."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields

from eoffice.core.errors import DomainError
from eoffice.signing import pades
from eoffice.signing.signers import Pkcs11Signer, Pkcs12Signer, RemoteDigestSigner, RemoteSigner
from eoffice.signing.tests import hsm
from eoffice.signing.tests.flows import DATE, NUMBER, sign_both
from eoffice.signing.tests.pki import PFX_PASSWORD, Identity, Pki, sample_pdf, seal_png, signature_png
from eoffice.signing.validation import validate_pdf


def _field_values(pdf: bytes) -> dict[str, str]:
    reader = PdfFileReader(io.BytesIO(pdf))
    values = {}
    for ref in reader.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if "/V" in field and field.get("/FT") == "/Tx":
            values[str(field["/T"])] = str(field["/V"])
    return values


def test_prepared_pdf_has_the_four_fields_and_the_lock(trust_store: Path) -> None:
    prepared = pades.prepare_for_signing(sample_pdf())
    reader = PdfFileReader(io.BytesIO(prepared))
    names = {str(ref.get_object()["/T"]) for ref in reader.root["/AcroForm"]["/Fields"]}
    assert names == {"SoKyHieu", "NgayBanHanh", "LanhDao", "VanThu"}
    org = next(
        ref.get_object() for ref in reader.root["/AcroForm"]["/Fields"] if ref.get_object()["/T"] == "VanThu"
    )
    lock = org["/Lock"]
    assert str(lock["/Action"]) == "/Include"
    assert [str(f) for f in lock["/Fields"]] == ["SoKyHieu", "NgayBanHanh"]
    assert int(lock["/P"]) == 1
    empty = {name for name, _, _ in fields.enumerate_sig_fields(reader, filled_status=False)}
    assert empty == {"LanhDao", "VanThu"}


def test_pkcs12_path_validates_both_signatures(pki: Pki, trust_store: Path) -> None:
    signed = sign_both(pki)
    assert _field_values(signed.final) == {"SoKyHieu": NUMBER, "NgayBanHanh": DATE}
    result = validate_pdf(signed.final)
    assert result.all_valid, [s.problems for s in result.signatures]
    leader, org = result.signatures
    assert (leader.field_name, org.field_name) == ("LanhDao", "VanThu")
    assert leader.signer_name == "Nguyễn Văn An" and leader.certification
    assert leader.intact and leader.trusted and leader.docmdp_ok
    assert leader.coverage == "ENTIRE_REVISION" and leader.modification_level == "FORM_FILLING"
    assert set(leader.changed_form_fields) == {"SoKyHieu", "NgayBanHanh", "VanThu"}
    assert org.coverage == "ENTIRE_FILE" and org.modification_level == "NONE"
    assert org.signer_name == "Sở Nội vụ tỉnh Thử Nghiệm"
    assert leader.certificate_chain[0].endswith("CA thử nghiệm eOffice") or any(
        "CA thử nghiệm eOffice" in c for c in leader.certificate_chain
    )
    assert "hợp lệ" in leader.summary and not leader.expired


def test_org_signature_is_one_revision_after_the_leader(pki: Pki, trust_store: Path) -> None:
    signed = sign_both(pki)
    # One incremental update per signature: the fill and the seal travel together.
    assert signed.final.count(b"%%EOF") == signed.leader_signed.count(b"%%EOF") + 1
    assert signed.final.startswith(signed.leader_signed)


@pytest.mark.softhsm
def test_leader_signs_with_a_softhsm_token(pki: Pki, trust_store: Path, leader_token: hsm.Token) -> None:
    with Pkcs11Signer(
        module_path=leader_token.module,
        token_label=leader_token.label,
        pin=leader_token.pin,
        key_label=leader_token.key_label,
    ) as token_signer:
        assert token_signer.certificate.subject.native["common_name"] == "Nguyễn Văn An"
        signed = sign_both(pki, leader=token_signer)
    result = validate_pdf(signed.final)
    assert result.all_valid
    assert [s.signer_name for s in result.signatures] == ["Nguyễn Văn An", "Sở Nội vụ tỉnh Thử Nghiệm"]


@pytest.mark.softhsm
def test_wrong_token_pin_is_refused(trust_store: Path, leader_token: hsm.Token) -> None:
    with pytest.raises(DomainError) as caught:
        Pkcs11Signer(
            module_path=leader_token.module,
            token_label=leader_token.label,
            pin="000000",
            key_label=leader_token.key_label,
        )
    assert caught.value.code == "wrong_pin"
    assert "PIN" in caught.value.message


@pytest.mark.softhsm
def test_token_key_not_matching_the_certificate_is_refused(
    pki: Pki, trust_store: Path, leader_token: hsm.Token
) -> None:
    with pytest.raises(DomainError) as caught:
        Pkcs11Signer(
            module_path=leader_token.module,
            token_label=leader_token.label,
            pin=leader_token.pin,
            key_label=leader_token.key_label,
            certificate=pki.org.cert_der(),
        )
    assert caught.value.code == "key_mismatch"


def test_attachment_gets_a_text_stamp_top_right(pki: Pki, trust_store: Path) -> None:
    org = Pkcs12Signer(pki.org.pfx(), PFX_PASSWORD)
    import datetime as dt

    moment = dt.datetime(2026, 11, 25, 8, 30, tzinfo=dt.UTC)
    signed = pades.sign_attachment(sample_pdf(2), signer=org, number_symbol="05/QĐ-SNV", signed_at=moment)
    result = validate_pdf(signed)
    assert result.all_valid
    assert result.signatures[0].field_name == pades.ATTACHMENT_FIELD
    reader = PdfFileReader(io.BytesIO(signed))
    page = reader.root["/Pages"]["/Kids"][0]
    widget = page["/Annots"][-1]
    x1, y1, _, _ = (float(v) for v in widget["/Rect"])
    media_box = page["/MediaBox"]
    width, height = float(media_box[2]), float(media_box[3])
    assert x1 > width / 2 and y1 > height * 0.85  # the top right of page 1
    assert pades.iso_time(moment) == "2026-11-25T15:30:00+07:00"


class _LocalDigestService(RemoteDigestSigner):
    """Stands in for the service's HSM in the test: signs the digest it is sent, nothing else."""

    def __init__(self, identity: Identity) -> None:
        cert = asn1_x509.Certificate.load(identity.cert_der())
        issuer = asn1_x509.Certificate.load(identity.issuer.public_bytes(serialization.Encoding.DER))
        super().__init__(cert, [issuer])
        self._key = identity.key
        self.digests_seen: list[bytes] = []

    def sign_digest(self, digest: bytes, digest_algorithm: str) -> bytes:
        assert digest_algorithm == "sha256"
        self.digests_seen.append(digest)
        return self._key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))


def test_remote_digest_signer_plugs_in(pki: Pki, trust_store: Path) -> None:
    service = _LocalDigestService(pki.leader)
    signed = sign_both(pki, leader=RemoteSigner(service))
    assert len(service.digests_seen) == 1 and len(service.digests_seen[0]) == 32
    assert validate_pdf(signed.final).all_valid


# --- refusals ---------------------------------------------------------------------------------


def _code(call: object) -> str:
    with pytest.raises(DomainError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.message  # every refusal says why, in Vietnamese
    return caught.value.code


def test_expired_certificate_is_refused(pki: Pki, trust_store: Path) -> None:
    assert _code(lambda: Pkcs12Signer(pki.expired.pfx(), PFX_PASSWORD)) == "certificate_expired"


def test_untrusted_certificate_is_refused(pki: Pki, trust_store: Path) -> None:
    assert _code(lambda: Pkcs12Signer(pki.stranger.pfx(), PFX_PASSWORD)) == "certificate_untrusted"


def test_empty_trust_store_refuses_every_certificate(pki: Pki, tmp_path: Path) -> None:
    from django.test import override_settings

    with override_settings(EOFFICE_TRUST_STORE=str(tmp_path)):
        assert _code(lambda: Pkcs12Signer(pki.leader.pfx(), PFX_PASSWORD)) == "certificate_untrusted"


def test_wrong_pkcs12_password_is_refused(pki: Pki, trust_store: Path) -> None:
    assert _code(lambda: Pkcs12Signer(pki.leader.pfx(), "sai-mat-khau")) == "wrong_pin"


def test_pkcs12_with_a_key_not_matching_its_certificate_is_refused(pki: Pki, trust_store: Path) -> None:
    # The certificate registered separately (a renewal) must belong to the key in the file.
    call = lambda: Pkcs12Signer(pki.leader.pfx(), PFX_PASSWORD, certificate=pki.org.cert_der())  # noqa: E731
    assert _code(call) == "key_mismatch"
    renewed = Pkcs12Signer(pki.leader.pfx(), PFX_PASSWORD, certificate=pki.leader.cert_der())
    assert renewed.certificate.subject.native["common_name"] == "Nguyễn Văn An"


def _encrypted(pdf: bytes) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        doc.save(out, encryption=pikepdf.Encryption(user="mo", owner="chu", R=6))
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: _encrypted(sample_pdf()), "pdf_encrypted"),
        (lambda: b"%PDF-1.7\nthis is not a pdf at all\n%%EOF", "pdf_corrupt"),
        (lambda: b"GIF89a not a pdf", "pdf_corrupt"),
        (lambda: sample_pdf()[: len(sample_pdf()) // 2], "pdf_corrupt"),
    ],
)
def test_encrypted_or_corrupt_pdf_is_refused(make: object, code: str, pki: Pki, trust_store: Path) -> None:
    data = make()  # type: ignore[operator]
    assert _code(lambda: pades.prepare_for_signing(data)) == code
    leader = Pkcs12Signer(pki.leader.pfx(), PFX_PASSWORD)
    assert _code(lambda: pades.sign_personal(data, signer=leader, signature_image=signature_png())) == code
    assert _code(lambda: validate_pdf(data)) == code


def test_signing_an_unprepared_pdf_or_twice_is_refused(pki: Pki, trust_store: Path) -> None:
    leader = Pkcs12Signer(pki.leader.pfx(), PFX_PASSWORD)
    assert _code(
        lambda: pades.sign_personal(sample_pdf(), signer=leader, signature_image=signature_png())
    ) == ("field_missing")
    signed = sign_both(pki)
    assert (
        _code(
            lambda: pades.sign_personal(signed.leader_signed, signer=leader, signature_image=signature_png())
        )
        == "field_missing"
    )
    org = Pkcs12Signer(pki.org.pfx(), PFX_PASSWORD)
    assert (
        _code(
            lambda: pades.sign_organisation(
                signed.final, signer=org, seal_image=seal_png(), number_text=NUMBER, date_text=DATE
            )
        )
        == "field_missing"
    )


def test_bad_stamp_image_is_refused(pki: Pki, trust_store: Path) -> None:
    leader = Pkcs12Signer(pki.leader.pfx(), PFX_PASSWORD)
    prepared = pades.prepare_for_signing(sample_pdf())
    assert _code(lambda: pades.sign_personal(prepared, signer=leader, signature_image=b"not a png")) == (
        "signing_failed"
    )
