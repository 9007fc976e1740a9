"""The agency admin's automatic reminder schedule, on the page and through the API: who may, who
may not (standing cast), the defaults, and bad input refused with a clear message."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eoffice.core.models import AuditEvent
from eoffice.reminders.models import ReminderPolicy
from eoffice.reminders.tests.conftest import login
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db

PAGE = "/reminders/policy/"
GOOD = {
    "enabled": "on",
    "hours_before": "4",
    "on_due_day": "on",
    "escalate_after_days": "2",
    "escalate_to": "unit_head",
}


def _api(cast: Cast, agency: Any) -> str:
    return f"/api/v1/reminders/policies/{agency.pk}"


def test_the_admin_sees_the_defaults_then_saves_the_agencys_own(cast: Cast) -> None:
    admin = login(cast.admin_a)
    page = admin.get(PAGE)
    body = page.content.decode()
    assert page.status_code == 200 and "đang dùng cấu hình mặc định" in body
    assert 'name="hours_before" id="id_hours_before" value="8"' in body
    assert 'name="escalate_after_days" id="id_escalate_after_days" value="3"' in body
    saved = admin.post(PAGE, GOOD)
    assert saved.status_code == 302 and saved["Location"] == f"{PAGE}?agency={cast.agency_a.pk}"
    policy = ReminderPolicy.objects.get(agency=cast.agency_a)
    assert (policy.hours_before, policy.on_due_day, policy.daily_overdue) == (4, True, False)
    assert (policy.escalate_after_days, policy.escalate_to, policy.updated_by) == (
        2,
        "unit_head",
        cast.admin_a,
    )
    event = AuditEvent.objects.get(verb="reminder.policy_set")
    assert event.data["before"] is None and event.data["after"]["hours_before"] == 4
    again = admin.get(saved["Location"]).content.decode()
    assert "đang dùng cấu hình mặc định" not in again and 'value="4"' in again
    assert "Đôn đốc tự động" in admin.get("/").content.decode()  # in the admin's menu


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hours_before", "-2", "Số giờ làm việc báo trước hạn phải là số nguyên từ 0 (không báo) đến 120."),
        ("hours_before", "mười", "Số giờ làm việc báo trước hạn phải là số nguyên từ 0 (không báo) đến 120."),
        (
            "hours_before",
            "9" * 5000,
            "Số giờ làm việc báo trước hạn phải là số nguyên từ 0 (không báo) đến 120.",
        ),
        ("escalate_after_days", "365", "phải là số nguyên từ 0 (không báo) đến 60."),
        ("escalate_to", "giam_doc_so", "Người nhận báo cáo quá hạn không hợp lệ."),
    ],
)
def test_bad_input_on_the_page_is_refused_beside_the_field(
    cast: Cast, field: str, value: str, message: str
) -> None:
    refused = login(cast.admin_a).post(PAGE, {**GOOD, field: value})
    body = refused.content.decode()
    assert refused.status_code == 422 and message in body
    assert f'id="id_{field}"' in body and "is-invalid" in body
    assert not ReminderPolicy.objects.exists()


def test_only_the_agencys_admin_may_see_or_change_its_schedule(cast: Cast) -> None:
    a = f"{PAGE}?agency={cast.agency_a.pk}"
    for user in (cast.clerk_b, cast.leader_a, cast.specialist_a, cast.clerk_a, cast.outsider):
        client = login(user)
        assert client.get(a).status_code == 403, user
        assert client.post(a, GOOD).status_code == 403, user
    # A's admin does not administer B (a commune under the province, not under A).
    admin = login(cast.admin_a)
    assert admin.get(f"{PAGE}?agency={cast.agency_b.pk}").status_code == 403
    assert admin.post(f"{PAGE}?agency={cast.agency_b.pk}", GOOD).status_code == 403
    assert admin.get(f"{PAGE}?agency=999999").status_code == 404
    assert admin.get(f"{PAGE}?agency=abc").status_code == 404
    assert not ReminderPolicy.objects.exists()
    # The system administrator may set any agency's.
    assert login(cast.superuser).post(f"{PAGE}?agency={cast.agency_b.pk}", GOOD).status_code == 302
    assert ReminderPolicy.objects.get().agency == cast.agency_b


def test_the_system_admin_chooses_the_agency_first(cast: Cast) -> None:
    """A system admin acts for no agency: the menu's link gives a search of agencies, not a 404."""
    admin = login(cast.superuser)
    assert f'href="{PAGE}"' in admin.get("/").content.decode()
    page = admin.get(PAGE)
    body = page.content.decode()
    assert page.status_code == 200 and 'id="reminder-agencies"' in body
    assert f'href="?agency={cast.agency_a.pk}"' in body and f'href="?agency={cast.agency_b.pk}"' in body
    # Accent-insensitive, as the directory's own search.
    found = admin.get(PAGE, {"q": "dong tam"}).content.decode()
    assert f'href="?agency={cast.agency_b.pk}"' in found and f'href="?agency={cast.agency_a.pk}"' not in found
    assert "Không tìm thấy cơ quan." in admin.get(PAGE, {"q": "không có cơ quan này"}).content.decode()
    chosen = admin.get(f"{PAGE}?agency={cast.agency_b.pk}").content.decode()
    assert cast.agency_b.name in chosen and "Chọn cơ quan khác" in chosen
    # An agency admin still lands on their own agency's schedule, with no choice to make.
    own = login(cast.admin_a).get(PAGE).content.decode()
    assert 'id="id_hours_before"' in own and "Chọn cơ quan khác" not in own


