"""Automatic reminders on the working calendar, with frozen time: before the deadline at the right
working hour, when it passes, every working day after, escalation after M working days overdue;
nothing on weekends or during Tết 2027 (Thu 04/02 → Wed 10/02); each occasion sent once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import time_machine

from eoffice.core.actor import Actor
from eoffice.core.models import AuditEvent
from eoffice.notifications.models import Kind, Notification
from eoffice.reminders import selectors, services
from eoffice.reminders.automatic import reminders_run_due
from eoffice.reminders.models import OccasionKind, Reminder, ReminderOccasion, ReminderType
from eoffice.reminders.schedule import Schedule
from eoffice.reminders.tasks import reminders_tick
from eoffice.reminders.tests.conftest import SYSTEM, actor_of, at, person_line
from eoffice.testing.cast import Cast
from eoffice.work.models import AssignmentLine

pytestmark = pytest.mark.django_db


def run(when: str) -> dict[str, int]:
    moment = at(when)
    with time_machine.travel(moment, tick=False):
        return reminders_run_due(actor=SYSTEM, now=moment).sent


def kinds(line: AssignmentLine) -> list[str]:
    return list(ReminderOccasion.objects.filter(line=line).order_by("id").values_list("kind", flat=True))


def make_line(cast: Cast, when: str, deadline: str, **kw: Any) -> AssignmentLine:
    with time_machine.travel(at(when), tick=False):
        return person_line(cast, at(deadline), **kw)


def test_default_schedule_across_a_weekend(cast: Cast) -> None:
    """Default: 8 working hours before, when it passes, daily, escalation after 3 working days."""
    line = make_line(cast, "2027-03-04 09:00", "2027-03-08 09:30")  # Thu → deadline Mon 09:30
    # Mon 07:30–09:30 is 2 h; the other 6 h are Friday 09:00–11:30 and 13:30–17:00.
    assert run("2027-03-05 08:45") == {}
    assert run("2027-03-05 09:00") == {OccasionKind.BEFORE: 1}
    assert run("2027-03-05 09:00") == {}  # the same run again sends nothing
    assert run("2027-03-06 10:00") == run("2027-03-07 10:00") == {}  # Saturday, Sunday
    assert run("2027-03-08 09:15") == {}
    assert run("2027-03-08 09:30") == {OccasionKind.DUE: 1}
    assert run("2027-03-08 16:00") == {}
    assert run("2027-03-09 07:15") == {}  # before the working day starts
    assert run("2027-03-09 07:30") == {OccasionKind.OVERDUE: 1}
    assert run("2027-03-10 08:00") == {OccasionKind.OVERDUE: 1}
    assert run("2027-03-11 08:00") == {OccasionKind.OVERDUE: 1, OccasionKind.ESCALATION: 1}
    assert run("2027-03-12 08:00") == {OccasionKind.OVERDUE: 1}
    assert run("2027-03-13 08:00") == run("2027-03-14 08:00") == {}
    assert kinds(line) == ["before", "due", "overdue", "overdue", "overdue", "escalation", "overdue"]

    reminders = list(Reminder.objects.filter(line=line).order_by("ordinal"))
    assert [r.ordinal for r in reminders] == [1, 2, 3, 4, 5, 6]
    assert {r.type for r in reminders} == {ReminderType.TU_DONG} and reminders[0].sent_by is None
    line.refresh_from_db()
    assert line.reminder_count == 6
    assert selectors.counts_by_line([line.pk]) == {line.pk: {"tu_dong": 6}}
    late = Notification.objects.filter(user=cast.specialist_a, kind=Kind.DEADLINE).order_by("id")
    assert [n.title.split(":")[0] for n in late] == [
        "Sắp đến hạn xử lý",
        "Đã hết hạn xử lý",
        "Quá hạn 1 ngày làm việc",
        "Quá hạn 2 ngày làm việc",
        "Quá hạn 3 ngày làm việc",
        "Quá hạn 4 ngày làm việc",
    ]
    assert "09:30 08/03/2027" in late[0].body
    # Escalation: the assigner and the holder's unit head, once.
    bosses = Notification.objects.filter(kind=Kind.ESCALATION)
    assert sorted(n.user_id for n in bosses) == sorted([cast.leader_a.pk, cast.unit_head_a.pk])
    assert "Phạm Văn Chuyên Viên" in bosses[0].body
    assert AuditEvent.objects.filter(verb="reminder.automatic").count() == 7


def test_tet_2027_sends_nothing_and_the_count_skips_it(cast: Cast) -> None:
    services.reminder_policy_set(
        actor=actor_of(cast, cast.admin_a),
        agency=cast.agency_a,
        schedule=Schedule(hours_before=4, escalate_after_days=2, escalate_to="assigner"),
    )
    before_tet = make_line(cast, "2027-02-01 08:00", "2027-02-03 17:00")  # Wed, the last day before Tết
    after_tet = make_line(cast, "2027-02-01 08:00", "2027-02-11 09:30", title="Báo cáo sau Tết")
    # 4 working hours before Wed 17:00: 13:30–17:00 and 11:00–11:30.
    assert run("2027-02-03 10:45") == {}
    assert run("2027-02-03 11:00") == {OccasionKind.BEFORE: 1}
    # Thu 11/02 07:30–09:30 is 2 h; the other 2 h are before Tết, Wed 03/02 15:00–17:00.
    assert run("2027-02-03 14:45") == {}
    assert run("2027-02-03 15:00") == {OccasionKind.BEFORE: 1}
    assert kinds(after_tet) == ["before"]
    assert run("2027-02-03 17:00") == {OccasionKind.DUE: 1}
    for day in range(4, 11):  # Thu 04/02 → Wed 10/02: Tết
        assert run(f"2027-02-{day:02d} 09:00") == {}, day
    assert run("2027-02-11 07:30") == {OccasionKind.OVERDUE: 1}  # first working day after Tết
    assert run("2027-02-11 09:30") == {OccasionKind.DUE: 1}  # the second line's own deadline
    assert run("2027-02-12 07:30") == {OccasionKind.OVERDUE: 2, OccasionKind.ESCALATION: 1}
    assert run("2027-02-13 09:00") == run("2027-02-14 09:00") == {}
    assert run("2027-02-15 07:30") == {OccasionKind.OVERDUE: 2, OccasionKind.ESCALATION: 1}
    assert kinds(before_tet) == ["before", "due", "overdue", "overdue", "escalation", "overdue"]
    titles = Notification.objects.filter(user=cast.specialist_a, kind=Kind.DEADLINE).values_list(
        "title", flat=True
    )
    assert any(t.startswith("Quá hạn 1 ngày làm việc: Về việc") for t in titles)  # Tết days not counted
    (escalation,) = Notification.objects.filter(kind=Kind.ESCALATION, title__contains="Về việc")
    assert escalation.user_id == cast.leader_a.pk  # the assigner only, as the agency chose
    assert escalation.title.startswith("Báo cáo quá hạn 2 ngày làm việc")


def test_finished_returned_recalled_and_forwarded_lines_get_nothing(cast: Cast) -> None:
    from eoffice.work import services as work

    deadline = "2027-03-08 17:00"
    done, returned, recalled, forwarded = (
        make_line(cast, "2027-03-01 09:00", deadline, title=f"Việc {n}") for n in range(4)
    )
    specialist, leader = actor_of(cast, cast.specialist_a), actor_of(cast, cast.leader_a)
    with time_machine.travel(at("2027-03-02 09:00"), tick=False):
        work.line_receive(line=done, actor=specialist)
        work.line_complete(line=AssignmentLine.objects.get(pk=done.pk), actor=specialist)
        work.line_return(line=returned, reason="Không đúng thẩm quyền", actor=specialist)
        work.line_recall(line=recalled, actor=leader, note="Giao nhầm")
        work.line_receive(line=forwarded, actor=specialist)
        (below,) = work.line_forward(
            line=AssignmentLine.objects.get(pk=forwarded.pk),
            specs=[work.LineSpec.person("lead", cast.unit_head_a.pk)],
            actor=specialist,
        )
    for when in ("2027-03-08 09:00", "2027-03-08 17:30", "2027-03-09 08:00", "2027-03-12 08:00"):
        run(when)
    assert not ReminderOccasion.objects.exclude(line=below).exists()
    assert kinds(below)[:2] == ["before", "due"]  # the forwarded work is chased where it now sits


def test_each_agency_keeps_its_own_schedule(cast: Cast) -> None:
    from eoffice.testing.cast import give_position, make_user

    worker_b = make_user("chuyenvien.b", "Ngô Văn Xã")
    give_position(worker_b, cast.agency_b, "Công chức", ["chuyen_vien"])
    admin = Actor(user=cast.superuser)
    line_a = make_line(cast, "2027-03-01 09:00", "2027-03-03 17:00")
    line_b = make_line(
        cast,
        "2027-03-01 09:00",
        "2027-03-03 17:00",
        assigner=cast.clerk_b,
        holder=worker_b,
        agency=cast.agency_b,
    )
    services.reminder_policy_set(actor=admin, agency=cast.agency_b, schedule=Schedule(enabled=False))
    run("2027-03-03 12:00")
    run("2027-03-03 17:30")
    assert kinds(line_a) == ["before", "due"] and kinds(line_b) == []
    # B turns it back on with only the escalation, after one working day.
    services.reminder_policy_set(
        actor=admin,
        agency=cast.agency_b,
        schedule=Schedule(hours_before=0, on_due_day=False, daily_overdue=False, escalate_after_days=1),
    )
    run("2027-03-04 08:00")
    assert kinds(line_a) == ["before", "due", "overdue"]
    assert kinds(line_b) == ["escalation"]
    assert Notification.objects.get(kind=Kind.ESCALATION).user_id == cast.clerk_b.pk
    assert not Reminder.objects.filter(line=line_b).exists()


def test_the_overdue_line_of_someone_who_left_is_reported_to_the_unit_they_left(cast: Cast) -> None:
    """Seen in the demo: the holder's post ended with the line still open; the escalation must
    still reach the head of their unit, who can open the line and chase it or give it to another."""
    services.reminder_policy_set(
        actor=actor_of(cast, cast.admin_a),
        agency=cast.agency_a,
        schedule=Schedule(escalate_after_days=1, escalate_to="unit_head"),
    )
    line = make_line(cast, "2027-03-01 09:00", "2027-03-03 17:00")
    cast.position(cast.specialist_a).__class__.objects.filter(user=cast.specialist_a).update(is_active=False)
    run("2027-03-04 08:00")
    assert kinds(line)[-1] == "escalation"
    (escalation,) = Notification.objects.filter(kind=Kind.ESCALATION)
    assert escalation.user_id == cast.unit_head_a.pk


def test_an_extended_deadline_earns_new_warnings_and_the_job_runs_the_service(cast: Cast) -> None:
    line = make_line(cast, "2027-03-01 09:00", "2027-03-03 17:00")
    run("2027-03-03 12:00")
    AssignmentLine.objects.filter(pk=line.pk).update(deadline=at("2027-03-05 17:00"))
    with time_machine.travel(at("2027-03-05 12:00"), tick=False):
        assert reminders_tick.call_local() == 1
        assert reminders_tick.call_local() == 0
    assert kinds(line) == ["before", "before"]
    assert list(ReminderOccasion.objects.filter(line=line).values_list("deadline", flat=True)) == [
        at("2027-03-03 17:00"),
        at("2027-03-05 17:00"),
    ]


def test_only_the_system_runs_it(cast: Cast) -> None:
    from eoffice.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        reminders_run_due(actor=actor_of(cast, cast.leader_a), now=datetime.now().astimezone())
