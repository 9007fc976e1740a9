from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from eoffice.accounts import services as account_services
from eoffice.core.models import AuditEvent
from eoffice.people.models import Delegation
from eoffice.people.rights import ServiceActor
from eoffice.people.tests.helpers import actor_of, client_for, make_delegation

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> dict[str, Any]:
    _, key = account_services.api_token_create(actor=actor_of(user), name="thử")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_search_is_accent_insensitive_and_scoped(cast) -> None:
    client = Client()
    found = client.get("/api/v1/people/search", {"q": "nguyen thi van thu"}, **bearer(cast.leader_a)).json()
    assert [p["username"] for p in found] == ["vanthu.a"]
    # Agency B's clerk is not found from agency A, nor by an outsider.
    assert client.get("/api/v1/people/search", {"q": "dong tam"}, **bearer(cast.leader_a)).json() == []
    assert client.get("/api/v1/people/search", {"q": "van thu"}, **bearer(cast.outsider)).json() == []
    everyone = client.get("/api/v1/people/search", {"q": "van thu"}, **bearer(cast.superuser)).json()
    assert {p["username"] for p in everyone} >= {"vanthu.a"}


def test_search_rejects_oversized_query(cast) -> None:
    response = Client().get("/api/v1/people/search", {"q": "a" * 101}, **bearer(cast.leader_a))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_admin_list_scoped_to_agency(cast) -> None:
    client = Client()
    names = {p["username"] for p in client.get("/api/v1/people/admin/people", **bearer(cast.admin_a)).json()}
    assert "vanthu.a" in names and "vanthu.b" not in names and "ngoai.cuoc" not in names
    response = client.get(
        "/api/v1/people/admin/people", {"agency_id": cast.agency_b.pk}, **bearer(cast.admin_a)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    for user in (cast.clerk_a, cast.leader_a, cast.outsider, cast.clerk_b):
        assert client.get("/api/v1/people/admin/people", **bearer(user)).status_code == 403


def test_personal_token_cannot_see_other_agency_positions(cast) -> None:
    client = Client()
    response = client.get(f"/api/v1/people/users/{cast.clerk_b.pk}/positions", **bearer(cast.admin_a))
    assert response.status_code == 403
    ok = client.get(f"/api/v1/people/users/{cast.clerk_a.pk}/positions", **bearer(cast.admin_a))
    assert ok.status_code == 200 and ok.json()[0]["roles"] == ["van_thu"]
    assert client.get("/api/v1/people/users/999999/positions", **bearer(cast.admin_a)).status_code == 404


def test_admin_creates_user_in_scope_only(cast) -> None:
    client = client_for(cast.admin_a)
    position: dict[str, Any] = {
        "agency_id": cast.agency_a.pk,
        "title": "Chuyên viên",
        "roles": ["chuyen_vien"],
    }
    body: dict[str, Any] = {
        "username": "moi.a",
        "full_name": "Người Mới",
        "email": "moi.a@example.gov.vn",
        "password": "Mot-mat-khau-dai-1",
        "position": position,
    }
    response = client.post("/api/v1/people/admin/users", body, content_type="application/json")
    assert response.status_code == 201, response.content
    body["username"] = "moi.b"
    body["email"] = "moi.b@example.gov.vn"
    position["agency_id"] = cast.agency_b.pk
    response = client.post("/api/v1/people/admin/users", body, content_type="application/json")
    assert response.status_code == 403
    # A clash gives a structured conflict naming the field.
    body["username"] = "MOI.A"
    position["agency_id"] = cast.agency_a.pk
    response = client.post("/api/v1/people/admin/users", body, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["field"] == "username"
    weak = dict(body, username="yeu.a", email="", password="123")
    response = client.post("/api/v1/people/admin/users", weak, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "password"


def test_delegation_api_create_overlap_revoke(cast) -> None:
    client = Client()
    headers = bearer(cast.leader_a)
    start = timezone.now() + timedelta(hours=1)
    body = {
        "position_id": cast.position(cast.leader_a).pk,
        "delegate_id": cast.specialist_a.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(days=2)).isoformat(),
        "scope": "all",
    }
    response = client.post("/api/v1/people/delegations", body, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    delegation_id = response.json()["id"]
    body["delegate_id"] = cast.unit_head_a.pk
    clash = client.post("/api/v1/people/delegations", body, content_type="application/json", **headers)
    assert clash.status_code == 409
    assert clash.json()["code"] == "delegation_overlap"
    assert cast.specialist_a.get_full_name() in clash.json()["message"]
    assert Delegation.objects.count() == 1
    # The delegate sees it received; an outsider may not revoke it.
    received = client.get(
        "/api/v1/people/delegations", {"box": "received"}, **bearer(cast.specialist_a)
    ).json()
    assert [d["id"] for d in received] == [delegation_id]
    denied = client.post(f"/api/v1/people/delegations/{delegation_id}/revoke", **bearer(cast.clerk_b))
    assert denied.status_code == 403
    revoked = client.post(f"/api/v1/people/delegations/{delegation_id}/revoke", **headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]


def test_delegation_api_rejects_bad_input(cast) -> None:
    client = Client()
    headers = bearer(cast.leader_a)
    body = {
        "position_id": cast.position(cast.leader_a).pk,
        "delegate_id": cast.specialist_a.pk,
        "ends_at": "not a date",
    }
    assert (
        client.post(
            "/api/v1/people/delegations", body, content_type="application/json", **headers
        ).status_code
        == 422
    )
    body["ends_at"] = (timezone.now() + timedelta(days=1)).isoformat()
    body["scope"] = "bogus"
    assert (
        client.post(
            "/api/v1/people/delegations", body, content_type="application/json", **headers
        ).status_code
        == 422
    )
    body["scope"] = "all"
    body["position_id"] = 987654
    response = client.post("/api/v1/people/delegations", body, content_type="application/json", **headers)
    assert response.status_code == 404 and response.json()["field"] == "position_id"


def test_agency_box_for_admin_only_their_agency(cast) -> None:
    make_delegation(cast.position(cast.clerk_a), cast.specialist_a, -1, 5)
    make_delegation(cast.position(cast.clerk_b), cast.outsider, -1, 5)
    client = Client()
    seen = client.get("/api/v1/people/delegations", {"box": "agency"}, **bearer(cast.admin_a)).json()
    assert [d["delegator_id"] for d in seen] == [cast.clerk_a.pk]
    assert client.get("/api/v1/people/delegations", {"box": "agency"}, **bearer(cast.outsider)).json() == []


def test_acting_header_picks_delegated_position(cast) -> None:
    delegation = make_delegation(cast.position(cast.leader_a), cast.specialist_a, -1, 5)
    headers = bearer(cast.specialist_a)
    client = Client()
    me = client.get("/api/v1/accounts/me", **headers).json()
    assert me["position"]["title"] == "Chuyên viên" and me["on_behalf_of"] is None
    me = client.get("/api/v1/accounts/me", HTTP_X_EOFFICE_ACTING_AS=f"d:{delegation.pk}", **headers).json()
    assert me["position"]["title"] == "Giám đốc"
    assert me["on_behalf_of"] == cast.leader_a.get_full_name()
    # Someone else's delegation key falls back to the caller's own primary position.
    other = client.get(
        "/api/v1/accounts/me", HTTP_X_EOFFICE_ACTING_AS=f"d:{delegation.pk}", **bearer(cast.clerk_a)
    )
    assert other.json()["position"]["title"] == "Văn thư" and other.json()["on_behalf_of"] is None


def test_service_token_reads_its_agency_and_writes_nothing(cast) -> None:
    _, key = account_services.service_token_create(
        actor=actor_of(cast.superuser), name="dong-bo", agency=cast.agency_b
    )
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    client = Client()
    me = client.get("/api/v1/accounts/me", **headers).json()
    assert me["kind"] == "service" and me["agency_id"] == cast.agency_b.pk
    names = {p["username"] for p in client.get("/api/v1/people/admin/people", **headers).json()}
    assert names == {"vanthu.b"}
    assert client.get(f"/api/v1/people/users/{cast.clerk_a.pk}/positions", **headers).status_code == 403
    start = timezone.now() + timedelta(hours=1)
    body = {
        "position_id": cast.position(cast.clerk_b).pk,
        "delegate_id": cast.clerk_b.pk,
        "ends_at": (start + timedelta(days=1)).isoformat(),
    }
    assert (
        client.post(
            "/api/v1/people/delegations", body, content_type="application/json", **headers
        ).status_code
        == 403
    )
    assert isinstance(ServiceActor(user=None, agency=cast.agency_b), ServiceActor)
    assert not AuditEvent.objects.filter(verb="delegation.created").exists()
