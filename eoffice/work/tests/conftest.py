from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.testing.cast import Cast
from eoffice.work import services
from eoffice.work.models import AssignmentLine, WorkItem
from eoffice.work.statuses import ItemKind, LineRole


def actor_of(cast: Cast, user: Any) -> Actor:
    return Actor(user=user, position=cast.position(user))


@pytest.fixture
def act(cast: Cast) -> Callable[[Any], Actor]:
    return lambda user: actor_of(cast, user)


@pytest.fixture
def make_item(cast: Cast) -> Callable[..., WorkItem]:
    def build(**extra: Any) -> WorkItem:
        values: dict[str, Any] = {
            "agency": cast.agency_a,
            "kind": ItemKind.INCOMING_DOCUMENT,
            "title": "Về việc tuyển dụng công chức năm 2026",
            "reference": "15/QĐ-UBND",
            "arrived_at": timezone.now() - timedelta(hours=1),
            "subject_type": "documents.document",
            "subject_id": 42,
        }
        values.update(extra)
        return services.item_create(actor=actor_of(cast, cast.clerk_a), **values)

    return build


@pytest.fixture
def presented(cast: Cast, make_item: Callable[..., WorkItem]) -> tuple[WorkItem, AssignmentLine]:
    """An item presented to leader_a, whose top lead line is received."""
    item = make_item()
    services.item_present(item=item, leader_id=cast.leader_a.pk, actor=actor_of(cast, cast.clerk_a))
    line = AssignmentLine.objects.get(item=item, level_key=0, role=LineRole.LEAD)
    services.line_receive(line=line, actor=actor_of(cast, cast.leader_a))
    line.refresh_from_db()
    item.refresh_from_db()
    return item, line
