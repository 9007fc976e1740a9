"""The outgoing pages and errors follow the reader's language: English when the browser asks for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import translation

from eoffice.outgoing.tests.conftest import login, make_draft
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    # A request in English leaves English active in this thread; later tests expect the default.
    before = translation.get_language()
    yield
    translation.activate(before)


def test_my_drafts_renders_in_english_when_asked(cast: Cast) -> None:
    draft = make_draft(cast)
    client = login(cast.specialist_a)
    english = client.get(reverse("outgoing:my_drafts"), HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    body = english.content.decode()
    assert '<html lang="en"' in body
    assert "My drafts" in body and "Draft an outgoing document" in body
    # The status label is a model choice, translated when shown.
    assert "Drafting" in body and "Đang soạn thảo" not in body
    assert "Dự thảo của tôi" not in body
    # The subject is data and stays as it was entered.
    assert str(draft.current_version.subject) in body  # type: ignore[union-attr]
    vietnamese = login(cast.specialist_a).get(reverse("outgoing:my_drafts")).content.decode()
    assert "Dự thảo của tôi" in vietnamese and "Đang soạn thảo" in vietnamese
    assert "My drafts" not in vietnamese


def test_an_api_error_reads_in_english_when_asked(cast: Cast) -> None:
    client = login(cast.specialist_a)
    english = client.get("/api/v1/outgoing/drafts/999999", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404
    assert english.json()["message"] == "Draft not found, or you may not view it."
    vietnamese = client.get("/api/v1/outgoing/drafts/999999", HTTP_ACCEPT_LANGUAGE="vi")
    assert vietnamese.json()["message"] == "Không tìm thấy dự thảo, hoặc bạn không có quyền xem dự thảo này."
