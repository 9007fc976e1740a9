"""The rows behind the phone crawl's pages: a handful of each kind, for agency A, built once through
the apps' own test factories and services so that lists and tables have rows to lay out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from eoffice.accounts import services as account_services
from eoffice.accounts.models import User
from eoffice.core.actor import Actor
from eoffice.documents import services as document_services
from eoffice.documents.models import Document, DocumentFile, ProcessingJob
from eoffice.documents.services import UploadPart
from eoffice.documents.tests.factories import confirmed_document
from eoffice.exchange import quarantine
from eoffice.exchange.axis.models import Axis
from eoffice.exchange.tests.test_ui_permissions import failed_line, quarantined, recall_receipt
from eoffice.notifications.models import Notification
from eoffice.outgoing import amend, comments, recall
from eoffice.outgoing.models import AmendmentAnswer
from eoffice.outgoing.tests import signkit
from eoffice.outgoing.tests.amend_cases import delivery_to, released
from eoffice.outgoing.tests.conftest import make_draft, pdf_bytes
from eoffice.oversight.views import REPORT_KINDS
from eoffice.people.services import delegations
from eoffice.reminders.tests.conftest import person_line
from eoffice.testing.cast import Cast, build_cast, make_user
from eoffice.work import services as work
from eoffice.workcalendar import services as calendar_services

# Long values as agencies write them, to find boxes that will not wrap: a subject with a long
# symbol in it, a file name with no space or hyphen to break it at, an e-mail address.
LONG_FILE = "Quyet_dinh_so_123_2026_QD_UBND_phe_duyet_ke_hoach_chuyen_doi_so_giai_doan_2026_2030.pdf"
LONG_EMAIL = "phamvanchuyenvien.phongtochucbienche@sonoivu.tinhthunghiem.gov.vn"
LONG_SUBJECT = (
    "Về việc triển khai thực hiện Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác "
    "văn thư và Kế hoạch số 123/KH-UBND-VPUBND-TTHCC-SNV-STTTT về chuyển đổi số năm 2026"
)


@dataclass
class World:
    """Candidate values for each path parameter; `by_prefix` overrides a name for one app's routes
    (a line or an item is an outbox line in the exchange, a work line elsewhere)."""

    cast: Cast
    # Has two-step sign-in on: the code page is shown to someone who has passed the password.
    signing_in: User
    values: dict[str, list[str]]
    by_prefix: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def candidates(self, route: str, name: str) -> list[str]:
        for prefix, values in self.by_prefix.items():
            if route.startswith(prefix) and name in values:
                return values[name]
        return self.values.get(name, ["1"])


def _actor(cast: Cast, user: Any) -> Actor:
    return Actor(user=user, position=cast.position(user))


def _ids(*rows: Any) -> list[str]:
    return [str(row.pk) for row in rows]


def _documents(cast: Cast) -> dict[str, list[str]]:
    clerk = _actor(cast, cast.clerk_a)
    waiting = confirmed_document(cast)
    # Reshaped after the upload: the factory names its file and subject itself.
    Document.objects.filter(pk=waiting.pk).update(subject=LONG_SUBJECT)
    DocumentFile.objects.filter(document=waiting).update(file_name=LONG_FILE)
    registered = confirmed_document(cast)
    document_services.document_register(actor=clerk, document=registered)
    presented = confirmed_document(cast)
    document_services.document_register(actor=clerk, document=presented)
    document_services.document_present(actor=clerk, document=presented, leader_id=cast.leader_a.pk)
    job = ProcessingJob.objects.filter(document=waiting).order_by("pk").first()
    assert job is not None
    return {"document_id": _ids(waiting, registered, presented), "job_id": _ids(job)}


def _long_file() -> UploadPart:
    return UploadPart(LONG_FILE, pdf_bytes(marker="phu-luc"))


def _outgoing(cast: Cast) -> dict[str, list[str]]:
    specialist, clerk = _actor(cast, cast.specialist_a), _actor(cast, cast.clerk_a)
    drafting = make_draft(cast, attachments=[_long_file()])
    sent = released(cast, cast.agency_b.pk, attachments=[_long_file()])
    amendment = amend.draft_update(
        actor=clerk,
        draft=sent,
        data=amend.UpdateInput(reason="Sai hạn trả lời", subject=LONG_SUBJECT, urgency="thuong"),
    )
    answer = AmendmentAnswer.objects.filter(amendment=amendment).order_by("pk").first()
    assert answer is not None
    recalled = released(cast, cast.agency_b.pk)
    recall.draft_recall(actor=clerk, draft=recalled, reason="Sai thể thức, ban hành lại")
    round_ = comments.comment_round_start(
        actor=specialist,
        draft=drafting,
        invitees=[comments.Invitee("person", cast.leader_a.pk), comments.Invitee("unit", cast.unit_a.pk)],
        deadline=timezone.now() + timedelta(days=2),
    )
    comments.comment_answer(
        actor=_actor(cast, cast.leader_a),
        comment_round=round_,
        verdict="disagree",
        text="Đề nghị bổ sung căn cứ pháp lý và số liệu biên chế năm 2025.",
        files=[_long_file()],
    )
    # After the drafts: with a chain in place, a draft is numbered only once approved.
    chain = signkit.chain(cast)
    return {
        "draft_id": _ids(drafting, sent),
        "delivery_id": _ids(delivery_to(sent, cast.agency_b.pk), delivery_to(recalled, cast.agency_b.pk)),
        "answer_id": _ids(answer),
        "round_id": _ids(round_),
        "chain_id": _ids(chain),
    }


def _work(cast: Cast) -> dict[str, list[str]]:
    soon = timezone.now() + timedelta(days=3)
    line = person_line(cast, soon, title=LONG_SUBJECT)
    urgent = person_line(cast, timezone.now() + timedelta(hours=20), urgency="khan")
    extension = work.extension_request(
        line=line,
        proposed_deadline=soon + timedelta(days=7),
        reason="Cần thêm thời gian lấy ý kiến các đơn vị",
        actor=_actor(cast, cast.specialist_a),
    )
    rule = work.routing_rule_create(
        agency=cast.agency_a,
        key="type:cong_van",
        unit_id=cast.unit_a.pk,
        role="lead",
        due_working_days=5,
        actor=_actor(cast, cast.clerk_a),
    )
    return {
        "line_id": _ids(line, urgent),
        "item_id": _ids(line.item, urgent.item),
        "request_id": _ids(extension),
        "rule_id": _ids(rule),
    }


def _exchange() -> dict[str, list[str]]:
    axis = Axis.objects.create(
        name="Trục liên thông văn bản quốc gia",
        style="vxp",
        base_url="http://127.0.0.1:18199",
        system_id="he-thong-a",
    )
    item = quarantined()
    # The raw package its page offers for download (the crawl follows the link).
    raw = quarantine.raw_file(item)
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_bytes(b"<edXMLEnvelope/>")
    return {"axis_id": _ids(axis), "item_id": _ids(item)}


def _people(cast: Cast) -> dict[str, list[str]]:
    delegation = delegations.delegation_create(
        actor=_actor(cast, cast.leader_a),
        position=cast.position(cast.leader_a),
        delegate=cast.unit_head_a,
        ends_at=timezone.now() + timedelta(days=5),
        reason="Đi công tác",
    )
    token, _secret = account_services.api_token_create(actor=_actor(cast, cast.clerk_a), name="Máy quét")
    override = calendar_services.override_create(
        actor=Actor(user=cast.superuser, position=None),
        day=date(2026, 3, 3),
        kind="day_off",
        reason="Nghỉ bù",
    )
    return {"delegation_id": _ids(delegation), "token_id": _ids(token), "pk": _ids(override)}


def _two_factor(cast: Cast) -> User:
    # unit_head_a has started enrolling (the page with the QR code); a second user has finished.
    account_services.totp_enrolment_start(actor=_actor(cast, cast.unit_head_a))
    user = make_user("haibuoc", "Ngô Thị Hai Bước")
    TOTPDevice.objects.create(user=user, name="eOffice", confirmed=True)
    return user


def build_world() -> World:
    cast = build_cast()
    # An address as long as some agencies' are, on the person whose admin page is crawled.
    User.objects.filter(pk=cast.specialist_a.pk).update(email=LONG_EMAIL)
    values: dict[str, list[str]] = {
        "code": [cast.agency_a.code],
        "unit_id": _ids(cast.unit_a),
        "user_id": _ids(cast.specialist_a),
        "position_id": _ids(cast.position(cast.specialist_a)),
        "slug": [*REPORT_KINDS, "so-theo-doi-giai-quyet"],
        "state": ["read"],
        "action": ["complete"],
    }
    # The exchange's line is numbered before _outgoing sets up an approval chain.
    line = failed_line(cast)
    exchange = _exchange() | {
        "line_id": _ids(line),
        "peer_id": _ids(line.peer),
        "receipt_id": _ids(recall_receipt(cast)),
    }
    values |= _documents(cast) | _work(cast) | _people(cast) | _outgoing(cast)
    notices = Notification.objects.filter(user__in=[cast.specialist_a, cast.leader_a]).order_by("pk")
    values["notification_id"] = _ids(*notices[:1])
    return World(cast, _two_factor(cast), values, by_prefix={"exchange/": exchange})
