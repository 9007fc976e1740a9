"""The bell, list and preferences pages and the API, for the standing cast."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client

from eoffice.core.actor import Actor
from eoffice.notifications import services
from eoffice.notifications.models import Kind, Notification
from eoffice.notifications.services import Message
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _notify(cast: Cast, user, url: str = "/work/") -> Notification:
    with transaction.atomic():
        (note,) = services.notification_send(
            actor=Actor.system("test"),
            users=[user],
            agency=cast.agency_a,
            message=Message(
                Kind.REMINDER, "Phê bình: chậm xử lý văn bản 45/UBND-VP", "Đề nghị hoàn thành ngay.", url
            ),
        )
    return note


def test_the_bell_counts_lists_and_opens(cast: Cast) -> None:
    note = _notify(cast, cast.specialist_a)
    client = login(cast.specialist_a)
    home = client.get("/")
    assert 'id="eo-bell"' in home.content.decode()
    badge = client.get("/notifications/bell/").content.decode()
    assert 'data-unread="1"' in badge
    menu = client.get("/notifications/bell/?part=menu").content.decode()
    assert "Phê bình: chậm xử lý" in menu
    opened = client.get(f"/notifications/{note.pk}/open/")
    assert opened.status_code == 302 and opened["Location"] == "/work/"
    assert "data-unread" not in client.get("/notifications/bell/").content.decode()
    page = client.get("/notifications/").content.decode()
    assert "Đánh dấu chưa đọc" in page
    assert client.post(f"/notifications/{note.pk}/unread/").status_code == 302
    assert client.post("/notifications/read-all/").status_code == 302
    assert Notification.objects.get().read_at is not None


def test_another_persons_notification_is_not_found(cast: Cast) -> None:
    note = _notify(cast, cast.specialist_a)
    for user in (cast.clerk_b, cast.leader_a):
        client = login(user)
        assert client.get(f"/notifications/{note.pk}/open/").status_code == 404
        assert client.post(f"/notifications/{note.pk}/read/").status_code == 404
        assert "Phê bình" not in client.get("/notifications/").content.decode()
    assert Notification.objects.get().read_at is None


def test_preferences_page_saves_each_channel(cast: Cast) -> None:
    client = login(cast.specialist_a)
    assert "Thư tổng hợp hằng ngày" in client.get("/notifications/preferences/").content.decode()
    client.post("/notifications/preferences/", {"bell": "on", "digest": "on"})
    api = client.get("/api/v1/notifications/preferences").json()
    assert api == {"bell": True, "email": False, "digest": True}


def test_api_lists_marks_and_refuses_strangers(cast: Cast) -> None:
    note = _notify(cast, cast.specialist_a)
    client = login(cast.specialist_a)
    rows = client.get("/api/v1/notifications?unread_only=true").json()
    assert [r["id"] for r in rows] == [note.pk] and rows[0]["kind"] == "reminder"
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    assert client.post(f"/api/v1/notifications/{note.pk}/read").json()["read_at"]
    assert client.post(f"/api/v1/notifications/{note.pk}/unread").json()["read_at"] is None
    assert client.post("/api/v1/notifications/read-all").json() == {"unread": 0}
    stranger = login(cast.clerk_b).post(f"/api/v1/notifications/{note.pk}/unread")
    assert stranger.status_code == 404 and stranger.json()["code"] == "not_found"
    bad = client.put(
        "/api/v1/notifications/preferences",
        json.dumps({"email": "sometimes"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert Client().get("/api/v1/notifications").status_code == 401
