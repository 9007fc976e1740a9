"""The calendar page in Debian's Chromium at phone width: readable, usable, no sideways scrolling."""

from __future__ import annotations

from datetime import date

import pytest

from eoffice.testing.browser import login
from eoffice.testing.cast import PASSWORD, build_cast
from eoffice.workcalendar.models import CalendarOverride

# serialized_rollback: the flush after a live-server test must not wipe the rows the migrations
# seed (the calendar settings, the make-up Saturdays, the audit chain head) for later tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def no_sideways_scroll(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_superuser_uses_the_calendar_on_a_phone(live_server, phone_page) -> None:
    cast = build_cast()
    page = phone_page
    login(page, live_server.url, cast.superuser.username, PASSWORD)
    page.goto(f"{live_server.url}/calendar/?year=2026")
    assert page.locator("h1").inner_text() == "Lịch làm việc năm 2026"
    assert page.locator('#eo-year-grid td[data-date="2026-02-17"]').get_attribute("data-working") == "0"
    assert no_sideways_scroll(page)

    form = page.locator("#eo-override-form")
    form.locator("input[name=day]").fill("2026-03-03")
    form.locator("select[name=kind]").select_option("day_off")
    form.locator("input[name=reason]").fill("Nghỉ thêm theo quyết định của tỉnh")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/calendar/?year=2026")
    assert "Đã thêm ngày điều chỉnh 03/03/2026." in page.content()
    assert CalendarOverride.objects.get(date=date(2026, 3, 3)).kind == "day_off"

    # A pointless override is refused with the reason, beside the date.
    form = page.locator("#eo-override-form")
    form.locator("input[name=day]").fill("2026-03-07")
    form.locator("input[name=reason]").fill("Thử")
    form.locator("button[type=submit]").click()
    assert page.get_by_text("là ngày nghỉ cuối tuần").is_visible()

    # The HTMX calculator answers in place.
    page.goto(f"{live_server.url}/calendar/?year=2026")
    page.select_option("#id_operation", "add_days")
    page.fill("#id_start", "2026-02-13T10:00")
    page.fill("#id_amount", "1")
    page.get_by_role("button", name="Tính").click()
    page.wait_for_selector("#eo-calc-value")
    assert "23/02/2026 10:00" in page.locator("#eo-calc-value").inner_text()
    assert no_sideways_scroll(page)


def test_clerk_reads_the_calendar_on_a_phone(live_server, phone_page) -> None:
    cast = build_cast()
    login(phone_page, live_server.url, cast.clerk_a.username, PASSWORD)
    phone_page.goto(f"{live_server.url}/calendar/?year=2027")
    assert "Tết Nguyên Đán" in phone_page.locator("#eo-holidays").inner_text()
    assert phone_page.locator("#eo-override-form").count() == 0
    assert no_sideways_scroll(phone_page)
