"""The signature panel's cache: one validation per (file content, trust store); a changed trust
store validates again; tampered and unreadable files are reported, not raised."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from eoffice.signing import pades
from eoffice.signing.models import SignatureCheck
from eoffice.signing.panel import check_file, panel, trust_fingerprint
from eoffice.signing.signers import Pkcs12Signer
from eoffice.signing.tests.pki import PFX_PASSWORD, Pki, sample_pdf, signature_png
from eoffice.signing.trust import trust_roots

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def leader_signed(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    # Signing checks the signer against the trust store, so the test CA must be in it.
    path = pki.write_trust_store(tmp_path_factory.mktemp("trust"))
    with override_settings(EOFFICE_TRUST_STORE=str(path)):
        prepared = pades.prepare_for_signing(sample_pdf())
        signer = Pkcs12Signer(pki.leader.pfx(), PFX_PASSWORD)
        return pades.sign_personal(prepared, signer=signer, signature_image=signature_png())


def _reader(data: bytes, calls: list[int]) -> Callable[[], bytes]:
    def read() -> bytes:
        calls.append(1)
        return data

    return read


def test_validated_once_per_file_and_trust_store(
    leader_signed: bytes, trust_store: Path, tmp_path: Path
) -> None:
    sha = hashlib.sha256(leader_signed).hexdigest()
    calls: list[int] = []
    first = check_file(sha, _reader(leader_signed, calls))
    again = check_file(sha, _reader(leader_signed, calls))
    assert calls == [1] and first == again and SignatureCheck.objects.count() == 1
    report = first["signatures"][0]
    assert report["bottom_line"] and report["trusted"] and report["intact"]
    assert report["signer_name"] and report["certificate_chain"] and report["signing_time"]
    # Another trust store (here: none) is another fingerprint: validated again, and not trusted.
    other = tmp_path / "empty"
    other.mkdir()
    with override_settings(EOFFICE_TRUST_STORE=str(other)):
        untrusted = check_file(sha, _reader(leader_signed, calls))
    assert calls == [1, 1] and SignatureCheck.objects.count() == 2
    assert not untrusted["signatures"][0]["trusted"] and not untrusted["signatures"][0]["bottom_line"]


def test_fingerprint_ignores_order_and_follows_content(pki: Pki) -> None:
    roots = trust_roots_of(pki)
    assert trust_fingerprint(roots) == trust_fingerprint(list(reversed(roots)))
    assert trust_fingerprint(roots) != trust_fingerprint(roots[:1]) != trust_fingerprint([])


def trust_roots_of(pki: Pki) -> list[Any]:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    return [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
        for c in (pki.ca, pki.stranger.issuer)
    ]


def test_tampered_and_broken_files_are_reported(leader_signed: bytes, trust_store: Path) -> None:
    tampered = bytearray(leader_signed)
    where = tampered.index(b"stream", 200) + 40
    tampered[where] ^= 0x01
    shown = panel(
        [
            ("sua.pdf", hashlib.sha256(tampered).hexdigest(), lambda: bytes(tampered)),
            ("hong.pdf", "0" * 64, lambda: b"%PDF-1.7 not really"),
            ("khong-ky.pdf", hashlib.sha256(sample_pdf()).hexdigest(), sample_pdf),
        ]
    )
    assert not shown[0].all_valid and not shown[0].signatures[0]["intact"]
    assert shown[0].signatures[0]["signed_at"] is not None
    assert shown[1].error and not shown[1].signatures
    assert not shown[2].error and shown[2].signatures == []
    # The API form carries no Python-only values.
    assert "signed_at" not in shown[0].as_dict()["signatures"][0]
    assert trust_roots()  # the fixture's store is in use
