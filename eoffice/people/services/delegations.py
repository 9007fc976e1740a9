"""Delegation (ủy quyền / thay thế): one person's work in one position, handed to another for a window."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.core.policies import require
from eoffice.people import policies
from eoffice.people.models import Delegation, DelegationScope, Position

if TYPE_CHECKING:
    from eoffice.accounts.models import User

MAX_REASON = 500
# A form filled in at "now" reaches the server a little later; that much past is still "now".
START_GRACE = timedelta(minutes=5)


def local_label(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _clean_window(
    starts_at: datetime | None, ends_at: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    start = starts_at or now
    if timezone.is_naive(start) or (ends_at is not None and timezone.is_naive(ends_at)):
        raise ValidationFailed("naive_datetime", _("Thời điểm phải kèm múi giờ."), field="starts_at")
    if start < now - START_GRACE:
        raise ValidationFailed(
            "starts_in_past", _("Thời điểm bắt đầu không được ở trong quá khứ."), field="starts_at"
        )
    if ends_at is None:
        raise ValidationFailed("ends_at_required", _("Vui lòng chọn thời điểm kết thúc."), field="ends_at")
    if ends_at <= start:
        raise ValidationFailed(
            "ends_before_start", _("Thời điểm kết thúc phải sau thời điểm bắt đầu."), field="ends_at"
        )
    max_days: int = settings.EOFFICE_DELEGATION_MAX_DAYS
    if ends_at - start > timedelta(days=max_days):
        raise ValidationFailed(
            "window_too_long",
            _("Thời gian ủy quyền tối đa là %(max_days)s ngày.") % {"max_days": max_days},
            field="ends_at",
        )
    return start, ends_at


def _check_people(position: Position, delegate: User) -> None:
    today = timezone.localdate()
    if not position.is_active or (position.ends_on is not None and position.ends_on < today):
        raise ValidationFailed(
            "position_ended", _("Chức vụ này đã kết thúc, không thể ủy quyền."), field="position"
        )
    if not position.user.is_active:
        raise ValidationFailed(
            "delegator_inactive", _("Người giữ chức vụ đã bị khóa tài khoản."), field="position"
        )
    if delegate.pk == position.user_id:
        raise ValidationFailed(
            "delegate_self", _("Không thể ủy quyền cho chính người giữ chức vụ."), field="delegate"
        )
    if not delegate.is_active:
        raise ValidationFailed(
            "delegate_inactive", _("Người được ủy quyền đã bị khóa tài khoản."), field="delegate"
        )
    holds_post = Position.objects.filter(user=delegate, agency_id=position.agency_id, is_active=True).exists()
    if not holds_post:
        raise ValidationFailed(
            "delegate_not_in_agency",
            _("%(delegate)s không giữ chức vụ nào đang hiệu lực tại %(agency)s.")
            % {"delegate": delegate.get_full_name(), "agency": position.agency.name},
            field="delegate",
        )


def _check_overlap(position: Position, scope: str, start: datetime, end: datetime) -> None:
    clashes = Delegation.objects.select_related("delegate").filter(
        position=position, revoked_at__isnull=True, starts_at__lt=end, ends_at__gt=start
    )
    # "All work" overlaps every scope; two narrower scopes overlap only when they are the same.
    if scope != DelegationScope.ALL:
        clashes = clashes.filter(Q(scope=DelegationScope.ALL) | Q(scope=scope))
    clash = clashes.order_by("starts_at").first()
    if clash is None:
        return
    raise Conflict(
        "delegation_overlap",
        (
            _(
                "Chức vụ “%(title)s” đã được ủy quyền cho %(delegate)s (phạm vi: %(scope)s) "
                "từ %(starts)s đến %(ends)s, trùng với khoảng thời gian và phạm vi này."
            )
            % {
                "title": position.title,
                "delegate": clash.delegate.get_full_name(),
                "scope": clash.get_scope_display(),
                "starts": local_label(clash.starts_at),
                "ends": local_label(clash.ends_at),
            }
        ),
        field="starts_at",
        details={
            "delegation_id": clash.pk,
            "delegate": clash.delegate.get_full_name(),
            "scope": clash.scope,
            "starts_at": clash.starts_at.isoformat(),
            "ends_at": clash.ends_at.isoformat(),
        },
    )


@transaction.atomic
def delegation_create(
    *,
    actor: Actor,
    position: Position,
    delegate: User,
    ends_at: datetime | None,
    starts_at: datetime | None = None,
    scope: str = DelegationScope.ALL,
    reason: str = "",
) -> Delegation:
    # Lock the position row first: a second request for the same position waits here until this
    # one commits, so its overlap check sees our row and cannot also pass.
    locked = Position.objects.select_for_update().get(pk=position.pk)
    require(policies.can_delegate_position(actor, locked), _("Bạn không có quyền ủy quyền chức vụ này."))
    if scope not in DelegationScope.values:
        raise ValidationFailed("scope_invalid", _("Phạm vi ủy quyền không hợp lệ."), field="scope")
    reason = " ".join((reason or "").split())
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            "reason_too_long",
            _("Lý do tối đa %(limit)s ký tự.") % {"limit": MAX_REASON},
            field="reason",
        )
    start, end = _clean_window(starts_at, ends_at, timezone.now())
    _check_people(locked, delegate)
    _check_overlap(locked, scope, start, end)
    delegation = Delegation.objects.create(
        position=locked,
        delegator_id=locked.user_id,
        delegate=delegate,
        scope=scope,
        starts_at=start,
        ends_at=end,
        reason=reason,
    )
    audit.record(
        actor=actor,
        verb="delegation.created",
        target=delegation,
        agency_id=locked.agency_id,
        data={
            "position_id": locked.pk,
            "delegator_id": locked.user_id,
            "delegate_id": delegate.pk,
            "delegate": delegate.get_full_name(),
            "scope": scope,
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
        },
    )
    return delegation


@transaction.atomic
def delegation_revoke(*, actor: Actor, delegation: Delegation) -> Delegation:
    # Lock the delegation so a revoke and another revoke (or an edit) cannot both apply.
    locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
    require(policies.can_revoke_delegation(actor, locked), _("Bạn không có quyền thu hồi ủy quyền này."))
    now = timezone.now()
    if locked.revoked_at is not None:
        raise Conflict("delegation_revoked", _("Ủy quyền này đã được thu hồi trước đó."))
    if locked.ends_at <= now:
        raise Conflict("delegation_expired", _("Ủy quyền này đã hết hạn, không cần thu hồi."))
    locked.revoked_at = now
    locked.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        verb="delegation.revoked",
        target=locked,
        agency_id=locked.position.agency_id,
        data={"started": locked.starts_at <= now},
    )
    return locked
