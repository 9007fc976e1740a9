"""A NUL in any text a request carries is refused at the door (eoffice.web.nul_input): with a
Vietnamese page naming the field, or the API's structured error; files are never looked at."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.views.decorators.csrf import csrf_exempt

from eoffice.testing.cast import Cast
from eoffice.web.nul_input import nul_field
from eoffice.workcalendar.models import CalendarOverride

pytestmark = pytest.mark.django_db


def _view(request: object) -> None: ...


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_where_a_nul_hides_is_named() -> None:
    factory = RequestFactory()
    assert nul_field(factory.get("/x", {"q": "a\x00"}), _view) == "q"
    assert nul_field(factory.post("/x", {"note": "ok", "reason": "b\x00c"}), _view) == "reason"
    nested = {"items": [{"title": "ổn"}, {"title": "x\x00"}]}
    assert nul_field(factory.post("/x", json.dumps(nested), content_type="application/json"), _view) == (
        "items.1.title"
    )
    key = {"bad\x00key": 1}
    assert (
        nul_field(factory.post("/x", json.dumps(key), content_type="application/json"), _view) == "bad\x00key"
    )


def test_what_only_looks_like_a_nul_or_is_not_text_passes() -> None:
    factory = RequestFactory()
    # A backslash typed before "u0000" is text, not a NUL.
    escaped = json.dumps({"note": "\\u0000"})
    assert nul_field(factory.post("/x", escaped, content_type="application/json"), _view) is None
    assert nul_field(factory.post("/x", "{not json \\u0000", content_type="application/json"), _view) is None
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\x00\x00binary", content_type="application/pdf")
    assert nul_field(factory.post("/x", {"note": "ổn", "file": upload}), _view) is None
    # A view exempt from CSRF reads its own body (the exchange inbox streams a package).
    assert nul_field(factory.post("/x", {"reason": "b\x00"}), csrf_exempt(_view)) is None


def test_a_page_says_which_field_in_vietnamese_and_nothing_is_written(cast: Cast) -> None:
    admin = _signed_in(cast.superuser)
    before = CalendarOverride.objects.count()
    page = admin.get("/calendar/?year=%00")
    assert page.status_code == 400
    body = page.content.decode()
    assert "ký tự NUL (mã 0) ở trường «year»" in body and 'lang="vi"' in body
    posted = admin.post(
        "/calendar/overrides/add/", {"kind": "holiday", "date": "2026-12-31", "name": "Nghỉ\x00bù"}
    )
    assert posted.status_code == 400 and "«name»" in posted.content.decode()
    assert CalendarOverride.objects.count() == before


def test_the_api_answers_its_structured_error(cast: Cast) -> None:
    clerk = _signed_in(cast.clerk_a)
    answer = clerk.post(
        "/api/v1/work/items", json.dumps({"title": "Họp\x00 giao ban"}), content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json() == {
        "code": "nul_character",
        "message": "Dữ liệu gửi lên chứa ký tự NUL (mã 0) ở trường «title»; hãy nhập lại.",
        "field": "title",
        "details": {},
    }
    assert clerk.get("/api/v1/exchange/lines?state=%00").json()["field"] == "state"
