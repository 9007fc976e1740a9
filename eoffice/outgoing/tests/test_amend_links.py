"""Thay thế and đính chính: a later document of the same agency names an earlier released one;
at its release the earlier one is marked on both sides and recipients confirm a replacement."""

from __future__ import annotations

import pytest
from django.urls import reverse

from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.documents.services import UploadPart
from eoffice.outgoing import amend, amend_selectors, numbering, recall, release, services
from eoffice.outgoing.models import AmendmentKind, AnswerStatus, DeliveryEventKind, Draft
from eoffice.outgoing.tests.amend_cases import copy_of, delivery_to, province_clerk, released
from eoffice.outgoing.tests.conftest import actor_of, doc_type, login, make_draft, pdf_bytes
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def test_replacement_marks_the_earlier_document_on_both_sides(cast: Cast) -> None:
    clerk_p = province_clerk(cast)
    old = released(cast, cast.agency_b.pk, cast.province.pk)
    new = released(
        cast, cast.agency_b.pk, cast.province.pk, replaces_draft_id=old.pk, note="Thay văn bản sai"
    )
    amendment = old.amendments.get()
    assert (amendment.kind, amendment.by_draft_id, amendment.reason) == (
        AmendmentKind.REPLACE,
        new.pk,
        "Thay văn bản sai",
    )
    # The recipient's copy shows "đã bị thay thế bởi …" with a link to its copy of the new one.
    old_b, new_b = copy_of(old, cast.agency_b.pk), copy_of(new, cast.agency_b.pk)
    notices = amend_selectors.incoming_notices(actor_of(cast, cast.clerk_b), old_b)
    replaced = next(n for n in notices if n.code == "replace")
    assert "đã bị thay thế bởi" in replaced.text
    assert replaced.link_url == reverse("documents:detail", args=[new_b.pk]) and replaced.action_url
    back = amend_selectors.incoming_notices(actor_of(cast, cast.clerk_b), new_b)
    assert any(n.code == "replace_of" and n.link_url.endswith(f"/{old_b.pk}/") for n in back)
    # 15 from B, 16 from the province; the sender sees both.
    to_b = amendment.answers.get(delivery=delivery_to(old, cast.agency_b.pk))
    to_p = amendment.answers.get(delivery=delivery_to(old, cast.province.pk))
    amend.amendment_answer_accept(actor=actor_of(cast, cast.clerk_b), answer=to_b)
    amend.amendment_answer_refuse(actor=actor_of(cast, clerk_p), answer=to_p, reason="Chưa nhận bản mới")
    tracks = {t.delivery.agency_id: t for t in amend_selectors.tracks(old)}
    assert tracks[cast.agency_b.pk].answers[0].status == AnswerStatus.ACCEPTED
    assert tracks[cast.province.pk].events[-1].kind == DeliveryEventKind.REPLACE_REFUSED
    page = login(cast.clerk_a).get(reverse("outgoing:draft", args=[old.pk])).content.decode()
    assert "Văn bản đã bị thay thế bởi" in page and reverse("outgoing:draft", args=[new.pk]) in page
    page = login(cast.clerk_a).get(reverse("outgoing:draft", args=[new.pk])).content.decode()
    assert "Văn bản này thay thế" in page
    page = login(cast.clerk_b).get(reverse("documents:detail", args=[old_b.pk])).content.decode()
    assert "đã bị thay thế bởi" in page


def test_correction_is_shown_on_both_sides_without_an_answer(cast: Cast) -> None:
    old = released(cast, cast.agency_b.pk)
    fix = released(cast, cast.agency_b.pk, corrects_draft_id=old.pk, note="Đính chính ngày ban hành")
    amendment = old.amendments.get()
    assert amendment.kind == AmendmentKind.CORRECTION and not amendment.answers.exists()
    assert delivery_to(old, cast.agency_b.pk).events.last().kind == DeliveryEventKind.CORRECTED  # type: ignore[union-attr]
    old_b = copy_of(old, cast.agency_b.pk)
    page = login(cast.clerk_b).get(reverse("documents:detail", args=[old_b.pk])).content.decode()
    assert "đã được đính chính bởi" in page
    assert reverse("documents:detail", args=[copy_of(fix, cast.agency_b.pk).pk]) in page
    page = login(cast.clerk_a).get(reverse("outgoing:draft", args=[old.pk])).content.decode()
    assert "Văn bản đã được đính chính bởi" in page


def test_links_to_another_agency_or_an_unreleased_document_are_refused(cast: Cast) -> None:
    other = make_draft(cast)  # not released
    for field in ("replaces_draft_id", "corrects_draft_id"):
        with pytest.raises(ValidationFailed) as error:
            make_draft(cast, **{field: other.pk})  # type: ignore[arg-type]
        assert error.value.code == "not_released"
    b_draft = _b_draft(cast)
    with pytest.raises(ValidationFailed) as error:
        make_draft(cast, replaces_draft_id=b_draft.pk)
    assert error.value.code == "unknown_draft"
    # Recalled between drafting and release: the release is refused, nothing half-written.
    old = released(cast, cast.agency_b.pk)
    new = make_draft(cast, recipient_ids=[cast.agency_b.pk], replaces_draft_id=old.pk)
    recall.draft_recall(actor=actor_of(cast, cast.clerk_a), draft=old, reason="Ban hành nhầm")
    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=new)
    with pytest.raises(Conflict):
        release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=new)
    new.refresh_from_db()
    assert new.status == "numbered" and not new.deliveries.exists()
    # A recipient answers only for its own agency.
    old2 = released(cast, cast.agency_b.pk)
    released(cast, cast.agency_b.pk, replaces_draft_id=old2.pk)
    answer = old2.amendments.get().answers.get()
    with pytest.raises(PermissionDenied):
        amend.amendment_answer_accept(actor=actor_of(cast, cast.clerk_a), answer=answer)


def _b_draft(cast: Cast) -> Draft:
    return services.draft_create(
        actor=actor_of(cast, cast.clerk_b),
        data=services.DraftInput(
            document_type_id=doc_type("cong_van").pk,
            subject="Văn bản của cơ quan B",
            main=UploadPart("b.pdf", pdf_bytes(marker="b")),
        ),
    )
