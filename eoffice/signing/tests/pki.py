"""A throwaway PKI built with `cryptography`, shared by the signing tests and by other apps' tests.

The CA, the leader's certificate, the organisation's certificate, a colleague's (a deputy's), an
expired certificate and a certificate from a CA nobody trusts. RSA-2048 / SHA-256, KeyUsage
digitalSignature+nonRepudiation as the Vietnamese CAs issue them.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from PIL import Image, ImageDraw

from eoffice.signing import issuing

PFX_PASSWORD = b"mat-khau-pfx"


@dataclass(frozen=True)
class Identity:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    issuer: x509.Certificate

    def pfx(self, password: bytes = PFX_PASSWORD) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"signer",
            self.key,
            self.cert,
            [self.issuer],
            serialization.BestAvailableEncryption(password),
        )

    def key_der(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def cert_der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class Pki:
    ca: x509.Certificate
    leader: Identity
    org: Identity
    expired: Identity
    stranger: Identity
    # A second person of the agency (a deputy, a colleague): whose key someone else must not use.
    colleague: Identity

    def ca_asn1(self) -> Any:
        """The CA as pyHanko's trust root (asn1crypto)."""
        from asn1crypto import x509 as asn1_x509

        return asn1_x509.Certificate.load(self.ca.public_bytes(serialization.Encoding.DER))

    def ca_pem(self) -> bytes:
        return self.ca.public_bytes(serialization.Encoding.PEM)

    def write_trust_store(self, directory: Path) -> Path:
        path = directory / "ca.pem"
        path.write_bytes(self.ca_pem())
        return path


def _name(common_name: str, organisation: str | None = None, title: str | None = None) -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if title:
        parts.append(x509.NameAttribute(NameOID.TITLE, title))
    return x509.Name(parts)


def _ca(common_name: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = issuing.new_key()
    now = dt.datetime.now(dt.UTC)
    name = _name(common_name, "Ban Cơ yếu Chính phủ (thử nghiệm)")
    ten_years = dt.timedelta(days=3650)
    return key, issuing.ca_certificate(key, name, not_before=now - ten_years, not_after=now + ten_years)


def _issue(
    ca_key: rsa.RSAPrivateKey,
    ca_cert: x509.Certificate,
    subject: x509.Name,
    *,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> Identity:
    key = issuing.new_key()
    cert = issuing.signer_certificate(
        ca_key, ca_cert, key, subject, not_before=not_before, not_after=not_after
    )
    return Identity(key=key, cert=cert, issuer=ca_cert)


@lru_cache(maxsize=1)
def build_pki() -> Pki:
    """Build once per process: RSA key generation is the slow part (about 150 ms for all)."""
    now = dt.datetime.now(dt.UTC)
    ca_key, ca = _ca("CA thử nghiệm eOffice")
    valid = {"not_before": now - dt.timedelta(days=30), "not_after": now + dt.timedelta(days=365)}
    leader = _issue(ca_key, ca, _name("Nguyễn Văn An", "Sở Nội vụ", "Giám đốc"), **valid)
    org = _issue(ca_key, ca, _name("Sở Nội vụ tỉnh Thử Nghiệm", "Sở Nội vụ tỉnh Thử Nghiệm"), **valid)
    expired = _issue(
        ca_key,
        ca,
        _name("Trần Văn Hết Hạn", "Sở Nội vụ"),
        not_before=now - dt.timedelta(days=400),
        not_after=now - dt.timedelta(days=2),
    )
    other_key, other_ca = _ca("CA lạ")
    stranger = _issue(other_key, other_ca, _name("Lê Văn Lạ", "Không rõ"), **valid)
    colleague = _issue(ca_key, ca, _name("Lê Thị Phó", "Sở Nội vụ", "Phó Giám đốc"), **valid)
    return Pki(ca=ca, leader=leader, org=org, expired=expired, stranger=stranger, colleague=colleague)


def register_certificate(admin: Any, agency: Any, identity: Identity, *, user_id: int | None = None) -> Any:
    """Register `identity`'s certificate to a person of `agency` (user_id) or to the agency, through
    the service, as the agency's administrator (`admin`, an Actor) does; the CA must be trusted.

    Signing refuses a certificate not registered to the signer, so every test that signs a draft
    registers the certificates it uses here.
    """
    from eoffice.signing import certificates

    return certificates.certificate_register(
        actor=admin, agency=agency, user_id=user_id, data=identity.cert_pem()
    )


def signature_png(width_mm: float = 50, height_mm: float = 20) -> bytes:
    """A blue, transparent handwritten-looking stroke (the leader's signature image)."""
    w, h = int(width_mm * 10), int(height_mm * 10)
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(int(w * i / 20), int(h / 2 + (h / 3) * ((-1) ** i) * (i % 3) / 2)) for i in range(21)]
    draw.line(points, fill=(20, 40, 200, 255), width=8)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seal_png(diameter_mm: float = 36) -> bytes:
    """A red, transparent round seal."""
    size = int(diameter_mm * 10)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), outline=(220, 20, 20, 230), width=14)
    draw.ellipse((50, 50, size - 50, size - 50), outline=(220, 20, 20, 230), width=6)
    draw.regular_polygon((size // 2, size // 2, size // 8), 5, fill=(220, 20, 20, 230))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@lru_cache(maxsize=4)
def sample_pdf(pages: int = 1) -> bytes:
    """An A4 'QUYẾT ĐỊNH' in a Times-metric font, with the number and date places left blank."""
    from weasyprint import HTML

    body = "".join(
        '<section style="page-break-after: always">'
        "<p>ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM &nbsp;&nbsp; CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>"
        f"<h3 style='text-align:center'>{'QUYẾT ĐỊNH' if page == 0 else f'Phụ lục, trang {page + 1}'}</h3>"
        "<p>Về việc thử nghiệm ký số văn bản điện tử theo Nghị định 30/2020/NĐ-CP.</p>"
        "<p style='margin-top:120mm; margin-left:100mm'>GIÁM ĐỐC</p>"
        "<p style='margin-top:25mm; margin-left:100mm'>Nguyễn Văn An</p></section>"
        for page in range(pages)
    )
    html = f"<html><body style='font-family: Liberation Serif; font-size: 13pt'>{body}</body></html>"
    return bytes(HTML(string=html).write_pdf())
