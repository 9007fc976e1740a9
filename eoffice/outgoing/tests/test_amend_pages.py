"""The update page (sender's văn thư) and the answer page (recipient's văn thư): who may and who
may not, errors beside the field, and the sender's tracking after the answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eoffice.outgoing.models import Amendment, AmendmentAnswer, AnswerStatus
from eoffice.outgoing.tests.amend_cases import copy_of, delivery_to, released
from eoffice.outgoing.tests.conftest import login, pdf_bytes
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _form(draft: Any, **extra: object) -> dict[str, object]:
    return {
        "reason": "Bổ sung phụ lục",
        "subject": draft.current_version.subject,
        "urgency": "thuong",
        "due_date": "",
        **extra,
    }


def test_update_page_and_answer_page(cast: Cast) -> None:
    draft = released(cast, cast.agency_b.pk)
    url = reverse("outgoing:update", args=[draft.pk])
    assert login(cast.clerk_a).get(url).status_code == 200
    for user in (cast.leader_a, cast.specialist_a):
        assert login(user).get(url).status_code == 403
    for user in (cast.clerk_b, cast.unit_head_a):
        assert login(user).get(url).status_code == 404
    assert login(cast.outsider).get(url).status_code in (403, 404)
    clerk = login(cast.clerk_a)
    empty = clerk.post(url, _form(draft, reason=""))
    assert empty.status_code == 422 and not Amendment.objects.exists()
    unchanged = clerk.post(url, _form(draft))
    assert unchanged.status_code == 422 and "Không có thông tin nào thay đổi" in unchanged.content.decode()
    hostile = clerk.post(
        url, _form(draft, attachments=[SimpleUploadedFile("x.pdf", b"MZ\x90\x00", "application/pdf")])
    )
    assert hostile.status_code == 422 and not Amendment.objects.exists()
    done = clerk.post(
        url, _form(draft, attachments=[SimpleUploadedFile("phu-luc.pdf", pdf_bytes(marker="pl"))])
    )
    assert done.status_code == 302
    sender_page = clerk.get(reverse("outgoing:draft", args=[draft.pk])).content.decode()
    assert "Bổ sung phụ lục" in sender_page and "Yêu cầu cập nhật" in sender_page

    answer = AmendmentAnswer.objects.get()
    answer_url = reverse("outgoing:answer", args=[answer.pk])
    copy = copy_of(draft, cast.agency_b.pk)
    recipient = login(cast.clerk_b)
    doc_page = recipient.get(reverse("documents:detail", args=[copy.pk])).content.decode()
    assert answer_url in doc_page and "đã cập nhật thông tin văn bản này" in doc_page
    page = recipient.get(answer_url).content.decode()
    assert "phu-luc.pdf" in page and "Đồng ý cập nhật" in page
    # The sender reads it without the buttons; others do not find it.
    sender_view = clerk.get(answer_url)
    assert sender_view.status_code == 200 and "Đồng ý cập nhật" not in sender_view.content.decode()
    assert clerk.post(answer_url, {"answer": "accept"}).status_code == 403
    # (The drafter, specialist A, reads it too.)
    for user in (cast.outsider, cast.unit_head_a):
        assert login(user).get(answer_url).status_code == 404
    refused = recipient.post(answer_url, {"answer": "refuse", "reason": " "})
    assert refused.status_code == 422 and "Phải nêu lý do" in refused.content.decode()
    assert recipient.post(answer_url, {"answer": "accept"}).status_code == 302
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.ACCEPTED
    assert copy.files.filter(file_name="phu-luc.pdf").exists()
    assert "Đồng ý cập nhật (15)" in clerk.get(reverse("outgoing:draft", args=[draft.pk])).content.decode()
    assert (
        delivery_to(draft, cast.agency_b.pk).events.count() == 2
    )  # requested, accepted (arrival is the delivery itself)


def test_a_25_digit_added_recipient_is_refused_not_a_server_error(cast: Cast) -> None:
    draft = released(cast, cast.agency_b.pk)
    url = reverse("outgoing:update", args=[draft.pk])
    response = login(cast.clerk_a).post(
        url, _form(draft, subject="Về việc khác", add_recipients=[str(10**25)])
    )
    assert response.status_code == 422 and "is-invalid" in response.content.decode()
    assert not Amendment.objects.exists()
