"""Trình ký on the work engine: chain per agency and type, return with reason, approve, sign check."""

from __future__ import annotations

from pathlib import Path

import pytest

from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.outgoing import approval, numbering, services
from eoffice.outgoing.approval import StepInput
from eoffice.outgoing.models import Draft, DraftStatus, DraftVersion, StepKind, StepOutcome, StepRun
from eoffice.outgoing.tests.conftest import actor_of, doc_type, make_draft
from eoffice.outgoing.tests.signkit import give_credentials, leader_signs
from eoffice.signing.tests.pki import Pki
from eoffice.testing.cast import Cast
from eoffice.work.models import AssignmentLine
from eoffice.work.statuses import ItemKind, LineStatus

pytestmark = pytest.mark.django_db


def _chain(cast: Cast, type_code: str | None = None) -> None:
    approval.approval_chain_set(
        actor=actor_of(cast, cast.admin_a),
        agency=cast.agency_a,
        document_type=doc_type(type_code) if type_code else None,
        name="Trình ký thông thường",
        steps=[
            StepInput(StepKind.REVIEW, cast.unit_head_a.pk, 2),
            StepInput(StepKind.FORM_CHECK, cast.clerk_a.pk, 1),
            StepInput(StepKind.SIGN, cast.leader_a.pk, 1),
        ],
    )


def _revise(cast: Cast, draft: Draft, subject: str) -> DraftVersion:
    data = services.DraftInput(document_type_id=doc_type("cong_van").pk, subject=subject)
    return services.draft_revise(actor=actor_of(cast, cast.specialist_a), draft=draft, data=data)


def test_whole_chain_with_one_return(cast: Cast, pki: Pki, trusted: Path) -> None:
    _chain(cast)
    draft = make_draft(cast)
    specialist = actor_of(cast, cast.specialist_a)
    run = approval.draft_submit(actor=specialist, draft=draft)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW
    # The step is a line of the work engine, in the unit head's box, with a working-day deadline.
    line = AssignmentLine.objects.get(pk=run.line_id)
    assert line.kind == ItemKind.OUTGOING_DRAFT and line.assignee_user_id == cast.unit_head_a.pk
    assert line.deadline is not None and line.status == LineStatus.CHO_TIEP_NHAN
    with pytest.raises(Conflict):
        _revise(cast, draft, "Sửa khi đang trình")

    approval.draft_step_return(
        actor=actor_of(cast, cast.unit_head_a), draft=draft, reason="Thiếu số liệu quý IV"
    )
    draft.refresh_from_db()
    run.refresh_from_db()
    assert draft.status == DraftStatus.RETURNED
    assert (run.outcome, run.reason) == (StepOutcome.RETURNED, "Thiếu số liệu quý IV")

    _revise(cast, draft, "Về việc báo cáo biên chế năm 2026 (bổ sung quý IV)")
    approval.draft_submit(actor=specialist, draft=draft)
    for who in (cast.unit_head_a, cast.clerk_a, cast.leader_a):
        pending = approval.pending_step(draft)
        assert pending is not None and pending.line.assignee_user_id == who.pk and pending.submission == 2
        if pending.kind == StepKind.SIGN:
            give_credentials(cast, pki)
            leader_signs(cast, pki, draft)  # the sign step ends with the digital signature
        else:
            approval.draft_step_approve(actor=actor_of(cast, who), draft=draft)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED
    runs = list(StepRun.objects.filter(draft=draft, submission=2).values_list("outcome", flat=True))
    assert runs == [StepOutcome.APPROVED] * 3
    assert all(r.line.status == LineStatus.HOAN_THANH for r in StepRun.objects.filter(submission=2))
    number = numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)
    assert number.number_symbol == "01/SNV-TCBC"


def test_numbering_waits_for_approval_when_a_chain_exists(cast: Cast) -> None:
    _chain(cast, "cong_van")
    draft = make_draft(cast)
    with pytest.raises(Conflict) as error:
        numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)
    assert error.value.code == "not_approved"
    # A type without a chain is still numbered from the draft.
    other = make_draft(cast, type_code="quyet_dinh")
    assert numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=other).number == 1


