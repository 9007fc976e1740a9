"""The axis poller against `manage.py axis_server`: malformed and refused packages, duplicates, a
crash between storing and acknowledging, two pollers at once, the command and the scheduled job.

Packages are put on the axis as a sender would (or, for bytes the axis itself would refuse, through
the development server's `/_dev/packages`); the poller is the receiving agency B's account.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import requests
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection
from django.utils import timezone, translation

from eoffice.core.actor import Actor
from eoffice.core.models import AuditEvent
from eoffice.documents.models import Direction, Document
from eoffice.exchange import edxml, worker
from eoffice.exchange.axis import (
    AxisAccount,
    AxisStyle,
    MessageType,
    TransportStatus,
    adapter_for,
    polling,
    tasks,
)
from eoffice.exchange.axis.services import adapter_of, axis_save
from eoffice.exchange.axis.testing import axis_server_process, inject_package
from eoffice.exchange.models import Axis, MessageKind, OutboxLine, QuarantinedPackage, Receipt
from eoffice.exchange.testing.samples import SignedSample, install_trust, signed_pdf, tampered
from eoffice.outgoing.tests.conftest import login, pdf_bytes
from eoffice.testing.cast import Cast
from eoffice.testing.locks import retry_locked

pytestmark = pytest.mark.django_db

A, B = "000.00.01.H99", "000.01.00.H99"
SENDER = {"id": "vxp.saas.02", "secret": "Sender-secret-0123456789abcd"}
RECEIVER = {"id": "vxp.saas.03", "secret": "Receiver-secret-0123456789ab"}
CONFIG = {
    "systems": [SENDER | {"agencies": [A]}, RECEIVER | {"agencies": [B]}],
    "agencies": [{"code": A, "name": "Sở Nội vụ"}, {"code": B, "name": "Ủy ban nhân dân xã Đồng Tâm"}],
}
SAMPLES = Path(__file__).parent / "edxml_data" / "samples"
SYSTEM = Actor.system("test")


@pytest.fixture(scope="module")
def axis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("axis-poll")
    with axis_server_process(
        folder, CONFIG, ports=range(18366, 18399), extra_args=("--allow-faults",)
    ) as url:
        yield url


@pytest.fixture(scope="module")
def sample() -> SignedSample:
    return signed_pdf(80_000)


def adapter(url: str, system: dict[str, str]) -> Any:
    return adapter_for(
        AxisAccount(style=AxisStyle.VXP, base_url=url, system_id=system["id"], secret=system["secret"])
    )


@pytest.fixture
def theirs(axis_url: str) -> Axis:
    """B's account on a clean axis (what earlier tests left is acknowledged first)."""
    for system in (SENDER, RECEIVER):
        client = adapter(axis_url, system)
        for message_type in MessageType:
            for item in client.pending(message_type=message_type):
                client.acknowledge(item.doc_id, TransportStatus.DONE)
    values = {"name": "Trục quốc gia", "style": "vxp", "base_url": axis_url, "system_id": RECEIVER["id"]}
    return axis_save(actor=SYSTEM, values=values | {"secret": RECEIVER["secret"]})


