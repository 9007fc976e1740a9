"""The board, drill-downs, own page, processing times and reports in the browser's terms: who may
see what (standing cast), and clear errors for bad filters."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from eoffice.core.actor import Actor
from eoffice.oversight import selectors, stats
from eoffice.reminders.models import ReminderType
from eoffice.reminders.services import reminder_send
from eoffice.testing.cast import Cast
from eoffice.work.models import WorkItem
from eoffice.work.statuses import ItemStatus, LineStatus

from .conftest import client_for, make_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(cast: Cast) -> dict[str, Any]:
    """Lines of agency A (overdue, done late, returned) and of agency B."""
    now = timezone.now()
    start = now - timedelta(days=3)
    overdue = make_line(
        agency=cast.agency_a,
        user=cast.specialist_a,
        status=LineStatus.DANG_XU_LY,
        assigned_at=start,
        deadline=now - timedelta(hours=2),
    )
    late = make_line(
        agency=cast.agency_a,
        user=cast.specialist_a,
        status=LineStatus.HOAN_THANH,
        assigned_at=start,
        deadline=start + timedelta(hours=1),
        completed_at=start + timedelta(days=1),
    )
    returned = make_line(
        agency=cast.agency_a, unit=cast.unit_a, status=LineStatus.TRA_LAI, assigned_at=start, completed_at=now
    )
    other = make_line(
        agency=cast.agency_b, user=cast.clerk_b, status=LineStatus.CHO_XU_LY, assigned_at=start, deadline=now
    )
    return {"overdue": overdue, "late": late, "returned": returned, "other": other}


def test_leader_sees_the_board_and_drills_down_to_an_overdue_line(cast: Cast, spread: dict[str, Any]) -> None:
    client = client_for(cast.leader_a)
    page = client.get(reverse("oversight:board"))
    assert page.status_code == 200
    html = page.content.decode()
    assert cast.specialist_a.full_name in html and cast.unit_a.name in html
    assert cast.clerk_b.full_name not in html
    row = f"person:{cast.agency_a.pk}:{cast.specialist_a.pk}"
    lines = client.get(reverse("oversight:lines"), {"row": row, "column": "overdue"})
    assert lines.status_code == 200
    body = lines.content.decode()
    assert f'data-line-id="{spread["overdue"].pk}"' in body
    assert reverse("work:item", args=[spread["overdue"].item_id]) in body
    assert f'data-line-id="{spread["late"].pk}"' not in body


def test_agency_b_sees_nothing_of_a(cast: Cast, spread: dict[str, Any], leader_b: Any) -> None:
    client = client_for(leader_b)
    html = client.get(reverse("oversight:board")).content.decode()
    assert cast.clerk_b.full_name in html
    assert cast.specialist_a.full_name not in html and cast.unit_a.name not in html
    # A row of agency A asked for by hand is refused, and A's lines are never listed.
    row = f"person:{cast.agency_a.pk}:{cast.specialist_a.pk}"
    refused = client.get(reverse("oversight:lines"), {"row": row, "column": "overdue"})
    assert refused.status_code == 422
    assert f'data-line-id="{spread["overdue"].pk}"' not in refused.content.decode()
    listed = client.get(reverse("oversight:lines"), {"row": "all", "column": "waiting"}).content.decode()
    assert f'data-line-id="{spread["other"].pk}"' in listed
    assert f'data-line-id="{spread["overdue"].pk}"' not in listed
    unknown = client.get(reverse("oversight:board"), {"agency": cast.agency_a.pk})
    assert unknown.status_code == 422
    assert "ngoài phạm vi" in unknown.content.decode()


def test_province_office_leader_sees_every_agency(
    cast: Cast, spread: dict[str, Any], office_leader: Any
) -> None:
    client = client_for(office_leader)
    html = client.get(reverse("oversight:board")).content.decode()
    assert cast.agency_a.name in html and cast.agency_b.name in html
    assert cast.specialist_a.full_name in html and cast.clerk_b.full_name in html
    times = client.get(reverse("oversight:times"))
    assert times.status_code == 200
    assert 'id="ranking"' in times.content.decode()
    # The monthly chart (from the rollups) shows the points the facts give, month by month.
    monthly = times.context["chart"]
    from_facts = stats.trend(
        selectors.scoped_facts(times.context["scope"], times.context["filters"]), "month"
    )
    assert monthly["handled"] == [figures.handled for _, figures in from_facts] and sum(monthly["handled"])
    weekly = client.get(reverse("oversight:times"), {"by": "week"}).context["chart"]
    assert sum(weekly["handled"]) == sum(monthly["handled"])
    only_b = client.get(reverse("oversight:board"), {"agency": cast.agency_b.pk}).content.decode()
    assert cast.clerk_b.full_name in only_b and cast.specialist_a.full_name not in only_b


@pytest.mark.parametrize("who", ["clerk_a", "specialist_a", "admin_a", "clerk_b", "superuser"])
def test_who_may_not_see_a_board(cast: Cast, who: str) -> None:
    client = client_for(getattr(cast, who))
    for name in ("oversight:board", "oversight:times", "oversight:reports", "oversight:lines"):
        assert client.get(reverse(name)).status_code == 403


def test_unit_head_sees_only_their_unit(cast: Cast, spread: dict[str, Any]) -> None:
    client = client_for(cast.unit_head_a)
    html = client.get(reverse("oversight:board")).content.decode()
    assert cast.unit_a.name in html and cast.clerk_b.full_name not in html


def test_anonymous_is_sent_to_sign_in() -> None:
    response = Client().get(reverse("oversight:board"))
    assert response.status_code == 302


def test_own_page_shows_my_figures_only(cast: Cast, spread: dict[str, Any]) -> None:
    client = client_for(cast.specialist_a)
    page = client.get(reverse("oversight:me"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-figure="handled">1<' in html
    lines = client.get(reverse("oversight:my_lines"), {"column": "overdue"}).content.decode()
    assert f'data-line-id="{spread["overdue"].pk}"' in lines
    # The outsider has no post: no figures.
    assert client_for(cast.outsider).get(reverse("oversight:me")).status_code == 403


def test_bad_filters_get_a_clear_message(cast: Cast, spread: dict[str, Any]) -> None:
    client = client_for(cast.leader_a)
    reversed_period = client.get(reverse("oversight:board"), {"from": "2026-05-01", "to": "2026-04-01"})
    assert reversed_period.status_code == 422
    assert "Ngày kết thúc phải sau" in reversed_period.content.decode()
    for params in (
        {"from": "2026-13-45"},
        {"agency": "999999"},
        {"agency": "1; DROP TABLE"},
        {"unit": "424242"},
        {"urgency": "rat_khan"},
        {"type": "987654"},
        {"from": "2020-01-01", "to": "2026-01-01"},
    ):
        response = client.get(reverse("oversight:board"), params)
        assert response.status_code == 422, params
        assert "data-filter-error" in response.content.decode()
    bad_column = client.get(reverse("oversight:lines"), {"row": "all", "column": "nope"})
    assert bad_column.status_code == 422


def test_reports_print_and_export(cast: Cast, spread: dict[str, Any]) -> None:
    client = client_for(cast.leader_a)
    assert client.get(reverse("oversight:reports")).status_code == 200
    for slug in ("xu-ly-van-ban-den", "xu-ly-van-ban-di", "so-theo-doi-giai-quyet"):
        page = client.get(reverse("oversight:report", args=[slug]))
        assert page.status_code == 200
        assert cast.agency_a.name in page.content.decode()
    xlsx = client.get(reverse("oversight:report", args=["xu-ly-van-ban-den"]), {"format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == cast.agency_a.name.upper()
    assert values[1][0] == "BÁO CÁO TÌNH HÌNH XỬ LÝ VĂN BẢN ĐẾN"
    total = next(row for row in values if row[0] == "Tổng cộng")
    # 3 lines of A: one processing (overdue), one done late, one returned.
    assert total[1:8] == ["3", "0", "1", "1", "0", "1", "1"]
    pdf = client.get(reverse("oversight:report", args=["so-theo-doi-giai-quyet"]), {"format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    unknown = client.get(reverse("oversight:report", args=["bao-cao-khac"]))
    assert unknown.status_code == 404
    bad = client.get(
        reverse("oversight:report", args=["xu-ly-van-ban-den"]), {"from": "2026-05-02", "to": "2026-05-01"}
    )
    assert bad.status_code == 422


def test_follow_up_register_lists_incoming_items(cast: Cast) -> None:
    start = timezone.now() - timedelta(days=1)
    line = make_line(
        agency=cast.agency_a,
        user=cast.specialist_a,
        status=LineStatus.DANG_XU_LY,
        assigned_at=start,
        deadline=start - timedelta(hours=1),
    )
    WorkItem.objects.filter(pk=line.item_id).update(status=ItemStatus.IN_PROGRESS)
    page = client_for(cast.leader_a).get(reverse("oversight:report", args=["so-theo-doi-giai-quyet"]))
    html = page.content.decode()
    assert line.item.title in html
    assert f"Chủ trì: {cast.specialist_a.full_name}" in html
    assert "Đang giải quyết (quá hạn)" in html


def test_drill_down_shows_reminder_counts(cast: Cast, spread: dict[str, Any]) -> None:
    """The reminders app's per-type counts (its `counts_by_line` seam) appear on the line's row."""
    leader = Actor(user=cast.leader_a, position=cast.position(cast.leader_a))
    for _ in range(2):
        reminder_send(
            actor=leader, line=spread["overdue"], type=ReminderType.values[1], message="Đề nghị xử lý ngay"
        )
    html = (
        client_for(cast.leader_a)
        .get(reverse("oversight:lines"), {"row": "all", "column": "overdue"})
        .content.decode()
    )
    row = html.split(f'data-line-id="{spread["overdue"].pk}"')[1].split("</tr>")[0]
    assert f"{ReminderType.values[1]}: 2</span>" in row
