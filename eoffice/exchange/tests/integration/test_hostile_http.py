"""Hostile packages POSTed over HTTP to B's real exchange endpoint by its registered peer A.

Each request is signed by A's installation as its worker would sign it, so it passes the request
check and meets the check meant to catch it: each is answered 02 with a precise code and a
Vietnamese message, its bytes are kept in B's quarantine exactly as sent, nothing of it is stored
as a document, and B goes on serving. A PDF whose signed bytes were changed refuses the package
(the issue lists the tampered PDF among the inputs answered 02 with nothing stored); a PDF signed
by a CA B does not trust is received, and B's văn thư sees that its signer is not trusted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eoffice.exchange.testing.hostile import INBOX, untrusted_pdf
from eoffice.exchange.testing.pair import AGENCY_A, AGENCY_B, InstallationPair
from eoffice.exchange.testing.samples import SignedSample, tampered

from .httpcalls import api, api_key, call

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MARKER = "Gói tin thử độc hại"
REFUSED = {
    "xxe": (422, "doctype_forbidden"),
    "billion_laughs": (422, "doctype_forbidden"),
    "wrong_namespace": (422, "wrong_namespace"),
    "missing_document_id": (422, "missing_document_id"),
    "broken_base64": (422, "broken_base64"),
    "zip_bomb": (422, "zip_bomb"),
    "forged_signature": (422, "signature_invalid"),
    "altered_after_signing": (422, "signature_invalid"),
    "forged_request": (401, "request_signature_invalid"),
    "tampered_pdf": (422, "pdf_signature_invalid"),
}


@pytest.fixture(scope="module")
def connected(pair: InstallationPair) -> InstallationPair:
    pair.connect()
    return pair


@pytest.fixture(scope="module")
def tampered_path(pair: InstallationPair, signed_sample: SignedSample) -> Path:
    path = pair.root / "hostile-tampered.pdf"
    path.write_bytes(tampered(signed_sample.pdf))
    return path


def _send(
    pair: InstallationPair, kind: str, pdf: Path, marker: str = MARKER
) -> tuple[dict[str, Any], int, Any]:
    """A's installation builds and signs the package; it goes straight to B's gunicorn."""
    made = pair.a.call(
        "hostile:package", kind=kind, sender_code=AGENCY_A["code"], receiver_code=AGENCY_B["code"],
        marker=marker, out_dir=str(pair.root), pdf_path=str(pdf),
    )  # fmt: skip
    body = Path(made["path"]).read_bytes()
    status, raw = call(
        f"{pair.b.url}{INBOX}", method="POST", body=body,
        headers={**made["headers"], "Content-Type": "application/xml"},
    )  # fmt: skip
    return made, status, json.loads(raw)


@pytest.mark.parametrize("kind", list(REFUSED))
def test_a_hostile_package_is_answered_02_quarantined_and_not_stored(
    connected: InstallationPair, kind: str, pdf_path: Path, tampered_path: Path
) -> None:
    pair = connected
    made, status, answer = _send(pair, kind, tampered_path if kind == "tampered_pdf" else pdf_path)
    http_status, code = REFUSED[kind]
    assert (status, answer["status_code"], answer["code"]) == (http_status, "02", code), answer
    assert answer["message"] and not answer["message"].isascii()  # a Vietnamese reason for the sender
    # The raw bytes are kept for B's admin, byte for byte, with the same reason.
    (item,) = pair.b.call("hostile:quarantined", sha256=made["sha256"])
    assert (item["code"], item["message"], item["raw_sha256"]) == (code, answer["message"], made["sha256"])
    assert item["peer"] is not None  # it came from a registered peer, whose name the admin sees
    if kind == "tampered_pdf":
        assert "cong-van.pdf" in answer["message"] and item["document_key"] == made["document_key"]
    # Nothing of it became a document or a receipt.
    assert pair.b.call("hostile:stored", marker=MARKER) == {"documents": 0, "receipts": 0}


def test_after_them_b_still_receives_a_good_package_once_and_shows_its_signatures(
    connected: InstallationPair, pdf_path: Path
) -> None:
    pair = connected
    assert pair.b.processes["web"].poll() is None  # no crash of the server
    marker = "Gói tin hợp lệ sau tấn công"
    made, status, answer = _send(pair, "valid", pdf_path, marker=marker)
    assert (status, answer["status_code"], answer["code"]) == (200, "01", "arrived"), answer
    assert pair.b.call("hostile:stored", marker=marker) == {"documents": 1, "receipts": 1}
    # The same package again (a retry) is acknowledged and not stored twice.
    again = _send(pair, "valid", pdf_path, marker=marker)
    assert (again[1], again[2]["status_code"], again[2]["code"]) == (200, "01", "duplicate")
    assert pair.b.call("hostile:stored", marker=marker) == {"documents": 1, "receipts": 1}
    # B's văn thư sees the PAdES result: on the receipt and on the document's signature panel.
    key = api_key(pair.b, "vanthu.b")
    receipt = _receipt(pair, key, made["document_key"])
    (report,) = receipt["signatures"]
    assert report["file"] == "cong-van.pdf"
    assert [(s["valid"], s["trusted"]) for s in report["signatures"]] == [(True, True)]
    panel = _panel(pair, key, receipt["document_id"])
    assert panel["all_valid"] is True and panel["signatures"][0]["trusted"] is True


def test_a_pdf_signed_by_an_untrusted_ca_arrives_and_the_clerk_sees_it_is_untrusted(
    connected: InstallationPair,
) -> None:
    pair = connected
    stranger = pair.root / "untrusted.pdf"
    stranger.write_bytes(untrusted_pdf())  # a CA of its own, which B's trust store lacks
    marker = "Gói tin chữ ký chưa tin cậy"
    made, status, answer = _send(pair, "valid", stranger, marker=marker)
    assert (status, answer["status_code"]) == (200, "01"), answer
    key = api_key(pair.b, "vanthu.b")
    receipt = _receipt(pair, key, made["document_key"])
    (report,) = receipt["signatures"]
    ((valid, trusted),) = [(s["valid"], s["trusted"]) for s in report["signatures"]]
    assert trusted is False and valid is False  # intact, but its signer cannot be trusted
    panel = _panel(pair, key, receipt["document_id"])
    assert panel["all_valid"] is False and panel["signatures"][0]["trusted"] is False
    assert panel["signatures"][0]["intact"] is True


def _receipt(pair: InstallationPair, key: str, document_key: str) -> dict[str, Any]:
    status, receipts = api(pair.b.url, "/exchange/receipts", key)
    assert status == 200, receipts
    (receipt,) = [r for r in receipts if r["DocumentId"] == document_key]
    return dict(receipt)


def _panel(pair: InstallationPair, key: str, document_id: int) -> dict[str, Any]:
    status, document = api(pair.b.url, f"/documents/{document_id}", key)
    assert status == 200, document
    (panel,) = document["signatures"]
    return dict(panel)
