"""The incoming documents pages and API follow the reader's language: English when asked for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from eoffice.core.actor import Actor
from eoffice.documents import services
from eoffice.documents.models import Document, JobStatus
from eoffice.documents.tests.conftest import login
from eoffice.documents.tests.factories import confirmed_document


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    # A request in English leaves English active in this thread; later tests expect the default.
    before = translation.get_language()
    yield
    translation.activate(before)


def _registered(cast) -> Document:
    document = confirmed_document(cast)
    actor = Actor(user=cast.clerk_a, position=cast.position(cast.clerk_a))
    services.document_register(actor=actor, document=document)
    document.refresh_from_db()
    return document


def test_incoming_list_renders_in_english_when_asked(cast) -> None:
    document = _registered(cast)
    english = login(cast.clerk_a).get("/documents/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    body = english.content.decode()
    assert '<html lang="en"' in body
    for words in ("Incoming documents", "Arrival number", "Issuing agency", "Subject", "Registered"):
        assert words in body, words
    for vietnamese in ("Văn bản đến</h1>", "Số đến", "Cơ quan ban hành", "Đã vào sổ"):
        assert vietnamese not in body, vietnamese
    # The subject is data, shown as entered.
    assert document.subject in body
    default = login(cast.clerk_a).get("/documents/").content.decode()
    assert "Đã vào sổ" in default and "Arrival number" not in default


def test_document_page_in_english_is_still_scoped(cast) -> None:
    document = _registered(cast)
    english = login(cast.clerk_a).get(f"/documents/{document.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    body = english.content.decode()
    assert "Present to leader" in body and "Trình lãnh đạo" not in body
    # Another agency's clerk still sees nothing, in either language.
    assert login(cast.clerk_b).get(f"/documents/{document.pk}/", HTTP_ACCEPT_LANGUAGE="en").status_code == 404


def test_documents_api_errors_in_english(cast) -> None:
    clerk = login(cast.clerk_a)
    english = clerk.post(
        "/api/v1/documents/incoming/register-bulk",
        data={"document_ids": []},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.status_code == 422
    assert english.json()["message"] == "No document has been chosen for registration."
    vietnamese = clerk.post(
        "/api/v1/documents/incoming/register-bulk", data={"document_ids": []}, content_type="application/json"
    )
    assert vietnamese.json()["message"] == "Chưa chọn văn bản nào để vào sổ."
    refused = login(cast.specialist_a).post(
        "/api/v1/documents/incoming/register-bulk",
        data={"document_ids": [_registered(cast).pk]},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 403
    assert refused.json()["message"] == "Only the agency's clerk may receive and register incoming documents."


def test_processing_steps_and_errors_follow_the_language(cast) -> None:
    document = confirmed_document(cast)
    job = document.jobs.first()
    assert job is not None
    job.status, job.step = JobStatus.RUNNING, "Đang nhận dạng chữ (OCR)"
    job.save(update_fields=["status", "step"])
    clerk = login(cast.clerk_a)
    running = clerk.get(f"/documents/{document.pk}/jobs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Recognising text (OCR)" in running and "Đang nhận dạng chữ" not in running
    job.status, job.error = JobStatus.FAILED, "Chuyển DOCX sang PDF quá thời gian cho phép."
    job.save(update_fields=["status", "error"])
    failed = clerk.get(f"/documents/{document.pk}/jobs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Converting DOCX to PDF took longer than allowed." in failed and "Failed" in failed
    api = clerk.get(f"/api/v1/documents/jobs/{job.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert api["error"] == "Converting DOCX to PDF took longer than allowed."
    vietnamese = clerk.get(f"/documents/{document.pk}/jobs/").content.decode()
    assert "Chuyển DOCX sang PDF quá thời gian cho phép." in vietnamese
    # Another agency's clerk sees none of it.
    assert (
        login(cast.clerk_b).get(f"/api/v1/documents/jobs/{job.pk}", HTTP_ACCEPT_LANGUAGE="en").status_code
        == 404
    )
