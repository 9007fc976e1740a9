from __future__ import annotations

import pytest

from eoffice.accounts.models import User
from eoffice.core.actor import Actor
from eoffice.testing.cast import Cast


def actor_of(cast: Cast, user: User) -> Actor:
    positions = list(user.positions.filter(is_primary=True))
    return Actor(user=user, position=positions[0] if positions else None)


@pytest.fixture
def su(cast: Cast) -> Actor:
    return actor_of(cast, cast.superuser)


@pytest.fixture
def admin_a(cast: Cast) -> Actor:
    return actor_of(cast, cast.admin_a)


@pytest.fixture
def clerk_a(cast: Cast) -> Actor:
    return actor_of(cast, cast.clerk_a)
