"""Reads for signing: the signer's "Văn bản chờ ký" box and the signed files of a draft."""

from __future__ import annotations

from django.db.models import QuerySet

from eoffice.core.actor import Actor
from eoffice.outgoing.models import StepKind, StepOutcome, StepRun


def to_sign(*, actor: Actor) -> QuerySet[StepRun]:
    """Pending SIGN steps held by the actor (or by the person they act for under a delegation)."""
    holder = actor.on_behalf_of or actor.user
    if holder is None:
        return StepRun.objects.none()
    return (
        StepRun.objects.filter(kind=StepKind.SIGN, outcome=StepOutcome.PENDING, line__assignee_user=holder)
        .select_related("draft__agency", "draft__created_by", "version__document_type", "line")
        .order_by("line__deadline", "id")
    )
