"""API tokens: personal (act as their user) and service (act as the system for one agency)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyHeader

from eoffice.accounts.models import ApiToken

TOKEN_PREFIX = "eo_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> tuple[str, str]:
    """Return (key shown once to its owner, short prefix kept for recognition)."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return key, key[: len(TOKEN_PREFIX) + 6]


def authenticate_bearer(request: HttpRequest, key: str) -> ApiToken | None:
    if not key.startswith(TOKEN_PREFIX) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "agency")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.user is not None and not token.user.is_active:
        return None
    # One cheap UPDATE, not a save(): last use is advisory and must not race other fields.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    if token.user is not None:
        request.user = token.user
    request.api_token = token  # type: ignore[attr-defined]
    return token


class BearerToken(APIKeyHeader):
    """`Authorization: Bearer <key>`."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key or not key.startswith("Bearer "):
            return None
        return authenticate_bearer(request, key.removeprefix("Bearer ").strip())
