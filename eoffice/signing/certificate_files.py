"""Reading an uploaded certificate for registration: exactly one X.509 certificate, PEM or DER.

Registration keeps the public certificate only. A file holding anything secret (a PKCS#12 file,
a private key) is refused with a message saying so, and is never parsed further than needed to
recognise it: the administrator is told to send the certificate alone (.cer/.crt/.pem).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from asn1crypto import keys, pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.utils.translation import gettext as _

from eoffice.core.errors import ValidationFailed

# A certificate is 1–3 KB; 16 KB leaves room for long extension lists and a PEM's text header.
MAX_CERTIFICATE_BYTES = 16 * 1024
_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 #]+)-----(.*?)-----END \1-----", re.S)


@dataclass(frozen=True)
class UploadedCertificate:
    der: bytes
    certificate: asn1_x509.Certificate
    sha256: str
    subject: str
    issuer: str
    serial: str


def too_large() -> ValidationFailed:
    return ValidationFailed(
        "certificate_too_large",
        _("Tệp chứng thư số lớn quá %(kb)s KB; một chứng thư số chỉ vài KB.")
        % {"kb": MAX_CERTIFICATE_BYTES // 1024},
        field="certificate",
    )


def _secret() -> ValidationFailed:
    return ValidationFailed(
        "certificate_has_secret",
        _(
            "Tệp này chứa khóa bí mật (tệp PKCS#12 hoặc khóa riêng): không được gửi khóa bí mật lên "
            "hệ thống. Hãy xuất riêng chứng thư số (.cer, .crt hoặc .pem)."
        ),
        field="certificate",
    )


def _not_one() -> ValidationFailed:
    return ValidationFailed(
        "certificate_invalid",
        _("Tệp phải chứa đúng một chứng thư số X.509 (định dạng PEM hoặc DER)."),
        field="certificate",
    )


def _is_secret_der(data: bytes) -> bool:
    """A DER PKCS#12 file or PKCS#8 private key (plain or encrypted), recognised by its shape."""
    for spec in (pkcs12.Pfx, keys.PrivateKeyInfo, keys.EncryptedPrivateKeyInfo):
        try:
            spec.load(data, strict=True).native  # noqa: B018 - parsing every field is the check
        except (ValueError, TypeError, KeyError):
            continue
        return True
    return False


def _der_of(data: bytes) -> bytes:
    blocks = _PEM_BLOCK.findall(data)
    if b"-----BEGIN" not in data:
        if _is_secret_der(data):
            raise _secret()
        return data
    labels = [label.decode("ascii", "replace") for label, _body in blocks]
    if any("PRIVATE KEY" in label or "PKCS12" in label for label in labels):
        raise _secret()
    if labels != ["CERTIFICATE"] or data.count(b"-----BEGIN") != 1:
        raise _not_one()
    try:
        return x509.load_pem_x509_certificate(data).public_bytes(Encoding.DER)
    except ValueError as exc:
        raise _not_one() from exc


def read_certificate(data: bytes) -> UploadedCertificate:
    """The one certificate of an upload; refuses a secret, several certificates or garbage."""
    if not data:
        raise ValidationFailed("certificate_required", _("Hãy chọn tệp chứng thư số."), field="certificate")
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise too_large()
    der = _der_of(data)
    try:
        # cryptography refuses trailing bytes, so a DER bundle (several certificates) fails here.
        x509.load_der_x509_certificate(der)
        certificate = asn1_x509.Certificate.load(der, strict=True)
        certificate.native  # noqa: B018 - asn1crypto parses lazily; make it parse everything now
    except (ValueError, TypeError) as exc:
        raise _not_one() from exc
    if certificate.ca:
        # A CA's certificate chains to the trust store too, but no one signs documents with it.
        raise ValidationFailed(
            "certificate_is_ca",
            _("Đây là chứng thư số của tổ chức chứng thực (CA), không phải của người ký hay cơ quan."),
            field="certificate",
        )
    return UploadedCertificate(
        der=der,
        certificate=certificate,
        sha256=fingerprint(certificate),
        subject=certificate.subject.human_friendly[:500],
        issuer=certificate.issuer.human_friendly[:500],
        serial=format(certificate.serial_number, "x"),
    )


def fingerprint(certificate: asn1_x509.Certificate) -> str:
    """SHA-256 of the DER certificate, as the registration and the signature audit record it."""
    return hashlib.sha256(certificate.dump()).hexdigest()
