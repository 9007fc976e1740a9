"""Who may manage tokens and second factors."""

from __future__ import annotations

from eoffice.accounts.models import ApiToken, User
from eoffice.core.actor import Actor
from eoffice.people.policies import can_manage_account


def can_create_personal_token(actor: Actor) -> bool:
    return actor.user is not None and actor.user.is_active


def can_create_service_token(actor: Actor) -> bool:
    return actor.is_superuser


def can_revoke_token(actor: Actor, token: ApiToken) -> bool:
    if actor.is_superuser:
        return True
    return actor.user is not None and token.user_id == actor.user.pk


def can_reset_two_factor(actor: Actor, user: User) -> bool:
    """The person themself (with a code), or whoever manages their account (a lost phone)."""
    if actor.user is not None and actor.user.pk == user.pk:
        return True
    return can_manage_account(actor, user)
