from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_home_needs_sign_in(client: Client, db: None) -> None:
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_home_shows_acting_position_and_menu(cast) -> None:
    response = _client(cast.clerk_a).get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Văn thư" in body and "Sở Nội vụ" in body
    assert 'name="viewport"' in body


def test_user_without_position_is_told_so(cast) -> None:
    body = _client(cast.outsider).get("/").content.decode()
    assert "chưa được gán chức vụ" in body


def test_audit_page_only_for_system_admin(cast) -> None:
    assert _client(cast.leader_a).get("/audit/").status_code == 403
    assert _client(cast.superuser).get("/audit/").status_code == 200


def test_static_files_are_vendored(cast) -> None:
    body = _client(cast.clerk_a).get("/").content.decode()
    assert "cdn" not in body.lower()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in body
    assert "/static/vendor/htmx/htmx.min.js" in body


def test_english_translation_is_available(cast) -> None:
    client = _client(cast.clerk_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert "Hello" in body
    # The menu, the header and the role labels (lazy choices) are English too.
    for text in ("Home", "Work box", "Delegations", "Working calendar", "Sign out", "My profile", "Clerk"):
        assert text in body, text
    # (The position title "Văn thư" is data, typed by an administrator, and stays as typed.)
    for text in ("Xin chào", "Trang chủ", "Hộp việc", "Đăng xuất"):
        assert text not in body, text


def test_english_login_page_for_anonymous_visitors(client: Client, db: None) -> None:
    vietnamese = client.get("/accounts/login/").content.decode()
    assert "Đăng nhập eOffice" in vietnamese and 'id="eo-language"' in vietnamese
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    body = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in body
    for text in ("Sign in to eOffice", "Username", "Password", "Sign in"):
        assert text in body, text
    assert "Đăng nhập" not in body and "Mật khẩu" not in body


def test_browser_language_picks_english_without_a_choice(client: Client, db: None) -> None:
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert "Sign in to eOffice" in body
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Đăng nhập eOffice" in body


def test_english_admin_menu_and_people_page(cast) -> None:
    client = _client(cast.admin_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/people/admin/").content.decode()
    for text in ("Users and positions", "Agency admin", "Agency directory", "Add user"):
        assert text in body, text
    assert "Người dùng và chức vụ" not in body


def test_openapi_schema_is_served(client: Client, db: None) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "eOffice API"


def test_openapi_schema_is_built_once_and_served_the_same(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ninja.main

    from config.api import api

    builds: list[str] = []
    real_get_schema = ninja.main.get_schema

    def counting_get_schema(**kwargs: Any) -> Any:
        builds.append(kwargs["path_prefix"])
        return real_get_schema(**kwargs)

    monkeypatch.setattr(ninja.main, "get_schema", counting_get_schema)
    monkeypatch.setattr(api, "_schemas", {})
    first = client.get("/api/v1/openapi.json")
    second = client.get("/api/v1/openapi.json")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert "/api/v1/accounts/me" in first.json()["paths"]
    assert builds == ["/api/v1/"]


def test_api_refuses_anonymous_with_structured_error(client: Client, db: None) -> None:
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_home_shows_work_box_counts_and_delegations(cast) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from eoffice.people.models import Delegation

    now = timezone.now()
    Delegation.objects.create(
        position=cast.position(cast.leader_a),
        delegator=cast.leader_a,
        delegate=cast.specialist_a,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=2),
    )
    body = _client(cast.specialist_a).get("/").content.decode()
    assert 'id="eo-box-counts"' in body and "Quá hạn" in body
    assert "Thay Trần Văn Lãnh Đạo" in body
    assert "Thay " not in _client(cast.clerk_a).get("/").content.decode()
