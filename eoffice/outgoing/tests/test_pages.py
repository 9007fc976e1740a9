from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from eoffice.outgoing import numbering, services
from eoffice.outgoing.exports import OUTGOING_COLUMNS
from eoffice.outgoing.models import Draft, NumberStatus, OutgoingNumber
from eoffice.outgoing.tests.conftest import actor_of, doc_type, login, make_draft, pdf_bytes
from eoffice.outgoing.tests.signkit import give_credentials, leader_signs
from eoffice.signing.tests.pki import PFX_PASSWORD
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _form(cast: Cast, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "document_type": doc_type("cong_van").pk,
        "subject": "Về việc cử cán bộ dự tập huấn",
        "recipients": [cast.agency_b.pk],
        "recipient_lines": "Như trên;\nLưu: VT.",
        "signer": cast.position(cast.leader_a).pk,
        "signer_competence": "",
        "urgency": "thuong",
        "secrecy": "thuong",
    }
    data.update(extra)
    return data


def test_specialist_drafts_through_the_page_and_sees_it_in_my_drafts(cast: Cast) -> None:
    client = login(cast.specialist_a)
    assert client.get(reverse("outgoing:draft_new")).status_code == 200
    response = client.post(
        reverse("outgoing:draft_new"),
        _form(cast, main_file=SimpleUploadedFile("du-thao.pdf", pdf_bytes(), "application/pdf")),
    )
    draft = Draft.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("outgoing:draft", args=[draft.pk])
    page = client.get(reverse("outgoing:my_drafts"))
    assert "Về việc cử cán bộ dự tập huấn" in page.content.decode()
    detail = client.get(reverse("outgoing:draft", args=[draft.pk])).content.decode()
    assert "Ủy ban nhân dân xã Đồng Tâm" in detail and "Lưu: VT." in detail
    # Other drafters' list does not show it.
    assert "tập huấn" not in login(cast.unit_head_a).get(reverse("outgoing:my_drafts")).content.decode()


def test_missing_main_file_and_wrong_file_type_are_shown_beside_the_field(cast: Cast) -> None:
    client = login(cast.specialist_a)
    response = client.post(reverse("outgoing:draft_new"), _form(cast))
    assert response.status_code == 422 and "Chưa chọn tệp văn bản chính" in response.content.decode()
    response = client.post(
        reverse("outgoing:draft_new"),
        _form(cast, main_file=SimpleUploadedFile("x.pdf", b"MZ not a pdf", "application/pdf")),
    )
    assert response.status_code == 422 and "không thuộc loại được chấp nhận" in response.content.decode()
    assert not Draft.objects.exists()


def test_revise_compare_and_open_each_version_file(cast: Cast) -> None:
    draft = make_draft(cast)
    client = login(cast.specialist_a)
    response = client.post(
        reverse("outgoing:draft_edit", args=[draft.pk]),
        _form(
            cast,
            subject="Về việc báo cáo biên chế (lần 2)",
            main_file=SimpleUploadedFile("v2.pdf", pdf_bytes(2), "application/pdf"),
        ),
    )
    assert response.status_code == 302
    page = client.get(reverse("outgoing:compare", args=[draft.pk]), {"a": 1, "b": 2}).content.decode()
    assert "Về việc báo cáo biên chế năm 2026" in page and "(lần 2)" in page and "Đã thay đổi" in page
    for version in draft.versions.all():
        main = version.files.get(role="main")
        got = client.get(reverse("outgoing:file", args=[draft.pk, main.pk]))
        assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert client.get(reverse("outgoing:compare", args=[draft.pk]), {"a": 1, "b": 9}).status_code == 404


@pytest.mark.parametrize("who", ["clerk_b", "unit_head_a", "outsider"])
def test_others_cannot_open_or_edit_a_draft(cast: Cast, who: str) -> None:
    draft = make_draft(cast)
    client = login(getattr(cast, who))
    assert client.get(reverse("outgoing:draft", args=[draft.pk])).status_code == 404
    file_id = draft.current_version.files.get(role="main").pk  # type: ignore[union-attr]
    assert client.get(reverse("outgoing:file", args=[draft.pk, file_id])).status_code == 404
    assert client.post(reverse("outgoing:draft_edit", args=[draft.pk]), _form(cast)).status_code == 404


