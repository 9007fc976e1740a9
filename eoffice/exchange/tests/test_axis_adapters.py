"""The VXP and LGSP adapters against `manage.py axis_server`, over real HTTP in a subprocess."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
import requests

from eoffice.exchange.axis import (
    AxisAccount,
    AxisAdapter,
    AxisAgency,
    AxisStyle,
    MessageType,
    TransportStatus,
    adapter_for,
)
from eoffice.exchange.axis import errors as axis_errors
from eoffice.exchange.axis.lgsp import LgspAdapter
from eoffice.exchange.axis.testing import axis_server_process, edoc_package, polled, status_package
from eoffice.exchange.axis.vxp import VxpAdapter
from eoffice.exchange.edxml import build_edoc, build_status, parse
from eoffice.exchange.tests import edxml_factories as factories

A = "000.00.01.H47"  # hosted by system S1
B = "000.00.02.H22"  # hosted by system S2
LOCKED = "000.00.03.H47"  # S2, locked on the axis
ORPHAN = "000.00.04.H47"  # listed, registered by nobody
S1 = {
    "id": "vxp.saas.02",
    "secret": "A7TKG/r2gOKTEpe1MhWx6zw8O4Jf",
    "consumer_key": "ck-one",
    "consumer_secret": "cs-one",
}
S2 = {"id": "vxp.saas.03", "secret": "secret-two", "consumer_key": "ck-two", "consumer_secret": "cs-two"}
CONFIG = {
    "systems": [
        S1 | {"agencies": [A, factories.SENDER.organ_id]},
        S2 | {"agencies": [B, LOCKED, factories.RECEIVER.organ_id]},
    ],
    "agencies": [
        {"code": A, "name": "Sở Nội vụ tỉnh Quảng Nam", "code_qd20": "G47.001", "mail": "snv@example.vn"},
        {"code": B, "name": "UBND tỉnh Hà Giang", "pcode": ""},
        {"code": LOCKED, "name": "Đơn vị đã khóa", "locked": True},
        {"code": ORPHAN, "name": "Đơn vị chưa đăng ký"},
        {"code": factories.SENDER.organ_id, "name": factories.SENDER.organ_name},
        {"code": factories.RECEIVER.organ_id, "name": factories.RECEIVER.organ_name},
    ],
    "province_path": "qn",
    "province_code": "H47",
}


@pytest.fixture(scope="module")
def axis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    args = ("--allow-faults", "--max-bytes", str(MAX_BYTES))
    with axis_server_process(tmp_path_factory.mktemp("axis"), CONFIG, extra_args=args) as url:
        yield url


def account(style: AxisStyle, url: str, system: dict[str, str], **changes: object) -> AxisAccount:
    base = AxisAccount(
        style=style,
        base_url=url,
        system_id=system["id"],
        secret=system["secret"],
        consumer_key=system["consumer_key"],
        consumer_secret=system["consumer_secret"],
        max_retries=0,
        timeout=10,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make(style: AxisStyle, url: str, system: dict[str, str], **changes: object) -> AxisAdapter:
    return adapter_for(account(style, url, system, **changes), sleep=Sleeps())


def drain(adapter: AxisAdapter) -> None:
    for message_type in MessageType:
        for item in adapter.pending(message_type=message_type):
            adapter.acknowledge(item.doc_id, TransportStatus.DONE)


def sleeps(adapter: AxisAdapter) -> Sleeps:
    return cast(Sleeps, adapter._sleep)


def dev(url: str, action: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = requests.post(f"{url}/_dev/{action}", json=body or {}, timeout=10)
    response.raise_for_status()
    return response.json()


MAX_BYTES = 64 * 1024
STYLES = [AxisStyle.VXP, AxisStyle.LGSP]


@pytest.mark.parametrize("style", STYLES)
def test_poll_hands_out_each_package_as_a_file_it_deletes_when_the_loop_moves_on(
    axis_url: str, style: AxisStyle, tmp_path: Path
) -> None:
    sender, receiver = make(style, axis_url, S1), make(style, axis_url, S2, spool_dir=str(tmp_path))
    drain(receiver)
    packages = [edoc_package(sender=A, receivers=[B], subject=f"Công văn {n} về việc thử") for n in range(2)]
    for package in packages:
        sender.send(package, sender=A, message_type=MessageType.EDOC)
    seen: list[Path] = []
    for item, path in receiver.poll(message_type=MessageType.EDOC):
        assert path.parent == tmp_path and path.read_bytes() == packages[len(seen)]
        assert [p for p in seen if p.exists()] == []  # the previous one is gone already
        seen.append(path)
        receiver.acknowledge(item.doc_id, TransportStatus.DONE)
    assert len(seen) == 2 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("style", STYLES)
def test_send_receive_acknowledge(axis_url: str, style: AxisStyle) -> None:
    sender, receiver = make(style, axis_url, S1), make(style, axis_url, S2)
    drain(receiver)
    package = edoc_package(sender=A, receivers=[B], subject=f"Công văn {style} về việc thử trục")
    doc_id = sender.send(package, sender=A, message_type=MessageType.EDOC)
    assert doc_id

    pending = receiver.pending(message_type=MessageType.EDOC)
    assert [(p.sender, p.receiver, p.message_type) for p in pending] == [(A, B, MessageType.EDOC)]
    assert sender.pending(message_type=MessageType.EDOC) == []  # nobody reads others' mail
    [(item, fetched)] = polled(receiver, MessageType.EDOC)
    assert fetched == package

    receiver.acknowledge(item.doc_id, TransportStatus.DONE)
    assert receiver.pending(message_type=MessageType.EDOC) == []
    with pytest.raises(axis_errors.AxisNotFound) as caught:
        sender.fetch(item.doc_id)
    assert caught.value.code == "axis_not_found"


@pytest.mark.parametrize("style", STYLES)
def test_failed_package_is_acknowledged_fail_and_leaves_the_queue(axis_url: str, style: AxisStyle) -> None:
    sender, receiver = make(style, axis_url, S1), make(style, axis_url, S2)
    drain(receiver)
    sender.send(edoc_package(sender=A, receivers=[B]), sender=A, message_type=MessageType.EDOC)
    [item] = receiver.pending(message_type=MessageType.EDOC)
    receiver.acknowledge(item.doc_id, TransportStatus.PROCESSING)
    assert [p.doc_id for p in receiver.pending(message_type=MessageType.EDOC)] == [item.doc_id]
    receiver.acknowledge(item.doc_id, TransportStatus.FAIL)
    assert receiver.pending(message_type=MessageType.EDOC) == []


@pytest.mark.parametrize("style", STYLES)
def test_status_packages_travel_back_to_the_original_sender(axis_url: str, style: AxisStyle) -> None:
    sender, receiver = make(style, axis_url, S1), make(style, axis_url, S2)
    drain(sender)
    status = status_package(sender=B, original_sender=A, code="03")
    receiver.send(status, sender=B, message_type=MessageType.STATUS)
    assert sender.pending(message_type=MessageType.EDOC) == []
    [(item, fetched)] = polled(sender, MessageType.STATUS)
    assert (item.sender, item.receiver, item.message_type, fetched) == (B, A, MessageType.STATUS, status)
    sender.acknowledge(item.doc_id, TransportStatus.DONE)


@pytest.mark.parametrize("style", STYLES)
def test_codec_packages_travel_unchanged(axis_url: str, style: AxisStyle) -> None:
    """The codec's canonical edoc (with a PDF) and its status answer, routed by their organ ids."""
    sender, receiver = make(style, axis_url, S1), make(style, axis_url, S2)
    drain(sender)
    drain(receiver)
    edoc = factories.edoc(("cong-van.pdf", b"%PDF-1.7 thu nghiem", "application/pdf"))
    sender.send(build_edoc(edoc), sender=factories.SENDER.organ_id, message_type=MessageType.EDOC)
    [(item, fetched)] = polled(receiver, MessageType.EDOC)
    assert item.receiver == factories.RECEIVER.organ_id
    assert parse(fetched) == parse(build_edoc(edoc))
    receiver.acknowledge(item.doc_id, TransportStatus.DONE)

    answer = build_status(factories.status("03"))
    receiver.send(answer, sender=factories.RECEIVER.organ_id, message_type=MessageType.STATUS)
    [(item, fetched)] = polled(sender, MessageType.STATUS)
    assert (item.receiver, fetched) == (factories.SENDER.organ_id, answer)
    sender.acknowledge(item.doc_id, TransportStatus.DONE)


