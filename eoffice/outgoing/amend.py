"""Cập nhật (edXML business type 2) of a released document, and the recipients' answers (15/16)
to updates and replacements.

The sender's văn thư corrects metadata (due date, subject, urgency), adds recipients or adds
attached files. The change is written as a new immutable version of the released draft, so the
versions page shows what changed. A digitally signed document stays signed: the new version
carries the same signed files (the update changes the record, not the signed text), and a PDF or
Word attachment, which would need the organisation's signature, cannot be added by an update. New
recipients get the updated copy at once; every recipient already holding a copy — here, or in
another installation through the exchange (`dispatch.updated`) — is asked to accept (15: the
change is applied to its copy) or refuse with a reason (16: its copy stays as it was). An answer
from another installation is recorded by `amendment_answer_record`, called by the exchange.

Lock order: draft row → answer row → incoming document → audit chain head.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.core.policies import require
from eoffice.core.text import fold
from eoffice.directory.models import Agency
from eoffice.documents.convert import CONVERTIBLE
from eoffice.documents.models import Document, DocumentFile, DocumentStatus, FileRole, Urgency
from eoffice.documents.policies import is_clerk as is_incoming_clerk
from eoffice.documents.services import UploadPart
from eoffice.outgoing import amend_links, dispatch, policies, release, services, tracking
from eoffice.outgoing.models import (
    Amendment,
    AmendmentAnswer,
    AmendmentKind,
    AnswerStatus,
    DeliveryEventKind,
    Draft,
    DraftFile,
    DraftRecipient,
    DraftSignature,
    DraftStatus,
    DraftVersion,
    OutgoingNumber,
    SignedAttachment,
)
from eoffice.outgoing.recall import clean_reason

_EVENTS: dict[tuple[str, str], str] = {
    (AmendmentKind.UPDATE, AnswerStatus.ACCEPTED): DeliveryEventKind.UPDATE_ACCEPTED,
    (AmendmentKind.UPDATE, AnswerStatus.REFUSED): DeliveryEventKind.UPDATE_REFUSED,
    (AmendmentKind.REPLACE, AnswerStatus.ACCEPTED): DeliveryEventKind.REPLACE_ACCEPTED,
    (AmendmentKind.REPLACE, AnswerStatus.REFUSED): DeliveryEventKind.REPLACE_REFUSED,
}


@dataclass
class UpdateInput:
    """The metadata after the update (the form starts from the current values)."""

    reason: str
    subject: str
    urgency: str
    due_date: date | None = None
    add_recipient_ids: list[int] = field(default_factory=list)
    attachments: list[UploadPart] = field(default_factory=list)


def _new_version(draft: Draft, previous: DraftVersion, data: UpdateInput, actor: Actor) -> DraftVersion:
    assert actor.user is not None
    version = DraftVersion.objects.create(
        draft=draft,
        number=previous.number + 1,
        document_type=previous.document_type,
        subject=" ".join(data.subject.split()),
        signer=previous.signer,
        signer_competence=previous.signer_competence,
        urgency=data.urgency,
        secrecy=previous.secrecy,
        due_date=data.due_date,
        advisory_body=previous.advisory_body,
        reply_to=previous.reply_to,
        replaces=previous.replaces,
        replaces_draft=previous.replaces_draft,
        corrects_draft=previous.corrects_draft,
        recipient_lines=previous.recipient_lines,
        note=data.reason[:500],
        created_by=actor.user,
    )
    DraftRecipient.objects.bulk_create(
        [
            DraftRecipient(version=version, agency_id=agency_id, kind=kind)
            for agency_id, kind in previous.recipients.values_list("agency_id", "kind")
        ]
    )
    services.copy_files(list(previous.files.all()), version)
    _carry_signature(previous, version)
    return version


def _carry_signature(previous: DraftVersion, version: DraftVersion) -> None:
    """The new version is delivered with the signed files of the one it updates.

    An update changes the record (subject, urgency, due date, recipients), never the signed
    text, so the signature made on the previous version still holds for it; without this the
    version has no signature and `delivered_files` would hand new recipients the unsigned source.
    """
    signature = DraftSignature.objects.filter(version=previous).first()
    if signature is None:
        return
    signed_attachments = list(signature.attachments.all())
    old_files = {f.pk: f for f in previous.files.all()}
    new_files = {
        (f.role, f.sort_order, f.stored_file_id): f for f in DraftFile.objects.filter(version=version)
    }
    signature.pk, signature.version, signature.step_run = None, version, None
    signature._state.adding = True
    signature.save()
    copies = []
    for attachment in signed_attachments:
        old = old_files[attachment.draft_file_id]
        copies.append(
            SignedAttachment(
                signature=signature,
                draft_file=new_files[(old.role, old.sort_order, old.stored_file_id)],
                signed_file_id=attachment.signed_file_id,
                file_name=attachment.file_name,
            )
        )
    SignedAttachment.objects.bulk_create(copies)


def _check_signed_attachments(previous: DraftVersion, files: list[tuple[str, UploadPart, str]]) -> None:
    """A signed document gets no PDF or Word attachment by an update: it would travel without the
    organisation's signature (PL I II.8.b), and an update has no signing step to add one."""
    if not DraftSignature.objects.filter(version=previous).exists():
        return
    unsigned = [
        part.name for _role, part, content_type in files if content_type in ("application/pdf", *CONVERTIBLE)
    ]
    if unsigned:
        raise ValidationFailed(
            "attachment_unsigned",
            _(
                "Văn bản đã ký số: không thể bổ sung tệp PDF hoặc Word (%(files)s) bằng cập nhật vì tệp "
                "sẽ không có chữ ký số của cơ quan. Hãy ban hành văn bản thay thế."
            )
            % {"files": ", ".join(unsigned)},
            field="attachments",
        )


