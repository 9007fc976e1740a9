"""The board, a drill-down, a reminder sent from it, and the processing-time chart, in Debian's Chromium."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from eoffice.reminders.models import Reminder, ReminderType
from eoffice.testing.browser import ARTIFACTS, login
from eoffice.testing.cast import PASSWORD, build_cast
from eoffice.work.statuses import LineStatus

from .conftest import make_line, make_office_leader

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


def test_office_leader_sends_a_criticism_the_specialist_sees_in_the_bell(live_server, page, chromium) -> None:
    """The province office leader opens the board, drills down from the agency's overdue count to
    the line, sends a Phê bình; the specialist holding the line finds it in the bell."""
    cast = build_cast()
    office_leader = make_office_leader(cast)
    now = timezone.now()
    overdue = make_line(
        agency=cast.agency_a,
        user=cast.specialist_a,
        status=LineStatus.DANG_XU_LY,
        assigned_at=now - timedelta(days=6),
        deadline=now - timedelta(days=2),
    )
    login(page, live_server.url, office_leader.username, PASSWORD)
    page.goto(f"{live_server.url}/oversight/")
    agency_row = page.locator(f'table[data-section="agencies"] tr[data-row="agency:{cast.agency_a.pk}"]')
    assert agency_row.locator('a[data-column="overdue"]').inner_text() == "1"
    agency_row.locator('a[data-column="overdue"]').click()
    line_row = page.locator(f'tr[data-line-id="{overdue.pk}"]')
    line_row.locator("a.oversight-remind-link").click()
    page.wait_for_url(f"**/reminders/lines/{overdue.pk}/")
    page.check("#type-phe_binh")
    page.fill("#id_message", "Quá hạn hai ngày, đề nghị giải trình.")
    page.click("form:has(#id_message) button[type=submit]")
    # Sent: the page comes back with the reminder in its history.
    page.locator(".list-group-item", has_text="Quá hạn hai ngày, đề nghị giải trình.").wait_for()
    reminder = Reminder.objects.get(line=overdue)
    assert reminder.type == ReminderType.PHE_BINH and reminder.sent_by_id == office_leader.pk

    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    specialist = context.new_page()
    specialist.set_default_timeout(15_000)
    try:
        login(specialist, live_server.url, cast.specialist_a.username, PASSWORD)
        specialist.goto(f"{live_server.url}/")
        # The badge shows the unread count as soon as the page has loaded it (HTMX polling).
        specialist.locator("#eo-bell-count .badge").wait_for()
        assert specialist.locator("#eo-bell-count .badge").inner_text().strip() != ""
        specialist.click("#eo-bell-button")
        # Opening the bell loads its latest notifications (HTMX), the unread one first and in bold.
        entry = specialist.locator("#eo-bell-menu a.list-group-item.fw-semibold").first
        entry.wait_for()
        assert entry.inner_text().startswith(f"Phê bình (lần 1): {overdue.item.title}")
        assert "Quá hạn hai ngày" in entry.inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        specialist.screenshot(path=str(ARTIFACTS / "oversight-criticism-in-the-bell.png"), full_page=True)
    finally:
        context.close()
