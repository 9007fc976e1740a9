"""People admin and delegation pages in Debian's Chromium at phone width."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from eoffice.people.models import Delegation
from eoffice.testing.browser import login
from eoffice.testing.cast import PASSWORD, build_cast

# serialized_rollback: the flush after a live-server test must not wipe the rows migrations seed.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def no_sideways_scroll(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_agency_admin_searches_people_on_a_phone(audit_head, live_server, phone_page) -> None:
    cast = build_cast()
    page = phone_page
    login(page, live_server.url, cast.admin_a.username, PASSWORD)
    page.goto(f"{live_server.url}/people/admin/")
    assert page.locator("h1").inner_text() == "Người dùng và chức vụ"
    assert page.locator("#eo-people").get_by_text("vanthu.a", exact=True).is_visible()
    assert page.locator("#eo-people").get_by_text("vanthu.b", exact=True).count() == 0
    assert no_sideways_scroll(page)
    # HTMX search as one types, without accents.
    page.fill("#id_q", "pham van chuyen")
    page.wait_for_function("!document.querySelector('#eo-people').innerText.includes('vanthu.a')")
    assert page.locator("#eo-people").get_by_text("chuyenvien.a", exact=True).is_visible()
    page.locator("#eo-people a", has_text="Phạm Văn Chuyên Viên").click()
    page.wait_for_url(f"**/people/admin/{cast.specialist_a.pk}/")
    assert page.locator("#eo-positions").get_by_text("Chuyên viên").first.is_visible()
    assert no_sideways_scroll(page)


def test_leader_delegates_on_a_phone_and_overlap_is_explained(audit_head, live_server, phone_page) -> None:
    cast = build_cast()
    page = phone_page
    login(page, live_server.url, cast.leader_a.username, PASSWORD)
    page.goto(f"{live_server.url}/people/delegations/")
    start = timezone.localtime(timezone.now() + timedelta(hours=1))
    end = start + timedelta(days=3)

    def submit(delegate_id: int) -> None:
        page.select_option("#id_position", str(cast.position(cast.leader_a).pk))
        page.select_option("#id_delegate", str(delegate_id))
        page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_ends_at", end.strftime("%Y-%m-%dT%H:%M"))
        page.get_by_role("button", name="Ủy quyền", exact=True).click()

    submit(cast.specialist_a.pk)
    page.wait_for_url("**/people/delegations/")
    assert page.get_by_text("Đã tạo ủy quyền.").is_visible()
    assert Delegation.objects.filter(delegate=cast.specialist_a).count() == 1
    submit(cast.unit_head_a.pk)
    error = page.locator(".invalid-feedback", has_text="đã được ủy quyền cho")
    assert error.is_visible() and cast.specialist_a.get_full_name() in error.inner_text()
    assert Delegation.objects.count() == 1
    assert no_sideways_scroll(page)
