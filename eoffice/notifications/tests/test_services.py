"""Sending: the bell, e-mail over a real SMTP server, retries, preferences, urgency, the digest."""

from __future__ import annotations

import pytest
from django.db import transaction

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, ValidationFailed
from eoffice.core.models import AuditEvent
from eoffice.notifications import digests, email, selectors, services
from eoffice.notifications.models import ChannelSend, DigestRun, Kind, Notification, SendStatus
from eoffice.notifications.services import Message
from eoffice.notifications.tests.conftest import Inbox
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db(transaction=True)

SYSTEM = Actor.system("test")


def _me(user) -> Actor:
    return Actor(user=user)


def _send(cast: Cast, *users, urgent: bool = False, title: str = "Văn bản số 45/UBND-VP cần xử lý") -> list:
    with transaction.atomic():
        return services.notification_send(
            actor=SYSTEM,
            users=users,
            agency=cast.agency_a,
            message=Message(Kind.ASSIGNED, title, "Hạn xử lý: 05/12/2026", "/work/items/1/", urgent),
        )


def test_a_notification_rings_the_bell_and_is_emailed_in_vietnamese(cast: Cast, smtp: Inbox) -> None:
    cast.specialist_a.email = "chuyenvien@example.gov.vn"
    cast.specialist_a.save()
    _send(cast, cast.specialist_a)
    assert selectors.unread_count(actor=_me(cast.specialist_a)) == 1
    assert ChannelSend.objects.get().status == SendStatus.SENT
    (mail,) = smtp.messages
    assert mail["To"] == "chuyenvien@example.gov.vn"
    assert mail["Subject"].strip() == "[eOffice] Văn bản số 45/UBND-VP cần xử lý"
    body = mail.get_content()
    assert "Kính gửi" in body and "Hạn xử lý: 05/12/2026" in body
    assert "http://127.0.0.1:8000/work/items/1/" in body
    assert AuditEvent.objects.filter(verb="notification.sent").exists()


def test_preferences_are_respected_and_urgent_documents_reach_every_channel(cast: Cast, smtp: Inbox) -> None:
    for user in (cast.specialist_a, cast.leader_a):
        user.email = f"{user.username}@example.gov.vn"
        user.save()
    services.preferences_set(actor=_me(cast.specialist_a), choices={"bell": False, "email": False})
    _send(cast, cast.specialist_a, cast.leader_a)
    assert selectors.unread_count(actor=_me(cast.specialist_a)) == 0  # kept, but already read
    assert Notification.objects.filter(user=cast.specialist_a).count() == 1
    assert [m["To"] for m in smtp.messages] == [cast.leader_a.email]
    _send(cast, cast.specialist_a, urgent=True, title="Hỏa tốc: họp khẩn phòng chống bão")
    assert selectors.unread_count(actor=_me(cast.specialist_a)) == 1
    assert smtp.messages[-1]["To"] == cast.specialist_a.email
    assert smtp.messages[-1]["Subject"].strip().startswith("[KHẨN] [eOffice] Hỏa tốc")
    assert "VĂN BẢN KHẨN" in smtp.messages[-1].get_content()


def test_a_failing_mail_server_is_retried_with_growing_waits_then_recorded(
    cast: Cast, smtp_down: int
) -> None:
    cast.specialist_a.email = "cv@example.gov.vn"
    cast.specialist_a.save()
    _send(cast, cast.specialist_a)  # the first attempt runs at commit (Huey is immediate in tests)
    send = ChannelSend.objects.get()
    assert (send.status, send.attempts) == (SendStatus.FAILED, 1)
    assert "Connection" in send.last_error or "refused" in send.last_error.lower()
    assert [email.attempt_send(send.pk) for _ in range(3)] == [10.0, 20.0, None]
    assert email.attempt_send(send.pk) is None  # no fifth attempt
    send.refresh_from_db()
    assert (send.status, send.attempts) == (SendStatus.FAILED, 4)
    # The bell did not wait for the mail server.
    assert selectors.unread_count(actor=_me(cast.specialist_a)) == 1
    assert list(selectors.failed_sends(actor=_me(cast.specialist_a))) == [send]


def test_the_daily_digest_goes_once_to_those_who_asked(cast: Cast, smtp: Inbox) -> None:
    cast.specialist_a.email = "cv@example.gov.vn"
    cast.specialist_a.save()
    services.preferences_set(actor=_me(cast.specialist_a), choices={"email": False, "digest": True})
    _send(cast, cast.specialist_a, title="Văn bản thứ nhất")
    _send(cast, cast.specialist_a, cast.leader_a, title="Văn bản thứ hai")
    assert [m for m in smtp.messages if m["To"] == "cv@example.gov.vn"] == []
    runs = digests.digests_plan()
    assert len(runs) == 1 and digests.digests_plan() == runs
    assert email.attempt_digest(runs[0]) is None
    assert digests.digests_plan() == []  # sent: planning again sends nothing twice
    (mail,) = [m for m in smtp.messages if m["To"] == "cv@example.gov.vn"]
    assert "Tổng hợp thông báo ngày" in mail["Subject"] and "(2)" in mail["Subject"]
    body = mail.get_content()
    assert "1. " in body and "Văn bản thứ nhất" in body and "Văn bản thứ hai" in body
    assert DigestRun.objects.get().count == 2


def test_read_state_belongs_to_its_owner(cast: Cast) -> None:
    (note,) = _send(cast, cast.specialist_a)
    with pytest.raises(NotFound):
        services.notification_mark(actor=_me(cast.clerk_b), notification_id=note.pk, read=True)
    services.notification_mark(actor=_me(cast.specialist_a), notification_id=note.pk, read=True)
    assert selectors.unread_count(actor=_me(cast.specialist_a)) == 0
    services.notification_mark(actor=_me(cast.specialist_a), notification_id=note.pk, read=False)
    assert services.notifications_mark_all_read(actor=_me(cast.specialist_a)) == 1


def test_bad_messages_are_refused_and_foreign_links_dropped(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.notification_send(
            actor=SYSTEM, users=[cast.specialist_a], agency=cast.agency_a, message=Message("spam", "x")
        )
    assert caught.value.code == "unknown_kind"
    with pytest.raises(ValidationFailed):
        services.notification_send(
            actor=SYSTEM, users=[cast.specialist_a], agency=cast.agency_a, message=Message(Kind.OTHER, "  ")
        )
    with pytest.raises(ValidationFailed):
        services.preferences_set(actor=_me(cast.specialist_a), choices={"sms": True})
    (note,) = services.notification_send(
        actor=SYSTEM,
        users=[cast.specialist_a],
        agency=cast.agency_a,
        message=Message(Kind.OTHER, "Xem", url="//evil.example/phish"),
    )
    assert note.url == ""
