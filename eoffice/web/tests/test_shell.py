from __future__ import annotations

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


def test_openapi_schema_is_served(client: Client, db: None) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "eOffice API"


def test_api_refuses_anonymous_with_structured_error(client: Client, db: None) -> None:
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
