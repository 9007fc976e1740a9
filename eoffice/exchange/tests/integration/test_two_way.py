"""Two installations exchange documents both ways; the receivers' statuses flow back to the senders.

A releases to B while B releases to A. Each copy arrives once ("đã đến"), 01 comes back on its
own, then the receiver's văn thư registers (03), the leader assigns (04), the specialist takes it
up (05) and finishes (06): the sender's văn thư sees that timeline, in order and with its times,
through the selectors of her pages and over the HTTP API. A receiver's refusal (02) reaches the sender with
its reason; only the receiving agency's văn thư may refuse.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eoffice.exchange.testing.installation import Installation
from eoffice.exchange.testing.pair import AGENCY_A, AGENCY_B, InstallationPair
from eoffice.exchange.testing.watch import wait_until

from .httpcalls import api, api_key

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PROGRESS = ["01", "03", "04", "05", "06"]


@pytest.fixture(scope="module")
def connected(pair: InstallationPair) -> InstallationPair:
    pair.connect()
    return pair


def _release(sender: Installation, label: str, to_code: str, marker: str, pdf: Path, n: int) -> list[str]:
    ids = sender.call(
        "scenario:prepare_drafts", label=label, receiver_code=to_code, count=n, marker=marker,
        pdf_path=str(pdf),
    )  # fmt: skip
    return [r["subject"] for r in sender.call("scenario:release_drafts", label=label, draft_ids=ids)]


def _line(sender: Installation, label: str, subject: str) -> dict[str, Any]:
    view = sender.call("watch:sender_view", label=label, subject=subject)
    (line,) = [line for line in view["lines"] if line["kind"] == "edoc"]
    return {**line, "track": view["tracks"][0]}


def _codes(line: dict[str, Any]) -> list[str]:
    return [event["code"] for event in line["timeline"]]


def _sender_sees(sender: Installation, label: str, subject: str, code: str) -> dict[str, Any]:
    return wait_until(
        lambda: (line := _line(sender, label, subject)) and code in _codes(line) and line,
        timeout=60,
        what=f"{code} on the sender's timeline of {subject!r}",
    )


def _arrived(receiver: Installation, marker: str, count: int) -> dict[str, Any]:
    return wait_until(
        lambda: (box := receiver.call("scenario:inbox", marker=marker))["count"] >= count and box,
        timeout=60,
        what=f"{count} copies of {marker!r}",
    )


def test_documents_go_both_ways_once_and_the_whole_status_chain_flows_back(
    connected: InstallationPair, pdf_path: Path
) -> None:
    pair = connected
    to_b = _release(pair.a, "a", AGENCY_B["code"], "Hai chiều A→B", pdf_path, 2)
    to_a = _release(pair.b, "b", AGENCY_A["code"], "Hai chiều B→A", pdf_path, 2)
    for receiver, marker, subjects in ((pair.b, "Hai chiều A→B", to_b), (pair.a, "Hai chiều B→A", to_a)):
        box = _arrived(receiver, marker, 2)
        assert (box["count"], box["subjects"], box["duplicated"]) == (2, 2, [])
        assert {box["copies"][s]["status"] for s in subjects} == {"received"}  # "đã đến", not yet handled
    # Each sender gets 01 back without anyone on the receiving side doing anything.
    for sender, label, subjects in ((pair.a, "a", to_b), (pair.b, "b", to_a)):
        for subject in subjects:
            line = _sender_sees(sender, label, subject, "01")
            assert line["state"] == "delivered" and line["delivery_status"] == "arrived"
            assert _codes(line) == ["01"]
            assert line["track"]["status"] == "arrived"

    # The receiver handles one copy each way step by step; the sender sees every step arrive.
    for sender, label, receiver, other, subject in (
        (pair.a, "a", pair.b, "b", to_b[0]),
        (pair.b, "b", pair.a, "a", to_a[0]),
    ):
        for code in ("03", "04", "05", "06"):
            receiver.call("scenario:advance", label=other, subject=subject, to=code)
            _sender_sees(sender, label, subject, code)
        line = _line(sender, label, subject)
        assert _codes(line) == PROGRESS
        times = [event["at"] for event in line["timeline"]]
        assert times == sorted(times) and all(times)
        assert {event["staff"] for event in line["timeline"][1:]} != {""}  # who did it is shown
        assert line["delivery_status"] == "done" and line["track"]["status"] == "done"
        # The copy not handled yet still stands at 01 for its sender.
        untouched = to_b[1] if sender is pair.a else to_a[1]
        assert _codes(_line(sender, label, untouched)) == ["01"]
    # Nothing was received twice in either direction, and nothing went back the wrong way.
    assert pair.b.call("scenario:inbox", marker="Hai chiều A→B")["count"] == 2
    assert pair.a.call("scenario:inbox", marker="Hai chiều B→A")["count"] == 2
    assert pair.a.call("scenario:inbox", marker="Hai chiều A→B")["count"] == 0
    assert pair.b.call("scenario:inbox", marker="Hai chiều B→A")["count"] == 0


def test_the_sender_reads_the_timeline_over_http_and_others_may_not(
    connected: InstallationPair, pdf_path: Path
) -> None:
    pair = connected
    (subject,) = _release(pair.a, "a", AGENCY_B["code"], "Qua HTTP", pdf_path, 1)
    _arrived(pair.b, "Qua HTTP", 1)
    pair.b.call("scenario:advance", label="b", subject=subject, to="06")
    line = _sender_sees(pair.a, "a", subject, "06")
    key = api_key(pair.a, "vanthu.a")
    status, detail = api(pair.a.url, f"/exchange/lines/{line['id']}", key)
    assert status == 200, detail
    assert [event["code"] for event in detail["timeline"]] == PROGRESS
    assert detail["delivery_status"] == "done" and detail["receiver"] == AGENCY_B["code"]
    status, deliveries = api(pair.a.url, f"/outgoing/drafts/{_draft_id(pair, subject)}/deliveries", key)
    assert status == 200 and [d["status"] for d in deliveries] == ["done"]
    assert [event["label"] for event in detail["timeline"]][-1] == "Hoàn thành"
    # The specialist is not the văn thư: the monitor is not hers.
    specialist = api_key(pair.a, "chuyenvien.a")
    status, body = api(pair.a.url, f"/exchange/lines/{line['id']}", specialist)
    assert status == 403, body
    status, body = api(pair.a.url, f"/exchange/lines/{line['id']}", "eo_not-a-key")
    assert status == 401, body


def _draft_id(pair: InstallationPair, subject: str) -> int:
    return int(pair.a.call("watch:sender_view", label="a", subject=subject)["draft_id"])


def test_a_refusal_by_the_receivers_clerk_reaches_the_sender_with_its_reason(
    connected: InstallationPair, pdf_path: Path
) -> None:
    pair = connected
    (subject,) = _release(pair.a, "a", AGENCY_B["code"], "Từ chối qua liên thông", pdf_path, 1)
    _arrived(pair.b, "Từ chối qua liên thông", 1)
    _sender_sees(pair.a, "a", subject, "01")
    copy = pair.b.call("watch:received", label="b", subject=subject)
    assert copy["receipt_id"] and copy["status"] == "received"
    reason = "Văn bản không thuộc thẩm quyền giải quyết của Sở Tư pháp"
    # Only the receiving agency's văn thư may refuse: the specialist is refused, nothing changes.
    specialist = api_key(pair.b, "chuyenvien.b")
    path = f"/exchange/receipts/{copy['receipt_id']}/reject"
    status, body = api(pair.b.url, path, specialist, method="POST", payload={"reason": reason})
    assert status == 403, body
    clerk = api_key(pair.b, "vanthu.b")
    # A refusal without a reason is refused with a precise message.
    status, body = api(pair.b.url, path, clerk, method="POST", payload={"reason": "   "})
    assert status == 422 and body["code"] == "reason_required", body
    assert pair.b.call("watch:received", label="b", subject=subject)["status"] == "received"
    status, body = api(pair.b.url, path, clerk, method="POST", payload={"reason": reason})
    assert status == 200, body
    assert body["last_status_sent"] == "02" and body["document_id"] is None
    # The copy left B's queue; A sees 02 with the reason, on the timeline and the draft page.
    assert pair.b.call("scenario:inbox", marker="Từ chối qua liên thông")["count"] == 0
    line = _sender_sees(pair.a, "a", subject, "02")
    assert _codes(line) == ["01", "02"]
    assert line["timeline"][1]["description"] == reason
    assert line["delivery_status"] == "rejected"
    assert line["track"]["status"] == "rejected" and line["track"]["reason"] == reason
    # A second refusal of the same receipt finds nothing left to refuse.
    status, body = api(pair.b.url, path, clerk, method="POST", payload={"reason": reason})
    assert status == 409 and body["code"] == "nothing_to_reject", body
