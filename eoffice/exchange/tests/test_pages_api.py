"""Monitor page and API, peers and agency switches: who may and who may not (the standing cast)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eoffice.core.actor import Actor
from eoffice.core.errors import PermissionDenied
from eoffice.directory.models import Agency
from eoffice.exchange import peers
from eoffice.exchange.models import LineState, OutboxLine, Peer, PeerAgency, Route, StatusEvent
from eoffice.exchange.tests.conftest import external_agency, link, make_peer, numbered_draft
from eoffice.outgoing import release
from eoffice.outgoing.tests.conftest import actor_of, login
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _released(cast: Cast) -> OutboxLine:
    far = external_agency()
    link(make_peer(), far)
    draft = numbered_draft(cast, recipient_ids=[far.pk, cast.agency_b.pk])
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    return OutboxLine.objects.get(receiver=far)


def test_monitor_page_for_clerk_and_admin_only(cast: Cast) -> None:
    line = _released(cast)
    page = login(cast.clerk_a).get("/exchange/")
    assert page.status_code == 200 and line.document_key in page.content.decode()
    assert login(cast.admin_a).get("/exchange/").status_code == 200
    assert login(cast.specialist_a).get("/exchange/").status_code == 403
    assert login(cast.outsider).get("/exchange/").status_code == 403
    # Agency B's clerk sees their own (empty) monitor, never agency A's lines.
    other = login(cast.clerk_b).get("/exchange/")
    assert other.status_code == 200 and line.document_key not in other.content.decode()
    assert login(cast.clerk_b).get(f"/exchange/lines/{line.pk}/").status_code == 404
    detail = login(cast.clerk_a).get(f"/exchange/lines/{line.pk}/")
    assert detail.status_code == 200 and "Bộ Tài chính" in detail.content.decode()


def test_lines_api_scoped_and_failed_box_resend(cast: Cast) -> None:
    line = _released(cast)
    body = login(cast.clerk_a).get("/api/v1/exchange/lines").json()
    routes = {row["route"] for row in body}
    assert routes == {Route.PEER, Route.HOSTED} and all(r["DocumentId"] == line.document_key for r in body)
    assert login(cast.clerk_b).get("/api/v1/exchange/lines").json() == []
    assert login(cast.leader_a).get("/api/v1/exchange/lines").status_code == 403
    hosted = (
        login(cast.clerk_a).get(f"/api/v1/exchange/lines/{OutboxLine.objects.get(route='hosted').pk}").json()
    )
    assert [e["code"] for e in hosted["timeline"]] == ["01"]
    OutboxLine.objects.filter(pk=line.pk).update(state=LineState.FAILED, attempts=8, last_error="HTTP 500")
    failed = login(cast.clerk_a).get("/api/v1/exchange/lines?box=failed").json()
    assert [row["id"] for row in failed] == [line.pk] and failed[0]["last_error"] == "HTTP 500"
    assert login(cast.clerk_b).post(f"/api/v1/exchange/lines/{line.pk}/resend").status_code == 404
    assert login(cast.admin_a).post(f"/api/v1/exchange/lines/{line.pk}/resend").status_code == 403
    resent = login(cast.clerk_a).post(f"/api/v1/exchange/lines/{line.pk}/resend").json()
    assert resent["state"] == LineState.PENDING and resent["attempts"] == 0
    stats = login(cast.clerk_a).get("/api/v1/exchange/stats").json()
    assert stats["pending"] == 1


def test_peers_are_for_the_system_administrator(cast: Cast) -> None:
    from eoffice.exchange import keys

    cert = keys.make_self_signed("peer-x").cert_pem.decode()
    payload = {
        "code": "peer-x",
        "name": "Hệ thống X",
        "base_url": "http://127.0.0.1:18102",
        "certificate_pem": cert,
    }
    for user in (cast.clerk_a, cast.admin_a, cast.outsider):
        answer = login(user).post(
            "/api/v1/exchange/peers", json.dumps(payload), content_type="application/json"
        )
        assert answer.status_code == 403
        assert login(user).get("/exchange/peers/").status_code == 403
    created = login(cast.superuser).post(
        "/api/v1/exchange/peers", json.dumps(payload), content_type="application/json"
    )
    assert created.status_code == 201 and Peer.objects.get().code == "peer-x"
    bad = login(cast.superuser).post(
        "/api/v1/exchange/peers",
        json.dumps({**payload, "code": "peer-y", "certificate_pem": "not a certificate"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "certificate_invalid"
    page = login(cast.superuser).get("/exchange/peers/")
    assert page.status_code == 200 and "BEGIN CERTIFICATE" in page.content.decode()


def test_switch_hosted_to_external_and_back_keeps_history(cast: Cast) -> None:
    admin = Actor(user=cast.superuser)
    peer = make_peer()
    first = numbered_draft(cast, recipient_ids=[cast.agency_b.pk])
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=first)
    with pytest.raises(PermissionDenied):
        peers.agency_switch(actor=actor_of(cast, cast.admin_a), agency=cast.agency_b, hosted=False, peer=peer)
    peers.agency_switch(actor=admin, agency=cast.agency_b, hosted=False, peer=peer)
    assert not Agency.objects.get(pk=cast.agency_b.pk).hosted
    assert PeerAgency.objects.get(agency=cast.agency_b).peer == peer
    second = numbered_draft(cast, recipient_ids=[cast.agency_b.pk])
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=second)
    routes = list(
        OutboxLine.objects.filter(receiver=cast.agency_b).order_by("id").values_list("route", "state")
    )
    assert routes == [(Route.HOSTED, LineState.DELIVERED), (Route.PEER, LineState.PENDING)]
    peers.agency_switch(actor=admin, agency=cast.agency_b, hosted=True)
    assert Agency.objects.get(pk=cast.agency_b.pk).hosted and not PeerAgency.objects.exists()
    # History intact: both lines, the first timeline, the directory's own record of the change.
    assert OutboxLine.objects.filter(receiver=cast.agency_b).count() == 2
    assert StatusEvent.objects.filter(delivery__draft=first, code="01").exists()
    assert cast.agency_b.events.filter(kind="hosting_changed").count() == 2


def test_sync_links_the_agencies_a_peer_lists(cast: Cast) -> None:
    admin = Actor(user=cast.superuser)
    peer = make_peer()
    rows: list[dict[str, Any]] = [
        {"code": "000.00.00.G12", "name": "Bộ Tài chính"},
        {"code": cast.agency_b.code, "name": cast.agency_b.name},
    ]
    result = peers.peer_sync_agencies(actor=admin, peer=peer, rows=rows)
    assert (result.linked, result.created, result.skipped_hosted) == (1, 1, [cast.agency_b.code])
    assert PeerAgency.objects.get().agency.code == "000.00.00.G12"
    # A later list without it unlinks it (the agency moved elsewhere); the agency itself stays.
    peers.peer_sync_agencies(actor=admin, peer=peer, rows=[])
    assert not PeerAgency.objects.exists() and Agency.objects.filter(code="000.00.00.G12").exists()
