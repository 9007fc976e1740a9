"""Positions (chức vụ) and their roles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.core.policies import require
from eoffice.directory.models import Agency, AgencyStatus, Unit
from eoffice.people import policies
from eoffice.people.models import Delegation, Position, PositionRole, Role

if TYPE_CHECKING:
    from eoffice.accounts.models import User

MAX_TITLE = 200


@dataclass(frozen=True)
class PositionSpec:
    """What a new position is: used by user_create (first post) and position_create."""

    agency: Agency
    title: str
    roles: Iterable[str] = field(default_factory=tuple)
    unit: Unit | None = None
    is_primary: bool = False
    starts_on: date | None = None


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationFailed("title_required", _("Vui lòng nhập tên chức vụ."), field="title")
    if len(title) > MAX_TITLE:
        raise ValidationFailed(
            "title_too_long",
            _("Tên chức vụ tối đa %(limit)s ký tự.") % {"limit": MAX_TITLE},
            field="title",
        )
    return title


def clean_roles(roles: Iterable[str]) -> list[str]:
    wanted = []
    for role in roles:
        if role not in Role.values:
            raise ValidationFailed(
                "unknown_role", _("Vai trò không hợp lệ: %(role)s.") % {"role": str(role)[:40]}, field="roles"
            )
        if role not in wanted:
            wanted.append(role)
    if not wanted:
        raise ValidationFailed("roles_required", _("Chức vụ phải có ít nhất một vai trò."), field="roles")
    return wanted


def _check_place(agency: Agency, unit: Unit | None) -> None:
    if agency.status != AgencyStatus.ACTIVE:
        raise ValidationFailed(
            "agency_not_active",
            _("Cơ quan đã sáp nhập hoặc giải thể, không thể gán chức vụ mới."),
            field="agency",
        )
    if unit is not None and unit.agency_id != agency.pk:
        raise ValidationFailed("unit_not_in_agency", _("Đơn vị không thuộc cơ quan đã chọn."), field="unit")
    if unit is not None and not unit.is_active:
        raise ValidationFailed("unit_not_active", _("Đơn vị đã ngừng hoạt động."), field="unit")


def _lock_user(user: User) -> User:
    # Lock the person's row so two edits cannot each leave a different primary position.
    return get_user_model().objects.select_for_update().get(pk=user.pk)


def _make_primary(position: Position) -> None:
    Position.objects.filter(user_id=position.user_id, is_primary=True).exclude(pk=position.pk).update(
        is_primary=False
    )
    if not position.is_primary:
        position.is_primary = True
        Position.objects.filter(pk=position.pk).update(is_primary=True)


def create_position_unchecked(*, actor: Actor, user: User, spec: PositionSpec) -> Position:
    """Create a position once the caller has checked the policy (user_create, position_create)."""
    title = clean_title(spec.title)
    roles = clean_roles(spec.roles)
    _check_place(spec.agency, spec.unit)
    _lock_user(user)
    has_primary = Position.objects.filter(user=user, is_primary=True, is_active=True).exists()
    position = Position.objects.create(
        user=user,
        agency=spec.agency,
        unit=spec.unit,
        title=title,
        is_primary=False,
        starts_on=spec.starts_on or timezone.localdate(),
    )
    PositionRole.objects.bulk_create([PositionRole(position=position, role=r) for r in roles])
    if spec.is_primary or not has_primary:
        _make_primary(position)
    audit.record(
        actor=actor,
        verb="position.created",
        target=position,
        agency_id=spec.agency.pk,
        data={
            "user_id": user.pk,
            "title": title,
            "roles": roles,
            "unit_id": spec.unit.pk if spec.unit else None,
        },
    )
    return position


@transaction.atomic
def position_create(*, actor: Actor, user: User, spec: PositionSpec) -> Position:
    require(
        policies.can_manage_positions_in(actor, spec.agency),
        _("Bạn không có quyền gán chức vụ trong cơ quan này."),
    )
    require(
        actor.is_superuser or policies.can_view_person(actor, user),
        _("Người dùng này không thuộc phạm vi quản trị của bạn."),
    )
    if not user.is_active:
        raise ValidationFailed(
            "user_inactive", _("Tài khoản đã bị khóa, không thể gán chức vụ."), field="user"
        )
    return create_position_unchecked(actor=actor, user=user, spec=spec)


def _lock_position(position: Position) -> Position:
    # Lock the position: ending it, editing it and delegating it must not interleave.
    return Position.objects.select_for_update().get(pk=position.pk)


@transaction.atomic
def position_update(
    *,
    actor: Actor,
    position: Position,
    title: str,
    unit: Unit | None,
    is_primary: bool,
    starts_on: date | None = None,
) -> Position:
    require(
        policies.can_manage_positions_in(actor, position.agency),
        _("Chức vụ này không thuộc phạm vi quản trị của bạn."),
    )
    locked = _lock_position(position)
    if not locked.is_active:
        raise Conflict("position_ended", _("Chức vụ đã kết thúc, không thể sửa."))
    title = clean_title(title)
    _check_place(locked.agency, unit)
    before = {"title": locked.title, "unit_id": locked.unit_id, "is_primary": locked.is_primary}
    locked.title, locked.unit = title, unit
    if starts_on is not None:
        locked.starts_on = starts_on
    locked.save(update_fields=["title", "unit", "starts_on"])
    if is_primary:
        _lock_user(locked.user)
        _make_primary(locked)
    after = {"title": locked.title, "unit_id": locked.unit_id, "is_primary": locked.is_primary}
    audit.record(
        actor=actor,
        verb="position.updated",
        target=locked,
        agency_id=locked.agency_id,
        data={"before": before, "after": after},
    )
    return locked


@transaction.atomic
def position_set_roles(*, actor: Actor, position: Position, roles: Iterable[str]) -> Position:
    require(
        policies.can_manage_positions_in(actor, position.agency),
        _("Chức vụ này không thuộc phạm vi quản trị của bạn."),
    )
    locked = _lock_position(position)
    if not locked.is_active:
        raise Conflict("position_ended", _("Chức vụ đã kết thúc, không thể đổi vai trò."))
    wanted = clean_roles(roles)
    if (
        actor.position is not None
        and actor.position.pk == locked.pk
        and Role.QUAN_TRI_CO_QUAN not in wanted
        and not actor.is_superuser
    ):
        raise ValidationFailed(
            "own_admin_role",
            _("Không thể tự bỏ vai trò quản trị của chức vụ đang dùng; hãy nhờ quản trị khác."),
            field="roles",
        )
    before = sorted(locked.roles.values_list("role", flat=True))
    locked.roles.exclude(role__in=wanted).delete()
    PositionRole.objects.bulk_create(
        [PositionRole(position=locked, role=r) for r in wanted if r not in before]
    )
    locked.__dict__.pop("_role_cache", None)
    audit.record(
        actor=actor,
        verb="position.roles_set",
        target=locked,
        agency_id=locked.agency_id,
        data={"before": before, "after": sorted(wanted)},
    )
    return locked


def revoke_delegations_of_position(position: Position, now: object) -> int:
    """Take back every delegation of the position still running or yet to start."""
    return Delegation.objects.filter(position=position, revoked_at__isnull=True, ends_at__gt=now).update(
        revoked_at=now
    )


def revoke_delegations_without_post(user: User, agency_id: int, now: object) -> int:
    """A delegate must hold a post in the position's agency; take back what they no longer qualify for."""
    if Position.objects.filter(user=user, agency_id=agency_id, is_active=True).exists():
        return 0
    return Delegation.objects.filter(
        delegate=user, position__agency_id=agency_id, revoked_at__isnull=True, ends_at__gt=now
    ).update(revoked_at=now)


