from __future__ import annotations

from typing import Any

import pytest

from eoffice.directory.models import Agency
from eoffice.exchange import keys
from eoffice.exchange.models import Peer, PeerAgency
from eoffice.outgoing import numbering
from eoffice.outgoing.models import Draft
from eoffice.outgoing.tests.conftest import _media_root, actor_of, make_draft
from eoffice.testing.cast import Cast

__all__ = ["_media_root"]


@pytest.fixture(autouse=True)
def _installation(settings: Any, tmp_path: Any) -> None:
    # Each test has its own var/exchange key pair, made on first use.
    settings.VAR_DIR = tmp_path / "var"
    settings.EXCHANGE_KEY_FILE = ""
    settings.EXCHANGE_CERT_FILE = ""
    settings.INSTALLATION_ID = "eoffice-test-a"


def external_agency(code: str = "000.00.00.G12", name: str = "Bộ Tài chính") -> Agency:
    agency = Agency(code=code, name=name, abbreviation="BTC", hosted=False)
    agency.refresh_search_text()
    agency.save()
    return agency


def make_peer(code: str = "eoffice-peer", base_url: str = "http://127.0.0.1:18101", **extra: Any) -> Peer:
    cert = keys.make_self_signed(code).cert_pem.decode()
    return Peer.objects.create(
        code=code, name=f"Hệ thống {code}", base_url=base_url, certificate_pem=cert, **extra
    )


def link(peer: Peer, agency: Agency) -> PeerAgency:
    from django.utils import timezone

    return PeerAgency.objects.create(peer=peer, agency=agency, synced_at=timezone.now())


def numbered_draft(cast: Cast, **extra: Any) -> Draft:
    draft = make_draft(cast, signer_id=cast.position(cast.leader_a).pk, **extra)
    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)
    draft.refresh_from_db()
    return draft
