"""Every error under /api/v1/ is `{"code", "message", "field", "details"}` with a Vietnamese message.

Who: the anonymous caller meets the routing errors (unknown path, wrong method) before any sign-in
check; the signed-in clerk meets the others. Faults inside a view are injected by replacing the
selector the view calls (pytest's monkeypatch puts it back).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client, RequestFactory
from django.utils import translation
from ninja.errors import Throttled

from config.api import api
from eoffice.accounts.models import ApiToken

KEYS = {"code", "message", "field", "details"}


def _signed_in(user, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _error(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == KEYS and body["code"] == code and body["field"] is None, body
    assert "detail" not in body and "Traceback" not in response.content.decode()
    return body


def test_malformed_json_body(cast) -> None:
    client = _signed_in(cast.clerk_a)
    before = ApiToken.objects.count()
    for raw in (b'{"name": "x"', b"\xff\xfe not utf-8", b"[1, 2"):
        response = client.post("/api/v1/accounts/tokens", raw, content_type="application/json")
        body = _error(response, 400, "malformed_body")
        assert body["message"] == "Nội dung gửi lên không phải JSON hợp lệ."
    assert ApiToken.objects.count() == before  # nothing half-written
    # The same route takes a well-formed body, so the refusals above are the parser's.
    good = client.post("/api/v1/accounts/tokens", {"name": "máy in"}, content_type="application/json")
    assert good.status_code == 201


def test_oversized_body(cast, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"name": "x" * 4096})
    response = _signed_in(cast.clerk_a).post("/api/v1/accounts/tokens", body, content_type="application/json")
    assert _error(response, 413, "body_too_large")["message"] == "Nội dung gửi lên quá lớn."


def test_broken_or_hostile_upload(cast, settings, caplog: pytest.LogCaptureFixture) -> None:
    client = _signed_in(cast.clerk_a)
    # A multipart body with no boundary cannot be split into parts.
    broken = client.post("/api/v1/signing/validate", b"--x\r\n", content_type="multipart/form-data")
    body = _error(broken, 400, "malformed_body")
    assert body["message"] == "Nội dung biểu mẫu gửi lên bị hỏng hoặc không đọc được."
    # More fields than allowed is Django's SuspiciousOperation: refused, and logged as a security event.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    with caplog.at_level(logging.WARNING, logger="django.security"):
        crowded = client.post("/api/v1/signing/validate", {f"f{i}": "x" for i in range(5)})
    assert _error(crowded, 400, "bad_request")["message"] == "Yêu cầu không hợp lệ."
    assert any(r.name == "django.security.TooManyFieldsSent" for r in caplog.records)


def test_session_write_without_csrf_token(cast) -> None:
    client = _signed_in(cast.clerk_a, enforce_csrf_checks=True)
    response = client.post("/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json")
    assert "CSRF" in _error(response, 403, "csrf_failed")["message"]


def test_throttled() -> None:
    # What ninja does when a throttle refuses (Operation._check_throttles); it adds Retry-After after.
    request = RequestFactory().get("/api/v1/accounts/me")
    with translation.override("vi"):  # no LocaleMiddleware here to pick the language
        body = _error(api.on_exception(request, Throttled(wait=7)), 429, "too_many_requests")
    assert body["message"] == "Có quá nhiều yêu cầu; hãy thử lại sau ít phút."
    assert body["details"] == {"retry_after": 7}


def test_http404_inside_a_view(cast, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _signed_in(cast.clerk_a)

    def missing(actor: Any) -> Any:
        raise Http404("Không tìm thấy mã truy cập.")

    monkeypatch.setattr("eoffice.accounts.selectors.personal_tokens", missing)
    body = _error(client.get("/api/v1/accounts/tokens"), 404, "not_found")
    assert body["message"] == "Không tìm thấy mã truy cập."

    def lookup_miss(actor: Any) -> Any:
        raise Http404("No ApiToken matches the given query.")

    monkeypatch.setattr("eoffice.accounts.selectors.personal_tokens", lookup_miss)
    body = _error(client.get("/api/v1/accounts/tokens"), 404, "not_found")
    assert body["message"] == "Không tìm thấy dữ liệu yêu cầu."  # not Django's English


def test_django_permission_denied_inside_a_view(cast, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(actor: Any) -> Any:
        raise PermissionDenied("Bạn cần chọn một chức vụ.")

    monkeypatch.setattr("eoffice.accounts.selectors.personal_tokens", refuse)
    body = _error(_signed_in(cast.clerk_a).get("/api/v1/accounts/tokens"), 403, "permission_denied")
    assert body["message"] == "Bạn cần chọn một chức vụ."


def test_wrong_method_keeps_allow(cast) -> None:
    for client in (Client(), _signed_in(cast.clerk_a)):
        response = client.get("/api/v1/exchange/lines/1/resend")
        body = _error(response, 405, "method_not_allowed")
        assert response["Allow"] == "POST"
        assert body["details"] == {"allowed": ["POST"]}
        assert body["message"] == "Địa chỉ này không nhận phương thức GET; dùng: POST."
    english = Client().delete("/api/v1/exchange/lines/1/resend", HTTP_ACCEPT_LANGUAGE="en")
    assert _error(english, 405, "method_not_allowed")["message"] == (
        "This address does not accept the DELETE method; use: POST."
    )


def test_unknown_path(client: Client, db: None) -> None:
    for path in ("/api/v1/khong-co", "/api/v1/exchange/khong-co/1", "/api/v1/exchange/lines/1/resend/"):
        body = _error(client.get(path), 404, "not_found")
        assert body["message"] == "Không có địa chỉ này trong API."
        assert body["details"] == {"path": path}
    english = client.get("/api/v1/khong-co", HTTP_ACCEPT_LANGUAGE="en")
    assert _error(english, 404, "not_found")["message"] == "There is no such address in the API."
    # Outside the API an unknown path is still the HTML page.
    page = client.get("/khong-co/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_unhandled_exception_is_logged_not_shown(cast, monkeypatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(actor: Any) -> Any:
        raise RuntimeError("secret internals: password column")

    monkeypatch.setattr("eoffice.accounts.selectors.personal_tokens", broken)
    client = _signed_in(cast.clerk_a, raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/v1/accounts/tokens")
    body = _error(response, 500, "server_error")
    assert body["message"].startswith("Hệ thống gặp lỗi khi xử lý yêu cầu.")
    assert "secret internals" not in response.content.decode()
    logged = [r.exc_info[1] for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert len(logged) == 1 and "secret internals" in str(logged[0])
    # As for pages, the test client hears of it (got_request_exception) and re-raises by default.
    with pytest.raises(RuntimeError, match="secret internals"):
        _signed_in(cast.clerk_a).get("/api/v1/accounts/tokens")


def test_existing_error_bodies_are_kept(client: Client, db: None) -> None:
    body = _error(client.get("/api/v1/accounts/me"), 401, "unauthenticated")
    assert body["message"] == "Cần đăng nhập hoặc mã truy cập hợp lệ."
