"""Every line transition, allowed and refused, checked against an expected table written out here
(independently of statuses.TRANSITIONS, so a wrong edit of the table fails)."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from eoffice.core.errors import DomainError
from eoffice.work import engine
from eoffice.work.models import AssignmentLine, LineEvent, box_key_for
from eoffice.work.statuses import LineAction, LineRole, LineStatus, TargetKind, allowed_actions

S, A, R = LineStatus, LineAction, LineRole
ACT = {R.LEAD, R.CO}
EVERY = {R.LEAD, R.CO, R.INFO}

# (status, action) -> (target, roles for which it is allowed); missing = refused for every role.
EXPECTED = {
    (S.CHO_TIEP_NHAN, A.RECEIVE): (S.CHO_XU_LY, EVERY),
    (S.CHO_XU_LY, A.START): (S.DANG_XU_LY, ACT),
    # Info lines are passed on for information (a unit head to the unit's staff), even unreceived.
    (S.CHO_TIEP_NHAN, A.FORWARD): (S.DA_CHUYEN, {R.INFO}),
    (S.CHO_XU_LY, A.FORWARD): (S.DA_CHUYEN, EVERY),
    (S.DANG_XU_LY, A.FORWARD): (S.DA_CHUYEN, ACT),
    (S.DA_CHUYEN, A.FORWARD): (S.DA_CHUYEN, EVERY),
    (S.CHO_TIEP_NHAN, A.COMPLETE): (S.HOAN_THANH, {R.INFO}),
    (S.CHO_XU_LY, A.COMPLETE): (S.HOAN_THANH, EVERY),
    (S.DANG_XU_LY, A.COMPLETE): (S.HOAN_THANH, EVERY),
    (S.DA_CHUYEN, A.COMPLETE): (S.HOAN_THANH, EVERY),
    (S.CHO_TIEP_NHAN, A.RETURN): (S.TRA_LAI, ACT),
    (S.CHO_XU_LY, A.RETURN): (S.TRA_LAI, ACT),
    (S.DANG_XU_LY, A.RETURN): (S.TRA_LAI, ACT),
    (S.CHO_TIEP_NHAN, A.RECALL): (S.THU_HOI, EVERY),
    (S.CHO_XU_LY, A.RECALL): (S.THU_HOI, EVERY),
    (S.DANG_XU_LY, A.RECALL): (S.THU_HOI, EVERY),
    (S.DA_CHUYEN, A.RECALL): (S.THU_HOI, EVERY),
}
SYSTEM_EXPECTED = {
    (S.CHO_TIEP_NHAN, A.CLOSE): S.HOAN_THANH,
    (S.CHO_XU_LY, A.CLOSE): S.HOAN_THANH,
    (S.DANG_XU_LY, A.CLOSE): S.HOAN_THANH,
    (S.DA_CHUYEN, A.CLOSE): S.HOAN_THANH,
    (S.DA_CHUYEN, A.REOPEN): S.DANG_XU_LY,
}
PERSON_ACTIONS = [A.RECEIVE, A.START, A.FORWARD, A.COMPLETE, A.RETURN, A.RECALL]


def _line(cast, make_item, status: str, role: str) -> AssignmentLine:
    item = make_item()
    return AssignmentLine.objects.create(
        item=item,
        kind=item.kind,
        role=role,
        target_kind=TargetKind.PERSON,
        assignee_user=cast.specialist_a,
        assignee_agency=cast.agency_a,
        box_key=box_key_for(
            TargetKind.PERSON, user_id=cast.specialist_a.pk, unit_id=None, agency_id=cast.agency_a.pk
        ),
        assigned_at=timezone.now(),
        status=status,
    )


@pytest.mark.parametrize(
    ("status", "action", "role"), list(itertools.product(S.values, PERSON_ACTIONS, R.values))
)
def test_person_transitions(cast, make_item, act, status, action, role) -> None:
    line = _line(cast, make_item, status, role)
    expected = EXPECTED.get((status, action))
    allowed = expected is not None and role in expected[1]
    actor = act(cast.specialist_a)
    if expected is not None and allowed:
        changed = engine.line_transition(line_id=line.pk, action=action, actor=actor, note="lý do")
        assert changed.status == expected[0]
        event = LineEvent.objects.get(line=line)
        assert (event.from_status, event.to_status, event.action) == (status, expected[0], action)
    else:
        with pytest.raises(DomainError) as caught:
            engine.line_transition(line_id=line.pk, action=action, actor=actor)
        line.refresh_from_db()
        assert line.status == status, "a refused transition must change nothing"
        assert not LineEvent.objects.filter(line=line).exists()
        if status == S.THU_HOI:
            assert caught.value.code == "line_recalled"
        if role == R.INFO and action == A.RETURN and status not in (S.THU_HOI, S.TRA_LAI, S.HOAN_THANH):
            assert caught.value.code == "info_not_returnable"
    assert (action in allowed_actions(status, role)) == allowed


@pytest.mark.parametrize(
    ("status", "action", "role"), list(itertools.product(S.values, [A.CLOSE, A.REOPEN], [R.CO, R.INFO]))
)
def test_system_transitions_only_for_the_engine(cast, make_item, act, status, action, role) -> None:
    line = _line(cast, make_item, status, role)
    actor = act(cast.specialist_a)
    with pytest.raises(DomainError):
        engine.line_transition(line_id=line.pk, action=action, actor=actor)
    target = SYSTEM_EXPECTED.get((status, action))
    if role == R.INFO and action == A.REOPEN:
        target = None  # a forwarded info line has no work to take back
    if target is None:
        with pytest.raises(DomainError):
            engine.line_transition(line_id=line.pk, action=action, actor=actor, system=True)
    else:
        assert (
            engine.line_transition(line_id=line.pk, action=action, actor=actor, system=True).status == target
        )


def test_stamps_first_action_and_receipt(cast, make_item, act) -> None:
    line = _line(cast, make_item, S.CHO_TIEP_NHAN, R.LEAD)
    actor = act(cast.specialist_a)
    engine.line_transition(line_id=line.pk, action=A.RECEIVE, actor=actor)
    engine.line_transition(line_id=line.pk, action=A.START, actor=actor)
    line.refresh_from_db()
    assert line.received_at is not None and line.acted_at is not None and line.completed_at is None
    first_act = line.acted_at
    engine.line_transition(line_id=line.pk, action=A.COMPLETE, actor=actor)
    line.refresh_from_db()
    assert line.acted_at == first_act and line.completed_at is not None
