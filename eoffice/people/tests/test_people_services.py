from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.core.models import AuditEvent
from eoffice.people import services
from eoffice.people.models import Delegation, Position, Role
from eoffice.people.services import PositionSpec
from eoffice.people.tests.helpers import actor_of, make_delegation
from eoffice.testing.cast import give_position

pytestmark = pytest.mark.django_db
User = get_user_model()


def _spec(
    agency, title: str = "Chuyên viên", roles: tuple[str, ...] = (Role.CHUYEN_VIEN,), **extra
) -> PositionSpec:
    return PositionSpec(agency=agency, title=title, roles=roles, **extra)


def _create(cast, by=None, **extra):
    fields: dict[str, Any] = {
        "username": "moi.a",
        "full_name": "  Nguyễn   Văn Mới ",
        "email": "moi.a@example.gov.vn",
        "phone": "0912 345 678",
        "password": "Mot-mat-khau-dai-1",
        "position": _spec(cast.agency_a),
    }
    fields.update(extra)
    return services.user_create(actor=actor_of(by or cast.admin_a), **fields)


def test_admin_creates_user_with_first_position(cast) -> None:
    user = _create(cast)
    assert user.full_name == "Nguyễn Văn Mới" and user.check_password("Mot-mat-khau-dai-1")
    assert user.search_text.startswith("nguyen van moi")
    position = user.positions.get()
    assert position.agency == cast.agency_a and position.is_primary and position.role_set == {"chuyen_vien"}
    verbs = list(AuditEvent.objects.order_by("seq").values_list("verb", flat=True))
    assert verbs[-2:] == ["user.created", "position.created"]


def test_admin_may_not_create_outside_scope_and_nothing_is_written(cast) -> None:
    before = User.objects.count()
    with pytest.raises(PermissionDenied):
        _create(cast, position=_spec(cast.agency_b))
    with pytest.raises(ValidationFailed) as exc:
        _create(cast, position=None)
    assert exc.value.code == "position_required"
    for someone in (cast.clerk_a, cast.leader_a, cast.outsider):
        with pytest.raises(PermissionDenied):
            _create(cast, by=someone)
    assert User.objects.count() == before
    assert not AuditEvent.objects.filter(verb="user.created").exists()


def test_bad_position_rolls_back_the_new_account(cast) -> None:
    before = User.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        _create(cast, position=_spec(cast.agency_a, roles=("sep_tong",)))
    assert exc.value.field == "roles"
    assert User.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("username", "VANTHU.A", "username_taken"),
        ("username", "có dấu cách", "username_invalid"),
        ("username", "x" * 151, "username_too_long"),
        ("full_name", "   ", "full_name_required"),
        ("email", "vanthu.a@EXAMPLE.gov.vn", "email_taken"),
        ("email", "khong-phai-email", "email_invalid"),
        ("phone", "<script>", "phone_invalid"),
        ("password", "123", "password_weak"),
        ("password", "x" * 129, "password_too_long"),
    ],
)
def test_bad_account_input_is_refused_beside_its_field(cast, field: str, value: str, code: str) -> None:
    with pytest.raises((ValidationFailed, Conflict)) as exc:
        _create(cast, **{field: value})
    assert exc.value.code == code and exc.value.field == field
    assert not User.objects.filter(username="moi.a").exists()


def test_superuser_creates_sso_only_account_without_position(cast) -> None:
    user = _create(cast, by=cast.superuser, password=None, position=None)
    assert not user.has_usable_password() and not user.positions.exists()


def test_kiem_nhiem_account_managed_only_by_common_admin(cast) -> None:
    give_position(cast.specialist_a, cast.agency_b, "Kiêm nhiệm", [Role.CHUYEN_VIEN], primary=False)
    with pytest.raises(PermissionDenied):
        services.user_set_password(
            actor=actor_of(cast.admin_a), user=cast.specialist_a, password="Mat-khau-moi-dai-2"
        )
    services.user_set_password(
        actor=actor_of(cast.superuser), user=cast.specialist_a, password="Mat-khau-moi-dai-2"
    )
    cast.specialist_a.refresh_from_db()
    assert cast.specialist_a.check_password("Mat-khau-moi-dai-2")
    # The admin of A still manages the A position.
    services.position_set_roles(
        actor=actor_of(cast.admin_a), position=cast.position(cast.specialist_a), roles=[Role.LANH_DAO_DON_VI]
    )


def test_update_and_password(cast) -> None:
    admin = actor_of(cast.admin_a)
    services.user_update(
        actor=admin, user=cast.clerk_a, full_name="Nguyễn Thị Mới", email="moi@x.vn", phone=""
    )
    cast.clerk_a.refresh_from_db()
    assert cast.clerk_a.search_text.startswith("nguyen thi moi")
    with pytest.raises(Conflict):
        services.user_update(actor=admin, user=cast.clerk_a, full_name="A", email="lanhdao.a@example.gov.vn")
    with pytest.raises(PermissionDenied):
        services.user_update(actor=admin, user=cast.clerk_b, full_name="B")
    with pytest.raises(PermissionDenied):
        services.user_update(actor=admin, user=cast.superuser, full_name="B")
    with pytest.raises(ValidationFailed):
        services.user_set_password(actor=admin, user=cast.clerk_a, password="password")
    event = AuditEvent.objects.get(verb="user.updated")
    assert event.data["after"]["email"] == "moi@x.vn"


