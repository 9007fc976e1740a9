"""Real rows for the hostile write test (test_hostile_api_writes): the path ids an operation needs,
so its hostile bodies reach the service instead of a "not found", and the ids its bodies point at,
of agency A (plausible) or agency B (someone else's).

Rows are made through the services, and only those the operation names (in its path, or as the
line, document or draft its body points at): a draft costs a PDF, an incoming document a rendered
one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.directory.models import Unit
from eoffice.documents.models import DocumentType
from eoffice.testing.cast import Cast

MISSING_ID = 999_999_999


def _actor(cast: Cast, user: Any) -> Actor:
    return Actor(user=user, position=cast.position(user))


def _document(cast: Cast) -> int:
    from eoffice.documents.tests.factories import confirmed_document

    return confirmed_document(cast).pk


def _item(cast: Cast) -> Any:
    from eoffice.work import services
    from eoffice.work.statuses import ItemKind

    return services.item_create(
        actor=_actor(cast, cast.clerk_a),
        agency=cast.agency_a,
        kind=ItemKind.INCOMING_DOCUMENT,
        title="Về việc tuyển dụng công chức năm 2026",
        arrived_at=timezone.now() - timedelta(hours=1),
    )


def _line(cast: Cast) -> int:
    """The top lead line of an item presented to leader_a, received by them."""
    from eoffice.work import services
    from eoffice.work.deadlines import DeadlineInput
    from eoffice.work.models import AssignmentLine

    item = _item(cast)
    deadline = DeadlineInput(at=timezone.now() + timedelta(days=10))
    services.item_present(
        item=item, leader_id=cast.leader_a.pk, actor=_actor(cast, cast.clerk_a), deadline=deadline
    )
    line = AssignmentLine.objects.get(item=item, parent__isnull=True)
    services.line_receive(line=line, actor=_actor(cast, cast.leader_a))
    return line.pk


def _extension(cast: Cast) -> int:
    from eoffice.work.models import AssignmentLine
    from eoffice.work.services.extensions import extension_request

    line = AssignmentLine.objects.get(pk=_line(cast))
    assert line.deadline is not None
    return extension_request(
        line=line,
        proposed_deadline=line.deadline + timedelta(days=5),
        reason="Cần thêm thời gian",
        actor=_actor(cast, cast.leader_a),
    ).pk


def _rule(cast: Cast) -> int:
    from eoffice.work.services.items import routing_rule_create

    return routing_rule_create(
        agency=cast.agency_a,
        key="type:QD",
        unit_id=cast.unit_a.pk,
        role="lead",
        due_working_days=5,
        actor=_actor(cast, cast.clerk_a),
    ).pk


def _draft(cast: Cast) -> int:
    from eoffice.documents.services import UploadPart
    from eoffice.outgoing import services
    from eoffice.outgoing.tests.conftest import pdf_bytes

    data = services.DraftInput(
        document_type_id=DocumentType.objects.get(code="cong_van").pk,
        subject="Về việc báo cáo biên chế năm 2026",
        main=UploadPart("du-thao.pdf", pdf_bytes(marker="v1")),
    )
    return services.draft_create(actor=_actor(cast, cast.specialist_a), data=data).pk


def _round(cast: Cast) -> int:
    from eoffice.outgoing.comments import Invitee, comment_round_start
    from eoffice.outgoing.models import Draft

    draft = Draft.objects.get(pk=_draft(cast))
    return comment_round_start(
        actor=_actor(cast, cast.specialist_a),
        draft=draft,
        invitees=[Invitee("person", cast.leader_a.pk)],
        deadline=timezone.now() + timedelta(days=3),
    ).pk


def _number(cast: Cast) -> int:
    from eoffice.outgoing.numbering import number_reserve

    return number_reserve(
        actor=_actor(cast, cast.clerk_a),
        agency=cast.agency_a,
        document_type=DocumentType.objects.get(code="cong_van"),
        reason="Giữ số thử",
    ).pk


def _chain(cast: Cast) -> int:
    from eoffice.outgoing.approval import StepInput, approval_chain_set

    return approval_chain_set(
        actor=_actor(cast, cast.admin_a),
        agency=cast.agency_a,
        document_type=None,
        name="Quy trình thử",
        steps=[StepInput("sign", cast.leader_a.pk)],
    ).pk


def _override(cast: Cast) -> int:
    from eoffice.workcalendar.services import override_create

    return override_create(
        actor=Actor(user=cast.superuser, position=None),
        day=date(2026, 12, 2),
        kind="day_off",
        reason="Nghỉ bù thử nghiệm",
    ).pk


def _delegation(cast: Cast) -> int:
    from eoffice.people.services.delegations import delegation_create

    return delegation_create(
        actor=_actor(cast, cast.leader_a),
        position=cast.position(cast.leader_a),
        delegate=cast.unit_head_a,
        ends_at=timezone.now() + timedelta(days=7),
    ).pk


def _notification(cast: Cast) -> int:
    from eoffice.notifications.models import Notification

    return Notification.objects.create(
        user=cast.specialist_a, agency=cast.agency_a, kind="info", title="Thông báo thử"
    ).pk


def _token(cast: Cast) -> int:
    from eoffice.accounts.services import api_token_create

    token, _secret = api_token_create(actor=_actor(cast, cast.specialist_a), name="Khóa thử")
    return token.pk


def _axis(cast: Cast) -> int:
    from eoffice.exchange.axis.models import Axis

    # Nothing listens on this port: a check, a poll or a sync fails at once.
    axis = Axis.objects.create(
        name="Trục liên thông quốc gia", style="vxp", base_url="http://127.0.0.1:9", system_id="he-thong-a"
    )
    return axis.pk


# Path ids per (app, name); names shared by every app come from the cast itself.
BUILDERS: dict[tuple[str, str], Callable[[Cast], int]] = {
    ("documents", "document_id"): _document,
    ("work", "item_id"): lambda cast: _item(cast).pk,
    ("work", "line_id"): _line,
    ("work", "request_id"): _extension,
    ("work", "rule_id"): _rule,
    ("outgoing", "draft_id"): _draft,
    ("outgoing", "round_id"): _round,
    ("outgoing", "number_id"): _number,
    ("outgoing", "chain_id"): _chain,
    ("calendar", "override_id"): _override,
    ("people", "delegation_id"): _delegation,
    ("notifications", "notification_id"): _notification,
    ("accounts", "token_id"): _token,
    ("exchange", "axis_id"): _axis,
}


# Ids a body names, made when the operation's schema has such a field (a reminder about a line,
# a bulk registration of documents, a batch signing of drafts).
BODY_BUILDERS: dict[str, Callable[[Cast], int]] = {
    "line": _line,
    "document": _document,
    "draft": _draft,
}


class Rows:
    def __init__(self, cast: Cast, made: dict[str, int]) -> None:
        self.cast = cast
        self.made = made
        self._unit_b: Unit | None = None

    def unit_b(self) -> Unit:
        if self._unit_b is None:
            self._unit_b = Unit.objects.create(agency=self.cast.agency_b, name="Văn phòng xã", code="VP")
        return self._unit_b

    def code(self, side: str) -> str:
        """An agency's code: B's from outside; the province (a parent, a merge target) from A."""
        return (self.cast.agency_b if side == "b" else self.cast.province).code

    def id_of(self, target: str, side: str) -> int:
        """An id for a body field that points at `target` ("agency", "leader", "line"...)."""
        cast, b = self.cast, side == "b"
        if target in ("agency", "issuing_agency", "recipient", "add_recipient"):
            return (cast.agency_b if b else cast.agency_a).pk
        if target in ("unit", "parent"):
            return self.unit_b().pk if b else cast.unit_a.pk
        if target in ("user", "delegate", "leader"):
            return (cast.clerk_b if b else cast.leader_a if target == "leader" else cast.specialist_a).pk
        if target in ("position", "signer_position"):
            return cast.position(cast.clerk_b if b else cast.specialist_a).pk
        if target == "type":
            return DocumentType.objects.get(code="cong_van").pk
        return MISSING_ID if b else self.made.get(target, MISSING_ID)

    def path_value(self, name: str) -> str:
        generic = {
            "code": self.cast.agency_a.code,
            "unit_id": str(self.cast.unit_a.pk),
            "user_id": str(self.cast.specialist_a.pk),
            "position_id": str(self.cast.position(self.cast.specialist_a).pk),
            "agency_id": str(self.cast.agency_a.pk),
            "year": str(timezone.localdate().year),
        }
        target = name.removesuffix("_id")
        return str(self.made[target]) if target in self.made else generic.get(name, "1")


def build_rows(cast: Cast, app: str, path_params: list[str], body_targets: set[str]) -> Rows:
    """The rows an operation names: its path ids (by app) and the ids its body points at."""
    made: dict[str, int] = {}
    for name in path_params:
        builder = BUILDERS.get((app, name))
        if builder is not None:
            made[name.removesuffix("_id")] = builder(cast)
    for target in body_targets - made.keys():
        if target in BODY_BUILDERS:
            made[target] = BODY_BUILDERS[target](cast)
    return Rows(cast, made)
