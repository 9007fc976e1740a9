from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from eoffice.accounts import services
from eoffice.core.models import AuditEvent
from eoffice.people.tests.helpers import actor_of, client_for
from eoffice.testing.cast import PASSWORD

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def _signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def test_login_page_keeps_its_fields(client: Client) -> None:
    body = client.get("/accounts/login/").content.decode()
    assert 'id="id_username"' in body and 'id="id_password"' in body and 'type="submit"' in body
    assert "SSO" not in body  # single sign-on is off unless configured


@pytest.mark.parametrize("length", [151, 100_000])
def test_an_overlong_username_is_refused_beside_the_field_before_any_attempt(
    client: Client, length: int
) -> None:
    # django-axes records a failed attempt's username in 255 characters; PostgreSQL refuses more.
    from axes.models import AccessAttempt

    response = client.post("/accounts/login/", {"username": "a" * length, "password": PASSWORD})
    body = response.content.decode()
    assert response.status_code == 200 and 'id="username-error"' in body and "150" in body
    assert not AccessAttempt.objects.exists() and not _signed_in(client)


def test_an_empty_sign_in_says_beside_each_field_what_is_missing(client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "", "password": ""})
    body = response.content.decode()
    assert response.status_code == 200 and not _signed_in(client)
    assert 'id="username-error"' in body and 'id="password-error"' in body
    assert body.count("Trường này là bắt buộc.") == 2 and "This field is required." not in body
    assert 'aria-describedby="username-error"' in body and "is-invalid" in body


def test_password_login_without_two_factor(cast, client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "vanthu.a", "password": PASSWORD})
    assert response.status_code == 302
    assert _signed_in(client)


def test_wrong_password_is_refused_in_vietnamese(cast, client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "vanthu.a", "password": "sai"})
    assert response.status_code == 200
    assert "tên đăng nhập" in response.content.decode().lower()
    assert not _signed_in(client)


def test_lockout_after_repeated_failures(cast, client: Client) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert client.post("/accounts/login/", {"username": "vanthu.a", "password": "sai"}).status_code == 200
    locked = client.post("/accounts/login/", {"username": "vanthu.a", "password": "sai"})
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Tạm khóa đăng nhập" in body and 'id="eo-locked-out"' in body
    # Even the right password is refused while locked out.
    again = client.post("/accounts/login/", {"username": "vanthu.a", "password": PASSWORD})
    assert again.status_code == 429
    assert not _signed_in(client)
    # Another person from the same address is not affected.
    other = Client()
    assert other.post("/accounts/login/", {"username": "lanhdao.a", "password": PASSWORD}).status_code == 302


def test_inactive_user_cannot_sign_in(cast, client: Client) -> None:
    cast.clerk_a.is_active = False
    cast.clerk_a.save()
    client.post("/accounts/login/", {"username": "vanthu.a", "password": PASSWORD})
    assert not _signed_in(client)


