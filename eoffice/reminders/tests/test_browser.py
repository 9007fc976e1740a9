"""The automatic reminder page in Debian's Chromium at phone width: usable, errors beside the
field, no sideways scrolling."""

from __future__ import annotations

import pytest

from eoffice.reminders.models import ReminderPolicy
from eoffice.testing.browser import login
from eoffice.testing.cast import PASSWORD, build_cast

# serialized_rollback: the flush after a live-server test must not wipe the rows migrations seed.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def no_sideways_scroll(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_the_agency_admin_sets_the_schedule_on_a_phone(live_server, phone_page) -> None:
    cast = build_cast()
    page = phone_page
    login(page, live_server.url, cast.admin_a.username, PASSWORD)
    page.goto(f"{live_server.url}/reminders/policy/")
    assert page.locator("h1").inner_text() == "Đôn đốc tự động"
    assert no_sideways_scroll(page)
    page.fill("#id_hours_before", "-3")
    page.get_by_role("button", name="Lưu").click()
    assert page.locator("#hours_before-error").inner_text().startswith("Số giờ làm việc báo trước hạn")
    assert not ReminderPolicy.objects.exists()
    page.fill("#id_hours_before", "16")
    page.select_option("#id_escalate_to", "assigner")
    page.uncheck("#id_daily_overdue")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/reminders/policy/?agency=*")
    assert "Đã lưu cấu hình đôn đốc tự động." in page.content()
    policy = ReminderPolicy.objects.get(agency=cast.agency_a)
    assert (policy.hours_before, policy.escalate_to, policy.daily_overdue) == (16, "assigner", False)
    assert no_sideways_scroll(page)