def test_leader_reads_but_cannot_edit(cast: Cast) -> None:
    draft = make_draft(cast)
    client = login(cast.leader_a)
    assert client.get(reverse("outgoing:draft", args=[draft.pk])).status_code == 200
    assert client.get(reverse("outgoing:draft_edit", args=[draft.pk])).status_code == 403


def test_clerk_numbers_from_the_box_and_exports_the_register(cast: Cast) -> None:
    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk], signer_id=cast.position(cast.leader_a).pk)
    client = login(cast.clerk_a)
    assert "Về việc báo cáo biên chế" in client.get(reverse("outgoing:to_number")).content.decode()
    assert client.post(reverse("outgoing:number", args=[draft.pk]), {}).status_code == 302
    number = OutgoingNumber.objects.get(draft=draft)
    assert number.number_symbol == "01/SNV-TCBC"
    year = number.issued_date.year  # type: ignore[union-attr]
    url = reverse("outgoing:register_export", args=[number.series_id])
    response = client.get(url, {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(str(r[0]).startswith("SỔ ĐĂNG KÝ VĂN BẢN ĐI —") for r in rows[:4])
    assert rows[4] == OUTGOING_COLUMNS
    assert rows[6][0] == "01/SNV-TCBC" and "Ủy ban nhân dân xã Đồng Tâm" in rows[6][4]
    assert rows[6][3] == "Trần Văn Lãnh Đạo"
    pdf = client.get(url, {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Nobody else prints it or numbers.
    for who in (cast.specialist_a, cast.leader_a, cast.clerk_b):
        assert login(who).get(url, {"date_from": "2026-01-01", "date_to": "2026-12-31"}).status_code == 404
    for who in (cast.specialist_a, cast.leader_a):
        assert login(who).get(reverse("outgoing:to_number")).status_code == 403
    # Agency B's clerk has a box of its own, without agency A's drafts.
    other_box = login(cast.clerk_b).get(reverse("outgoing:to_number")).content.decode()
    assert "Về việc báo cáo biên chế" not in other_box


def test_number_post_by_a_non_clerk_is_refused(cast: Cast) -> None:
    draft = make_draft(cast)
    response = login(cast.leader_a).post(reverse("outgoing:number", args=[draft.pk]), {})
    assert response.status_code == 403
    assert not OutgoingNumber.objects.exists()


def test_registers_page_reserve_release_rule_and_advisory_body(cast: Cast) -> None:
    client = login(cast.clerk_a)
    url = reverse("outgoing:registers")
    assert client.get(url).status_code == 200
    client.post(
        url,
        {"action": "reserve", "reserve-document_type": doc_type("quyet_dinh").pk, "reserve-reason": "Cho QĐ"},
    )
    held = OutgoingNumber.objects.get()
    assert held.status == NumberStatus.RESERVED and held.reason == "Cho QĐ"
    client.post(url, {"action": "release", "number": held.pk})
    held.refresh_from_db()
    assert held.status == NumberStatus.RELEASED
    client.post(url, {"action": "body", "body-name": "Hội đồng thi đua", "body-abbreviation": "HĐTĐ"})
    assert cast.agency_a.advisory_bodies.get().abbreviation == "HĐTĐ"
    bad = client.post(url, {"action": "body", "body-name": "Ban khác", "body-abbreviation": "B/X"})
    assert bad.status_code == 422
    admin = login(cast.admin_a)
    admin.post(url, {"action": "rule", "rule-per_type": "on"})
    assert cast.agency_a.outgoing_numbering.per_type is True
    # The admin configures but does not reserve numbers.
    assert (
        admin.post(url, {"action": "reserve", "reserve-document_type": doc_type("quyet_dinh").pk}).status_code
        == 403
    )
    for who in (cast.specialist_a, cast.leader_a, cast.outsider):
        assert login(who).get(url).status_code == 403


def test_menu_shows_outgoing_entries_by_role(cast: Cast) -> None:
    home = reverse("web:home")
    clerk_page = login(cast.clerk_a).get(home).content.decode()
    specialist_page = login(cast.specialist_a).get(home).content.decode()
    assert reverse("outgoing:to_number") in clerk_page and reverse("outgoing:registers") in clerk_page
    assert reverse("outgoing:my_drafts") in specialist_page
    assert reverse("outgoing:to_number") not in specialist_page


def test_numbered_draft_shows_its_symbol_on_my_drafts(cast: Cast) -> None:
    draft = make_draft(cast)
    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)
    assert "01/SNV-TCBC" in login(cast.specialist_a).get(reverse("outgoing:my_drafts")).content.decode()
    assert services is not None


def test_chain_through_the_pages(cast: Cast, pki: Any, trusted: Any) -> None:
    from eoffice.outgoing import approval
    from eoffice.outgoing.approval import StepInput
    from eoffice.outgoing.models import DraftStatus, StepKind

    approval.approval_chain_set(
        actor=actor_of(cast, cast.admin_a),
        agency=cast.agency_a,
        document_type=None,
        name="Trình ký",
        steps=[StepInput(StepKind.REVIEW, cast.unit_head_a.pk), StepInput(StepKind.SIGN, cast.leader_a.pk)],
    )
    draft = make_draft(cast)
    specialist, head, leader = login(cast.specialist_a), login(cast.unit_head_a), login(cast.leader_a)
    assert head.get(reverse("outgoing:draft", args=[draft.pk])).status_code == 404
    specialist.post(reverse("outgoing:step", args=[draft.pk, "submit"]))
    page = head.get(reverse("outgoing:draft", args=[draft.pk])).content.decode()
    assert "Lý do trả lại" in page
    # Refused without a reason, shown as a message; nothing changes.
    head.post(reverse("outgoing:step", args=[draft.pk, "return"]), {"reason": ""})
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW
    head.post(reverse("outgoing:step", args=[draft.pk, "return"]), {"reason": "Sửa căn cứ"})
    draft.refresh_from_db()
    assert draft.status == DraftStatus.RETURNED
    assert "Sửa căn cứ" in specialist.get(reverse("outgoing:draft", args=[draft.pk])).content.decode()
    specialist.post(reverse("outgoing:step", args=[draft.pk, "submit"]))
    # The leader is not the holder of the review step.
    assert leader.post(reverse("outgoing:step", args=[draft.pk, "approve"])).status_code == 403
    head.post(reverse("outgoing:step", args=[draft.pk, "approve"]))
    # The sign step ends with the signer's digital signature (signing panel of the page).
    give_credentials(cast, pki)
    assert 'id="sign-form"' in leader.get(reverse("outgoing:draft", args=[draft.pk])).content.decode()
    pfx = SimpleUploadedFile("leader.p12", pki.leader.pfx(), content_type="application/x-pkcs12")
    leader.post(reverse("outgoing:sign", args=[draft.pk]), {"pkcs12": pfx, "password": PFX_PASSWORD.decode()})
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED
    assert head.post(reverse("outgoing:step", args=[draft.pk, "bogus"])).status_code == 404


def test_release_page_and_recipient_rejection(cast: Cast) -> None:
    from eoffice.outgoing.models import Delivery, DraftStatus

    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk])
    clerk = login(cast.clerk_a)
    # Without a number the release is refused with a message; nothing is sent.
    clerk.post(reverse("outgoing:release", args=[draft.pk]))
    assert not Delivery.objects.exists()
    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)
    assert login(cast.leader_a).post(reverse("outgoing:release", args=[draft.pk])).status_code == 403
    clerk.post(reverse("outgoing:release", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == DraftStatus.RELEASED
    page = clerk.get(reverse("outgoing:draft", args=[draft.pk])).content.decode()
    assert "Theo dõi nơi nhận" in page and "Đã đến" in page
    delivery = Delivery.objects.get()
    url = reverse("outgoing:reject", args=[delivery.pk])
    assert login(cast.clerk_a).get(url).status_code == 403
    recipient = login(cast.clerk_b)
    assert recipient.get(url).status_code == 200
    assert recipient.post(url, {"reason": "Gửi nhầm"}).status_code == 302
    assert "Từ chối: Gửi nhầm" in clerk.get(reverse("outgoing:draft", args=[draft.pk])).content.decode()


def test_recall_pages(cast: Cast) -> None:
    from eoffice.documents.models import Document
    from eoffice.outgoing import release
    from eoffice.outgoing.models import Delivery, DeliveryStatus, DraftStatus

    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk])
    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    clerk = login(cast.clerk_a)
    assert (
        login(cast.leader_a).post(reverse("outgoing:recall", args=[draft.pk]), {"reason": "x"}).status_code
        == 403
    )
    clerk.post(reverse("outgoing:recall", args=[draft.pk]), {"reason": "Sai thẩm quyền"})
    draft.refresh_from_db()
    assert draft.status == DraftStatus.RECALLED
    assert "Sai thẩm quyền" in clerk.get(reverse("outgoing:draft", args=[draft.pk])).content.decode()
    delivery = Delivery.objects.get()
    url = reverse("outgoing:recall_answer", args=[delivery.pk])
    assert clerk.get(url).status_code == 403
    recipient = login(cast.clerk_b)
    assert "Sai thẩm quyền" in recipient.get(url).content.decode()
    assert recipient.post(url, {"answer": "accept"}).status_code == 302
    delivery.refresh_from_db()
    assert (
        delivery.status == DeliveryStatus.RECALLED
        and not Document.objects.filter(agency=cast.agency_b).exists()
    )
    assert recipient.get(url).status_code == 404


