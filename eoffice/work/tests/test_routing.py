"""Routing by standing rules (type or field → unit)."""

from __future__ import annotations

import pytest
from django.test import Client

from eoffice.core.errors import PermissionDenied, ValidationFailed
from eoffice.work import services
from eoffice.work.models import AssignmentLine
from eoffice.work.statuses import ItemStatus, LineRole


def test_route_by_rule_assigns_the_unit_with_its_deadline(cast, make_item, act) -> None:
    services.routing_rule_create(
        agency=cast.agency_a,
        key="type:CV",
        unit_id=cast.unit_a.pk,
        role=LineRole.LEAD,
        due_working_days=5,
        actor=act(cast.clerk_a),
    )
    item = make_item()
    (line,) = services.item_route(item=item, keys=["type:cv", "field:khác"], actor=act(cast.clerk_a))
    assert (line.role, line.assignee_unit, line.level_key) == (LineRole.LEAD, cast.unit_a, 0)
    assert line.deadline is not None and line.deadline > item.arrived_at
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS


def test_route_without_matching_rule_refused(cast, make_item, act) -> None:
    item = make_item()
    with pytest.raises(ValidationFailed) as caught:
        services.item_route(item=item, keys=["type:QD"], actor=act(cast.clerk_a))
    assert caught.value.code == "no_rule"
    assert not AssignmentLine.objects.filter(item=item).exists()


def test_rule_policy_and_validation(cast, act) -> None:
    with pytest.raises(PermissionDenied):
        services.routing_rule_create(
            agency=cast.agency_a,
            key="type:CV",
            unit_id=cast.unit_a.pk,
            role="lead",
            due_working_days=None,
            actor=act(cast.specialist_a),
        )
    with pytest.raises(PermissionDenied):
        services.routing_rule_create(
            agency=cast.agency_a,
            key="type:CV",
            unit_id=cast.unit_a.pk,
            role="lead",
            due_working_days=None,
            actor=act(cast.clerk_b),
        )
    with pytest.raises(ValidationFailed):
        services.routing_rule_create(
            agency=cast.agency_b,
            key="type:CV",
            unit_id=cast.unit_a.pk,
            role="lead",
            due_working_days=None,
            actor=act(cast.clerk_b),
        )
    services.routing_rule_create(
        agency=cast.agency_a,
        key="type:CV",
        unit_id=cast.unit_a.pk,
        role="lead",
        due_working_days=None,
        actor=act(cast.admin_a),
    )
    with pytest.raises(ValidationFailed) as caught:
        services.routing_rule_create(
            agency=cast.agency_a,
            key="type:CV",
            unit_id=cast.unit_a.pk,
            role="lead",
            due_working_days=None,
            actor=act(cast.clerk_a),
        )
    assert caught.value.code == "duplicate_rule"


def test_rules_api(cast, make_item) -> None:
    clerk = Client()
    clerk.force_login(cast.clerk_a, backend="django.contrib.auth.backends.ModelBackend")
    made = clerk.post(
        "/api/v1/work/rules",
        {"key": "field:tổ chức", "unit_id": cast.unit_a.pk, "due_working_days": 3},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert [r["key"] for r in clerk.get("/api/v1/work/rules").json()] == ["field:tổ chức"]
    other = Client()
    other.force_login(cast.clerk_b, backend="django.contrib.auth.backends.ModelBackend")
    assert other.get("/api/v1/work/rules").json() == []
    item = make_item()
    routed = clerk.post(
        f"/api/v1/work/items/{item.pk}/route", {"keys": ["field:to chuc"]}, content_type="application/json"
    )
    assert routed.status_code == 200 and routed.json()[0]["role"] == "lead"