def test_vxp_sent_report_follows_the_receivers_transport_status(axis_url: str) -> None:
    sender, receiver = make(AxisStyle.VXP, axis_url, S1), make(AxisStyle.VXP, axis_url, S2)
    drain(receiver)
    doc_id = sender.send(edoc_package(sender=A, receivers=[B]), sender=A, message_type=MessageType.EDOC)
    [item] = receiver.pending(message_type=MessageType.EDOC)
    receiver.acknowledge(item.doc_id, TransportStatus.DONE)
    [report] = [r for r in sender.sent_reports() if r.sender_doc_id == doc_id]
    assert (report.receiver, report.receiver_doc_id, report.receive_status) == (B, item.doc_id, "done")


@pytest.mark.parametrize("style", STYLES)
def test_explicit_receivers_override_the_package(axis_url: str, style: AxisStyle) -> None:
    sender, receiver = make(style, axis_url, S1), make(style, axis_url, S2)
    drain(receiver)
    sender.send(
        edoc_package(sender=A, receivers=[ORPHAN]), sender=A, message_type=MessageType.EDOC, receivers=[B]
    )
    assert [p.receiver for p in receiver.pending(message_type=MessageType.EDOC)] == [B]
    drain(receiver)


# -- directory ---------------------------------------------------------------------------------------
def test_vxp_directory_joins_the_qd20_codes(axis_url: str) -> None:
    agencies = {a.code: a for a in make(AxisStyle.VXP, axis_url, S1).agencies()}
    assert {A, B, LOCKED, ORPHAN} <= set(agencies)
    assert agencies[A].name == "Sở Nội vụ tỉnh Quảng Nam"
    assert (agencies[A].code_qd20, agencies[A].email) == ("G47.001", "snv@example.vn")
    assert agencies[B].code_qd20 == ""


