"""/api/v1/documents: who may and who may not, structured errors, the whole incoming flow."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from eoffice.documents.models import Document, DocumentType, Registration
from eoffice.documents.tests import samples
from eoffice.documents.tests.conftest import login

BASE = "/api/v1/documents"


def _upload(client, pdf: bytes, name: str = "qd.pdf", **form):
    return client.post(f"{BASE}/incoming", {"main_files": [SimpleUploadedFile(name, pdf)], **form})


def _confirm_body(detail: dict) -> dict:
    proposals = detail["proposals"]
    return {
        "type_id": proposals["document_type_id"],
        "CodeNumber": proposals["code_number"],
        "CodeNotation": proposals["code_notation"],
        "IssuedDate": proposals["issued_date"],
        "OrganName": proposals["organ_name"],
        "issuing_agency_id": proposals["issuing_agency_id"],
        "Subject": proposals["subject"],
        "SignerInfo": {"Position": "Phó Giám đốc", "FullName": "Nguyễn Văn A", "Competence": "KT."},
        "Priority": 1,
    }


def test_full_incoming_flow(cast, django_capture_on_commit_callbacks) -> None:
    client = login(cast.clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, samples.pdf_for(samples.DECISION), received_via="email", urgency="khan")
    assert response.status_code == 201, response.content
    created = response.json()
    document_id = created["id"]
    job_id = created["jobs"][0]["id"]
    job = client.get(f"{BASE}/jobs/{job_id}").json()
    assert job["status"] == "done" and job["progress"] == 100 and job["finished"]
    detail = client.get(f"{BASE}/{document_id}").json()
    assert detail["proposals"]["code_notation"] == "QĐ-SNV" and detail["urgency"] == "khan"
    assert detail["files"][0]["role"] == "main" and len(detail["files"][0]["sha256"]) == 64

    confirmed = client.post(
        f"{BASE}/{document_id}/confirm", _confirm_body(detail), content_type="application/json"
    )
    assert confirmed.status_code == 200, confirmed.content
    body = confirmed.json()
    assert (
        body["TypeName"] == "Quyết định" and body["CodeNumber"] == "12" and body["CodeNotation"] == "QĐ-SNV"
    )
    assert body["IssuedDate"] == "2026-03-05" and body["OrganId"] == cast.agency_a.code
    assert body["SignerInfo"]["Competence"] == "KT." and body["Priority"] == 1 and body["urgency"] == "khan"

    registered = client.post(f"{BASE}/{document_id}/register", {}, content_type="application/json")
    assert registered.status_code == 200, registered.content
    registration = registered.json()["registration"]
    assert registration["ArrivalNumber"] == 1 and registration["year"] == timezone.localdate().year

    listing = client.get(f"{BASE}/incoming?status=registered&q=quy che").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == document_id

    registers = client.get(f"{BASE}/registers/").json()
    assert registers[0]["last_number"] == 1
    today = timezone.localdate().isoformat()
    export = client.get(
        f"{BASE}/registers/{registers[0]['id']}/export?format=xlsx&date_from={today}&date_to={today}"
    )
    assert export.status_code == 200 and export["Content-Type"].endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "Số đến" in values and "12/QĐ-SNV" in values
    pdf = client.get(
        f"{BASE}/registers/{registers[0]['id']}/export?format=pdf&date_from={today}&date_to={today}"
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    download = client.get(f"{BASE}/files/{detail['files'][0]['id']}")
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert download.status_code == 200 and content.startswith(b"%PDF")


def test_bad_upload_gives_structured_error_and_stores_nothing(cast, settings) -> None:
    client = login(cast.clerk_a)
    response = _upload(client, samples.encrypted_pdf(samples.pdf_for(samples.DECISION)))
    assert response.status_code == 422
    assert response.json()["code"] == "pdf_encrypted" and response.json()["field"] == "main_files"
    settings.EOFFICE_DOCUMENT_MAX_BYTES = 2048
    too_big = _upload(client, samples.pdf_for(samples.DECISION))
    assert too_big.status_code == 422 and too_big.json()["code"] == "file_too_large"
    wrong = _upload(client, b"#!/bin/sh\nrm -rf /\n", name="x.pdf")
    assert wrong.json()["code"] == "file_type_not_allowed"
    assert Document.objects.count() == 0


def test_who_may_and_who_may_not(cast, django_capture_on_commit_callbacks) -> None:
    clerk = login(cast.clerk_a)
    pdf = samples.pdf_for(samples.DECISION)
    for user in (cast.leader_a, cast.specialist_a, cast.admin_a, cast.outsider):
        assert _upload(login(user), pdf).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        document_id = _upload(clerk, pdf).json()["id"]
    assert login(cast.leader_a).get(f"{BASE}/{document_id}").status_code == 200
    for user in (cast.clerk_b, cast.specialist_a, cast.outsider):
        client = login(user)
        assert client.get(f"{BASE}/{document_id}").status_code == 404
        assert client.get(f"{BASE}/incoming").json()["count"] == 0
    detail = clerk.get(f"{BASE}/{document_id}").json()
    body = _confirm_body(detail)
    leader = login(cast.leader_a)
    assert (
        leader.post(f"{BASE}/{document_id}/confirm", body, content_type="application/json").status_code == 403
    )
    assert (
        login(cast.clerk_b)
        .post(f"{BASE}/{document_id}/confirm", body, content_type="application/json")
        .status_code
        == 404
    )
    file_id = detail["files"][0]["id"]
    assert login(cast.clerk_b).get(f"{BASE}/files/{file_id}").status_code == 404
    assert login(cast.clerk_b).get(f"{BASE}/jobs/{detail['jobs'][0]['id']}").status_code == 404
    from django.test import Client

    assert Client().get(f"{BASE}/incoming").status_code == 401


def test_confirm_errors_are_structured(cast, django_capture_on_commit_callbacks) -> None:
    client = login(cast.clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        document_id = _upload(client, samples.pdf_for(samples.DECISION)).json()["id"]
    detail = client.get(f"{BASE}/{document_id}").json()
    body = {**_confirm_body(detail), "CodeNumber": "12 bis"}
    response = client.post(f"{BASE}/{detail['id']}/confirm", body, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "code_number"
    body = {**_confirm_body(detail), "Priority": 9}
    assert (
        client.post(f"{BASE}/{detail['id']}/confirm", body, content_type="application/json").json()["code"]
        == "invalid_input"
    )
    early = client.post(f"{BASE}/{detail['id']}/register", {}, content_type="application/json")
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"


def test_bulk_register_and_register_creation(cast, django_capture_on_commit_callbacks) -> None:
    from eoffice.documents.tests.factories import confirmed_document

    ids = [confirmed_document(cast).pk for _ in range(3)]
    client = login(cast.clerk_a)
    year = timezone.localdate().year
    created = client.post(
        f"{BASE}/registers/", {"year": year, "name": "Sổ đơn thư"}, content_type="application/json"
    )
    assert created.status_code == 201
    again = client.post(
        f"{BASE}/registers/", {"year": year, "name": "Sổ đơn thư"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "register_exists"
    assert (
        login(cast.leader_a)
        .post(f"{BASE}/registers/", {"year": year, "name": "Khác"}, content_type="application/json")
        .status_code
        == 403
    )
    response = client.post(
        f"{BASE}/incoming/register-bulk",
        {"document_ids": list(reversed(ids)), "register_id": created.json()["id"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert [r["ArrivalNumber"] for r in response.json()] == [1, 2, 3]
    assert list(Registration.objects.order_by("number").values_list("document_id", flat=True)) == ids
    # Agency B's clerk cannot see agency A's registers.
    assert login(cast.clerk_b).get(f"{BASE}/registers/").json() == []
    assert DocumentType.objects.count() >= 29
