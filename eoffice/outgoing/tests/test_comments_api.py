"""/api/v1/outgoing comment rounds (api_comments) under hostile input.

Found by test_hostile_api_writes: an invitee id of 10**25 reached the invitee check's foreign-key
lookup, which SQLite cannot bind (OverflowError, a 500). Who: the drafter, who may start a round,
and agency B's clerk, who may not; both meet the refusal before anything is written.
"""

from __future__ import annotations

import json

from eoffice.core.rowids import MAX_ROW_ID
from eoffice.outgoing.models import CommentRound
from eoffice.outgoing.tests.conftest import login, make_draft
from eoffice.testing.cast import Cast

BASE = "/api/v1/outgoing"


def _start(user: object, draft_id: int, invitee_id: int) -> dict[str, object]:
    body = {"invitees": [{"kind": "person", "id": invitee_id}], "deadline": "2099-01-05T17:00:00+07:00"}
    response = login(user).post(
        f"{BASE}/drafts/{draft_id}/comment-rounds", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    return response.json()


def test_an_invitee_id_past_a_database_integer_is_refused(cast: Cast) -> None:
    draft = make_draft(cast)
    for user in (cast.specialist_a, cast.clerk_b):
        error = _start(user, draft.pk, 10**25)
        assert error["code"] == "number_too_large" and error["details"] == {"path": "invitees[0].id"}
    # The largest id a key column holds is read, and is nobody of the agency.
    error = _start(cast.specialist_a, draft.pk, MAX_ROW_ID)
    assert error["code"] == "not_in_agency" and error["field"] == "invitees[0]"
    assert not CommentRound.objects.filter(draft=draft).exists()
