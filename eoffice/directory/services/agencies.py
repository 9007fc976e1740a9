"""Creating, editing, moving agencies and switching them between hosted and external."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.directory import policies
from eoffice.directory.identifiers import check_code
from eoffice.directory.models import Agency, AgencyEvent
from eoffice.directory.tree import MAX_DEPTH, child_path, is_within, lock_tree, rewrite_subtree
from eoffice.directory.validation import clean_agency_values

DESCRIPTIVE_FIELDS = (
    "code",
    "code_qd20",
    "name",
    "short_name",
    "abbreviation",
    "kind",
    "address",
    "email",
    "phone",
    "fax",
    "website",
)
NAME_FIELDS = frozenset({"name", "short_name", "abbreviation"})
UPDATABLE_FIELDS = frozenset(DESCRIPTIVE_FIELDS)


def today() -> datetime.date:
    return timezone.localdate()


def record_event(
    agency: Agency,
    kind: str,
    *,
    effective_on: datetime.date | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    related: Agency | None = None,
    note: str = "",
) -> AgencyEvent:
    return AgencyEvent.objects.create(
        agency=agency,
        kind=kind,
        effective_on=effective_on or today(),
        related_agency=related,
        before=before or {},
        after=after or {},
        note=note[:500],
    )


def lock_agency(agency: Agency) -> Agency:
    """Re-read the row under a lock: tree_path and status must be current, not what a form saw."""
    return Agency.objects.select_for_update().get(pk=agency.pk)


def _others(exclude_pk: int | None) -> QuerySet[Agency]:
    qs = Agency.objects.all()
    return qs.exclude(pk=exclude_pk) if exclude_pk is not None else qs


def _check_code_free(code: str, *, exclude_pk: int | None = None) -> None:
    taken = _others(exclude_pk).filter(code=code).first()
    if taken is not None:
        raise Conflict(
            "duplicate_code",
            _("Mã định danh %(code)s đã được dùng cho «%(name)s».") % {"code": code, "name": taken.name},
            field="code",
        )


def _check_qd20_free(code_qd20: str, *, exclude_pk: int | None = None) -> None:
    if not code_qd20:
        return
    taken = _others(exclude_pk).filter(code_qd20=code_qd20).first()
    if taken is not None:
        raise Conflict(
            "duplicate_code_qd20",
            _("Mã định danh QĐ 20 %(code_qd20)s đã được dùng cho «%(name)s».")
            % {"code_qd20": code_qd20, "name": taken.name},
            field="code_qd20",
        )


def _save_checked(agency: Agency, **kwargs: Any) -> None:
    # The checks above give the friendly message; the unique constraints close the race.
    try:
        with transaction.atomic():
            agency.save(**kwargs)
    except IntegrityError as exc:
        raise Conflict(
            "duplicate_code",
            _("Mã định danh hoặc mã QĐ 20 vừa được dùng cho cơ quan khác (tạo đồng thời); hãy kiểm tra lại."),
            field="code",
        ) from exc


@transaction.atomic
def agency_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    parent: Agency | None = None,
    details: Mapping[str, Any] | None = None,
    effective_on: datetime.date | None = None,
) -> Agency:
    """Create an agency typed in here: its QCVN 102 code must conform (NNN.NN.NN.Xnn).

    `details` holds the optional fields: code_qd20, short_name, abbreviation, kind, address,
    email, phone, fax, website, hosted.
    """
    policies.require_create_under(actor, parent)
    checked = check_code(code, strict=True)
    values = clean_agency_values({**(details or {}), "name": name})
    if parent is not None:
        lock_tree()
        parent = lock_agency(parent)
        if not parent.is_active:
            raise ValidationFailed(
                "parent_inactive",
                _("Cơ quan cấp trên «%(name)s» đã sáp nhập hoặc giải thể.") % {"name": parent.name},
                field="parent",
            )
        if parent.depth + 1 > MAX_DEPTH:
            raise ValidationFailed(
                "too_deep",
                _("Cây cơ quan không được sâu quá %(depth)s cấp.") % {"depth": MAX_DEPTH},
                field="parent",
            )
    _check_code_free(checked.code)
    _check_qd20_free(values.get("code_qd20", ""))
    agency = Agency(code=checked.code, code_conforms=checked.conforms, parent=parent, **values)
    agency.refresh_search_text()
    agency.depth = parent.depth + 1 if parent is not None else 0
    _save_checked(agency)
    agency.tree_path = child_path(parent.tree_path if parent else None, agency.pk)
    agency.save(update_fields=["tree_path"])
    snapshot = {field: getattr(agency, field) for field in DESCRIPTIVE_FIELDS}
    record_event(agency, AgencyEvent.Kind.CREATED, effective_on=effective_on, after=snapshot)
    audit.record(
        actor=actor,
        verb="directory.agency_created",
        target=agency,
        agency_id=agency.pk,
        data={"code": agency.code, "parent": parent.code if parent else None},
    )
    return agency


@transaction.atomic
def agency_update(
    *,
    actor: Actor,
    agency: Agency,
    changes: Mapping[str, Any],
    effective_on: datetime.date | None = None,
) -> Agency:
    """Change descriptive fields. A name change is a "renamed" event, anything else "updated"."""
    agency = lock_agency(agency)
    policies.require_edit(actor, agency)
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise ValidationFailed(
            "invalid_input",
            _("Không sửa được trường: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    values = clean_agency_values(changes)
    if "code" in changes:
        checked = check_code(changes["code"], strict=True) if changes["code"] != agency.code else None
        if checked is not None:
            _check_code_free(checked.code, exclude_pk=agency.pk)
            values["code"] = checked.code
            agency.code_conforms = True
    if values.get("code_qd20"):
        _check_qd20_free(values["code_qd20"], exclude_pk=agency.pk)
    changed = {field: value for field, value in values.items() if getattr(agency, field) != value}
    if not changed:
        return agency
    before = {field: getattr(agency, field) for field in changed}
    for field, value in changed.items():
        setattr(agency, field, value)
    agency.refresh_search_text()
    _save_checked(agency)
    renamed = {f: changed[f] for f in changed if f in NAME_FIELDS}
    other = {f: changed[f] for f in changed if f not in NAME_FIELDS}
    if renamed:
        record_event(
            agency,
            AgencyEvent.Kind.RENAMED,
            effective_on=effective_on,
            before={f: before[f] for f in renamed},
            after=renamed,
        )
    if other:
        record_event(
            agency,
            AgencyEvent.Kind.UPDATED,
            effective_on=effective_on,
            before={f: before[f] for f in other},
            after=other,
        )
    audit.record(
        actor=actor,
        verb="directory.agency_updated",
        target=agency,
        agency_id=agency.pk,
        data={"before": before, "after": changed},
    )
    return agency


def move_under(agency: Agency, new_parent: Agency | None) -> tuple[str, str]:
    """Re-parent `agency` (locked, current) and re-root its whole subtree. Returns (old, new) path."""
    if new_parent is not None:
        if new_parent.pk == agency.pk or is_within(new_parent.tree_path, agency.tree_path):
            raise ValidationFailed(
                "tree_cycle",
                _(
                    "Không thể chuyển «%(name)s» vào «%(target)s»: "
                    "đó là chính nó hoặc cơ quan cấp dưới của nó."
                )
                % {"name": agency.name, "target": new_parent.name},
                field="parent",
            )
        if not new_parent.is_active:
            raise ValidationFailed(
                "parent_inactive",
                _("Cơ quan cấp trên «%(name)s» đã sáp nhập hoặc giải thể.") % {"name": new_parent.name},
                field="parent",
            )
    old_path = agency.tree_path
    new_path = child_path(new_parent.tree_path if new_parent else None, agency.pk)
    new_depth = new_parent.depth + 1 if new_parent is not None else 0
    deepest = (
        Agency.objects.filter(tree_path__startswith=old_path)
        .order_by("-depth")
        .values_list("depth", flat=True)
    )
    if (deepest.first() or agency.depth) - agency.depth + new_depth > MAX_DEPTH:
        raise ValidationFailed(
            "too_deep",
            _("Cây cơ quan không được sâu quá %(depth)s cấp.") % {"depth": MAX_DEPTH},
            field="parent",
        )
    rewrite_subtree(old_path, new_path, new_depth - agency.depth)
    Agency.objects.filter(pk=agency.pk).update(parent=new_parent, updated_at=timezone.now())
    agency.refresh_from_db()
    return old_path, new_path


@transaction.atomic
def agency_move(
    *,
    actor: Actor,
    agency: Agency,
    new_parent: Agency | None,
    effective_on: datetime.date | None = None,
) -> Agency:
    """Put an agency (and everything under it) under another parent; cycles are refused."""
    lock_tree()
    agency = lock_agency(agency)
    policies.require_restructure(actor, agency)
    if new_parent is not None:
        new_parent = lock_agency(new_parent)
    policies.require_target(actor, new_parent, what=_("cơ quan cấp trên mới"))
    if (agency.parent_id or None) == (new_parent.pk if new_parent else None):
        return agency
    old_parent = agency.parent
    move_under(agency, new_parent)
    record_event(
        agency,
        AgencyEvent.Kind.MOVED,
        effective_on=effective_on,
        before={"parent": old_parent.code if old_parent else None},
        after={"parent": new_parent.code if new_parent else None},
        related=new_parent,
    )
    audit.record(
        actor=actor,
        verb="directory.agency_moved",
        target=agency,
        agency_id=agency.pk,
        data={"from": old_parent.code if old_parent else None, "to": new_parent.code if new_parent else None},
    )
    return agency


@transaction.atomic
def agency_set_hosted(
    *, actor: Actor, agency: Agency, hosted: bool, effective_on: datetime.date | None = None
) -> Agency:
    """Hosted here (its people use this installation) or external (reached through exchange)."""
    agency = lock_agency(agency)
    policies.require_edit(actor, agency)
    if agency.hosted == hosted:
        return agency
    if hosted and not agency.is_active:
        raise ValidationFailed(
            "agency_inactive",
            _("«%(name)s» đã sáp nhập hoặc giải thể, không thể đưa vào sử dụng.") % {"name": agency.name},
            field="hosted",
        )
    agency.hosted = hosted
    agency.save(update_fields=["hosted", "updated_at"])
    record_event(
        agency,
        AgencyEvent.Kind.HOSTING_CHANGED,
        effective_on=effective_on,
        before={"hosted": not hosted},
        after={"hosted": hosted},
    )
    audit.record(
        actor=actor,
        verb="directory.agency_hosting_changed",
        target=agency,
        agency_id=agency.pk,
        data={"hosted": hosted},
    )
    return agency
