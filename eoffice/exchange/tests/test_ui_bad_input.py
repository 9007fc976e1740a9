"""Exchange pages and API on odd input: oversized searches, bad paging, non-numeric ids, NUL bytes.
Every answer is a page with a Vietnamese message or a structured JSON error, never a 500."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import timezone

from eoffice.exchange import keys
from eoffice.exchange.models import Peer, StatusEvent
from eoffice.exchange.tests.test_ui_permissions import client_of, failed_line, recall_receipt
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db

STRUCTURED = {"code", "message", "field", "details"}


def beside(html: str, field: str) -> list[str]:
    """The error texts shown right after the field (the invalid-feedback of that field's block)."""
    return re.findall(rf'data-field="{field}">([^<]*)<', html)


def test_monitor_survives_odd_query_strings(cast: Cast) -> None:
    line = failed_line(cast)
    clerk = client_of(cast.clerk_a)
    for query in (
        "q=" + "a" * 100_000,
        "q=%25%5F" * 5000,
        "page=abc",
        "page=-1",
        "page=" + "9" * 40,
        "state=bogus",
        "box=bogus&state=" + "x" * 5000,
    ):
        assert clerk.get(f"/exchange/?{query}").status_code == 200, query
    nul = clerk.get("/exchange/?q=%00")  # refused at the door (eoffice.web.nul_input)
    assert nul.status_code == 400 and "ký tự NUL" in nul.content.decode()
    found = clerk.get("/exchange/", {"q": "  " + line.document_key[-8:] + " "})
    assert line.document_key in found.content.decode()


def test_api_paging_and_ids_answer_structured_errors(cast: Cast) -> None:
    line = failed_line(cast)
    clerk = client_of(cast.clerk_a)
    for path in (
        "/api/v1/exchange/lines?offset=-1",
        "/api/v1/exchange/lines?offset=" + "9" * 25,
        "/api/v1/exchange/receipts?offset=-5",
        "/api/v1/exchange/lines/abc",
        "/api/v1/exchange/receipts/abc/reject",
    ):
        if path.endswith("reject"):
            answer = clerk.post(path, json.dumps({"reason": "Sai nơi nhận"}), content_type="application/json")
        else:
            answer = clerk.get(path)
        assert answer.status_code in (404, 422), path
        assert answer["Content-Type"].startswith("application/json"), path
        assert set(answer.json()) == STRUCTURED, path
    assert clerk.get("/api/v1/exchange/lines?offset=0&limit=1").json()[0]["id"] == line.pk
    for state in ("bogus", "x" * 5000):
        assert clerk.get(f"/api/v1/exchange/lines?state={state}").json() == []
    nul = clerk.get("/api/v1/exchange/lines?state=%00")
    assert nul.status_code == 422 and nul.json()["code"] == "nul_character"
    # A limit past the cap is the cap (500 rows), as documented, not an error.
    assert clerk.get("/api/v1/exchange/lines?limit=" + "9" * 25).status_code == 200
    admin = client_of(cast.superuser)
    for path in ("/api/v1/exchange/axes/abc", "/api/v1/exchange/peers/abc/sync"):
        method = admin.post if path.endswith("sync") else admin.get
        answer = method(path)
        assert answer.status_code in (404, 422) and set(answer.json()) == STRUCTURED, path


def _peer_form(**extra: str) -> dict[str, str]:
    cert = keys.make_self_signed("peer-x").cert_pem.decode()
    base = {"code": "peer-x", "name": "Hệ thống X", "base_url": "http://127.0.0.1:18102"}
    return base | {"certificate_pem": cert, "is_active": "on"} | extra


def test_peer_and_axis_forms_say_what_is_wrong_in_vietnamese_beside_the_field(cast: Cast) -> None:
    admin = client_of(cast.superuser)
    nul = admin.post("/exchange/peers/", _peer_form(code="peer\x00x"))
    assert nul.status_code == 400 and "ký tự NUL (mã 0) ở trường «code»" in nul.content.decode()
    bad_url = admin.post("/exchange/peers/", _peer_form(base_url="ftp://x")).content.decode()
    assert beside(bad_url, "base_url") == ["Địa chỉ gốc phải bắt đầu bằng http:// hoặc https://."]
    bad_cert = admin.post("/exchange/peers/", _peer_form(certificate_pem="không phải PEM")).content.decode()
    assert beside(bad_cert, "certificate_pem") == ["Chứng thư số không đọc được (cần định dạng PEM)."]
    huge = admin.post("/exchange/peers/", _peer_form(certificate_pem="x" * 30000)).content.decode()
    assert "20000" in beside(huge, "certificate_pem")[0]
    assert not Peer.objects.exists()
    axis = admin.post(
        "/exchange/axes/",
        {
            "name": "T\x00",
            "style": "vxp",
            "base_url": "http://a",
            "system_id": "s",
            "secret": "k",
            "auth": "key",
        },
    )
    assert axis.status_code == 400 and "«name»" in axis.content.decode()
    # Inputs are Bootstrap controls (full width on a phone), marked invalid.
    assert 'class="form-control is-invalid"' in bad_url


def test_agency_switch_errors_are_beside_the_fields(cast: Cast) -> None:
    admin = client_of(cast.superuser)
    empty = admin.post("/exchange/agencies/switch", {})
    assert empty.status_code == 200
    html = empty.content.decode()
    assert beside(html, "agency_code") == ["Trường này là bắt buộc."]
    assert beside(html, "hosted") == ["Trường này là bắt buộc."]
    unknown = admin.post("/exchange/agencies/switch", {"agency_code": "000.99.99.X00", "hosted": "1"})
    assert beside(unknown.content.decode(), "agency_code") == ["Không tìm thấy cơ quan có mã này."]
    no_peer = admin.post("/exchange/agencies/switch", {"agency_code": cast.agency_b.code, "hosted": "0"})
    assert beside(no_peer.content.decode(), "peer") == [
        "Hãy chọn hệ thống liên thông đang quản lý cơ quan này."
    ]
    odd = admin.post(
        "/exchange/agencies/switch", {"agency_code": cast.agency_b.code, "hosted": "2", "peer": "x"}
    )
    assert beside(odd.content.decode(), "hosted") and beside(odd.content.decode(), "peer")
    cast.agency_b.refresh_from_db()
    assert cast.agency_b.hosted


def test_a_reason_left_empty_is_said_beside_the_reason(cast: Cast) -> None:
    line = failed_line(cast)
    receipt = recall_receipt(cast)
    clerk = client_of(cast.clerk_a)
    cancel = clerk.post(f"/exchange/lines/{line.pk}/cancel", {"reason": "   "})
    assert cancel.status_code == 200 and beside(cancel.content.decode(), "reason") == ["Phải nêu lý do."]
    refuse = clerk.post(f"/exchange/receipts/{receipt.pk}/", {"action": "refuse_recall", "reason": " "})
    assert refuse.status_code == 200 and beside(refuse.content.decode(), "reason") == ["Phải nêu lý do."]
    odd = clerk.post(f"/exchange/receipts/{receipt.pk}/", {"action": "format_disk"})
    assert odd.status_code == 400 and "Thao tác không hợp lệ." in odd.content.decode()
    line.refresh_from_db()
    receipt.refresh_from_db()
    assert line.state == "failed" and receipt.last_status_sent == ""


def test_paging_keeps_the_search_and_the_state_filter_is_offered(cast: Cast) -> None:
    from eoffice.exchange.models import OutboxLine

    line = failed_line(cast)
    rows = [
        OutboxLine(
            kind="edoc", document_key=f"{line.document_key}-{n}", sender=line.sender, receiver=line.receiver,
            route="peer", peer=line.peer, state="failed", created_at=timezone.now(),
        )
        for n in range(60)
    ]  # fmt: skip
    OutboxLine.objects.bulk_create(rows)
    html = (
        client_of(cast.clerk_a).get("/exchange/", {"box": "failed", "q": line.document_key}).content.decode()
    )
    assert re.search(r'href="\?[^"]*page=2[^"]*"', html)
    link = re.search(r'href="\?([^"]*page=2[^"]*)"', html)
    assert link and "q=" in link.group(1) and "box=failed" in link.group(1)
    assert 'name="state"' in client_of(cast.clerk_a).get("/exchange/").content.decode()
    only_failed = client_of(cast.clerk_a).get("/exchange/", {"state": "delivered"}).content.decode()
    assert line.document_key not in only_failed


def test_status_codes_are_shown_with_their_names(cast: Cast) -> None:
    line = failed_line(cast)
    receipt = recall_receipt(cast)
    from eoffice.exchange.models import Receipt

    Receipt.objects.filter(pk=receipt.pk).update(last_status_sent="16")
    page = client_of(cast.clerk_a).get(f"/exchange/receipts/{receipt.pk}/").content.decode()
    assert "16 · Từ chối lấy lại/cập nhật" in page
    now = timezone.now()
    assert line.delivery_id is not None
    for n, code in enumerate(["01", "02", "03", "04", "05", "06", "13", "15", "16"]):
        StatusEvent.objects.create(
            delivery_id=line.delivery_id, code=code, occurred_at=now.replace(second=n), recorded_at=now
        )
    detail = client_of(cast.clerk_a).get(f"/exchange/lines/{line.pk}/").content.decode()
    for label in ("Đã đến", "Từ chối tiếp nhận", "Đã tiếp nhận", "Đã phân công", "Đang xử lý", "Hoàn thành",
                  "Yêu cầu lấy lại", "Đồng ý lấy lại/cập nhật", "Từ chối lấy lại/cập nhật"):  # fmt: skip
        assert label in detail, label
    # A status we sent back is named too, in the monitor's list.
    from eoffice.exchange.models import OutboxLine

    OutboxLine.objects.create(
        kind="status", status_code="03", document_key="000.00.00.G12,2026/11/20,16/VPCP", sender=line.sender,
        receiver=line.receiver, route="peer", peer=line.peer, state="delivered", created_at=now,
    )  # fmt: skip
    assert "Trạng thái 03 · Đã tiếp nhận" in client_of(cast.clerk_a).get("/exchange/").content.decode()


def test_a_nul_byte_is_refused_not_a_database_error(cast: Cast) -> None:
    """PostgreSQL cannot store a NUL byte: pages and API refuse it with a message, nothing written."""
    line = failed_line(cast)
    clerk = client_of(cast.clerk_a)
    page = clerk.post(f"/exchange/lines/{line.pk}/cancel", {"reason": "Gửi\x00 bằng thư"})
    assert page.status_code == 400 and "ký tự NUL (mã 0) ở trường «reason»" in page.content.decode()
    api = clerk.post(
        f"/api/v1/exchange/lines/{line.pk}/cancel",
        json.dumps({"reason": "a\x00b"}),
        content_type="application/json",
    )
    assert api.status_code == 422 and set(api.json()) == STRUCTURED
    line.refresh_from_db()
    assert line.state == "failed"
    admin = client_of(cast.superuser)
    cert = keys.make_self_signed("peer-x").cert_pem.decode()
    body = {"code": "peer\x00x", "name": "X", "base_url": "http://127.0.0.1:1", "certificate_pem": cert}
    peer = admin.post("/api/v1/exchange/peers", json.dumps(body), content_type="application/json")
    assert peer.status_code == 422 and set(peer.json()) == STRUCTURED
    axis = {"name": "T\x00", "style": "vxp", "base_url": "http://a", "system_id": "s\x00", "secret": "k"}
    answer = admin.post("/api/v1/exchange/axes", json.dumps(axis), content_type="application/json")
    assert answer.status_code == 422 and set(answer.json()) == STRUCTURED
    assert Peer.objects.count() == 1  # only the one the line goes through
