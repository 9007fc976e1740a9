"""The directory pages follow the reader's language: English when the browser asks for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import translation

from eoffice.testing.cast import Cast


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    # A request in English leaves English active in this thread; later tests expect the default.
    before = translation.get_language()
    yield
    translation.activate(before)


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_browse_renders_in_english_when_asked(cast: Cast) -> None:
    english = _client(cast.specialist_a).get("/directory/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    body = english.content.decode()
    assert '<html lang="en"' in body
    assert "Agency directory" in body and "Agency tree" in body
    assert "Danh bạ cơ quan" not in body and "Cây cơ quan" not in body
    # Agency names are data and stay as they were entered.
    assert cast.province.name in body
    # The default stays Vietnamese.
    vietnamese = _client(cast.specialist_a).get("/directory/").content.decode()
    assert "Danh bạ cơ quan" in vietnamese and "Agency directory" not in vietnamese


def test_browse_in_english_still_needs_sign_in(client: Client, cast: Cast) -> None:
    response = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_directory_api_error_in_english(cast: Cast) -> None:
    response = _client(cast.specialist_a).post(
        "/api/v1/directory/agencies",
        data={"code": "000.00.99.H99", "name": "Cơ quan mới"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    assert response.json()["message"] == "Only a system administrator may create a top-level agency."
