"""Reads of the work engine, always scoped by the acting position (and a delegation's scope)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, ValidationFailed
from eoffice.core.text import search_terms
from eoffice.people.models import Delegation
from eoffice.work import overseers, policies
from eoffice.work.models import AssignmentLine, RoutingRule, WorkItem
from eoffice.work.statuses import GONE_STATUSES, OPEN_STATUSES, LineRole, LineStatus

S = LineStatus
ACTING = [LineRole.LEAD, LineRole.CO]
DEFAULT_WINDOW_HOURS = 24
MAX_WINDOW_HOURS = 24 * 60
MAX_PAGE = 200


@dataclass(frozen=True)
class Box:
    slug: str
    label: Any
    condition: Callable[[datetime, timedelta], Q]


BOXES: tuple[Box, ...] = (
    Box(
        "cho_xu_ly",
        _lazy("Chờ xử lý"),
        lambda now, w: Q(role__in=ACTING, status__in=[S.CHO_TIEP_NHAN, S.CHO_XU_LY]),
    ),
    Box("dang_xu_ly", _lazy("Đang xử lý"), lambda now, w: Q(role__in=ACTING, status=S.DANG_XU_LY)),
    Box(
        "sap_den_han",
        _lazy("Sắp đến hạn"),
        lambda now, w: Q(
            role__in=ACTING, status__in=sorted(OPEN_STATUSES), deadline__gte=now, deadline__lt=now + w
        ),
    ),
    Box(
        "qua_han",
        _lazy("Quá hạn"),
        lambda now, w: Q(role__in=ACTING, status__in=sorted(OPEN_STATUSES), deadline__lt=now),
    ),
    Box(
        "nhan_de_biet",
        _lazy("Nhận để biết"),
        lambda now, w: Q(
            role=LineRole.INFO, status__in=[S.CHO_TIEP_NHAN, S.CHO_XU_LY, S.DA_CHUYEN, S.HOAN_THANH]
        ),
    ),
    Box(
        "da_xu_ly", _lazy("Đã xử lý"), lambda now, w: Q(role__in=ACTING, status__in=[S.DA_CHUYEN, S.TRA_LAI])
    ),
    Box("da_hoan_thanh", _lazy("Đã hoàn thành"), lambda now, w: Q(role__in=ACTING, status=S.HOAN_THANH)),
)
BOX_BY_SLUG = {box.slug: box for box in BOXES}
SORTS = ("-assigned_at", "assigned_at", "deadline")


def default_window_hours() -> int:
    return int(getattr(settings, "EOFFICE_WORK_DUE_SOON_HOURS", DEFAULT_WINDOW_HOURS))


def window(hours: int | None) -> timedelta:
    if hours is None:
        return timedelta(hours=default_window_hours())
    if not 1 <= hours <= MAX_WINDOW_HOURS:
        raise ValidationFailed(
            "invalid_window",
            _("Khoảng sắp đến hạn phải từ 1 đến %(max_window_hours)s giờ.")
            % {"max_window_hours": MAX_WINDOW_HOURS},
            field="window_hours",
        )
    return timedelta(hours=hours)


def delegated_kinds(actor: Actor) -> list[str] | None:
    """Item kinds a delegate may see in the delegator's box; None for the holder (every kind)."""
    if actor.on_behalf_of is None or actor.position is None or actor.user is None:
        return None
    now = timezone.now()
    scopes = set(
        Delegation.objects.filter(
            position=actor.position,
            delegator=actor.on_behalf_of,
            delegate=actor.user,
            revoked_at__isnull=True,
            starts_at__lte=now,
            ends_at__gt=now,
        ).values_list("scope", flat=True)
    )
    return policies.kinds_of_scopes(scopes) or []


def my_lines(actor: Actor) -> QuerySet[AssignmentLine]:
    keys = policies.box_keys(actor)
    lines = AssignmentLine.objects.filter(box_key__in=keys)
    kinds = delegated_kinds(actor)
    if kinds is not None:
        lines = lines.filter(kind__in=kinds)
    return lines


