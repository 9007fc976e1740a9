"""The API's body parser (web.api_parser), found wanting by test_hostile_api_writes.

- A JSON body that is not an object (`null`, `[]`, a bare value) was read by ninja as an object
  with every field at its default: `null` sent to an operation whose fields are all optional ran it
  as if `{}` had been sent (the superuser dissolved an agency with `null`).
- A number past a database integer reached the queries that do not check the range (an `IN`
  list, a foreign key): a 500 on SQLite.

Who: the superuser, who may dissolve an agency; the outsider, who may not and meets the same
parser before any check of who they are; the clerk of agency A for the bounds of a number.
"""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from eoffice.core.rowids import MAX_ROW_ID
from eoffice.directory.models import AgencyEvent, AgencyStatus
from eoffice.testing.cast import Cast

KEYS = {"code", "message", "field", "details"}
NOT_AN_OBJECT = 'Nội dung gửi lên phải là một đối tượng JSON, dạng {"tên trường": giá trị}.'


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = json.loads(response.content)
    assert set(body) == KEYS and body["code"] == code, body
    return body


def test_a_body_that_is_not_an_object_is_refused_and_nothing_is_done(cast: Cast) -> None:
    url = f"/api/v1/directory/agencies/{cast.agency_b.code}/dissolve"
    history = AgencyEvent.objects.count()
    for user in (cast.superuser, cast.outsider):
        for raw in (b"null", b"[]", b'"giai the"', b"5", b"true"):
            response = _client(user).post(url, raw, content_type="application/json")
            assert _error(response, 400, "malformed_body")["message"] == NOT_AN_OBJECT
    cast.agency_b.refresh_from_db()
    assert cast.agency_b.status == AgencyStatus.ACTIVE
    assert AgencyEvent.objects.count() == history
    # An object that leaves every field out is how the defaults are asked for.
    done = _client(cast.superuser).post(url, b"{}", content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == AgencyStatus.DISSOLVED


def test_the_refusal_is_in_english_for_an_english_reader(cast: Cast) -> None:
    response = _client(cast.clerk_a).put(
        "/api/v1/notifications/preferences", b"[]", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    message = _error(response, 400, "malformed_body")["message"]
    assert message == 'The request body must be a JSON object, of the form {"field name": value}.'


def test_a_number_past_a_database_integer_is_refused_wherever_it_is(cast: Cast) -> None:
    client = _client(cast.clerk_a)
    url = "/api/v1/notifications/preferences"
    for value in (MAX_ROW_ID + 1, -(MAX_ROW_ID + 1), 10**25):
        body = json.dumps({"bell": True, "extra": {"deep": [1, value]}})
        refused = _error(client.put(url, body, content_type="application/json"), 422, "number_too_large")
        assert refused["field"] == "extra" and refused["details"] == {"path": "extra.deep[1]"}
        assert str(MAX_ROW_ID) in refused["message"]
    # The largest integer a key column holds goes through, and true is not a number.
    fine = client.put(url, json.dumps({"bell": True, "extra": MAX_ROW_ID}), content_type="application/json")
    assert fine.status_code == 200, fine.content