def edoc(pdf: bytes, *, number: str = "15", name: str = "cong-van.pdf", replaces: str = "") -> bytes:
    """A new document from A to B, or with `replaces` (a DocumentId B has) the document replacing it."""
    key = f"{A},2026/11/20,{number}/SNV-VP"
    attachment = edxml.Attachment(
        data=pdf,
        size=len(pdf),
        sha256=edxml.Payload.from_bytes(pdf).sha256,
        content_id="1",
        attachment_name=name,
        content_type="application/pdf",
    )
    package = edxml.EdocPackage(
        header=edxml.MessageHeader(
            from_=edxml.Organization(organ_id=A, organ_name="Sở Nội vụ"),
            to=[edxml.Organization(organ_id=B, organ_name="Ủy ban nhân dân xã Đồng Tâm")],
            code=edxml.Code(code_number=number, code_notation="SNV-VP"),
            promulgation_info=edxml.PromulgationInfo(
                place="Hà Giang", promulgation_date=dt.date(2026, 11, 20)
            ),
            document_type=edxml.DocumentType(type="1", type_name="Công văn"),
            subject="Về việc kiểm tra công tác văn thư",
            document_id=key,
        ),
        bussiness=edxml.Bussiness(
            bussiness_doc_type=edxml.BussinessDocType.REPLACE if replaces else edxml.BussinessDocType.NEW,
            document_id=key,
            bussiness_doc_reason="Văn bản thay thế" if replaces else "Văn bản điện tử mới",
            replacement_info_list=(
                [edxml.ReplacementInfo(document_id=replaces, organ_id_list=[B])] if replaces else []
            ),
        ),
        manifest=[
            edxml.ManifestReference(content_id="1", content_type="application/pdf", attachment_name=name)
        ],
        attachments=[attachment],
    )
    return edxml.build_edoc(package)


def send(url: str, data: bytes) -> str:
    """As agency A's installation would: through the axis's own checks."""
    return str(adapter(url, SENDER).send(data, sender=A, message_type=MessageType.EDOC))


def transport_statuses(url: str) -> dict[str, str]:
    return {r.sender_doc_id: r.receive_status for r in adapter(url, SENDER).sent_reports()}


def test_the_malformed_samples_are_quarantined_and_acknowledged_fail(axis_url: str, theirs: Axis) -> None:
    ids = {
        name: inject_package(
            axis_url, (SAMPLES / name).read_bytes(), sender=A, receivers=[B], system=SENDER["id"]
        )
        for name in ("edoc.edxml", "edoc_new.edxml")
    }
    summary = polling.axis_poll(actor=SYSTEM, axis=theirs)
    assert (summary.listed, summary.quarantined, summary.stored, summary.answered) == (2, 2, 0, 0)
    assert summary.errors == []
    items = {q.sha256: q for q in QuarantinedPackage.objects.all()}
    assert len(items) == 2 and {q.via for q in items.values()} == {"axis"}
    assert {q.code for q in items.values()} == {"malformed_xml"}
    details = " ".join(q.detail for q in items.values())
    assert "1212" in details and "xlink" in details  # the precise reasons of the samples' README
    assert not Document.objects.filter(direction=Direction.INCOMING).exists()
    assert not OutboxLine.objects.exists()  # not edXML: nobody to answer 02 to
    statuses = transport_statuses(axis_url)
    assert [statuses[ids[n]] for n in ids] == ["fail", "fail"]
    assert polling.axis_poll(actor=SYSTEM, axis=theirs).listed == 0


def test_a_signed_document_shows_its_signature_a_tampered_one_is_answered_02(
    axis_url: str, theirs: Axis, cast: Cast, sample: SignedSample, settings: Any, tmp_path: Path
) -> None:
    install_trust(tmp_path, sample.ca_pem)
    settings.EOFFICE_TRUST_STORE = str(tmp_path / "trust")
    good = send(axis_url, edoc(sample.pdf, number="15"))
    bad = send(axis_url, edoc(tampered(sample.pdf), number="16"))
    # Polled from an English page ("poll now"): the 02 still goes to the sender in Vietnamese.
    with translation.override("en"):
        summary = polling.axis_poll(actor=SYSTEM, axis=theirs)
    assert (summary.stored, summary.quarantined, summary.answered, summary.errors) == (1, 1, 1, [])
    statuses = transport_statuses(axis_url)
    assert (statuses[good], statuses[bad]) == ("done", "fail")

    receipt = Receipt.objects.get()
    assert receipt.document is not None and receipt.document.number_symbol == "15/SNV-VP"
    [report] = receipt.signatures
    assert report["file"] == "cong-van.pdf"
    assert (report["signatures"][0]["valid"], report["signatures"][0]["trusted"]) == (True, True)
    page = login(cast.clerk_b).get(f"/exchange/receipts/{receipt.pk}/").content.decode()
    assert report["signatures"][0]["summary"] in page and "Trục quốc gia" in page

    item = QuarantinedPackage.objects.get()
    assert (item.code, item.document_key, item.via) == (
        "pdf_signature_invalid",
        f"{A},2026/11/20,16/SNV-VP",
        "axis",
    )
    answer = OutboxLine.objects.get(kind=MessageKind.STATUS, status_code="02")
    assert (answer.sender, answer.receiver, answer.document_key) == (
        cast.agency_b,
        cast.agency_a,
        item.document_key,
    )
    assert worker.drain() == 2  # the stored one's 01 and the refused one's 02, both through B's account
    packages = {}
    for pending in adapter(axis_url, SENDER).pending(message_type=MessageType.STATUS):
        status = edxml.parse(adapter(axis_url, SENDER).fetch(pending.doc_id))
        assert isinstance(status, edxml.StatusPackage) and status.from_.organ_id == B
        packages[status.status_code] = status
    assert packages["01"].response_for.document_id == f"{A},2026/11/20,15/SNV-VP"
    assert packages["02"].response_for.document_id == item.document_key
    assert "Chữ ký số trên tệp «cong-van.pdf» không hợp lệ" in packages["02"].description