def test_clerk_box_lists_approved_and_numbered_drafts_once_a_chain_exists(
    cast: Cast, pki: Any, trusted: Any
) -> None:
    from eoffice.outgoing import approval
    from eoffice.outgoing.approval import StepInput
    from eoffice.outgoing.models import StepKind

    approval.approval_chain_set(
        actor=actor_of(cast, cast.admin_a),
        agency=cast.agency_a,
        document_type=None,
        name="Trình ký",
        steps=[StepInput(StepKind.SIGN, cast.leader_a.pk)],
    )
    waiting = make_draft(cast)
    approved = make_draft(cast)
    approval.draft_submit(actor=actor_of(cast, cast.specialist_a), draft=approved)
    give_credentials(cast, pki)
    leader_signs(cast, pki, approved)
    box = login(cast.clerk_a).get(reverse("outgoing:to_number")).content.decode()
    assert reverse("outgoing:draft", args=[approved.pk]) in box
    assert reverse("outgoing:draft", args=[waiting.pk]) not in box


def test_a_25_digit_recipient_is_refused_beside_the_field(cast: Cast) -> None:
    # Django looks the chosen agencies up with pk__in, which no database holds past 2**63 - 1.
    client = login(cast.specialist_a)
    main = SimpleUploadedFile("du-thao.pdf", pdf_bytes(), "application/pdf")
    response = client.post(
        reverse("outgoing:draft_new"), _form(cast, recipients=[str(10**25)], main_file=main)
    )
    assert response.status_code == 422 and "is-invalid" in response.content.decode()
    assert not Draft.objects.exists()


def test_registers_page_says_when_it_has_nothing_to_do(cast: Cast) -> None:
    client = login(cast.clerk_a)
    for posted in ({}, {"action": "khong-co"}):
        response = client.post(reverse("outgoing:registers"), posted, follow=True)
        assert "Thao tác không hợp lệ." in response.content.decode()
    assert not OutgoingNumber.objects.exists()
