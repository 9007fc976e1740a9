"""The fact row follows its line through the real engine services, in the same transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from eoffice.oversight.models import LineFact, Outcome
from eoffice.testing.cast import Cast
from eoffice.work import services
from eoffice.work.deadlines import DeadlineInput
from eoffice.work.models import AssignmentLine, WorkItem
from eoffice.work.services import LineSpec
from eoffice.work.statuses import ItemKind, LineRole
from eoffice.workcalendar.loader import get_calendar

from .conftest import actor_of

pytestmark = pytest.mark.django_db


def _item(cast: Cast) -> WorkItem:
    return services.item_create(
        actor=actor_of(cast, cast.clerk_a),
        agency=cast.agency_a,
        kind=ItemKind.INCOMING_DOCUMENT,
        title="Về việc báo cáo công tác cán bộ",
        arrived_at=timezone.now() - timedelta(hours=2),
    )


def test_lines_get_facts_through_the_engine(cast: Cast) -> None:
    item = _item(cast)
    services.item_present(item=item, leader_id=cast.leader_a.pk, actor=actor_of(cast, cast.clerk_a))
    top = AssignmentLine.objects.get(item=item, level_key=0, role=LineRole.LEAD)
    fact = LineFact.objects.get(pk=top.pk)
    assert fact.outcome == Outcome.WAITING and fact.agency_id == cast.agency_a.pk
    assert fact.user_id == cast.leader_a.pk and fact.work_seconds is None

    leader = actor_of(cast, cast.leader_a)
    services.line_receive(line=top, actor=leader)
    services.line_forward(
        line=top,
        specs=[LineSpec.person(LineRole.LEAD, cast.specialist_a.pk, deadline=DeadlineInput(working_days=3))],
        direction="Giao chuyên viên xử lý",
        actor=leader,
    )
    below = AssignmentLine.objects.get(item=item, parent=top)
    fact = LineFact.objects.get(pk=below.pk)
    # The specialist's post is in unit A: the line counts for that unit.
    assert fact.unit_id == cast.unit_a.pk
    assert LineFact.objects.get(pk=top.pk).outcome == Outcome.PROCESSING

    specialist = actor_of(cast, cast.specialist_a)
    services.line_open(line=below, actor=specialist)
    services.line_receive(line=below, actor=specialist)
    services.line_complete(line=below, actor=specialist, note="Đã xong")
    below.refresh_from_db()
    fact = LineFact.objects.get(pk=below.pk)
    assert fact.outcome == Outcome.ON_TIME
    calendar = get_calendar()
    assert below.completed_at is not None and below.first_opened_at is not None
    assert fact.work_seconds == int(
        calendar.working_time_between(below.assigned_at, below.completed_at).total_seconds()
    )
    assert fact.open_seconds == int(
        calendar.working_time_between(below.assigned_at, below.first_opened_at).total_seconds()
    )
    # Completing the lead below completed the leader's line too (the cascade writes its fact).
    assert LineFact.objects.get(pk=top.pk).outcome == Outcome.ON_TIME


def test_a_returned_line_counts_as_returned(cast: Cast) -> None:
    item = _item(cast)
    services.lines_assign(
        item=item,
        specs=[LineSpec.person(LineRole.LEAD, cast.specialist_a.pk)],
        direction="",
        actor=actor_of(cast, cast.leader_a),
    )
    line = AssignmentLine.objects.get(item=item)
    services.line_return(line=line, reason="Không đúng thẩm quyền", actor=actor_of(cast, cast.specialist_a))
    assert LineFact.objects.get(pk=line.pk).outcome == Outcome.RETURNED


def test_information_lines_have_no_fact(cast: Cast) -> None:
    item = _item(cast)
    services.lines_assign(
        item=item,
        specs=[
            LineSpec.person(LineRole.LEAD, cast.specialist_a.pk),
            LineSpec.person(LineRole.INFO, cast.unit_head_a.pk),
        ],
        direction="",
        actor=actor_of(cast, cast.leader_a),
    )
    info = AssignmentLine.objects.get(item=item, role=LineRole.INFO)
    assert not LineFact.objects.filter(pk=info.pk).exists()
    assert LineFact.objects.filter(item_id=item.pk).count() == 1
