"""Registered certificates: who may register and withdraw, every bad upload refused with its own
message and nothing kept, one owner at a time, withdrawn rows kept as history."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.db import IntegrityError, transaction
from django.utils import timezone

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.core.models import AuditEvent
from eoffice.signing import certificates
from eoffice.signing.certificate_files import MAX_CERTIFICATE_BYTES
from eoffice.signing.models import SigningCertificate
from eoffice.signing.tests.pki import Pki
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db
REGISTERED = "signing.certificate_registered"


def _actor(cast: Cast, user: Any) -> Actor:
    return Actor(user=user, position=cast.position(user))


def _register(cast: Cast, who: Any, data: bytes, user_id: int | None = None) -> SigningCertificate:
    return certificates.certificate_register(
        actor=_actor(cast, who), agency=cast.agency_a, user_id=user_id, data=data
    )


def test_the_agencys_administrator_registers_for_its_people_and_for_the_agency(
    cast: Cast, pki: Pki, trust_store: Path
) -> None:
    mine = _register(cast, cast.admin_a, pki.leader.cert_pem(), cast.leader_a.pk)
    assert mine.user == cast.leader_a and mine.agency is None and mine.is_active
    assert mine.sha256 == hashlib.sha256(pki.leader.cert_der()).hexdigest()
    assert "Nguyễn Văn An" in mine.subject and "CA thử nghiệm eOffice" in mine.issuer
    assert mine.serial == format(pki.leader.cert.serial_number, "x")
    assert mine.not_after == pki.leader.cert.not_valid_after_utc
    assert mine.registered_by == cast.admin_a and bytes(mine.der) == pki.leader.cert_der()
    # DER works as well as PEM; the agency's own certificate has no person.
    agency = _register(cast, cast.admin_a, pki.org.cert_der())
    assert agency.agency == cast.agency_a and agency.user is None
    event = AuditEvent.objects.filter(verb=REGISTERED).order_by("seq").first()
    assert event is not None and event.actor_id == cast.admin_a.pk
    assert event.data["sha256"] == mine.sha256 and event.data["user"] == cast.leader_a.pk
    assert audit.verify() is None


@pytest.mark.parametrize("who", ["leader_a", "unit_head_a", "specialist_a", "clerk_a", "clerk_b"])
def test_no_one_else_registers_not_even_their_own(cast: Cast, pki: Pki, trust_store: Path, who: str) -> None:
    user = getattr(cast, who)
    for owner in (user.pk, cast.leader_a.pk, None):
        with pytest.raises(PermissionDenied) as refused:
            _register(cast, user, pki.leader.cert_pem(), owner)
        assert "quản trị" in refused.value.message
    with pytest.raises(PermissionDenied):
        certificates.certificate_register(
            actor=Actor(user=cast.outsider), agency=cast.agency_a, user_id=None, data=pki.org.cert_pem()
        )
    assert not SigningCertificate.objects.exists() and not AuditEvent.objects.filter(verb=REGISTERED).exists()


def test_only_people_of_the_agency(cast: Cast, pki: Pki, trust_store: Path) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _register(cast, cast.admin_a, pki.leader.cert_pem(), cast.clerk_b.pk)
    assert refused.value.code == "not_in_agency" and refused.value.field == "user"
    # Agency B is not in A's administrator's sub-tree.
    with pytest.raises(PermissionDenied):
        certificates.certificate_register(
            actor=_actor(cast, cast.admin_a), agency=cast.agency_b, user_id=None, data=pki.org.cert_pem()
        )
    assert not SigningCertificate.objects.exists()


def _key_pem(pki: Pki) -> bytes:
    return pki.leader.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _encrypted_key_der(pki: Pki) -> bytes:
    return pki.leader.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"mat-khau"),
    )


BAD_UPLOADS = [
    ("empty", lambda pki: b"", "certificate_required", "Hãy chọn tệp chứng thư số"),
    ("garbage", lambda pki: b"day khong phai chung thu so", "certificate_invalid", "đúng một chứng thư số"),
    ("bad PEM", lambda pki: b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
     "certificate_invalid", "đúng một chứng thư số"),
    ("PKCS#12", lambda pki: pki.leader.pfx(), "certificate_has_secret", "khóa bí mật"),
    ("private key PEM", _key_pem, "certificate_has_secret", "khóa bí mật"),
    ("certificate and key PEM", lambda pki: pki.leader.cert_pem() + _key_pem(pki), "certificate_has_secret",
     "khóa bí mật"),
    ("private key DER", lambda pki: pki.leader.key_der(), "certificate_has_secret", "khóa bí mật"),
    ("encrypted key DER", _encrypted_key_der, "certificate_has_secret", "khóa bí mật"),
    ("two PEM", lambda pki: pki.leader.cert_pem() + pki.org.cert_pem(), "certificate_invalid", "đúng một"),
    ("two DER", lambda pki: pki.leader.cert_der() + pki.org.cert_der(), "certificate_invalid", "đúng một"),
    ("oversized", lambda pki: pki.leader.cert_pem() + b" " * MAX_CERTIFICATE_BYTES, "certificate_too_large",
     "16 KB"),
    ("untrusted", lambda pki: pki.stranger.cert_pem(), "certificate_untrusted", "không thể đăng ký"),
    ("expired", lambda pki: pki.expired.cert_pem(), "certificate_expired", "đã hết hạn; không thể đăng ký"),
    ("the CA itself", lambda pki: pki.ca_pem(), "certificate_is_ca", "tổ chức chứng thực"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "make", "code", "words"), BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_a_bad_upload_is_refused_with_its_message_and_nothing_is_kept(
    cast: Cast, pki: Pki, trust_store: Path, name: str, make: Any, code: str, words: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _register(cast, cast.admin_a, make(pki), cast.leader_a.pk)
    assert refused.value.code == code, refused.value.message
    assert refused.value.field == "certificate" and words in refused.value.message
    assert not SigningCertificate.objects.exists() and not AuditEvent.objects.filter(verb=REGISTERED).exists()


def test_one_owner_at_a_time(cast: Cast, pki: Pki, trust_store: Path) -> None:
    first = _register(cast, cast.admin_a, pki.colleague.cert_pem(), cast.unit_head_a.pk)
    with pytest.raises(ValidationFailed) as other:
        _register(cast, cast.admin_a, pki.colleague.cert_der(), cast.leader_a.pk)
    assert other.value.code == "certificate_registered_to_other"
    assert cast.unit_head_a.full_name in other.value.message and "thu hồi" in other.value.message
    with pytest.raises(ValidationFailed) as again:
        _register(cast, cast.admin_a, pki.colleague.cert_pem(), cast.unit_head_a.pk)
    assert again.value.code == "certificate_already_registered"
    with pytest.raises(ValidationFailed) as to_agency:
        _register(cast, cast.admin_a, pki.colleague.cert_pem())
    assert to_agency.value.code == "certificate_registered_to_other"
    # Registered in another agency: its owner is not named to A's administrator.
    certificates.certificate_register(
        actor=Actor(user=cast.superuser), agency=cast.agency_b, user_id=None, data=pki.org.cert_pem()
    )
    with pytest.raises(ValidationFailed) as elsewhere:
        _register(cast, cast.admin_a, pki.org.cert_pem())
    assert elsewhere.value.code == "certificate_registered_to_other"
    assert cast.agency_b.name not in elsewhere.value.message
    assert SigningCertificate.objects.filter(sha256=first.sha256).count() == 1


def test_the_database_refuses_a_second_owner_in_use(cast: Cast, pki: Pki, trust_store: Path) -> None:
    first = _register(cast, cast.admin_a, pki.colleague.cert_pem(), cast.unit_head_a.pk)
    values = {
        "der": first.der,
        "sha256": first.sha256,
        "subject": first.subject,
        "issuer": first.issuer,
        "serial": first.serial,
        "not_after": first.not_after,
        "registered_at": timezone.now(),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        SigningCertificate.objects.create(user=cast.leader_a, **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        SigningCertificate.objects.create(user=cast.leader_a, agency=cast.agency_a, **values)
    # A withdrawn row does not count: history may hold the same certificate many times.
    SigningCertificate.objects.create(
        user=cast.leader_a, is_active=False, withdrawn_at=timezone.now(), **values
    )


def test_withdraw_keeps_the_row_and_frees_the_certificate(cast: Cast, pki: Pki, trust_store: Path) -> None:
    row = _register(cast, cast.admin_a, pki.colleague.cert_pem(), cast.unit_head_a.pk)
    for who in (cast.leader_a, cast.unit_head_a, cast.specialist_a, cast.clerk_a, cast.clerk_b):
        with pytest.raises(PermissionDenied):
            certificates.certificate_withdraw(
                actor=_actor(cast, who), agency=cast.agency_a, certificate_id=row.pk
            )
    with pytest.raises(PermissionDenied):
        certificates.certificate_withdraw(
            actor=_actor(cast, cast.admin_a), agency=cast.agency_b, certificate_id=row.pk
        )
    row.refresh_from_db()
    assert row.is_active
    # Agency B's own registration is not A's to withdraw.
    b_row = certificates.certificate_register(
        actor=Actor(user=cast.superuser), agency=cast.agency_b, user_id=None, data=pki.org.cert_pem()
    )
    with pytest.raises(ValidationFailed) as foreign:
        certificates.certificate_withdraw(
            actor=_actor(cast, cast.admin_a), agency=cast.agency_a, certificate_id=b_row.pk
        )
    assert foreign.value.code == "certificate_not_found"

    done = certificates.certificate_withdraw(
        actor=_actor(cast, cast.admin_a), agency=cast.agency_a, certificate_id=row.pk
    )
    assert not done.is_active and done.withdrawn_by == cast.admin_a and done.withdrawn_at is not None
    with pytest.raises(Conflict) as twice:
        certificates.certificate_withdraw(
            actor=_actor(cast, cast.admin_a), agency=cast.agency_a, certificate_id=row.pk
        )
    assert twice.value.code == "certificate_already_withdrawn"
    # The certificate may now be registered to its rightful owner; the old row stays as history.
    moved = _register(cast, cast.admin_a, pki.colleague.cert_pem(), cast.leader_a.pk)
    assert moved.pk != row.pk
    assert SigningCertificate.objects.filter(sha256=row.sha256).count() == 2
    assert (
        AuditEvent.objects.filter(verb="signing.certificate_withdrawn", actor_id=cast.admin_a.pk).count() == 1
    )
    assert audit.verify() is None
