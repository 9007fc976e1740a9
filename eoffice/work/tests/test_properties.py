"""Random assign / forward / receive / complete / return / recall sequences keep the invariants:
one live lead per level, statuses change only through allowed transitions, a refused action changes
nothing, a finished line has nothing unfinished below it, and the item is done iff its top lead is."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import event as note_event
from hypothesis import strategies as st

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError
from eoffice.people.models import Role
from eoffice.testing.cast import give_position, make_user
from eoffice.work import services
from eoffice.work.models import AssignmentLine, LineEvent, WorkItem
from eoffice.work.services import LineSpec
from eoffice.work.statuses import (
    GONE_STATUSES,
    TERMINAL_STATUSES,
    TRANSITIONS,
    ItemStatus,
    LineRole,
    LineStatus,
    TargetKind,
)
from eoffice.work.tests.conftest import actor_of

ALLOWED = {(src, t.action, t.target) for t in TRANSITIONS for src in t.sources}
NON_STATE_EVENTS = {"assign", "present", "route", "open", "opinion", "extension_requested", "extend"}

steps = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "receive",
                "receive",
                "start",
                "forward",
                "forward",
                "complete",
                "complete",
                "return",
                "recall",
                "present",
            ]
        ),
        st.integers(min_value=0, max_value=50),  # which line
        st.integers(min_value=0, max_value=50),  # which target
        st.sampled_from([LineRole.LEAD, LineRole.CO, LineRole.INFO]),
    ),
    min_size=1,
    max_size=25,
)


def _holder(cast: Any, line: AssignmentLine, other: Any) -> Actor:
    if line.target_kind == TargetKind.UNIT:
        return actor_of(cast, cast.unit_head_a)
    if line.target_kind == TargetKind.AGENCY:
        return actor_of(cast, cast.clerk_b)
    user = line.assignee_user
    return actor_of(cast, other if user == other else user)


def _assigner(cast: Any, line: AssignmentLine, other: Any) -> Actor:
    if line.parent is None:
        return actor_of(cast, cast.clerk_a)
    return _holder(cast, line.parent, other)


def _specs(cast: Any, other: Any, pick: int, role: str) -> list[LineSpec]:
    pool = [
        LineSpec.unit(role, cast.unit_a.pk),
        LineSpec.person(role, cast.specialist_a.pk),
        LineSpec.person(role, other.pk),
        LineSpec.person(role, cast.unit_head_a.pk),
        LineSpec.agency(role, cast.agency_b.pk),
    ]
    first = pool[pick % len(pool)]
    if role == LineRole.LEAD:
        return [first]
    # Sometimes also name a lead, so levels without one can be filled.
    return [first] if pick % 2 else [first, replace(pool[(pick + 1) % len(pool)], role=LineRole.LEAD)]


def _snapshot(item: WorkItem) -> list[tuple[int, str]]:
    return list(AssignmentLine.objects.filter(item=item).order_by("id").values_list("id", "status"))


def _check_invariants(item: WorkItem) -> None:
    lines = list(AssignmentLine.objects.filter(item=item))
    by_id = {line.pk: line for line in lines}
    levels: dict[int, int] = {}
    for line in lines:
        if line.role == LineRole.LEAD and line.status not in GONE_STATUSES:
            levels[line.level_key] = levels.get(line.level_key, 0) + 1
        parent = by_id.get(line.parent_id) if line.parent_id else None
        if parent is not None and parent.status in TERMINAL_STATUSES:
            assert line.status in TERMINAL_STATUSES, "a finished line keeps nothing unfinished below it"
    assert all(count == 1 for count in levels.values())
    for event in LineEvent.objects.filter(item=item):
        if event.action not in NON_STATE_EVENTS:
            assert (event.from_status, event.action, event.to_status) in ALLOWED
    item.refresh_from_db()
    top = [x for x in lines if x.level_key == 0 and x.role == LineRole.LEAD and x.status not in GONE_STATUSES]
    assert (item.status == ItemStatus.DONE) == bool(top and top[0].status == LineStatus.HOAN_THANH)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps)
def test_random_sequences_keep_invariants(cast, make_item, plan) -> None:
    with transaction.atomic():
        other = make_user(f"cv.{len(plan)}.{plan[0][1]}", "Chuyên viên Thứ Hai")
        give_position(other, cast.agency_a, "Chuyên viên", [Role.CHUYEN_VIEN], unit=cast.unit_a)
        item = make_item()
        services.item_present(item=item, leader_id=cast.leader_a.pk, actor=actor_of(cast, cast.clerk_a))
        for action, which, target, role in plan:
            lines = list(AssignmentLine.objects.filter(item=item).select_related("parent", "assignee_user"))
            line = lines[which % len(lines)]
            before = _snapshot(item)
            try:
                if action == "present":
                    services.item_present(
                        item=item, leader_id=cast.leader_a.pk, actor=actor_of(cast, cast.clerk_a)
                    )
                elif action == "recall":
                    services.line_recall(line=line, actor=_assigner(cast, line, other))
                elif action == "forward":
                    services.line_forward(
                        line=line, specs=_specs(cast, other, target, role), actor=_holder(cast, line, other)
                    )
                elif action == "return":
                    services.line_return(line=line, reason="Trả lại để thử", actor=_holder(cast, line, other))
                else:
                    service = {
                        "receive": services.line_receive,
                        "start": services.line_start,
                        "complete": services.line_complete,
                    }[action]
                    service(line=line, actor=_holder(cast, line, other))
            except DomainError:
                assert _snapshot(item) == before, f"refused {action} changed something"
            _check_invariants(item)
        note_event(f"item {item.status}")
        transaction.set_rollback(True)
