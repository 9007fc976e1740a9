"""The board and processing-time API: who may, who may not, structured errors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from eoffice.testing.cast import Cast
from eoffice.work.statuses import LineStatus

from .conftest import client_for, make_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(cast: Cast) -> None:
    start = timezone.now() - timedelta(days=2)
    make_line(
        agency=cast.agency_a,
        user=cast.specialist_a,
        status=LineStatus.HOAN_THANH,
        assigned_at=start,
        deadline=start + timedelta(days=1),
        completed_at=start + timedelta(hours=3),
    )
    make_line(agency=cast.agency_b, user=cast.clerk_b, status=LineStatus.CHO_XU_LY, assigned_at=start)


def test_leader_reads_the_board_and_times(cast: Cast, lines: None) -> None:
    client = client_for(cast.leader_a)
    board = client.get("/api/v1/oversight/board").json()
    assert board["total"]["on_time"] == 1 and board["total"]["waiting"] == 0
    assert [row["label"] for row in board["people"]] == [cast.specialist_a.full_name]
    times = client.get("/api/v1/oversight/times").json()
    assert times["total"]["handled"] == 1 and times["total"]["on_time_rate"] == 1.0
    assert times["ranking"] == []


def test_province_office_gets_the_ranking(cast: Cast, lines: None, office_leader: Any) -> None:
    times = client_for(office_leader).get("/api/v1/oversight/times").json()
    assert [entry["agency_id"] for entry in times["ranking"]] == [cast.agency_a.pk]


@pytest.mark.parametrize("who", ["clerk_a", "specialist_a", "clerk_b", "superuser"])
def test_who_may_not(cast: Cast, who: str) -> None:
    response = client_for(getattr(cast, who)).get("/api/v1/oversight/board")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_anonymous_is_refused() -> None:
    assert Client().get("/api/v1/oversight/board").status_code == 401


def test_bad_filters_are_structured_errors(cast: Cast, leader_b: Any) -> None:
    client = client_for(leader_b)
    reversed_period = client.get("/api/v1/oversight/board", {"from": "2026-05-02", "to": "2026-05-01"})
    assert reversed_period.status_code == 422
    assert reversed_period.json()["code"] == "period_reversed"
    other_agency = client.get("/api/v1/oversight/board", {"agency": cast.agency_a.pk})
    assert other_agency.status_code == 422
    assert other_agency.json() | {"message": ""} == {
        "code": "unknown_agency",
        "message": "",
        "field": "agency",
        "details": {},
    }
