from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import timezone

from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.core.models import AuditEvent
from eoffice.people import services
from eoffice.people.models import Delegation, DelegationScope
from eoffice.people.rights import delegation_allows
from eoffice.people.selectors import active_delegations_received
from eoffice.people.tests.helpers import actor_of, hours, make_delegation, window

pytestmark = pytest.mark.django_db


def _delegate(cast, *, by=None, position=None, to=None, start=0.0, length=24.0, scope=DelegationScope.ALL):
    position = position or cast.position(cast.leader_a)
    by = by or cast.leader_a
    starts_at, ends_at = window(start, length)
    return services.delegation_create(
        actor=actor_of(by),
        position=position,
        delegate=to or cast.specialist_a,
        starts_at=starts_at,
        ends_at=ends_at,
        scope=scope,
        reason="Đi công tác",
    )


def test_holder_delegates_own_position_and_it_is_audited(cast) -> None:
    delegation = _delegate(cast)
    assert delegation.delegator == cast.leader_a and delegation.delegate == cast.specialist_a
    event = AuditEvent.objects.get(verb="delegation.created")
    assert event.target_id == str(delegation.pk)
    assert event.actor_id == cast.leader_a.pk
    assert event.agency_id == cast.agency_a.pk
    assert event.data["scope"] == "all"


def test_windows_not_started_active_expired_revoked(cast) -> None:
    position = cast.position(cast.leader_a)
    future = make_delegation(position, cast.specialist_a, 2, 5, scope="incoming")
    active = make_delegation(position, cast.specialist_a, -1, 5, scope="outgoing")
    make_delegation(position, cast.specialist_a, -10, 5, scope="tasks")  # expired
    revoked = make_delegation(position, cast.specialist_a, -1, 5, scope="all")
    revoked.revoked_at = timezone.now()
    revoked.save()
    in_force = list(active_delegations_received(cast.specialist_a))
    assert in_force == [active]
    assert list(active_delegations_received(cast.specialist_a, at=timezone.now() + hours(3))) == [
        future,
        active,
    ]
    assert list(active_delegations_received(cast.specialist_a, at=timezone.now() + hours(6))) == [future]


def test_window_must_start_now_or_later(cast) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _delegate(cast, start=-1)
    assert exc.value.field == "starts_at" and "quá khứ" in exc.value.message
    assert not Delegation.objects.exists()


def test_window_end_after_start(cast) -> None:
    starts_at = timezone.now() + hours(1)
    with pytest.raises(ValidationFailed) as exc:
        services.delegation_create(
            actor=actor_of(cast.leader_a),
            position=cast.position(cast.leader_a),
            delegate=cast.specialist_a,
            starts_at=starts_at,
            ends_at=starts_at,
        )
    assert exc.value.field == "ends_at"


@override_settings(EOFFICE_DELEGATION_MAX_DAYS=7)
def test_window_max_length_is_configurable(cast) -> None:
    _delegate(cast, length=7 * 24)
    with pytest.raises(ValidationFailed) as exc:
        _delegate(cast, start=7 * 24 + 1, length=7 * 24 + 1)
    assert "7 ngày" in exc.value.message


def test_overlap_is_refused_with_the_clash_named_and_nothing_written(cast) -> None:
    first = _delegate(cast, start=1, length=24)
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as exc:
        _delegate(cast, to=cast.unit_head_a, start=10, length=24)
    assert exc.value.code == "delegation_overlap"
    assert cast.specialist_a.get_full_name() in exc.value.message
    assert "Toàn bộ công việc" in exc.value.message
    assert exc.value.details["delegation_id"] == first.pk
    assert Delegation.objects.count() == 1
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("existing", "new", "clash"),
    [
        ("all", "incoming", True),
        ("incoming", "all", True),
        ("incoming", "incoming", True),
        ("incoming", "outgoing", False),
        ("tasks", "outgoing", False),
    ],
)
def test_scope_overlap_rules(cast, existing: str, new: str, clash: bool) -> None:
    _delegate(cast, scope=existing)
    if clash:
        with pytest.raises(Conflict):
            _delegate(cast, to=cast.unit_head_a, scope=new)
    else:
        assert _delegate(cast, to=cast.unit_head_a, scope=new).scope == new


def test_back_to_back_windows_do_not_overlap(cast) -> None:
    _delegate(cast, start=0, length=5)
    assert _delegate(cast, to=cast.unit_head_a, start=5, length=5)


def test_revoked_or_expired_delegations_do_not_block(cast) -> None:
    position = cast.position(cast.leader_a)
    make_delegation(position, cast.unit_head_a, -10, 5)  # expired
    old = _delegate(cast, start=1, length=5)
    services.delegation_revoke(actor=actor_of(cast.leader_a), delegation=old)
    assert _delegate(cast, start=1, length=5).pk != old.pk


