"""Notifications of work events: a line assigned to someone, a line returned to whoever handed it
down, an approval step (trình ký, the same lines) reaching its reviewer or signer.

`line_event` is registered with the work engine in `RemindersConfig.ready()` (the engine never
imports this app) and runs inside the transaction of the change, so the notification commits or
rolls back with it; e-mail leaves only after commit. Hỏa tốc / Thượng khẩn items notify urgently:
at once on every channel, whatever the person chose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from eoffice.core import language
from eoffice.core.actor import Actor
from eoffice.notifications.models import Kind
from eoffice.notifications.services import Message, notification_send
from eoffice.reminders.selectors import line_recipients
from eoffice.reminders.services import URGENT
from eoffice.work import subjects
from eoffice.work.models import AssignmentLine, LineEvent, WorkItem
from eoffice.work.statuses import ItemKind, LineAction, LineRole, TargetKind, Urgency
from eoffice.workcalendar.engine import LOCAL_TZ

if TYPE_CHECKING:
    from eoffice.accounts.models import User

# The engine's events that create a line (work.services.assign: assign, present, route).
CREATING = frozenset({"assign", "present", "route"})


def line_event(line: AssignmentLine, event: LineEvent, actor: Actor) -> None:
    with language.for_others():
        if event.action in CREATING:
            _assigned(line, event, actor)
        elif event.action == LineAction.RETURN:
            _returned(line, event, actor)


def _others(users: list[User], actor: Actor) -> list[User]:
    """Nobody is told of their own act."""
    me = {u.pk for u in (actor.user, actor.on_behalf_of) if u is not None}
    return [u for u in users if u.pk not in me]


def _link(item: WorkItem) -> str:
    # A draft's reviewer acts on the draft's page; everything else is handled on the item's page.
    url = subjects.subject_url(item) if item.kind == ItemKind.OUTGOING_DRAFT else None
    return url or reverse("work:item", args=[item.pk])


def _assigned_title(line: AssignmentLine, event: LineEvent, item: WorkItem) -> tuple[str, str]:
    values = {"title": item.title, "role": LineRole(line.role).label}
    if item.kind == ItemKind.OUTGOING_DRAFT and event.action == "present":
        return Kind.APPROVAL, _("Dự thảo trình bạn: %(title)s") % values
    if line.role == LineRole.INFO:
        return Kind.ASSIGNED, _("Văn bản gửi bạn để biết: %(title)s") % values
    if line.target_kind == TargetKind.UNIT and line.assignee_unit is not None:
        values["unit"] = line.assignee_unit.name
        return Kind.ASSIGNED, _("Đơn vị %(unit)s được giao xử lý (%(role)s): %(title)s") % values
    if line.target_kind == TargetKind.AGENCY:
        return Kind.ASSIGNED, _("Cơ quan được giao xử lý (%(role)s): %(title)s") % values
    return Kind.ASSIGNED, _("Bạn được giao xử lý (%(role)s): %(title)s") % values


def _assigned(line: AssignmentLine, event: LineEvent, actor: Actor) -> None:
    recipients = _others(line_recipients(line), actor)
    if not recipients:
        return
    item = line.item
    kind, title = _assigned_title(line, event, item)
    facts = [_("Người giao: %(who)s") % {"who": event.actor_name}]
    if item.reference:
        facts.append(_("Số, ký hiệu: %(ref)s") % {"ref": item.reference})
    if item.urgency != Urgency.NORMAL:
        facts.append(_("Độ khẩn: %(urgency)s") % {"urgency": Urgency(item.urgency).label})
    if line.deadline is not None:
        when = date_format(line.deadline.astimezone(LOCAL_TZ), "H:i d/m/Y")
        facts.append(_("Hạn xử lý: %(deadline)s") % {"deadline": when})
    if event.note:
        facts.append(_("Nội dung: %(note)s") % {"note": event.note})
    notification_send(
        actor=actor,
        users=recipients,
        agency=line.assignee_agency,
        message=Message(kind, title, "\n".join(facts), _link(item), item.urgency in URGENT),
    )


def _returned(line: AssignmentLine, event: LineEvent, actor: Actor) -> None:
    """The line goes back to whoever handed it down: the holder of the line above, or (at the
    top) the person who assigned it."""
    parent = line.parent
    if parent is not None:
        previous = line_recipients(parent)
    else:
        previous = [
            u for u in (line.assigned_on_behalf_of, line.assigned_by) if u is not None and u.is_active
        ]
    recipients = _others(previous, actor)
    if not recipients:
        return
    item = line.item
    notification_send(
        actor=actor,
        users=recipients,
        agency=parent.assignee_agency if parent is not None else item.agency,
        message=Message(
            Kind.RETURNED,
            _("Bị trả lại: %(title)s") % {"title": item.title},
            _("%(who)s (%(holder)s) đã trả lại việc. Lý do: %(reason)s")
            % {"who": event.actor_name, "holder": line.assignee_label, "reason": event.note},
            _link(item),
            item.urgency in URGENT,
        ),
    )
