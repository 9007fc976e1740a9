from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.testing.cast import Cast
from eoffice.work import services
from eoffice.work.deadlines import DeadlineInput
from eoffice.work.models import AssignmentLine, WorkItem
from eoffice.work.services.assign import LineSpec
from eoffice.work.statuses import ItemKind, LineRole


def actor_of(cast: Cast, user: Any) -> Actor:
    return Actor(user=user, position=cast.position(user))


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def lines(cast: Cast) -> tuple[WorkItem, AssignmentLine, AssignmentLine]:
    """leader_a assigns specialist_a (lead, person line) and unit_a (co, unit line)."""
    item = services.item_create(
        actor=actor_of(cast, cast.clerk_a),
        agency=cast.agency_a,
        kind=ItemKind.INCOMING_DOCUMENT,
        title="Về việc báo cáo tình hình phòng chống bão số 5",
        reference="45/UBND-VP",
        arrived_at=timezone.now(),
        subject_type="",
        subject_id=None,
    )
    services.item_present(item=item, leader_id=cast.leader_a.pk, actor=actor_of(cast, cast.clerk_a))
    top = AssignmentLine.objects.get(item=item, level_key=0, role=LineRole.LEAD)
    services.line_receive(line=top, actor=actor_of(cast, cast.leader_a))
    person, unit = services.line_forward(
        line=top,
        specs=[
            LineSpec.person(LineRole.LEAD, cast.specialist_a.pk, deadline=DeadlineInput(working_days=2)),
            LineSpec.unit(LineRole.CO, cast.unit_a.pk, deadline=DeadlineInput(working_days=2)),
        ],
        actor=actor_of(cast, cast.leader_a),
    )
    return item, person, unit


VN = ZoneInfo("Asia/Ho_Chi_Minh")
SYSTEM = Actor.system("reminders")


def at(text: str) -> datetime:
    """A Hanoi wall time, 'YYYY-MM-DD HH:MM'."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=VN)


def person_line(
    cast: Cast,
    deadline: datetime,
    *,
    assigner: Any = None,
    holder: Any = None,
    agency: Any = None,
    urgency: str = "normal",
    title: str = "Về việc báo cáo tình hình phòng chống bão số 5",
) -> AssignmentLine:
    """A top-level lead line to one person with this deadline, assigned now (freeze time first)."""
    assigner = assigner or cast.leader_a
    actor = actor_of(cast, assigner)
    item = services.item_create(
        actor=actor,
        agency=agency or cast.agency_a,
        kind=ItemKind.INCOMING_DOCUMENT,
        title=title,
        reference="45/UBND-VP",
        arrived_at=timezone.now(),
        subject_type="",
        subject_id=None,
        urgency=urgency,
    )
    (line,) = services.lines_assign(
        item=item,
        specs=[
            LineSpec.person(
                LineRole.LEAD, (holder or cast.specialist_a).pk, deadline=DeadlineInput(at=deadline)
            )
        ],
        actor=actor,
    )
    return line
