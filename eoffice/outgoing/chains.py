"""The approval chains (quy trình trình ký) an agency configures: reads for the configuration
pages and deletion. Setting a chain is `approval.approval_chain_set`, used by the page and the API.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, NotFound
from eoffice.directory.models import Agency
from eoffice.outgoing import policies
from eoffice.outgoing.approval import chain_for
from eoffice.outgoing.models import ApprovalChain, Draft, DraftStatus


def chains_of_agency(*, actor: Actor, agency: Agency) -> QuerySet[ApprovalChain]:
    if not policies.may_configure(actor, agency):
        return ApprovalChain.objects.none()
    return (
        ApprovalChain.objects.filter(agency=agency)
        .select_related("document_type")
        .prefetch_related("steps__assignee")
        .order_by("document_type__name", "name")
    )


def chain_get(*, actor: Actor, chain_id: int) -> ApprovalChain:
    chain = ApprovalChain.objects.select_related("agency", "document_type").filter(pk=chain_id).first()
    if chain is None or not policies.may_configure(actor, chain.agency):
        raise NotFound(_("Không tìm thấy quy trình trình ký."))
    return chain


def drafts_following(chain: ApprovalChain) -> list[Draft]:
    """Drafts in review whose next step is read from this chain (approval._step_approved)."""
    in_review = Draft.objects.filter(agency_id=chain.agency_id, status=DraftStatus.IN_REVIEW).select_related(
        "agency", "current_version__document_type"
    )
    return [
        draft
        for draft in in_review
        if draft.current_version is not None
        and getattr(chain_for(draft.agency, draft.current_version.document_type), "pk", None) == chain.pk
    ]


@transaction.atomic
def approval_chain_delete(*, actor: Actor, chain: ApprovalChain) -> None:
    # Why the lock: a draft submitted while the chain is being deleted must not lose its steps.
    chain = (
        ApprovalChain.objects.select_for_update(of=("self",))
        .select_related("agency", "document_type")
        .get(pk=chain.pk)
    )
    policies.require_configure(actor, chain.agency)
    following = drafts_following(chain)
    if following:
        raise Conflict(
            "chain_in_use",
            _("Đang có %(count)s dự thảo trình ký theo quy trình này; chưa thể xóa.")
            % {"count": len(following)},
            details={"drafts": [d.pk for d in following]},
        )
    data = {
        "name": chain.name,
        "type": chain.document_type.code if chain.document_type else None,
        "steps": [
            {"kind": s.kind, "user_id": s.assignee_id, "working_days": s.working_days}
            for s in chain.steps.order_by("order")
        ],
    }
    audit.record(
        actor=actor, verb="outgoing.chain_deleted", target=chain, agency_id=chain.agency_id, data=data
    )
    chain.steps.all().delete()
    chain.delete()