def _check_update(draft: Draft, previous: DraftVersion, data: UpdateInput) -> list[Agency]:
    subject = " ".join(data.subject.split())
    if not subject:
        raise ValidationFailed("required", _("Chưa nhập trích yếu nội dung."), field="subject")
    if len(subject) > 500:
        raise ValidationFailed("too_long", _("Trích yếu dài quá 500 ký tự."), field="subject")
    if data.urgency not in Urgency.values:
        raise ValidationFailed("invalid_choice", _("Độ khẩn không hợp lệ."), field="urgency")
    existing = set(previous.recipients.values_list("agency_id", flat=True))
    checked = services.check_recipients(draft.agency, data.add_recipient_ids)
    added = [agency for agency, _kind in checked if agency.pk not in existing]
    if previous.is_secret and any(not a.hosted for a in added):
        raise ValidationFailed(
            "secret_external",
            _("Văn bản mật không được gửi điện tử ra ngoài hệ thống: %(agencies)s")
            % {"agencies": ", ".join(a.name for a in added if not a.hosted)},
            field="recipients",
        )
    unchanged = (
        subject == previous.subject
        and data.urgency == previous.urgency
        and data.due_date == previous.due_date
        and not added
        and not data.attachments
    )
    if unchanged:
        raise ValidationFailed("no_change", _("Không có thông tin nào thay đổi so với văn bản đã phát hành."))
    return added


@transaction.atomic
def draft_update(*, actor: Actor, draft: Draft, data: UpdateInput) -> Amendment:
    """Cập nhật a released document; returns the amendment the recipients answer."""
    reason = clean_reason(data.reason)
    # Why the lock: an update racing a recall or a second update must see the other's result.
    draft = Draft.objects.select_for_update(of=("self",)).select_related("agency").get(pk=draft.pk)
    policies.require_clerk(actor, draft.agency)
    if draft.status != DraftStatus.RELEASED:
        raise Conflict("not_released", _("Chỉ cập nhật được văn bản đã phát hành (chưa bị thu hồi)."))
    assert draft.current_version_id is not None
    previous = DraftVersion.objects.select_related("document_type", "signer__user").get(
        pk=draft.current_version_id
    )
    data.reason = reason
    added = _check_update(draft, previous, data)
    files = services.check_files(None, data.attachments)
    _check_signed_attachments(previous, files)
    asked = amend_links.live_deliveries(draft)
    version = _new_version(draft, previous, data, actor)
    DraftRecipient.objects.bulk_create(
        [DraftRecipient(version=version, agency=a, kind="hosted" if a.hosted else "external") for a in added]
    )
    services.store_files(version, files, start=previous.files.count())
    draft.current_version = version
    draft.save(update_fields=["current_version", "updated_at"])
    now = timezone.now()
    amendment = Amendment.objects.create(
        draft=draft,
        kind=AmendmentKind.UPDATE,
        version=version,
        reason=reason,
        requested_by=actor.user,
        requested_at=now,
    )
    AmendmentAnswer.objects.bulk_create([AmendmentAnswer(amendment=amendment, delivery=d) for d in asked])
    tracking.record(asked, DeliveryEventKind.UPDATE_REQUESTED, actor=actor, note=reason, at=now)
    # Recipients of other installations are asked through the exchange outbox (business type 2).
    dispatch.updated(amendment, [d for d in asked if not d.hosted], actor)
    number = OutgoingNumber.objects.get(draft=draft)
    version = DraftVersion.objects.select_related("document_type", "signer__user").get(pk=version.pk)
    delivered = release.deliver(draft, version, number, added, actor=actor)
    # Recipients added by the update get the document as a release (exchange outbox included).
    dispatch.released(draft, delivered, actor)
    audit.record(
        actor=actor,
        verb="outgoing.updated",
        target=draft,
        agency_id=draft.agency_id,
        data={"version": version.number, "reason": reason, "asked": len(asked), "added": len(added)},
    )
    return amendment


