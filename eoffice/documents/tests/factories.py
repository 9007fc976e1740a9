"""Build documents straight through the services, without files or background jobs where not needed."""

from __future__ import annotations

from datetime import date

from eoffice.core.actor import Actor
from eoffice.documents import services
from eoffice.documents.models import Document, DocumentType
from eoffice.documents.tests import samples

_counter = {"n": 0}


def clerk(cast) -> Actor:
    return Actor(user=cast.clerk_a, position=cast.position(cast.clerk_a))


def confirmed_document(
    cast, *, number: str | None = None, secrecy: str = "thuong", actor: Actor | None = None
) -> Document:
    """A received and confirmed incoming document of agency A (a small unique PDF each time)."""
    _counter["n"] += 1
    n = _counter["n"]
    actor = actor or clerk(cast)
    pdf = samples.pdf_for(samples.Sample(**{**samples.DECISION.__dict__, "body": f"Văn bản thử số {n}"}))
    document = services.document_receive_upload(
        actor=actor, main_files=[services.UploadPart(f"vb-{n}.pdf", pdf)], secrecy=secrecy
    )
    return services.document_confirm_fields(
        actor=actor,
        document=document,
        values=services.DocumentFields(
            document_type_id=DocumentType.objects.get(code="cong_van").pk,
            code_number=number or str(n),
            code_notation="UBND-VP",
            issued_date=date(2026, 1, 5),
            organ_name="Ủy ban nhân dân xã Đồng Tâm",
            issuing_agency_id=cast.agency_b.pk,
            subject=f"V/v thử nghiệm số {n}",
            secrecy=secrecy,
        ),
    )
