"""Signed documents built once per test module: prepared, leader-signed, organisation-signed."""

from __future__ import annotations

from dataclasses import dataclass

from eoffice.signing import pades
from eoffice.signing.signers import DocumentSigner, Pkcs12Signer
from eoffice.signing.tests.pki import PFX_PASSWORD, Pki, sample_pdf, seal_png, signature_png

NUMBER = "Số: 05/QĐ-SNV"
DATE = "Thử Nghiệm, ngày 25 tháng 11 năm 2026"


@dataclass(frozen=True)
class Signed:
    prepared: bytes
    leader_signed: bytes
    final: bytes


def sign_both(pki: Pki, leader: DocumentSigner | None = None) -> Signed:
    """The Decree 30 path; needs the test CA in the trust store (fixture `trust_store`)."""
    prepared = pades.prepare_for_signing(sample_pdf())
    leader = leader or Pkcs12Signer(pki.leader.pfx(), PFX_PASSWORD)
    leader_signed = pades.sign_personal(prepared, signer=leader, signature_image=signature_png())
    org = Pkcs12Signer(pki.org.pfx(), PFX_PASSWORD)
    final = pades.sign_organisation(
        leader_signed, signer=org, seal_image=seal_png(), number_text=NUMBER, date_text=DATE
    )
    return Signed(prepared=prepared, leader_signed=leader_signed, final=final)
