"""Issuing certificates shaped like the ones Vietnamese CAs give officials: for the demo
province's own CA and for the tests' PKI (never for a real installation, which trusts real CAs).

A signer's certificate is RSA-2048 / SHA-256 with KeyUsage digitalSignature + nonRepudiation,
critical — what `signers.check_certificate` asks before it signs; a CA's may sign certificates
and revocation lists.
"""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ca_certificate(
    key: rsa.RSAPrivateKey,
    name: x509.Name,
    *,
    not_before: dt.datetime,
    not_after: dt.datetime,
    path_length: int | None = None,
) -> x509.Certificate:
    """A self-signed root for `key`."""
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            # digitalSignature, keyCertSign, cRLSign
            x509.KeyUsage(True, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def signer_certificate(
    ca_key: rsa.RSAPrivateKey,
    ca: x509.Certificate,
    key: rsa.RSAPrivateKey,
    subject: x509.Name,
    *,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> x509.Certificate:
    """A person's or an agency's signing certificate for `key`, issued by `ca`."""
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            # digitalSignature and nonRepudiation, as the Vietnamese CAs issue them
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
