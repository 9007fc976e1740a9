"""The calendar page: everyone signed in reads it, only superusers edit it."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from eoffice.workcalendar.models import CalendarOverride, CalendarSettings

PAGE = "/calendar/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(f"{PAGE}overrides/add/", {}).status_code == 302


@pytest.mark.parametrize("who", ["clerk_a", "admin_a", "clerk_b", "outsider"])
def test_everyone_signed_in_reads_but_cannot_edit(cast, who) -> None:
    response = client_for(getattr(cast, who)).get(PAGE, {"year": 2026})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lịch làm việc năm" in body and "2026" in body
    assert "Tết Nguyên Đán" in body and "Ngày Văn hóa Việt Nam" in body
    assert "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)" in body
    assert "22/08/2026" in body  # the seeded make-up Saturday
    assert 'id="eo-override-form"' not in body and 'id="eo-hours-form"' not in body
    assert "Chỉ quản trị hệ thống mới được sửa lịch làm việc." in body


@pytest.mark.parametrize("who", ["clerk_a", "admin_a", "leader_a"])
def test_non_superusers_cannot_post(cast, who) -> None:
    client = client_for(getattr(cast, who))
    seeded = CalendarOverride.objects.get(date=date(2026, 8, 22))
    add = {"day": "2026-03-03", "kind": "day_off", "reason": "Nghỉ thêm", "year": "2026"}
    assert client.post(f"{PAGE}overrides/add/", add).status_code == 403
    assert client.get(f"{PAGE}overrides/{seeded.pk}/edit/").status_code == 403
    assert client.post(f"{PAGE}overrides/{seeded.pk}/delete/").status_code == 403
    assert client.post(f"{PAGE}working-hours/", {"start_0": "08:00", "end_0": "12:00"}).status_code == 403
    assert client.post(f"{PAGE}seed/", {"year": "2026"}).status_code == 403
    assert CalendarOverride.objects.count() == 2


def test_superuser_page_is_phone_friendly_and_has_forms(cast) -> None:
    body = client_for(cast.superuser).get(PAGE, {"year": 2026}).content.decode()
    assert 'name="viewport"' in body and "table-responsive" in body
    assert 'id="eo-override-form"' in body and 'id="eo-hours-form"' in body
    assert 'value="07:30"' in body and 'value="17:00"' in body
    assert 'data-date="2026-02-17" data-working="0"' in body
    assert 'data-date="2026-08-22" data-working="1"' in body
    assert 'id="eo-working-days">249<' in body


def test_superuser_adds_edits_and_deletes_an_override(cast) -> None:
    client = client_for(cast.superuser)
    response = client.post(
        f"{PAGE}overrides/add/",
        {"day": "03/03/2026", "kind": "day_off", "reason": "Nghỉ thêm", "source": "QĐ 1", "year": "2026"},
    )
    assert response.status_code == 302 and response["Location"] == "/calendar/?year=2026"
    override = CalendarOverride.objects.get(date=date(2026, 3, 3))
    body = client.get(response["Location"]).content.decode()
    assert "Đã thêm ngày điều chỉnh 03/03/2026." in body and 'data-date="2026-03-03" data-working="0"' in body

    edit_url = f"{PAGE}overrides/{override.pk}/edit/"
    assert 'value="2026-03-03"' in client.get(edit_url).content.decode()
    response = client.post(
        edit_url, {"day": "2026-03-07", "kind": "working_day", "reason": "Làm bù", "source": ""}
    )
    assert response.status_code == 302
    override.refresh_from_db()
    assert override.date == date(2026, 3, 7) and override.kind == "working_day"

    response = client.post(f"{PAGE}overrides/{override.pk}/delete/", {"year": "2026"})
    assert response.status_code == 302
    assert not CalendarOverride.objects.filter(pk=override.pk).exists()
    assert client.post(f"{PAGE}overrides/{override.pk}/delete/").status_code == 404
    assert client.get(f"{PAGE}overrides/{override.pk}/edit/").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "2026-08-22", "kind": "working_day", "reason": "x"}, "Ngày 22/08/2026 đã có điều chỉnh"),
        ({"day": "2026-03-07", "kind": "day_off", "reason": "x"}, "là ngày nghỉ cuối tuần"),
        ({"day": "2026-02-17", "kind": "day_off", "reason": "x"}, "đã là ngày nghỉ lễ (Tết Nguyên Đán)"),
        ({"day": "2026-03-03", "kind": "working_day", "reason": "x"}, "vốn là ngày làm việc"),
        ({"day": "2026-03-03", "kind": "day_off", "reason": ""}, "Cần nhập lý do."),
        ({"day": "31/02/2026", "kind": "day_off", "reason": "x"}, "Ngày không hợp lệ"),
        ({"day": "2026-03-03", "kind": "nghi", "reason": "x"}, "Loại điều chỉnh không hợp lệ."),
        ({"day": "2026-03-03", "kind": "day_off", "reason": "x" * 600}, "500"),
    ],
)
def test_bad_override_input_is_explained_in_vietnamese(cast, data, message) -> None:
    response = client_for(cast.superuser).post(f"{PAGE}overrides/add/", dict(data, year="2026"))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert CalendarOverride.objects.count() == 2


def test_edit_refusal_is_shown_beside_the_field(cast) -> None:
    client = client_for(cast.superuser)
    override = CalendarOverride.objects.get(date=date(2025, 4, 26))
    response = client.post(
        f"{PAGE}overrides/{override.pk}/edit/", {"day": "2026-08-22", "kind": "working_day", "reason": "x"}
    )
    assert response.status_code == 422 and "đã có điều chỉnh" in response.content.decode()


def test_superuser_changes_working_hours(cast) -> None:
    client = client_for(cast.superuser)
    data = {"start_0": "08:00", "end_0": "12:00", "start_1": "13:00", "end_1": "17:00", "year": "2026"}
    response = client.post(f"{PAGE}working-hours/", data)
    assert response.status_code == 302
    assert CalendarSettings.objects.get(pk=1).sessions[0] == {"start": "08:00", "end": "12:00"}
    assert "Đã lưu giờ làm việc." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start_0": "08:00", "end_0": "25:00"}, "phải nằm trong khoảng 00:00–24:00"),
        ({"start_0": "12:00", "end_0": "08:00"}, "phải sau giờ bắt đầu"),
        ({"start_0": "08:00", "end_0": "12:00", "start_1": "11:00", "end_1": "17:00"}, "chồng lên ca 1"),
        (
            {"start_0": "13:00", "end_0": "17:00", "start_1": "08:00", "end_1": "12:00"},
            "theo thứ tự thời gian",
        ),
        ({"start_0": "8 giờ", "end_0": "12:00"}, "Nhập theo dạng HH:MM"),
        ({"start_0": "08:00", "end_0": ""}, "Nhập theo dạng HH:MM"),
        ({}, "Cần từ 1 đến 4 ca làm việc"),
    ],
)
def test_bad_working_hours_are_explained(cast, data, message) -> None:
    response = client_for(cast.superuser).post(f"{PAGE}working-hours/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert CalendarSettings.objects.get(pk=1).sessions[0] == {"start": "07:30", "end": "11:30"}


def test_bad_working_hours_are_marked_for_screen_readers(cast) -> None:
    # Beside the field as every other form's errors (invalid-feedback), on top as an alert.
    client = client_for(cast.superuser)
    body = client.post(f"{PAGE}working-hours/", {"start_0": "2026-13-45", "end_0": "12:00"}).content.decode()
    assert '<div class="invalid-feedback d-block" data-field="start_0">' in body
    body = client.post(f"{PAGE}working-hours/", {}).content.decode()
    assert 'class="alert alert-danger py-2" role="alert">Cần từ 1 đến 4 ca làm việc' in body


def test_seed_button(cast) -> None:
    CalendarOverride.objects.filter(date=date(2026, 8, 22)).delete()
    client = client_for(cast.superuser)
    assert 'id="eo-missing-makeup"' in client.get(PAGE, {"year": 2026}).content.decode()
    response = client.post(f"{PAGE}seed/", {"year": "2026"})
    assert response.status_code == 302 and CalendarOverride.objects.filter(date=date(2026, 8, 22)).exists()
    body = client.get(response["Location"]).content.decode()
    assert "Đã thêm ngày làm bù: 22/08/2026." in body and 'id="eo-missing-makeup"' not in body


def test_calculator_partial(cast) -> None:
    client = client_for(cast.clerk_a)
    client.defaults["HTTP_HX_REQUEST"] = "true"
    url = f"{PAGE}calculate/"
    body = client.get(
        url, {"operation": "add_days", "start": "2026-02-13T10:00", "amount": "1"}
    ).content.decode()
    assert "23/02/2026 10:00" in body and "<html" not in body
    body = client.get(
        url, {"operation": "add_hours", "start": "2026-11-23T16:00", "amount": "2"}
    ).content.decode()
    assert "25/11/2026 08:30" in body
    body = client.get(
        url, {"operation": "between", "start": "2026-02-13T10:00", "end": "2026-02-23T10:30"}
    ).content.decode()
    assert "8 giờ 00 phút" in body
    body = client.get(
        url, {"operation": "between", "start": "2026-02-13T10:00", "end": "2026-02-12T10:30"}
    ).content.decode()
    assert "Thời điểm kết thúc phải sau thời điểm bắt đầu." in body
    body = client.get(
        url, {"operation": "add_days", "start": "2026-02-13T10:00", "amount": "1.5"}
    ).content.decode()
    assert "phải là số nguyên" in body
    body = client.get(
        url, {"operation": "add_days", "start": "2100-12-20T10:00", "amount": "30"}
    ).content.decode()
    assert "nằm ngoài khoảng năm" in body


def test_bad_year_parameter_falls_back_to_this_year(cast) -> None:
    from django.utils import timezone

    response = client_for(cast.clerk_a).get(PAGE, {"year": "<script>"})
    assert response.status_code == 200
    assert f"Lịch làm việc năm {timezone.localdate().year}" in response.content.decode()
    assert client_for(cast.clerk_a).get(PAGE, {"year": "1900"}).status_code == 200


def test_calculator_without_javascript_gets_a_whole_page(cast) -> None:
    response = client_for(cast.clerk_a).get(
        f"{PAGE}calculate/", {"operation": "add_days", "start": "2026-02-13T10:00", "amount": "1"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body and "23/02/2026 10:00" in body
