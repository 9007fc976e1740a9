"""On a phone, from the keyboard: the văn thư sets a routing rule (type → unit), then routes a
registered document by it from the document page."""

from __future__ import annotations

import pytest

from eoffice.core.actor import Actor
from eoffice.documents import services
from eoffice.documents.models import DocumentStatus, DocumentType
from eoffice.documents.tests.factories import confirmed_document
from eoffice.testing.browser import ARTIFACTS, login
from eoffice.testing.cast import PASSWORD, build_cast
from eoffice.work.models import AssignmentLine, RoutingRule
from eoffice.work.statuses import LineRole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def no_sideways_scroll(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_clerk_sets_a_rule_and_routes_by_it_on_a_phone(live_server, phone_page) -> None:
    cast = build_cast()
    clerk = Actor(user=cast.clerk_a, position=cast.position(cast.clerk_a))
    document = confirmed_document(cast)
    services.document_register(actor=clerk, document=document)
    page = phone_page
    login(page, live_server.url, cast.clerk_a.username, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login" not in url)

    page.goto(f"{live_server.url}/documents/routing-rules/")
    assert no_sideways_scroll(page)
    page.select_option("#id_condition", "type")
    page.select_option("#id_document_type", str(DocumentType.objects.get(code="cong_van").pk))
    page.select_option("#id_unit", str(cast.unit_a.pk))
    page.select_option("#id_role", "lead")
    page.focus("#id_due_working_days")
    page.keyboard.type("4")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Đã thêm quy tắc chuyển xử lý.")
    assert page.locator("#rules-table tbody tr[data-rule]").count() == 1
    assert "Loại văn bản: Công văn" in page.locator("#rules-table").inner_text()
    assert RoutingRule.objects.get().key == "type:cong_van"

    page.goto(f"{live_server.url}/documents/{document.pk}/")
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Chuyển xử lý theo quy tắc").press("Enter")
    page.wait_for_selector("text=Đã chuyển xử lý theo quy tắc đến: Phòng Tổ chức biên chế.")
    assert page.locator("#handling-lines tbody tr[data-line]").count() == 1
    assert no_sideways_scroll(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "documents-routed-phone.png"), full_page=True)
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_PROGRESS
    line = AssignmentLine.objects.get()
    assert (line.role, line.assignee_unit_id) == (LineRole.LEAD, cast.unit_a.pk) and line.deadline is not None