def test_deactivate_revokes_delegations_and_cannot_target_self(cast) -> None:
    given = make_delegation(cast.position(cast.clerk_a), cast.specialist_a, -1, 5)
    received = make_delegation(cast.position(cast.leader_a), cast.clerk_a, 1, 5)
    services.user_deactivate(actor=actor_of(cast.admin_a), user=cast.clerk_a)
    assert not User.objects.get(pk=cast.clerk_a.pk).is_active
    assert Delegation.objects.filter(pk__in=[given.pk, received.pk], revoked_at__isnull=False).count() == 2
    with pytest.raises(Conflict):
        services.user_deactivate(actor=actor_of(cast.admin_a), user=cast.clerk_a)
    with pytest.raises(ValidationFailed):
        services.user_deactivate(actor=actor_of(cast.admin_a), user=cast.admin_a)
    services.user_activate(actor=actor_of(cast.admin_a), user=cast.clerk_a)
    assert User.objects.get(pk=cast.clerk_a.pk).is_active


def test_position_create_primary_and_place_rules(cast) -> None:
    admin = actor_of(cast.admin_a)
    second = services.position_create(
        actor=admin,
        user=cast.clerk_a,
        spec=_spec(cast.agency_a, "Kiêm văn thư phòng", unit=cast.unit_a, is_primary=True),
    )
    assert second.is_primary
    assert list(Position.objects.filter(user=cast.clerk_a, is_primary=True)) == [second]
    from eoffice.directory.models import Unit

    other_unit = Unit.objects.create(agency=cast.agency_b, name="Văn phòng xã")
    with pytest.raises(ValidationFailed) as exc:
        services.position_create(actor=admin, user=cast.clerk_a, spec=_spec(cast.agency_a, unit=other_unit))
    assert exc.value.field == "unit"
    with pytest.raises(PermissionDenied):
        services.position_create(actor=admin, user=cast.clerk_b, spec=_spec(cast.agency_a))
    with pytest.raises(ValidationFailed) as exc:
        services.position_create(actor=admin, user=cast.clerk_a, spec=_spec(cast.agency_a, title=" "))
    assert exc.value.field == "title"


def test_position_end_revokes_delegations_and_promotes_another_primary(cast) -> None:
    admin = actor_of(cast.admin_a)
    kept = services.position_create(
        actor=admin, user=cast.leader_a, spec=_spec(cast.agency_a, "Phó giám đốc")
    )
    primary = cast.position(cast.leader_a)
    handed = make_delegation(primary, cast.specialist_a, 1, 5)
    received = make_delegation(cast.position(cast.clerk_a), cast.unit_head_a, -1, 5)
    services.position_end(actor=admin, position=primary)
    primary.refresh_from_db()
    assert not primary.is_active and primary.ends_on == timezone.localdate()
    assert Delegation.objects.get(pk=handed.pk).revoked_at is not None
    assert Delegation.objects.get(pk=received.pk).revoked_at is None  # the unit head still works in A
    kept.refresh_from_db()
    assert kept.is_primary
    with pytest.raises(Conflict):
        services.position_end(actor=admin, position=primary)
    with pytest.raises(Conflict):
        services.position_update(actor=admin, position=primary, title="X", unit=None, is_primary=False)
    # Ending the unit head's only post in A also takes back what was delegated to them there.
    services.position_end(actor=admin, position=cast.position(cast.unit_head_a))
    assert Delegation.objects.get(pk=received.pk).revoked_at is not None
    assert AuditEvent.objects.filter(verb="position.ended").count() == 2


def test_position_end_refuses_future_date(cast) -> None:
    with pytest.raises(ValidationFailed):
        services.position_end(
            actor=actor_of(cast.admin_a),
            position=cast.position(cast.clerk_a),
            ends_on=timezone.localdate() + timedelta(days=1),
        )


def test_set_roles_rules(cast) -> None:
    admin = actor_of(cast.admin_a)
    position = services.position_set_roles(
        actor=admin,
        position=cast.position(cast.clerk_a),
        roles=[Role.VAN_THU, Role.CHUYEN_VIEN, Role.VAN_THU],
    )
    assert position.role_set == {"van_thu", "chuyen_vien"}
    with pytest.raises(ValidationFailed):
        services.position_set_roles(actor=admin, position=position, roles=[])
    with pytest.raises(ValidationFailed) as exc:
        services.position_set_roles(
            actor=admin, position=cast.position(cast.admin_a), roles=[Role.CHUYEN_VIEN]
        )
    assert exc.value.code == "own_admin_role"
    with pytest.raises(PermissionDenied):
        services.position_set_roles(
            actor=admin, position=cast.position(cast.clerk_b), roles=[Role.CHUYEN_VIEN]
        )
    with pytest.raises(PermissionDenied):
        services.position_set_roles(
            actor=actor_of(cast.leader_a), position=cast.position(cast.clerk_a), roles=[Role.CHUYEN_VIEN]
        )
