"""The one place line states change: `line_transition`, plus the completion cascades built on it.

Callers (the services) hold the item's row lock, so the tree of one item changes one request at a
time; `line_transition` also locks the line it changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.work import subjects
from eoffice.work.models import AssignmentLine, LineEvent, WorkItem
from eoffice.work.statuses import (
    GONE_STATUSES,
    UNFINISHED_STATUSES,
    ItemStatus,
    LineAction,
    LineRole,
    LineStatus,
    find_transition,
)

# Stamps written the first time an action happens (timeline and processing-time reports).
_FIRST_ACT = {LineAction.START, LineAction.FORWARD, LineAction.COMPLETE, LineAction.RETURN}
_STAMPS = {
    LineAction.RECEIVE: "received_at",
    LineAction.COMPLETE: "completed_at",
    LineAction.CLOSE: "completed_at",
    LineAction.RETURN: "returned_at",
    LineAction.RECALL: "recalled_at",
}


LineObserver = Callable[[AssignmentLine], None]
_OBSERVERS: dict[str, LineObserver] = {}
# Told what happened as well (the event and who did it): notifications of assignment and return.
EventObserver = Callable[[AssignmentLine, LineEvent, Actor], None]
_EVENT_OBSERVERS: dict[str, EventObserver] = {}


def register_line_observer(name: str, observer: LineObserver) -> None:
    """Let an app above the engine (oversight) follow every line change inside its transaction.

    Every creation, state change, first opening and deadline change of a line writes a timeline
    event through `record_event`, so that is the one place observers are called. Registered (or
    replaced, by name) from an `AppConfig.ready()`: the engine never imports its observers.
    """
    _OBSERVERS[name] = observer


def register_event_observer(name: str, observer: EventObserver) -> None:
    """Like `register_line_observer`, for observers that need the event (its action, note) and actor."""
    _EVENT_OBSERVERS[name] = observer


def actor_name(actor: Actor) -> str:
    return actor.describe()[:300]


def refusal(line: AssignmentLine, action: str) -> Conflict | ValidationFailed:
    """The clearest reason an action is not allowed from the line's current state."""
    if line.status == LineStatus.THU_HOI:
        return Conflict("line_recalled", _("Dòng xử lý này đã bị thu hồi, không thể thao tác tiếp."))
    if line.status == LineStatus.TRA_LAI:
        return Conflict("line_returned", _("Dòng xử lý này đã bị trả lại, không thể thao tác tiếp."))
    if line.status == LineStatus.HOAN_THANH:
        return Conflict("line_completed", _("Dòng xử lý này đã hoàn thành."))
    if line.role == LineRole.INFO and action == LineAction.RETURN:
        return ValidationFailed("info_not_returnable", _("Văn bản nhận để biết không thể trả lại."))
    if line.role == LineRole.INFO and action == LineAction.START:
        return ValidationFailed("info_needs_no_action", _("Dòng nhận để biết không cần xử lý."))
    try:
        action_label = str(LineAction(action).label)
    except ValueError:
        action_label = action
    status_label = LineStatus(line.status).label
    return Conflict(
        "transition_not_allowed",
        _("Không thể “%(action_label)s” khi dòng xử lý đang ở trạng thái “%(status_label)s”.")
        % {"action_label": action_label, "status_label": status_label},
        details={"status": line.status, "action": action},
    )


def line_transition(
    *,
    line_id: int,
    action: str,
    actor: Actor,
    note: str = "",
    system: bool = False,
    at: datetime | None = None,
) -> AssignmentLine:
    """Check `action` against the transition table and apply it, with a timeline event.

    `system=True` is for the engine's own cascades (close, reopen); people never pass it.
    """
    # Row lock: two requests acting on one line must serialise, the second seeing the first's result.
    line = AssignmentLine.objects.select_for_update().get(pk=line_id)
    transition = find_transition(line.status, action, line.role, system=system)
    if transition is None:
        raise refusal(line, action)
    now = at or timezone.now()
    before = line.status
    line.status = transition.target
    fields = ["status"]
    stamp = _STAMPS.get(LineAction(action))
    if stamp is not None and getattr(line, stamp) is None:
        setattr(line, stamp, now)
        fields.append(stamp)
    if action in _FIRST_ACT and not system and line.acted_at is None:
        line.acted_at = now
        fields.append("acted_at")
    if action == LineAction.RETURN:
        line.return_reason = note[:2000]
        fields.append("return_reason")
    line.save(update_fields=fields)
    record_event(line=line, action=action, actor=actor, before=before, note=note, at=now)
    return line


def record_event(
    *,
    line: AssignmentLine,
    action: str,
    actor: Actor,
    before: str = "",
    note: str = "",
    at: datetime | None = None,
) -> LineEvent:
    event = LineEvent.objects.create(
        item_id=line.item_id,
        line=line,
        at=at or timezone.now(),
        action=action,
        from_status=before,
        to_status=line.status,
        actor_user=actor.user,
        on_behalf_of=actor.on_behalf_of,
        actor_name=actor_name(actor),
        note=note[:2000],
    )
    for observer in _OBSERVERS.values():
        observer(line)
    for event_observer in _EVENT_OBSERVERS.values():
        event_observer(line, event, actor)
    return event


