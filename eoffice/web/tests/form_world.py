"""The rows behind the pages of the hostile form test (eoffice/web/tests/test_hostile_forms.py).

Every row is built by the apps' own test factories and services, only when a page asks for it,
once per test: agency A's rows for the pages, each at the stage whose page shows the forms to try,
and agency B's rows for the ids a hostile form sends instead of A's.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from django.utils import timezone

from eoffice.accounts import services as account_services
from eoffice.core.actor import Actor
from eoffice.directory.models import Unit
from eoffice.documents import handling
from eoffice.documents import services as document_services
from eoffice.documents.models import Document, DocumentType, ProcessingJob, Register
from eoffice.documents.services import UploadPart
from eoffice.documents.tests.factories import confirmed_document
from eoffice.exchange.axis.models import Axis
from eoffice.exchange.models import OutboxLine, Peer, QuarantinedPackage, Receipt
from eoffice.exchange.tests.conftest import numbered_draft
from eoffice.exchange.tests.test_ui_permissions import failed_line, quarantined, recall_receipt
from eoffice.notifications.models import Notification
from eoffice.outgoing import amend, approval, comments, numbering, recall
from eoffice.outgoing import services as outgoing_services
from eoffice.outgoing.comment_models import CommentRound
from eoffice.outgoing.models import AmendmentAnswer, ApprovalChain, Delivery, Draft
from eoffice.outgoing.tests.amend_cases import delivery_to, released
from eoffice.outgoing.tests.conftest import make_draft, pdf_bytes
from eoffice.people.models import Delegation
from eoffice.people.services import delegations
from eoffice.reminders.tests.conftest import person_line
from eoffice.signing.models import KeyReference
from eoffice.testing.cast import Cast
from eoffice.work import services as work
from eoffice.work.models import AssignmentLine, ExtensionRequest, RoutingRule, WorkItem
from eoffice.workcalendar import services as calendar_services

MISSING_ID = 999_999_999


class World:
    """The cast's rows, each made on first use (a test pays only for what its page shows)."""

    def __init__(self, cast: Cast) -> None:
        self.cast = cast

    def actor(self, user: Any) -> Actor:
        return Actor(user=user, position=self.cast.position(user))

    @property
    def clerk(self) -> Actor:
        return self.actor(self.cast.clerk_a)

    # Incoming documents: confirmed (confirm and register forms), registered (present, route,
    # propose a reply).
    @cached_property
    def document(self) -> Document:
        return confirmed_document(self.cast)

    @cached_property
    def registered_document(self) -> Document:
        document = confirmed_document(self.cast)
        document_services.document_register(actor=self.clerk, document=document)
        document.refresh_from_db()
        return document

    @cached_property
    def presented_document(self) -> Document:
        document = self.registered_document
        handling.document_present(actor=self.clerk, document=document, leader_id=self.cast.leader_a.pk)
        document.refresh_from_db()
        return document

    @cached_property
    def job(self) -> ProcessingJob:
        job = ProcessingJob.objects.filter(document=self.document).order_by("pk").first()
        assert job is not None
        return job

    # Outgoing drafts at each stage: drafting (the author), under review (the unit head), at the
    # leader's signature, numbered (the clerk releases), released to agency B (recall, update, and
    # B's answers to them).
    @cached_property
    def draft(self) -> Draft:
        return make_draft(self.cast)

    @cached_property
    def chain(self) -> ApprovalChain:
        return approval.approval_chain_set(
            actor=self.actor(self.cast.admin_a),
            agency=self.cast.agency_a,
            # A type of its own: a chain for every type would stop the other drafts being numbered.
            document_type=DocumentType.objects.get(code="to_trinh"),
            name="Trình ký tờ trình",
            steps=[
                approval.StepInput(approval.StepKind.REVIEW, self.cast.unit_head_a.pk),
                approval.StepInput(approval.StepKind.SIGN, self.cast.leader_a.pk),
            ],
        )

    @cached_property
    def submitted_draft(self) -> Draft:
        assert self.chain is not None  # the tờ trình's chain: unit head reviews, leader signs
        draft = make_draft(self.cast, type_code="to_trinh")
        approval.draft_submit(actor=self.actor(self.cast.specialist_a), draft=draft)
        draft.refresh_from_db()
        return draft

    @cached_property
    def signing_draft(self) -> Draft:
        draft = self.submitted_draft
        approval.draft_step_approve(actor=self.actor(self.cast.unit_head_a), draft=draft)
        draft.refresh_from_db()
        return draft

    @cached_property
    def numbered_draft(self) -> Draft:
        return numbered_draft(self.cast)

    @cached_property
    def released_draft(self) -> Draft:
        return released(self.cast, self.cast.agency_b.pk)

    @cached_property
    def delivery(self) -> Delivery:
        return delivery_to(self.released_draft, self.cast.agency_b.pk)

    @cached_property
    def recalled_delivery(self) -> Delivery:
        draft = released(self.cast, self.cast.agency_b.pk)
        recall.draft_recall(actor=self.clerk, draft=draft, reason="Sai thể thức")
        return delivery_to(draft, self.cast.agency_b.pk)

    @cached_property
    def answer(self) -> AmendmentAnswer:
        draft = released(self.cast, self.cast.agency_b.pk)
        data = amend.UpdateInput(reason="Sai hạn trả lời", subject="Về việc khác", urgency="thuong")
        amend.draft_update(actor=self.clerk, draft=draft, data=data)
        return AmendmentAnswer.objects.get(amendment__draft=draft)

    @cached_property
    def comment_round(self) -> CommentRound:
        invitees = [
            comments.Invitee("person", self.cast.leader_a.pk),
            comments.Invitee("unit", self.cast.unit_a.pk),
        ]
        return comments.comment_round_start(
            actor=self.actor(self.cast.specialist_a),
            draft=self.draft,
            invitees=invitees,
            deadline=timezone.now() + timedelta(days=2),
        )

    # Work: a line given to the specialist; the same line received, with an extension asked for
    # (the holder's forms and the assigner's decision).
    @cached_property
    def line(self) -> AssignmentLine:
        return person_line(self.cast, timezone.now() + timedelta(days=3))

    @cached_property
    def item(self) -> WorkItem:
        return self.line.item

    @cached_property
    def extension(self) -> ExtensionRequest:
        line = person_line(self.cast, timezone.now() + timedelta(days=3))
        work.line_receive(line=line, actor=self.actor(self.cast.specialist_a))
        return work.extension_request(
            line=line,
            proposed_deadline=timezone.now() + timedelta(days=10),
            reason="Cần thêm thời gian",
            actor=self.actor(self.cast.specialist_a),
        )

    @cached_property
    def busy_item(self) -> WorkItem:
        return self.extension.line.item

    @cached_property
    def routing_rule(self) -> RoutingRule:
        return work.routing_rule_create(
            agency=self.cast.agency_a,
            key="type:QD",
            unit_id=self.cast.unit_a.pk,
            role="lead",
            due_working_days=None,
            actor=self.clerk,
        )

    # Exchange.
    @cached_property
    def outbox_line(self) -> OutboxLine:
        return failed_line(self.cast)

    @cached_property
    def peer(self) -> Peer:
        peer = self.outbox_line.peer
        assert peer is not None
        return peer

    @cached_property
    def receipt(self) -> Receipt:
        return recall_receipt(self.cast)

    @cached_property
    def quarantined(self) -> QuarantinedPackage:
        return quarantined()

    @cached_property
    def axis(self) -> Axis:
        # Nothing listens on this port: a check or a poll fails at once.
        return Axis.objects.create(
            name="Trục liên thông quốc gia",
            style="vxp",
            base_url="http://127.0.0.1:9",
            system_id="he-thong-a",
        )

    # People, accounts, calendar, notifications.
    @cached_property
    def delegation(self) -> Delegation:
        return delegations.delegation_create(
            actor=self.actor(self.cast.leader_a),
            position=self.cast.position(self.cast.leader_a),
            delegate=self.cast.unit_head_a,
            ends_at=timezone.now() + timedelta(days=5),
            reason="Đi công tác",
        )

    @cached_property
    def token(self) -> Any:
        return account_services.api_token_create(actor=self.clerk, name="Máy quét")[0]

    @cached_property
    def enrolment(self) -> Any:
        """The superuser's authenticator waiting for its first code (the enrolment page's form)."""
        return account_services.totp_enrolment_start(actor=Actor(user=self.cast.superuser, position=None))

    @cached_property
    def override(self) -> Any:
        actor = Actor(user=self.cast.superuser, position=None)
        return calendar_services.override_create(
            actor=actor, day=date(2026, 3, 3), kind="day_off", reason="Nghỉ"
        )

    @cached_property
    def notification(self) -> Notification:
        assert self.line is not None  # the assignment notifies the specialist
        found = Notification.objects.filter(user=self.cast.specialist_a).order_by("pk").first()
        assert found is not None
        return found

    # Agency B's rows: what a hidden id of A's form is swapped for.
    @cached_property
    def b_document(self) -> Document:
        incoming = self.delivery.incoming
        assert incoming is not None
        return incoming

    @cached_property
    def b_draft(self) -> Draft:
        data = outgoing_services.DraftInput(
            document_type_id=DocumentType.objects.get(code="cong_van").pk,
            subject="Dự thảo của xã",
            main=UploadPart("du-thao-xa.pdf", pdf_bytes(marker="b")),
        )
        return outgoing_services.draft_create(actor=self.actor(self.cast.clerk_b), data=data)

    @cached_property
    def b_unit(self) -> Unit:
        return Unit.objects.create(
            agency=self.cast.agency_b, name="Văn phòng xã", abbreviation="VP", code="VPX"
        )

    @cached_property
    def b_line(self) -> AssignmentLine:
        clerk_b = self.cast.clerk_b
        deadline = timezone.now() + timedelta(days=3)
        return person_line(self.cast, deadline, assigner=clerk_b, holder=clerk_b, agency=self.cast.agency_b)

    @cached_property
    def b_register(self) -> Register:
        return Register.objects.create(agency=self.cast.agency_b, year=2026, name="Sổ văn bản đến của xã")

    @cached_property
    def b_number(self) -> Any:
        return numbering.number_reserve(
            actor=self.actor(self.cast.clerk_b),
            agency=self.cast.agency_b,
            document_type=DocumentType.objects.get(code="cong_van"),
            reason="Giữ số",
        )

    @cached_property
    def key_reference(self) -> KeyReference:
        return KeyReference.objects.create(
            user=self.cast.specialist_a,
            module_path="/usr/lib/softhsm/libsofthsm2.so",
            token_label="a",
            key_label="k",
        )

    @cached_property
    def b_key_reference(self) -> KeyReference:
        return KeyReference.objects.create(
            user=self.cast.clerk_b,
            module_path="/usr/lib/softhsm/libsofthsm2.so",
            token_label="b",
            key_label="k",
        )

    @cached_property
    def reserved_number(self) -> Any:
        return numbering.number_reserve(
            actor=self.clerk,
            agency=self.cast.agency_a,
            document_type=DocumentType.objects.get(code="cong_van"),
            reason="Giữ số",
        )

    def b_row(self, hint: str) -> int | None:
        """Agency B's row of the kind a field's name (or its value's prefix, `person:12`) names."""
        for pattern, pick in _B_ROWS:
            if re.search(pattern, hint):
                return pick(self)
        return None


