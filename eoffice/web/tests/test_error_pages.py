"""Error pages: Vietnamese first, English on request, the product's look, a way back, no chrome.

Who: anyone may meet them, signed in or not; the signed-in chrome (menu, bell) is never drawn,
so a signed-in clerk sees the same page as an anonymous visitor.
"""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import Resolver404

from eoffice.testing.browser import ARTIFACTS
from eoffice.web.errors import user_message

ERROR_URLS = "eoffice.web.tests.error_urls"


def _signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _looks_like_the_product(body: str) -> None:
    assert 'name="viewport"' in body
    assert "/static/vendor/bootstrap/bootstrap.min.css" in body and "/static/web/eoffice.css" in body
    assert "cdn" not in body.lower()
    assert 'href="/"' in body  # Về trang chủ
    # No signed-in chrome: it queries the database and may be what failed.
    assert 'id="eo-menu"' not in body and "eo-user-menu" not in body


def test_404_in_vietnamese_for_an_anonymous_visitor(client: Client, db: None) -> None:
    response = client.get("/khong-co-trang-nay/")
    body = response.content.decode()
    assert response.status_code == 404
    assert 'lang="vi"' in body and "Không tìm thấy trang" in body and "Về trang chủ" in body
    _looks_like_the_product(body)
    assert 'id="eo-error-detail"' not in body  # the resolver's own message is not for people


def test_404_in_english_after_switching_language(client: Client, db: None) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/khong-co-trang-nay/").content.decode()
    assert 'lang="en"' in body and "Page not found" in body and "Back to home" in body
    assert "Không tìm thấy trang" not in body and "Về trang chủ" not in body


def test_404_shows_the_views_message_to_a_signed_in_clerk(cast) -> None:
    response = _signed_in(cast.clerk_a).get(
        "/exchange/lines/999999/", HTTP_REFERER="http://testserver/exchange/"
    )
    body = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy dữ liệu yêu cầu." in body  # the selector's NotFound, passed on by _or_404
    assert 'href="/exchange/"' in body and "Quay lại" in body
    _looks_like_the_product(body)


def test_403_shows_the_refusal_and_the_generic_text(cast) -> None:
    response = _signed_in(cast.clerk_a).get("/calendar/overrides/1/edit/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "Không có quyền truy cập" in body
    assert "Chỉ quản trị hệ thống mới được sửa lịch làm việc." in body
    _looks_like_the_product(body)
    # A bare PermissionDenied has no message of its own: the generic text only.
    bare = _signed_in(cast.leader_a).get("/audit/").content.decode()
    assert "Không có quyền truy cập" in bare and 'id="eo-error-detail"' not in bare
    # The superuser is allowed, so the refusal above is the policy's, not the page's.
    assert _signed_in(cast.superuser).get("/audit/").status_code == 200


def test_403_in_english(cast) -> None:
    client = _signed_in(cast.clerk_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/calendar/overrides/1/edit/").content.decode()
    assert "Access denied" in body and "Only a system administrator may change the working calendar." in body
    assert "Không có quyền truy cập" not in body


@pytest.mark.urls(ERROR_URLS)
def test_403_shows_queued_messages_once(client: Client, db: None) -> None:
    body = client.get("/test-errors/refuse/").content.decode()
    assert body.count("Văn bản đã bị thu hồi.") == 1
    assert "Hồ sơ đang bị khóa để sửa." in body
    # Shown here, they do not turn up again on the next page.
    assert "Hồ sơ đang bị khóa để sửa." not in client.get("/accounts/login/").content.decode()


def test_only_messages_written_for_people_are_shown() -> None:
    assert user_message(Http404("Không tìm thấy văn bản.")) == "Không tìm thấy văn bản."
    assert user_message(PermissionDenied("Bạn không giữ dòng xử lý này.")) == "Bạn không giữ dòng xử lý này."
    assert user_message(Http404("No User matches the given query.")) is None
    assert user_message(Resolver404({"tried": [], "path": "x/"})) is None
    assert user_message(PermissionDenied()) is None
    assert user_message(Http404("line one\nline two")) is None


def test_back_link_never_leaves_the_site(client: Client, db: None) -> None:
    for referer in ("http://evil.example/x/", "http://testserver//evil.example/x/", "javascript:alert(1)"):
        body = client.get("/khong-co/", HTTP_REFERER=referer).content.decode()
        assert "evil.example" not in body and "javascript:" not in body and "Quay lại" not in body, referer
    body = client.get("/khong-co/", HTTP_REFERER="http://testserver/directory/?q=s%E1%BB%9F").content.decode()
    assert 'href="/directory/?q=s%E1%BB%9F"' in body


def test_400_for_a_host_this_site_does_not_serve(client: Client, db: None) -> None:
    response = client.get("/", HTTP_HOST="evil.example")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in body and "evil.example" not in body
    _looks_like_the_product(body)
    english = client.get("/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Bad request" in english


# No `db` fixture: a query while failing or while drawing the 500 page would itself raise.
@pytest.mark.urls(ERROR_URLS)
def test_500_page_without_database_or_traceback(settings, caplog: pytest.LogCaptureFixture) -> None:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/test-errors/boom/", HTTP_REFERER="http://testserver/work/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Lỗi hệ thống" in body and "Lỗi đã được ghi lại" in body and 'href="/work/"' in body
    assert "secret internals" not in body and "Traceback" not in body and "RuntimeError" not in body
    _looks_like_the_product(body)
    logged = [r.exc_info[1] for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert logged and "secret internals" in str(logged[0])
    english = client.get("/test-errors/boom/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in english and "System error" in english and "Lỗi hệ thống" not in english


def test_csrf_failure_says_the_form_expired(cast) -> None:
    client = _signed_in(cast.clerk_a, enforce_csrf_checks=True)
    client.get("/")  # the CSRF cookie, as a browser holds it
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_REFERER="http://testserver/directory/"
    )
    body = response.content.decode()
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in body and "Hãy tải lại trang rồi thử lại" in body
    assert 'id="eo-error-reload"' in body and 'href="/directory/"' in body and "Tải lại trang" in body
    assert "CSRF token" not in body and "Referer checking failed" not in body  # Django's English reason
    _looks_like_the_product(body)
    # With its token the same form goes through: the refusal above was the missing token.
    token = client.cookies["csrftoken"].value
    sent = client.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert sent.status_code == 302
    english = client.post("/i18n/setlang/", {"language": "vi", "next": "/"}).content.decode()
    assert "The form has expired" in english and "Biểu mẫu đã hết hạn" not in english


@pytest.mark.browser
@pytest.mark.urls(ERROR_URLS)
@pytest.mark.django_db(transaction=True)
def test_error_pages_fit_a_phone(live_server, phone_page) -> None:
    page = phone_page
    for path, status, heading in (
        ("/khong-co-trang-nay/", 404, "Không tìm thấy trang"),
        ("/test-errors/boom/", 500, "Lỗi hệ thống"),
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == status
        assert page.inner_text("#eo-error-title") == heading
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        home = page.get_by_role("link", name="Về trang chủ")
        assert home.is_visible()
        box = home.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
        page.screenshot(path=str(ARTIFACTS / f"error-{status}-phone.png"), full_page=True)
