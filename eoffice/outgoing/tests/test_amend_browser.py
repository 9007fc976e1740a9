"""Update, answer and tracking pages at phone width (375 px) in Debian's Chromium: no sideways
scrolling, and the recipient văn thư answers from its copy's page."""

from __future__ import annotations

from typing import Any

import pytest

from eoffice.outgoing.models import AmendmentAnswer, AnswerStatus
from eoffice.outgoing.tests.amend_cases import copy_of, released
from eoffice.testing.browser import login
from eoffice.testing.cast import PASSWORD, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_update_and_answer_on_a_phone(live_server: Any, phone_page: Any) -> None:
    cast = build_cast()
    draft = released(cast, cast.agency_b.pk)
    page = phone_page
    login(page, live_server.url, cast.clerk_a.username, PASSWORD)
    page.goto(f"{live_server.url}/outgoing/{draft.pk}/update/")
    assert no_sideways_scroll(page)
    page.fill("#id_reason", "Sai hạn trả lời")
    page.fill("#id_due_date", "2026-12-31")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector("#tracking")
    assert (
        "Yêu cầu cập nhật" in page.locator("#tracking").inner_text()
        or page.locator("#amendments").is_visible()
    )
    assert no_sideways_scroll(page)
    page.goto(f"{live_server.url}/outgoing/{draft.pk}/compare/?a=1&b=2")
    page.wait_for_selector("#version-pdfs")
    assert no_sideways_scroll(page)
    # The PDF itself is a download link on a phone.
    assert page.get_by_role("link", name="Tải PDF").first.is_visible()

    page.context.clear_cookies()
    login(page, live_server.url, cast.clerk_b.username, PASSWORD)
    copy = copy_of(draft, cast.agency_b.pk)
    page.goto(f"{live_server.url}/documents/{copy.pk}/")
    page.get_by_role("link", name="Xem và trả lời cập nhật").click()
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Đồng ý cập nhật").click()
    page.wait_for_selector("#doc-status")
    assert no_sideways_scroll(page)
    assert AmendmentAnswer.objects.get().status == AnswerStatus.ACCEPTED
    copy.refresh_from_db()
    assert str(copy.due_date) == "2026-12-31"
