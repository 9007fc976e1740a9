"""/api/v1/outgoing: who may and who may not, structured errors, drafts → versions → number."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from eoffice.outgoing.models import Draft, OutgoingNumber
from eoffice.outgoing.tests.conftest import doc_type, login, make_draft, pdf_bytes
from eoffice.outgoing.tests.signkit import give_credentials
from eoffice.signing.tests.pki import PFX_PASSWORD
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db
BASE = "/api/v1/outgoing"


def _create(client: Client, cast: Cast, **extra: Any) -> Any:
    form = {
        "type_id": doc_type("quyet_dinh").pk,
        "Subject": "Quyết định nâng bậc lương",
        "recipient_ids": f"{cast.agency_b.pk}",
        "recipient_lines": "Như Điều 3;\nLưu: VT, TCBC.",
        "signer_position_id": cast.position(cast.leader_a).pk,
        "signer_competence": "KT.",
        "main_file": SimpleUploadedFile("qd.pdf", pdf_bytes(), "application/pdf"),
    }
    form.update(extra)
    return client.post(f"{BASE}/drafts", form)


def test_draft_version_compare_number_and_export(cast: Cast) -> None:
    client = login(cast.specialist_a)
    response = _create(client, cast)
    assert response.status_code == 201, response.content
    body = response.json()
    draft_id = body["id"]
    assert body["version"]["To"][0]["OrganId"] == cast.agency_b.code
    assert body["version"]["SignerInfo"]["Competence"] == "KT."
    assert body["version"]["recipient_lines"] == ["Như Điều 3;", "Lưu: VT, TCBC."]
    revised = client.post(
        f"{BASE}/drafts/{draft_id}/versions",
        {
            "type_id": doc_type("quyet_dinh").pk,
            "Subject": "Quyết định nâng bậc lương (sửa)",
            "note": "Sửa trích yếu",
        },
    )
    assert revised.status_code == 201, revised.content
    assert revised.json()["versions"] == [1, 2]
    diff = client.get(f"{BASE}/drafts/{draft_id}/compare", {"a": 1, "b": 2}).json()
    assert {row["label"] for row in diff if row["changed"]} == {
        "Trích yếu",
        "Nơi nhận",
        "Nơi nhận khác",
        "Người ký",
        "Thẩm quyền ký",
    }
    file_id = revised.json()["version"]["files"][0]["id"]
    assert client.get(f"{BASE}/drafts/{draft_id}/files/{file_id}").status_code == 200
    assert [d["id"] for d in client.get(f"{BASE}/drafts").json()] == [draft_id]

    clerk = login(cast.clerk_a)
    held = clerk.post(
        f"{BASE}/numbers/reserve",
        {"type_id": doc_type("quyet_dinh").pk, "reason": "Giữ"},
        content_type="application/json",
    )
    assert held.status_code == 201 and held.json()["CodeNumber"] == "01"
    numbered = clerk.post(
        f"{BASE}/drafts/{draft_id}/number",
        {"reserved_id": held.json()["id"]},
        content_type="application/json",
    )
    assert numbered.status_code == 200, numbered.content
    assert (numbered.json()["CodeNumber"], numbered.json()["CodeNotation"]) == ("01", "QĐ-SNV")
    series_id = numbered.json()["series_id"]
    year = numbered.json()["IssuedDate"][:4]
    export = clerk.get(
        f"{BASE}/registers/{series_id}/export", {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}
    )
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None and sheet["A7"].value == "01/QĐ-SNV"
    bad_range = clerk.get(
        f"{BASE}/registers/{series_id}/export", {"date_from": f"{year}-12-31", "date_to": f"{year}-01-01"}
    )
    assert bad_range.status_code == 422 and bad_range.json()["field"] == "date_from"
    again = clerk.post(f"{BASE}/drafts/{draft_id}/number", {}, content_type="application/json")
    assert again.status_code == 409


def test_structured_errors_and_nothing_written(cast: Cast) -> None:
    client = login(cast.specialist_a)
    response = _create(client, cast, Subject="  ")
    assert response.status_code == 422 and response.json()["field"] == "subject"
    response = _create(client, cast, recipient_ids="1,abc")
    assert response.status_code == 422 and response.json()["field"] == "recipients"
    response = _create(client, cast, main_file=SimpleUploadedFile("x.pdf", b"hello", "application/pdf"))
    assert response.status_code == 422 and response.json()["code"] == "file_type_not_allowed"
    assert not Draft.objects.exists()


@pytest.mark.parametrize("who", ["clerk_b", "unit_head_a", "outsider"])
def test_others_do_not_see_a_draft(cast: Cast, who: str) -> None:
    draft = make_draft(cast)
    client = login(getattr(cast, who))
    assert client.get(f"{BASE}/drafts/{draft.pk}").status_code == 404
    assert (
        client.post(f"{BASE}/drafts/{draft.pk}/number", {}, content_type="application/json").status_code
        == 404
    )
    assert client.get(f"{BASE}/drafts").json() == []


@pytest.mark.parametrize("who", ["specialist_a", "leader_a", "admin_a", "clerk_b"])
def test_only_the_clerk_numbers_and_reserves(cast: Cast, who: str) -> None:
    draft = make_draft(cast)
    client = login(getattr(cast, who))
    status = client.post(f"{BASE}/drafts/{draft.pk}/number", {}, content_type="application/json").status_code
    assert status in (403, 404)
    reserve = client.post(
        f"{BASE}/numbers/reserve", {"type_id": doc_type("cong_van").pk}, content_type="application/json"
    )
    # Agency B's clerk reserves in agency B's own series, never in agency A's.
    assert reserve.status_code == (201 if who == "clerk_b" else 403)
    assert not OutgoingNumber.objects.filter(series__agency=cast.agency_a).exists()


def test_outsider_cannot_draft_or_reserve(cast: Cast) -> None:
    client = login(cast.outsider)
    assert _create(client, cast).status_code == 403
    assert (
        client.post(f"{BASE}/numbers/reserve", {"type_id": 1}, content_type="application/json").status_code
        == 403
    )
    assert client.get(f"{BASE}/drafts").status_code in (200, 401)


def test_anonymous_is_refused() -> None:
    from django.test import Client

    assert Client().get(f"{BASE}/drafts").status_code == 401


def test_chain_submit_return_approve_through_the_api(cast: Cast, pki: Any, trusted: Any) -> None:
    admin = login(cast.admin_a)
    chain = {
        "name": "Trình ký",
        "steps": [
            {"kind": "review", "user_id": cast.unit_head_a.pk, "working_days": 2},
            {"kind": "sign", "user_id": cast.leader_a.pk},
        ],
    }
    assert admin.put(f"{BASE}/chains", chain, content_type="application/json").status_code == 200
    refused = login(cast.specialist_a).put(f"{BASE}/chains", chain, content_type="application/json")
    assert refused.status_code == 403
    bad = admin.put(
        f"{BASE}/chains", {"name": "X", "steps": [chain["steps"][0]]}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["code"] == "sign_last"

    draft = make_draft(cast)
    specialist, head, leader = login(cast.specialist_a), login(cast.unit_head_a), login(cast.leader_a)
    runs = specialist.post(f"{BASE}/drafts/{draft.pk}/submit").json()
    assert runs[0]["assignee_user_id"] == cast.unit_head_a.pk and runs[0]["deadline"]
    no_reason = head.post(
        f"{BASE}/drafts/{draft.pk}/return", {"reason": " "}, content_type="application/json"
    )
    assert no_reason.status_code == 422
    returned = head.post(
        f"{BASE}/drafts/{draft.pk}/return", {"reason": "Sai căn cứ"}, content_type="application/json"
    )
    assert returned.json()[0]["outcome"] == "returned"
    specialist.post(f"{BASE}/drafts/{draft.pk}/submit")
    not_holder = leader.post(f"{BASE}/drafts/{draft.pk}/approve", {}, content_type="application/json")
    assert not_holder.status_code == 403
    head.post(f"{BASE}/drafts/{draft.pk}/approve", {}, content_type="application/json")
    # The sign step ends with the signer's digital signature, not with "approve".
    unsigned = leader.post(f"{BASE}/drafts/{draft.pk}/approve", {}, content_type="application/json")
    assert unsigned.status_code == 422 and unsigned.json()["code"] == "signature_required"
    give_credentials(cast, pki)
    pfx = SimpleUploadedFile("leader.p12", pki.leader.pfx(), content_type="application/x-pkcs12")
    signed = leader.post(f"{BASE}/drafts/{draft.pk}/sign", {"pkcs12": pfx, "password": PFX_PASSWORD.decode()})
    assert signed.status_code == 200, signed.content
    final = leader.get(f"{BASE}/drafts/{draft.pk}/steps").json()
    assert [r["outcome"] for r in final] == ["returned", "approved", "approved"]
    assert specialist.get(f"{BASE}/drafts/{draft.pk}").json()["status"] == "approved"
    assert login(cast.clerk_b).get(f"{BASE}/drafts/{draft.pk}/steps").status_code == 404


def test_release_and_reject_through_the_api(cast: Cast) -> None:
    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk])
    clerk = login(cast.clerk_a)
    unnumbered = clerk.post(f"{BASE}/drafts/{draft.pk}/release")
    assert unnumbered.status_code == 409 and unnumbered.json()["code"] == "not_numbered"
    clerk.post(f"{BASE}/drafts/{draft.pk}/number", {}, content_type="application/json")
    assert login(cast.specialist_a).post(f"{BASE}/drafts/{draft.pk}/release").status_code == 403
    (sent,) = clerk.post(f"{BASE}/drafts/{draft.pk}/release").json()
    assert sent["status"] == "arrived" and sent["OrganId"] == cast.agency_b.code
    other = login(cast.clerk_b)
    assert other.get(f"/api/v1/documents/{sent['incoming_id']}").status_code == 200
    refused = clerk.post(
        f"{BASE}/deliveries/{sent['id']}/reject", {"reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    rejected = other.post(
        f"{BASE}/deliveries/{sent['id']}/reject", {"reason": "Sai"}, content_type="application/json"
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert clerk.get(f"{BASE}/drafts/{draft.pk}/deliveries").json()[0]["reason"] == "Sai"


def test_recall_through_the_api(cast: Cast) -> None:
    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk])
    clerk = login(cast.clerk_a)
    clerk.post(f"{BASE}/drafts/{draft.pk}/number", {}, content_type="application/json")
    (sent,) = clerk.post(f"{BASE}/drafts/{draft.pk}/release").json()
    no_reason = clerk.post(
        f"{BASE}/drafts/{draft.pk}/recall", {"reason": ""}, content_type="application/json"
    )
    assert no_reason.status_code == 422
    assert (
        login(cast.leader_a)
        .post(f"{BASE}/drafts/{draft.pk}/recall", {"reason": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    (pending,) = clerk.post(
        f"{BASE}/drafts/{draft.pk}/recall", {"reason": "Sai"}, content_type="application/json"
    ).json()
    assert pending["status"] == "recall_pending"
    assert clerk.post(f"{BASE}/deliveries/{sent['id']}/recall/accept").status_code == 403
    accepted = login(cast.clerk_b).post(f"{BASE}/deliveries/{sent['id']}/recall/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "recalled"
    assert login(cast.clerk_b).get(f"/api/v1/documents/{sent['incoming_id']}").status_code == 404


def test_attachments_and_a_new_main_file_travel_through_the_api(cast: Cast) -> None:
    client = login(cast.specialist_a)
    annex = SimpleUploadedFile("phu-luc.pdf", pdf_bytes(marker="Phụ lục"), "application/pdf")
    created = _create(client, cast, attachments=[annex])
    assert created.status_code == 201, created.content
    files = created.json()["version"]["files"]
    assert sorted(f["file_name"] for f in files) == ["phu-luc.pdf", "qd.pdf"]
    revised = client.post(
        f"{BASE}/drafts/{created.json()['id']}/versions",
        {
            "type_id": doc_type("quyet_dinh").pk,
            "Subject": "Quyết định nâng bậc lương (sửa)",
            "main_file": SimpleUploadedFile("qd-v2.pdf", pdf_bytes(marker="v2"), "application/pdf"),
        },
    )
    assert revised.status_code == 201, revised.content
    names = sorted(f["file_name"] for f in revised.json()["version"]["files"])
    assert "qd-v2.pdf" in names and "qd.pdf" not in names
