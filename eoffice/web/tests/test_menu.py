"""Every entry of the left menu opens for the person it is shown to: no menu link leads to a
refusal or a missing page, whatever the role (standing cast, including a system admin acting with
no post and a user with none)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db

MENU_LINK = re.compile(r'<a class="nav-link[^"]*"[^>]*href="([^"]+)"')


def _menu_links(client: Client) -> list[str]:
    body = client.get("/").content.decode()
    nav = body[body.index('id="eo-menu"') :]
    return MENU_LINK.findall(nav[: nav.index("</nav>")])


@pytest.mark.parametrize(
    "who",
    ["clerk_a", "leader_a", "unit_head_a", "specialist_a", "admin_a", "clerk_b", "outsider", "superuser"],
)
def test_every_menu_link_opens(cast: Cast, who: str) -> None:
    client = Client()
    client.force_login(getattr(cast, who), backend="django.contrib.auth.backends.ModelBackend")
    links = _menu_links(client)
    assert "/" in links
    for link in links:
        assert client.get(link).status_code == 200, (who, link)


def test_a_system_admin_without_a_post_sees_the_admin_pages_only(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.superuser, backend="django.contrib.auth.backends.ModelBackend")
    links = _menu_links(client)
    for page in ("/directory/admin/", "/people/admin/", "/reminders/policy/", "/audit/"):
        assert page in links, page
    # An agency's registers, its chains and a leader's board belong to a post in that agency.
    for page in ("/oversight/", "/documents/registers/", "/outgoing/chains/", "/outgoing/"):
        assert page not in links, page
