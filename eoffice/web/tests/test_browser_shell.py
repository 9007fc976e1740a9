"""Foundation path in Debian's Chromium: sign in, switch position, search the directory."""

from __future__ import annotations

import pytest

from eoffice.people.models import Role
from eoffice.testing.browser import ARTIFACTS, login
from eoffice.testing.cast import PASSWORD, build_cast, give_position

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_login_switch_position_and_search_directory(live_server, page) -> None:
    cast = build_cast()
    # Kiêm nhiệm: the leader of agency A also administers commune B.
    give_position(
        cast.leader_a, cast.agency_b, "Quản trị hệ thống xã", [Role.QUAN_TRI_CO_QUAN], primary=False
    )

    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    login(page, live_server.url, cast.leader_a.username, "wrong-password")
    assert page.locator(".alert-danger").is_visible()
    login(page, live_server.url, cast.leader_a.username, PASSWORD)
    page.wait_for_selector("#eo-acting")
    assert "Giám đốc" in page.inner_text("#eo-acting")
    assert page.locator("nav[aria-label='Menu chính']").get_by_text("Quản trị cơ quan").count() == 0
    page.screenshot(path=str(ARTIFACTS / "home-desktop.png"))

    # Switch to the commune post: the header, the roles and the menu follow.
    commune_post = page.locator("#eo-position option", has_text="Đồng Tâm").inner_text()
    page.select_option("#eo-position", label=commune_post)
    page.wait_for_function("document.querySelector('#eo-acting').innerText.includes('Quản trị hệ thống xã')")
    assert "Quản trị cơ quan" in page.inner_text("#eo-roles")
    assert page.locator("nav[aria-label='Menu chính']").get_by_text("Quản trị cơ quan").count() == 1

    # Accent-insensitive directory search, as one types.
    page.goto(f"{live_server.url}/directory/")
    page.fill("#eo-q", "so noi vu")
    page.wait_for_selector("#eo-results-list >> text=Sở Nội vụ")
    page.fill("#eo-q", "dong tam")
    page.wait_for_selector("#eo-results-list >> text=Ủy ban nhân dân xã Đồng Tâm")
    assert page.locator("#eo-results-list li").count() == 1
    page.screenshot(path=str(ARTIFACTS / "directory-search-desktop.png"))
    page.locator("#eo-results-list a", has_text="Đồng Tâm").click()
    page.wait_for_url("**/directory/a/000.01.00.H99/")
    assert "000.01.00.H99" in page.content()


def test_shell_on_a_phone(live_server, phone_page) -> None:
    cast = build_cast()
    page = phone_page
    login(page, live_server.url, cast.clerk_a.username, PASSWORD)
    page.wait_for_selector("#eo-acting")
    assert no_sideways_scroll(page)
    # The left menu folds into an off-canvas panel behind the menu button.
    menu_link = page.locator("#eo-menu").get_by_text("Danh bạ cơ quan")
    assert not menu_link.is_visible()
    page.click("button[aria-controls='eo-menu']")
    menu_link.wait_for(state="visible")
    menu_link.click()
    page.wait_for_url("**/directory/")
    page.fill("#eo-q", "so noi vu")
    page.wait_for_selector("#eo-results-list >> text=Sở Nội vụ")
    assert no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "directory-search-phone.png"), full_page=True)
