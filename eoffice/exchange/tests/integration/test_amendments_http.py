"""Recall, update and replacement of a document released to another installation.

The sender (A) acts through its services; the receiving văn thư (B) answers over B's HTTP API with
her own key — 15 accepts, 16 refuses with a reason — and the sender sees each answer on the
recipient's track and status timeline. An update is applied to B's copy only once accepted; a
signed document stays signed through an update, also for the agency the update adds on B; a
replacement arrives as a new document linked both ways to the copy it replaces.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eoffice.exchange.testing.installation import Installation
from eoffice.exchange.testing.pair import AGENCY_B, InstallationPair
from eoffice.exchange.testing.watch import wait_until

from .httpcalls import api, api_key

pytestmark = [pytest.mark.integration, pytest.mark.slow]

AGENCY_B2 = {"code": "000.00.03.H96", "name": "Sở Y tế tỉnh Thử Nghiệm B", "abbreviation": "SYT"}


@pytest.fixture(scope="module")
def connected(pair: InstallationPair) -> InstallationPair:
    pair.connect()
    return pair


@pytest.fixture(scope="module")
def keys(connected: InstallationPair) -> dict[str, str]:
    return {who: api_key(connected.b, who) for who in ("vanthu.b", "chuyenvien.b")}


def _release(pair: InstallationPair, marker: str, pdf: Path, n: int = 1) -> list[str]:
    ids = pair.a.call(
        "scenario:prepare_drafts", label="a", receiver_code=AGENCY_B["code"], count=n, marker=marker,
        pdf_path=str(pdf),
    )  # fmt: skip
    subjects = [r["subject"] for r in pair.a.call("scenario:release_drafts", label="a", draft_ids=ids)]
    for subject in subjects:
        _copy(pair.b, "b", subject)
    return subjects


def _copy(installation: Installation, label: str, subject: str) -> dict[str, Any]:
    return wait_until(
        lambda: installation.call("amend:received_copy", label=label, subject=subject),
        what=f"{subject!r} at {label}",
    )


def _sender(pair: InstallationPair, subject: str, receiver: str = AGENCY_B["code"]) -> dict[str, Any]:
    view = pair.a.call("watch:sender_view", label="a", subject=subject)
    (track,) = [t for t in view["tracks"] if t["receiver"] == receiver]
    first = next(line for line in view["lines"] if line["receiver"] == receiver)
    return {"status": view["status"], "track": track, "timeline": first["timeline"], "lines": view["lines"]}


def _until_sender(pair: InstallationPair, subject: str, check: Any, what: str, **kw: Any) -> dict[str, Any]:
    return wait_until(lambda: (seen := _sender(pair, subject, **kw)) and check(seen) and seen, what=what)


def _request(pair: InstallationPair, business_type: int, key: str) -> dict[str, Any]:
    return wait_until(
        lambda: next(
            (r for r in pair.b.call("amend:requests", label="b")
             if r["business_type"] == business_type and r["document_key"] == key),
            None,
        ),
        what=f"a type {business_type} request about {key}",
    )  # fmt: skip


def _answer(pair: InstallationPair, key: str, receipt_id: int, path: str, reason: str = "") -> Any:
    payload = {"reason": reason} if reason else None
    status, body = api(
        pair.b.url, f"/exchange/receipts/{receipt_id}/{path}", key, method="POST", payload=payload
    )
    assert status == 200, body
    return body


def _key(pair: InstallationPair, subject: str) -> str:
    view = pair.a.call("watch:sender_view", label="a", subject=subject)
    return str(view["lines"][0]["document_key"])


def test_recall_accepted_withdraws_the_registered_copy_and_a_refusal_keeps_the_other(
    connected: InstallationPair, pdf_path: Path, keys: dict[str, str]
) -> None:
    pair = connected
    kept, gone = _release(pair, "Thu hồi liên thông", pdf_path, 2)
    pair.b.call("scenario:advance", label="b", subject=gone, to="03")  # registered: it gets withdrawn
    for subject in (kept, gone):
        _until_sender(pair, subject, lambda s: s["track"]["status"] in ("arrived", "accepted"), "01 back")
        assert (
            pair.a.call("amend:recall", label="a", subject=subject, reason="Ban hành nhầm đối tượng")
            == "recalled"
        )
    gone_request = _request(pair, 1, _key(pair, gone))
    kept_request = _request(pair, 1, _key(pair, kept))
    # The copy's page tells B's văn thư, with the way to answer.
    notices = _copy(pair.b, "b", gone)["notices"]
    assert [n["code"] for n in notices] == ["recall_request"]
    assert "Ban hành nhầm đối tượng" in notices[0]["text"] and notices[0]["action_url"]
    # Only the văn thư answers: B's specialist is refused and nothing changes.
    status, body = api(
        pair.b.url,
        f"/exchange/receipts/{gone_request['id']}/recall/accept",
        keys["chuyenvien.b"],
        method="POST",
    )
    assert status == 403, body
    assert _answer(pair, keys["vanthu.b"], gone_request["id"], "recall/accept")["last_status_sent"] == "15"
    reason = "Văn bản đã được giao xử lý, đề nghị giữ nguyên"
    assert (
        _answer(pair, keys["vanthu.b"], kept_request["id"], "recall/refuse", reason)["last_status_sent"]
        == "16"
    )
    # B: the registered copy is withdrawn (still in the register), the other stays as it was.
    assert _copy(pair.b, "b", gone)["status"] == "recalled"
    assert _copy(pair.b, "b", kept)["status"] == "received"
    # A: each recipient's answer, on its track and its status timeline.
    seen = _until_sender(pair, gone, lambda s: s["track"]["status"] == "recalled", "15 at A")
    assert [e["kind"] for e in seen["track"]["events"]][-2:] == ["recall_requested", "recall_accepted"]
    assert "15" in [e["code"] for e in seen["timeline"]]
    seen = _until_sender(pair, kept, lambda s: s["track"]["status"] == "recall_refused", "16 at A")
    assert seen["track"]["reason"] == reason
    assert seen["track"]["events"][-1] == {"kind": "recall_refused", "note": reason}
    (refusal,) = [e for e in seen["timeline"] if e["code"] == "16"]
    assert refusal["description"] == reason
    # Answered once: a second answer is refused with a precise code.
    status, body = api(
        pair.b.url, f"/exchange/receipts/{kept_request['id']}/recall/accept", keys["vanthu.b"], method="POST"
    )
    assert status == 409 and body["code"] == "no_recall_pending", body


def test_updates_of_a_signed_document_are_answered_and_new_recipients_get_it_signed(
    connected: InstallationPair, keys: dict[str, str]
) -> None:
    pair = connected
    pair.b.call("scenario:seed_agency", label="b2", **AGENCY_B2)
    pair.a.call("peering:peer_sync", code=pair.b.call("peering:identity")["code"])
    subject = "Thông báo lịch tiếp công dân quý IV"
    signed = pair.a.call("amend:signed_release", label="a", receiver_code=AGENCY_B["code"], subject=subject)
    # B trusts the CA that signed it, as its admin would set up.
    (pair.b.var_dir / "trust" / "signing-test-ca.pem").write_text(signed["ca_pem"])
    copy = _copy(pair.b, "b", subject)
    (main,) = [f for f in copy["files"] if f["role"] == "main"]
    assert main["sha256"] == signed["signed_sha256"] and main["valid"] == [True, True]
    _until_sender(pair, subject, lambda s: s["track"]["status"] == "arrived", "01 back")

    # Update 1: new subject, urgency and due date, a picture, and B2 (hosted by B) as a recipient.
    first = f"{subject} (sửa đổi hạn)"
    pair.a.call(
        "amend:update", label="a", subject=subject, new_subject=first, reason="Sửa hạn trả lời",
        urgency="khan", due_date="2026-12-31", add_codes=[AGENCY_B2["code"]], picture=True,
    )  # fmt: skip
    key = _key(pair, subject)
    request = _request(pair, 2, key)
    assert request["payload"]["subject"] == first and request["payload"]["reason"] == "Sửa hạn trả lời"
    # B2 got the document as it is now, with the signed PDF, not the unsigned source.
    added = _copy(pair.b, "b2", first)
    (added_main,) = [f for f in added["files"] if f["role"] == "main"]
    assert added_main["sha256"] == signed["signed_sha256"] != signed["source_sha256"]
    assert added_main["valid"] == [True, True]
    # B's copy is unchanged until its văn thư accepts; its page says an update waits.
    assert _copy(pair.b, "b", subject)["notices"][0]["code"] == "update_request"
    _answer(pair, keys["vanthu.b"], request["id"], "change/accept")
    updated = _copy(pair.b, "b", first)
    assert (updated["urgency"], updated["due_date"]) == ("khan", "2026-12-31")
    assert [f["name"] for f in updated["files"]] == ["thong-bao.pdf", "so-do.png"]
    assert updated["files"][0]["sha256"] == signed["signed_sha256"]
    seen = _until_sender(pair, first, lambda s: s["track"]["answers"][-1]["status"] == "accepted", "15 at A")
    assert seen["track"]["answers"] == [{"kind": "update", "status": "accepted", "reason": ""}]
    assert seen["track"]["status"] == "arrived"  # an accepted update recalls nothing
    assert [e["code"] for e in seen["timeline"]] == ["01", "15"]

    # Update 2 is refused with a reason: B's copy stays as update 1 left it.
    second = f"{subject} (lần 2)"
    pair.a.call("amend:update", label="a", subject=first, new_subject=second, reason="Đổi trích yếu")
    request = _request(pair, 2, key)
    reason = "Trích yếu đã vào sổ, đề nghị giữ nguyên"
    status, body = api(
        pair.b.url, f"/exchange/receipts/{request['id']}/change/refuse", keys["vanthu.b"], method="POST",
        payload={"reason": ""},
    )  # fmt: skip
    assert status == 422 and body["code"] == "reason_required", body
    _answer(pair, keys["vanthu.b"], request["id"], "change/refuse", reason)
    assert _copy(pair.b, "b", first)["subject"] == first
    assert pair.b.call("amend:received_copy", label="b", subject=second) == {}
    seen = _until_sender(pair, second, lambda s: s["track"]["answers"][-1]["status"] == "refused", "16 at A")
    assert seen["track"]["answers"][-1] == {"kind": "update", "status": "refused", "reason": reason}
    assert [e["code"] for e in seen["timeline"]] == ["01", "15", "16"]
    # B2, added by update 1, was not asked about update 2's predecessor: it holds version 2 itself.
    b2 = _sender(pair, second, receiver=AGENCY_B2["code"])
    assert [a["kind"] for a in b2["track"]["answers"]] == ["update"]


def test_a_replacement_arrives_linked_to_the_copy_it_replaces_and_is_answered(
    connected: InstallationPair, pdf_path: Path, keys: dict[str, str]
) -> None:
    pair = connected
    accepted_old, refused_old = _release(pair, "Văn bản sẽ bị thay thế", pdf_path, 2)
    for old in (accepted_old, refused_old):
        _until_sender(pair, old, lambda s: s["track"]["status"] == "arrived", "01 back")
    answers = {accepted_old: ("change/accept", ""), refused_old: ("change/refuse", "Chưa nhận được bản giấy")}
    for old, (path, reason) in answers.items():
        new = f"{old} — thay thế"
        draft_id = pair.a.call(
            "amend:prepare_replacement", label="a", replaces=old, receiver_code=AGENCY_B["code"], subject=new,
            pdf_path=str(pdf_path),
        )  # fmt: skip
        pair.a.call("scenario:release_drafts", label="a", draft_ids=[draft_id])
        replacing = _copy(pair.b, "b", new)
        assert replacing["business_type"] == 3 and replacing["status"] == "received"
        request = _request(pair, 3, _key(pair, new))
        assert request["payload"]["replaces"] == _key(pair, old)
        # Both copies say so on their pages, each linking to the other.
        replaced = _copy(pair.b, "b", old)
        (notice,) = [n for n in replaced["notices"] if n["code"] == "replaced"]
        assert notice["link_url"] == f"/documents/{replacing['id']}/" and notice["action_url"]
        (back,) = [n for n in replacing["notices"] if n["code"] == "replaces"]
        assert back["link_url"] == f"/documents/{replaced['id']}/"
        _answer(pair, keys["vanthu.b"], request["id"], path, reason)
        status = "accepted" if path.endswith("accept") else "refused"
        seen = _until_sender(
            pair,
            old,
            lambda s, status=status: s["track"]["answers"][-1]["status"] == status,
            f"{status} at A",
        )
        assert seen["track"]["answers"][-1] == {"kind": "replace", "status": status, "reason": reason}
        assert [e["kind"] for e in seen["track"]["events"]][-2:] == ["replace_requested", f"replace_{status}"]
        assert seen["timeline"][-1]["code"] == ("15" if status == "accepted" else "16")
        # The replacing document itself arrived like any other: 01 on its own line.
        new_side = _until_sender(pair, new, lambda s: s["timeline"], "01 of the replacement")
        assert [e["code"] for e in new_side["timeline"]] == ["01"] and new_side["track"][
            "status"
        ] == "arrived"
        assert [line["business_type"] for line in new_side["lines"]] == [3]
        # The replaced copy stays with B (a replacement removes nothing), marked as replaced.
        assert _copy(pair.b, "b", old)["status"] == "received"
