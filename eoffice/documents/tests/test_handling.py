"""Registered documents handed to the work engine and followed back: the item opened with the
arrival number, present / route / reply proposal, the document's status following the top lead
line, sight through lines for other agencies, the register's "recipients" column, the slip."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from eoffice.core.models import AuditEvent
from eoffice.directory.models import Unit
from eoffice.documents import exports, handling, selectors, services
from eoffice.documents.models import Document, DocumentStatus, RegisterCounter, Registration
from eoffice.documents.tests.factories import confirmed_document
from eoffice.people.models import Role
from eoffice.testing.cast import give_position, make_user
from eoffice.work import pdf as work_pdf
from eoffice.work import services as work
from eoffice.work.models import AssignmentLine, Opinion, OpinionKind, RoutingRule, WorkItem
from eoffice.work.services import LineSpec
from eoffice.work.statuses import ItemStatus, LineRole, LineStatus


def actor_of(cast, user) -> Actor:
    return Actor(user=user, position=cast.position(user))


def registered(cast, **extra) -> Document:
    document = confirmed_document(cast, **extra)
    services.document_register(actor=actor_of(cast, cast.clerk_a), document=document)
    document.refresh_from_db()
    return document


def line_of(item: WorkItem, **lookup) -> AssignmentLine:
    return AssignmentLine.objects.get(item=item, **lookup)


def test_registration_opens_the_work_item(cast) -> None:
    document = confirmed_document(cast)
    Document.objects.filter(pk=document.pk).update(
        urgency="khan", due_date=timezone.localdate() + timedelta(3)
    )
    document.refresh_from_db()
    registration = services.document_register(actor=actor_of(cast, cast.clerk_a), document=document)
    item = handling.item_of(document)
    assert item is not None and item.status == ItemStatus.NEW
    assert (item.subject_type, item.subject_id, item.agency_id) == (
        "documents.document",
        document.pk,
        cast.agency_a.pk,
    )
    assert item.title == document.subject and document.number_symbol in item.reference
    assert item.urgency == "khan" and item.arrived_at == registration.arrived_at
    assert timezone.localtime(item.deadline).date() == document.due_date
    assert AuditEvent.objects.filter(verb="document.registered", data__work_item=item.pk).exists()


def test_reply_deadline_before_arrival_registers_nothing(cast) -> None:
    document = confirmed_document(cast)
    # Confirmed with a due date that has passed by the time it is registered.
    yesterday = timezone.localdate() - timedelta(days=1)
    Document.objects.filter(pk=document.pk).update(due_date=yesterday)
    document.refresh_from_db()
    with pytest.raises(ValidationFailed) as caught:
        services.document_register(actor=actor_of(cast, cast.clerk_a), document=document)
    assert caught.value.code == "deadline_before_arrival" and caught.value.field == "due_date"
    assert "trước ngày đến" in caught.value.message
    document.refresh_from_db()
    assert document.status == DocumentStatus.CONFIRMED
    assert not Registration.objects.exists() and not WorkItem.objects.exists()
    assert not RegisterCounter.objects.filter(last_number__gt=0).exists()


def test_confirm_refuses_reply_deadline_before_arrival(cast) -> None:
    document = confirmed_document(cast)
    values = services.DocumentFields(
        document_type_id=document.document_type_id,
        code_number=document.code_number,
        code_notation=document.code_notation,
        issued_date=document.issued_date,
        organ_name=document.organ_name,
        issuing_agency_id=None,
        subject="Trích yếu đã sửa",
        due_date=timezone.localdate() - timedelta(days=2),
    )
    with pytest.raises(ValidationFailed) as caught:
        services.document_confirm_fields(actor=actor_of(cast, cast.clerk_a), document=document, values=values)
    assert (caught.value.code, caught.value.field) == ("deadline_before_arrival", "due_date")
    document.refresh_from_db()
    assert document.subject != "Trích yếu đã sửa" and document.due_date is None


def test_present_before_registration_is_refused(cast) -> None:
    document = confirmed_document(cast)
    with pytest.raises(Conflict) as caught:
        services.document_present(
            actor=actor_of(cast, cast.clerk_a), document=document, leader_id=cast.leader_a.pk
        )
    assert caught.value.code == "not_registered"


def test_whole_path_document_follows_its_top_lead_line(cast) -> None:
    """Present → leader assigns lead unit, co unit, info reader → unit head forwards to the
    specialist → the specialist completes → the document is done."""
    document = registered(cast)
    second_unit = Unit.objects.create(agency=cast.agency_a, name="Phòng Công chức", code="CC")
    clerk, leader = actor_of(cast, cast.clerk_a), actor_of(cast, cast.leader_a)
    head, specialist = actor_of(cast, cast.unit_head_a), actor_of(cast, cast.specialist_a)

    item = services.document_present(actor=clerk, document=document, leader_id=cast.leader_a.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_PROGRESS
    top = line_of(item, level_key=0)
    work.line_receive(line=top, actor=leader)
    work.line_forward(
        line=top,
        specs=[
            LineSpec.unit(LineRole.LEAD, cast.unit_a.pk, deadline=work.deadline_input(working_days=5)),
            LineSpec.unit(LineRole.CO, second_unit.pk, deadline=work.deadline_input(working_days=5)),
            LineSpec.person(LineRole.INFO, cast.admin_a.pk),
        ],
        direction="Giao Phòng TCBC chủ trì, Phòng Công chức phối hợp.",
        actor=leader,
    )
    unit_line = line_of(item, assignee_unit=cast.unit_a)
    work.line_receive(line=unit_line, actor=head)
    work.line_forward(
        line=unit_line, specs=[LineSpec.person(LineRole.LEAD, cast.specialist_a.pk)], actor=head
    )
    mine = line_of(item, assignee_user=cast.specialist_a)
    work.line_receive(line=mine, actor=specialist)
    # The specialist now sees the document (a line gives sight), the outsider unit's staff do not.
    assert selectors.document_get(actor=specialist, document_id=document.pk) == document
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_PROGRESS
    work.line_complete(line=mine, actor=specialist)

    document.refresh_from_db()
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE and document.status == DocumentStatus.DONE
    statuses = dict(AssignmentLine.objects.filter(item=item).values_list("id", "status"))
    assert set(statuses.values()) == {LineStatus.HOAN_THANH}, "co and info siblings closed with the lead"
    moves = list(
        AuditEvent.objects.filter(verb="document.handling_status", target_id=str(document.pk))
        .order_by("id")
        .values_list("data__from", "data__to")
    )
    assert moves == [("registered", "in_progress"), ("in_progress", "done")]


def test_returned_top_line_puts_the_document_back_and_it_can_be_presented_again(cast) -> None:
    document = registered(cast)
    clerk, leader = actor_of(cast, cast.clerk_a), actor_of(cast, cast.leader_a)
    item = services.document_present(actor=clerk, document=document, leader_id=cast.leader_a.pk)
    work.line_return(line=line_of(item, level_key=0), reason="Không thuộc thẩm quyền", actor=leader)
    document.refresh_from_db()
    assert document.status == DocumentStatus.REGISTERED
    services.document_present(actor=clerk, document=document, leader_id=cast.leader_a.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_PROGRESS


def test_a_done_document_cannot_follow_backwards(cast) -> None:
    document = registered(cast)
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.DONE)
    item = handling.item_of(document)
    assert item is not None
    item.status = ItemStatus.IN_PROGRESS
    with pytest.raises(Conflict):
        handling.follow_work(item, Actor.system("test"))


def test_route_by_type_or_field_from_the_document(cast) -> None:
    clerk = actor_of(cast, cast.clerk_a)
    document = registered(cast)
    with pytest.raises(ValidationFailed) as caught:
        services.document_route(actor=clerk, document=document)
    assert caught.value.code == "no_rule"
    # A rule on the field, written without accents, matches the field typed with them.
    RoutingRule.objects.create(
        agency=cast.agency_a, key="field:to chuc can bo", unit=cast.unit_a, due_working_days=3
    )
    Document.objects.filter(pk=document.pk).update(field="Tổ chức cán bộ")
    document.refresh_from_db()
    lines = services.document_route(actor=clerk, document=document)
    assert [(x.assignee_unit_id, x.role) for x in lines] == [(cast.unit_a.pk, LineRole.LEAD)]
    assert lines[0].deadline is not None
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_PROGRESS
    # The type key works the same way.
    other = registered(cast)
    RoutingRule.objects.create(agency=cast.agency_a, key="type:cong_van", unit=cast.unit_a)
    assert services.document_route(actor=clerk, document=other)[0].assignee_unit_id == cast.unit_a.pk
    with pytest.raises(PermissionDenied):
        services.document_route(actor=actor_of(cast, cast.specialist_a), document=registered(cast))


def test_reply_proposal_is_an_opinion_of_its_own_kind_by_the_lead_only(cast) -> None:
    document = registered(cast)
    clerk, leader = actor_of(cast, cast.clerk_a), actor_of(cast, cast.leader_a)
    item = services.document_present(actor=clerk, document=document, leader_id=cast.leader_a.pk)
    top = line_of(item, level_key=0)
    work.line_receive(line=top, actor=leader)
    work.line_forward(
        line=top,
        specs=[LineSpec.unit(LineRole.LEAD, cast.unit_a.pk), LineSpec.person(LineRole.CO, cast.admin_a.pk)],
        actor=leader,
    )
    work.line_receive(line=line_of(item, assignee_user=cast.admin_a), actor=actor_of(cast, cast.admin_a))
    with pytest.raises(PermissionDenied):
        services.document_propose_reply(actor=actor_of(cast, cast.admin_a), document=document, text="Trả lời")
    head = actor_of(cast, cast.unit_head_a)
    work.line_receive(line=line_of(item, assignee_unit=cast.unit_a), actor=head)
    opinion = services.document_propose_reply(
        actor=head, document=document, text="Đề xuất trả lời xã Đồng Tâm về chỉ tiêu biên chế."
    )
    assert (
        opinion.kind == OpinionKind.REPLY_PROPOSAL
        and opinion.line_id == line_of(item, assignee_unit=cast.unit_a).pk
    )
    assert str(opinion.get_kind_display()) == "Đề xuất văn bản trả lời"
    assert Opinion.objects.filter(item=item, kind=OpinionKind.REPLY_PROPOSAL).count() == 1


def test_agency_b_sees_agency_a_document_only_while_holding_a_line(cast) -> None:
    ordinary = registered(cast)
    secret = registered(cast, secrecy="mat")
    clerk, clerk_b = actor_of(cast, cast.clerk_a), actor_of(cast, cast.clerk_b)
    b_staff = make_user("chuyenvien.b", "Ngô Văn Xã")
    give_position(b_staff, cast.agency_b, "Công chức", [Role.CHUYEN_VIEN])
    staff_b = actor_of(cast, b_staff)
    assert list(selectors.documents_visible_to(clerk_b)) == []
    lines = {}
    for document in (ordinary, secret):
        item = handling.item_of(document)
        assert item is not None
        lines[document.pk] = work.lines_assign(
            item=item, specs=[LineSpec.agency(LineRole.LEAD, cast.agency_b.pk)], actor=clerk
        )[0]
    # B's văn thư holds the whole-agency line: sight of the ordinary document, never the secret one.
    assert list(selectors.documents_visible_to(clerk_b)) == [ordinary]
    assert selectors.document_get(actor=clerk_b, document_id=ordinary.pk) == ordinary
    with pytest.raises(DomainError):
        selectors.document_get(actor=clerk_b, document_id=secret.pk)
    assert list(selectors.documents_visible_to(staff_b)) == []
    assert list(selectors.documents_visible_to(Actor(user=cast.outsider))) == []
    # Recalled: the line no longer gives sight.
    work.line_recall(line=lines[ordinary.pk], actor=clerk)
    assert list(selectors.documents_visible_to(clerk_b)) == []


def test_correcting_a_registered_document_updates_its_item(cast) -> None:
    document = registered(cast)
    values = services.DocumentFields(
        document_type_id=document.document_type_id,
        code_number="77",
        code_notation=document.code_notation,
        issued_date=document.issued_date,
        organ_name=document.organ_name,
        issuing_agency_id=document.issuing_agency_id,
        subject="Về việc tuyển dụng viên chức năm 2026",
        urgency="hoa_toc",
        due_date=timezone.localdate() + timedelta(days=10),
    )
    services.document_confirm_fields(actor=actor_of(cast, cast.clerk_a), document=document, values=values)
    item = handling.item_of(document)
    assert item is not None
    assert item.title == "Về việc tuyển dụng viên chức năm 2026" and item.reference.startswith("77/")
    assert item.urgency == "hoa_toc" and "tuyen dung vien chuc" in item.search_text
    assert timezone.localtime(item.deadline).date() == values.due_date


def test_register_export_names_who_the_document_was_handed_to(cast) -> None:
    document = registered(cast)
    clerk, leader = actor_of(cast, cast.clerk_a), actor_of(cast, cast.leader_a)
    item = services.document_present(actor=clerk, document=document, leader_id=cast.leader_a.pk)
    top = line_of(item, level_key=0)
    work.line_receive(line=top, actor=leader)
    work.line_forward(line=top, specs=[LineSpec.unit(LineRole.LEAD, cast.unit_a.pk)], actor=leader)
    registration = Registration.objects.get(document=document)
    today = timezone.localdate()
    report = selectors.register_report(
        actor=clerk, register=registration.register, date_from=today, date_to=today
    )
    row = report.rows[0]
    column = exports.INCOMING_COLUMNS.index("Đơn vị hoặc người nhận")
    assert row[column] == "Trần Văn Lãnh Đạo; Phòng Tổ chức biên chế"
    assert row[exports.INCOMING_COLUMNS.index("Ngày chuyển")] == f"{today:%d/%m/%Y}"


def test_slip_prints_the_document_data_and_the_direction(cast) -> None:
    document = registered(cast)
    clerk, leader = actor_of(cast, cast.clerk_a), actor_of(cast, cast.leader_a)
    item = services.document_present(actor=clerk, document=document, leader_id=cast.leader_a.pk)
    top = line_of(item, level_key=0)
    work.line_receive(line=top, actor=leader)
    work.line_forward(
        line=top,
        specs=[LineSpec.unit(LineRole.LEAD, cast.unit_a.pk)],
        direction="Phòng Tổ chức biên chế tham mưu trả lời.",
        actor=leader,
    )
    item.refresh_from_db()
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(work_pdf.slip_pdf(item))).pages
    )
    number = Registration.objects.get(document=document).number
    for expected in (
        "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN",
        f"Số đến: {number}",
        document.number_symbol,
        "Ủy ban nhân dân xã Đồng Tâm",
        "Phòng Tổ chức biên chế tham mưu trả lời.",
        "Phòng Tổ chức biên chế",
        "Chủ trì",
    ):
        assert expected in text, expected


# Every (status, action) of the document pipeline, written out independently of transitions.TRANSITIONS.
D = DocumentStatus
EXPECTED_DOCUMENT_TRANSITIONS = {
    (D.RECEIVED, "confirm"): D.CONFIRMED,
    (D.CONFIRMED, "confirm"): D.CONFIRMED,
    (D.REGISTERED, "confirm"): D.REGISTERED,
    (D.IN_PROGRESS, "confirm"): D.IN_PROGRESS,
    (D.DONE, "confirm"): D.DONE,
    (D.CONFIRMED, "register"): D.REGISTERED,
    (D.REGISTERED, "work_started"): D.IN_PROGRESS,
    (D.REGISTERED, "work_done"): D.DONE,
    (D.IN_PROGRESS, "work_done"): D.DONE,
    (D.IN_PROGRESS, "work_reset"): D.REGISTERED,
}


@pytest.mark.parametrize(
    ("status", "action"),
    [(s, a) for s in D.values for a in ("confirm", "register", "work_started", "work_done", "work_reset")],
)
def test_every_document_transition_allowed_and_refused(status, action) -> None:
    from eoffice.documents.transitions import apply_transition

    document = Document(status=status)
    expected = EXPECTED_DOCUMENT_TRANSITIONS.get((status, action))
    if expected is None:
        with pytest.raises(Conflict) as caught:
            apply_transition(document, action)
        assert caught.value.code == "invalid_transition" and document.status == status
    else:
        apply_transition(document, action)
        assert document.status == expected


def test_deadline_in_working_days_across_tet_from_the_document(cast) -> None:
    """Registered on Wednesday 03/02/2027, the eve of Tết Đinh Mùi (04–10/02 off): one working
    day from the presentation ends on Thursday 11/02 at 17:00."""
    from unittest import mock

    from eoffice.workcalendar.engine import LOCAL_TZ
    from eoffice.workcalendar.loader import invalidate

    invalidate()
    before_tet = datetime(2027, 2, 3, 9, 0, tzinfo=LOCAL_TZ)
    with mock.patch("django.utils.timezone.now", return_value=before_tet):
        document = registered(cast)
        item = services.document_present(
            actor=actor_of(cast, cast.clerk_a),
            document=document,
            leader_id=cast.leader_a.pk,
            deadline=work.deadline_input(working_days=1),
        )
    line = line_of(item, level_key=0)
    assert line.deadline == datetime(2027, 2, 11, 17, 0, tzinfo=LOCAL_TZ)
