"""Small helpers shared by the people tests."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from eoffice.accounts.models import User
from eoffice.core.actor import Actor
from eoffice.people.models import Delegation, Position


def actor_of(user: User, position: Position | None = None, on_behalf_of: User | None = None) -> Actor:
    if position is None:
        position = user.positions.filter(is_primary=True).first()
    return Actor(user=user, position=position, on_behalf_of=on_behalf_of)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def window(start_in_hours: float, length_hours: float) -> tuple:
    start = timezone.now() + hours(start_in_hours)
    return start, start + hours(length_hours)


def make_delegation(
    position: Position, delegate: User, start_in_hours: float, length_hours: float, **extra
) -> Delegation:
    """Straight through the ORM: for windows in the past, which the service rightly refuses."""
    start, end = window(start_in_hours, length_hours)
    return Delegation.objects.create(
        position=position, delegator=position.user, delegate=delegate, starts_at=start, ends_at=end, **extra
    )
