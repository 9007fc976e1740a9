"""Signing in outgoing tests: the test CA trusted, signature image and seal uploaded, keys opened.

Real pyHanko signatures with keys from the test PKI (PKCS#12) or from SoftHSM2 tokens; the
fixtures `pki`, `trusted` and `tokens` are in conftest.py.
"""

from __future__ import annotations

from eoffice.outgoing import approval, signing
from eoffice.outgoing.models import ApprovalChain, Draft, DraftSignature
from eoffice.outgoing.tests.conftest import actor_of
from eoffice.signing import credentials
from eoffice.signing.signers import Pkcs11Signer, Pkcs12Signer
from eoffice.signing.tests import hsm
from eoffice.signing.tests.pki import (
    PFX_PASSWORD,
    Identity,
    Pki,
    register_certificate,
    seal_png,
    signature_png,
)
from eoffice.testing.cast import Cast


def p12(identity: Identity) -> Pkcs12Signer:
    return Pkcs12Signer(identity.pfx(), PFX_PASSWORD)


def token_signer(token: hsm.Token) -> Pkcs11Signer:
    return Pkcs11Signer(
        module_path=token.module, token_label=token.label, pin=token.pin, key_label=token.key_label
    )


def give_images(cast: Cast) -> None:
    """The leader's blue signature and agency A's red seal, uploaded through the services."""
    credentials.signature_image_set(actor=actor_of(cast, cast.leader_a), png=signature_png())
    credentials.seal_set(
        actor=actor_of(cast, cast.admin_a),
        agency=cast.agency_a,
        png=seal_png(),
        diameter_mm=36,  # type: ignore[arg-type]
    )


def register_keys(cast: Cast, pki: Pki) -> None:
    """Agency A's administrator registers the test leader's certificate to the leader and the
    organisation's to agency A (signing refuses a certificate not registered to the signer)."""
    admin = actor_of(cast, cast.admin_a)
    register_certificate(admin, cast.agency_a, pki.leader, user_id=cast.leader_a.pk)
    register_certificate(admin, cast.agency_a, pki.org)


def give_credentials(cast: Cast, pki: Pki) -> None:
    """Everything signing needs: the images and seal, and both certificates registered."""
    give_images(cast)
    register_keys(cast, pki)


def chain(cast: Cast) -> ApprovalChain:
    """Unit head reviews, the leader signs."""
    return approval.approval_chain_set(
        actor=actor_of(cast, cast.admin_a),
        agency=cast.agency_a,
        document_type=None,
        name="Trình ký thường",
        steps=[
            approval.StepInput(approval.StepKind.REVIEW, cast.unit_head_a.pk),
            approval.StepInput(approval.StepKind.SIGN, cast.leader_a.pk),
        ],
    )


def to_sign_step(cast: Cast, draft: Draft) -> None:
    approval.draft_submit(actor=actor_of(cast, cast.specialist_a), draft=draft)
    approval.draft_step_approve(actor=actor_of(cast, cast.unit_head_a), draft=draft)


def leader_signs(cast: Cast, pki: Pki, draft: Draft) -> DraftSignature:
    with p12(pki.leader) as signer:
        return signing.draft_sign(actor=actor_of(cast, cast.leader_a), draft=draft, signer=signer)
