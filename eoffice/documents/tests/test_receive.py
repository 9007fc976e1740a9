"""Receiving uploads: storage by content, background jobs with progress, proposals, duplicates."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.storage import default_storage

from eoffice.core.actor import Actor
from eoffice.core.errors import PermissionDenied
from eoffice.core.models import AuditEvent
from eoffice.documents import selectors, services
from eoffice.documents.models import (
    DocumentFile,
    DocumentStatus,
    DocumentType,
    FileRole,
    JobKind,
    JobStatus,
    ReceivedVia,
    StoredFile,
)
from eoffice.documents.tests import samples


def actor_of(cast, user) -> Actor:
    return Actor(user=user, position=cast.position(user))


def receive(cast, capture, parts, **extra):
    with capture(execute=True):
        document = services.document_receive_upload(
            actor=actor_of(cast, cast.clerk_a), main_files=parts, **extra
        )
    document.refresh_from_db()
    return document


def confirm(cast, document, **overrides):
    proposals = document.proposals
    values = services.DocumentFields(
        document_type_id=overrides.pop("document_type_id", proposals.get("document_type_id")),
        code_number=overrides.pop("code_number", proposals.get("code_number", "")),
        code_notation=overrides.pop("code_notation", proposals.get("code_notation", "")),
        issued_date=overrides.pop("issued_date", date.fromisoformat(proposals["issued_date"])),
        organ_name=overrides.pop("organ_name", proposals.get("organ_name", "")),
        issuing_agency_id=overrides.pop("issuing_agency_id", proposals.get("issuing_agency_id")),
        subject=overrides.pop("subject", proposals.get("subject", "")),
        **overrides,
    )
    return services.document_confirm_fields(
        actor=actor_of(cast, cast.clerk_a), document=document, values=values
    )


def test_text_pdf_is_analysed_and_fields_proposed(cast, django_capture_on_commit_callbacks) -> None:
    pdf = samples.pdf_for(samples.DECISION)
    document = receive(cast, django_capture_on_commit_callbacks, [services.UploadPart("qd.pdf", pdf)])
    job = document.jobs.get()
    assert (job.kind, job.status, job.progress) == (JobKind.ANALYSE, JobStatus.DONE, 100)
    assert document.proposals["code_notation"] == "QĐ-SNV"
    assert document.proposals["issuing_agency_id"] == cast.agency_a.pk
    assert document.page_amount == 1 and "QUYẾT ĐỊNH" in document.first_page_text
    main = document.files.get(role=FileRole.MAIN)
    assert default_storage.exists(
        f"blobs/{main.stored_file.sha256[:2]}/{main.stored_file.sha256[2:4]}/{main.stored_file.sha256}"
    )
    assert AuditEvent.objects.filter(verb="document.received", target_id=str(document.pk)).exists()


def test_same_content_is_stored_once_and_warned_as_duplicate(
    cast, django_capture_on_commit_callbacks
) -> None:
    pdf = samples.pdf_for(samples.DECISION)
    first = receive(cast, django_capture_on_commit_callbacks, [services.UploadPart("a.pdf", pdf)])
    second = receive(cast, django_capture_on_commit_callbacks, [services.UploadPart("b.pdf", pdf)])
    assert StoredFile.objects.count() == 1
    warnings = selectors.duplicate_warnings(second)
    assert [(w["kind"], w["document_id"]) for w in warnings] == [("same_file", first.pk)]


def test_same_number_symbol_and_issuer_is_warned(cast, django_capture_on_commit_callbacks) -> None:
    first = receive(
        cast,
        django_capture_on_commit_callbacks,
        [services.UploadPart("a.pdf", samples.pdf_for(samples.DECISION))],
    )
    confirm(cast, first)
    # The same document scanned again: different bytes, same number, symbol and issuer.
    other = samples.Sample(**{**samples.DECISION.__dict__, "body": "Bản quét lại của cùng văn bản."})
    second = receive(
        cast, django_capture_on_commit_callbacks, [services.UploadPart("b.pdf", samples.pdf_for(other))]
    )
    assert selectors.duplicate_warnings(second) == []  # not yet confirmed: no number to compare
    second = confirm(cast, second)
    kinds = [(w["kind"], w["document_id"]) for w in selectors.duplicate_warnings(second)]
    assert kinds == [("same_number", first.pk)]
    # A different issuer with the same number is not a duplicate.
    second = confirm(cast, second, organ_name="Sở Tư pháp", issuing_agency_id=None)
    assert selectors.duplicate_warnings(second) == []


def test_confirm_validates_and_records_changes(cast, django_capture_on_commit_callbacks) -> None:
    document = receive(
        cast,
        django_capture_on_commit_callbacks,
        [services.UploadPart("a.pdf", samples.pdf_for(samples.DECISION))],
    )
    with pytest.raises(services.ValidationFailed) as caught:
        confirm(cast, document, subject="   ")
    assert caught.value.field == "subject"
    with pytest.raises(services.ValidationFailed) as caught:
        confirm(cast, document, code_number="12a")
    assert caught.value.field == "code_number"
    with pytest.raises(services.ValidationFailed) as caught:
        confirm(cast, document, urgency="hoa_toc_hen_gio")
    assert caught.value.field == "urgency_deadline"
    document = confirm(cast, document, subject="Ban hành quy chế làm việc", signer_competence="KT.")
    assert document.status == DocumentStatus.CONFIRMED
    event = AuditEvent.objects.filter(verb="document.fields_confirmed").latest("seq")
    assert event.data["subject"] == ["", "Ban hành quy chế làm việc"]


def test_only_the_agency_clerk_receives(cast) -> None:
    pdf = samples.pdf_for(samples.DECISION)
    for user in (cast.leader_a, cast.specialist_a, cast.admin_a):
        with pytest.raises(PermissionDenied):
            services.document_receive_upload(
                actor=actor_of(cast, user), main_files=[services.UploadPart("a.pdf", pdf)]
            )
    with pytest.raises(PermissionDenied):
        services.document_receive_upload(
            actor=Actor(user=cast.outsider), main_files=[services.UploadPart("a.pdf", pdf)]
        )


def test_agency_b_never_sees_agency_a_documents(cast, django_capture_on_commit_callbacks) -> None:
    document = receive(
        cast,
        django_capture_on_commit_callbacks,
        [services.UploadPart("a.pdf", samples.pdf_for(samples.DECISION))],
    )
    visible = lambda user: list(selectors.documents_visible_to(actor_of(cast, user)))  # noqa: E731
    assert visible(cast.clerk_a) == [document]
    assert visible(cast.leader_a) == [document]
    assert visible(cast.clerk_b) == []
    assert visible(cast.specialist_a) == []  # until a processing line gives sight of it
    assert list(selectors.documents_visible_to(Actor(user=cast.outsider))) == []
    with pytest.raises(selectors.NotFound):
        selectors.document_get(actor=actor_of(cast, cast.clerk_b), document_id=document.pk)


def test_visibility_hook_widens_sight_but_not_to_secret_documents(
    cast, django_capture_on_commit_callbacks
) -> None:
    from django.db.models import Q

    pdf = samples.pdf_for(samples.DECISION)
    ordinary = receive(cast, django_capture_on_commit_callbacks, [services.UploadPart("a.pdf", pdf)])
    secret = receive(
        cast, django_capture_on_commit_callbacks, [services.UploadPart("b.pdf", pdf + b"\n")], secrecy="mat"
    )

    def hook(actor):
        return Q(pk__in=[ordinary.pk, secret.pk]) if actor.user == cast.specialist_a else None

    selectors.register_visibility_hook(hook)
    try:
        assert list(selectors.documents_visible_to(actor_of(cast, cast.specialist_a))) == [ordinary]
    finally:
        selectors.VISIBILITY_HOOKS.remove(hook)


@pytest.mark.slow
def test_scanned_images_are_combined_and_ocred(cast, django_capture_on_commit_callbacks) -> None:
    """OCR on a generated Vietnamese scan: two page images become one PDF with a text layer."""
    pdf = samples.pdf_for(samples.OFFICIAL_LETTER)
    page = samples.page_images(pdf, dpi=200)[0]
    blank = samples.page_images(samples.pdf_for(samples.Sample(**{**samples.DECISION.__dict__})), dpi=100)[0]
    document = receive(
        cast,
        django_capture_on_commit_callbacks,
        [services.UploadPart("trang-1.png", page), services.UploadPart("trang-2.png", blank)],
        received_via=ReceivedVia.PAPER_SCAN,
    )
    job = document.jobs.get()
    assert job.kind == JobKind.OCR and job.status == JobStatus.DONE, job.error
    main = document.files.get(role=FileRole.MAIN)
    assert main.stored_file.content_type == "application/pdf" and main.page_count == 2
    assert not main.has_text_layer
    rendition = DocumentFile.objects.get(role=FileRole.RENDITION, derived_from=main)
    assert rendition.has_text_layer and rendition.stored_file.sha256 != main.stored_file.sha256
    assert selectors.viewing_file(document) == rendition
    assert "tăng cường công tác văn thư" in document.first_page_text
    proposals = document.proposals
    assert (proposals["code_number"], proposals["code_notation"]) == ("45", "UBND-VP")
    assert proposals["issued_date"] == "2026-02-17"
    assert proposals["issuing_agency_id"] == cast.agency_b.pk
    assert proposals["document_type_id"] == DocumentType.objects.get(code="cong_van").pk


@pytest.mark.slow
def test_docx_is_converted_to_pdf_with_original_kept(cast, django_capture_on_commit_callbacks) -> None:
    docx = samples.docx_for(samples.sample_lines(samples.DECISION))
    document = receive(
        cast,
        django_capture_on_commit_callbacks,
        [services.UploadPart("qd.docx", docx)],
        received_via=ReceivedVia.EMAIL,
    )
    job = document.jobs.get()
    assert job.kind == JobKind.CONVERT and job.status == JobStatus.DONE, job.error
    main = document.files.get(role=FileRole.MAIN)
    assert main.stored_file.content_type.endswith("wordprocessingml.document")
    rendition = main.renditions.get()
    assert rendition.stored_file.content_type == "application/pdf" and rendition.has_text_layer
    assert document.proposals["code_notation"] == "QĐ-SNV"
    assert document.proposals["subject"].startswith("Về việc ban hành quy chế")


def test_failed_job_is_shown_and_can_be_retried(
    cast, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from eoffice.documents import processing, tasks

    def broken(_text: str) -> None:
        raise processing.ProcessingError("Công cụ đọc PDF gặp lỗi.")

    monkeypatch.setattr(tasks, "propose", broken)
    document = receive(
        cast,
        django_capture_on_commit_callbacks,
        [services.UploadPart("a.pdf", samples.pdf_for(samples.DECISION))],
    )
    job = document.jobs.get()
    assert job.status == JobStatus.FAILED and job.error == "Công cụ đọc PDF gặp lỗi."
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.job_retry(actor=actor_of(cast, cast.clerk_a), job=job)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2
    with pytest.raises(PermissionDenied):
        services.job_retry(actor=actor_of(cast, cast.clerk_b), job=job)
