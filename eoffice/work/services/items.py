"""Work items: create one for a subject, present it to a leader, route it by standing rules."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, ValidationFailed
from eoffice.core.policies import require
from eoffice.core.text import fold
from eoffice.directory.models import Agency
from eoffice.people.models import Position, Role
from eoffice.work import policies
from eoffice.work.deadlines import DeadlineInput
from eoffice.work.models import AssignmentLine, RoutingRule, WorkItem
from eoffice.work.services.assign import LineSpec, assign_lines, describe_lines, lock_item
from eoffice.work.statuses import ItemKind, LineRole, Urgency

# Clocks of scanners and servers drift a little; an arrival minutes "in the future" is not an error.
ARRIVAL_CLOCK_SLACK = timedelta(minutes=5)
MAX_TITLE = 1000


@transaction.atomic
def item_create(
    *,
    agency: Agency,
    kind: str,
    title: str,
    arrived_at: datetime,
    actor: Actor,
    subject_type: str = "",
    subject_id: int | None = None,
    reference: str = "",
    urgency: str = Urgency.NORMAL,
    deadline: datetime | None = None,
) -> WorkItem:
    """A new item waiting to be presented or routed. Subject apps call this when their thing
    needs handling (e.g. documents, once an incoming document is registered)."""
    if kind not in ItemKind.values:
        raise ValidationFailed("invalid_kind", _("Loại việc không hợp lệ."), field="kind")
    require(
        policies.may_create_item(actor, agency.pk, kind),
        _("Chỉ văn thư hoặc lãnh đạo cơ quan được tạo việc."),
    )
    title = " ".join(title.split())
    if not title:
        raise ValidationFailed(
            "title_required", _("Trích yếu / tên việc không được để trống."), field="title"
        )
    if len(title) > MAX_TITLE:
        raise ValidationFailed(
            "title_too_long",
            _("Trích yếu tối đa %(max_title)s ký tự.") % {"max_title": MAX_TITLE},
            field="title",
        )
    if urgency not in Urgency.values:
        raise ValidationFailed("invalid_urgency", _("Độ khẩn không hợp lệ."), field="urgency")
    if timezone.is_naive(arrived_at):
        raise ValidationFailed("invalid_arrival", _("Thời điểm đến phải kèm múi giờ."), field="arrived_at")
    if arrived_at > timezone.now() + ARRIVAL_CLOCK_SLACK:
        raise ValidationFailed(
            "arrival_in_future", _("Thời điểm đến không được ở tương lai."), field="arrived_at"
        )
    if deadline is not None and deadline < arrived_at:
        raise ValidationFailed(
            "deadline_before_arrival", _("Hạn giải quyết không được trước thời điểm đến."), field="deadline"
        )
    if len(subject_type) > 64 or len(reference) > 200:
        raise ValidationFailed("invalid_subject", _("Tham chiếu đối tượng quá dài."), field="subject_type")
    item = WorkItem(
        agency=agency,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        title=title,
        reference=reference.strip(),
        urgency=urgency,
        arrived_at=arrived_at,
        deadline=deadline,
        created_by=actor.user,
    )
    item.refresh_search_text()
    item.save(force_insert=True)
    audit.record(
        actor=actor,
        verb="work.item_created",
        target=item,
        agency_id=agency.pk,
        data={"kind": kind, "subject": [subject_type, subject_id], "urgency": urgency},
    )
    return item


@transaction.atomic
def item_describe(
    *,
    item: WorkItem,
    title: str,
    reference: str,
    urgency: str,
    deadline: datetime | None,
    actor: Actor,
) -> WorkItem:
    """The subject's app corrected what the item shows (e.g. the văn thư fixed a document's
    subject after registration). Lines keep their own deadlines: they were set when assigned."""
    item = lock_item(item.pk)
    require(policies.may_create_item(actor, item.agency_id, item.kind), _("Bạn không được sửa việc này."))
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE:
        raise ValidationFailed(
            "title_required", _("Trích yếu / tên việc không được để trống."), field="title"
        )
    if urgency not in Urgency.values:
        raise ValidationFailed("invalid_urgency", _("Độ khẩn không hợp lệ."), field="urgency")
    if deadline is not None and deadline < item.arrived_at:
        raise ValidationFailed(
            "deadline_before_arrival", _("Hạn giải quyết không được trước thời điểm đến."), field="deadline"
        )
    before = {"title": item.title, "reference": item.reference, "urgency": item.urgency}
    item.title, item.reference = title, reference.strip()[:200]
    item.urgency, item.deadline = urgency, deadline
    item.refresh_search_text()
    item.save(update_fields=["title", "reference", "urgency", "deadline", "search_text"])
    audit.record(
        actor=actor,
        verb="work.item_described",
        target=item,
        agency_id=item.agency_id,
        data={"before": before, "deadline": deadline.isoformat() if deadline else None},
    )
    return item


@transaction.atomic
def item_present(
    *, item: WorkItem, leader_id: int, actor: Actor, note: str = "", deadline: DeadlineInput | None = None
) -> WorkItem:
    """Trình: the văn thư presents the item to a leader of the agency, who gets the top lead line.

    ND 30 Điều 23.1: incoming documents are presented within the day, at the latest the next
    working day; the leader then writes the direction and assigns lines below their own.
    """
    item = lock_item(item.pk)
    require(policies.manages_item(actor, item), _("Chỉ văn thư hoặc lãnh đạo cơ quan được trình việc này."))
    is_leader = (
        Position.objects.filter(user_id=leader_id, agency_id=item.agency_id, is_active=True)
        .filter(roles__role=Role.LANH_DAO_CO_QUAN)
        .exists()
    )
    if not is_leader:
        raise ValidationFailed(
            "not_a_leader", _("Người được trình phải là lãnh đạo của cơ quan."), field="leader"
        )
    spec = LineSpec.person(LineRole.LEAD, leader_id, note=note, deadline=deadline or DeadlineInput())
    lines = assign_lines(item=item, parent=None, specs=[spec], direction="", actor=actor, event="present")
    item.presented_to_id = leader_id
    item.save(update_fields=["presented_to"])
    audit.record(
        actor=actor,
        verb="work.item_presented",
        target=item,
        agency_id=item.agency_id,
        data={"leader": leader_id, "lines": describe_lines(lines)},
    )
    return item


def _rules_for(item: WorkItem, keys: list[str]) -> list[RoutingRule]:
    folded = {fold(k) for k in keys if k.strip()}
    rules = RoutingRule.objects.filter(agency_id=item.agency_id, is_active=True).select_related("unit")
    return [rule for rule in rules if fold(rule.key) in folded and rule.unit.is_active]


@transaction.atomic
def item_route(*, item: WorkItem, keys: list[str], actor: Actor) -> list[AssignmentLine]:
    """Route by the agency's standing rules (type or field → unit) instead of presenting."""
    item = lock_item(item.pk)
    require(
        policies.manages_item(actor, item), _("Chỉ văn thư hoặc lãnh đạo cơ quan được chuyển xử lý việc này.")
    )
    rules = _rules_for(item, keys[:20])
    if not rules:
        raise ValidationFailed(
            "no_rule", _("Không có quy tắc chuyển xử lý nào khớp với việc này."), field="keys"
        )
    specs, seen = [], set()
    for rule in rules:
        if rule.unit_id in seen:
            continue
        seen.add(rule.unit_id)
        days = rule.due_working_days if rule.role != LineRole.INFO else None
        specs.append(LineSpec.unit(rule.role, rule.unit_id, deadline=DeadlineInput(working_days=days)))
    lines = assign_lines(item=item, parent=None, specs=specs, direction="", actor=actor, event="route")
    audit.record(
        actor=actor,
        verb="work.item_routed",
        target=item,
        agency_id=item.agency_id,
        data={"rules": [r.pk for r in rules], "lines": describe_lines(lines)},
    )
    return lines