def test_only_the_step_holder_acts_and_a_return_needs_a_reason(cast: Cast) -> None:
    _chain(cast)
    draft = make_draft(cast)
    approval.draft_submit(actor=actor_of(cast, cast.specialist_a), draft=draft)
    for who in (cast.leader_a, cast.clerk_a, cast.specialist_a, cast.clerk_b):
        with pytest.raises(PermissionDenied):
            approval.draft_step_approve(actor=actor_of(cast, who), draft=draft)
    with pytest.raises(ValidationFailed):
        approval.draft_step_return(actor=actor_of(cast, cast.unit_head_a), draft=draft, reason="  ")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW


def test_signing_a_draft_changed_after_approval_is_refused(cast: Cast) -> None:
    _chain(cast)
    draft = make_draft(cast)
    approval.draft_submit(actor=actor_of(cast, cast.specialist_a), draft=draft)
    approval.draft_step_approve(actor=actor_of(cast, cast.unit_head_a), draft=draft)
    approval.draft_step_approve(actor=actor_of(cast, cast.clerk_a), draft=draft)
    # A change slipped in behind the chain's back (e.g. a direct database edit): the signer refuses.
    current = draft.versions.get(number=1)
    sneaked = DraftVersion.objects.create(
        draft=draft,
        number=2,
        document_type=current.document_type,
        subject="Nội dung khác",
        created_by=cast.clerk_a,
    )
    type(draft).objects.filter(pk=draft.pk).update(current_version=sneaked)
    with pytest.raises(Conflict) as error:
        approval.draft_step_approve(actor=actor_of(cast, cast.leader_a), draft=draft)
    assert error.value.code == "changed_after_approval"
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW


def test_submit_needs_a_chain_and_the_drafter(cast: Cast) -> None:
    draft = make_draft(cast)
    with pytest.raises(ValidationFailed) as error:
        approval.draft_submit(actor=actor_of(cast, cast.specialist_a), draft=draft)
    assert error.value.code == "no_chain"
    _chain(cast)
    with pytest.raises(PermissionDenied):
        approval.draft_submit(actor=actor_of(cast, cast.unit_head_a), draft=draft)


def test_chain_configuration_is_checked(cast: Cast) -> None:
    admin = actor_of(cast, cast.admin_a)
    bad_steps = [
        [StepInput(StepKind.REVIEW, cast.unit_head_a.pk)],  # no signing step
        [StepInput(StepKind.SIGN, cast.leader_a.pk), StepInput(StepKind.REVIEW, cast.unit_head_a.pk)],
        [StepInput(StepKind.SIGN, cast.clerk_b.pk)],  # not in the agency
        [StepInput(StepKind.SIGN, cast.leader_a.pk, 0)],
    ]
    for steps in bad_steps:
        with pytest.raises(ValidationFailed):
            approval.approval_chain_set(
                actor=admin, agency=cast.agency_a, document_type=None, name="X", steps=steps
            )
    with pytest.raises(PermissionDenied):
        approval.approval_chain_set(
            actor=actor_of(cast, cast.specialist_a),
            agency=cast.agency_a,
            document_type=None,
            name="X",
            steps=[StepInput(StepKind.SIGN, cast.leader_a.pk)],
        )


def test_signer_named_on_the_draft_must_match_the_chain(cast: Cast) -> None:
    _chain(cast)
    draft = make_draft(cast, signer_id=cast.position(cast.unit_head_a).pk)
    with pytest.raises(ValidationFailed) as error:
        approval.draft_submit(actor=actor_of(cast, cast.specialist_a), draft=draft)
    assert error.value.field == "signer"


def test_completing_the_sign_line_from_the_work_box_is_checked_too(cast: Cast) -> None:
    from eoffice.work import services as work

    _chain(cast)
    draft = make_draft(cast)
    approval.draft_submit(actor=actor_of(cast, cast.specialist_a), draft=draft)
    approval.draft_step_approve(actor=actor_of(cast, cast.unit_head_a), draft=draft)
    approval.draft_step_approve(actor=actor_of(cast, cast.clerk_a), draft=draft)
    current = draft.versions.get(number=1)
    sneaked = DraftVersion.objects.create(
        draft=draft, number=2, document_type=current.document_type, subject="Khác", created_by=cast.clerk_a
    )
    type(draft).objects.filter(pk=draft.pk).update(current_version=sneaked)
    run = approval.pending_step(draft)
    assert run is not None
    leader = actor_of(cast, cast.leader_a)
    line = work.line_receive(line=run.line, actor=leader)
    with pytest.raises(Conflict):
        work.line_complete(line=line, actor=leader)
    line.refresh_from_db()
    assert line.status != LineStatus.HOAN_THANH
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW
