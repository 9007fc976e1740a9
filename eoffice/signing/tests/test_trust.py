"""The trust store: a directory of PEM/DER files or one file; a wrong path stops loudly."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from eoffice.signing import pades
from eoffice.signing.signers import Pkcs12Signer
from eoffice.signing.tests.flows import DATE, NUMBER
from eoffice.signing.tests.pki import PFX_PASSWORD, Pki, sample_pdf, seal_png, signature_png
from eoffice.signing.trust import trust_roots
from eoffice.signing.validation import validate_pdf


def test_directory_with_pem_bundle_and_der(pki: Pki, tmp_path: Path) -> None:
    other = pki.stranger.issuer
    bundle = pki.ca_pem() + other.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "bundle.pem").write_bytes(bundle)
    (tmp_path / "ca.cer").write_bytes(pki.ca.public_bytes(serialization.Encoding.DER))
    (tmp_path / "README.txt").write_text("not a certificate", encoding="utf-8")
    roots = trust_roots(str(tmp_path))
    names = sorted(r.subject.native["common_name"] for r in roots)
    assert names == ["CA lạ", "CA thử nghiệm eOffice", "CA thử nghiệm eOffice"]


def test_a_wrong_path_or_a_bad_file_stops_loudly(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured):
        trust_roots(str(tmp_path / "missing"))
    bad = tmp_path / "bad.pem"
    bad.write_bytes(b"garbage")
    with pytest.raises(ImproperlyConfigured):
        trust_roots(str(bad))


def test_approval_signature_when_certification_is_not_possible(pki: Pki, trust_store: Path) -> None:
    """After initials (ký nháy) the leader can only approve; the org /Lock still freezes the number."""
    prepared = pades.prepare_for_signing(sample_pdf())
    leader = Pkcs12Signer(pki.leader.pfx(), PFX_PASSWORD)
    approved = pades.sign_personal(prepared, signer=leader, signature_image=signature_png(), certify=False)
    org = Pkcs12Signer(pki.org.pfx(), PFX_PASSWORD)
    final = pades.sign_organisation(
        approved, signer=org, seal_image=seal_png(), number_text=NUMBER, date_text=DATE
    )
    result = validate_pdf(final)
    assert result.all_valid
    assert (
        not result.signatures[0].certification and result.signatures[0].modification_level == "FORM_FILLING"
    )


def test_trust_store_setting_is_read_on_each_call(pki: Pki, tmp_path: Path) -> None:
    with override_settings(EOFFICE_TRUST_STORE=str(tmp_path)):
        assert trust_roots() == []
        pki.write_trust_store(tmp_path)
        assert len(trust_roots()) == 1
