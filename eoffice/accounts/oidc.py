"""Single sign-on through an OpenID Connect provider (mozilla-django-oidc), off unless configured.

A person signs in as the existing, active account whose e-mail the provider vouches for.
Nobody is created unless OIDC_CREATE_USER is on, and an e-mail two accounts share matches none.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from eoffice.accounts import services
from eoffice.accounts.models import User

logger = logging.getLogger(__name__)


def _email(claims: dict[str, Any]) -> str:
    email = claims.get("email")
    return email.strip() if isinstance(email, str) else ""


class EOfficeOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict[str, Any]) -> bool:
        # A provider that says the address is unverified does not vouch for it.
        return bool(_email(claims)) and claims.get("email_verified") is not False

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        email = _email(claims)
        if not email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True)

    def get_username(self, claims: dict[str, Any]) -> str:
        local = _email(claims).split("@", 1)[0][:100] or "sso"
        digest = hashlib.sha256(_email(claims).lower().encode("utf-8")).hexdigest()[:8]
        return f"{local}.{digest}"

    def create_user(self, claims: dict[str, Any]) -> User | None:
        if not getattr(settings, "OIDC_CREATE_USER", False):
            logger.info("SSO sign-in refused: no active account with that e-mail, and creation is off")
            return None
        return services.user_create_from_sso(claims=claims, username=self.get_username(claims))

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()