def test_delegate_must_hold_active_post_in_same_agency(cast) -> None:
    for outsider in (cast.clerk_b, cast.outsider):
        with pytest.raises(ValidationFailed) as exc:
            _delegate(cast, to=outsider)
        assert exc.value.field == "delegate"
    cast.specialist_a.is_active = False
    cast.specialist_a.save()
    with pytest.raises(ValidationFailed) as exc:
        _delegate(cast)
    assert exc.value.code == "delegate_inactive"


def test_cannot_delegate_to_self(cast) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _delegate(cast, to=cast.leader_a)
    assert exc.value.code == "delegate_self"


def test_bad_scope_and_long_reason_refused(cast) -> None:
    with pytest.raises(ValidationFailed):
        _delegate(cast, scope="everything")
    starts_at, ends_at = window(0, 1)
    with pytest.raises(ValidationFailed) as exc:
        services.delegation_create(
            actor=actor_of(cast.leader_a),
            position=cast.position(cast.leader_a),
            delegate=cast.specialist_a,
            starts_at=starts_at,
            ends_at=ends_at,
            reason="x" * 501,
        )
    assert exc.value.field == "reason"


def test_ended_position_cannot_be_delegated(cast) -> None:
    position = cast.position(cast.leader_a)
    services.position_end(actor=actor_of(cast.admin_a), position=position)
    with pytest.raises(ValidationFailed) as exc:
        _delegate(cast, position=position)
    assert exc.value.code == "position_ended"


def test_who_may_delegate(cast) -> None:
    clerk_position = cast.position(cast.clerk_a)
    # Someone else's position: refused for a colleague, another agency and an outsider.
    for stranger in (cast.specialist_a, cast.clerk_b, cast.outsider):
        with pytest.raises(PermissionDenied):
            _delegate(cast, by=stranger, position=clerk_position)
    # The agency leader, the agency admin and the system admin may.
    assert _delegate(cast, by=cast.leader_a, position=clerk_position, scope="incoming")
    assert _delegate(cast, by=cast.admin_a, position=clerk_position, scope="outgoing")
    assert _delegate(cast, by=cast.superuser, position=clerk_position, scope="tasks")
    assert not Delegation.objects.filter(position__agency=cast.agency_b).exists()


def test_leader_of_another_agency_may_not_delegate(cast) -> None:
    from eoffice.testing.cast import give_position, make_user

    leader_b = make_user("lanhdao.b", "Lãnh Đạo Xã")
    give_position(leader_b, cast.agency_b, "Chủ tịch", ["lanh_dao_co_quan"])
    with pytest.raises(PermissionDenied):
        _delegate(cast, by=leader_b, position=cast.position(cast.clerk_a))


def test_delegate_acting_on_behalf_is_recorded(cast) -> None:
    delegation = _delegate(cast, to=cast.specialist_a)
    acting = actor_of(cast.specialist_a, position=delegation.position, on_behalf_of=cast.leader_a)
    assert (
        acting.describe() == f"{cast.specialist_a.get_full_name()} thay mặt {cast.leader_a.get_full_name()}"
    )
    # Acting as the leader, the delegate uses the leader's right to delegate the clerk's work.
    starts_at, ends_at = window(0, 2)
    services.delegation_create(
        actor=acting,
        position=cast.position(cast.clerk_a),
        delegate=cast.unit_head_a,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    event = AuditEvent.objects.filter(verb="delegation.created").order_by("-seq").first()
    assert event is not None
    assert event.actor_id == cast.specialist_a.pk
    assert event.on_behalf_of_id == cast.leader_a.pk
    assert event.on_behalf_of_name == cast.leader_a.get_full_name()


def test_delegation_allows_by_scope(cast) -> None:
    position = cast.position(cast.leader_a)
    _delegate(cast, scope="incoming")
    acting = actor_of(cast.specialist_a, position=position, on_behalf_of=cast.leader_a)
    assert delegation_allows(acting, "incoming")
    assert not delegation_allows(acting, "outgoing")
    assert delegation_allows(actor_of(cast.leader_a), "outgoing")


def test_revoke_rules(cast) -> None:
    delegation = _delegate(cast)
    with pytest.raises(PermissionDenied):
        services.delegation_revoke(actor=actor_of(cast.specialist_a), delegation=delegation)
    with pytest.raises(PermissionDenied):
        services.delegation_revoke(actor=actor_of(cast.clerk_b), delegation=delegation)
    services.delegation_revoke(actor=actor_of(cast.leader_a), delegation=delegation)
    with pytest.raises(Conflict) as exc:
        services.delegation_revoke(actor=actor_of(cast.leader_a), delegation=delegation)
    assert exc.value.code == "delegation_revoked"
    expired = make_delegation(cast.position(cast.clerk_a), cast.specialist_a, -5, 1)
    with pytest.raises(Conflict) as exc:
        services.delegation_revoke(actor=actor_of(cast.clerk_a), delegation=expired)
    assert exc.value.code == "delegation_expired"
    assert AuditEvent.objects.filter(verb="delegation.revoked").count() == 1
