"""Organisation units inside an agency (phòng, ban, trung tâm), themselves a small tree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.directory import policies
from eoffice.directory.models import Agency, Unit
from eoffice.directory.validation import clean_unit_values

UNIT_FIELDS = frozenset({"name", "code", "abbreviation", "sort_order"})
MAX_UNIT_DEPTH = 20


def _save(unit: Unit) -> None:
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        raise Conflict(
            "duplicate_unit_code",
            _("Mã đơn vị «%(code)s» đã có trong cơ quan này.") % {"code": unit.code},
            field="code",
        ) from exc


def _check_code_free(agency_id: int, code: str, exclude_pk: int | None = None) -> None:
    clash = Unit.objects.filter(agency_id=agency_id, code=code)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if code and clash.exists():
        raise Conflict(
            "duplicate_unit_code",
            _("Mã đơn vị «%(code)s» đã có trong cơ quan này.") % {"code": code},
            field="code",
        )


def _check_parent(unit_agency_id: int, parent: Unit | None, *, moving: Unit | None = None) -> None:
    if parent is None:
        return
    if parent.agency_id != unit_agency_id:
        raise ValidationFailed(
            "unit_parent_other_agency", _("Đơn vị cha phải thuộc cùng cơ quan."), field="parent"
        )
    if not parent.is_active:
        raise ValidationFailed(
            "unit_parent_inactive",
            _("Đơn vị cha «%(name)s» đã ngừng hoạt động.") % {"name": parent.name},
            field="parent",
        )
    # Units are few per agency, so walking up the parents is cheap and needs no stored path.
    current: Unit | None = parent
    steps = 0
    while current is not None:
        if moving is not None and current.pk == moving.pk:
            raise ValidationFailed(
                "tree_cycle",
                _("Không thể chuyển «%(name)s» vào chính nó hoặc đơn vị cấp dưới của nó.")
                % {"name": moving.name},
                field="parent",
            )
        steps += 1
        if steps > MAX_UNIT_DEPTH:
            raise ValidationFailed(
                "too_deep",
                _("Cây đơn vị không được sâu quá %(MAX_UNIT_DEPTH)s cấp.")
                % {"MAX_UNIT_DEPTH": MAX_UNIT_DEPTH},
                field="parent",
            )
        current = current.parent


@transaction.atomic
def unit_create(
    *,
    actor: Actor,
    agency: Agency,
    name: str,
    parent: Unit | None = None,
    code: str = "",
    abbreviation: str = "",
    sort_order: int = 0,
) -> Unit:
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    policies.require_edit(actor, agency)
    if not agency.is_active:
        raise ValidationFailed(
            "agency_inactive",
            _("«%(name)s» đã sáp nhập hoặc giải thể.") % {"name": agency.name},
            field="agency",
        )
    values = clean_unit_values(
        {"name": name, "code": code, "abbreviation": abbreviation, "sort_order": sort_order}
    )
    _check_parent(agency.pk, parent)
    _check_code_free(agency.pk, values["code"])
    unit = Unit(agency=agency, parent=parent, **values)
    unit.refresh_search_text()
    _save(unit)
    audit.record(
        actor=actor,
        verb="directory.unit_created",
        target=unit,
        agency_id=agency.pk,
        data={"name": unit.name, "code": unit.code, "parent": parent.pk if parent else None},
    )
    return unit


def _lock_unit(unit: Unit) -> Unit:
    return Unit.objects.select_for_update().select_related("agency").get(pk=unit.pk)


@transaction.atomic
def unit_update(*, actor: Actor, unit: Unit, changes: Mapping[str, Any]) -> Unit:
    unit = _lock_unit(unit)
    policies.require_edit(actor, unit.agency)
    unknown = set(changes) - UNIT_FIELDS
    if unknown:
        raise ValidationFailed(
            "invalid_input",
            _("Không sửa được trường: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    values = clean_unit_values(changes)
    changed = {f: v for f, v in values.items() if getattr(unit, f) != v}
    if not changed:
        return unit
    if "code" in changed:
        _check_code_free(unit.agency_id, changed["code"], exclude_pk=unit.pk)
    before = {f: getattr(unit, f) for f in changed}
    for field, value in changed.items():
        setattr(unit, field, value)
    unit.refresh_search_text()
    _save(unit)
    audit.record(
        actor=actor,
        verb="directory.unit_updated",
        target=unit,
        agency_id=unit.agency_id,
        data={"before": before, "after": changed},
    )
    return unit


@transaction.atomic
def unit_move(*, actor: Actor, unit: Unit, new_parent: Unit | None) -> Unit:
    unit = _lock_unit(unit)
    policies.require_edit(actor, unit.agency)
    if new_parent is not None:
        new_parent = Unit.objects.select_for_update().get(pk=new_parent.pk)
    if unit.parent_id == (new_parent.pk if new_parent else None):
        return unit
    _check_parent(unit.agency_id, new_parent, moving=unit)
    before = unit.parent_id
    unit.parent = new_parent
    unit.save(update_fields=["parent"])
    audit.record(
        actor=actor,
        verb="directory.unit_moved",
        target=unit,
        agency_id=unit.agency_id,
        data={"from": before, "to": new_parent.pk if new_parent else None},
    )
    return unit


@transaction.atomic
def unit_deactivate(*, actor: Actor, unit: Unit) -> Unit:
    """Stop using a unit. Kept, not deleted: positions and documents still point at it."""
    unit = _lock_unit(unit)
    policies.require_edit(actor, unit.agency)
    if not unit.is_active:
        return unit
    active_children = unit.children.filter(is_active=True).count()
    if active_children:
        raise Conflict(
            "unit_has_children",
            _(
                "«%(name)s» còn %(active_children)s đơn vị cấp dưới đang hoạt động; "
                "hãy chuyển hoặc ngừng chúng trước."
            )
            % {"name": unit.name, "active_children": active_children},
            field="unit",
        )
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        verb="directory.unit_deactivated",
        target=unit,
        agency_id=unit.agency_id,
        data={"name": unit.name},
    )
    return unit
