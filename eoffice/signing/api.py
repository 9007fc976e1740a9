"""/api/v1/signing: validate the signatures of an uploaded PDF; registered certificates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile

from eoffice.core.actor import Actor
from eoffice.core.errors import PermissionDenied
from eoffice.directory.models import Agency
from eoffice.signing import certificates, selectors
from eoffice.signing.models import SigningCertificate
from eoffice.signing.uploads import read_certificate_upload, read_pdf_upload
from eoffice.signing.validation import SignatureReport, ValidationResult

router = Router(tags=["signing"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class ValidationOut(Schema):
    sha256: str
    all_valid: bool
    summary: str
    # The report's own dataclass is the schema: one definition of a signature's fields.
    signatures: list[SignatureReport]


@router.post("/validate", response=ValidationOut)
def validate(request: HttpRequest, file: File[UploadedFile]) -> dict[str, object]:
    """Validate every signature of the uploaded PDF against the configured trust store."""
    return validation_dict(selectors.signatures_validate(actor=_actor(request), data=read_pdf_upload(file)))


def validation_dict(result: ValidationResult) -> dict[str, object]:
    """A validation result in the shape of `ValidationOut` (also used by the outgoing API)."""
    return {
        "sha256": result.sha256,
        "all_valid": result.all_valid,
        "summary": result.summary,
        "signatures": [s.as_dict() for s in result.signatures],
    }


class CertificateOut(Schema):
    id: int
    owner_kind: str  # "user" | "agency"
    user_id: int | None
    agency_id: int | None
    owner: str
    sha256: str
    subject: str
    issuer: str
    serial: str
    not_after: dt.datetime
    registered_by: str
    registered_at: dt.datetime
    in_use: bool
    withdrawn_at: dt.datetime | None


class RegisterIn(Schema):
    # Empty: the agency's own certificate (its digital signature); else a person of the agency.
    user_id: int | None = None


def _certificate(row: SigningCertificate) -> dict[str, Any]:
    return {
        "id": row.pk,
        "owner_kind": "user" if row.user_id is not None else "agency",
        "user_id": row.user_id,
        "agency_id": row.agency_id,
        "owner": certificates.owner_name(row),
        "sha256": row.sha256,
        "subject": row.subject,
        "issuer": row.issuer,
        "serial": row.serial,
        "not_after": row.not_after,
        "registered_by": row.registered_by.full_name if row.registered_by else "",
        "registered_at": row.registered_at,
        "in_use": row.is_active,
        "withdrawn_at": row.withdrawn_at,
    }


def _agency(actor: Actor) -> Agency:
    """The agency of the post the actor is acting in: an administrator manages their own."""
    if actor.position is None:
        raise PermissionDenied(_("Bạn cần chọn một chức vụ."))
    return actor.position.agency


@router.get("/certificates", response=list[CertificateOut], summary="Chứng thư số đã đăng ký của cơ quan")
def certificate_list(request: HttpRequest) -> Any:
    actor = _actor(request)
    return [_certificate(r) for r in selectors.certificates_of_agency(actor=actor, agency=_agency(actor))]


@router.get("/certificates/mine", response=list[CertificateOut], summary="Chứng thư số của tôi")
def certificate_mine(request: HttpRequest) -> Any:
    return [_certificate(r) for r in selectors.my_certificates(actor=_actor(request))]


@router.post("/certificates", response={201: CertificateOut}, summary="Đăng ký chứng thư số")
def certificate_register(
    request: HttpRequest, payload: Form[RegisterIn], certificate: File[UploadedFile | None] = None
) -> Any:
    """Multipart: `certificate` (PEM or DER, one X.509 certificate, never a key), `user_id`."""
    actor = _actor(request)
    row = certificates.certificate_register(
        actor=actor,
        agency=_agency(actor),
        user_id=payload.user_id,
        data=read_certificate_upload(certificate),
    )
    return Status(201, _certificate(row))


@router.post(
    "/certificates/{int:certificate_id}/withdraw", response=CertificateOut, summary="Thu hồi đăng ký"
)
def certificate_withdraw(request: HttpRequest, certificate_id: int) -> Any:
    actor = _actor(request)
    row = certificates.certificate_withdraw(actor=actor, agency=_agency(actor), certificate_id=certificate_id)
    return _certificate(row)
