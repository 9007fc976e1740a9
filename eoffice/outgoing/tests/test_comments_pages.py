"""Lấy ý kiến through the pages and the API, with the standing cast; the round page at phone width."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from eoffice.outgoing.models import CommentAnswer, CommentRequest, CommentRound, RoundStatus
from eoffice.outgoing.tests.conftest import login, make_draft, pdf_bytes
from eoffice.testing.cast import Cast
from eoffice.work.statuses import LineStatus

pytestmark = pytest.mark.django_db


def _start_by_page(cast: Cast) -> CommentRound:
    draft = make_draft(cast)
    client = login(cast.specialist_a)
    page = client.get(reverse("outgoing:draft", args=[draft.pk])).content.decode()
    assert "Xin ý kiến về dự thảo" in page
    deadline = timezone.localtime() + timedelta(days=5)
    response = client.post(
        reverse("outgoing:comment_start", args=[draft.pk]),
        {
            "invitees": [f"person:{cast.leader_a.pk}", f"unit:{cast.unit_a.pk}"],
            "deadline_date": deadline.date().isoformat(),
            "deadline_time": "16:30",
            "note": "Góp ý trước khi trình ký",
        },
    )
    found = CommentRound.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "outgoing:comment_round", args=[found.pk]
    )
    assert timezone.localtime(found.deadline).strftime("%H:%M") == "16:30"
    return found


def test_round_through_the_pages(cast: Cast) -> None:
    found = _start_by_page(cast)
    url = reverse("outgoing:comment_round", args=[found.pk])
    leader = login(cast.leader_a)
    assert "Trả lời xin ý kiến" in leader.get(url).content.decode()
    response = leader.post(
        url,
        {
            "verdict": "disagree",
            "text": "Đề nghị bổ sung số liệu",
            "attachments": SimpleUploadedFile("y-kien.pdf", pdf_bytes(marker="yk"), "application/pdf"),
        },
    )
    assert response.status_code == 302
    answer = CommentAnswer.objects.get()
    assert answer.verdict == "disagree" and answer.files.get().file_name == "y-kien.pdf"
    file_url = reverse("outgoing:comment_file", args=[found.pk, answer.files.get().pk])
    assert leader.get(file_url).status_code == 200
    # A bad answer is shown beside the field and nothing is written.
    response = leader.post(url, {"verdict": "other", "text": ""})
    assert response.status_code == 422 and "Hãy ghi nội dung" in response.content.decode()
    assert CommentAnswer.objects.count() == 1

    drafter = login(cast.specialist_a)
    page = drafter.get(url).content.decode()
    assert "Đề nghị bổ sung số liệu" in page and "Kết thúc lấy ý kiến" in page
    assert drafter.get(file_url).status_code == 200
    response = drafter.post(
        reverse("outgoing:comment_extend", args=[found.pk]),
        {
            "deadline_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "deadline_time": "17:00",
            "reason": "x",
        },
        follow=True,
    )
    assert "đã ở quá khứ" in response.content.decode()
    later = timezone.localtime(found.deadline) + timedelta(days=2)
    drafter.post(
        reverse("outgoing:comment_extend", args=[found.pk]),
        {"deadline_date": later.date().isoformat(), "deadline_time": "17:00", "reason": "Chờ ý kiến phòng"},
    )
    found.refresh_from_db()
    assert timezone.localtime(found.deadline).date() == later.date()
    xlsx = drafter.get(reverse("outgoing:comment_export", args=[found.pk]) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet["A1"].value == cast.agency_a.name.upper()
    assert sheet["D7"].value == "Không đồng ý" and sheet["D8"].value == "Chưa có ý kiến"
    pdf = drafter.get(reverse("outgoing:comment_export", args=[found.pk]) + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    drafter.post(reverse("outgoing:comment_close", args=[found.pk]))
    found.refresh_from_db()
    assert found.status == RoundStatus.CLOSED
    assert CommentRequest.objects.get(order=2).line.status == LineStatus.THU_HOI
    # After the close the unit head gets no form, and a posted answer is refused.
    unit_head = login(cast.unit_head_a)
    assert "đã kết thúc" in unit_head.get(url).content.decode()
    response = unit_head.post(url, {"verdict": "agree"}, follow=True)
    assert "không nhận thêm ý kiến" in response.content.decode() and CommentAnswer.objects.count() == 1


@pytest.mark.parametrize("who", ["clerk_b", "outsider"])
def test_others_see_nothing(cast: Cast, who: str) -> None:
    found = _start_by_page(cast)
    client = login(getattr(cast, who))
    for name in ("comment_round", "comment_export"):
        assert client.get(reverse(f"outgoing:{name}", args=[found.pk])).status_code == 404
    assert client.post(reverse("outgoing:comment_close", args=[found.pk])).status_code == 404
    assert client.get(f"/api/v1/outgoing/comment-rounds/{found.pk}").status_code == 404
    assert client.get(f"/api/v1/outgoing/drafts/{found.draft_id}/comment-rounds").status_code == 404


def test_invitee_cannot_export_extend_or_close(cast: Cast) -> None:
    found = _start_by_page(cast)
    unit_head = login(cast.unit_head_a)  # heads the drafting unit too, so may manage; use the leader
    leader = login(cast.leader_a)
    assert leader.get(reverse("outgoing:comment_export", args=[found.pk])).status_code == 200
    response = leader.post(reverse("outgoing:comment_close", args=[found.pk]))
    assert response.status_code == 403
    assert unit_head.get(reverse("outgoing:comment_round", args=[found.pk])).status_code == 200
    body = {"deadline": (found.deadline + timedelta(days=1)).isoformat(), "reason": "Lý do"}
    assert (
        leader.post(
            f"/api/v1/outgoing/comment-rounds/{found.pk}/extend", body, content_type="application/json"
        ).status_code
        == 403
    )
    found.refresh_from_db()
    assert found.status == RoundStatus.OPEN


def test_round_through_the_api(cast: Cast) -> None:
    draft = make_draft(cast)
    drafter = login(cast.specialist_a)
    deadline = (timezone.now() + timedelta(days=2)).isoformat()
    empty = drafter.post(
        f"/api/v1/outgoing/drafts/{draft.pk}/comment-rounds",
        {"invitees": [], "deadline": deadline},
        content_type="application/json",
    )
    assert empty.status_code == 422 and empty.json()["code"] == "no_invitees"
    created = drafter.post(
        f"/api/v1/outgoing/drafts/{draft.pk}/comment-rounds",
        {
            "invitees": [{"kind": "person", "id": cast.admin_a.pk}, {"kind": "unit", "id": cast.unit_a.pk}],
            "deadline": deadline,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    round_id = body["id"]
    assert [r["kind"] for r in body["requests"]] == ["person", "unit"]
    assert body["tally"] == {"agree": 0, "disagree": 0, "other": 0, "none": 2}

    admin = login(cast.admin_a)
    answered = admin.post(
        f"/api/v1/outgoing/comment-rounds/{round_id}/answers",
        {"verdict": "agree", "attachments": [SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf")]},
    )
    assert answered.status_code == 201, answered.content
    assert answered.json()["sequence"] == 1 and answered.json()["files"][0]["file_name"] == "a.pdf"
    mine = admin.get(f"/api/v1/outgoing/comment-rounds/{round_id}").json()
    assert len(mine["requests"]) == 1 and mine["tally"] is None
    refused = login(cast.specialist_a).post(
        f"/api/v1/outgoing/comment-rounds/{round_id}/answers", {"verdict": "agree"}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"

    not_later = drafter.post(
        f"/api/v1/outgoing/comment-rounds/{round_id}/extend",
        {"deadline": deadline, "reason": "Lý do"},
        content_type="application/json",
    )
    assert not_later.status_code == 422 and not_later.json()["code"] == "not_later"
    closed = drafter.post(f"/api/v1/outgoing/comment-rounds/{round_id}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = login(cast.unit_head_a).post(
        f"/api/v1/outgoing/comment-rounds/{round_id}/answers", {"verdict": "agree"}
    )
    assert late.status_code == 409 and late.json()["code"] == "round_closed"
    export = drafter.get(f"/api/v1/outgoing/comment-rounds/{round_id}/export?format=xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None and sheet["D7"].value == "Đồng ý"
    assert admin.get(f"/api/v1/outgoing/comment-rounds/{round_id}/export").status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_invitee_answers_on_a_phone(live_server, phone_page) -> None:
    from eoffice.outgoing import comments
    from eoffice.outgoing.tests.conftest import actor_of
    from eoffice.testing.browser import login as browser_login
    from eoffice.testing.cast import PASSWORD, build_cast

    cast = build_cast()
    draft = make_draft(cast)
    found = comments.comment_round_start(
        actor=actor_of(cast, cast.specialist_a),
        draft=draft,
        invitees=[comments.Invitee("unit", cast.unit_a.pk)],
        deadline=timezone.now() + timedelta(days=2),
    )
    page = phone_page
    browser_login(page, live_server.url, cast.unit_head_a.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('outgoing:comment_round', args=[found.pk])}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.get_by_label("Ý kiến khác").check()
    page.get_by_label("Nội dung ý kiến").fill("Đề nghị rà soát lại phần căn cứ")
    page.get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_selector("text=Đã gửi ý kiến.")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert CommentAnswer.objects.get().text == "Đề nghị rà soát lại phần căn cứ"
    page.goto(f"{live_server.url}{reverse('outgoing:draft', args=[draft.pk])}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
