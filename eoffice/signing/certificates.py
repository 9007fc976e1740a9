"""Registered certificates ("đăng ký chứng thư số"): who may sign with which certificate.

A key whose certificate chains to the trust store proves only that some CA issued it to someone.
Before anything is signed, `require_registered` checks that the certificate is registered, in
use, to the person who signs (the personal signature) or to the draft's agency (the agency's
signature). Every signing path goes through it: personal and batch (`draft_sign`), agency
(`draft_org_sign`), whatever holds the key (PKCS#12 file, PKCS#11 token, remote service).

The agency's administrator registers and withdraws certificates (see `policies`); a withdrawn
registration stays as history.
"""

from __future__ import annotations

from typing import Any, NoReturn

from asn1crypto import x509 as asn1_x509
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.directory.models import Agency
from eoffice.signing import policies
from eoffice.signing.certificate_files import UploadedCertificate, fingerprint, read_certificate
from eoffice.signing.models import SigningCertificate
from eoffice.signing.signers import check_certificate


def owner_name(row: SigningCertificate) -> str:
    if row.user is not None:
        return str(row.user.get_full_name() or row.user.get_username())
    assert row.agency is not None
    return row.agency.name


def _person_of(agency: Agency, user_id: int) -> Any:
    # People are found through their posts (the people app's relation), not imported from it.
    person = (
        get_user_model()
        .objects.filter(pk=user_id, positions__agency=agency, positions__is_active=True)
        .first()
    )
    if person is None:
        raise ValidationFailed(
            "not_in_agency", _("Người dùng không có chức vụ trong cơ quan này."), field="user"
        )
    return person


def _registration_message(code: str, subject: str) -> str | None:
    values = {"subject": subject}
    if code == "certificate_expired":
        return _("Chứng thư số của %(subject)s đã hết hạn; không thể đăng ký.") % values
    if code == "certificate_not_yet_valid":
        return _("Chứng thư số của %(subject)s chưa có hiệu lực; không thể đăng ký.") % values
    if code == "certificate_untrusted":
        return (
            _(
                "Chứng thư số của %(subject)s không do tổ chức cung cấp dịch vụ chứng thực được tin cậy "
                "cấp; không thể đăng ký."
            )
            % values
        )
    return None


def _check_trusted(uploaded: UploadedCertificate) -> None:
    """The same checks as signing (validity period, chain to the trust store), worded for
    registration: a certificate that could never sign is not worth registering."""
    try:
        check_certificate(uploaded.certificate)
    except ValidationFailed as error:
        message = _registration_message(error.code, str(error.details.get("subject") or uploaded.subject))
        if message is None:
            raise
        raise ValidationFailed(error.code, message, field="certificate", details=error.details) from error


def _refuse_registered(existing: SigningCertificate, agency: Agency, user: Any) -> NoReturn:
    same_owner = existing.user_id == (user.pk if user else None) and existing.agency_id == (
        None if user else agency.pk
    )
    if same_owner:
        raise ValidationFailed(
            "certificate_already_registered",
            _("Chứng thư số này đã được đăng ký cho %(owner)s rồi.") % {"owner": owner_name(existing)},
            field="certificate",
            details={"sha256": existing.sha256},
        )
    # Name the other owner only inside the administrator's own agency.
    visible = existing.agency_id == agency.pk or (
        existing.user_id is not None
        and get_user_model().objects.filter(pk=existing.user_id, positions__agency=agency).exists()
    )
    owner = owner_name(existing) if visible else _("một người hoặc cơ quan khác")
    raise ValidationFailed(
        "certificate_registered_to_other",
        _(
            "Chứng thư số này đang được đăng ký cho %(owner)s; một chứng thư số chỉ đăng ký cho một người "
            "hoặc một cơ quan. Hãy thu hồi đăng ký đó trước."
        )
        % {"owner": owner},
        field="certificate",
        details={"sha256": existing.sha256},
    )


@transaction.atomic
def certificate_register(
    *, actor: Actor, agency: Agency, user_id: int | None, data: bytes
) -> SigningCertificate:
    """Register the uploaded certificate (PEM or DER, never a key) to a person of `agency`
    (user_id) or to the agency itself (user_id None)."""
    policies.require_manage_certificates(actor, agency)
    user = _person_of(agency, user_id) if user_id is not None else None
    uploaded = read_certificate(data)
    _check_trusted(uploaded)
    existing = (
        SigningCertificate.objects.filter(sha256=uploaded.sha256, is_active=True)
        .select_related("user", "agency")
        .first()
    )
    if existing is not None:
        _refuse_registered(existing, agency, user)
    validity = uploaded.certificate["tbs_certificate"]["validity"]
    try:
        # The savepoint lets a registration racing this one (the unique constraint) be refused
        # with a message instead of breaking the whole transaction.
        with transaction.atomic():
            row = SigningCertificate.objects.create(
                user=user,
                agency=None if user else agency,
                der=uploaded.der,
                sha256=uploaded.sha256,
                subject=uploaded.subject,
                issuer=uploaded.issuer,
                serial=uploaded.serial,
                not_after=validity["not_after"].native,
                registered_by=actor.user,
                registered_at=timezone.now(),
            )
    except IntegrityError as exc:
        raced = SigningCertificate.objects.select_related("user", "agency").get(
            sha256=uploaded.sha256, is_active=True
        )
        try:
            _refuse_registered(raced, agency, user)
        except ValidationFailed as refused:
            raise refused from exc
    audit.record(
        actor=actor,
        verb="signing.certificate_registered",
        target=row,
        agency_id=agency.pk,
        data={
            "user": user_id,
            "sha256": row.sha256,
            "subject": row.subject,
            "serial": row.serial,
            "not_after": row.not_after.isoformat(),
        },
    )
    return row


