"""Trình ký: the approval chain of a draft, run on the work engine (Điều 11–13).

Each step is a work item of kind "outgoing_draft" with one lead line for the step's person, so
the step's status, deadline (working days on the calendar) and processing time are the engine's
own. Approving completes the line; returning is the engine's "trả lại" with its reason. The
engine tells this module when a step's item changes status (`follow_work`, registered in
`apps.py`), and this module moves the draft along: next step, approved, or back to the drafter.

Lock order: work item → draft row → audit chain head (the engine locks the item first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.core.policies import require
from eoffice.directory.models import Agency
from eoffice.documents.models import DocumentType
from eoffice.outgoing import policies
from eoffice.outgoing.models import (
    EDITABLE_STATUSES,
    ApprovalChain,
    ApprovalStep,
    Draft,
    DraftSignature,
    DraftStatus,
    DraftVersion,
    StepKind,
    StepOutcome,
    StepRun,
)
from eoffice.outgoing.transitions import apply_transition
from eoffice.people.models import Position
from eoffice.work import services as work
from eoffice.work.models import WorkItem
from eoffice.work.services.assign import LineSpec, assign_lines, lock_item
from eoffice.work.statuses import ItemKind, ItemStatus, LineRole, LineStatus

SUBJECT_TYPE = "outgoing.draft"
MAX_STEPS = 10
MAX_WORKING_DAYS = 60


@dataclass(frozen=True)
class StepInput:
    kind: str
    user_id: int
    working_days: int = 1


def chain_for(agency: Agency, document_type: DocumentType) -> ApprovalChain | None:
    chains = ApprovalChain.objects.filter(
        Q(document_type=document_type) | Q(document_type__isnull=True), agency=agency
    ).order_by("document_type_id")
    # A type's own chain sorts before the default (NULL sorts last on both databases here).
    own = [c for c in chains if c.document_type_id is not None]
    return own[0] if own else next(iter(chains), None)


def _check_steps(agency: Agency, steps: list[StepInput]) -> None:
    if not 1 <= len(steps) <= MAX_STEPS:
        raise ValidationFailed(
            "invalid_steps",
            _("Quy trình phải có từ 1 đến %(max_steps)s bước.") % {"max_steps": MAX_STEPS},
            field="steps",
        )
    if steps[-1].kind != StepKind.SIGN or sum(s.kind == StepKind.SIGN for s in steps) != 1:
        raise ValidationFailed(
            "sign_last", _("Bước cuối, và chỉ bước cuối, là bước ký ban hành."), field="steps"
        )
    for index, step in enumerate(steps):
        if step.kind not in StepKind.values:
            raise ValidationFailed("invalid_kind", _("Loại bước không hợp lệ."), field=f"steps[{index}]")
        if not 1 <= step.working_days <= MAX_WORKING_DAYS:
            raise ValidationFailed(
                "invalid_days",
                _("Thời hạn mỗi bước từ 1 đến %(max_working_days)s ngày làm việc.")
                % {"max_working_days": MAX_WORKING_DAYS},
                field=f"steps[{index}]",
            )
        if not Position.objects.filter(user_id=step.user_id, agency=agency, is_active=True).exists():
            raise ValidationFailed(
                "not_in_agency",
                _("Người thực hiện bước phải có chức vụ trong cơ quan."),
                field=f"steps[{index}]",
            )


@transaction.atomic
def approval_chain_set(
    *, actor: Actor, agency: Agency, document_type: DocumentType | None, name: str, steps: list[StepInput]
) -> ApprovalChain:
    """Set (or replace) the chain of a type, or the agency's default chain when `document_type` is None."""
    policies.require_configure(actor, agency)
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise ValidationFailed("invalid_name", _("Tên quy trình phải có từ 1 đến 200 ký tự."), field="name")
    _check_steps(agency, steps)
    chain, _created = ApprovalChain.objects.select_for_update().get_or_create(
        agency=agency, document_type=document_type, defaults={"name": name}
    )
    chain.name = name
    chain.save(update_fields=["name"])
    # Runs already started keep their own copy of each step (StepRun), so replacing is safe.
    chain.steps.all().delete()
    ApprovalStep.objects.bulk_create(
        [
            ApprovalStep(
                chain=chain, order=i, kind=s.kind, assignee_id=s.user_id, working_days=s.working_days
            )
            for i, s in enumerate(steps, start=1)
        ]
    )
    audit.record(
        actor=actor,
        verb="outgoing.chain_set",
        target=chain,
        agency_id=agency.pk,
        data={"type": document_type.code if document_type else None, "steps": [s.__dict__ for s in steps]},
    )
    return chain


