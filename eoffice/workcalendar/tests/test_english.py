"""The calendar page in English: weekday and holiday names follow the chosen language."""

from __future__ import annotations

from django.test import Client

from eoffice.workcalendar.models import CalendarOverride

PAGE = "/calendar/"


def english_client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.post("/i18n/setlang/", {"language": "en", "next": PAGE})
    return client


def test_year_page_in_english_names_holidays_and_weekdays_in_english(cast) -> None:
    body = english_client(cast.clerk_a).get(PAGE, {"year": 2026}).content.decode()
    assert "Working calendar for" in body and "2026" in body
    assert "Lunar New Year" in body and "National Day" in body and "Vietnam Cultural Day" in body
    assert "Tuesday" in body  # 17/02/2026, the first day of Tết
    assert "<th>Mo</th>" in body and "<th>Su</th>" in body
    assert "Tết Nguyên Đán" not in body and "Thứ Ba" not in body
    # Read-only for a clerk, told so in English.
    assert "Only a system administrator may change the working calendar." in body


def test_vietnamese_stays_the_default(cast) -> None:
    client = Client()
    client.force_login(cast.clerk_a, backend="django.contrib.auth.backends.ModelBackend")
    body = client.get(PAGE, {"year": 2026}).content.decode()
    assert "Tết Nguyên Đán" in body and "Thứ Ba" in body and "<th>T2</th>" in body
    assert "Lunar New Year" not in body


def test_refusal_is_explained_in_english(cast) -> None:
    client = english_client(cast.superuser)
    before = CalendarOverride.objects.count()
    response = client.post(
        f"{PAGE}overrides/add/", {"day": "2026-02-17", "kind": "day_off", "reason": "x", "year": "2026"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Tuesday 17/02/2026 is already a public holiday (Lunar New Year)" in body
    assert CalendarOverride.objects.count() == before


def test_api_answers_in_the_requested_language(cast) -> None:
    client = Client()
    client.force_login(cast.clerk_a, backend="django.contrib.auth.backends.ModelBackend")
    english = client.get("/api/v1/calendar/years/2026", HTTP_ACCEPT_LANGUAGE="en").json()
    vietnamese = client.get("/api/v1/calendar/years/2026", HTTP_ACCEPT_LANGUAGE="vi").json()
    assert any(day["label"] == "National Day" for day in english["holidays"])
    assert any(day["weekday"] == "Wednesday" for day in english["holidays"])
    assert any(day["label"] == "Quốc khánh" for day in vietnamese["holidays"])