def test_api_reads_and_sets_with_structured_errors(cast: Cast) -> None:
    admin, url = login(cast.admin_a), _api(cast, cast.agency_a)
    shown = admin.get(url).json()
    assert shown["is_default"] is True and shown["hours_before"] == 8 and shown["escalate_to"] == "both"
    body: dict[str, Any] = {
        "hours_before": 6,
        "escalate_after_days": 5,
        "escalate_to": "assigner",
        "daily_overdue": False,
    }
    put = admin.put(url, json.dumps(body), content_type="application/json")
    assert put.status_code == 200
    assert put.json() | {"updated_at": None} == {
        "agency_id": cast.agency_a.pk,
        "is_default": False,
        "enabled": True,
        "hours_before": 6,
        "on_due_day": True,
        "daily_overdue": False,
        "escalate_after_days": 5,
        "escalate_to": "assigner",
        "updated_at": None,
    }
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"hours_before": -4}, "invalid_hours_before", "hours_before"),
        ({"hours_before": 10**9}, "invalid_hours_before", "hours_before"),
        ({"escalate_after_days": -1}, "invalid_escalate_after_days", "escalate_after_days"),
        ({"escalate_to": "boss"}, "invalid_escalate_to", "escalate_to"),
    ]
    for bad, code, field in cases:
        refused = admin.put(url, json.dumps({**body, **bad}), content_type="application/json")
        assert refused.status_code == 422, bad
        assert refused.json()["code"] == code and refused.json()["field"] == field
        assert refused.json()["message"].startswith(("Số", "Người"))
    wrong_type = admin.put(url, json.dumps({**body, "hours_before": "tám"}), content_type="application/json")
    assert wrong_type.status_code == 422 and wrong_type.json()["code"] == "invalid_input"
    assert ReminderPolicy.objects.get().hours_before == 6  # nothing changed by the refusals


def test_api_refuses_other_agencies_and_strangers(cast: Cast) -> None:
    body = json.dumps({"hours_before": 1, "escalate_after_days": 1})
    stranger = login(cast.clerk_b)
    for response in (
        stranger.get(_api(cast, cast.agency_a)),
        stranger.put(_api(cast, cast.agency_a), body, content_type="application/json"),
        login(cast.admin_a).put(_api(cast, cast.agency_b), body, content_type="application/json"),
        login(cast.leader_a).put(_api(cast, cast.agency_a), body, content_type="application/json"),
    ):
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    missing = login(cast.admin_a).get("/api/v1/reminders/policies/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert not ReminderPolicy.objects.exists()
