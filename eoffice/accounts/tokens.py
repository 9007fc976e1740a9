"""API tokens: personal (act as their user) and service (act as the system for one agency).

Only a SHA-256 of each key is stored; the key itself is shown once, when it is made. A
successful check also sets `request.actor`, so every app's API handler reads the same actor
whether the caller came with a session or a token.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyHeader

from eoffice.accounts.models import ApiToken
from eoffice.core.middleware import client_ip
from eoffice.directory.models import AgencyStatus
from eoffice.people.acting import actor_for_request
from eoffice.people.rights import ServiceActor

TOKEN_PREFIX = "eo_"  # noqa: S105 - a marker, not a secret
MAX_KEY_LENGTH = 200


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> tuple[str, str]:
    """Return (key shown once to its owner, short prefix kept for recognition)."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return key, key[: len(TOKEN_PREFIX) + 6]


def _usable(token: ApiToken) -> bool:
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return False
    if token.kind == ApiToken.Kind.PERSONAL:
        return token.user is not None and token.user.is_active
    return token.agency is not None and token.agency.status == AgencyStatus.ACTIVE


def authenticate_bearer(request: HttpRequest, key: str) -> ApiToken | None:
    if not key.startswith(TOKEN_PREFIX) or len(key) > MAX_KEY_LENGTH:
        return None
    token = (
        ApiToken.objects.select_related("user", "agency")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not _usable(token):
        return None
    # One cheap UPDATE, not a save(): last use is advisory and must not race other fields.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    request.api_token = token  # type: ignore[attr-defined]
    # Forget any acting position worked out before the token was read.
    request.__dict__.pop("_eoffice_choice", None)
    if token.user is not None:
        request.user = token.user
        request.actor = actor_for_request(request)  # type: ignore[attr-defined]
    else:
        request.actor = ServiceActor(  # type: ignore[attr-defined]
            user=None, system_name=f"service:{token.name}", agency=token.agency, ip_address=client_ip(request)
        )
    return token


class BearerToken(APIKeyHeader):
    """`Authorization: Bearer <key>`."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key or not key.startswith("Bearer "):
            return None
        return authenticate_bearer(request, key.removeprefix("Bearer ").strip())