def test_lgsp_national_and_provincial_directories(axis_url: str) -> None:
    adapter = make(AxisStyle.LGSP, axis_url, S1)
    national = {a.code for a in adapter.agencies()}
    assert isinstance(adapter, LgspAdapter)
    provincial = {a.code for a in adapter.agencies(provincial=True)}
    assert {A, B} <= national
    assert A in provincial and B not in provincial


@pytest.mark.parametrize("style", STYLES)
def test_register_and_unregister_an_agency(axis_url: str, style: AxisStyle) -> None:
    adapter = make(style, axis_url, S1)
    code = "001.00.10.H47" if style == AxisStyle.VXP else "002.00.10.H47"
    new = AxisAgency(code=code, name="UBND Huyện Duy Xuyên", parent_code=A, email="dx@example.vn")
    adapter.register_agency(new)
    listed = {a.code: a for a in adapter.agencies()}
    assert listed[code].parent_code == A and listed[code].name == "UBND Huyện Duy Xuyên"
    # Registered means reachable: another system can now send to it.
    make(style, axis_url, S2).send(
        edoc_package(sender=B, receivers=[code]), sender=B, message_type=MessageType.EDOC
    )
    assert [p.receiver for p in adapter.pending(message_type=MessageType.EDOC)] == [code]
    drain(adapter)
    with pytest.raises(axis_errors.AxisDirectoryError):
        make(style, axis_url, S2).unregister_agency(code)  # not theirs
    adapter.unregister_agency(code)
    assert code not in {a.code for a in adapter.agencies()}


