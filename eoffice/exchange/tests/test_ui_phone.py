"""Every exchange page on a 375 px phone in Debian's Chromium: nothing wider than the screen, the
clerk's failed box and resend, the admin's forms with their errors beside the fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.exchange.axis.services import axis_save
from eoffice.exchange.models import LineState, OutboxLine, QuarantinedPackage, Receipt, StatusEvent
from eoffice.exchange.tests.conftest import external_agency, link, make_peer, numbered_draft
from eoffice.outgoing import release
from eoffice.outgoing.tests.conftest import actor_of
from eoffice.testing.browser import ARTIFACTS, login
from eoffice.testing.cast import PASSWORD, Cast, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = 375
LONG_NAME = "Bộ Tài chính — Cục Tin học và Thống kê tài chính, Văn phòng đại diện tại Thành phố Hồ Chí Minh"
LONG_URL = (
    "https://lienthong.hethong-rat-dai.example.gov.vn/duong-dan/khong-ngat-dong/abcdefghijklmnopqrstuvwxyz"
)


def fits(page: Any) -> bool:
    # Against the phone's own width: once a page overflows, a mobile viewport widens to fit it,
    # so comparing with window.innerWidth would pass an overflowing page.
    return bool(page.evaluate(f"document.documentElement.scrollWidth <= {PHONE}"))


def _data(cast: Cast) -> dict[str, Any]:
    far = external_agency(name=LONG_NAME)
    peer = make_peer(base_url=LONG_URL)
    link(peer, far)
    draft = numbered_draft(cast, recipient_ids=[far.pk, cast.agency_b.pk])
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    line = OutboxLine.objects.get(receiver=far)
    error = (
        f"HTTPSConnectionPool(host='{LONG_URL[8:60]}', port=443): Max retries exceeded /exchange/inbox/"
        + "x" * 80
    )
    OutboxLine.objects.filter(pk=line.pk).update(state=LineState.FAILED, attempts=8, last_error=error)
    hosted = OutboxLine.objects.get(receiver=cast.agency_b)
    assert hosted.delivery_id is not None
    now = timezone.now()
    for n, code in enumerate(["03", "04", "05", "06", "13", "15", "16", "02"]):
        StatusEvent.objects.create(
            delivery_id=hosted.delivery_id, code=code, staff="Nguyễn Văn A", description="Ghi chú " * 40,
            occurred_at=now.replace(second=n), recorded_at=now,
        )  # fmt: skip
    receipt = Receipt.objects.create(
        document_key="000.00.00.G12,2026/11/20,15/VPCP-TTĐT" + "X" * 40, receiver=cast.agency_a,
        business_type=1,
        sender_code="000.00.00.G12", received_at=now, payload={"reason": "Sai sót"},
        signatures=[{"file": "quyet-dinh-" + "x" * 80 + ".pdf", "summary": "Có 1 chữ ký",
                     "signatures": [{"summary": "Ký bởi Nguyễn Văn A", "trusted": False}]}],
    )  # fmt: skip
    QuarantinedPackage.objects.create(
        via="peer", code="signature_invalid", message="Chữ ký không hợp lệ", detail="y" * 500,
        document_key="z" * 200, raw_path="x", size=10, sha256="0" * 64, received_at=now,
    )  # fmt: skip
    axis = axis_save(
        actor=Actor.system("test"),
        values={"name": "Trục liên thông văn bản quốc gia", "style": "vxp", "base_url": LONG_URL,
                "system_id": "eoffice.pages", "secret": "Pages-secret-0123456789abcdef", "auth": "key",
                "api_path": "/truclienthong/v1.0.0", "province_path": "qn"},
    )  # fmt: skip
    return {"line": line, "hosted": hosted, "receipt": receipt, "peer": peer, "axis": axis}


def test_every_exchange_page_fits_a_phone(
    live_server: Any, phone_page: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cast = build_cast()
    data = _data(cast)
    page = phone_page
    clerk_pages = [
        "/exchange/",
        "/exchange/?box=failed",
        f"/exchange/lines/{data['line'].pk}/",
        f"/exchange/lines/{data['hosted'].pk}/",
        f"/exchange/receipts/{data['receipt'].pk}/",
    ]
    login(page, live_server.url, cast.clerk_a.username, PASSWORD)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for n, url in enumerate(clerk_pages):
        page.goto(live_server.url + url)
        assert fits(page), url
        page.screenshot(path=str(ARTIFACTS / f"exchange-phone-{n}.png"), full_page=True)
    # The failed box: the line is there with its error, and the clerk resends it from its page.
    page.goto(f"{live_server.url}/exchange/?box=failed")
    row = page.locator(f'tr[data-line="{data["line"].pk}"]')
    assert row.get_by_text("Max retries exceeded", exact=False).first.is_visible()
    row.locator("a").first.click()
    page.get_by_role("button", name="Gửi lại").click()
    assert page.locator(".alert-success").inner_text().startswith("Đã đưa lại vào hàng đợi gửi.")
    assert page.locator("#line-state").inner_text() == "Chờ gửi"
    # A refusal with no reason is said beside the reason.
    page.goto(f"{live_server.url}/exchange/receipts/{data['receipt'].pk}/")
    page.fill("#refuse-reason", "   ")
    page.get_by_role("button", name="Từ chối thu hồi (16)").click()
    assert page.locator('[data-field="reason"]').inner_text() == "Phải nêu lý do."
    assert fits(page)

    page.context.clear_cookies()
    login(page, live_server.url, cast.superuser.username, PASSWORD)
    for url in (
        "/exchange/quarantine/",
        "/exchange/peers/",
        f"/exchange/peers/{data['peer'].pk}/",
        "/exchange/axes/",
        f"/exchange/axes/{data['axis'].pk}/",
    ):
        page.goto(live_server.url + url)
        assert fits(page), url
    page.goto(f"{live_server.url}/exchange/peers/")
    page.fill("#peer-form #id_code", "peer-x")
    page.fill("#peer-form #id_name", "Hệ thống X")
    page.fill("#peer-form #id_base_url", "ftp://sai.example")
    page.fill("#peer-form #id_certificate_pem", "không phải chứng thư")
    page.locator("#peer-form button[type=submit]").click()
    assert page.locator('#peer-form [data-field="base_url"]').inner_text().startswith("Địa chỉ gốc phải")
    assert page.locator("#peer-form #id_base_url.is-invalid").count() == 1
    assert fits(page)
    page.fill("#switch-form #id_agency_code", "000.99.99.X00")
    page.locator("#switch-form button[type=submit]").click()
    assert (
        page.locator('#switch-form [data-field="agency_code"]').inner_text()
        == "Không tìm thấy cơ quan có mã này."
    )
    assert fits(page)
