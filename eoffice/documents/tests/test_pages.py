"""The clerk's pages: upload, proposals shown for confirmation, job progress, register, bulk, export."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from eoffice.documents.models import Document, DocumentStatus, Registration
from eoffice.documents.tests import samples
from eoffice.documents.tests.conftest import login
from eoffice.documents.tests.factories import confirmed_document


def test_upload_then_confirm_then_register(cast, django_capture_on_commit_callbacks) -> None:
    client = login(cast.clerk_a)
    page = client.get("/documents/upload/")
    assert page.status_code == 200 and 'name="main_files"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/documents/upload/",
            {
                "main_files": [SimpleUploadedFile("qd.pdf", samples.pdf_for(samples.DECISION))],
                "received_via": "paper_scan",
                "secrecy": "thuong",
                "urgency": "thuong",
            },
        )
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/documents/{document.pk}/"
    body = client.get(f"/documents/{document.pk}/").content.decode()
    # The proposals are in the form, for the clerk to confirm.
    assert 'value="QĐ-SNV"' in body and 'value="12"' in body and 'value="2026-03-05"' in body
    assert "Về việc ban hành quy chế làm việc của Sở Nội vụ" in body
    assert 'name="viewport"' in body
    form = {
        "document_type_id": document.proposals["document_type_id"],
        "code_number": "12",
        "code_notation": "QĐ-SNV",
        "issued_date": "2026-03-05",
        "organ_name": "Sở Nội vụ",
        "issuing_agency_id": cast.agency_a.pk,
        "link_agency": "on",
        "subject": "",
        "urgency": "thuong",
        "secrecy": "thuong",
        "language": "Tiếng Việt",
    }
    refused = client.post(f"/documents/{document.pk}/confirm/", form)
    assert refused.status_code == 422 and "is-invalid" in refused.content.decode()
    form["subject"] = "Ban hành quy chế làm việc"
    assert client.post(f"/documents/{document.pk}/confirm/", form).status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.CONFIRMED and document.issuing_agency_id == cast.agency_a.pk
    assert client.post(f"/documents/{document.pk}/register/", {"register_id": ""}).status_code == 302
    body = client.get(f"/documents/{document.pk}/").content.decode()
    assert 'id="registration"' in body and "<strong>1</strong>" in body


def test_bad_upload_shows_the_message_beside_the_field(cast) -> None:
    client = login(cast.clerk_a)
    response = client.post(
        "/documents/upload/",
        {
            "main_files": [SimpleUploadedFile("a.pdf", b"")],
            "received_via": "paper_scan",
            "secrecy": "thuong",
            "urgency": "thuong",
        },
    )
    assert response.status_code == 422
    wrong = client.post(
        "/documents/upload/",
        {
            "main_files": [SimpleUploadedFile("a.pdf", b"not a pdf at all")],
            "received_via": "paper_scan",
            "secrecy": "thuong",
            "urgency": "thuong",
        },
    )
    assert wrong.status_code == 422 and "không thuộc loại được chấp nhận" in wrong.content.decode()
    assert Document.objects.count() == 0


def test_job_progress_partial_polls_until_done(cast, django_capture_on_commit_callbacks) -> None:
    client = login(cast.clerk_a)
    # Without running the on-commit job, it stays queued and the partial keeps polling.
    client.post(
        "/documents/upload/",
        {
            "main_files": [SimpleUploadedFile("qd.pdf", samples.pdf_for(samples.DECISION))],
            "received_via": "upload",
            "secrecy": "thuong",
            "urgency": "thuong",
        },
    )
    document = Document.objects.get()
    partial = client.get(f"/documents/{document.pk}/jobs/?waiting=1", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in partial.content.decode() and "HX-Refresh" not in partial
    from eoffice.documents import tasks

    tasks.run_job(document.jobs.get().pk)
    done = client.get(f"/documents/{document.pk}/jobs/?waiting=1", HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in done.content.decode() and done["HX-Refresh"] == "true"
    assert "100%" in done.content.decode()


def test_bulk_register_from_the_list(cast) -> None:
    documents = [confirmed_document(cast) for _ in range(3)]
    client = login(cast.clerk_a)
    listing = client.get("/documents/?status=confirmed").content.decode()
    assert all(f'value="{d.pk}"' in listing for d in documents)
    response = client.post("/documents/register-bulk/", {"document_ids": [d.pk for d in documents[:2]]})
    assert response.status_code == 302
    assert Registration.objects.count() == 2
    # Agency B's clerk cannot register agency A's documents through the page either.
    login(cast.clerk_b).post("/documents/register-bulk/", {"document_ids": [documents[2].pk]})
    assert Registration.objects.count() == 2


def test_pages_refuse_other_people(cast) -> None:
    document = confirmed_document(cast)
    for user in (cast.clerk_b, cast.specialist_a, cast.outsider):
        assert login(user).get(f"/documents/{document.pk}/").status_code == 404
    assert login(cast.leader_a).get(f"/documents/{document.pk}/").status_code == 200
    assert 'id="confirm-form"' not in login(cast.leader_a).get(f"/documents/{document.pk}/").content.decode()
    assert login(cast.specialist_a).get("/documents/upload/").status_code == 403
    assert login(cast.specialist_a).get("/documents/registers/").status_code == 403
    assert login(cast.clerk_b).get("/documents/").content.decode().count(f"/documents/{document.pk}/") == 0


def test_register_page_and_export(cast) -> None:
    from eoffice.documents import services
    from eoffice.documents.tests.factories import clerk

    services.document_register(actor=clerk(cast), document=confirmed_document(cast))
    client = login(cast.clerk_a)
    page = client.get("/documents/registers/").content.decode()
    register = Registration.objects.get().register
    assert register.name in page and "table-responsive" in page
    today = timezone.localdate().isoformat()
    url = f"/documents/registers/{register.pk}/export/?format=pdf&date_from={today}&date_to={today}"
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    bad = client.get(
        f"/documents/registers/{register.pk}/export/?format=pdf&date_from={today}&date_to=2000-01-01"
    )
    assert bad.status_code == 302
    assert login(cast.clerk_b).get(url).status_code == 404
    created = client.post("/documents/registers/", {"year": timezone.localdate().year, "name": "Sổ đơn thư"})
    assert created.status_code == 302
    assert login(cast.leader_a).get("/documents/registers/").status_code == 200


def test_menu_shows_documents_to_the_clerk(cast) -> None:
    body = login(cast.clerk_a).get("/").content.decode()
    assert "/documents/" in body and "/documents/registers/" in body
    assert "/documents/registers/" not in login(cast.specialist_a).get("/").content.decode()


def test_a_garbled_register_or_a_25_digit_id_is_refused_and_nothing_registered(cast) -> None:
    document = confirmed_document(cast)
    client = login(cast.clerk_a)
    # A value the register list cannot hold is refused, not quietly taken for the default register.
    for garbled in ("khong-co", "-1", "1.5", str(10**25)):
        one = client.post(f"/documents/{document.pk}/register/", {"register_id": garbled}, follow=True)
        assert "Sổ văn bản đã chọn không hợp lệ." in one.content.decode(), garbled
        data = {"document_ids": [document.pk], "register_id": garbled}
        bulk = client.post("/documents/register-bulk/", data, follow=True)
        assert "Sổ văn bản đã chọn không hợp lệ." in bulk.content.decode(), garbled
    data = {"document_ids": [document.pk, str(10**25)]}
    answer = client.post("/documents/register-bulk/", data, follow=True)
    assert answer.status_code == 200 and "không tồn tại" in answer.content.decode()
    assert not Registration.objects.exists()