# -- errors ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("style", STYLES)
def test_unknown_receiver(axis_url: str, style: AxisStyle) -> None:
    adapter = make(style, axis_url, S1)
    for receiver in ("999.99.99.H99", ORPHAN):
        with pytest.raises(axis_errors.AxisDirectoryError) as caught:
            adapter.send(
                edoc_package(sender=A, receivers=[receiver]), sender=A, message_type=MessageType.EDOC
            )
        assert caught.value.code == "axis_unknown_receiver"
        assert not caught.value.retryable
        assert "Đơn vị nhận" in caught.value.message


@pytest.mark.parametrize("style", STYLES)
def test_locked_receiver_and_foreign_sender(axis_url: str, style: AxisStyle) -> None:
    adapter = make(style, axis_url, S1)
    with pytest.raises(axis_errors.AxisDirectoryError) as caught:
        adapter.send(edoc_package(sender=A, receivers=[LOCKED]), sender=A, message_type=MessageType.EDOC)
    assert caught.value.code == "axis_receiver_locked"
    with pytest.raises(axis_errors.AxisDirectoryError) as caught:
        adapter.send(edoc_package(sender=B, receivers=[A]), sender=B, message_type=MessageType.EDOC)
    assert caught.value.code == "axis_sender_not_registered"
    with pytest.raises(axis_errors.AxisDirectoryError) as caught:  # `from` must match the package
        adapter.send(edoc_package(sender=B, receivers=[A]), sender=A, message_type=MessageType.EDOC)
    assert caught.value.code == "axis_sender_not_registered"


@pytest.mark.parametrize("style", STYLES)
def test_rejected_packages(axis_url: str, style: AxisStyle) -> None:
    adapter = make(style, axis_url, S1)
    with pytest.raises(axis_errors.AxisPackageRejected) as caught:
        adapter.send(b"%PDF-1.7 not xml", sender=A, message_type=MessageType.EDOC)
    assert caught.value.code == "axis_invalid_file"
    wrong_ns = edoc_package(sender=A, receivers=[B]).replace(b"QCVN_102_2016", b"eDoc")
    with pytest.raises(axis_errors.AxisPackageRejected) as caught:
        adapter.send(wrong_ns, sender=A, message_type=MessageType.EDOC)
    assert caught.value.code == "axis_edxml_invalid"
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    with pytest.raises(axis_errors.AxisPackageRejected):
        adapter.send(hostile, sender=A, message_type=MessageType.EDOC)


@pytest.mark.parametrize("style", STYLES)
def test_not_found(axis_url: str, style: AxisStyle) -> None:
    adapter = make(style, axis_url, S2)
    with pytest.raises(axis_errors.AxisNotFound) as caught:
        adapter.fetch("00000000-0000-0000-0000-000000000000")
    assert caught.value.code == "axis_not_found" and caught.value.status == 404
    with pytest.raises(axis_errors.AxisNotFound):
        adapter.acknowledge("00000000-0000-0000-0000-000000000000", TransportStatus.DONE)


def test_vxp_wrong_secret_is_a_bad_signature_and_is_not_retried(axis_url: str) -> None:
    dev(axis_url, "reset-stats")
    adapter = make(AxisStyle.VXP, axis_url, S1, secret="not-the-secret", max_retries=3)
    with pytest.raises(axis_errors.AxisAuthError) as caught:
        adapter.pending(message_type=MessageType.EDOC)
    assert (caught.value.code, caught.value.remote_code, caught.value.retryable) == (
        "axis_bad_signature",
        "1",
        False,
    )
    assert dev(axis_url, "stats")["requests"] == {"/getReceivedEdocList": 1}
    assert sleeps(adapter) == []


def test_vxp_unknown_system(axis_url: str) -> None:
    with pytest.raises(axis_errors.AxisAuthError) as caught:
        make(AxisStyle.VXP, axis_url, S1, system_id="vxp.saas.99").pending(message_type=MessageType.EDOC)
    assert caught.value.code == "axis_bad_credentials"