def _owned_by(row: SigningCertificate, agency: Agency) -> bool:
    # Someone who has left the agency keeps their history here, so any post counts, active or not.
    return row.agency_id == agency.pk or (
        row.user_id is not None
        and get_user_model().objects.filter(pk=row.user_id, positions__agency=agency).exists()
    )


@transaction.atomic
def certificate_withdraw(*, actor: Actor, agency: Agency, certificate_id: int) -> SigningCertificate:
    """Stop a registration: the certificate no longer signs. The row stays, for history."""
    policies.require_manage_certificates(actor, agency)
    # Why the lock: a signature being recorded re-checks its registration under this same row
    # lock, so it either commits before the withdrawal or is refused after it.
    row = (
        SigningCertificate.objects.select_for_update(of=("self",))
        .select_related("user", "agency")
        .filter(pk=certificate_id)
        .first()
    )
    if row is None or not _owned_by(row, agency):
        raise ValidationFailed(
            "certificate_not_found",
            _("Không tìm thấy chứng thư số đã đăng ký trong cơ quan này."),
            field="certificate",
        )
    if not row.is_active:
        raise Conflict(
            "certificate_already_withdrawn", _("Đăng ký chứng thư số này đã được thu hồi trước đó.")
        )
    row.is_active = False
    row.withdrawn_by = actor.user
    row.withdrawn_at = timezone.now()
    row.save(update_fields=["is_active", "withdrawn_by", "withdrawn_at"])
    audit.record(
        actor=actor,
        verb="signing.certificate_withdrawn",
        target=row,
        agency_id=agency.pk,
        data={"user": row.user_id, "sha256": row.sha256, "subject": row.subject},
    )
    return row


def _subject(certificate: asn1_x509.Certificate) -> str:
    return str(certificate.subject.native.get("common_name") or certificate.subject.human_friendly)


def _not_registered(
    certificate: asn1_x509.Certificate, sha256: str, owner: str, *, agency: bool, withdrawn: bool
) -> ValidationFailed:
    values = {"subject": _subject(certificate), "owner": owner}
    if withdrawn:
        message = _(
            "Chứng thư số «%(subject)s» đã bị thu hồi đăng ký cho %(owner)s; không thể ký. "
            "Hãy dùng chứng thư số đang được đăng ký, hoặc nhờ quản trị cơ quan đăng ký lại."
        )
    elif agency:
        message = _(
            "Chứng thư số «%(subject)s» chưa được đăng ký là chứng thư số của %(owner)s; không thể ký số "
            "cơ quan. Hãy nhờ quản trị cơ quan đăng ký chứng thư số của cơ quan."
        )
    else:
        message = _(
            "Chứng thư số «%(subject)s» chưa được đăng ký cho %(owner)s; không thể ký. "
            "Hãy nhờ quản trị cơ quan đăng ký chứng thư số của bạn."
        )
    return ValidationFailed(
        "certificate_not_registered",
        message % values,
        field="certificate",
        details={"sha256": sha256, "subject": values["subject"], "withdrawn": withdrawn},
    )


def require_registered(
    certificate: asn1_x509.Certificate,
    *,
    user: Any = None,
    agency: Agency | None = None,
    lock: bool = False,
) -> str:
    """The certificate's SHA-256 fingerprint when it is registered, in use, to `user` (the person
    who signs) or to `agency` (the agency's signature); refuses otherwise.

    `lock=True` (inside the transaction that records the signature) takes the registration's row
    lock, so a withdrawal cannot slip between this check and the commit.
    """
    if (user is None) == (agency is None):
        raise ValueError("exactly one of user and agency")
    sha256 = fingerprint(certificate)
    owned = SigningCertificate.objects.filter(sha256=sha256)
    owned = owned.filter(user=user) if user is not None else owned.filter(agency=agency)
    active = owned.filter(is_active=True)
    if lock:
        active = active.select_for_update()
    if active.first() is not None:
        return sha256
    if user is not None:
        owner = str(user.get_full_name() or user.get_username())
    else:
        assert agency is not None
        owner = agency.name
    raise _not_registered(certificate, sha256, owner, agency=agency is not None, withdrawn=owned.exists())
