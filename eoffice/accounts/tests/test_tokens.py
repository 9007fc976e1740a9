from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from eoffice.accounts import services
from eoffice.accounts.models import ApiToken
from eoffice.accounts.tokens import hash_key
from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.core.models import AuditEvent
from eoffice.directory.models import AgencyStatus
from eoffice.people.tests.helpers import actor_of, client_for

pytestmark = pytest.mark.django_db


def _auth(key: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _me(key: str) -> Any:
    return Client().get("/api/v1/accounts/me", **_auth(key))


def test_personal_token_works_and_is_hashed_at_rest(cast) -> None:
    token, key = services.api_token_create(actor=actor_of(cast.clerk_a), name="Kịch bản")
    assert key not in {token.key_hash, token.prefix} and token.key_hash == hash_key(key)
    assert not ApiToken.objects.filter(key_hash=key).exists()
    response = _me(key)
    assert response.status_code == 200
    assert response.json()["username"] == "vanthu.a" and response.json()["position"]["roles"] == ["van_thu"]
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AuditEvent.objects.filter(verb="api_token.created", target_id=str(token.pk)).exists()


def test_revoked_expired_garbage_tokens_get_401(cast) -> None:
    token, key = services.api_token_create(actor=actor_of(cast.clerk_a), name="a")
    services.api_token_revoke(actor=actor_of(cast.clerk_a), token=token)
    expired, expired_key = services.api_token_create(
        actor=actor_of(cast.clerk_a), name="b", expires_at=timezone.now() + timedelta(minutes=1)
    )
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    for bad in (key, expired_key, "eo_garbage", "not-a-token", "eo_" + "x" * 500, ""):
        response = _me(bad)
        assert response.status_code == 401, bad
        assert response.json()["code"] == "unauthenticated"
    assert Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION="Basic abc").status_code == 401


def test_token_of_deactivated_user_stops_working(cast) -> None:
    _, key = services.api_token_create(actor=actor_of(cast.clerk_a), name="a")
    cast.clerk_a.is_active = False
    cast.clerk_a.save()
    assert _me(key).status_code == 401


def test_service_token_of_merged_agency_stops_working(cast) -> None:
    _, key = services.service_token_create(actor=actor_of(cast.superuser), name="s", agency=cast.agency_b)
    assert _me(key).status_code == 200
    cast.agency_b.status, cast.agency_b.successor = AgencyStatus.MERGED, cast.agency_a
    cast.agency_b.save()
    assert _me(key).status_code == 401


def test_token_rules(cast) -> None:
    with pytest.raises(ValidationFailed):
        services.api_token_create(actor=actor_of(cast.clerk_a), name="  ")
    with pytest.raises(ValidationFailed):
        services.api_token_create(actor=actor_of(cast.clerk_a), name="a", expires_at=timezone.now())
    with pytest.raises(PermissionDenied):
        services.service_token_create(actor=actor_of(cast.admin_a), name="s", agency=cast.agency_a)
    token, _ = services.api_token_create(actor=actor_of(cast.clerk_a), name="a")
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=actor_of(cast.clerk_b), token=token)
    services.api_token_revoke(actor=actor_of(cast.clerk_a), token=token)
    with pytest.raises(Conflict):
        services.api_token_revoke(actor=actor_of(cast.clerk_a), token=token)


def test_token_count_is_capped(cast) -> None:
    for i in range(services.MAX_ACTIVE_PERSONAL_TOKENS):
        services.api_token_create(actor=actor_of(cast.clerk_a), name=f"t{i}")
    with pytest.raises(Conflict):
        services.api_token_create(actor=actor_of(cast.clerk_a), name="one too many")


def test_tokens_api_session_only_for_minting(cast) -> None:
    client = client_for(cast.clerk_a)
    created = client.post("/api/v1/accounts/tokens", {"name": "CLI"}, content_type="application/json")
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith("eo_")
    listed = client.get("/api/v1/accounts/tokens").json()
    assert [t["name"] for t in listed] == ["CLI"] and "key" not in listed[0]
    # A token cannot mint another token.
    minted = Client().post(
        "/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json", **_auth(key)
    )
    assert minted.status_code == 403
    # Someone else's token cannot be revoked, nor even found.
    other = client_for(cast.clerk_b)
    assert other.post(f"/api/v1/accounts/tokens/{created.json()['id']}/revoke").status_code == 404
    assert client.post(f"/api/v1/accounts/tokens/{created.json()['id']}/revoke").status_code == 200
    assert _me(key).status_code == 401
    too_long = client.post("/api/v1/accounts/tokens", {"name": "x" * 101}, content_type="application/json")
    assert too_long.status_code == 422


def test_service_tokens_api_for_superuser_only(cast) -> None:
    body = {"name": "Đồng bộ", "agency_id": cast.agency_a.pk}
    denied = client_for(cast.admin_a).post(
        "/api/v1/accounts/service-tokens", body, content_type="application/json"
    )
    assert denied.status_code == 403
    assert client_for(cast.admin_a).get("/api/v1/accounts/service-tokens").status_code == 403
    created = client_for(cast.superuser).post(
        "/api/v1/accounts/service-tokens", body, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["agency_id"] == cast.agency_a.pk
    me = _me(created.json()["key"]).json()
    assert me["kind"] == "service" and me["full_name"] == "hệ thống: service:Đồng bộ"


def test_profile_token_page_shows_key_once(cast) -> None:
    client = client_for(cast.specialist_a)
    page = client.post("/accounts/profile/tokens/", {"name": "Máy tính bảng"})
    body = page.content.decode()
    assert page.status_code == 200 and 'id="eo-new-key"' in body
    token = ApiToken.objects.get(user=cast.specialist_a)
    assert token.prefix in body
    again = client.get("/accounts/profile/").content.decode()
    assert 'id="eo-new-key"' not in again and "Máy tính bảng" in again
    bad = client.post("/accounts/profile/tokens/", {"name": ""})
    assert bad.status_code == 422
    assert client_for(cast.clerk_a).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_service_token_page(cast) -> None:
    assert client_for(cast.admin_a).get("/accounts/service-tokens/").status_code == 403
    client = client_for(cast.superuser)
    assert client.get("/accounts/service-tokens/").status_code == 200
    page = client.post("/accounts/service-tokens/", {"name": "Trục", "agency": cast.agency_b.pk})
    assert page.status_code == 200 and 'id="eo-new-key"' in page.content.decode()
    assert ApiToken.objects.get(kind="service").agency == cast.agency_b