def box_counts(actor: Actor, *, window_hours: int | None = None) -> dict[str, int]:
    """Every box's count in one aggregate over the actor's own lines (index on box_key)."""
    now = timezone.now()
    span = window(window_hours)
    aggregates = {box.slug: Count("id", filter=box.condition(now, span)) for box in BOXES}
    result = my_lines(actor).aggregate(**aggregates)
    return {slug: int(value or 0) for slug, value in result.items()}


@dataclass(frozen=True)
class BoxFilters:
    q: str = ""
    kind: str = ""
    urgency: str = ""
    role: str = ""
    sort: str = "-assigned_at"
    window_hours: int | None = None


@dataclass
class Page:
    lines: list[AssignmentLine]
    next_cursor: str | None


def _encode(value: datetime | None, pk: int) -> str:
    raw = json.dumps([value.isoformat() if value else None, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime | None, int]:
    bad = ValidationFailed("invalid_cursor", _("Con trỏ phân trang không hợp lệ."), field="cursor")
    if len(cursor) > 200:
        raise bad
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        value, pk = raw
        when = parse_datetime(value) if value is not None else None
        if not isinstance(pk, int) or (value is not None and (when is None or timezone.is_naive(when))):
            raise bad
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise bad from exc
    return when, pk


def _after(sort: str, cursor: str) -> Q:
    value, pk = _decode(cursor)
    if sort == "-assigned_at":
        if value is None:
            raise ValidationFailed("invalid_cursor", _("Con trỏ phân trang không hợp lệ."), field="cursor")
        return Q(assigned_at__lt=value) | Q(assigned_at=value, id__lt=pk)
    if sort == "assigned_at":
        if value is None:
            raise ValidationFailed("invalid_cursor", _("Con trỏ phân trang không hợp lệ."), field="cursor")
        return Q(assigned_at__gt=value) | Q(assigned_at=value, id__gt=pk)
    # deadline ascending, lines without a deadline last.
    if value is None:
        return Q(deadline__isnull=True, id__gt=pk)
    return Q(deadline__gt=value) | Q(deadline=value, id__gt=pk) | Q(deadline__isnull=True)


def _ordering(sort: str) -> list[Any]:
    if sort == "-assigned_at":
        return ["-assigned_at", "-id"]
    if sort == "assigned_at":
        return ["assigned_at", "id"]
    return [F("deadline").asc(nulls_last=True), "id"]


def box_page(actor: Actor, box: str, filters: BoxFilters, *, cursor: str = "", limit: int = 25) -> Page:
    """One page of a box, newest first by default, with keyset pagination (stable under inserts)."""
    if box not in BOX_BY_SLUG:
        raise NotFound(_("Không có hộp việc này."))
    if filters.sort not in SORTS:
        raise ValidationFailed("invalid_sort", _("Cách sắp xếp không hợp lệ."), field="sort")
    limit = max(1, min(limit, MAX_PAGE))
    now = timezone.now()
    lines = my_lines(actor).filter(BOX_BY_SLUG[box].condition(now, window(filters.window_hours)))
    if filters.kind:
        lines = lines.filter(kind=filters.kind)
    if filters.role:
        lines = lines.filter(role=filters.role)
    if filters.urgency:
        lines = lines.filter(item__urgency=filters.urgency)
    for term in search_terms(filters.q):
        lines = lines.filter(item__search_text__contains=term)
    if cursor:
        lines = lines.filter(_after(filters.sort, cursor))
    # Two steps: the ids of the page come from the covering index alone (no row is read for the
    # thousands of lines a busy box holds), then only those rows are fetched with their items.
    ids = list(lines.order_by(*_ordering(filters.sort)).values_list("id", flat=True)[: limit + 1])
    found = AssignmentLine.objects.select_related(
        "item", "assigned_by", "assignee_user", "assignee_unit", "assignee_agency"
    ).in_bulk(ids)
    rows = [found[pk] for pk in ids if pk in found]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        key = last.deadline if filters.sort == "deadline" else last.assigned_at
        next_cursor = _encode(key, last.pk)
    return Page(rows, next_cursor)


def visible_items(actor: Actor) -> QuerySet[WorkItem]:
    """Items of the actor's agency for its văn thư and leaders; anyone else's only where they hold
    a line (their own box) or assigned one. A leader also follows the items of the lines they
    oversee (`overseers`), as their status board lists them."""
    position = actor.position
    if position is None or actor.user is None:
        return WorkItem.objects.none()
    holds = Exists(my_lines(actor).filter(item_id=OuterRef("pk")))
    assigned = Exists(AssignmentLine.objects.filter(item_id=OuterRef("pk"), assigned_by_id=position.user_id))
    condition = Q(holds) | Q(assigned)
    kinds = delegated_kinds(actor)
    within = Q() if kinds is None else Q(kind__in=kinds)
    if f"a{position.agency_id}" in policies.box_keys(actor):
        condition |= Q(agency_id=position.agency_id) & within
    overseen = overseers.overseen_lines(actor)
    if overseen is not None:
        condition |= Q(Exists(AssignmentLine.objects.filter(overseen, item_id=OuterRef("pk")))) & within
    return WorkItem.objects.filter(condition)


def item_for(actor: Actor, item_id: int) -> WorkItem:
    item = visible_items(actor).select_related("agency", "presented_to").filter(pk=item_id).first()
    if item is None:
        # Same answer for "absent" and "not yours": existence of another agency's work is not leaked.
        raise NotFound(_("Không tìm thấy việc cần xử lý."))
    return item


def line_for(actor: Actor, line_id: int) -> AssignmentLine:
    line = AssignmentLine.objects.select_related("item", "parent").filter(pk=line_id).first()
    if line is None or not visible_items(actor).filter(pk=line.item_id).exists():
        raise NotFound(_("Không tìm thấy dòng xử lý."))
    return line


def subject_ids_with_lines(actor: Actor, subject_type: str) -> QuerySet[WorkItem, int | None]:
    """Hook for subject apps: ids of their things on which the actor holds a line (or, for a unit
    head, one of their unit's people does). Documents use it so that agency B's users see agency
    A's document only when they hold a line on it."""
    # A returned or recalled line no longer gives sight of the subject.
    lines = my_lines(actor)
    unit = overseers.unit_lines(actor)
    if unit is not None:
        kinds = delegated_kinds(actor)
        lines = lines | AssignmentLine.objects.filter(unit, **({} if kinds is None else {"kind__in": kinds}))
    held = (
        lines.filter(item__subject_type=subject_type)
        .exclude(status__in=sorted(GONE_STATUSES))
        .values("item_id")
    )
    return WorkItem.objects.filter(pk__in=held, subject_id__isnull=False).values_list("subject_id", flat=True)


def items_for_subject(actor: Actor, subject_type: str, subject_id: int) -> QuerySet[WorkItem]:
    return visible_items(actor).filter(subject_type=subject_type, subject_id=subject_id)


def subject_visibility_hook(subject_type: str) -> Callable[[Actor], Q]:
    """A visibility hook for a subject app (e.g. documents' `register_visibility_hook`): a Q over
    the subject's own table meaning "the actor holds a line on it". The subject app registers it,
    so the engine never imports the subject app."""

    def hook(actor: Actor) -> Q:
        return Q(pk__in=subject_ids_with_lines(actor, subject_type))

    return hook


def routing_rules(actor: Actor) -> QuerySet[RoutingRule]:
    """The standing routing rules of the acting agency (any of its people may read them)."""
    if actor.position is None:
        return RoutingRule.objects.none()
    return RoutingRule.objects.filter(agency_id=actor.position.agency_id).select_related("unit")