def _descendants(line_ids: Iterable[int]) -> list[AssignmentLine]:
    """Every line below the given ones, level by level (trees are shallow: a handful of levels)."""
    found: list[AssignmentLine] = []
    frontier = list(line_ids)
    while frontier:
        level = list(AssignmentLine.objects.filter(parent_id__in=frontier).order_by("id"))
        found.extend(level)
        frontier = [child.pk for child in level]
    return found


def end_subtree(line: AssignmentLine, *, action: str, actor: Actor, note: str, at: datetime) -> list[int]:
    """Close (or recall) every unfinished line below `line`. Returns the ids changed."""
    changed = []
    for child in _descendants([line.pk]):
        if child.status in UNFINISHED_STATUSES:
            line_transition(line_id=child.pk, action=action, actor=actor, note=note, system=True, at=at)
            changed.append(child.pk)
    return changed


def after_completion(line: AssignmentLine, *, actor: Actor, at: datetime) -> list[int]:
    """The completion rules, applied after `line` reached "hoàn thành".

    - everything below it is closed;
    - a lead (chủ trì) also closes its co-processing and for-information siblings, and completes
      the line it was forwarded from (so the tree completes upwards); at the top, the item is done.
    """
    changed = end_subtree(
        line, action=LineAction.CLOSE, actor=actor, note="Đóng khi dòng cấp trên hoàn thành", at=at
    )
    if line.role != LineRole.LEAD:
        return changed
    siblings = AssignmentLine.objects.filter(
        item_id=line.item_id, level_key=line.level_key, status__in=sorted(UNFINISHED_STATUSES)
    ).exclude(pk=line.pk)
    for sibling in siblings:
        line_transition(
            line_id=sibling.pk,
            action=LineAction.CLOSE,
            actor=actor,
            note="Đóng theo dòng chủ trì",
            system=True,
            at=at,
        )
        changed.append(sibling.pk)
        changed += end_subtree(
            sibling, action=LineAction.CLOSE, actor=actor, note="Đóng theo dòng chủ trì", at=at
        )
    if line.parent_id is not None:
        parent = AssignmentLine.objects.get(pk=line.parent_id)
        if parent.status in UNFINISHED_STATUSES:
            parent = line_transition(
                line_id=parent.pk,
                action=LineAction.CLOSE,
                actor=actor,
                note="Hoàn thành khi dòng chủ trì cấp dưới hoàn thành",
                system=True,
                at=at,
            )
            changed.append(parent.pk)
            changed += after_completion(parent, actor=actor, at=at)
    return changed


def after_leaving(line: AssignmentLine, *, actor: Actor, at: datetime) -> list[int]:
    """After a line was returned or recalled: recall what hangs below it and reopen its parent
    when the parent no longer has a live lead below it (so the parent can assign again)."""
    changed = end_subtree(
        line, action=LineAction.RECALL, actor=actor, note="Thu hồi theo dòng cấp trên", at=at
    )
    if line.parent_id is None:
        return changed
    parent = AssignmentLine.objects.get(pk=line.parent_id)
    live_lead = (
        AssignmentLine.objects.filter(item_id=line.item_id, level_key=parent.pk, role=LineRole.LEAD)
        .exclude(status__in=sorted(GONE_STATUSES))
        .exists()
    )
    if parent.status == LineStatus.DA_CHUYEN and parent.role != LineRole.INFO and not live_lead:
        note = "Mở lại vì dòng chủ trì cấp dưới đã bị trả lại hoặc thu hồi"
        line_transition(
            line_id=parent.pk, action=LineAction.REOPEN, actor=actor, note=note, system=True, at=at
        )
        changed.append(parent.pk)
    return changed


def sync_item_status(item: WorkItem, *, actor: Actor, at: datetime) -> WorkItem:
    """An item's status follows its top lead line: none live → new; done → done; else in progress.

    Deriving it (instead of setting it in many places) keeps "item done iff top lead done" true.
    A change is passed on to the item's subject (documents follow it) in the same transaction.
    """
    top_lead = (
        AssignmentLine.objects.filter(item=item, level_key=0, role=LineRole.LEAD)
        .exclude(status__in=sorted(GONE_STATUSES))
        .first()
    )
    if top_lead is None:
        status, done_at = ItemStatus.NEW, None
    elif top_lead.status == LineStatus.HOAN_THANH:
        status, done_at = ItemStatus.DONE, item.done_at or at
    else:
        status, done_at = ItemStatus.IN_PROGRESS, None
    if (status, done_at) != (item.status, item.done_at):
        changed = status != item.status
        item.status, item.done_at = status, done_at
        item.save(update_fields=["status", "done_at"])
        if changed:
            subjects.status_changed(item, actor)
    return item
