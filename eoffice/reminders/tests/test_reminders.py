"""Đôn đốc: who may chase which line, numbering under concurrency, the bell, pages and API."""

from __future__ import annotations

import json

import pytest

from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.core.models import AuditEvent
from eoffice.notifications.models import Kind, Notification
from eoffice.reminders import selectors, services
from eoffice.reminders.models import Reminder, ReminderType
from eoffice.reminders.tests.conftest import actor_of, login
from eoffice.testing.cast import Cast
from eoffice.work import services as work
from eoffice.work.models import AssignmentLine

pytestmark = pytest.mark.django_db


def test_the_assigner_chases_a_person_line_and_the_person_hears_it(cast: Cast, lines) -> None:
    item, person, _unit = lines
    first = services.reminder_send(
        actor=actor_of(cast, cast.leader_a),
        line=person,
        type=ReminderType.NHAC_NHO,
        message="Đề nghị khẩn trương.",
    )
    second = services.reminder_send(
        actor=actor_of(cast, cast.leader_a), line=person, type=ReminderType.PHE_BINH, message="Chậm 2 ngày."
    )
    assert (first.ordinal, second.ordinal) == (1, 2)
    person.refresh_from_db()
    assert person.reminder_count == 2
    note = Notification.objects.filter(user=cast.specialist_a, kind=Kind.REMINDER).first()
    assert (
        note is not None
        and note.title.startswith("Phê bình (lần 2)")
        and note.url == f"/work/items/{item.pk}/"
    )
    assert selectors.counts_by_line([person.pk]) == {person.pk: {"nhac_nho": 1, "phe_binh": 1}}
    assert AuditEvent.objects.filter(verb="reminder.sent").count() == 2


def test_a_unit_line_reaches_the_unit_heads(cast: Cast, lines) -> None:
    _item, _person, unit = lines
    reminder = services.reminder_send(
        actor=actor_of(cast, cast.leader_a),
        line=unit,
        type=ReminderType.KIEM_DIEM,
        message="Yêu cầu kiểm điểm.",
    )
    assert reminder.recipient_ids == [cast.unit_head_a.pk]
    assert Notification.objects.filter(user=cast.unit_head_a, kind=Kind.REMINDER).exists()


def test_who_may_not_chase_is_refused_and_nothing_is_written(cast: Cast, lines) -> None:
    _item, person, _unit = lines
    for user in (cast.specialist_a, cast.clerk_a, cast.clerk_b, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.reminder_send(
                actor=actor_of(cast, user) if user != cast.outsider else Actor(user=user),
                line=person,
                type=ReminderType.NHAC_NHO,
                message="x",
            )
    assert not Reminder.objects.exists()
    person.refresh_from_db()
    assert person.reminder_count == 0


def test_bad_input_and_finished_lines_are_refused(cast: Cast, lines) -> None:
    _item, person, _unit = lines
    leader = actor_of(cast, cast.leader_a)
    for kind, message, code in [("khen", "x", "unknown_type"), ("nhac_nho", "   ", "message_required")]:
        with pytest.raises(ValidationFailed) as caught:
            services.reminder_send(actor=leader, line=person, type=kind, message=message)
        assert caught.value.code == code
    with pytest.raises(ValidationFailed):
        services.reminder_send(actor=leader, line=person, type="nhac_nho", message="x" * 1001)
    specialist = actor_of(cast, cast.specialist_a)
    work.line_receive(line=person, actor=specialist)
    work.line_complete(line=AssignmentLine.objects.get(pk=person.pk), actor=specialist)
    with pytest.raises(Conflict) as finished:
        services.reminder_send(actor=leader, line=person, type="nhac_nho", message="Nhắc")
    assert finished.value.code == "line_finished" and "Hoàn thành" in finished.value.message
    assert not Reminder.objects.exists()


def test_page_sends_shows_history_and_refuses_strangers(cast: Cast, lines) -> None:
    _item, person, _unit = lines
    leader = login(cast.leader_a)
    page = leader.get(f"/reminders/lines/{person.pk}/")
    assert page.status_code == 200 and "Gửi đôn đốc" in page.content.decode()
    bad = leader.post(f"/reminders/lines/{person.pk}/", {"type": "phe_binh", "message": " "})
    assert bad.status_code == 422 and "Phải nhập nội dung đôn đốc." in bad.content.decode()
    sent = leader.post(
        f"/reminders/lines/{person.pk}/", {"type": "phe_binh", "message": "Quá hạn, đề nghị giải trình."}
    )
    assert sent.status_code == 302
    mine = login(cast.specialist_a).get(f"/reminders/lines/{person.pk}/").content.decode()
    assert "Quá hạn, đề nghị giải trình." in mine and "Gửi đôn đốc" not in mine
    assert login(cast.clerk_b).get(f"/reminders/lines/{person.pk}/").status_code == 403
    item_page = leader.get(f"/work/items/{person.item_id}/").content.decode()
    assert f'data-remind-line="{person.pk}"' in item_page
    # The button only for those whom the page lets chase (it answered 403 to A's văn thư, who sees
    # the item but neither gave the line nor oversees it); the holder's count opens the history.
    for user in (cast.clerk_a, cast.specialist_a):
        assert (
            f'data-remind-line="{person.pk}"'
            not in login(user).get(f"/work/items/{person.item_id}/").content.decode()
        )
    assert login(cast.clerk_a).get(f"/reminders/lines/{person.pk}/").status_code == 403
    holder_page = login(cast.specialist_a).get(f"/work/items/{person.item_id}/").content.decode()
    assert f'href="/reminders/lines/{person.pk}/"' in holder_page


def test_api_sends_and_lists(cast: Cast, lines) -> None:
    _item, person, _unit = lines
    client = login(cast.leader_a)
    body = {"line_id": person.pk, "type": "nhac_nho", "message": "Nhắc hoàn thành trước thứ Sáu."}
    created = client.post("/api/v1/reminders", json.dumps(body), content_type="application/json")
    assert created.status_code == 201 and created.json()["ordinal"] == 1
    listed = login(cast.specialist_a).get(f"/api/v1/reminders/lines/{person.pk}").json()
    assert [r["message"] for r in listed] == ["Nhắc hoàn thành trước thứ Sáu."]
    stranger = login(cast.clerk_b)
    refused = stranger.post("/api/v1/reminders", json.dumps(body), content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert stranger.get(f"/api/v1/reminders/lines/{person.pk}").status_code == 403
    missing = client.post(
        "/api/v1/reminders", json.dumps({**body, "line_id": 999999}), content_type="application/json"
    )
    assert missing.status_code == 404
