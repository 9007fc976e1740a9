"""Directory JSON API under /api/v1/directory.

Any signed-in user (session or bearer token) may read: the directory is public data inside the
installation. Writes go through the services, which check the policy and answer with structured
errors {"code", "message", "field", "details"}.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from eoffice.core.actor import Actor
from eoffice.directory import selectors, services
from eoffice.directory.importing import import_directory
from eoffice.directory.models import Agency, AgencyEvent, Unit
from eoffice.directory.selectors import TreeNode

router = Router(tags=["directory"])

Code = Field(..., min_length=1, max_length=64)
Text = Field("", max_length=1000)


class AgencyRef(Schema):
    code: str
    name: str
    status: str


class AgencyOut(Schema):
    code: str
    code_conforms: bool
    code_qd20: str
    name: str
    short_name: str
    abbreviation: str
    kind: str
    status: str
    hosted: bool
    depth: int
    parent_code: str | None


class EventOut(Schema):
    kind: str
    kind_label: str
    effective_on: datetime.date
    related: AgencyRef | None
    before: dict[str, Any]
    after: dict[str, Any]
    note: str


class UnitOut(Schema):
    id: int
    agency_code: str
    parent_id: int | None
    code: str
    name: str
    abbreviation: str
    is_active: bool
    sort_order: int


class AgencyDetailOut(AgencyOut):
    address: str
    email: str
    phone: str
    fax: str
    website: str
    status_changed_on: datetime.date | None
    successor: AgencyRef | None
    current: AgencyRef
    predecessors: list[AgencyRef]
    ancestors: list[AgencyRef]
    history: list[EventOut]
    units: list[UnitOut]


class SearchOut(Schema):
    items: list[AgencyOut]
    next_cursor: str | None


class TreeNodeOut(Schema):
    code: str
    name: str
    status: str
    child_count: int
    children: list[TreeNodeOut]


TreeNodeOut.model_rebuild()


class TreeOut(Schema):
    root: AgencyRef | None
    nodes: list[TreeNodeOut]
    truncated: bool


class AgencyCreateIn(Schema):
    code: str = Code
    name: str = Field(..., max_length=1000)
    parent_code: str | None = Field(None, max_length=64)
    code_qd20: str = Text
    short_name: str = Text
    abbreviation: str = Text
    kind: str = Field("other", max_length=40)
    address: str = Text
    email: str = Text
    phone: str = Text
    fax: str = Text
    website: str = Text
    hosted: bool = False


class AgencyUpdateIn(Schema):
    code: str | None = Field(None, max_length=64)
    name: str | None = Field(None, max_length=1000)
    code_qd20: str | None = Field(None, max_length=1000)
    short_name: str | None = Field(None, max_length=1000)
    abbreviation: str | None = Field(None, max_length=1000)
    kind: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=1000)
    email: str | None = Field(None, max_length=1000)
    phone: str | None = Field(None, max_length=1000)
    fax: str | None = Field(None, max_length=1000)
    website: str | None = Field(None, max_length=1000)
    effective_on: datetime.date | None = None


class MoveIn(Schema):
    parent_code: str | None = Field(None, max_length=64)
    effective_on: datetime.date | None = None


class MergeIn(Schema):
    into_code: str = Code
    effective_on: datetime.date | None = None
    note: str = Field("", max_length=500)


class DissolveIn(Schema):
    effective_on: datetime.date | None = None
    note: str = Field("", max_length=500)


class HostingIn(Schema):
    hosted: bool


class UnitCreateIn(Schema):
    name: str = Field(..., max_length=1000)
    code: str = Field("", max_length=100)
    abbreviation: str = Field("", max_length=100)
    parent_id: int | None = None
    sort_order: int = Field(0, ge=0, le=1_000_000)


class UnitUpdateIn(Schema):
    name: str | None = Field(None, max_length=1000)
    code: str | None = Field(None, max_length=100)
    abbreviation: str | None = Field(None, max_length=100)
    sort_order: int | None = Field(None, ge=0, le=1_000_000)


class UnitMoveIn(Schema):
    parent_id: int | None = None


class SearchQuery(Schema):
    q: str = Field("", max_length=200)
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2000)
    include_inactive: bool = False


class TreeQuery(Schema):
    root: str | None = Field(None, max_length=64)
    depth: int = Field(1, ge=1, le=selectors.MAX_TREE_DEPTH)
    include_inactive: bool = False


class RowErrorOut(Schema):
    line: int
    code: str
    message: str


class ImportOut(Schema):
    format: str
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    error_count: int
    errors: list[RowErrorOut]
    errors_truncated: bool
    seconds: float


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _ref(agency: Agency | None) -> dict[str, Any] | None:
    if agency is None:
        return None
    return {"code": agency.code, "name": agency.name, "status": agency.status}


def _agency(agency: Agency) -> dict[str, Any]:
    return {
        "code": agency.code,
        "code_conforms": agency.code_conforms,
        "code_qd20": agency.code_qd20,
        "name": agency.name,
        "short_name": agency.short_name,
        "abbreviation": agency.abbreviation,
        "kind": agency.kind,
        "status": agency.status,
        "hosted": agency.hosted,
        "depth": agency.depth,
        "parent_code": agency.parent.code if agency.parent_id and agency.parent else None,
    }


def _unit(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "agency_code": unit.agency.code,
        "parent_id": unit.parent_id,
        "code": unit.code,
        "name": unit.name,
        "abbreviation": unit.abbreviation,
        "is_active": unit.is_active,
        "sort_order": unit.sort_order,
    }


def _event(event: AgencyEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "kind_label": str(AgencyEvent.Kind(event.kind).label),
        "effective_on": event.effective_on,
        "related": _ref(event.related_agency),
        "before": event.before,
        "after": event.after,
        "note": event.note,
    }


def _detail(agency: Agency) -> dict[str, Any]:
    agency = selectors.agency_by_id(agency.pk)
    return {
        **_agency(agency),
        "address": agency.address,
        "email": agency.email,
        "phone": agency.phone,
        "fax": agency.fax,
        "website": agency.website,
        "status_changed_on": agency.status_changed_on,
        "successor": _ref(agency.successor),
        "current": _ref(selectors.agency_current(agency)),
        "predecessors": [_ref(a) for a in selectors.agency_predecessors(agency)],
        "ancestors": [_ref(a) for a in selectors.agency_ancestors(agency)],
        "history": [_event(e) for e in selectors.agency_history(agency)],
        "units": [_unit(u) for u in selectors.units_of(agency, include_inactive=True)],
    }


def _node(node: TreeNode) -> dict[str, Any]:
    return {
        "code": node.agency.code,
        "name": node.agency.name,
        "status": node.agency.status,
        "child_count": node.child_count,
        "children": [_node(child) for child in node.children],
    }


@router.get("/agencies", response=SearchOut, summary="Tìm cơ quan (không phân biệt dấu)")
def search_agencies(request: HttpRequest, params: Query[SearchQuery]) -> dict[str, Any]:
    page = selectors.agency_search(
        params.q, include_inactive=params.include_inactive, limit=params.limit, cursor=params.cursor
    )
    return {"items": [_agency(a) for a in page.items], "next_cursor": page.next_cursor}


@router.get("/agencies/{code}", response=AgencyDetailOut, summary="Chi tiết cơ quan, lịch sử và kế thừa")
def get_agency(request: HttpRequest, code: str) -> dict[str, Any]:
    return _detail(selectors.agency_by_code(code))


@router.get("/agencies/{code}/children", response=list[TreeNodeOut], summary="Cơ quan trực thuộc")
def agency_children(request: HttpRequest, code: str, include_inactive: bool = False) -> list[dict[str, Any]]:
    agency = selectors.agency_by_code(code)
    return [_node(n) for n in selectors.agency_children(agency, include_inactive=include_inactive)]


@router.get("/tree", response=TreeOut, summary="Cây cơ quan")
def agency_tree(request: HttpRequest, params: Query[TreeQuery]) -> dict[str, Any]:
    root = selectors.agency_by_code(params.root) if params.root else None
    nodes, truncated = selectors.agency_tree(root, params.depth, include_inactive=params.include_inactive)
    return {"root": _ref(root), "nodes": [_node(n) for n in nodes], "truncated": truncated}


@router.post("/agencies", response={201: AgencyDetailOut}, summary="Tạo cơ quan")
def create_agency(request: HttpRequest, payload: AgencyCreateIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    parent_code = data.pop("parent_code")
    parent = selectors.agency_by_code(parent_code) if parent_code else None
    code, name = data.pop("code"), data.pop("name")
    agency = services.agency_create(actor=_actor(request), code=code, name=name, parent=parent, details=data)
    return Status(201, _detail(agency))


@router.patch("/agencies/{code}", response=AgencyDetailOut, summary="Sửa thông tin cơ quan")
def update_agency(request: HttpRequest, code: str, payload: AgencyUpdateIn) -> dict[str, Any]:
    changes = payload.dict(exclude_unset=True)
    effective_on = changes.pop("effective_on", None)
    agency = services.agency_update(
        actor=_actor(request),
        agency=selectors.agency_by_code(code),
        changes=changes,
        effective_on=effective_on,
    )
    return _detail(agency)


@router.post("/agencies/{code}/move", response=AgencyDetailOut, summary="Chuyển cơ quan cấp trên")
def move_agency(request: HttpRequest, code: str, payload: MoveIn) -> dict[str, Any]:
    new_parent = selectors.agency_by_code(payload.parent_code) if payload.parent_code else None
    agency = services.agency_move(
        actor=_actor(request),
        agency=selectors.agency_by_code(code),
        new_parent=new_parent,
        effective_on=payload.effective_on,
    )
    return _detail(agency)


@router.post("/agencies/{code}/merge", response=AgencyDetailOut, summary="Sáp nhập vào cơ quan khác")
def merge_agency(request: HttpRequest, code: str, payload: MergeIn) -> dict[str, Any]:
    agency = services.agency_merge(
        actor=_actor(request),
        agency=selectors.agency_by_code(code),
        into=selectors.agency_by_code(payload.into_code),
        effective_on=payload.effective_on,
        note=payload.note,
    )
    return _detail(agency)


@router.post("/agencies/{code}/dissolve", response=AgencyDetailOut, summary="Giải thể cơ quan")
def dissolve_agency(request: HttpRequest, code: str, payload: DissolveIn) -> dict[str, Any]:
    agency = services.agency_dissolve(
        actor=_actor(request),
        agency=selectors.agency_by_code(code),
        effective_on=payload.effective_on,
        note=payload.note,
    )
    return _detail(agency)


@router.post("/agencies/{code}/hosting", response=AgencyDetailOut, summary="Dùng hệ thống này hay liên thông")
def set_hosting(request: HttpRequest, code: str, payload: HostingIn) -> dict[str, Any]:
    agency = services.agency_set_hosted(
        actor=_actor(request), agency=selectors.agency_by_code(code), hosted=payload.hosted
    )
    return _detail(agency)


@router.get(
    "/agencies/{code}/units", response=list[UnitOut], summary="Đơn vị (gồm đơn vị của cơ quan đã sáp nhập)"
)
def list_units(request: HttpRequest, code: str, include_inactive: bool = False) -> list[dict[str, Any]]:
    agency = selectors.agency_by_code(code)
    return [_unit(u) for u in selectors.units_of(agency, include_inactive=include_inactive)]


def _unit_or_none(unit_id: int | None) -> Unit | None:
    return selectors.unit_by_id(unit_id) if unit_id is not None else None


@router.post("/agencies/{code}/units", response={201: UnitOut}, summary="Tạo đơn vị")
def create_unit(request: HttpRequest, code: str, payload: UnitCreateIn) -> Status[dict[str, Any]]:
    agency = selectors.agency_by_code(code)
    unit = services.unit_create(
        actor=_actor(request),
        agency=agency,
        name=payload.name,
        parent=_unit_or_none(payload.parent_id),
        code=payload.code,
        abbreviation=payload.abbreviation,
        sort_order=payload.sort_order,
    )
    return Status(201, _unit(selectors.unit_by_id(unit.pk)))


@router.patch("/units/{unit_id}", response=UnitOut, summary="Sửa đơn vị")
def update_unit(request: HttpRequest, unit_id: int, payload: UnitUpdateIn) -> dict[str, Any]:
    unit = services.unit_update(
        actor=_actor(request), unit=selectors.unit_by_id(unit_id), changes=payload.dict(exclude_unset=True)
    )
    return _unit(selectors.unit_by_id(unit.pk))


@router.post("/units/{unit_id}/move", response=UnitOut, summary="Chuyển đơn vị cha")
def move_unit(request: HttpRequest, unit_id: int, payload: UnitMoveIn) -> dict[str, Any]:
    unit = selectors.unit_by_id(unit_id)
    new_parent = selectors.unit_by_id(payload.parent_id) if payload.parent_id else None
    services.unit_move(actor=_actor(request), unit=unit, new_parent=new_parent)
    return _unit(selectors.unit_by_id(unit.pk))


@router.post("/units/{unit_id}/deactivate", response=UnitOut, summary="Ngừng hoạt động đơn vị")
def deactivate_unit(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    services.unit_deactivate(actor=_actor(request), unit=selectors.unit_by_id(unit_id))
    return _unit(selectors.unit_by_id(unit_id))


@router.post("/import", response=ImportOut, summary="Nhập danh bạ từ CSV/JSON (quản trị hệ thống)")
def import_file(
    request: HttpRequest,
    file: File[UploadedFile],
    format: Form[str | None] = None,
    dry_run: Form[bool] = False,
) -> dict[str, Any]:
    report = import_directory(
        actor=_actor(request),
        stream=file,
        fmt=format or None,
        filename=file.name or "",
        dry_run=dry_run,
        size=file.size,
    )
    return report.as_dict()
