"""A signed PDF of a given size, made with the project's real signing path, and its trust anchor.

The PDF is the signing tests' A4 decision with an incompressible embedded file to bring it to the
wanted size, signed PAdES by the leader (pyHanko, a PKCS#12 made with `cryptography`). Every
installation of a run trusts the CA, so the receiver's PAdES validation sees a valid signature.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.test import override_settings


@dataclass(frozen=True)
class SignedSample:
    pdf: bytes
    ca_pem: bytes


def signed_pdf(size: int = 1_000_000) -> SignedSample:
    import pikepdf

    from eoffice.signing import pades
    from eoffice.signing.signers import Pkcs12Signer
    from eoffice.signing.tests.pki import PFX_PASSWORD, build_pki, sample_pdf, signature_png

    pdf = pikepdf.open(io.BytesIO(sample_pdf()))
    padding = max(0, size - 60_000)  # the decision and the signature take about 60 kB
    pdf.attachments["phu-luc.bin"] = pikepdf.AttachedFileSpec(
        pdf, os.urandom(padding), mime_type="application/octet-stream"
    )
    out = io.BytesIO()
    pdf.save(out)
    pki = build_pki()
    with tempfile.TemporaryDirectory() as trust, override_settings(EOFFICE_TRUST_STORE=trust):
        # The signer refuses a certificate its own trust store does not chain to.
        install_trust(Path(trust), pki.ca_pem(), folder="")
        leader = Pkcs12Signer(pki.leader.pfx(), PFX_PASSWORD)
        prepared = pades.prepare_for_signing(out.getvalue())
        signed = pades.sign_personal(prepared, signer=leader, signature_image=signature_png())
    return SignedSample(pdf=signed, ca_pem=pki.ca_pem())


def tampered(pdf: bytes) -> bytes:
    """The same PDF with one byte of the signed content changed (the signature no longer matches)."""
    data = bytearray(pdf)
    at = data.find(b"Qu")  # inside the page content, covered by the signature's byte range
    at = at if at > 0 else len(data) // 3
    data[at] ^= 0x01
    return bytes(data)


def install_trust(var_dir: Path, ca_pem: bytes, *, folder: str = "trust") -> None:
    """Put the CA into an installation's trust store (EOFFICE_TRUST_STORE defaults to var/trust)."""
    trust = var_dir / folder
    trust.mkdir(parents=True, exist_ok=True)
    (trust / "harness-ca.pem").write_bytes(ca_pem)
