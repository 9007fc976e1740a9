"""Exchange pages, who may and who may not: a refusal is a 403 page (never a 500), another
agency's line is not found, and the buttons a person may not press are not shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from eoffice.exchange.models import LineState, OutboxLine, QuarantinedPackage, Receipt
from eoffice.exchange.tests.conftest import external_agency, link, make_peer, numbered_draft
from eoffice.outgoing import release
from eoffice.outgoing.tests.conftest import actor_of
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def client_of(user: Any, *, csrf: bool = False) -> Client:
    # Errors are answered as pages (500 included), not raised into the test.
    client = Client(raise_request_exception=False, enforce_csrf_checks=csrf)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def failed_line(cast: Cast) -> OutboxLine:
    far = external_agency()
    link(make_peer(), far)
    draft = numbered_draft(cast, recipient_ids=[far.pk])
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    line = OutboxLine.objects.get(receiver=far)
    OutboxLine.objects.filter(pk=line.pk).update(state=LineState.FAILED, attempts=8, last_error="HTTP 500")
    return line


def recall_receipt(cast: Cast) -> Receipt:
    from django.utils import timezone

    return Receipt.objects.create(
        document_key="000.00.00.G12,2026/11/20,15/VPCP-TTĐT",
        receiver=cast.agency_a,
        business_type=1,
        sender_code="000.00.00.G12",
        received_at=timezone.now(),
        payload={"reason": "Sai sót"},
    )


def quarantined() -> QuarantinedPackage:
    from django.utils import timezone

    return QuarantinedPackage.objects.create(
        via="peer", code="signature_invalid", message="Chữ ký không hợp lệ", raw_path="x", size=0,
        sha256="0" * 64, received_at=timezone.now(),
    )  # fmt: skip


def test_people_who_may_not_watch_get_a_403_page_not_a_500(cast: Cast) -> None:
    line = failed_line(cast)
    receipt = recall_receipt(cast)
    item = quarantined()
    peer = line.peer
    assert peer is not None
    for user in (cast.specialist_a, cast.leader_a, cast.unit_head_a, cast.outsider):
        client = client_of(user)
        assert client.get(f"/exchange/lines/{line.pk}/").status_code == 403
        assert client.post(f"/exchange/lines/{line.pk}/resend").status_code == 403
        assert client.post(f"/exchange/lines/{line.pk}/cancel", {"reason": "Gửi bằng thư"}).status_code == 403
        assert client.get(f"/exchange/receipts/{receipt.pk}/").status_code == 403
        assert (
            client.post(f"/exchange/receipts/{receipt.pk}/", {"action": "accept_recall"}).status_code == 403
        )
    # The system administrator's pages refuse every agency user with a 403, whatever the id.
    for user in (cast.clerk_a, cast.admin_a, cast.clerk_b, cast.specialist_a, cast.outsider):
        client = client_of(user)
        assert client.post(f"/exchange/quarantine/{item.pk}/dismiss").status_code == 403
        assert client.get(f"/exchange/quarantine/{item.pk}/raw").status_code == 403
        assert client.get(f"/exchange/peers/{peer.pk}/").status_code == 403
        assert client.post(f"/exchange/peers/{peer.pk}/", {"name": "X"}).status_code == 403
        assert client.post(f"/exchange/peers/{peer.pk}/sync").status_code == 403
        switch = {"agency_code": cast.agency_b.code, "hosted": "0", "peer": str(peer.pk)}
        assert client.post("/exchange/agencies/switch", switch).status_code == 403
    # Nothing changed.
    line.refresh_from_db()
    item.refresh_from_db()
    assert line.state == LineState.FAILED and item.state == "open"
    assert not Receipt.objects.exclude(last_status_sent="").exists()
    assert OutboxLine.objects.filter(receiver__code=cast.agency_b.code).count() == 0


def test_agency_b_does_not_find_agency_a_lines_or_receipts(cast: Cast) -> None:
    line = failed_line(cast)
    receipt = recall_receipt(cast)
    client = client_of(cast.clerk_b)
    assert client.get(f"/exchange/lines/{line.pk}/").status_code == 404
    assert client.post(f"/exchange/lines/{line.pk}/resend").status_code == 404
    assert client.get(f"/exchange/receipts/{receipt.pk}/").status_code == 404
    assert client.post(f"/exchange/receipts/{receipt.pk}/", {"action": "accept_recall"}).status_code == 404
    line.refresh_from_db()
    assert line.state == LineState.FAILED


def test_only_the_clerk_is_offered_resend_cancel_and_answers(cast: Cast) -> None:
    line = failed_line(cast)
    receipt = recall_receipt(cast)
    clerk = client_of(cast.clerk_a).get(f"/exchange/lines/{line.pk}/").content.decode()
    assert f"/exchange/lines/{line.pk}/resend" in clerk and f"/exchange/lines/{line.pk}/cancel" in clerk
    answers = client_of(cast.clerk_a).get(f"/exchange/receipts/{receipt.pk}/").content.decode()
    assert 'value="accept_recall"' in answers
    # The agency's admin and the system administrator watch; only the clerk acts (the services
    # refuse the others), so they are not shown buttons that end on a refusal.
    for user in (cast.admin_a, cast.superuser):
        page = client_of(user).get(f"/exchange/lines/{line.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "/resend" not in html and "/cancel" not in html
        assert client_of(user).post(f"/exchange/lines/{line.pk}/resend").status_code == 403
    receipt_page = client_of(cast.admin_a).get(f"/exchange/receipts/{receipt.pk}/")
    assert receipt_page.status_code == 200 and 'value="accept_recall"' not in receipt_page.content.decode()


def test_actions_are_post_only_and_need_the_csrf_token(cast: Cast) -> None:
    line = failed_line(cast)
    item = quarantined()
    clerk = client_of(cast.clerk_a, csrf=True)
    assert clerk.get(f"/exchange/lines/{line.pk}/resend").status_code == 405
    assert clerk.get(f"/exchange/lines/{line.pk}/cancel").status_code == 405
    assert clerk.post(f"/exchange/lines/{line.pk}/resend").status_code == 403  # no token
    assert clerk.post(f"/api/v1/exchange/lines/{line.pk}/resend").status_code == 403  # session, no token
    admin = client_of(cast.superuser, csrf=True)
    assert admin.get(f"/exchange/quarantine/{item.pk}/dismiss").status_code == 405
    assert admin.post(f"/exchange/quarantine/{item.pk}/dismiss").status_code == 403
    line.refresh_from_db()
    item.refresh_from_db()
    assert line.state == LineState.FAILED and item.state == "open"
