"""The header position switcher: own posts, delegated posts in force, and nothing else."""

from __future__ import annotations

import pytest
from django.utils import timezone

from eoffice.people.acting import SESSION_KEY, acting_choices
from eoffice.people.models import Delegation, Role
from eoffice.people.tests.helpers import client_for, hours, make_delegation
from eoffice.testing.cast import give_position

pytestmark = pytest.mark.django_db


def _me(client) -> dict:
    return client.get("/api/v1/accounts/me").json()


def _switch(client, key: str):
    return client.post("/people/switch-position/", {"acting_as": key, "next": "/"})


def test_choices_are_own_positions_and_delegations_in_force(cast) -> None:
    own = cast.position(cast.specialist_a)
    active = make_delegation(cast.position(cast.leader_a), cast.specialist_a, -1, 5)
    make_delegation(cast.position(cast.clerk_a), cast.specialist_a, 1, 5)  # not started
    make_delegation(cast.position(cast.unit_head_a), cast.specialist_a, -10, 5)  # expired
    keys = [c.key for c in acting_choices(cast.specialist_a)]
    assert keys == [f"p:{own.pk}", f"d:{active.pk}"]
    assert acting_choices(cast.outsider) == []


def test_delegate_acts_on_behalf_of_the_delegator(cast) -> None:
    delegation = make_delegation(cast.position(cast.leader_a), cast.specialist_a, -1, 5)
    client = client_for(cast.specialist_a)
    assert _me(client)["on_behalf_of"] is None
    response = _switch(client, f"d:{delegation.pk}")
    assert response.status_code == 302
    me = _me(client)
    assert me["position"]["title"] == "Giám đốc"
    assert me["on_behalf_of"] == cast.leader_a.get_full_name()
    home = client.get("/").content.decode()
    assert f"(thay {cast.leader_a.get_full_name()})" in home


def test_switching_to_someone_elses_position_is_refused(cast) -> None:
    client = client_for(cast.specialist_a)
    for key in (f"p:{cast.position(cast.leader_a).pk}", "p:999999", "d:1", "garbage", ""):
        response = _switch(client, key)
        assert response.status_code == 302
        assert client.session.get(SESSION_KEY) is None
        assert _me(client)["position"]["title"] == "Chuyên viên"
    page = client.get("/")
    assert "không hợp lệ" in page.content.decode()


def test_switch_refuses_foreign_redirect(cast) -> None:
    client = client_for(cast.specialist_a)
    response = client.post(
        "/people/switch-position/",
        {"acting_as": f"p:{cast.position(cast.specialist_a).pk}", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_expired_or_revoked_delegation_disappears(cast) -> None:
    delegation = make_delegation(cast.position(cast.leader_a), cast.specialist_a, -1, 5)
    client = client_for(cast.specialist_a)
    _switch(client, f"d:{delegation.pk}")
    assert _me(client)["on_behalf_of"] is not None
    Delegation.objects.filter(pk=delegation.pk).update(ends_at=timezone.now() - hours(0.01))
    me = _me(client)
    assert me["position"]["title"] == "Chuyên viên" and me["on_behalf_of"] is None
    Delegation.objects.filter(pk=delegation.pk).update(
        ends_at=timezone.now() + hours(1), revoked_at=timezone.now()
    )
    assert _me(client)["on_behalf_of"] is None
    assert f"d:{delegation.pk}" not in [c.key for c in acting_choices(cast.specialist_a)]


def test_delegation_disappears_when_delegator_no_longer_holds_the_position(cast) -> None:
    position = cast.position(cast.leader_a)
    delegation = make_delegation(position, cast.specialist_a, -1, 5)
    position.is_active = False
    position.save()
    assert f"d:{delegation.pk}" not in [c.key for c in acting_choices(cast.specialist_a)]


def test_kiem_nhiem_menu_follows_the_acting_position(cast) -> None:
    # The specialist of A is also the agency admin of B (kiêm nhiệm).
    b_admin = give_position(
        cast.specialist_a, cast.agency_b, "Quản trị xã", [Role.QUAN_TRI_CO_QUAN], primary=False
    )
    client = client_for(cast.specialist_a)
    home = client.get("/").content.decode()
    assert "Người dùng và chức vụ" not in home
    assert client.get("/people/admin/").status_code == 403
    _switch(client, f"p:{b_admin.pk}")
    home = client.get("/").content.decode()
    assert "Người dùng và chức vụ" in home
    page = client.get("/people/admin/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "vanthu.b" in body and "vanthu.a" not in body
    # Rights come from the acting position only: as B's admin, agency A's people are off limits.
    assert client.get(f"/people/admin/{cast.clerk_a.pk}/").status_code == 403
    assert client.get(f"/people/admin/{cast.clerk_b.pk}/").status_code == 200