def test_a_refused_replacement_is_answered_02_like_a_refused_new_document(
    axis_url: str, theirs: Axis, cast: Cast, sample: SignedSample, settings: Any, tmp_path: Path
) -> None:
    install_trust(tmp_path, sample.ca_pem)
    settings.EOFFICE_TRUST_STORE = str(tmp_path / "trust")
    send(axis_url, edoc(sample.pdf, number="21"))
    assert polling.axis_poll(actor=SYSTEM, axis=theirs).stored == 1
    original = f"{A},2026/11/20,21/SNV-VP"
    replacing = send(axis_url, edoc(tampered(sample.pdf), number="22", replaces=original))
    summary = polling.axis_poll(actor=SYSTEM, axis=theirs)
    assert (summary.stored, summary.quarantined, summary.answered, summary.errors) == (0, 1, 1, [])
    assert transport_statuses(axis_url)[replacing] == "fail"
    answer = OutboxLine.objects.get(kind=MessageKind.STATUS, status_code="02")
    assert (answer.sender, answer.receiver, answer.document_key) == (
        cast.agency_b,
        cast.agency_a,
        f"{A},2026/11/20,22/SNV-VP",
    )
    # The copy it was to replace stays as it was.
    kept = Receipt.objects.get().document
    assert kept is not None and kept.subject == "Về việc kiểm tra công tác văn thư"


def test_a_duplicate_delivery_is_stored_once_and_both_acknowledged(
    axis_url: str, theirs: Axis, cast: Cast
) -> None:
    data = edoc(pdf_bytes(marker="dup"))
    first, second = send(axis_url, data), send(axis_url, data)
    summary = polling.axis_poll(actor=SYSTEM, axis=theirs)
    assert (summary.listed, summary.stored, summary.duplicates, summary.quarantined) == (2, 1, 1, 0)
    assert Document.objects.filter(direction=Direction.INCOMING).count() == 1
    assert OutboxLine.objects.filter(kind=MessageKind.STATUS, status_code="01").count() == 1
    statuses = transport_statuses(axis_url)
    assert (statuses[first], statuses[second]) == ("done", "done")


def test_an_answer_garbled_on_the_way_is_fetched_again_at_the_next_poll(
    axis_url: str, theirs: Axis, cast: Cast
) -> None:
    send(axis_url, edoc(pdf_bytes(marker="garbled")))
    fault: dict[str, Any] = {"corrupt_next": 1, "path": "getEdoc"}
    requests.post(f"{axis_url}/_dev/faults", json=fault, timeout=10).raise_for_status()
    # A byte of the package's base64 changed on the way: not stored, not acknowledged, no 02.
    summary = polling.axis_poll(actor=SYSTEM, axis=theirs)
    assert (summary.listed, summary.stored, summary.quarantined) == (1, 0, 0)
    assert "không đúng định dạng" in summary.errors[0] and "axis_bad_response" in summary.errors[0]
    assert Document.objects.filter(direction=Direction.INCOMING).count() == 0
    summary = polling.axis_poll(actor=SYSTEM, axis=theirs)
    assert (summary.stored, summary.errors) == (1, [])
    assert Document.objects.filter(direction=Direction.INCOMING).count() == 1