def _start_step(draft: Draft, version: DraftVersion, submission: int, step: ApprovalStep) -> StepRun:
    # The engine's item belongs to the agency; the system opens it on the drafter's behalf, so a
    # step returned at the top goes back (and is notified) to the drafter.
    engine_actor = Actor(user=None, system_name="outgoing", on_behalf_of=draft.created_by)
    item = work.item_create(
        agency=draft.agency,
        kind=ItemKind.OUTGOING_DRAFT,
        title=f"{step.get_kind_display()}: {version.subject}",
        arrived_at=timezone.now(),
        actor=engine_actor,
        subject_type=SUBJECT_TYPE,
        subject_id=draft.pk,
        urgency=version.urgency if version.urgency != "thuong" else "normal",
    )
    lock_item(item.pk)
    spec = LineSpec.person(
        LineRole.LEAD,
        step.assignee_id,
        note=step.get_kind_display(),
        deadline=work.deadline_input(working_days=step.working_days),
    )
    (line,) = assign_lines(
        item=item, parent=None, specs=[spec], direction="", actor=engine_actor, event="present"
    )
    return StepRun.objects.create(
        draft=draft,
        version=version,
        submission=submission,
        order=step.order,
        kind=step.kind,
        work_item=item,
        line=line,
    )


@transaction.atomic
def draft_submit(*, actor: Actor, draft: Draft) -> StepRun:
    """Trình: start the chain from its first step, on the draft's current version."""
    # Why the lock: a submit racing a revision must see the version the revision wrote.
    draft = Draft.objects.select_for_update(of=("self",)).select_related("agency").get(pk=draft.pk)
    policies.require_revise(actor, draft)
    if draft.status not in EDITABLE_STATUSES:
        raise Conflict("not_submittable", _("Dự thảo đang trình hoặc đã được duyệt."))
    version = draft.current_version
    assert version is not None
    chain = chain_for(draft.agency, version.document_type)
    if chain is None or not chain.steps.exists():
        raise ValidationFailed("no_chain", _("Cơ quan chưa đặt quy trình trình ký cho loại văn bản này."))
    if version.signer_id is not None:
        sign_step = chain.steps.get(kind=StepKind.SIGN)
        if version.signer.user_id != sign_step.assignee_id:  # type: ignore[union-attr]
            raise ValidationFailed(
                "signer_mismatch",
                _("Người ký dự kiến khác người ký trong quy trình trình ký."),
                field="signer",
            )
    submission = (StepRun.objects.filter(draft=draft).aggregate(m=Max("submission"))["m"] or 0) + 1
    apply_transition(draft, DraftStatus.IN_REVIEW)
    run = _start_step(draft, version, submission, chain.steps.order_by("order").first())  # type: ignore[arg-type]
    audit.record(
        actor=actor,
        verb="outgoing.submitted",
        target=draft,
        agency_id=draft.agency_id,
        data={"submission": submission, "version": version.number, "chain": chain.pk},
    )
    return run


def pending_step(draft: Draft) -> StepRun | None:
    return (
        StepRun.objects.select_related("line", "work_item")
        .filter(draft=draft, outcome=StepOutcome.PENDING)
        .first()
    )


def require_unchanged(draft: Draft, run: StepRun) -> None:
    """Every earlier step of this submission judged `run.version`; the signer signs that, or nothing."""
    if run.kind != StepKind.SIGN:
        return
    judged = set(
        StepRun.objects.filter(draft=draft, submission=run.submission).values_list("version_id", flat=True)
    )
    if draft.current_version_id != run.version_id or judged != {run.version_id}:
        raise Conflict(
            "changed_after_approval",
            _("Dự thảo đã thay đổi sau khi được duyệt; không thể ký. Hãy trình lại từ đầu."),
        )