# The first pattern that matches the field's name or its value's prefix picks B's row.
_B_ROWS: tuple[tuple[str, Any], ...] = (
    (r"type|kind|role|year|series", lambda w: None),  # shared by every agency, or not a row
    (r"position|acting_as", lambda w: w.cast.position(w.cast.clerk_b).pk),
    (r"agency|organ", lambda w: w.cast.agency_b.pk),
    (r"unit|parent", lambda w: w.b_unit.pk),
    (r"draft", lambda w: w.b_draft.pk),
    (r"document|reply_to|replaces", lambda w: w.b_document.pk),
    (r"register", lambda w: w.b_register.pk),
    (r"line", lambda w: w.b_line.pk),
    (r"number", lambda w: w.b_number.pk),
    (r"reference", lambda w: w.b_key_reference.pk),
    (r"user|person|leader|delegate|signer|invitee|escalate|lead|(^|-)co$|info", lambda w: w.cast.clerk_b.pk),
)

# The row a path parameter names; where the parameter's name alone does not say (a line of the
# exchange's outbox or of the work engine), the route's prefix does.
_PATH_ROWS = {
    "document_id": "document",
    "job_id": "job",
    "rule_id": "routing_rule",
    "pk": "override",
    "token_id": "token",
    "axis_id": "axis",
    "peer_id": "peer",
    "receipt_id": "receipt",
    "notification_id": "notification",
    "draft_id": "draft",
    "round_id": "comment_round",
    "chain_id": "chain",
    "delivery_id": "delivery",
    "answer_id": "answer",
    "delegation_id": "delegation",
    "request_id": "extension",
    "line_id": "line",
    "item_id": "item",
}
_ROUTE_ROWS = {
    "exchange/": {"line_id": "outbox_line", "item_id": "quarantined"},
    "outgoing/deliveries/<int:delivery_id>/recall/": {"delivery_id": "recalled_delivery"},
    "outgoing/<int:draft_id>/update/": {"draft_id": "released_draft"},
}

