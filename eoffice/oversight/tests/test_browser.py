"""The board, a drill-down and the processing-time chart in Debian's Chromium at phone width."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from eoffice.testing.browser import login
from eoffice.testing.cast import PASSWORD, build_cast
from eoffice.work.statuses import LineStatus

from .conftest import make_line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_leader_drills_down_and_sees_the_trend_on_a_phone(live_server, phone_page) -> None:
    cast = build_cast()
    now = timezone.now()
    overdue = make_line(
        agency=cast.agency_a,
        user=cast.specialist_a,
        status=LineStatus.DANG_XU_LY,
        assigned_at=now - timedelta(days=5),
        deadline=now - timedelta(days=1),
    )
    for days in (40, 20, 3):
        start = now - timedelta(days=days)
        make_line(
            agency=cast.agency_a,
            user=cast.specialist_a,
            status=LineStatus.HOAN_THANH,
            assigned_at=start,
            deadline=start + timedelta(days=2),
            completed_at=start + timedelta(hours=6),
        )
    page = phone_page
    login(page, live_server.url, cast.leader_a.username, PASSWORD)
    page.goto(f"{live_server.url}/oversight/?from={(now - timedelta(days=60)).date().isoformat()}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    row = page.locator(
        f'table[data-section="people"] tr[data-row="person:{cast.agency_a.pk}:{cast.specialist_a.pk}"]'
    )
    row.locator('a[data-column="overdue"]').click()
    line_row = page.locator(f'tr[data-line-id="{overdue.pk}"]')
    assert line_row.count() == 1
    line_row.locator("a.oversight-line-link").click()
    page.wait_for_url(f"**/work/items/{overdue.item_id}/")
    page.goto(
        f"{live_server.url}/oversight/times/?from={(now - timedelta(days=60)).date().isoformat()}&by=week"
    )
    # Chart.js (vendored) drew the trend: the canvas got a size and a chart instance.
    assert page.evaluate("typeof Chart !== 'undefined' && Chart.getChart('trend-chart') !== undefined")
    assert page.evaluate("document.getElementById('trend-chart').width") > 0
