"""Harness functions that make two installations peers of each other, as their admins would:
each hands the other its exchange certificate, registers the other by base URL, then syncs the
list of agencies the other hosts (a signed request over HTTP, through the harness's proxy)."""

from __future__ import annotations

from typing import Any


def identity() -> dict[str, str]:
    """This installation's code and exchange certificate (the key pair is made on first use)."""
    from eoffice.exchange import keys

    return {"code": keys.own_code(), "certificate_pem": keys.installation_keys().cert_pem.decode()}


def _admin() -> Any:
    from django.contrib.auth import get_user_model

    from eoffice.core.actor import Actor

    admin, _ = get_user_model().objects.get_or_create(
        username="quantri.peering", defaults={"full_name": "Quản trị liên thông", "is_superuser": True}
    )
    return Actor(user=admin, position=None)


def peer_register(code: str, name: str, base_url: str, certificate_pem: str) -> int:
    """Register (or update) the peer `code`, as the system admin."""
    from eoffice.exchange import peers
    from eoffice.exchange.models import Peer

    data = peers.PeerInput(code=code, name=name, base_url=base_url, certificate_pem=certificate_pem)
    peer = Peer.objects.filter(code=code).first()
    if peer is None:
        return peers.peer_register(actor=_admin(), data=data).pk
    return peers.peer_update(actor=_admin(), peer=peer, data=data).pk


def peer_sync(code: str) -> dict[str, int]:
    """Link the agencies the peer hosts (it must know this installation already: the list is signed)."""
    from eoffice.exchange import peers
    from eoffice.exchange.models import Peer

    result = peers.peer_sync_agencies(actor=_admin(), peer=Peer.objects.get(code=code))
    return {"linked": result.linked, "created": result.created}
