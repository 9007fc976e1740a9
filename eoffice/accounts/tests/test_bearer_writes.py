"""A client with an API key writes without a CSRF token (it holds no ambient credential); a
signed-in browser session still needs one. The test client enforces CSRF here, as a real server does."""

from __future__ import annotations

import pytest
from django.test import Client

from eoffice.accounts import services
from eoffice.accounts.models import ApiToken
from eoffice.people.tests.helpers import actor_of

pytestmark = pytest.mark.django_db


def test_a_bearer_key_writes_without_csrf_and_a_session_does_not(cast) -> None:
    spare, _key = services.api_token_create(actor=actor_of(cast.clerk_a), name="Dự phòng")
    _token, key = services.api_token_create(actor=actor_of(cast.clerk_a), name="Kịch bản")
    client = Client(enforce_csrf_checks=True)
    answer = client.post(f"/api/v1/accounts/tokens/{spare.pk}/revoke", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 200, answer.content
    assert ApiToken.objects.get(pk=spare.pk).revoked_at is not None
    # The same write from a signed-in session without the CSRF token is refused.
    other, _ = services.api_token_create(actor=actor_of(cast.clerk_a), name="Khác")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.clerk_a)
    refused = browser.post(f"/api/v1/accounts/tokens/{other.pk}/revoke")
    assert refused.status_code == 403
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None
    # A wrong key is not a way around it: no session, no valid key → 401.
    assert (
        Client(enforce_csrf_checks=True)
        .get("/api/v1/accounts/me", HTTP_AUTHORIZATION="Bearer eo_x")
        .status_code
        == 401
    )
