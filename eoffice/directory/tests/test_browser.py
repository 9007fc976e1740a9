"""Directory pages in Debian's Chromium at phone width."""

from __future__ import annotations

import pytest

from eoffice.directory.models import Agency, AgencyStatus
from eoffice.testing.browser import login
from eoffice.testing.cast import PASSWORD, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def no_sideways_scroll(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_search_without_accents_and_tree_on_a_phone(live_server, phone_page) -> None:
    cast = build_cast()
    page = phone_page
    login(page, live_server.url, cast.clerk_b.username, PASSWORD)
    page.goto(f"{live_server.url}/directory/")
    assert page.locator("h1").inner_text() == "Danh bạ cơ quan"
    page.fill("#eo-q", "so noi vu")
    page.wait_for_selector("#eo-results-list a")
    assert page.locator("#eo-results-list a").first.inner_text() == "Sở Nội vụ"
    page.fill("#eo-q", "dong tam")
    page.wait_for_function("document.querySelector('#eo-results').innerText.includes('Đồng Tâm')")
    assert no_sideways_scroll(page)
    # Tree: open the province and see its departments and communes.
    page.locator("#eo-tree button").first.click()
    page.wait_for_function("document.querySelector('#eo-tree').innerText.includes('Sở Nội vụ')")
    page.locator("#eo-tree a", has_text="Sở Nội vụ").click()
    page.wait_for_url(f"**/directory/a/{cast.agency_a.code}/")
    assert page.locator("#eo-agency-name").inner_text() == "Sở Nội vụ"
    assert page.get_by_text("Phòng Tổ chức biên chế").is_visible()
    assert page.locator("#eo-admin-actions").count() == 0
    assert no_sideways_scroll(page)


def test_superuser_merges_an_agency_with_suggested_code(live_server, page) -> None:
    cast = build_cast()
    login(page, live_server.url, cast.superuser.username, PASSWORD)
    page.goto(f"{live_server.url}/directory/admin/a/{cast.agency_b.code}/merge/")
    page.fill("#id_into_code", "noi vu")
    page.wait_for_function("document.querySelectorAll('#eo-agency-options option').length > 0")
    assert page.locator("#eo-agency-options option").first.get_attribute("value") == cast.agency_a.code
    page.fill("#id_into_code", cast.agency_b.code)
    page.get_by_role("button", name="Sáp nhập", exact=True).click()
    assert "chính nó" in page.locator(".invalid-feedback").inner_text()
    page.fill("#id_into_code", cast.agency_a.code)
    page.get_by_role("button", name="Sáp nhập", exact=True).click()
    page.wait_for_url(f"**/directory/a/{cast.agency_b.code}/")
    assert page.locator("#eo-successor").is_visible()
    assert Agency.objects.get(pk=cast.agency_b.pk).status == AgencyStatus.MERGED
