"""The demo province's own certificate authority and its signers' PKCS#12 files.

Made with `cryptography` each time the demo's signing kit is built, so no private key ever sits in
the repository. The CA's private key issues the certificates and is then dropped, never written
anywhere: nobody can issue more certificates under a demo CA, and a new kit means a new CA.

The certificates look like the ones Vietnamese CAs issue to officials (RSA-2048, SHA-256,
KeyUsage digitalSignature + nonRepudiation, critical), which is what `eoffice.signing.signers`
checks before it signs. The CA's name says plainly that it is for trying the demo only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from eoffice.signing import issuing

CA_YEARS = 10
# Long enough for a demo kept for a while; the kit is rebuilt (new CA) when its files are lost.
SIGNER_YEARS = 3
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Holder:
    """Who a certificate is for: a person (with their title) or an agency (its seal's key)."""

    file_name: str
    common_name: str
    organisation: str
    title: str = ""


@dataclass(frozen=True)
class IssuedKey:
    file_name: str
    pkcs12: bytes
    subject: str
    serial: str


@dataclass(frozen=True)
class DemoPki:
    ca_pem: bytes
    ca_sha256: str
    ca_subject: str
    not_after: dt.datetime
    keys: list[IssuedKey]


def _name(common_name: str, organisation: str, title: str = "") -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
    ]
    if title:
        parts.append(x509.NameAttribute(NameOID.TITLE, title[:64]))
    return x509.Name(parts)


def _ca(name: x509.Name, now: dt.datetime) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = issuing.new_key()
    cert = issuing.ca_certificate(
        key, name, not_before=now - _DAY, not_after=now + dt.timedelta(days=365 * CA_YEARS), path_length=0
    )
    return key, cert


def _issue(
    ca_key: rsa.RSAPrivateKey, ca: x509.Certificate, holder: Holder, now: dt.datetime, password: bytes
) -> IssuedKey:
    key = issuing.new_key()
    subject = _name(holder.common_name, holder.organisation, holder.title)
    cert = issuing.signer_certificate(
        ca_key, ca, key, subject, not_before=now - _DAY, not_after=now + dt.timedelta(days=365 * SIGNER_YEARS)
    )
    # The CA travels in the file, so the signature carries the whole chain.
    data = pkcs12.serialize_key_and_certificates(
        holder.file_name.encode(), key, cert, [ca], serialization.BestAvailableEncryption(password)
    )
    return IssuedKey(
        file_name=holder.file_name,
        pkcs12=data,
        subject=cert.subject.rfc4514_string(),
        serial=format(cert.serial_number, "x"),
    )


def issue_demo_pki(
    holders: list[Holder], *, ca_name: str, password: str, now: dt.datetime | None = None
) -> DemoPki:
    """A fresh CA named `ca_name` and one password-protected PKCS#12 file per holder."""
    moment = now or dt.datetime.now(dt.UTC)
    ca_key, ca = _ca(_name(ca_name, "eOffice — dữ liệu mẫu, chỉ dùng thử"), moment)
    secret = password.encode()
    keys = [_issue(ca_key, ca, holder, moment, secret) for holder in holders]
    der = ca.public_bytes(serialization.Encoding.DER)
    return DemoPki(
        ca_pem=ca.public_bytes(serialization.Encoding.PEM),
        ca_sha256=hashlib.sha256(der).hexdigest(),
        ca_subject=ca.subject.rfc4514_string(),
        not_after=ca.not_valid_after_utc,
        keys=keys,
    )