def require_holder(actor: Actor, run: StepRun | None) -> StepRun:
    if run is None:
        raise Conflict("no_pending_step", _("Dự thảo không có bước trình ký nào đang chờ."))
    require(
        actor.user is not None and run.line.assignee_user_id == (actor.on_behalf_of or actor.user).pk,
        _("Bạn không phải người thực hiện bước trình ký này."),
    )
    return run


@transaction.atomic
def draft_step_approve(*, actor: Actor, draft: Draft, note: str = "") -> StepRun:
    """Đồng ý (ký nháy, thể thức đúng) or, at the last step, approve for signing."""
    run = require_holder(actor, pending_step(draft))
    draft.refresh_from_db()
    require_unchanged(draft, run)
    line = run.line
    if line.status == LineStatus.CHO_TIEP_NHAN:
        line = work.line_receive(line=line, actor=actor)
    work.line_complete(line=line, actor=actor, note=note)
    run.refresh_from_db()
    return run


@transaction.atomic
def draft_step_return(*, actor: Actor, draft: Draft, reason: str) -> StepRun:
    """Trả lại with a reason: the draft goes back to its drafter, who fixes it and submits again."""
    run = require_holder(actor, pending_step(draft))
    work.line_return(line=run.line, reason=reason, actor=actor)
    run.refresh_from_db()
    return run


def follow_work(item: WorkItem, actor: Actor) -> None:
    """Called by the engine, in its transaction, when a step's item changes status."""
    run = StepRun.objects.filter(work_item=item, outcome=StepOutcome.PENDING).first()
    if run is None or item.status == ItemStatus.IN_PROGRESS:
        return
    draft = Draft.objects.select_for_update(of=("self",)).select_related("agency").get(pk=run.draft_id)
    now = timezone.now()
    if item.status == ItemStatus.DONE:
        _step_approved(run, draft, actor, now)
    else:  # NEW again: the lead line was returned (or recalled) and left the tree.
        run.line.refresh_from_db()
        run.outcome, run.decided_at = StepOutcome.RETURNED, now
        run.reason = run.line.return_reason or "Thu hồi"
        run.save(update_fields=["outcome", "decided_at", "reason"])
        apply_transition(draft, DraftStatus.RETURNED)
        audit.record(
            actor=actor,
            verb="outgoing.returned",
            target=draft,
            agency_id=draft.agency_id,
            data={"submission": run.submission, "step": run.order, "reason": run.reason},
        )


def _step_approved(run: StepRun, draft: Draft, actor: Actor, now: datetime) -> None:
    # Also when the line is completed from the work box: raising here rolls the completion back.
    require_unchanged(draft, run)
    if run.kind == StepKind.SIGN and not DraftSignature.objects.filter(step_run=run).exists():
        # The sign step ends only with the signer's digital signature (outgoing/signing.py).
        raise ValidationFailed(
            "signature_required",
            _("Bước ký ban hành chỉ hoàn thành khi ký số: hãy ký văn bản trong mục «Văn bản chờ ký»."),
        )
    run.outcome, run.decided_at = StepOutcome.APPROVED, now
    run.save(update_fields=["outcome", "decided_at"])
    version = run.version
    chain = chain_for(draft.agency, version.document_type)
    following = chain.steps.filter(order__gt=run.order).order_by("order").first() if chain else None
    if following is not None:
        _start_step(draft, version, run.submission, following)
        verb = "outgoing.step_approved"
    else:
        apply_transition(draft, DraftStatus.APPROVED)
        verb = "outgoing.approved"
    audit.record(
        actor=actor,
        verb=verb,
        target=draft,
        agency_id=draft.agency_id,
        data={"submission": run.submission, "step": run.order, "version": version.number},
    )


def draft_url(draft_id: int) -> str:
    return reverse("outgoing:draft", args=[draft_id])


def draft_facts(draft_id: int) -> list[tuple[str, str]]:
    draft = Draft.objects.select_related("current_version__document_type").filter(pk=draft_id).first()
    if draft is None or draft.current_version is None:
        return []
    version = draft.current_version
    return [(_("Loại văn bản"), version.document_type.name), (_("Phiên bản"), str(version.number))]
