"""Property: the service accepts a delegation exactly when no kept one overlaps it in time and scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eoffice.core.errors import Conflict
from eoffice.people import services
from eoffice.people.models import Delegation, DelegationScope
from eoffice.people.tests.helpers import actor_of

pytestmark = pytest.mark.django_db

requests = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=40),  # start, hours from now
        st.integers(min_value=1, max_value=30),  # length in hours
        st.sampled_from(DelegationScope.values),
    ),
    min_size=1,
    max_size=6,
)


def _clash(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    overlaps_in_time = a[0] < b[0] + b[1] and b[0] < a[0] + a[1]
    overlaps_in_scope = "all" in (a[2], b[2]) or a[2] == b[2]
    return overlaps_in_time and overlaps_in_scope


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(wanted=requests)
def test_accepts_exactly_the_non_overlapping(cast, wanted: list[tuple[int, int, str]]) -> None:
    Delegation.objects.all().delete()
    position = cast.position(cast.leader_a)
    base = timezone.now().replace(microsecond=0) + timedelta(minutes=1)
    kept: list[tuple[int, int, str]] = []
    for start, length, scope in wanted:
        expected_ok = not any(_clash((start, length, scope), other) for other in kept)
        try:
            services.delegation_create(
                actor=actor_of(cast.leader_a),
                position=position,
                delegate=cast.specialist_a,
                starts_at=base + timedelta(hours=start),
                ends_at=base + timedelta(hours=start + length),
                scope=scope,
            )
            accepted = True
        except Conflict:
            accepted = False
        assert accepted == expected_ok, (start, length, scope, kept)
        if accepted:
            kept.append((start, length, scope))
    assert Delegation.objects.filter(position=position).count() == len(kept)
