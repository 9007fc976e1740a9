"""Outgoing numbers (số, ký hiệu), Decree 30 Điều 15 and Phụ lục I mục II.3.

Series per agency and calendar year, chosen in this order: an advisory body's own series
(Hội đồng, Ban, Tổ); the secret series (Điều 15.2); then one series per type or one for all
types, as the agency's rule says. Numbers start at 01 each year with a leading zero below 10.

Race-free and gap-free: the series row is locked (SELECT … FOR UPDATE) while a number is taken,
a number released from a reservation is given again before the counter moves on, and the unique
constraint (series, number) refuses a duplicate if the lock were ever bypassed.

Lock order: draft row → series row → audit chain head.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.directory.models import Agency
from eoffice.documents.models import DocumentType, Secrecy
from eoffice.outgoing import policies
from eoffice.outgoing.models import (
    AdvisoryBody,
    ApprovalChain,
    Draft,
    DraftStatus,
    NumberingRule,
    NumberStatus,
    OutgoingNumber,
    OutgoingSeries,
)
from eoffice.outgoing.transitions import apply_transition

MAX_REASON = 300


def approval_chain_exists(agency: Agency, document_type: DocumentType) -> bool:
    return ApprovalChain.objects.filter(
        Q(document_type=document_type) | Q(document_type__isnull=True), agency=agency
    ).exists()


def series_key(
    *, agency: Agency, document_type: DocumentType, secret: bool, advisory_body: AdvisoryBody | None
) -> tuple[str, str]:
    """(key, name) of the series a document of this kind is numbered in."""
    if advisory_body is not None:
        return f"advisory:{advisory_body.pk}", f"Sổ văn bản đi của {advisory_body.name}"
    if secret:
        return "secret", "Sổ văn bản đi mật"
    rule = NumberingRule.objects.filter(agency=agency).first()
    if rule is not None and rule.per_type:
        return f"type:{document_type.code}", f"Sổ văn bản đi — {document_type.name}"
    return "all", "Sổ văn bản đi"


def symbol_for(
    *,
    agency: Agency,
    document_type: DocumentType,
    unit_abbreviation: str = "",
    advisory_body: AdvisoryBody | None = None,
) -> str:
    """The ký hiệu: `QĐ-UBND` for a typed document, `UBND-VP` for a công văn (no "CV")."""
    issuer = (advisory_body.abbreviation if advisory_body else agency.abbreviation).strip()
    if not issuer:
        raise ValidationFailed(
            "no_abbreviation",
            _("Cơ quan «%(name)s» chưa có chữ viết tắt, chưa thể lập ký hiệu văn bản.")
            % {"name": agency.name},
        )
    if document_type.abbreviation:
        parts = [document_type.abbreviation, issuer]
    else:
        # Công văn, Thư công: issuer + drafting unit or field (PL I mục II.3.b).
        parts = [issuer, unit_abbreviation] if unit_abbreviation else [issuer]
    return "-".join(part.strip().replace(" ", "") for part in parts if part.strip()).upper()


def _series_for_update(agency: Agency, year: int, key: str, name: str) -> OutgoingSeries:
    series = OutgoingSeries.objects.filter(agency=agency, year=year, key=key).first()
    if series is None:
        try:
            with transaction.atomic():
                OutgoingSeries.objects.create(agency=agency, year=year, key=key, name=f"{name} năm {year}")
        except IntegrityError:
            pass  # a concurrent first number created it; lock theirs below
    # Why the lock: two clerks numbering at once must not read the same last number.
    return OutgoingSeries.objects.select_for_update().get(agency=agency, year=year, key=key)


def _take(series: OutgoingSeries) -> OutgoingNumber | int:
    """A released number of the series to reuse (no gap), or the next new number."""
    released = (
        OutgoingNumber.objects.select_for_update()
        .filter(series=series, status=NumberStatus.RELEASED)
        .order_by("number")
        .first()
    )
    if released is not None:
        return released
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return series.last_number


def _put(
    series: OutgoingSeries, taken: OutgoingNumber | int, *, actor: Actor, **fields: object
) -> OutgoingNumber:
    if isinstance(taken, OutgoingNumber):
        for name, value in fields.items():
            setattr(taken, name, value)
        taken.changed_by = actor.user
        taken.save()
        return taken
    return OutgoingNumber.objects.create(series=series, number=taken, changed_by=actor.user, **fields)


@transaction.atomic
def number_reserve(
    *,
    actor: Actor,
    agency: Agency,
    document_type: DocumentType,
    secret: bool = False,
    advisory_body: AdvisoryBody | None = None,
    reason: str = "",
    year: int | None = None,
) -> OutgoingNumber:
    """Giữ số: hold the next number of a series for a document to be numbered later."""
    policies.require_clerk(actor, agency)
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            "too_long",
            _("Lý do giữ số dài quá %(max_reason)s ký tự.") % {"max_reason": MAX_REASON},
            field="reason",
        )
    if advisory_body is not None and advisory_body.agency_id != agency.pk:
        raise ValidationFailed(
            "wrong_agency", _("Tổ chức tư vấn không thuộc cơ quan này."), field="advisory_body"
        )
    year = year or timezone.localdate().year
    key, name = series_key(
        agency=agency, document_type=document_type, secret=secret, advisory_body=advisory_body
    )
    series = _series_for_update(agency, year, key, name)
    taken = _take(series)
    number = _put(series, taken, actor=actor, status=NumberStatus.RESERVED, reason=reason, code_notation="")
    audit.record(
        actor=actor,
        verb="outgoing.number_reserved",
        target=number,
        agency_id=agency.pk,
        data={"series": key, "year": year, "number": number.number, "reason": reason},
    )
    return number


@transaction.atomic
def number_release(*, actor: Actor, number: OutgoingNumber) -> OutgoingNumber:
    """Trả lại số giữ: the next document of the series takes it, so the series keeps no gap."""
    # Why the lock: a release racing an assignment of the same reserved number.
    number = (
        OutgoingNumber.objects.select_for_update(of=("self",))
        .select_related("series__agency")
        .get(pk=number.pk)
    )
    policies.require_clerk(actor, number.series.agency)
    if number.status != NumberStatus.RESERVED:
        raise Conflict(
            "not_reserved",
            _("Số %(code_number)s không phải số đang giữ.") % {"code_number": number.code_number},
            field="number",
        )
    number.status = NumberStatus.RELEASED
    number.reason = ""
    number.changed_by = actor.user
    number.save(update_fields=["status", "reason", "changed_by", "changed_at"])
    audit.record(
        actor=actor,
        verb="outgoing.number_released",
        target=number,
        agency_id=number.series.agency_id,
        data={"series": number.series.key, "year": number.series.year, "number": number.number},
    )
    return number


@transaction.atomic
def draft_number(
    *, actor: Actor, draft: Draft, reserved: OutgoingNumber | None = None, issued_date: date | None = None
) -> OutgoingNumber:
    """Cấp số: give the draft its number and symbol in its series (Điều 15.3)."""
    # Why the lock: two clerks pressing "cấp số" on the same draft must not both number it.
    draft = Draft.objects.select_for_update(of=("self",)).select_related("agency", "unit").get(pk=draft.pk)
    policies.require_clerk(actor, draft.agency)
    if draft.status in (DraftStatus.NUMBERED, DraftStatus.RELEASED):
        raise Conflict("already_numbered", _("Văn bản này đã được cấp số."))
    version = draft.current_version
    assert version is not None
    # Numbers go to signed documents (Điều 15.3); a type the agency sends through no chain is
    # numbered from the draft.
    has_chain = approval_chain_exists(draft.agency, version.document_type)
    if draft.status != DraftStatus.APPROVED and (has_chain or draft.status != DraftStatus.DRAFTING):
        raise Conflict("not_approved", _("Văn bản chưa được ký duyệt, chưa thể cấp số."))
    issued_date = issued_date or timezone.localdate()
    key, name = series_key(
        agency=draft.agency,
        document_type=version.document_type,
        secret=version.secrecy != Secrecy.NORMAL,
        advisory_body=version.advisory_body,
    )
    series = _series_for_update(draft.agency, issued_date.year, key, name)
    taken: OutgoingNumber | int
    if reserved is not None:
        taken = OutgoingNumber.objects.select_for_update().get(pk=reserved.pk)
        if taken.series_id != series.pk or taken.status != NumberStatus.RESERVED:
            raise ValidationFailed(
                "wrong_reserved", _("Số giữ đã chọn không thuộc dãy số của văn bản này."), field="reserved"
            )
    else:
        taken = _take(series)
    notation = symbol_for(
        agency=draft.agency,
        document_type=version.document_type,
        unit_abbreviation=draft.unit.abbreviation if draft.unit else "",
        advisory_body=version.advisory_body,
    )
    number = _put(
        series,
        taken,
        actor=actor,
        status=NumberStatus.ASSIGNED,
        draft=draft,
        code_notation=notation,
        issued_date=issued_date,
        reason="",
    )
    apply_transition(draft, DraftStatus.NUMBERED)
    audit.record(
        actor=actor,
        verb="outgoing.numbered",
        target=draft,
        agency_id=draft.agency_id,
        data={"series": key, "year": series.year, "number": number.number, "symbol": number.number_symbol},
    )
    return number


@transaction.atomic
def numbering_rule_set(*, actor: Actor, agency: Agency, per_type: bool) -> NumberingRule:
    policies.require_configure(actor, agency)
    rule, _created = NumberingRule.objects.select_for_update().get_or_create(agency=agency)
    rule.per_type = per_type
    rule.save(update_fields=["per_type"])
    audit.record(
        actor=actor,
        verb="outgoing.numbering_rule_set",
        target=rule,
        agency_id=agency.pk,
        data={"per_type": per_type},
    )
    return rule


@transaction.atomic
def advisory_body_create(*, actor: Actor, agency: Agency, name: str, abbreviation: str) -> AdvisoryBody:
    policies.require_configure(actor, agency)
    name = " ".join(name.split())
    abbreviation = abbreviation.strip().upper()
    if not name or len(name) > 200:
        raise ValidationFailed(
            "invalid_name", _("Tên tổ chức tư vấn phải có từ 1 đến 200 ký tự."), field="name"
        )
    if not abbreviation or len(abbreviation) > 20 or any(ch in abbreviation for ch in " /-"):
        raise ValidationFailed(
            "invalid_abbreviation",
            _("Chữ viết tắt phải có từ 1 đến 20 ký tự, không có dấu cách, «/» hay «-»."),
            field="abbreviation",
        )
    if AdvisoryBody.objects.filter(agency=agency, name=name).exists():
        raise Conflict("exists", _("Đã có tổ chức tư vấn «%(name)s».") % {"name": name}, field="name")
    body = AdvisoryBody.objects.create(agency=agency, name=name, abbreviation=abbreviation)
    audit.record(
        actor=actor,
        verb="outgoing.advisory_body_created",
        target=body,
        agency_id=agency.pk,
        data={"name": name, "abbreviation": abbreviation},
    )
    return body
