"""Cập nhật (update) of a released document across two hosted agencies: one văn thư accepts (15)
and the change reaches its copy, the other refuses (16) with a reason and its copy stays; the
sender's tracking shows both. Bad input is refused with nothing half-written."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.directory.models import Agency
from eoffice.documents.models import Document, DocumentFile
from eoffice.documents.services import UploadPart
from eoffice.outgoing import amend, amend_selectors, recall
from eoffice.outgoing.models import (
    Amendment,
    AmendmentAnswer,
    AnswerStatus,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryStatus,
    DraftVersion,
)
from eoffice.outgoing.tests.amend_cases import copy_of, delivery_to, province_clerk, released
from eoffice.outgoing.tests.conftest import actor_of, make_draft, pdf_bytes
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db

NEW_DUE = date(2026, 12, 31)


def _update(cast: Cast, draft: Any, **extra: Any) -> Amendment:
    data = amend.UpdateInput(
        reason="Sai hạn trả lời",
        subject=extra.pop("subject", draft.current_version.subject),
        urgency=str(extra.pop("urgency", "thuong")),
        due_date=extra.pop("due_date", NEW_DUE),
        **extra,
    )
    return amend.draft_update(actor=actor_of(cast, cast.clerk_a), draft=draft, data=data)


def test_update_accepted_by_one_recipient_and_refused_by_the_other(cast: Cast) -> None:
    clerk_p = province_clerk(cast)
    external = Agency.objects.create(code="G09.09.09", name="Bộ Xây dựng", abbreviation="BXD", hosted=False)
    draft = released(cast, cast.agency_b.pk, cast.province.pk)
    added = UploadPart("phu-luc.pdf", pdf_bytes(marker="phu luc"))
    amendment = _update(cast, draft, attachments=[added], add_recipient_ids=[external.pk])

    # The change is a new version of the released draft; the external recipient waits for the axis.
    draft.refresh_from_db()
    version = DraftVersion.objects.get(draft=draft, number=2)
    assert (version.number, version.due_date, version.note) == (2, NEW_DUE, "Sai hạn trả lời")
    assert version.files.filter(file_name="phu-luc.pdf").exists()
    assert delivery_to(draft, external.pk).status == DeliveryStatus.WAITING_EXCHANGE
    assert amendment.answers.count() == 2

    to_b = AmendmentAnswer.objects.get(amendment=amendment, delivery=delivery_to(draft, cast.agency_b.pk))
    to_p = AmendmentAnswer.objects.get(amendment=amendment, delivery=delivery_to(draft, cast.province.pk))
    # Each văn thư answers only for its own agency.
    with pytest.raises(PermissionDenied):
        amend.amendment_answer_accept(actor=actor_of(cast, cast.clerk_b), answer=to_p)
    with pytest.raises(PermissionDenied):
        amend.amendment_answer_accept(actor=actor_of(cast, cast.clerk_a), answer=to_b)

    amend.amendment_answer_accept(actor=actor_of(cast, cast.clerk_b), answer=to_b)
    copy_b = copy_of(draft, cast.agency_b.pk)
    assert copy_b.due_date == NEW_DUE
    assert DocumentFile.objects.filter(document=copy_b, file_name="phu-luc.pdf", role="attachment").exists()

    with pytest.raises(ValidationFailed):
        amend.amendment_answer_refuse(actor=actor_of(cast, clerk_p), answer=to_p, reason="  ")
    amend.amendment_answer_refuse(actor=actor_of(cast, clerk_p), answer=to_p, reason="Đã xử lý xong")
    copy_p = copy_of(draft, cast.province.pk)
    assert copy_p.due_date is None and not copy_p.files.filter(file_name="phu-luc.pdf").exists()
    with pytest.raises(Conflict):
        amend.amendment_answer_accept(actor=actor_of(cast, clerk_p), answer=to_p)

    # The sender's tracking: status, answers and the timeline of each recipient.
    tracks = {t.delivery.agency_id: t for t in amend_selectors.tracks(draft)}
    assert [a.status for a in tracks[cast.agency_b.pk].answers] == [AnswerStatus.ACCEPTED]
    assert [(a.status, a.reason) for a in tracks[cast.province.pk].answers] == [
        (AnswerStatus.REFUSED, "Đã xử lý xong")
    ]
    assert [e.kind for e in tracks[cast.province.pk].events] == [
        DeliveryEventKind.ARRIVED,
        DeliveryEventKind.UPDATE_REQUESTED,
        DeliveryEventKind.UPDATE_REFUSED,
    ]
    rows = amend_selectors.amendments_of(draft)
    assert [(r.pending, r.accepted, r.refused) for r in rows] == [(0, 1, 1)]


def test_bad_updates_are_refused_and_nothing_is_written(cast: Cast) -> None:
    clerk = actor_of(cast, cast.clerk_a)
    unreleased = make_draft(cast, recipient_ids=[cast.agency_b.pk])
    data = amend.UpdateInput(reason="Sai hạn", subject="X", urgency="thuong", due_date=NEW_DUE)
    with pytest.raises(Conflict) as error:
        amend.draft_update(actor=clerk, draft=unreleased, data=data)
    assert error.value.code == "not_released"
    draft = released(cast, cast.agency_b.pk)
    subject = draft.current_version.subject  # type: ignore[union-attr]
    cases = [
        (
            clerk,
            amend.UpdateInput(reason=" ", subject=subject, urgency="thuong", due_date=NEW_DUE),
            "reason_required",
        ),
        (clerk, amend.UpdateInput(reason="x" * 2001, subject=subject, urgency="thuong"), "reason_too_long"),
        (clerk, amend.UpdateInput(reason="Không đổi", subject=subject, urgency="thuong"), "no_change"),
        (clerk, amend.UpdateInput(reason="Sai", subject=" ", urgency="thuong"), "required"),
        (clerk, amend.UpdateInput(reason="Sai", subject=subject, urgency="gấp"), "invalid_choice"),
        (
            clerk,
            amend.UpdateInput(reason="Sai", subject=subject, urgency="thuong", add_recipient_ids=[999999]),
            "unknown_agency",
        ),
        (
            clerk,
            amend.UpdateInput(
                reason="Sai", subject=subject, urgency="thuong", attachments=[UploadPart("a.pdf", b"MZ")]
            ),
            "file_type",
        ),
    ]
    for actor, data, code in cases:
        with pytest.raises(ValidationFailed) as failed:
            amend.draft_update(actor=actor, draft=draft, data=data)
        assert failed.value.code == code or code == "file_type", (code, failed.value.code)
    # Only the sender's văn thư updates.
    for user in (cast.leader_a, cast.specialist_a, cast.clerk_b):
        with pytest.raises(PermissionDenied):
            amend.draft_update(
                actor=actor_of(cast, user),
                draft=draft,
                data=amend.UpdateInput(reason="Sai", subject=subject, urgency="khan"),
            )
    assert not Amendment.objects.exists() and draft.versions.count() == 1
    assert DeliveryEvent.objects.filter(kind=DeliveryEventKind.UPDATE_REQUESTED).count() == 0
    # A recalled document can no longer be updated.
    recall.draft_recall(actor=clerk, draft=draft, reason="Ban hành nhầm")
    with pytest.raises(Conflict):
        amend.draft_update(
            actor=clerk, draft=draft, data=amend.UpdateInput(reason="Sai", subject=subject, urgency="khan")
        )


def test_an_update_of_a_withdrawn_copy_cannot_be_accepted(cast: Cast) -> None:
    draft = released(cast, cast.agency_b.pk)
    amendment = _update(cast, draft, urgency="khan")
    answer = amendment.answers.get()
    Document.objects.filter(pk=copy_of(draft, cast.agency_b.pk).pk).update(status="recalled")
    with pytest.raises(Conflict) as error:
        amend.amendment_answer_accept(actor=actor_of(cast, cast.clerk_b), answer=answer)
    assert error.value.code == "copy_gone"
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.PENDING
