from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.test import Client

from eoffice.core.actor import Actor
from eoffice.directory.models import Agency, AgencyKind
from eoffice.oversight import facts
from eoffice.testing.cast import Cast, give_position, make_user
from eoffice.work.models import AssignmentLine, WorkItem, box_key_for
from eoffice.work.statuses import ItemKind, LineRole, LineStatus, TargetKind


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def actor_of(cast: Cast, user: Any) -> Actor:
    return Actor(user=user, position=cast.position(user))


def make_line(
    *,
    agency: Agency,
    status: str,
    assigned_at: datetime,
    user: Any = None,
    unit: Any = None,
    role: str = LineRole.LEAD,
    deadline: datetime | None = None,
    completed_at: datetime | None = None,
    first_opened_at: datetime | None = None,
    kind: str = ItemKind.INCOMING_DOCUMENT,
    urgency: str = "normal",
) -> AssignmentLine:
    """A line written straight to the table (as data loaded around the engine would be), then
    given its fact by the same function the engine's observer calls."""
    item = WorkItem.objects.create(
        agency=agency, kind=kind, title="Việc thử nghiệm", arrived_at=assigned_at, urgency=urgency
    )
    target = TargetKind.PERSON if user is not None else TargetKind.UNIT
    line = AssignmentLine.objects.create(
        item=item,
        level_key=0,
        kind=kind,
        role=role,
        target_kind=target,
        assignee_user=user,
        assignee_unit=unit if user is None else None,
        assignee_agency=agency,
        box_key=box_key_for(
            target, user_id=user.pk if user else None, unit_id=unit.pk if unit else None, agency_id=agency.pk
        ),
        assigned_at=assigned_at,
        status=status,
        deadline=deadline,
        completed_at=completed_at if status == LineStatus.HOAN_THANH else None,
        returned_at=completed_at if status == LineStatus.TRA_LAI else None,
        first_opened_at=first_opened_at,
    )
    facts.line_changed(line)
    return line


@pytest.fixture
def act(cast: Cast) -> Callable[[Any], Actor]:
    return lambda user: actor_of(cast, user)


@pytest.fixture
def leader_b(cast: Cast) -> Any:
    user = make_user("lanhdao.b", "Ngô Văn Chủ Tịch Xã")
    give_position(user, cast.agency_b, "Chủ tịch", ["lanh_dao_co_quan"])
    return user


def make_office_leader(cast: Cast) -> Any:
    """The head of the province office (Văn phòng UBND tỉnh): sees every agency of the province."""
    office = Agency(
        code="000.00.02.H99",
        name="Văn phòng Ủy ban nhân dân tỉnh",
        short_name="VP UBND tỉnh",
        kind=AgencyKind.PROVINCE_OFFICE,
        parent=cast.province,
        hosted=True,
    )
    office.save()
    office.tree_path = f"{cast.province.tree_path}{office.pk}/"
    office.depth = 1
    office.save(update_fields=["tree_path", "depth"])
    user = make_user("chanhvanphong", "Chánh Văn Phòng")
    give_position(user, office, "Chánh Văn phòng", ["lanh_dao_co_quan"])
    return user


@pytest.fixture
def office_leader(cast: Cast) -> Any:
    return make_office_leader(cast)