def receive_once(axis: Axis, item: Any, client: Any, summary: polling.PollSummary) -> str:
    """What a poller does with one package up to, not including, its acknowledgement."""
    raw = client.fetch_file(item.doc_id)
    try:
        return polling.receive(axis, item, raw, summary)
    finally:
        raw.unlink()


def test_a_crash_between_storing_and_acknowledging_is_absorbed(
    axis_url: str, theirs: Axis, cast: Cast
) -> None:
    send(axis_url, edoc(pdf_bytes(marker="crash")))
    client = adapter_of(theirs)
    [item] = client.pending(message_type=MessageType.EDOC)
    # The first poller stores the package and dies before its acknowledgement reaches the axis.
    before = polling.PollSummary(axis=theirs.name)
    assert receive_once(theirs, item, client, before) == "done"
    assert before.stored == 1 and [p.doc_id for p in client.pending(message_type=MessageType.EDOC)] == [
        item.doc_id
    ]
    # The next poll gets it again: a duplicate, acknowledged this time; nothing is stored twice.
    summary = polling.axis_poll(actor=SYSTEM, axis=theirs)
    assert (summary.stored, summary.duplicates, summary.errors) == (0, 1, [])
    assert client.pending(message_type=MessageType.EDOC) == []
    assert Receipt.objects.count() == 1 and OutboxLine.objects.filter(status_code="01").count() == 1


def test_a_refusal_whose_fail_was_lost_is_not_quarantined_twice(axis_url: str, theirs: Axis) -> None:
    inject_package(axis_url, (SAMPLES / "edoc_new.edxml").read_bytes(), sender=A, receivers=[B])
    client = adapter_of(theirs)
    [item] = client.pending(message_type=MessageType.EDOC)
    assert receive_once(theirs, item, client, polling.PollSummary(axis="")) == "fail"
    summary = polling.axis_poll(actor=SYSTEM, axis=theirs)
    assert (summary.quarantined, summary.errors) == (1, [])
    assert QuarantinedPackage.objects.count() == 1 and client.pending(message_type=MessageType.EDOC) == []


def test_interleaved_pollers_store_each_package_once(axis_url: str, theirs: Axis, cast: Cast) -> None:
    for number in ("21", "22"):
        send(axis_url, edoc(pdf_bytes(marker=number), number=number))
    one, two = adapter_of(theirs), adapter_of(theirs)
    first, second = one.pending(message_type=MessageType.EDOC), two.pending(message_type=MessageType.EDOC)
    assert [i.doc_id for i in first] == [i.doc_id for i in second] and len(first) == 2
    summaries = polling.PollSummary(axis="1"), polling.PollSummary(axis="2")
    for a, b in zip(first, second, strict=True):
        polling.take(theirs, one, a, summaries[0])
        polling.take(theirs, two, b, summaries[1])
    assert (summaries[0].stored, summaries[1].duplicates) == (2, 2)
    assert summaries[0].errors == summaries[1].errors == []
    assert Receipt.objects.count() == 2 and one.pending(message_type=MessageType.EDOC) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_pollers_at_once_store_each_package_once(axis_url: str, theirs: Axis, cast: Cast) -> None:
    for number in ("31", "32", "33"):
        send(axis_url, edoc(pdf_bytes(marker=number), number=number))
    start = threading.Barrier(2)
    failures: list[str] = []

    def poll() -> None:
        try:
            start.wait(timeout=30)
            retry_locked(lambda: polling.axis_poll(actor=SYSTEM, axis=theirs))
        except Exception as exc:  # pragma: no cover - shown by the assertion
            failures.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == []
    # What a poller could not finish (SQLite's whole-database lock) is still pending: the next poll.
    polling.axis_poll(actor=SYSTEM, axis=theirs)
    keys = sorted(Receipt.objects.values_list("document_key", flat=True))
    assert keys == [f"{A},2026/11/20,{n}/SNV-VP" for n in ("31", "32", "33")]
    assert Document.objects.filter(direction=Direction.INCOMING).count() == 3
    assert OutboxLine.objects.filter(status_code="01").count() == 3
    assert adapter_of(theirs).pending(message_type=MessageType.EDOC) == []


