"""Automatic reminders (đôn đốc tự động): the periodic run that sends what the schedule says is due.

`reminders_run_due` is called by a Huey job every 15 minutes (tasks.py). It is idempotent: each
warning is a `ReminderOccasion` unique per (line, kind, key), checked under the line's row lock
and backed by the unique constraint, so a repeated or concurrent run sends nothing twice.
Only open lines are chased (chờ tiếp nhận, chờ xử lý, đang xử lý): a forwarded line's work sits
with the lines below it, which get their own reminders; finished, returned and recalled lines
get nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from eoffice.core import audit, language
from eoffice.core.actor import Actor
from eoffice.core.policies import require
from eoffice.notifications.models import Kind
from eoffice.notifications.services import Message, notification_send
from eoffice.reminders import schedule as rules
from eoffice.reminders.models import EscalateTo, OccasionKind, ReminderOccasion, ReminderType
from eoffice.reminders.selectors import configured_schedules, holder_unit_heads, line_recipients
from eoffice.reminders.services import URGENT, chase, locked_line
from eoffice.work.models import AssignmentLine
from eoffice.work.statuses import OPEN_STATUSES, LineRole
from eoffice.workcalendar.engine import LOCAL_TZ, WorkingCalendar
from eoffice.workcalendar.loader import get_calendar

if TYPE_CHECKING:
    from eoffice.accounts.models import User

_ONE_US = timedelta(microseconds=1)
# Lines read per query: a backlog (the first run after a long stop) is walked in pages by id.
PAGE = 500


@dataclass
class RunResult:
    sent: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def _sent(kind: str, **extra: object) -> Exists:
    return Exists(ReminderOccasion.objects.filter(line=OuterRef("pk"), kind=kind, **extra))


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)


def _candidates(now: datetime, cal: WorkingCalendar, schedules: dict[int, rules.Schedule]) -> QuerySet:
    """Open lines that may have an occasion not yet sent; `occasions_due` makes the exact call."""
    everyone = [rules.DEFAULT_SCHEDULE, *schedules.values()]

    def on(flag: str) -> Q:
        # The default schedule has every occasion on: leave out the agencies that turned it off.
        off = [a for a, s in schedules.items() if not (s.enabled and getattr(s, flag))]
        return ~Q(assignee_agency_id__in=off)

    hours = max(s.hours_before for s in everyone)
    horizon = cal.next_working_instant(cal.add_working_hours(now, hours) + _ONE_US) if hours else now
    today = rules.local_day(now)
    start_of_today = _local_midnight(today)
    escalating = Q(pk__in=[])
    fewest = min([s.escalate_after_days for s in everyone if s.escalate_after_days] or [0])
    if fewest:
        # A deadline day d is M working days overdue today (a working day) when (d, today] holds M
        # working days, i.e. d falls before the (M-1)-th working day before today.
        first_late = cal.next_working_day(today, -(fewest - 1))
        escalating = Q(deadline__lt=_local_midnight(first_late), escalated=False) & on("escalate_after_days")
    wanted = (
        (Q(deadline__gt=now, deadline__lte=horizon, warned=False) & on("hours_before"))
        | (Q(deadline__lte=now, deadline__gte=start_of_today, due_sent=False) & on("on_due_day"))
        | (Q(deadline__lt=start_of_today, reminded_today=False) & on("daily_overdue"))
        | escalating
    )
    return (
        AssignmentLine.objects.filter(status__in=sorted(OPEN_STATUSES), deadline__isnull=False)
        .exclude(role=LineRole.INFO)
        .annotate(
            warned=_sent(OccasionKind.BEFORE, deadline=OuterRef("deadline")),
            due_sent=_sent(OccasionKind.DUE, deadline=OuterRef("deadline")),
            reminded_today=_sent(OccasionKind.OVERDUE, key=today.isoformat()),
            escalated=_sent(OccasionKind.ESCALATION, deadline=OuterRef("deadline")),
        )
        .filter(wanted)
        .order_by("pk")
    )


def reminders_run_due(*, actor: Actor, now: datetime | None = None) -> RunResult:
    """Send every automatic reminder due at `now` that was not sent yet; each line in its own
    transaction, so one failing line never undoes the others."""
    require(actor.is_system or actor.is_superuser, _("Chỉ hệ thống chạy đôn đốc tự động."))
    now = now or timezone.now()
    cal = get_calendar()
    result = RunResult()
    if not rules.sending_time(cal, now):
        return result
    schedules = configured_schedules()
    candidates = _candidates(now, cal, schedules).values_list("pk", "assignee_agency_id", "deadline")
    last = 0
    while page := list(candidates.filter(pk__gt=last)[:PAGE]):
        last = page[-1][0]
        for line_id, agency_id, deadline in page:
            schedule = schedules.get(agency_id, rules.DEFAULT_SCHEDULE)
            due = rules.occasions_due(deadline=deadline, now=now, schedule=schedule, cal=cal)
            if not due:
                continue
            with language.for_others():  # a superuser may run it from an English page
                sent = _send_line(actor, line_id, deadline, due, schedule, now)
            for kind in sent:
                result.sent[kind] = result.sent.get(kind, 0) + 1
    return result


def _send_line(
    actor: Actor,
    line_id: int,
    deadline: datetime,
    due: list[rules.Occasion],
    schedule: rules.Schedule,
    now: datetime,
) -> list[str]:
    try:
        with transaction.atomic():
            line = locked_line(line_id)
            if line.status not in OPEN_STATUSES or line.deadline != deadline:
                return []  # finished or moved since the candidates were read
            sent = []
            for occasion in due:
                taken = ReminderOccasion.objects.filter(line=line, kind=occasion.kind, key=occasion.key)
                if not taken.exists():
                    _send_occasion(actor, line, occasion, schedule, now)
                    sent.append(occasion.kind)
            return sent
    except IntegrityError:
        # A concurrent run recorded the same occasion first (the unique constraint): nothing sent here.
        return []


def _when(instant: datetime) -> str:
    return date_format(instant.astimezone(LOCAL_TZ), "H:i d/m/Y")


def _holder_text(line: AssignmentLine, occasion: rules.Occasion) -> tuple[str, str]:
    title, deadline = line.item.title, _when(line.deadline)  # type: ignore[arg-type]
    if occasion.kind == OccasionKind.BEFORE:
        return (
            _("Sắp đến hạn xử lý: %(title)s") % {"title": title},
            _("Hạn xử lý: %(deadline)s. Đề nghị hoàn thành đúng hạn.") % {"deadline": deadline},
        )
    if occasion.kind == OccasionKind.DUE:
        return (
            _("Đã hết hạn xử lý: %(title)s") % {"title": title},
            _("Hạn xử lý %(deadline)s đã qua mà việc chưa hoàn thành. Đề nghị hoàn thành ngay.")
            % {"deadline": deadline},
        )
    return (
        _("Quá hạn %(days)s ngày làm việc: %(title)s") % {"days": occasion.overdue_days, "title": title},
        _("Hạn xử lý %(deadline)s đã qua %(days)s ngày làm việc. Đề nghị hoàn thành ngay.")
        % {"deadline": deadline, "days": occasion.overdue_days},
    )


def _send_occasion(
    actor: Actor, line: AssignmentLine, occasion: rules.Occasion, schedule: rules.Schedule, now: datetime
) -> None:
    assert line.deadline is not None
    if occasion.kind == OccasionKind.ESCALATION:
        recipients = _escalation_recipients(line, schedule.escalate_to)
        _escalate(actor, line, occasion, recipients)
        reminder = None
        recipient_ids = [u.pk for u in recipients]
    else:
        title, body = _holder_text(line, occasion)
        reminder = chase(
            actor=actor,
            line=line,
            type=ReminderType.TU_DONG,
            message=body,
            title=title,
            kind=Kind.DEADLINE,
            at=now,
        )
        recipient_ids = reminder.recipient_ids
    ReminderOccasion.objects.create(
        line=line,
        kind=occasion.kind,
        key=occasion.key,
        deadline=line.deadline,
        reminder=reminder,
        recipient_ids=recipient_ids,
        sent_at=now,
    )
    audit.record(
        actor=actor,
        verb="reminder.automatic",
        target=line,
        agency_id=line.assignee_agency_id,
        data={"kind": occasion.kind, "key": occasion.key, "recipients": recipient_ids},
    )


def _escalation_recipients(line: AssignmentLine, escalate_to: str) -> list[User]:
    assigners = [u for u in (line.assigned_on_behalf_of, line.assigned_by) if u is not None and u.is_active]
    heads = holder_unit_heads(line)
    chosen = {
        EscalateTo.ASSIGNER: assigners or heads,
        EscalateTo.UNIT_HEAD: heads or assigners,
        EscalateTo.BOTH: assigners + heads,
    }[EscalateTo(escalate_to)]
    holders = {u.pk for u in line_recipients(line)}
    unique = {u.pk: u for u in chosen if u.pk not in holders}
    return list(unique.values())


def _escalate(actor: Actor, line: AssignmentLine, occasion: rules.Occasion, recipients: list[User]) -> None:
    notification_send(
        actor=actor,
        users=recipients,
        agency=line.assignee_agency,
        message=Message(
            Kind.ESCALATION,
            _("Báo cáo quá hạn %(days)s ngày làm việc: %(title)s")
            % {"days": occasion.overdue_days, "title": line.item.title},
            _("%(holder)s chưa hoàn thành việc được giao; hạn xử lý %(deadline)s.")
            % {"holder": line.assignee_label, "deadline": _when(line.deadline)},  # type: ignore[arg-type]
            reverse("reminders:line", args=[line.pk]),
            line.item.urgency in URGENT,
        ),
    )
