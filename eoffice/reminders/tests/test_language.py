"""Text written for someone else — a notification — is in the installation's language (Vietnamese),
whatever the language of the page or API call that set it off: the sender may read English, the
person notified reads it later, in Vietnamese. What the sender is answered stays in the sender's."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.utils import translation

from eoffice.notifications.models import Kind, Notification
from eoffice.reminders.automatic import reminders_run_due
from eoffice.reminders.tests.conftest import SYSTEM, at, login, person_line
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def test_an_assignment_made_in_english_is_notified_in_vietnamese(cast: Cast) -> None:
    with translation.override("en"):
        person_line(cast, at("2027-03-08 09:30"))
    (note,) = Notification.objects.filter(user=cast.specialist_a)
    assert note.title == "Bạn được giao xử lý (Chủ trì): Về việc báo cáo tình hình phòng chống bão số 5"
    assert "Người giao: Trần Văn Lãnh Đạo" in note.body


def test_a_reminder_sent_from_an_english_client_reaches_the_holder_in_vietnamese(cast: Cast) -> None:
    line = person_line(cast, at("2027-03-08 09:30"))
    Notification.objects.all().delete()
    client = login(cast.leader_a)
    body = {"line_id": line.pk, "type": "nhac_nho", "message": "Please finish by Friday."}
    sent = client.post(
        "/api/v1/reminders", json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert sent.status_code == 201
    (note,) = Notification.objects.filter(user=cast.specialist_a, kind=Kind.REMINDER)
    assert note.title.startswith("Nhắc nhở (lần 1): ")
    # The sender is still answered in English.
    empty = client.post(
        "/api/v1/reminders",
        json.dumps({**body, "message": " "}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert empty.status_code == 422 and empty.json()["message"] == "Enter the reminder's message."


def test_automatic_reminders_run_from_an_english_page_are_in_vietnamese(cast: Cast) -> None:
    with time_machine.travel(at("2027-03-04 09:00"), tick=False):
        person_line(cast, at("2027-03-08 09:30"))
    moment = at("2027-03-05 09:00")
    with time_machine.travel(moment, tick=False), translation.override("en"):
        assert reminders_run_due(actor=SYSTEM, now=moment).sent
    (note,) = Notification.objects.filter(user=cast.specialist_a, kind=Kind.DEADLINE)
    assert note.title.startswith("Sắp đến hạn xử lý: ")