def test_manage_py_axis_poll_prints_a_summary(axis_url: str, theirs: Axis, cast: Cast) -> None:
    send(axis_url, edoc(pdf_bytes(marker="cmd")))
    inject_package(axis_url, (SAMPLES / "edoc.edxml").read_bytes(), sender=A, receivers=[B])
    out = StringIO()
    call_command("axis_poll", "--axis", "Trục quốc gia", stdout=out)
    assert "Trục quốc gia: listed 2, stored 1, statuses 0, duplicates 0, quarantined 1" in out.getvalue()
    with pytest.raises(CommandError, match="no axis named"):
        call_command("axis_poll", "--axis", "Không có")
    axis_save(actor=SYSTEM, axis=theirs, values={"base_url": "http://127.0.0.1:18399"})
    errors = StringIO()
    with pytest.raises(CommandError, match="tried again at the next poll"):
        call_command("axis_poll", stdout=StringIO(), stderr=errors)
    assert "Không kết nối được tới trục liên thông" in errors.getvalue()


def test_an_unreachable_axis_is_reported_once_not_every_minute(theirs: Axis) -> None:
    axis_save(actor=SYSTEM, axis=theirs, values={"base_url": "http://127.0.0.1:18399"})
    for _ in range(3):
        summary = polling.axis_poll(actor=Actor.system("axis-poller"), axis=theirs)
        assert len(summary.errors) == 2 and "axis_unreachable" in summary.errors[0]
    theirs.refresh_from_db()
    assert "Không kết nối được" in theirs.last_poll_error and theirs.last_polled_at is not None
    assert AuditEvent.objects.filter(verb="exchange.axis_polled").count() == 1


def test_the_scheduled_job_polls_each_active_axis_once_per_period(
    axis_url: str, theirs: Axis, cast: Cast, settings: Any
) -> None:
    settings.EXCHANGE_AXIS_POLL_MINUTES = 5
    idle = axis_save(
        actor=SYSTEM,
        values={"name": "Tắt", "style": "lgsp", "base_url": "http://127.0.0.1:18399", "system_id": "x"}
        | {"secret": "y", "is_active": False},
    )
    send(axis_url, edoc(pdf_bytes(marker="job1"), number="41"))
    tasks.poll_axes.call_local()
    theirs.refresh_from_db()
    assert Receipt.objects.count() == 1 and theirs.poll_lease_until is None
    polled_at = theirs.last_polled_at
    assert polled_at is not None and Axis.objects.get(pk=idle.pk).last_polled_at is None
    send(axis_url, edoc(pdf_bytes(marker="job2"), number="42"))
    tasks.poll_axes.call_local()  # polled less than five minutes ago: not due
    assert Receipt.objects.count() == 1
    # Another worker holds the lease: still not polled, even when due.
    Axis.objects.filter(pk=theirs.pk).update(
        last_polled_at=polled_at - dt.timedelta(minutes=5),
        poll_lease_until=timezone.now() + dt.timedelta(minutes=1),
    )
    tasks.poll_axes.call_local()
    assert Receipt.objects.count() == 1
    # The lease of a worker killed mid-poll runs out.
    Axis.objects.filter(pk=theirs.pk).update(poll_lease_until=timezone.now() - dt.timedelta(seconds=1))
    tasks.poll_axes.call_local()
    assert Receipt.objects.count() == 2
