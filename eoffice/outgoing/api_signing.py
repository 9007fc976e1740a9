"""/api/v1/outgoing: the "to sign" box, signing (one or a batch), the organisation's signature,
and the validation report of a draft's signed files.

Keys come with each request as multipart form fields: `pin` for the token an administrator
declared, or a `pkcs12` file and its `password`. Nothing of them is kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, UploadedFile

from eoffice.core.actor import Actor
from eoffice.outgoing import selectors, signing, signing_selectors
from eoffice.outgoing.models import DraftSignature
from eoffice.signing import keys
from eoffice.signing.api import ValidationOut, validation_dict
from eoffice.signing.uploads import read_key_input

router = Router(tags=["outgoing"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class ToSignOut(Schema):
    draft_id: int
    version: int
    Subject: str
    TypeName: str
    drafter: str
    deadline: dt.datetime | None


class KeyIn(Schema):
    pin: str = ""
    password: str = ""


class BatchIn(KeyIn):
    draft_ids: str


class OutcomeOut(Schema):
    draft_id: int
    ok: bool
    code: str
    message: str


class SignatureOut(Schema):
    draft_id: int
    version: int
    signed_by: str
    signed_at: dt.datetime
    key_kind: str
    certificate_subject: str
    certificate_serial: str
    org_signed: bool
    org_signed_at: dt.datetime | None
    org_certificate_subject: str


class SignedFileOut(Schema):
    index: int
    label: str
    sha256: str
    validation: ValidationOut


class SignaturesOut(Schema):
    signature: SignatureOut | None
    files: list[SignedFileOut]


def _signature(signature: DraftSignature) -> dict[str, Any]:
    return {
        "draft_id": signature.draft_id,
        "version": signature.version.number,
        "signed_by": signature.signed_by.full_name,
        "signed_at": signature.signed_at,
        "key_kind": signature.key_kind,
        "certificate_subject": signature.certificate_subject,
        "certificate_serial": signature.certificate_serial,
        "org_signed": signature.org_signed,
        "org_signed_at": signature.org_signed_at,
        "org_certificate_subject": signature.org_certificate_subject,
    }


def _ids(raw: str) -> list[int]:
    return [int(part) for part in raw.replace(";", ",").split(",") if part.strip().isdigit()]


@router.get("/to-sign", response=list[ToSignOut], summary="Văn bản chờ ký")
def to_sign(request: HttpRequest) -> Any:
    return [
        {
            "draft_id": run.draft_id,
            "version": run.version.number,
            "Subject": run.version.subject,
            "TypeName": run.version.document_type.name,
            "drafter": run.draft.created_by.full_name,
            "deadline": run.line.deadline,
        }
        for run in signing_selectors.to_sign(actor=_actor(request))[:500]
    ]


@router.post("/sign", response=list[OutcomeOut], summary="Ký số nhiều văn bản (một lần nhập PIN)")
def sign_batch(request: HttpRequest, payload: Form[BatchIn], pkcs12: File[UploadedFile | None] = None) -> Any:
    actor = _actor(request)
    signer_user = actor.user
    assert signer_user is not None
    ids = _ids(payload.draft_ids)
    if not ids:
        raise signing.nothing_chosen()
    key = read_key_input(pin=payload.pin, pkcs12=pkcs12, password=payload.password)
    with keys.open_user_signer(user_id=signer_user.pk, key=key) as signer:
        outcomes = signing.drafts_sign(actor=actor, draft_ids=ids, signer=signer)
    return [o.__dict__ for o in outcomes]


@router.post("/drafts/{int:draft_id}/sign", response=SignatureOut, summary="Ký số văn bản (người ký)")
def sign_one(
    request: HttpRequest, draft_id: int, payload: Form[KeyIn], pkcs12: File[UploadedFile | None] = None
) -> Any:
    actor = _actor(request)
    draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    signer_user = actor.user
    assert signer_user is not None
    key = read_key_input(pin=payload.pin, pkcs12=pkcs12, password=payload.password)
    with keys.open_user_signer(user_id=signer_user.pk, key=key) as signer:
        signature = signing.draft_sign(actor=actor, draft=draft, signer=signer)
    return _signature(signature)


@router.post("/drafts/{int:draft_id}/org-sign", response=SignatureOut, summary="Ký số của cơ quan (văn thư)")
def org_sign(
    request: HttpRequest, draft_id: int, payload: Form[KeyIn], pkcs12: File[UploadedFile | None] = None
) -> Any:
    actor = _actor(request)
    draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    key = read_key_input(pin=payload.pin, pkcs12=pkcs12, password=payload.password)
    with keys.open_agency_signer(agency=draft.agency, key=key) as signer:
        signature = signing.draft_org_sign(actor=actor, draft=draft, signer=signer)
    return _signature(signature)


@router.get(
    "/drafts/{int:draft_id}/signatures", response=SignaturesOut, summary="Kiểm tra chữ ký số của văn bản"
)
def signatures(request: HttpRequest, draft_id: int) -> Any:
    draft = selectors.draft_get(actor=_actor(request), draft_id=draft_id)
    signature = signing.current_signature(draft)
    if signature is None:
        return {"signature": None, "files": []}
    return {
        "signature": _signature(signature),
        "files": [
            {
                "index": index,
                "label": label,
                "sha256": stored.sha256,
                "validation": validation_dict(signing.validate_stored(stored)),
            }
            for index, (label, stored) in enumerate(signing.signed_files(signature))
        ],
    }
