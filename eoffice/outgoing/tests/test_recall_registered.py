"""Thu hồi of a copy the recipient already registered (vào sổ) and handed on: accepting (15)
withdraws it — out of the queues, its open work lines recalled, its arrival number kept in the
register marked "đã thu hồi" — and the sender's tracking shows every step."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from eoffice.core.errors import Conflict, PermissionDenied
from eoffice.documents import exports, selectors
from eoffice.documents.handling import item_of
from eoffice.documents.models import DocumentStatus, Registration
from eoffice.outgoing import amend_selectors, recall, release
from eoffice.outgoing.models import DeliveryEvent, DeliveryEventKind, DeliveryStatus, Recall
from eoffice.outgoing.tests.amend_cases import copy_of, delivery_to, register_copy, released
from eoffice.outgoing.tests.conftest import actor_of, login
from eoffice.people.models import Role
from eoffice.testing.cast import Cast, give_position, make_user
from eoffice.work import services as work
from eoffice.work.models import AssignmentLine
from eoffice.work.services import LineSpec
from eoffice.work.statuses import LineRole, LineStatus

pytestmark = pytest.mark.django_db


def _handed_on(cast: Cast) -> tuple[Any, Any, Any, Any]:
    """A released to B; B registered its copy and gave a specialist the lead line."""
    staff = make_user("chuyenvien.b", "Ngô Văn Xã")
    give_position(staff, cast.agency_b, "Công chức", [Role.CHUYEN_VIEN])
    draft = released(cast, cast.agency_b.pk)
    clerk_b = actor_of(cast, cast.clerk_b)
    copy = register_copy(clerk_b, copy_of(draft, cast.agency_b.pk))
    item = item_of(copy)
    assert item is not None
    line = work.lines_assign(item=item, specs=[LineSpec.person(LineRole.LEAD, staff.pk)], actor=clerk_b)[0]
    work.line_receive(line=line, actor=actor_of(cast, staff))
    work.line_start(line=line, actor=actor_of(cast, staff))
    copy.refresh_from_db()
    assert copy.status == DocumentStatus.IN_PROGRESS
    return draft, copy, line, staff


def test_accepting_the_recall_of_a_registered_copy_withdraws_it(cast: Cast) -> None:
    draft, copy, line, staff = _handed_on(cast)
    number = Registration.objects.get(document=copy).number
    recall.draft_recall(actor=actor_of(cast, cast.clerk_a), draft=draft, reason="Sai thẩm quyền ban hành")
    delivery = delivery_to(draft, cast.agency_b.pk)
    # Neither the sender's clerk nor B's specialist may answer for B.
    for who in (cast.clerk_a, staff):
        with pytest.raises(PermissionDenied):
            recall.recall_accept(actor=actor_of(cast, who), delivery=delivery)

    recall.recall_accept(actor=actor_of(cast, cast.clerk_b), delivery=delivery)

    delivery.refresh_from_db()
    copy.refresh_from_db()
    assert delivery.status == DeliveryStatus.RECALLED and delivery.incoming_id == copy.pk
    assert copy.status == DocumentStatus.RECALLED and not copy.files.exists()
    # The arrival number stays, so the register has no gap; the note says why the line is empty.
    registration = Registration.objects.get(document=copy)
    assert registration.number == number
    assert exports.entry_row(registration)[-1].startswith("Đã thu hồi")
    # Out of the queue and the work box; the line's history is kept.
    clerk_b = actor_of(cast, cast.clerk_b)
    assert copy not in selectors.incoming_list(actor=clerk_b)
    assert copy in selectors.incoming_list(actor=clerk_b, status=DocumentStatus.RECALLED)
    assert AssignmentLine.objects.get(pk=line.pk).status == LineStatus.THU_HOI
    assert not AssignmentLine.objects.filter(
        item=item_of(copy), status__in=[LineStatus.CHO_TIEP_NHAN, LineStatus.CHO_XU_LY, LineStatus.DANG_XU_LY]
    ).exists()
    # The recall's metadata is kept; the sender sees 15 in the timeline.
    assert Recall.objects.get(draft=draft).reason == "Sai thẩm quyền ban hành"
    timeline = amend_selectors.tracks(draft)[0].events
    assert [e.kind for e in timeline] == [
        DeliveryEventKind.ARRIVED,
        DeliveryEventKind.RECALL_REQUESTED,
        DeliveryEventKind.RECALL_ACCEPTED,
    ]
    assert release.delivery_statuses([delivery])[delivery.pk] == DeliveryStatus.RECALLED
    with pytest.raises(Conflict):
        recall.recall_accept(actor=clerk_b, delivery=delivery)
    # The next arrival in B's register follows on.
    again = register_copy(clerk_b, copy_of(released(cast, cast.agency_b.pk), cast.agency_b.pk))
    assert Registration.objects.get(document=again).number == number + 1


def test_refusing_the_recall_of_a_registered_copy_keeps_the_work(cast: Cast) -> None:
    draft, copy, line, _staff = _handed_on(cast)
    recall.draft_recall(actor=actor_of(cast, cast.clerk_a), draft=draft, reason="Ban hành nhầm")
    delivery = delivery_to(draft, cast.agency_b.pk)
    recall.recall_refuse(actor=actor_of(cast, cast.clerk_b), delivery=delivery, reason="Đã giao xử lý")
    copy.refresh_from_db()
    assert copy.status == DocumentStatus.IN_PROGRESS and copy.files.exists()
    assert AssignmentLine.objects.get(pk=line.pk).status == LineStatus.DANG_XU_LY
    event = DeliveryEvent.objects.filter(delivery=delivery).last()
    assert event is not None and (event.kind, event.note) == (
        DeliveryEventKind.RECALL_REFUSED,
        "Đã giao xử lý",
    )


def test_recall_pages_for_a_registered_copy(cast: Cast) -> None:
    draft, copy, _line, _staff = _handed_on(cast)
    recall.draft_recall(actor=actor_of(cast, cast.clerk_a), draft=draft, reason="Sai số liệu")
    delivery = delivery_to(draft, cast.agency_b.pk)
    clerk_b = login(cast.clerk_b)
    page = clerk_b.get(reverse("documents:detail", args=[copy.pk])).content.decode()
    assert "yêu cầu thu hồi văn bản này: Sai số liệu" in page
    assert reverse("outgoing:recall_answer", args=[delivery.pk]) in page
    # Only B's văn thư may answer.
    for user in (cast.clerk_a, cast.leader_a, cast.specialist_a, cast.outsider):
        assert (
            login(user)
            .post(reverse("outgoing:recall_answer", args=[delivery.pk]), {"answer": "accept"})
            .status_code
            == 403
        )
    response = clerk_b.post(reverse("outgoing:recall_answer", args=[delivery.pk]), {"answer": "accept"})
    assert response.status_code == 302
    page = clerk_b.get(reverse("documents:detail", args=[copy.pk])).content.decode()
    assert "đã bị cơ quan ban hành thu hồi" in page
    sender = login(cast.clerk_a).get(reverse("outgoing:draft", args=[draft.pk])).content.decode()
    assert "Đồng ý thu hồi (15)" in sender and "Yêu cầu thu hồi (13)" in sender
