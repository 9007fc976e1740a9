"""The calendar API: who may read, who may write, structured errors."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from eoffice.accounts.models import ApiToken
from eoffice.accounts.tokens import hash_key, new_key
from eoffice.core.models import AuditEvent
from eoffice.workcalendar.models import CalendarOverride, CalendarSettings

BASE = "/api/v1/calendar"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def post_json(client: Client, url: str, body: object, method: str = "post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_anonymous_is_refused(client: Client, db: None) -> None:
    response = client.get(f"{BASE}/years/2026")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert post_json(client, f"{BASE}/overrides", {}).status_code == 401


def test_year_calendar(cast) -> None:
    response = client_for(cast.clerk_b).get(f"{BASE}/years/2026")
    assert response.status_code == 200
    body = response.json()
    assert body["sessions"] == [{"start": "07:30", "end": "11:30"}, {"start": "13:30", "end": "17:00"}]
    holidays = {h["date"]: h["label"] for h in body["holidays"]}
    assert holidays["2026-02-17"] == "Tết Nguyên Đán"
    assert holidays["2026-11-24"] == "Ngày Văn hóa Việt Nam"
    assert [o["date"] for o in body["overrides"]] == ["2026-08-22"]
    off = [d["date"] for d in body["weekday_days_off"]]
    assert "2026-04-27" in off and "2026-08-31" in off and "2026-04-26" not in off  # Sunday is not "weekday"
    assert [d["date"] for d in body["extra_working_days"]] == ["2026-08-22"]
    assert body["missing_makeup_days"] == []
    # 261 weekdays - 13 weekday holidays (Giỗ Tổ falls on a Sunday) + 1 make-up Saturday.
    assert body["working_days"] == 249


def test_year_out_of_range(cast) -> None:
    response = client_for(cast.clerk_a).get(f"{BASE}/years/1900")
    assert response.status_code == 422 and response.json()["code"] == "year_out_of_range"


def test_day_status(cast) -> None:
    client = client_for(cast.specialist_a)
    body = client.get(f"{BASE}/days/2026-04-27").json()
    assert body["working"] is False and "Giỗ Tổ" in body["holiday"]
    body = client.get(f"{BASE}/days/2026-08-22").json()
    assert body["working"] is True and body["override"]["kind"] == "working_day"


def test_add_working_days(cast) -> None:
    client = client_for(cast.clerk_a)
    response = client.get(f"{BASE}/add-working-days", {"start": "2026-02-13T10:00:00+07:00", "days": "1"})
    assert response.status_code == 200
    assert response.json()["result"] == "2026-02-23T10:00:00+07:00"
    # Without an offset the instant is read as Vietnam time; UTC input is converted.
    assert (
        client.get(f"{BASE}/add-working-days", {"start": "2026-08-21T10:00", "days": "1"}).json()["result"]
        == "2026-08-22T10:00:00+07:00"
    )
    assert (
        client.get(f"{BASE}/add-working-days", {"start": "2026-02-13T03:00:00Z", "days": "1"}).json()[
            "result"
        ]
        == "2026-02-23T10:00:00+07:00"
    )


def test_add_working_hours_and_working_time(cast) -> None:
    client = client_for(cast.leader_a)
    response = client.get(f"{BASE}/add-working-hours", {"start": "2026-11-23T16:00:00+07:00", "hours": "2"})
    assert response.json()["result"] == "2026-11-25T08:30:00+07:00"
    response = client.get(
        f"{BASE}/working-time", {"start": "2026-02-13T10:00:00+07:00", "end": "2026-02-23T10:30:00+07:00"}
    )
    assert response.status_code == 200 and response.json()["hours"] == 8.0


def test_bearer_token_reads(cast) -> None:
    key, prefix = new_key()
    ApiToken.objects.create(
        kind="personal", name="lịch", user=cast.clerk_a, prefix=prefix, key_hash=hash_key(key)
    )
    response = Client().get(
        f"{BASE}/add-working-days",
        {"start": "2026-02-13T10:00:00+07:00", "days": "1"},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "params", "code"),
    [
        ("add-working-days", {"start": "hôm nay", "days": "1"}, "invalid_input"),
        ("add-working-days", {"start": "2026-02-13T10:00", "days": 99999}, "invalid_input"),
        ("add-working-days", {"start": "2100-12-20T10:00", "days": 30}, "out_of_range"),
        ("add-working-hours", {"start": "2026-02-13T10:00", "hours": "-1"}, "invalid_input"),
        ("add-working-hours", {"start": "2026-02-13T10:00", "hours": "NaN"}, "invalid_input"),
        ("add-working-hours", {"start": "2026-02-13T10:00"}, "invalid_input"),
        ("working-time", {"start": "2026-02-13T10:00", "end": "2026-02-12T10:00"}, "end_before_start"),
        ("working-time", {"start": "1960-02-13T10:00", "end": "2026-02-12T10:00"}, "out_of_range"),
    ],
)
def test_bad_queries_get_structured_errors(cast, path, params, code) -> None:
    response = client_for(cast.clerk_a).get(f"{BASE}/{path}", params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code and body["message"]


OVERRIDE = {"date": "2026-03-03", "kind": "day_off", "reason": "Nghỉ thêm", "source": "QĐ 1/QĐ-TTg"}


@pytest.mark.parametrize("who", ["admin_a", "leader_a", "clerk_a", "clerk_b", "outsider"])
def test_writes_are_for_system_admins_only(cast, who) -> None:
    client = client_for(getattr(cast, who))
    response = post_json(client, f"{BASE}/overrides", OVERRIDE)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    seeded = CalendarOverride.objects.get(date=date(2026, 8, 22))
    assert client.delete(f"{BASE}/overrides/{seeded.pk}").status_code == 403
    assert post_json(client, f"{BASE}/overrides/{seeded.pk}", OVERRIDE, "put").status_code == 403
    hours = {"sessions": [{"start": "08:00", "end": "12:00"}]}
    assert post_json(client, f"{BASE}/working-hours", hours, "put").status_code == 403
    assert client.post(f"{BASE}/years/2026/seed").status_code == 403
    assert CalendarOverride.objects.count() == 2
    assert not AuditEvent.objects.filter(verb__startswith="calendar.").exists()


def test_superuser_creates_updates_deletes(cast) -> None:
    client = client_for(cast.superuser)
    response = post_json(client, f"{BASE}/overrides", OVERRIDE)
    assert response.status_code == 201
    created = response.json()
    assert created["kind"] == "day_off" and created["source"] == "QĐ 1/QĐ-TTg"
    check = client.get(f"{BASE}/add-working-days", {"start": "2026-03-02T09:00", "days": "1"}).json()
    assert check["result"] == "2026-03-04T09:00:00+07:00"

    changed = dict(OVERRIDE, date="2026-03-07", kind="working_day", reason="Làm bù")
    response = post_json(client, f"{BASE}/overrides/{created['id']}", changed, "put")
    assert response.status_code == 200 and response.json()["date"] == "2026-03-07"

    assert client.delete(f"{BASE}/overrides/{created['id']}").status_code == 204
    response = client.delete(f"{BASE}/overrides/{created['id']}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_superuser_bad_writes(cast) -> None:
    client = client_for(cast.superuser)
    response = post_json(client, f"{BASE}/overrides", dict(OVERRIDE, date="2026-08-22", kind="working_day"))
    assert response.status_code == 409 and response.json()["code"] == "date_already_overridden"
    response = post_json(client, f"{BASE}/overrides", dict(OVERRIDE, date="2026-03-07"))
    assert response.status_code == 422 and response.json()["field"] == "date"
    response = post_json(client, f"{BASE}/overrides", dict(OVERRIDE, reason="x" * 100_000))
    assert response.status_code == 422 and response.json()["code"] == "too_long"
    response = post_json(
        client, f"{BASE}/overrides", {"date": "31/02/2026", "kind": "day_off", "reason": "x"}
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    response = client.post(f"{BASE}/overrides", data="{not json", content_type="application/json")
    assert response.status_code in {400, 422}


def test_superuser_sets_working_hours(cast) -> None:
    client = client_for(cast.superuser)
    body = {"sessions": [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]}
    response = post_json(client, f"{BASE}/working-hours", body, "put")
    assert response.status_code == 200 and response.json() == body["sessions"]
    result = client.get(f"{BASE}/add-working-hours", {"start": "2026-03-02T08:00", "hours": "4"}).json()[
        "result"
    ]
    assert result == "2026-03-02T12:00:00+07:00"

    for sessions, code in [
        ([{"start": "08:00", "end": "25:00"}], "session_out_of_day"),
        ([{"start": "08:00", "end": "12:00"}, {"start": "11:00", "end": "17:00"}], "sessions_overlap"),
        ([{"start": "12:00", "end": "08:00"}], "session_end_before_start"),
        ([{"start": "8h", "end": "12:00"}], "invalid_time"),
        ([{"start": "08:00", "end": "09:00"}] * 50, "sessions_count"),
    ]:
        response = post_json(client, f"{BASE}/working-hours", {"sessions": sessions}, "put")
        assert response.status_code == 422 and response.json()["code"] == code, sessions
    assert CalendarSettings.objects.get(pk=1).sessions == body["sessions"]


def test_superuser_seeds_a_year(cast) -> None:
    CalendarOverride.objects.filter(date=date(2026, 8, 22)).delete()
    client = client_for(cast.superuser)
    assert client.get(f"{BASE}/years/2026").json()["missing_makeup_days"] == ["2026-08-22"]
    response = client.post(f"{BASE}/years/2026/seed")
    assert response.status_code == 200 and [o["date"] for o in response.json()] == ["2026-08-22"]


def test_openapi_documents_the_calendar(client: Client, db: None) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths[f"{BASE}/add-working-days"]["get"]["summary"]
    assert "post" in paths[f"{BASE}/overrides"]