def test_two_step_login_with_totp(cast, client: Client) -> None:
    device = TOTPDevice.objects.create(user=cast.leader_a, name="eOffice", confirmed=True)
    response = client.post(
        "/accounts/login/", {"username": "lanhdao.a", "password": PASSWORD, "next": "/people/delegations/"}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"
    assert not _signed_in(client)  # the password alone is not enough
    assert "Xác thực hai bước" in client.get("/accounts/login/code/").content.decode()
    wrong = client.post(
        "/accounts/login/code/", {"code": "000000" if _code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 422 and "không đúng" in wrong.content.decode()
    assert not _signed_in(client)
    # django-otp throttles a device for a moment after a wrong code; let that moment pass.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    ok = client.post("/accounts/login/code/", {"code": _code(device)})
    assert ok.status_code == 302 and ok["Location"] == "/people/delegations/"
    assert _signed_in(client)
    assert client.session.get("otp_device_id") == device.persistent_id


def test_backup_code_works_once(cast, client: Client) -> None:
    TOTPDevice.objects.create(user=cast.leader_a, name="eOffice", confirmed=True)
    static = StaticDevice.objects.create(user=cast.leader_a, name="Mã dự phòng", confirmed=True)
    static.token_set.create(token="abcd1234")
    client.post("/accounts/login/", {"username": "lanhdao.a", "password": PASSWORD})
    assert client.post("/accounts/login/code/", {"code": "abcd 1234"}).status_code == 302
    assert _signed_in(client)
    assert AuditEvent.objects.filter(verb="two_factor.backup_code_used").count() == 1
    second = Client()
    second.post("/accounts/login/", {"username": "lanhdao.a", "password": PASSWORD})
    assert second.post("/accounts/login/code/", {"code": "abcd1234"}).status_code == 422
    assert not _signed_in(second)


def test_code_step_without_password_step_goes_back_to_login(cast, client: Client) -> None:
    response = client.get("/accounts/login/code/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_guessing_codes_restarts_sign_in(cast, client: Client) -> None:
    device = TOTPDevice.objects.create(user=cast.leader_a, name="eOffice", confirmed=True)
    client.post("/accounts/login/", {"username": "lanhdao.a", "password": PASSWORD})
    wrong = "000000" if _code(device) != "000000" else "111111"
    last: Any = None
    for _ in range(5):
        last = client.post("/accounts/login/code/", {"code": wrong})
    # The fifth wrong code ends the attempt (or locks the address out, whichever comes first).
    assert last.status_code in (302, 429)
    assert not _signed_in(client)
    assert client.post("/accounts/login/code/", {"code": _code(device)}).status_code in (302, 429)
    assert not _signed_in(client)


def test_enrol_confirm_and_disable_two_factor(cast) -> None:
    client = client_for(cast.specialist_a)
    assert "Bật xác thực hai bước" in client.get("/accounts/profile/").content.decode()
    assert client.post("/accounts/profile/two-factor/start/").status_code == 302
    page = client.get("/accounts/profile/two-factor/")
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and 'id="eo-qr"' in body
    device = TOTPDevice.objects.get(user=cast.specialist_a, confirmed=False)
    bad = client.post("/accounts/profile/two-factor/", {"code": "12"})
    assert bad.status_code == 422
    done = client.post("/accounts/profile/two-factor/", {"code": _code(device)})
    assert done.status_code == 200 and 'id="eo-backup-codes"' in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert StaticDevice.objects.get(user=cast.specialist_a).token_set.count() == 10
    assert AuditEvent.objects.filter(verb="two_factor.enabled", target_id=str(cast.specialist_a.pk)).exists()
    # Turning it off needs a current code; a wrong one is refused beside the field.
    refused = client.post("/accounts/profile/two-factor/disable/", {"code": "999999"})
    assert refused.status_code == 422
    assert TOTPDevice.objects.filter(user=cast.specialist_a).exists()
    StaticDevice.objects.filter(user=cast.specialist_a).update(throttling_failure_count=0)
    backup = StaticDevice.objects.get(user=cast.specialist_a).token_set.first()
    assert backup is not None
    assert client.post("/accounts/profile/two-factor/disable/", {"code": backup.token}).status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.specialist_a).exists()


def test_admin_can_reset_lost_second_factor_only_in_scope(cast) -> None:
    from eoffice.core.errors import PermissionDenied

    TOTPDevice.objects.create(user=cast.clerk_a, name="eOffice", confirmed=True)
    TOTPDevice.objects.create(user=cast.clerk_b, name="eOffice", confirmed=True)
    services.two_factor_disable(actor=actor_of(cast.admin_a), user=cast.clerk_a)
    assert not TOTPDevice.objects.filter(user=cast.clerk_a).exists()
    with pytest.raises(PermissionDenied):
        services.two_factor_disable(actor=actor_of(cast.admin_a), user=cast.clerk_b)
