"""Shared steps of the update / replace / correction / recall tests: agency A releases to the
hosted agencies B and the province, whose văn thư answer."""

from __future__ import annotations

from typing import Any

from eoffice.core.actor import Actor
from eoffice.documents import services as document_services
from eoffice.documents.models import Document
from eoffice.outgoing import numbering, release
from eoffice.outgoing.models import Delivery, Draft
from eoffice.outgoing.tests.conftest import actor_of, make_draft
from eoffice.people.models import Role
from eoffice.testing.cast import Cast, give_position, make_user


def province_clerk(cast: Cast) -> Any:
    user = make_user("vanthu.tinh", "Văn Thư Tỉnh")
    give_position(user, cast.province, "Văn thư", [Role.VAN_THU])
    return user


def released(cast: Cast, *recipients: int, **extra: Any) -> Draft:
    draft = make_draft(cast, recipient_ids=list(recipients), **extra)
    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    draft.refresh_from_db()
    return draft


def delivery_to(draft: Draft, agency_id: int) -> Delivery:
    return Delivery.objects.select_related("incoming").get(draft=draft, agency_id=agency_id)


def copy_of(draft: Draft, agency_id: int) -> Document:
    incoming = delivery_to(draft, agency_id).incoming
    assert incoming is not None
    return incoming


def register_copy(actor: Actor, copy: Document) -> Document:
    """The recipient's văn thư confirms the arrived copy's metadata and registers it (vào sổ)."""
    document_services.document_confirm_fields(
        actor=actor,
        document=copy,
        values=document_services.DocumentFields(
            document_type_id=copy.document_type_id,
            code_number=copy.code_number,
            code_notation=copy.code_notation,
            issued_date=copy.issued_date,
            organ_name=copy.organ_name,
            issuing_agency_id=copy.issuing_agency_id,
            subject=copy.subject,
            due_date=copy.due_date,
        ),
    )
    document_services.document_register(actor=actor, document=copy)
    copy.refresh_from_db()
    return copy
