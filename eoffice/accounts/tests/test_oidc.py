"""Single sign-on end to end, against a real OIDC provider running on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from django.conf import settings
from django.test import Client, override_settings

from eoffice.accounts.models import User
from eoffice.accounts.tests.oidc_provider import Provider, running_provider
from eoffice.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("eoffice.accounts.tests.oidc_urls")]

BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "eoffice.accounts.oidc.EOfficeOIDCBackend"]


@pytest.fixture
def provider() -> Iterator[Provider]:
    with (
        running_provider() as running,
        override_settings(**running.settings(), AUTHENTICATION_BACKENDS=BACKENDS),
    ):
        yield running


def _sso(client: Client, provider: Provider) -> str:
    """Walk the code flow like a browser: app → provider → app callback. Returns where it lands."""
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302 and start["Location"].startswith(provider.url("/authorize"))
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    callback = at_provider.headers["Location"]
    assert callback.startswith("http://testserver/oidc/callback/")
    landed = client.get(callback.removeprefix("http://testserver"))
    assert landed.status_code == 302
    return str(landed["Location"])


def _signed_in_as(client: Client) -> str | None:
    response = client.get("/api/v1/accounts/me")
    return response.json()["username"] if response.status_code == 200 else None


def test_login_page_offers_sso_when_enabled(provider: Provider, client: Client) -> None:
    body = client.get("/accounts/login/").content.decode()
    assert "Đăng nhập một lần (SSO)" in body and 'href="/oidc/authenticate/' in body


def test_existing_active_user_signs_in_by_email(cast, provider: Provider, client: Client) -> None:
    provider.claims = {"sub": "abc", "email": "LANHDAO.A@example.gov.vn", "email_verified": True}
    landed = _sso(client, provider)
    assert landed == "/"
    assert _signed_in_as(client) == "lanhdao.a"
    assert provider.token_requests == 1


def test_unknown_email_is_not_created_by_default(cast, provider: Provider, client: Client) -> None:
    provider.claims = {"sub": "x", "email": "nguoi.la@example.gov.vn", "email_verified": True}
    users = User.objects.count()
    assert _sso(client, provider) == "/accounts/login/?sso=failed"
    assert _signed_in_as(client) is None
    assert User.objects.count() == users
    assert "Đăng nhập một lần không thành công" in client.get("/accounts/login/?sso=failed").content.decode()


def test_inactive_or_unverified_is_refused(cast, provider: Provider, client: Client) -> None:
    cast.clerk_a.is_active = False
    cast.clerk_a.save()
    provider.claims = {"sub": "x", "email": "vanthu.a@example.gov.vn", "email_verified": True}
    assert _sso(client, provider) == "/accounts/login/?sso=failed"
    provider.claims = {"sub": "y", "email": "lanhdao.a@example.gov.vn", "email_verified": False}
    assert _sso(Client(), provider) == "/accounts/login/?sso=failed"


def test_forged_id_token_is_refused(cast, provider: Provider) -> None:
    provider.claims = {"sub": "abc", "email": "lanhdao.a@example.gov.vn", "email_verified": True}
    provider.forge_signature = True
    client = Client(raise_request_exception=False)
    start = client.get("/oidc/authenticate/")
    callback = requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"]
    response = client.get(callback.removeprefix("http://testserver"))
    # mozilla-django-oidc raises SuspiciousOperation, which Django answers with 400.
    assert response.status_code == 400
    assert _signed_in_as(client) is None


def test_creation_only_when_configured(cast, provider: Provider, client: Client) -> None:
    provider.claims = {"sub": "n", "email": "moi@example.gov.vn", "email_verified": True, "name": "Người Mới"}
    with override_settings(OIDC_CREATE_USER=True):
        assert _sso(client, provider) == "/"
    user = User.objects.get(email="moi@example.gov.vn")
    assert user.full_name == "Người Mới" and not user.has_usable_password()
    assert _signed_in_as(client) == user.username
    assert AuditEvent.objects.filter(
        verb="user.created", target_id=str(user.pk), actor_name="system:oidc"
    ).exists()
