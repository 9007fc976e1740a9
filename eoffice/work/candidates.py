"""Who can be picked as an assignee in a form: the same scope rules the services enforce
(services.targets), listed for people to choose from."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.directory.models import Agency, AgencyStatus, Unit
from eoffice.people.models import Position, Role
from eoffice.work.models import AssignmentLine, WorkItem
from eoffice.work.services.targets import scope_for

MAX_OPTIONS = 500


@dataclass(frozen=True)
class Option:
    value: str  # "person:<user id>", "unit:<unit id>", "agency:<agency id>"
    label: str
    group: str


def assignees(actor: Actor, item: WorkItem, parent: AssignmentLine | None) -> list[Option]:
    scope = scope_for(actor, item, parent)
    me = actor.position.user_id if actor.position is not None else None
    positions = Position.objects.filter(agency_id=scope.agency_id, is_active=True, user__is_active=True)
    if scope.unit_ids is not None:
        positions = positions.filter(unit_id__in=scope.unit_ids)
    options: list[Option] = []
    seen: set[int] = set()
    for position in positions.select_related("user", "unit").order_by("unit__name", "user__full_name")[
        :MAX_OPTIONS
    ]:
        if position.user_id in seen or position.user_id == me:
            continue
        seen.add(position.user_id)
        where = f" ({position.unit.name})" if position.unit is not None else ""
        label = f"{position.user.get_full_name()} — {position.title}{where}"
        options.append(Option(f"person:{position.user_id}", label, _("Cá nhân")))
    units = Unit.objects.filter(agency_id=scope.agency_id, is_active=True)
    if scope.unit_ids is not None:
        units = units.filter(pk__in=scope.unit_ids)
    if parent is not None and parent.assignee_unit_id is not None:
        units = units.exclude(pk=parent.assignee_unit_id)
    options += [
        Option(f"unit:{u.pk}", u.name, _("Đơn vị"))
        for u in units.order_by("sort_order", "name")[:MAX_OPTIONS]
    ]
    if scope.other_agencies:
        agencies = Agency.objects.filter(hosted=True, status=AgencyStatus.ACTIVE).exclude(pk=scope.agency_id)
        options += [
            Option(f"agency:{a.pk}", a.name, _("Cơ quan khác"))
            for a in agencies.order_by("tree_path")[:MAX_OPTIONS]
        ]
    return options


def leaders(item: WorkItem) -> list[Option]:
    positions = (
        Position.objects.filter(agency_id=item.agency_id, is_active=True, roles__role=Role.LANH_DAO_CO_QUAN)
        .select_related("user")
        .order_by("user__full_name")
    )
    seen: set[int] = set()
    options = []
    for position in positions:
        if position.user_id not in seen:
            seen.add(position.user_id)
            options.append(
                Option(str(position.user_id), f"{position.user.get_full_name()} — {position.title}", "")
            )
    return options