def test_vxp_expired_timestamp(axis_url: str) -> None:
    adapter = make(AxisStyle.VXP, axis_url, S1)
    assert isinstance(adapter, VxpAdapter)
    late = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=10)
    adapter.clock = lambda: late
    with pytest.raises(axis_errors.AxisAuthError) as caught:
        adapter.pending(message_type=MessageType.EDOC)
    assert caught.value.code == "axis_timestamp_expired"
    assert "đồng hồ" in caught.value.message


def test_vxp_a_header_changed_after_signing_is_refused(axis_url: str) -> None:
    from eoffice.exchange.axis.vxp import sign_headers

    headers = sign_headers(
        {"docId": "x"},
        system_id=S2["id"],
        secret=S2["secret"],
        content_type="application/json",
        now=datetime.datetime.now(datetime.UTC),
    )
    untouched = requests.post(f"{axis_url}/getEdoc", headers=headers, timeout=10).json()
    assert untouched["ErrorCode"] == "6"  # authenticated, then: no such document
    headers["XroadVnpt-docId"] = "y"
    forged = requests.post(f"{axis_url}/getEdoc", headers=headers, timeout=10).json()
    assert (forged["status"], forged["ErrorCode"]) == ("FAIL", "1")


def test_lgsp_wrong_secret_key(axis_url: str) -> None:
    adapter = make(AxisStyle.LGSP, axis_url, S1, secret="wrong", max_retries=3)
    with pytest.raises(axis_errors.AxisAuthError) as caught:
        adapter.pending(message_type=MessageType.EDOC)
    assert (caught.value.code, caught.value.remote_code) == ("axis_bad_credentials", "15")
    assert sleeps(adapter) == []


def test_lgsp_token_authentication_and_renewal(axis_url: str) -> None:
    adapter = make(AxisStyle.LGSP, axis_url, S2, auth="token", secret="unused")
    drain(adapter)
    make(AxisStyle.LGSP, axis_url, S1).send(
        edoc_package(sender=A, receivers=[B]), sender=A, message_type=MessageType.EDOC
    )
    assert len(adapter.pending(message_type=MessageType.EDOC)) == 1
    dev(axis_url, "expire-tokens")
    dev(axis_url, "reset-stats")
    drain(adapter)  # the expired token is renewed transparently
    assert dev(axis_url, "stats")["requests"]["/token"] == 1
    # A send refused for its expired token goes again whole: the JSON body file is read from its start.
    receiver = make(AxisStyle.LGSP, axis_url, S1)
    drain(receiver)
    dev(axis_url, "expire-tokens")
    package = edoc_package(sender=B, receivers=[A], subject="Trả lời sau khi gia hạn mã")
    adapter.send(package, sender=B, message_type=MessageType.EDOC)
    assert dev(axis_url, "stats")["requests"]["/token"] == 2
    [(item, fetched)] = polled(receiver, MessageType.EDOC)
    assert fetched == package
    receiver.acknowledge(item.doc_id, TransportStatus.DONE)
    with pytest.raises(axis_errors.AxisAuthError) as caught:
        make(AxisStyle.LGSP, axis_url, S2, auth="token", consumer_secret="wrong").pending(
            message_type=MessageType.EDOC
        )
    assert caught.value.code == "axis_bad_credentials"


@pytest.mark.parametrize("style", STYLES)
def test_server_errors_are_retried_with_backoff(axis_url: str, style: AxisStyle) -> None:
    adapter = make(style, axis_url, S1, max_retries=3, backoff_seconds=0.5, max_backoff_seconds=1.5)
    adapter.pending(message_type=MessageType.EDOC)  # LGSP token / warm-up outside the count
    dev(axis_url, "reset-stats")
    dev(axis_url, "faults", {"fail_next": 2})
    assert adapter.pending(message_type=MessageType.EDOC) == []
    assert sum(dev(axis_url, "stats")["requests"].values()) == 3
    slept = sleeps(adapter)
    assert len(slept) == 2 and 0 <= slept[0] <= 0.5 and 0 <= slept[1] <= 1.0

    dev(axis_url, "faults", {"fail_next": 10})
    with pytest.raises(axis_errors.AxisServerError) as caught:
        adapter.pending(message_type=MessageType.EDOC)
    assert caught.value.code == "axis_server_error" and caught.value.retryable
    assert caught.value.remote_code == ("9" if style == AxisStyle.VXP else "20")
    assert len(slept) == 5 and max(slept) <= 1.5
    dev(axis_url, "faults", {"fail_next": 0})


