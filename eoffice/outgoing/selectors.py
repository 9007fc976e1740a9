"""Reads of drafts and numbering series, scoped by what the actor may see."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound
from eoffice.directory.models import Agency
from eoffice.outgoing import policies
from eoffice.outgoing.models import (
    ApprovalChain,
    Draft,
    DraftStatus,
    DraftVersion,
    NumberStatus,
    OutgoingNumber,
    OutgoingSeries,
)


def my_drafts(*, actor: Actor) -> QuerySet[Draft]:
    if actor.user is None:
        return Draft.objects.none()
    return (
        Draft.objects.filter(created_by=actor.on_behalf_of or actor.user)
        .select_related("agency", "current_version__document_type", "outgoing_number__series")
        .order_by("-updated_at", "-id")
    )


def draft_get(*, actor: Actor, draft_id: int) -> Draft:
    draft = (
        Draft.objects.select_related("agency", "unit", "created_by", "current_version__document_type")
        .filter(pk=draft_id)
        .first()
    )
    if draft is None or not policies.may_read(actor, draft):
        raise NotFound(_("Không tìm thấy dự thảo, hoặc bạn không có quyền xem dự thảo này."))
    return draft


def draft_visible(draft_id: int, actor: Actor) -> bool:
    """For the work engine's item page: link the draft only for those who may open it."""
    draft = Draft.objects.select_related("agency").filter(pk=draft_id).first()
    return draft is not None and policies.may_read(actor, draft)


def version_get(*, actor: Actor, draft: Draft, number: int) -> DraftVersion:
    version = (
        DraftVersion.objects.select_related(
            "document_type",
            "signer__user",
            "advisory_body",
            "reply_to",
            "replaces",
            "replaces_draft__current_version",
            "corrects_draft__current_version",
        )
        .filter(draft=draft, number=number)
        .first()
    )
    if version is None or not policies.may_read(actor, draft):
        raise NotFound(_("Không tìm thấy phiên bản này của dự thảo."))
    return version


def versions(*, draft: Draft) -> QuerySet[DraftVersion]:
    return draft.versions.select_related("created_by").order_by("-number")


def series_for_agency(*, actor: Actor, agency: Agency) -> QuerySet[OutgoingSeries]:
    if not (policies.may_configure(actor, agency) or actor.is_superuser):
        return OutgoingSeries.objects.none()
    return OutgoingSeries.objects.filter(agency=agency).order_by("-year", "name")


def series_get(*, actor: Actor, series_id: int) -> OutgoingSeries:
    series = OutgoingSeries.objects.select_related("agency").filter(pk=series_id).first()
    if series is None or not (policies.may_configure(actor, series.agency) or actor.is_superuser):
        raise NotFound(_("Không tìm thấy sổ văn bản đi."))
    return series


def reserved_numbers(*, actor: Actor, agency: Agency) -> QuerySet[OutgoingNumber]:
    if not policies.is_clerk(actor, agency):
        return OutgoingNumber.objects.none()
    return OutgoingNumber.objects.filter(series__agency=agency, status=NumberStatus.RESERVED).select_related(
        "series"
    )


def register_entries(*, series: OutgoingSeries, date_from: date, date_to: date) -> QuerySet[OutgoingNumber]:
    """Assigned numbers of a series issued in the period, for the printed register."""
    return (
        OutgoingNumber.objects.filter(
            Q(series=series, status=NumberStatus.ASSIGNED),
            issued_date__gte=date_from,
            issued_date__lte=date_to,
        )
        .select_related(
            "draft__current_version__document_type",
            "draft__current_version__signer__user",
            "draft__unit",
        )
        .order_by("number")
    )


def to_number_and_release(*, agency: Agency) -> QuerySet[Draft]:
    """The clerk's box: approved drafts to number, numbered ones to release; where the agency has
    no approval chain at all, drafts are numbered straight from drafting."""
    statuses = [DraftStatus.APPROVED, DraftStatus.NUMBERED]
    if not ApprovalChain.objects.filter(agency=agency).exists():
        statuses.append(DraftStatus.DRAFTING)
    return (
        Draft.objects.filter(agency=agency, status__in=statuses)
        .select_related("current_version__document_type", "created_by")
        .order_by("-updated_at")
    )
