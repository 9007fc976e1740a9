"""Assignment, forwarding and the completion rules, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.core.models import AuditEvent
from eoffice.people.models import Role
from eoffice.testing.cast import give_position, make_user
from eoffice.work import services
from eoffice.work.deadlines import DeadlineInput
from eoffice.work.models import AssignmentLine, LineEvent
from eoffice.work.services import LineSpec
from eoffice.work.statuses import ItemStatus, LineRole, LineStatus

S = LineStatus


def _tree(cast, presented, act):
    """leader_a → unit_a (lead), specialist_a (co), unit_head_a (info); unit head → specialist (lead)."""
    item, top = presented
    in_5 = DeadlineInput(working_days=5)
    lead, co, info = services.line_forward(
        line=top,
        specs=[
            LineSpec.unit(LineRole.LEAD, cast.unit_a.pk, deadline=in_5),
            LineSpec.person(LineRole.CO, cast.specialist_a.pk, deadline=in_5),
            LineSpec.person(LineRole.INFO, cast.unit_head_a.pk),
        ],
        direction="Giao Phòng TCBC chủ trì tham mưu.",
        actor=act(cast.leader_a),
    )
    services.line_receive(line=lead, actor=act(cast.unit_head_a))
    (sub,) = services.line_forward(
        line=lead, specs=[LineSpec.person(LineRole.LEAD, cast.specialist_a.pk)], actor=act(cast.unit_head_a)
    )
    return item, top, lead, co, info, sub


def _status(line: AssignmentLine) -> str:
    line.refresh_from_db()
    return line.status


def test_present_creates_top_lead_for_the_leader(cast, make_item, act) -> None:
    item = make_item()
    assert item.status == ItemStatus.NEW
    services.item_present(item=item, leader_id=cast.leader_a.pk, actor=act(cast.clerk_a))
    item.refresh_from_db()
    top = AssignmentLine.objects.get(item=item)
    assert (top.role, top.level_key, top.status, top.assignee_user) == (
        LineRole.LEAD,
        0,
        S.CHO_TIEP_NHAN,
        cast.leader_a,
    )
    assert item.status == ItemStatus.IN_PROGRESS and item.presented_to == cast.leader_a
    assert AuditEvent.objects.filter(verb="work.item_presented", target_id=str(item.pk)).exists()


def test_present_only_to_a_leader_and_only_by_clerk_or_leader(cast, make_item, act) -> None:
    item = make_item()
    with pytest.raises(ValidationFailed) as caught:
        services.item_present(item=item, leader_id=cast.specialist_a.pk, actor=act(cast.clerk_a))
    assert caught.value.code == "not_a_leader"
    with pytest.raises(PermissionDenied):
        services.item_present(item=item, leader_id=cast.leader_a.pk, actor=act(cast.specialist_a))
    with pytest.raises(PermissionDenied):
        services.item_present(item=item, leader_id=cast.leader_a.pk, actor=act(cast.clerk_b))


def test_lead_completion_propagates_up_and_closes_siblings(cast, presented, act) -> None:
    item, top, lead, co, info, sub = _tree(cast, presented, act)
    assert [_status(x) for x in (top, lead, co, info, sub)] == [
        S.DA_CHUYEN,
        S.DA_CHUYEN,
        S.CHO_TIEP_NHAN,
        S.CHO_TIEP_NHAN,
        S.CHO_TIEP_NHAN,
    ]
    services.line_receive(line=sub, actor=act(cast.specialist_a))
    services.line_start(line=sub, actor=act(cast.specialist_a))
    services.line_complete(line=sub, actor=act(cast.specialist_a), note="Đã tham mưu văn bản trả lời.")
    assert [_status(x) for x in (sub, lead, top, co, info)] == [S.HOAN_THANH] * 5
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE and item.done_at is not None
    closes = LineEvent.objects.filter(item=item, action="close").values_list("line_id", flat=True)
    assert set(closes) == {lead.pk, top.pk, co.pk, info.pk}


def test_co_completion_does_not_propagate(cast, presented, act) -> None:
    item, top, lead, co, _info, sub = _tree(cast, presented, act)
    services.line_receive(line=co, actor=act(cast.specialist_a))
    services.line_complete(line=co, actor=act(cast.specialist_a))
    assert [_status(x) for x in (co, lead, top, sub)] == [
        S.HOAN_THANH,
        S.DA_CHUYEN,
        S.DA_CHUYEN,
        S.CHO_TIEP_NHAN,
    ]
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS


def test_completing_a_forwarded_line_closes_its_subtree(cast, presented, act) -> None:
    item, top, lead, co, info, sub = _tree(cast, presented, act)
    services.line_complete(line=lead, actor=act(cast.unit_head_a))
    assert [_status(x) for x in (lead, sub, top, co, info)] == [S.HOAN_THANH] * 5
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE


def test_info_lines_need_no_action_and_cannot_be_returned(cast, presented, act) -> None:
    _item, top, _lead, _co, info, _sub = _tree(cast, presented, act)
    with pytest.raises(ValidationFailed) as caught:
        services.line_return(line=info, reason="Không liên quan", actor=act(cast.unit_head_a))
    assert caught.value.code == "info_not_returnable"
    # Marking it read straight from the box is allowed, and blocks nothing.
    services.line_complete(line=info, actor=act(cast.unit_head_a))
    assert _status(info) == S.HOAN_THANH and _status(top) == S.DA_CHUYEN


def test_return_needs_reason_and_reopens_parent(cast, presented, act) -> None:
    _item, _top, lead, _co, _info, sub = _tree(cast, presented, act)
    with pytest.raises(ValidationFailed) as caught:
        services.line_return(line=sub, reason="   ", actor=act(cast.specialist_a))
    assert caught.value.code == "reason_required"
    services.line_return(line=sub, reason="Không thuộc lĩnh vực được giao", actor=act(cast.specialist_a))
    sub.refresh_from_db()
    assert sub.status == S.TRA_LAI and sub.return_reason == "Không thuộc lĩnh vực được giao"
    assert _status(lead) == S.DANG_XU_LY
    # The unit head can now assign a new lead at that level.
    other = make_user("chuyenvien2.a", "Ngô Văn Chuyên Viên Hai")
    give_position(other, cast.agency_a, "Chuyên viên", [Role.CHUYEN_VIEN], unit=cast.unit_a)
    (new,) = services.line_forward(
        line=lead, specs=[LineSpec.person(LineRole.LEAD, other.pk)], actor=act(cast.unit_head_a)
    )
    assert _status(lead) == S.DA_CHUYEN and new.status == S.CHO_TIEP_NHAN


def test_top_lead_return_puts_item_back_to_new(cast, presented, act) -> None:
    item, top = presented
    services.line_return(line=top, reason="Đề nghị trình Phó Giám đốc", actor=act(cast.leader_a))
    item.refresh_from_db()
    assert item.status == ItemStatus.NEW
    services.item_present(item=item, leader_id=cast.leader_a.pk, actor=act(cast.clerk_a))


def test_recall_cascades_and_recalled_line_refuses_actions(cast, presented, act) -> None:
    _item, top, lead, _co, _info, sub = _tree(cast, presented, act)
    with pytest.raises(PermissionDenied):
        services.line_recall(line=lead, actor=act(cast.specialist_a))
    services.line_recall(line=lead, actor=act(cast.leader_a), note="Giao lại")
    assert [_status(x) for x in (lead, sub)] == [S.THU_HOI, S.THU_HOI]
    assert _status(top) == S.DANG_XU_LY, "without a live lead below, the leader's line is reopened"
    with pytest.raises(Conflict) as caught:
        services.line_complete(line=sub, actor=act(cast.specialist_a))
    assert caught.value.code == "line_recalled"
    with pytest.raises(Conflict) as caught:
        services.line_receive(line=lead, actor=act(cast.unit_head_a))
    assert caught.value.code == "line_recalled"


def test_two_leads_refused(cast, presented, act) -> None:
    item, top = presented
    with pytest.raises(ValidationFailed) as caught:
        services.line_forward(
            line=top,
            specs=[
                LineSpec.unit(LineRole.LEAD, cast.unit_a.pk),
                LineSpec.person(LineRole.LEAD, cast.specialist_a.pk),
            ],
            actor=act(cast.leader_a),
        )
    assert caught.value.code == "two_leads"
    services.line_forward(
        line=top, specs=[LineSpec.unit(LineRole.LEAD, cast.unit_a.pk)], actor=act(cast.leader_a)
    )
    with pytest.raises(ValidationFailed) as caught:
        services.line_forward(
            line=top, specs=[LineSpec.person(LineRole.LEAD, cast.specialist_a.pk)], actor=act(cast.leader_a)
        )
    assert caught.value.code == "two_leads"
    # A second presentation would be a second top-level lead too.
    with pytest.raises(ValidationFailed) as caught:
        services.item_present(item=item, leader_id=cast.leader_a.pk, actor=act(cast.clerk_a))
    assert caught.value.code == "two_leads"
    # Co-processing lines may still be added at the level.
    services.line_forward(
        line=top, specs=[LineSpec.person(LineRole.CO, cast.specialist_a.pk)], actor=act(cast.leader_a)
    )


def test_missing_lead_refused(cast, presented, act) -> None:
    _item, top = presented
    with pytest.raises(ValidationFailed) as caught:
        services.line_forward(
            line=top, specs=[LineSpec.person(LineRole.CO, cast.specialist_a.pk)], actor=act(cast.leader_a)
        )
    assert caught.value.code == "missing_lead"


def test_deadline_before_arrival_or_in_past_refused(cast, make_item, act) -> None:
    item = make_item(arrived_at=timezone.now() - timedelta(days=3))
    before_arrival = item.arrived_at - timedelta(days=1)
    with pytest.raises(ValidationFailed) as caught:
        services.item_present(
            item=item,
            leader_id=cast.leader_a.pk,
            actor=act(cast.clerk_a),
            deadline=DeadlineInput(at=before_arrival),
        )
    assert caught.value.code == "deadline_before_arrival"
    with pytest.raises(ValidationFailed) as caught:
        services.item_present(
            item=item,
            leader_id=cast.leader_a.pk,
            actor=act(cast.clerk_a),
            deadline=DeadlineInput(at=timezone.now() - timedelta(hours=1)),
        )
    assert caught.value.code == "deadline_in_past"
    assert not AssignmentLine.objects.filter(item=item).exists(), "nothing half-written"


def test_child_deadline_not_after_parent(cast, presented, act) -> None:
    _item, top = presented
    (lead,) = services.line_forward(
        line=top,
        specs=[LineSpec.unit(LineRole.LEAD, cast.unit_a.pk, deadline=DeadlineInput(working_days=3))],
        actor=act(cast.leader_a),
    )
    services.line_receive(line=lead, actor=act(cast.unit_head_a))
    with pytest.raises(ValidationFailed) as caught:
        services.line_forward(
            line=lead,
            specs=[
                LineSpec.person(LineRole.LEAD, cast.specialist_a.pk, deadline=DeadlineInput(working_days=10))
            ],
            actor=act(cast.unit_head_a),
        )
    assert caught.value.code == "deadline_after_parent"
    (sub,) = services.line_forward(
        line=lead, specs=[LineSpec.person(LineRole.LEAD, cast.specialist_a.pk)], actor=act(cast.unit_head_a)
    )
    assert sub.deadline == lead.deadline, "forwarding keeps the deadline of the line above"


def test_forward_scope_unit_head_stays_in_unit(cast, presented, act) -> None:
    _item, top = presented
    (lead,) = services.line_forward(
        line=top, specs=[LineSpec.unit(LineRole.LEAD, cast.unit_a.pk)], actor=act(cast.leader_a)
    )
    services.line_receive(line=lead, actor=act(cast.unit_head_a))
    for spec in (
        LineSpec.person(LineRole.LEAD, cast.clerk_a.pk),
        LineSpec.agency(LineRole.LEAD, cast.agency_b.pk),
        LineSpec.person(LineRole.LEAD, cast.clerk_b.pk),
    ):
        with pytest.raises(ValidationFailed) as caught:
            services.line_forward(line=lead, specs=[spec], actor=act(cast.unit_head_a))
        assert caught.value.code == "target_not_allowed"
    with pytest.raises(PermissionDenied):
        services.line_forward(
            line=lead,
            specs=[LineSpec.person(LineRole.LEAD, cast.specialist_a.pk)],
            actor=act(cast.specialist_a),
        )


def test_forward_needs_receipt_first(cast, make_item, act) -> None:
    item = make_item()
    services.item_present(item=item, leader_id=cast.leader_a.pk, actor=act(cast.clerk_a))
    top = AssignmentLine.objects.get(item=item)
    with pytest.raises(Conflict) as caught:
        services.line_forward(
            line=top, specs=[LineSpec.unit(LineRole.LEAD, cast.unit_a.pk)], actor=act(cast.leader_a)
        )
    assert caught.value.code == "transition_not_allowed"
    assert AssignmentLine.objects.filter(item=item).count() == 1


def test_lead_to_another_agency_is_handled_there(cast, presented, act) -> None:
    item, top = presented
    (lead,) = services.line_forward(
        line=top, specs=[LineSpec.agency(LineRole.LEAD, cast.agency_b.pk)], actor=act(cast.leader_a)
    )
    assert lead.box_key == f"a{cast.agency_b.pk}"
    with pytest.raises(ValidationFailed):
        services.line_forward(
            line=top, specs=[LineSpec.agency(LineRole.INFO, cast.province.pk)], actor=act(cast.leader_a)
        )
    services.line_receive(line=lead, actor=act(cast.clerk_b))
    services.line_complete(line=lead, actor=act(cast.clerk_b))
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE


def test_specialist_forwards_within_the_unit(cast, presented, act) -> None:
    _item, top = presented
    (lead,) = services.line_forward(
        line=top, specs=[LineSpec.person(LineRole.LEAD, cast.specialist_a.pk)], actor=act(cast.leader_a)
    )
    services.line_receive(line=lead, actor=act(cast.specialist_a))
    other = make_user("chuyenvien3.a", "Đinh Thị Chuyên Viên Ba")
    give_position(other, cast.agency_a, "Chuyên viên", [Role.CHUYEN_VIEN], unit=cast.unit_a)
    with pytest.raises(ValidationFailed):
        services.line_forward(
            line=lead, specs=[LineSpec.person(LineRole.LEAD, cast.clerk_a.pk)], actor=act(cast.specialist_a)
        )
    (sub,) = services.line_forward(
        line=lead, specs=[LineSpec.person(LineRole.LEAD, other.pk)], actor=act(cast.specialist_a)
    )
    assert sub.box_key == f"u{other.pk}a{cast.agency_a.pk}" and _status(lead) == S.DA_CHUYEN
