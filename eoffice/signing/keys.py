"""Opening the signer of a person or an agency for one request: a PKCS#12 file uploaded with the
request, or the PKCS#11 token named by their key reference and the PIN typed now.

Nothing secret is kept: the caller closes the signer when the request ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from eoffice.core.errors import ValidationFailed
from eoffice.directory.models import Agency
from eoffice.signing.models import AgencySeal, KeyReference, SignatureImage
from eoffice.signing.signers import Pkcs11Signer, Pkcs12Signer

# Both close on `with`; the caller ends the token session when the request ends.
OpenedSigner = Pkcs11Signer | Pkcs12Signer
MAX_PKCS12_BYTES = 64 * 1024
MAX_PIN = 64


@dataclass(frozen=True)
class KeyInput:
    """What the signer types or uploads: a PIN for their token, or a PKCS#12 file and its password."""

    pin: str = ""
    pkcs12: bytes | None = None
    password: str = ""

    def __repr__(self) -> str:  # never print a PIN or a password in a log or a traceback
        return f"KeyInput(pkcs12={self.pkcs12 is not None})"


def _open(reference: KeyReference | None, key: KeyInput) -> OpenedSigner:
    if key.pkcs12 is not None:
        if len(key.pkcs12) > MAX_PKCS12_BYTES:
            raise ValidationFailed("pkcs12_too_large", _("Tệp khóa PKCS#12 lớn quá 64 KB."), field="pkcs12")
        return Pkcs12Signer(key.pkcs12, key.password)
    if reference is None:
        raise ValidationFailed(
            "no_key",
            _("Chưa có khóa ký số: hãy chọn tệp PKCS#12, hoặc nhờ quản trị khai báo thiết bị ký."),
            field="pkcs12",
        )
    if not key.pin or len(key.pin) > MAX_PIN:
        raise ValidationFailed("pin_required", _("Hãy nhập mã PIN của thiết bị ký."), field="pin")
    return Pkcs11Signer(
        module_path=reference.module_path,
        token_label=reference.token_label,
        pin=key.pin,
        key_label=reference.key_label,
    )


def open_user_signer(*, user_id: int, key: KeyInput) -> OpenedSigner:
    return _open(KeyReference.objects.filter(user_id=user_id).first(), key)


def open_agency_signer(*, agency: Agency, key: KeyInput) -> OpenedSigner:
    return _open(KeyReference.objects.filter(agency=agency).first(), key)


def signature_image_of(user_id: int) -> bytes:
    image = SignatureImage.objects.filter(user_id=user_id).only("png").first()
    if image is None:
        raise ValidationFailed(
            "no_signature_image",
            _("Chưa có ảnh chữ ký: hãy tải ảnh chữ ký (PNG nền trong suốt, màu xanh) trước khi ký."),
            field="signature_image",
        )
    return bytes(image.png)


def seal_or_none(agency: Agency) -> AgencySeal | None:
    return AgencySeal.objects.filter(agency=agency).first()


def seal_of(agency: Agency) -> AgencySeal:
    seal = seal_or_none(agency)
    if seal is None:
        raise ValidationFailed(
            "no_seal",
            _("Cơ quan chưa có ảnh con dấu: quản trị cơ quan cần tải ảnh con dấu trước khi ký số cơ quan."),
            field="seal",
        )
    return seal
