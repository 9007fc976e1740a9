"""The work box and an item in Debian's Chromium at phone width, driven from the keyboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.testing.browser import ARTIFACTS, login
from eoffice.testing.cast import PASSWORD, build_cast
from eoffice.work import services
from eoffice.work.models import AssignmentLine
from eoffice.work.statuses import ItemKind, LineStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def no_sideways_scroll(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_leader_searches_box_and_receives_on_a_phone(live_server, phone_page) -> None:
    cast = build_cast()
    clerk = Actor(user=cast.clerk_a, position=cast.position(cast.clerk_a))
    for title in ("Công văn về đào tạo bồi dưỡng cán bộ", "Quyết định thành lập hội đồng thi tuyển"):
        item = services.item_create(
            agency=cast.agency_a,
            kind=ItemKind.INCOMING_DOCUMENT,
            title=title,
            reference="7/SNV-TCBC",
            arrived_at=timezone.now() - timedelta(hours=1),
            actor=clerk,
        )
        services.item_present(item=item, leader_id=cast.leader_a.pk, actor=clerk)
    page = phone_page
    login(page, live_server.url, cast.leader_a.username, PASSWORD)
    page.goto(f"{live_server.url}/work/")
    assert no_sideways_scroll(page)
    assert page.locator("#box-table tbody tr[data-line]").count() == 2
    # "/" jumps to the search box; Enter filters in place (HTMX) without accents.
    page.keyboard.press("/")
    page.keyboard.type("hoi dong thi tuyen")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('#box-table tbody tr[data-line]').length === 1")
    assert "q=hoi%20dong%20thi%20tuyen" in page.url, "the filtered box keeps a shareable address"
    page.get_by_role("link", name="Quyết định thành lập hội đồng thi tuyển").press("Enter")
    page.wait_for_selector("text=Các dòng xử lý")
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Tiếp nhận").press("Enter")
    page.wait_for_selector("text=Đã tiếp nhận.")
    line = AssignmentLine.objects.get(item__title__startswith="Quyết định")
    assert line.status == LineStatus.CHO_XU_LY and line.first_opened_at is not None
    assert no_sideways_scroll(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "work-item-phone.png"), full_page=True)
