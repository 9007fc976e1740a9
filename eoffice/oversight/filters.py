"""The filters every board, figure and report page takes, parsed and checked in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _

from eoffice.core.errors import ValidationFailed
from eoffice.directory.models import Unit
from eoffice.documents.models import DocumentType
from eoffice.oversight.policies import Scope
from eoffice.work.statuses import ItemKind, Urgency
from eoffice.workcalendar.engine import LOCAL_TZ

MAX_PERIOD_DAYS = 3 * 366 + 1
FIELDS = ("from", "to", "agency", "unit", "type", "urgency", "kind")


@dataclass(frozen=True)
class Filters:
    date_from: date
    date_to: date
    agency_id: int | None = None
    unit_id: int | None = None
    document_type_id: int | None = None
    urgency: str = ""
    kind: str = ""

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time(0), LOCAL_TZ)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return datetime.combine(self.date_to + timedelta(days=1), time(0), LOCAL_TZ)

    def query(self, **extra: object) -> dict[str, str]:
        """The filters as query-string parameters (links to drill-downs and exports)."""
        values: dict[str, object] = {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "agency": self.agency_id or "",
            "unit": self.unit_id or "",
            "type": self.document_type_id or "",
            "urgency": self.urgency,
            "kind": self.kind,
            **extra,
        }
        return {key: str(value) for key, value in values.items() if value not in ("", None)}

    def with_kind(self, kind: str) -> Filters:
        return replace(self, kind=kind)


def _date(data: Mapping[str, str], key: str, default: date) -> date:
    raw = (data.get(key) or "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(
            "invalid_date",
            _("Ngày “%(value)s” không hợp lệ (định dạng YYYY-MM-DD).") % {"value": raw[:40]},
            field=key,
        ) from None


def _id(data: Mapping[str, str], key: str, code: str, message: str) -> int | None:
    raw = (data.get(key) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ValidationFailed(code, message, field=key)
    return int(raw)


def parse(data: Mapping[str, str], *, scope: Scope | None, today: date) -> Filters:
    """Check every filter against the actor's scope; anything unknown or outside it is refused
    with the same message, so a filter cannot probe what exists elsewhere."""
    date_from = _date(data, "from", date(today.year, 1, 1))
    date_to = _date(data, "to", today)
    if date_to < date_from:
        raise ValidationFailed(
            "period_reversed", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."), field="to"
        )
    if (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise ValidationFailed("period_too_long", _("Khoảng thời gian tối đa là 3 năm."), field="from")
    agency_message = _("Cơ quan không tồn tại hoặc ngoài phạm vi bạn được xem.")
    agency_id = _id(data, "agency", "unknown_agency", agency_message)
    if agency_id is not None and (scope is None or agency_id not in scope.agency_ids):
        raise ValidationFailed("unknown_agency", agency_message, field="agency")
    unit_message = _("Đơn vị không tồn tại hoặc ngoài phạm vi bạn được xem.")
    unit_id = _id(data, "unit", "unknown_unit", unit_message)
    if unit_id is not None:
        allowed = scope is not None and (scope.unit_id in (None, unit_id))
        in_scope = Unit.objects.filter(pk=unit_id, agency_id__in=scope.agency_ids if scope else []).exists()
        if not (allowed and in_scope):
            raise ValidationFailed("unknown_unit", unit_message, field="unit")
    type_message = _("Loại văn bản không tồn tại.")
    type_id = _id(data, "type", "unknown_document_type", type_message)
    if type_id is not None and not DocumentType.objects.filter(pk=type_id).exists():
        raise ValidationFailed("unknown_document_type", type_message, field="type")
    urgency = (data.get("urgency") or "").strip()
    if urgency and urgency not in Urgency.values:
        raise ValidationFailed("invalid_urgency", _("Độ khẩn không hợp lệ."), field="urgency")
    kind = (data.get("kind") or "").strip()
    if kind and kind not in ItemKind.values:
        raise ValidationFailed("invalid_kind", _("Loại việc không hợp lệ."), field="kind")
    return Filters(
        date_from=date_from,
        date_to=date_to,
        agency_id=agency_id,
        unit_id=unit_id,
        document_type_id=type_id,
        urgency=urgency,
        kind=kind,
    )
