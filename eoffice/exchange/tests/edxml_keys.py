"""Throw-away RSA keys and self-signed certificates for XML-DSig tests (the signing tests' CA helper)."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization

from eoffice.signing.tests.pki import _ca


def key_and_cert(common_name: str = "UBND tỉnh Nghệ An") -> tuple[bytes, bytes]:
    key, cert = _ca(common_name)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)
