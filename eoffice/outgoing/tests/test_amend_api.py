"""/api/v1/outgoing: update, amendments, answers (15/16), tracking with its timeline, signatures —
who may and who may not, and structured errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from eoffice.outgoing.models import AmendmentAnswer, AnswerStatus
from eoffice.outgoing.tests.amend_cases import copy_of, delivery_to, province_clerk, released
from eoffice.outgoing.tests.conftest import login, pdf_bytes
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db
BASE = "/api/v1/outgoing"


def test_update_answer_and_track_through_the_api(cast: Cast) -> None:
    clerk_p = province_clerk(cast)
    draft = released(cast, cast.agency_b.pk, cast.province.pk)
    url = f"{BASE}/drafts/{draft.pk}/update"
    form = {"reason": "Sai hạn trả lời", "Subject": draft.current_version.subject, "DueDate": "2026-12-31"}  # type: ignore[union-attr]
    # Only the sender's văn thư; readers of other agencies do not even find the draft.
    assert login(cast.leader_a).post(url, form).status_code == 403
    assert login(cast.clerk_b).post(url, form).status_code == 404
    assert login(cast.outsider).post(url, form).status_code in (401, 403, 404)
    empty = login(cast.clerk_a).post(url, {**form, "reason": " "})
    assert empty.status_code == 422 and empty.json()["code"] == "reason_required"
    bad_ids = login(cast.clerk_a).post(url, {**form, "add_recipient_ids": "1,x"})
    assert bad_ids.status_code == 422 and bad_ids.json()["field"] == "add_recipient_ids"
    made = login(cast.clerk_a).post(
        url, {**form, "attachments": [SimpleUploadedFile("phu-luc.pdf", pdf_bytes(marker="pl"))]}
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["kind"], body["version"], body["pending"]) == ("update", 2, 2)
    assert login(cast.clerk_a).get(f"{BASE}/drafts/{draft.pk}/amendments").json()[0]["id"] == body["id"]

    to_b = AmendmentAnswer.objects.get(delivery=delivery_to(draft, cast.agency_b.pk))
    to_p = AmendmentAnswer.objects.get(delivery=delivery_to(draft, cast.province.pk))
    assert login(cast.clerk_a).post(f"{BASE}/answers/{to_b.pk}/accept").status_code == 403
    assert login(cast.outsider).post(f"{BASE}/answers/{to_b.pk}/accept").status_code in (401, 403, 404)
    assert login(cast.clerk_b).post(f"{BASE}/answers/{to_p.pk}/accept").status_code == 404
    accepted = login(cast.clerk_b).post(f"{BASE}/answers/{to_b.pk}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == AnswerStatus.ACCEPTED
    assert str(copy_of(draft, cast.agency_b.pk).due_date) == "2026-12-31"
    again = login(cast.clerk_b).post(f"{BASE}/answers/{to_b.pk}/accept")
    assert again.status_code == 409 and again.json()["code"] == "already_answered"
    no_reason = login(clerk_p).post(
        f"{BASE}/answers/{to_p.pk}/refuse", {"reason": ""}, content_type="application/json"
    )
    assert no_reason.status_code == 422
    refused = login(clerk_p).post(
        f"{BASE}/answers/{to_p.pk}/refuse", {"reason": "Đã xử lý xong"}, content_type="application/json"
    )
    assert refused.json()["status"] == AnswerStatus.REFUSED

    tracking = {
        d["agency_id"]: d for d in login(cast.clerk_a).get(f"{BASE}/drafts/{draft.pk}/deliveries").json()
    }
    province = tracking[cast.province.pk]
    assert [e["kind"] for e in province["events"]] == ["arrived", "update_requested", "update_refused"]
    assert province["events"][-1]["note"] == "Đã xử lý xong"
    assert province["answers"][0]["status"] == "refused"
    assert tracking[cast.agency_b.pk]["answers"][0]["status"] == "accepted"
    assert login(cast.clerk_b).get(f"{BASE}/drafts/{draft.pk}/deliveries").status_code == 404


def test_signatures_of_a_draft_through_the_api(cast: Cast) -> None:
    draft = released(cast, cast.agency_b.pk)
    body = login(cast.clerk_a).get(f"{BASE}/drafts/{draft.pk}/signature-checks").json()
    assert [(f["file_name"], f["signatures"], f["error"]) for f in body] == [("du-thao.pdf", [], "")]
    for user in (cast.clerk_b, cast.outsider):
        assert login(user).get(f"{BASE}/drafts/{draft.pk}/signature-checks").status_code in (401, 403, 404)


def test_release_validates_the_copies_signatures_ahead_of_the_first_view(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    from eoffice.signing.models import SignatureCheck

    with django_capture_on_commit_callbacks(execute=True):
        draft = released(cast, cast.agency_b.pk, cast.province.pk)
    main = draft.current_version.files.get()  # type: ignore[union-attr]
    assert SignatureCheck.objects.filter(sha256=main.stored_file.sha256).count() == 1
    body = login(cast.clerk_b).get(f"/api/v1/documents/{copy_of(draft, cast.agency_b.pk).pk}").json()
    assert body["signatures"][0]["sha256"] == main.stored_file.sha256
    assert SignatureCheck.objects.count() == 1
