"""/api/v1/outgoing/chains: read and delete the agency's approval chains (setting one is
`PUT /chains` in api.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from eoffice.core.actor import Actor
from eoffice.core.errors import PermissionDenied
from eoffice.outgoing import chains
from eoffice.outgoing.models import ApprovalChain

router = Router(tags=["outgoing: quy trình trình ký"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class StepOut(Schema):
    order: int
    kind: str
    user_id: int
    full_name: str
    working_days: int


class ChainOut(Schema):
    id: int
    name: str
    type_id: int | None
    type_name: str | None
    steps: list[StepOut]


def _chain(chain: ApprovalChain) -> dict[str, Any]:
    return {
        "id": chain.pk,
        "name": chain.name,
        "type_id": chain.document_type_id,
        "type_name": chain.document_type.name if chain.document_type else None,
        "steps": [
            {
                "order": s.order,
                "kind": s.kind,
                "user_id": s.assignee_id,
                "full_name": s.assignee.get_full_name(),
                "working_days": s.working_days,
            }
            for s in chain.steps.select_related("assignee").order_by("order")
        ],
    }


def chain_list(request: HttpRequest) -> Any:
    """GET /chains; routed from api.py, where PUT /chains lives (ninja serves one path from one router)."""
    actor = _actor(request)
    if actor.position is None:
        raise PermissionDenied(_("Bạn cần chọn một chức vụ trong cơ quan."))
    return [_chain(c) for c in chains.chains_of_agency(actor=actor, agency=actor.position.agency)]


@router.get("/chains/{int:chain_id}", response=ChainOut, summary="Một quy trình trình ký")
def chain_detail(request: HttpRequest, chain_id: int) -> Any:
    return _chain(chains.chain_get(actor=_actor(request), chain_id=chain_id))


@router.delete("/chains/{int:chain_id}", response={204: None}, summary="Xóa quy trình trình ký")
def chain_delete(request: HttpRequest, chain_id: int) -> Any:
    actor = _actor(request)
    chains.approval_chain_delete(actor=actor, chain=chains.chain_get(actor=actor, chain_id=chain_id))
    return Status(204, None)