@transaction.atomic
def position_end(*, actor: Actor, position: Position, ends_on: date | None = None) -> Position:
    require(
        policies.can_manage_positions_in(actor, position.agency),
        _("Chức vụ này không thuộc phạm vi quản trị của bạn."),
    )
    locked = _lock_position(position)
    if not locked.is_active:
        raise Conflict("position_ended", _("Chức vụ này đã kết thúc trước đó."))
    today = timezone.localdate()
    ends_on = ends_on or today
    if ends_on > today:
        raise ValidationFailed("ends_on_future", _("Ngày kết thúc không được sau hôm nay."), field="ends_on")
    if locked.starts_on and ends_on < locked.starts_on:
        raise ValidationFailed(
            "ends_before_start", _("Ngày kết thúc trước ngày bắt đầu giữ chức vụ."), field="ends_on"
        )
    now = timezone.now()
    _lock_user(locked.user)
    was_primary = locked.is_primary
    locked.is_active, locked.ends_on, locked.is_primary = False, ends_on, False
    locked.save(update_fields=["is_active", "ends_on", "is_primary"])
    revoked = revoke_delegations_of_position(locked, now)
    revoked += revoke_delegations_without_post(locked.user, locked.agency_id, now)
    if was_primary:
        successor = Position.objects.filter(user_id=locked.user_id, is_active=True).order_by("id").first()
        if successor is not None:
            _make_primary(successor)
    audit.record(
        actor=actor,
        verb="position.ended",
        target=locked,
        agency_id=locked.agency_id,
        data={"ends_on": ends_on.isoformat(), "delegations_revoked": revoked},
    )
    return locked