# Pages whose forms depend on the stage of their row: each stage is a test of its own.
STAGES = {
    "documents/<int:document_id>/": ("document", "registered_document", "presented_document"),
    "outgoing/<int:draft_id>/": (
        "draft",
        "submitted_draft",
        "signing_draft",
        "numbered_draft",
        "released_draft",
    ),
    "work/items/<int:item_id>/": ("item", "busy_item"),
}
# Lists that show a form per row only when there is a row.
LIST_ROWS = {
    "": ("line",),
    "accounts/profile/": ("token",),
    "accounts/profile/two-factor/": ("enrolment",),
    "documents/": ("document",),
    "documents/routing-rules/": ("routing_rule",),
    "exchange/": ("outbox_line",),
    "exchange/axes/": ("axis",),
    "exchange/peers/": ("peer",),
    "exchange/quarantine/": ("quarantined",),
    "notifications/": ("notification",),
    "outgoing/chains/": ("chain",),
    "outgoing/registers/": ("reserved_number",),
    "people/delegations/": ("delegation",),
    "signing/credentials/": ("key_reference",),
    "work/": ("line", "busy_item"),
}


def path_value(world: World, route: str, name: str, stage: str | None) -> str:
    cast = world.cast
    fixed = {
        "code": cast.agency_a.code,
        "unit_id": cast.unit_a.pk,
        "user_id": cast.specialist_a.pk,
        "position_id": cast.position(cast.specialist_a).pk,
        "year": 2026,
        "day": "2026-11-26",
        "action": "complete",
        "state": "read",
        "slug": "so-theo-doi-giai-quyet",
    }
    if name in fixed:
        return str(fixed[name])
    rows = next((rows for prefix, rows in _ROUTE_ROWS.items() if route.startswith(prefix)), {})
    attribute = stage if stage and route in STAGES else rows.get(name, _PATH_ROWS.get(name))
    return str(getattr(world, attribute).pk) if attribute else "1"
