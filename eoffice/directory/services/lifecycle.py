"""Merging and dissolving agencies (the 2025 mergers, the end of the district level)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit, language
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.directory import policies
from eoffice.directory.lifecycle import check_transition
from eoffice.directory.models import Agency, AgencyEvent, AgencyStatus
from eoffice.directory.services.agencies import lock_agency, move_under, record_event, today
from eoffice.directory.tree import is_within, lock_tree

MAX_CHAIN = 100


def _lock_pair(first: Agency, second: Agency) -> tuple[Agency, Agency]:
    # Lock in primary-key order so two merges touching the same pair cannot deadlock.
    rows = {
        a.pk: a
        for a in Agency.objects.select_for_update().filter(pk__in=[first.pk, second.pk]).order_by("pk")
    }
    return rows[first.pk], rows[second.pk]


def _check_chain(agency: Agency, into: Agency) -> None:
    """Walk the successor chain from `into`: reaching `agency` would make a merge loop."""
    seen: set[int] = set()
    current: Agency | None = into
    while current is not None:
        if current.pk == agency.pk or current.pk in seen or len(seen) > MAX_CHAIN:
            raise ValidationFailed(
                "merge_cycle",
                _("Không thể sáp nhập «%(name)s» vào «%(target)s»: chuỗi kế thừa sẽ quay vòng.")
                % {"name": agency.name, "target": into.name},
                field="into",
            )
        seen.add(current.pk)
        current = current.successor


def _check_merge(agency: Agency, into: Agency) -> None:
    check_transition(agency.status, AgencyStatus.MERGED)
    if agency.status != AgencyStatus.ACTIVE:
        raise Conflict(
            "agency_inactive",
            _("«%(name)s» đã sáp nhập hoặc giải thể.") % {"name": agency.name},
            field="agency",
        )
    if not into.is_active:
        raise ValidationFailed(
            "into_inactive",
            _("Không thể sáp nhập vào «%(name)s»: cơ quan này đã sáp nhập hoặc giải thể.")
            % {"name": into.name},
            field="into",
        )
    if is_within(into.tree_path, agency.tree_path):
        raise ValidationFailed(
            "merge_into_descendant",
            _("Không thể sáp nhập «%(name)s» vào cơ quan cấp dưới của nó «%(target)s».")
            % {"name": agency.name, "target": into.name},
            field="into",
        )
    _check_chain(agency, into)


def _move_live_children(agency: Agency, into: Agency, when: datetime.date) -> list[str]:
    moved: list[str] = []
    with language.for_others():  # the directory's history is everyone's
        merged_note = _("Chuyển theo việc sáp nhập cơ quan cấp trên")
    for child in (
        Agency.objects.select_for_update().filter(parent=agency, status=AgencyStatus.ACTIVE).order_by("pk")
    ):
        move_under(child, into)
        record_event(
            child,
            AgencyEvent.Kind.MOVED,
            effective_on=when,
            before={"parent": agency.code},
            after={"parent": into.code},
            related=into,
            note=merged_note,
        )
        moved.append(child.code)
    return moved


@transaction.atomic
def agency_merge(
    *,
    actor: Actor,
    agency: Agency,
    into: Agency,
    effective_on: datetime.date | None = None,
    note: str = "",
) -> Agency:
    """Merge `agency` into `into` from `effective_on`.

    The merged agency keeps its rows (users, units, registers, documents stay filed under it);
    `selectors.agency_lineage_ids(into)` is how the successor finds them. Its active child
    agencies move under the successor so the living tree has no branch hanging off a merged body.
    """
    if agency.pk == into.pk:
        raise ValidationFailed(
            "merge_into_self", _("Không thể sáp nhập một cơ quan vào chính nó."), field="into"
        )
    lock_tree()  # live children move under the successor
    agency, into = _lock_pair(agency, into)
    policies.require_restructure(actor, agency)
    policies.require_target(actor, into, what=_("cơ quan tiếp nhận"))
    _check_merge(agency, into)
    when = effective_on or today()
    moved = _move_live_children(agency, into, when)
    Agency.objects.filter(pk=agency.pk).update(
        status=AgencyStatus.MERGED, successor=into, status_changed_on=when, updated_at=timezone.now()
    )
    agency.refresh_from_db()
    record_event(
        agency,
        AgencyEvent.Kind.MERGED,
        effective_on=when,
        before={"status": AgencyStatus.ACTIVE},
        after={"status": AgencyStatus.MERGED, "successor": into.code},
        related=into,
        note=note,
    )
    record_event(
        into,
        AgencyEvent.Kind.ABSORBED,
        effective_on=when,
        after={"predecessor": agency.code},
        related=agency,
        note=note,
    )
    audit.record(
        actor=actor,
        verb="directory.agency_merged",
        target=agency,
        agency_id=into.pk,
        data={
            "agency": agency.code,
            "into": into.code,
            "effective_on": when.isoformat(),
            "children_moved": moved,
        },
    )
    return agency


@transaction.atomic
def agency_dissolve(
    *,
    actor: Actor,
    agency: Agency,
    effective_on: datetime.date | None = None,
    note: str = "",
) -> Agency:
    """Dissolve an agency. Its active child agencies must be moved or merged first."""
    agency = lock_agency(agency)
    policies.require_restructure(actor, agency)
    check_transition(agency.status, AgencyStatus.DISSOLVED)
    if agency.status != AgencyStatus.ACTIVE:
        raise Conflict(
            "agency_inactive",
            _("«%(name)s» đã sáp nhập hoặc giải thể.") % {"name": agency.name},
            field="agency",
        )
    children = Agency.objects.filter(parent=agency, status=AgencyStatus.ACTIVE).count()
    if children:
        raise Conflict(
            "has_active_children",
            _(
                "«%(name)s» còn %(children)s cơ quan trực thuộc đang hoạt động; "
                "hãy chuyển hoặc sáp nhập chúng trước."
            )
            % {"name": agency.name, "children": children},
            field="agency",
        )
    when = effective_on or today()
    Agency.objects.filter(pk=agency.pk).update(
        status=AgencyStatus.DISSOLVED, status_changed_on=when, hosted=False, updated_at=timezone.now()
    )
    before_hosted = agency.hosted
    agency.refresh_from_db()
    record_event(
        agency,
        AgencyEvent.Kind.DISSOLVED,
        effective_on=when,
        before={"status": AgencyStatus.ACTIVE, "hosted": before_hosted},
        after={"status": AgencyStatus.DISSOLVED, "hosted": False},
        note=note,
    )
    audit.record(
        actor=actor,
        verb="directory.agency_dissolved",
        target=agency,
        agency_id=agency.pk,
        data={"agency": agency.code, "effective_on": when.isoformat()},
    )
    return agency
