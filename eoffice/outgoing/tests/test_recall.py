"""Thu hồi: frozen, recipients accept (copy deleted) or refuse with a reason; metadata kept."""

from __future__ import annotations

import pytest

from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.directory.models import Agency
from eoffice.documents.models import Document, DocumentStatus
from eoffice.outgoing import numbering, recall, release, services
from eoffice.outgoing.models import Delivery, DeliveryStatus, Draft, DraftStatus, Recall
from eoffice.outgoing.tests.conftest import actor_of, doc_type, make_draft
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _released(cast: Cast, *recipients: int) -> Draft:
    draft = make_draft(cast, recipient_ids=list(recipients))
    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    draft.refresh_from_db()
    return draft


def test_recall_accept_and_refuse(cast: Cast) -> None:
    external = Agency.objects.create(code="G09.09.09", name="Bộ Xây dựng", abbreviation="BXD", hosted=False)
    draft = _released(cast, cast.agency_b.pk, cast.province.pk, external.pk)
    clerk = actor_of(cast, cast.clerk_a)
    with pytest.raises(ValidationFailed):
        recall.draft_recall(actor=clerk, draft=draft, reason=" ")
    with pytest.raises(PermissionDenied):
        recall.draft_recall(actor=actor_of(cast, cast.leader_a), draft=draft, reason="Sai số liệu")
    recall.draft_recall(actor=clerk, draft=draft, reason="Sai số liệu")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.RECALLED and Recall.objects.get(draft=draft).reason == "Sai số liệu"
    # Frozen: no new version, no second recall.
    with pytest.raises(Conflict):
        services.draft_revise(
            actor=actor_of(cast, cast.specialist_a),
            draft=draft,
            data=services.DraftInput(document_type_id=doc_type("cong_van").pk, subject="Khác"),
        )
    with pytest.raises(Conflict):
        recall.draft_recall(actor=clerk, draft=draft, reason="Lần hai")

    to_b = Delivery.objects.get(draft=draft, agency=cast.agency_b)
    copy_id = to_b.incoming_id
    assert copy_id is not None
    with pytest.raises(PermissionDenied):
        recall.recall_accept(actor=clerk, delivery=to_b)
    recall.recall_accept(actor=actor_of(cast, cast.clerk_b), delivery=to_b)
    to_b.refresh_from_db()
    assert to_b.status == DeliveryStatus.RECALLED and not Document.objects.filter(pk=copy_id).exists()
    with pytest.raises(Conflict):
        recall.recall_accept(actor=actor_of(cast, cast.clerk_b), delivery=to_b)
    assert Delivery.objects.get(draft=draft, agency=external).status == DeliveryStatus.RECALLED
    statuses = release.delivery_statuses(list(draft.deliveries.all()))
    assert statuses[to_b.pk] == DeliveryStatus.RECALLED


def test_recipient_refuses_a_recall_with_a_reason(cast: Cast) -> None:
    from eoffice.people.models import Role
    from eoffice.testing.cast import give_position, make_user

    clerk_p = make_user("vanthu.p", "Văn Thư Tỉnh")
    give_position(clerk_p, cast.province, "Văn thư", [Role.VAN_THU])
    draft = _released(cast, cast.province.pk)
    recall.draft_recall(actor=actor_of(cast, cast.clerk_a), draft=draft, reason="Ban hành nhầm")
    delivery = Delivery.objects.get(draft=draft)
    Document.objects.filter(outgoing_delivery=delivery).update(status=DocumentStatus.REGISTERED)
    province_clerk = actor_of(cast, clerk_p)
    with pytest.raises(ValidationFailed):
        recall.recall_refuse(actor=province_clerk, delivery=delivery, reason="")
    recall.recall_refuse(actor=province_clerk, delivery=delivery, reason="Đã giao xử lý")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.reason) == (DeliveryStatus.RECALL_REFUSED, "Đã giao xử lý")
    assert Document.objects.filter(outgoing_delivery=delivery).exists()


def test_only_a_released_document_is_recalled(cast: Cast) -> None:
    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk])
    with pytest.raises(Conflict):
        recall.draft_recall(actor=actor_of(cast, cast.clerk_a), draft=draft, reason="x")


@pytest.mark.parametrize(
    ("reason", "code"),
    [("   ", "reason_required"), ("Sai\x00sót", "reason_invalid"), ("x" * 2001, "reason_too_long")],
)
def test_a_reason_that_cannot_be_kept_is_refused_and_nothing_changes(
    cast: Cast, reason: str, code: str
) -> None:
    draft = _released(cast, cast.agency_b.pk)
    with pytest.raises(ValidationFailed) as refused:
        recall.draft_recall(actor=actor_of(cast, cast.clerk_a), draft=draft, reason=reason)
    assert refused.value.code == code and refused.value.field == "reason"
    assert not Recall.objects.filter(draft=draft).exists()
    assert Draft.objects.get(pk=draft.pk).status == draft.status