def _locked_answer(actor: Actor, answer: AmendmentAnswer) -> AmendmentAnswer:
    # Why the lock: two answers (or an answer racing the copy's recall) to the same request.
    answer = (
        AmendmentAnswer.objects.select_for_update(of=("self",))
        .select_related("amendment", "delivery__agency")
        .get(pk=answer.pk)
    )
    require(
        is_incoming_clerk(actor, answer.delivery.agency),
        _("Chỉ văn thư của cơ quan nhận mới được trả lời yêu cầu này."),
    )
    if answer.status != AnswerStatus.PENDING:
        raise Conflict("already_answered", _("Yêu cầu này đã được trả lời."))
    return answer


def _apply_update(answer: AmendmentAnswer) -> Document | None:
    """Write the update's metadata and added files onto the recipient's copy."""
    copy = Document.objects.select_for_update().filter(pk=answer.delivery.incoming_id or 0).first()
    if copy is None or copy.status == DocumentStatus.RECALLED:
        raise Conflict("copy_gone", _("Bản văn bản của cơ quan không còn, không thể cập nhật."))
    version = answer.amendment.version
    assert version is not None
    copy.subject, copy.urgency, copy.due_date = version.subject, version.urgency, version.due_date
    parts = (copy.number_symbol, copy.subject, copy.organ_name)
    copy.search_text = fold(" ".join(p for p in parts if p))[:4000]
    copy.save(update_fields=["subject", "urgency", "due_date", "search_text", "updated_at"])
    have = set(copy.files.values_list("stored_file_id", flat=True))
    start = copy.files.count()
    DocumentFile.objects.bulk_create(
        [
            DocumentFile(
                document=copy,
                stored_file_id=f.stored_file_id,
                role=FileRole.ATTACHMENT,
                file_name=f.file_name,
                sort_order=start + i,
            )
            for i, f in enumerate(version.files.exclude(stored_file_id__in=have).filter(role="attachment"))
        ]
    )
    return copy


def _answered(actor: Actor, answer: AmendmentAnswer, status: str, reason: str) -> AmendmentAnswer:
    answer.status, answer.reason = status, reason
    answer.answered_by, answer.answered_at = actor.user, timezone.now()
    answer.save(update_fields=["status", "reason", "answered_by", "answered_at"])
    kind = answer.amendment.kind
    tracking.record([answer.delivery], _EVENTS[(kind, status)], actor=actor, note=reason)
    audit.record(
        actor=actor,
        verb=f"outgoing.{kind}_{status}",
        target=answer.delivery,
        agency_id=answer.delivery.agency_id,
        data={"draft": answer.amendment.draft_id, "amendment": answer.amendment_id, "reason": reason},
    )
    return answer


@transaction.atomic
def amendment_answer_accept(*, actor: Actor, answer: AmendmentAnswer) -> AmendmentAnswer:
    """15: an update is applied to the recipient's copy; a replacement is acknowledged."""
    answer = _locked_answer(actor, answer)
    if answer.amendment.kind == AmendmentKind.UPDATE:
        _apply_update(answer)
    return _answered(actor, answer, AnswerStatus.ACCEPTED, "")


@transaction.atomic
def amendment_answer_record(
    *, actor: Actor, answer: AmendmentAnswer, accepted: bool, reason: str = ""
) -> AmendmentAnswer:
    """15/16 from a recipient of another installation, brought by the exchange, which checked the
    signed package it came in; its copy lives there, so nothing is applied here."""
    # Why the lock: the same answer delivered twice at once.
    answer = (
        AmendmentAnswer.objects.select_for_update(of=("self",))
        .select_related("amendment", "delivery__agency")
        .get(pk=answer.pk)
    )
    require(
        actor.is_system and not answer.delivery.hosted,
        _("Chỉ trả lời của cơ quan nhận ở hệ thống khác mới được ghi nhận theo cách này."),
    )
    if answer.status != AnswerStatus.PENDING:
        raise Conflict("already_answered", _("Yêu cầu này đã được trả lời."))
    status = AnswerStatus.ACCEPTED if accepted else AnswerStatus.REFUSED
    return _answered(actor, answer, status, "" if accepted else " ".join(reason.split())[:2000])


@transaction.atomic
def amendment_answer_refuse(*, actor: Actor, answer: AmendmentAnswer, reason: str) -> AmendmentAnswer:
    """16: refused with a reason; the recipient's copy stays as it was."""
    reason = clean_reason(reason)
    answer = _locked_answer(actor, answer)
    return _answered(actor, answer, AnswerStatus.REFUSED, reason)