RULES_REFUSAL = _lazy("Chỉ văn thư hoặc quản trị cơ quan được đặt hoặc xóa quy tắc chuyển xử lý.")


@transaction.atomic
def routing_rule_create(
    *, agency: Agency, key: str, unit_id: int, role: str, due_working_days: int | None, actor: Actor
) -> RoutingRule:
    require(policies.manages_rules(actor, agency.pk), str(RULES_REFUSAL))
    key = " ".join(key.split())
    if not key or len(key) > 200:
        raise ValidationFailed("invalid_key", _("Điều kiện phải có từ 1 đến 200 ký tự."), field="key")
    if role not in LineRole.values:
        raise ValidationFailed("invalid_role", _("Vai trò không hợp lệ."), field="role")
    if due_working_days is not None and not 1 <= due_working_days <= 366:
        raise ValidationFailed(
            "invalid_working_days", _("Số ngày làm việc phải từ 1 đến 366."), field="due_working_days"
        )
    if not agency.units.filter(pk=unit_id, is_active=True).exists():
        raise ValidationFailed("invalid_unit", _("Đơn vị không thuộc cơ quan."), field="unit")
    if RoutingRule.objects.filter(agency=agency, key=key, unit_id=unit_id).exists():
        raise ValidationFailed("duplicate_rule", _("Quy tắc này đã có."), field="key")
    rule = RoutingRule.objects.create(
        agency=agency, key=key, unit_id=unit_id, role=role, due_working_days=due_working_days
    )
    audit.record(
        actor=actor,
        verb="work.routing_rule_created",
        target=rule,
        agency_id=agency.pk,
        data={"key": key, "unit": unit_id, "role": role, "days": due_working_days},
    )
    return rule


@transaction.atomic
def routing_rule_delete(*, rule: RoutingRule, actor: Actor) -> None:
    """Remove a standing rule. Lines it created stay: they were assignments in their own right."""
    # Lock the rule so two clerks removing it at once get one deletion and one clear refusal.
    found = RoutingRule.objects.select_for_update().filter(pk=rule.pk).first()
    if found is None:
        raise NotFound(_("Không tìm thấy quy tắc chuyển xử lý."))
    require(policies.manages_rules(actor, found.agency_id), str(RULES_REFUSAL))
    audit.record(
        actor=actor,
        verb="work.routing_rule_deleted",
        target=found,
        agency_id=found.agency_id,
        data={"key": found.key, "unit": found.unit_id, "role": found.role, "days": found.due_working_days},
    )
    found.delete()