def test_unreachable_axis_is_retryable(tmp_path: Path) -> None:
    adapter = make(AxisStyle.VXP, "http://127.0.0.1:18248", S1, max_retries=1, timeout=2)
    with pytest.raises(axis_errors.AxisServerError) as caught:
        adapter.pending(message_type=MessageType.EDOC)
    assert caught.value.code == "axis_unreachable" and caught.value.retryable
    assert len(sleeps(adapter)) == 1


@pytest.mark.parametrize("style", STYLES)
def test_oversized_request_is_refused_and_nothing_is_stored(axis_url: str, style: AxisStyle) -> None:
    receiver = make(style, axis_url, S2)
    drain(receiver)
    big = edoc_package(sender=A, receivers=[B], subject="x" * MAX_BYTES)
    with pytest.raises(axis_errors.AxisPackageRejected) as caught:
        make(style, axis_url, S1).send(big, sender=A, message_type=MessageType.EDOC)
    assert caught.value.code == "axis_invalid_file"
    assert receiver.pending(message_type=MessageType.EDOC) == []


def test_a_secret_that_cannot_travel_in_a_header_is_a_configuration_error(axis_url: str) -> None:
    adapter = make(AxisStyle.LGSP, axis_url, S1, secret="bí-mật")
    with pytest.raises(axis_errors.AxisConfigurationError) as caught:
        adapter.pending(message_type=MessageType.EDOC)
    assert caught.value.code == "axis_bad_configuration" and not caught.value.retryable


@pytest.mark.parametrize("style", STYLES)
def test_a_fetched_package_is_decoded_to_a_file_and_a_bad_answer_leaves_none(
    axis_url: str, style: AxisStyle, tmp_path: Path
) -> None:
    spool, outgoing = tmp_path / "spool", tmp_path / "outgoing"
    for folder in (spool, outgoing):
        folder.mkdir()
    sender = make(style, axis_url, S1, spool_dir=str(outgoing))
    receiver = make(style, axis_url, S2, spool_dir=str(spool))
    drain(receiver)
    package = edoc_package(sender=A, receivers=[B], subject="Công văn/về việc " * 1200)
    # Sent from a file, as the outbox does (LGSP writes its JSON body beside it, then removes it).
    (outgoing / "package.edxml").write_bytes(package)
    sender.send(outgoing / "package.edxml", sender=A, message_type=MessageType.EDOC)
    assert [p.name for p in outgoing.iterdir()] == ["package.edxml"]
    [item] = receiver.pending(message_type=MessageType.EDOC)
    path = receiver.fetch_file(item.doc_id)
    assert path.parent == spool and path.read_bytes() == package
    path.unlink()
    # A package larger than we take: refused while it is read (its base64 exceeds the answer's limit).
    small = make(style, axis_url, S2, spool_dir=str(spool), max_package_bytes=len(package) // 4)
    with pytest.raises(axis_errors.AxisProtocolError) as caught:
        small.fetch_file(item.doc_id)
    assert caught.value.code == "axis_package_too_large" and not caught.value.retryable
    # An answer garbled on the way (a byte inside the base64 changed).
    dev(axis_url, "faults", {"corrupt_next": 1})
    with pytest.raises(axis_errors.AxisProtocolError) as garbled:
        receiver.fetch_file(item.doc_id)
    assert garbled.value.code == "axis_bad_response" and "not base64" in garbled.value.detail
    assert list(spool.iterdir()) == []  # nothing half-written is left behind
    assert [p.doc_id for p in receiver.pending(message_type=MessageType.EDOC)] == [item.doc_id]
