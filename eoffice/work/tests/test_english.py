"""The work box, its messages and the work API follow the reader's language: English when asked for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import translation

from eoffice.work import services
from eoffice.work.models import AssignmentLine


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    # A request in English leaves English active in this thread; later tests expect the default.
    before = translation.get_language()
    yield
    translation.activate(before)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _presented(cast, make_item, act) -> AssignmentLine:
    item = make_item(title="Công văn về tinh giản biên chế")
    services.item_present(item=item, leader_id=cast.leader_a.pk, actor=act(cast.clerk_a))
    return AssignmentLine.objects.get(item=item)


def test_work_box_renders_in_english_when_asked(cast, make_item, act) -> None:
    _presented(cast, make_item, act)
    english = client_for(cast.leader_a).get("/work/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    body = english.content.decode()
    assert '<html lang="en"' in body
    for words in ("Work box", "To do", "Due soon", "Overdue", "For information", "Assigned by"):
        assert words in body, words
    for vietnamese in ("Hộp việc</h1>", "Chờ xử lý", "Sắp đến hạn", "Nhận để biết"):
        assert vietnamese not in body, vietnamese
    # The item's subject is data, shown as entered; another agency's clerk does not see it.
    assert "Công văn về tinh giản biên chế" in body
    other = client_for(cast.clerk_b).get("/work/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Công văn về tinh giản biên chế" not in other and "Work box" in other
    default = client_for(cast.leader_a).get("/work/").content.decode()
    assert "Chờ xử lý" in default and "Due soon" not in default


def test_line_action_message_in_english(cast, make_item, act) -> None:
    line = _presented(cast, make_item, act)
    leader = client_for(cast.leader_a)
    done = leader.post(f"/work/lines/{line.pk}/receive/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert done.status_code == 200 and "Received." in done.content.decode()
    line.refresh_from_db()
    assert line.received_at is not None


def test_work_api_refusal_in_english(cast, make_item, act) -> None:
    line = _presented(cast, make_item, act)
    # Someone outside the line does not even learn that it exists, in either language.
    english = client_for(cast.specialist_a).post(
        f"/api/v1/work/lines/{line.pk}/receive", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 404
    assert english.json()["message"] == "Handling line not found."
    vietnamese = client_for(cast.specialist_a).post(f"/api/v1/work/lines/{line.pk}/receive")
    assert vietnamese.json()["message"] == "Không tìm thấy dòng xử lý."
    # The holder gets a translated validation error, and nothing changes.
    before = line.status
    refused = client_for(cast.leader_a).post(
        f"/api/v1/work/lines/{line.pk}/return",
        data={"reason": ""},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 422
    assert refused.json()["message"] == "Give a reason for returning."
    line.refresh_from_db()
    assert line.status == before and line.return_reason == ""
