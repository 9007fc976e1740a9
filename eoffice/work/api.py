"""JSON API of the work engine, mounted at /api/v1/work.

Instants are ISO 8601; one sent without an offset is read as Vietnam time (UTC+7). Every action
answers with the changed line (or lines); refusals are structured errors
`{"code", "message", "field", "details"}` (403 not allowed, 404 not visible, 409 wrong state,
422 bad input).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, PermissionDenied, ValidationFailed
from eoffice.directory.models import Agency
from eoffice.work import pdf, selectors, services, timeline
from eoffice.work.models import AssignmentLine, ExtensionRequest
from eoffice.work.services import LineSpec, Upload, deadline_input
from eoffice.work.statuses import ItemKind, LineStatus, Urgency, allowed_actions
from eoffice.workcalendar.engine import LOCAL_TZ

router = Router(tags=["work"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if timezone.is_aware(value) else value.replace(tzinfo=LOCAL_TZ)


class CountsOut(Schema):
    window_hours: int
    counts: dict[str, int]


class LineOut(Schema):
    id: int
    item_id: int
    title: str
    reference: str
    kind: str
    urgency: str
    role: str
    status: str
    status_label: str
    assignee: str
    assigned_by: str
    assigned_at: datetime
    deadline: datetime | None
    overdue: bool
    actions: list[str]


class PageOut(Schema):
    items: list[LineOut]
    next_cursor: str | None


class DeadlineIn(Schema):
    deadline: datetime | None = None
    deadline_date: date | None = None
    working_days: int | None = Field(default=None, ge=1, le=366)


class LineIn(DeadlineIn):
    role: str = Field(max_length=8)
    target_kind: str = Field(max_length=8)
    user_id: int | None = None
    unit_id: int | None = None
    agency_id: int | None = None
    note: str = Field(default="", max_length=2000)


class AssignIn(Schema):
    direction: str = Field(default="", max_length=4000)
    lines: list[LineIn] = Field(max_length=100)


class PresentIn(DeadlineIn):
    leader_id: int
    note: str = Field(default="", max_length=2000)


class RouteIn(Schema):
    keys: list[str] = Field(max_length=20)


class RuleIn(Schema):
    key: str = Field(max_length=200)
    unit_id: int
    role: str = Field(default="lead", max_length=8)
    due_working_days: int | None = Field(default=None, ge=1, le=366)


class RuleOut(Schema):
    id: int
    key: str
    unit_id: int
    role: str
    due_working_days: int | None
    is_active: bool


class ItemIn(Schema):
    agency_id: int | None = None
    kind: str = Field(default=ItemKind.INCOMING_DOCUMENT, max_length=24)
    title: str = Field(max_length=1000)
    reference: str = Field(default="", max_length=200)
    urgency: str = Field(default=Urgency.NORMAL, max_length=20)
    arrived_at: datetime | None = None
    deadline: datetime | None = None
    subject_type: str = Field(default="", max_length=64)
    subject_id: int | None = None


class ItemOut(Schema):
    id: int
    agency_id: int
    kind: str
    title: str
    reference: str
    urgency: str
    status: str
    arrived_at: datetime
    deadline: datetime | None
    done_at: datetime | None
    direction: str
    subject_type: str
    subject_id: int | None


class DetailOut(Schema):
    item: ItemOut
    lines: list[dict[str, Any]]
    opinions: list[dict[str, Any]]


class NoteIn(Schema):
    note: str = Field(default="", max_length=2000)


class ReasonIn(Schema):
    reason: str = Field(max_length=2000)


class ExtensionIn(Schema):
    proposed_deadline: datetime
    reason: str = Field(max_length=2000)


class DecideIn(Schema):
    approve: bool
    note: str = Field(default="", max_length=2000)


class ExtensionOut(Schema):
    id: int
    line_id: int
    status: str
    proposed_deadline: datetime
    current_deadline: datetime | None


class BulkIn(Schema):
    action: str = Field(max_length=16)
    line_ids: list[int] = Field(max_length=200)


class BulkOut(Schema):
    line_id: int
    ok: bool
    code: str
    message: str


class OpinionOut(Schema):
    id: int
    kind: str
    text: str
    files: list[dict[str, Any]]


def _line_out(line: AssignmentLine, actor: Actor | None = None) -> dict[str, Any]:
    now = timezone.now()
    return {
        "id": line.pk,
        "item_id": line.item_id,
        "title": line.item.title,
        "reference": line.item.reference,
        "kind": line.kind,
        "urgency": line.item.urgency,
        "role": line.role,
        "status": line.status,
        "status_label": str(LineStatus(line.status).label),
        "assignee": line.assignee_label,
        "assigned_by": line.assigned_by.get_full_name() if line.assigned_by else "",
        "assigned_at": line.assigned_at,
        "deadline": line.deadline,
        "overdue": bool(line.deadline and line.deadline < now and line.status in selectors.OPEN_STATUSES),
        "actions": allowed_actions(line.status, line.role),
    }


def _specs(lines: list[LineIn]) -> list[LineSpec]:
    return [
        LineSpec(
            role=x.role,
            target_kind=x.target_kind,
            user_id=x.user_id,
            unit_id=x.unit_id,
            agency_id=x.agency_id,
            deadline=deadline_input(at=_aware(x.deadline), on=x.deadline_date, working_days=x.working_days),
            note=x.note,
        )
        for x in lines
    ]


def _fresh(line: AssignmentLine) -> AssignmentLine:
    return AssignmentLine.objects.select_related(
        "item", "assigned_by", "assignee_user", "assignee_unit", "assignee_agency"
    ).get(pk=line.pk)


@router.get("/boxes", response=CountsOut, summary="Số việc trong từng hộp việc")
def box_counts(request: HttpRequest, window_hours: int | None = None) -> dict[str, Any]:
    counts = selectors.box_counts(_actor(request), window_hours=window_hours)
    return {"window_hours": window_hours or selectors.default_window_hours(), "counts": counts}


class BoxQuery(Schema):
    q: str = Field(default="", max_length=200)
    kind: str = Field(default="", max_length=24)
    urgency: str = Field(default="", max_length=20)
    role: str = Field(default="", max_length=8)
    sort: str = Field(default="-assigned_at", max_length=20)
    cursor: str = Field(default="", max_length=200)
    limit: int = Field(default=25, ge=1, le=selectors.MAX_PAGE)
    window_hours: int | None = None


@router.get("/boxes/{box}", response=PageOut, summary="Danh sách một hộp việc (phân trang keyset)")
def box_list(request: HttpRequest, box: str, query: Query[BoxQuery]) -> dict[str, Any]:
    filters = selectors.BoxFilters(
        q=query.q,
        kind=query.kind,
        urgency=query.urgency,
        role=query.role,
        sort=query.sort,
        window_hours=query.window_hours,
    )
    page = selectors.box_page(_actor(request), box, filters, cursor=query.cursor, limit=query.limit)
    return {"items": [_line_out(line) for line in page.lines], "next_cursor": page.next_cursor}


@router.get("/rules", response=list[RuleOut], summary="Quy tắc chuyển xử lý của cơ quan đang làm việc")
def rules_list(request: HttpRequest) -> list[Any]:
    return list(selectors.routing_rules(_actor(request)))


@router.post(
    "/rules", response={201: RuleOut}, summary="Thêm quy tắc chuyển xử lý (loại / lĩnh vực → đơn vị)"
)
def rule_create(request: HttpRequest, payload: RuleIn) -> Status:
    actor = _actor(request)
    if actor.position is None:
        raise PermissionDenied(_("Bạn chưa có chức vụ để đặt quy tắc."))
    rule = services.routing_rule_create(
        agency=actor.position.agency,
        key=payload.key,
        unit_id=payload.unit_id,
        role=payload.role,
        due_working_days=payload.due_working_days,
        actor=actor,
    )
    return Status(201, rule)


@router.delete("/rules/{rule_id}", response={204: None}, summary="Xóa quy tắc chuyển xử lý")
def rule_delete(request: HttpRequest, rule_id: int) -> Status:
    actor = _actor(request)
    rule = selectors.routing_rules(actor).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("Không tìm thấy quy tắc chuyển xử lý."))
    services.routing_rule_delete(rule=rule, actor=actor)
    return Status(204, None)


@router.post("/items", response={201: ItemOut}, summary="Tạo việc cần xử lý")
def item_create(request: HttpRequest, payload: ItemIn) -> Status:
    actor = _actor(request)
    agency_id = payload.agency_id or (actor.position.agency_id if actor.position else None)
    agency = Agency.objects.filter(pk=agency_id or 0).first()
    if agency is None:
        raise ValidationFailed("invalid_agency", _("Cơ quan không hợp lệ."), field="agency_id")
    item = services.item_create(
        agency=agency,
        kind=payload.kind,
        title=payload.title,
        reference=payload.reference,
        urgency=payload.urgency,
        arrived_at=_aware(payload.arrived_at) or timezone.now(),
        deadline=_aware(payload.deadline),
        subject_type=payload.subject_type,
        subject_id=payload.subject_id,
        actor=actor,
    )
    return Status(201, item)


@router.get(
    "/items/{item_id}", response=DetailOut, summary="Chi tiết việc: các dòng xử lý, dòng thời gian, ý kiến"
)
def item_detail(request: HttpRequest, item_id: int) -> dict[str, Any]:
    actor = _actor(request)
    item = selectors.item_for(actor, item_id)
    rows = timeline.timeline(item, actor)
    opinions = [
        {
            "id": o.pk,
            "line_id": o.line_id,
            "kind": o.kind,
            "text": o.text,
            "author": o.author_name,
            "created_at": o.created_at,
            "files": [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in o.files.all()],
        }
        for o in timeline.opinions(item)
    ]
    return {"item": item, "lines": [row.as_dict() for row in rows], "opinions": opinions}


@router.get("/items/{item_id}/timeline", response=list[dict[str, Any]], summary="Dòng thời gian xử lý")
def item_timeline(request: HttpRequest, item_id: int) -> list[dict[str, Any]]:
    actor = _actor(request)
    item = selectors.item_for(actor, item_id)
    return [row.as_dict() for row in timeline.timeline(item, actor)]


@router.get("/items/{item_id}/slip.pdf", summary="Phiếu giải quyết văn bản đến (PDF)")
def item_slip(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.item_for(_actor(request), item_id)
    return pdf.slip_response(item)


@router.post("/items/{item_id}/present", response=ItemOut, summary="Trình lãnh đạo")
def item_present(request: HttpRequest, item_id: int, payload: PresentIn) -> Any:
    actor = _actor(request)
    item = selectors.item_for(actor, item_id)
    due = deadline_input(
        at=_aware(payload.deadline), on=payload.deadline_date, working_days=payload.working_days
    )
    return services.item_present(
        item=item, leader_id=payload.leader_id, note=payload.note, deadline=due, actor=actor
    )


@router.post("/items/{item_id}/assign", response=list[LineOut], summary="Phân xử lý (cấp cao nhất)")
def item_assign(request: HttpRequest, item_id: int, payload: AssignIn) -> list[dict[str, Any]]:
    actor = _actor(request)
    item = selectors.item_for(actor, item_id)
    lines = services.lines_assign(
        item=item, specs=_specs(payload.lines), direction=payload.direction, actor=actor
    )
    return [_line_out(_fresh(line)) for line in lines]


@router.post("/items/{item_id}/route", response=list[LineOut], summary="Chuyển xử lý theo quy tắc")
def item_route(request: HttpRequest, item_id: int, payload: RouteIn) -> list[dict[str, Any]]:
    actor = _actor(request)
    item = selectors.item_for(actor, item_id)
    return [
        _line_out(_fresh(line)) for line in services.item_route(item=item, keys=payload.keys, actor=actor)
    ]


def _line_action(request: HttpRequest, line_id: int, service: Any, **kwargs: Any) -> dict[str, Any]:
    actor = _actor(request)
    line = selectors.line_for(actor, line_id)
    changed = service(line=line, actor=actor, **kwargs)
    return _line_out(_fresh(changed))


@router.post("/lines/{line_id}/receive", response=LineOut, summary="Tiếp nhận")
def line_receive(request: HttpRequest, line_id: int) -> dict[str, Any]:
    return _line_action(request, line_id, services.line_receive)


@router.post("/lines/{line_id}/open", response=LineOut, summary="Ghi nhận lần mở xem đầu tiên")
def line_open(request: HttpRequest, line_id: int) -> dict[str, Any]:
    return _line_action(request, line_id, services.line_open)


@router.post("/lines/{line_id}/start", response=LineOut, summary="Bắt đầu xử lý")
def line_start(request: HttpRequest, line_id: int) -> dict[str, Any]:
    return _line_action(request, line_id, services.line_start)


@router.post("/lines/{line_id}/complete", response=LineOut, summary="Hoàn thành")
def line_complete(request: HttpRequest, line_id: int, payload: NoteIn) -> dict[str, Any]:
    return _line_action(request, line_id, services.line_complete, note=payload.note)


@router.post("/lines/{line_id}/return", response=LineOut, summary="Trả lại (bắt buộc lý do)")
def line_return(request: HttpRequest, line_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _line_action(request, line_id, services.line_return, reason=payload.reason)


@router.post("/lines/{line_id}/recall", response=LineOut, summary="Thu hồi")
def line_recall(request: HttpRequest, line_id: int, payload: NoteIn) -> dict[str, Any]:
    return _line_action(request, line_id, services.line_recall, note=payload.note)


@router.post("/lines/{line_id}/forward", response=list[LineOut], summary="Chuyển xử lý tiếp")
def line_forward(request: HttpRequest, line_id: int, payload: AssignIn) -> list[dict[str, Any]]:
    actor = _actor(request)
    line = selectors.line_for(actor, line_id)
    lines = services.line_forward(
        line=line, specs=_specs(payload.lines), direction=payload.direction, actor=actor
    )
    return [_line_out(_fresh(x)) for x in lines]


@router.post("/lines/{line_id}/opinions", response={201: OpinionOut}, summary="Cho ý kiến xử lý (kèm tệp)")
def opinion_add(
    request: HttpRequest,
    line_id: int,
    text: Form[str],
    kind: Form[str] = "opinion",
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status:
    actor = _actor(request)
    line = selectors.line_for(actor, line_id)
    uploads = [Upload(name=f.name or "", content=f, size=f.size or 0) for f in (files or [])]
    opinion = services.opinion_add(line=line, text=text, kind=kind, files=uploads, actor=actor)
    files_out = [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in opinion.files.all()]
    return Status(201, {"id": opinion.pk, "kind": opinion.kind, "text": opinion.text, "files": files_out})


@router.post("/lines/{line_id}/extensions", response={201: ExtensionOut}, summary="Xin gia hạn")
def extension_request(request: HttpRequest, line_id: int, payload: ExtensionIn) -> Status:
    actor = _actor(request)
    line = selectors.line_for(actor, line_id)
    proposed = _aware(payload.proposed_deadline)
    assert proposed is not None
    made = services.extension_request(
        line=line, proposed_deadline=proposed, reason=payload.reason, actor=actor
    )
    return Status(201, made)


@router.post("/extensions/{request_id}/decide", response=ExtensionOut, summary="Duyệt / không duyệt gia hạn")
def extension_decide(request: HttpRequest, request_id: int, payload: DecideIn) -> ExtensionRequest:
    actor = _actor(request)
    found = ExtensionRequest.objects.filter(pk=request_id).first()
    if found is None:
        raise NotFound(_("Không tìm thấy đề nghị gia hạn."))
    selectors.line_for(actor, found.line_id)
    return services.extension_decide(request=found, approve=payload.approve, note=payload.note, actor=actor)


@router.post(
    "/lines/bulk", response=list[BulkOut], summary="Thao tác hàng loạt (tiếp nhận, bắt đầu, hoàn thành)"
)
def lines_bulk(request: HttpRequest, payload: BulkIn) -> list[Any]:
    return services.lines_bulk(action=payload.action, line_ids=payload.line_ids, actor=_actor(request))
