"""Peers: registration by the system administrator, and the agencies each one hosts.

The list of a peer's agencies comes from the peer itself (`GET <base>/exchange/agencies/`, a
signed request answered with a signed response), so an admin never types a hundred codes by hand
and a peer cannot be impersonated by whoever sits on the network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.directory.models import Agency
from eoffice.directory.services.agencies import agency_set_hosted
from eoffice.directory.tree import child_path
from eoffice.exchange import keys, policies
from eoffice.exchange.models import Peer, PeerAgency

AGENCIES_PATH = "/exchange/agencies/"
MAX_AGENCIES = 20000


@dataclass(frozen=True)
class PeerInput:
    code: str
    name: str
    base_url: str
    certificate_pem: str
    is_active: bool = True


def hosted_agencies() -> list[dict[str, str]]:
    return [
        {"code": code, "name": name}
        for code, name in Agency.objects.filter(hosted=True).order_by("code").values_list("code", "name")
    ]


def _clean(data: PeerInput) -> PeerInput:
    code, name, url = data.code.strip(), " ".join(data.name.split()), data.base_url.strip().rstrip("/")
    if not code or len(code) > 64:
        raise ValidationFailed("code_invalid", _("Mã hệ thống bắt buộc, tối đa 64 ký tự."), field="code")
    if not name or len(name) > 200:
        raise ValidationFailed("name_invalid", _("Tên bắt buộc, tối đa 200 ký tự."), field="name")
    if not url.startswith(("http://", "https://")) or len(url) > 300:
        raise ValidationFailed(
            "url_invalid", _("Địa chỉ gốc phải bắt đầu bằng http:// hoặc https://."), field="base_url"
        )
    if code == settings.INSTALLATION_ID:
        raise ValidationFailed("own_code", _("Đây là mã của chính hệ thống này."), field="code")
    if not keys.certificate_ok(data.certificate_pem):
        raise ValidationFailed(
            "certificate_invalid",
            _("Chứng thư số không đọc được (cần định dạng PEM)."),
            field="certificate_pem",
        )
    return PeerInput(code, name, url, data.certificate_pem.strip() + "\n", data.is_active)


@transaction.atomic
def peer_register(*, actor: Actor, data: PeerInput) -> Peer:
    policies.require_system_admin(actor)
    data = _clean(data)
    if Peer.objects.filter(code=data.code).exists():
        raise Conflict("peer_exists", _("Đã có hệ thống liên thông mã này."), field="code")
    peer = Peer.objects.create(
        code=data.code,
        name=data.name,
        base_url=data.base_url,
        certificate_pem=data.certificate_pem,
        is_active=data.is_active,
    )
    audit.record(actor=actor, verb="exchange.peer_registered", target=peer, data={"code": peer.code})
    return peer


@transaction.atomic
def peer_update(*, actor: Actor, peer: Peer, data: PeerInput) -> Peer:
    policies.require_system_admin(actor)
    data = _clean(data)
    # Why the lock: two admins editing the same peer; the audit keeps both changes in order.
    peer = Peer.objects.select_for_update().get(pk=peer.pk)
    if Peer.objects.filter(code=data.code).exclude(pk=peer.pk).exists():
        raise Conflict("peer_exists", _("Đã có hệ thống liên thông mã này."), field="code")
    before = {"code": peer.code, "base_url": peer.base_url, "is_active": peer.is_active}
    peer.code, peer.name, peer.base_url = data.code, data.name, data.base_url
    peer.certificate_pem, peer.is_active = data.certificate_pem, data.is_active
    peer.save()
    audit.record(
        actor=actor,
        verb="exchange.peer_updated",
        target=peer,
        data={
            "before": before,
            "after": {"code": peer.code, "base_url": peer.base_url, "is_active": peer.is_active},
        },
    )
    return peer


def fetch_agencies(peer: Peer) -> list[dict[str, str]]:
    """The peer's signed list of hosted agencies; raises ValidationFailed naming what went wrong."""
    url = peer.base_url.rstrip("/") + AGENCIES_PATH
    path = requests.utils.urlparse(url).path
    # One request now and then: nothing to keep alive, and a peer thread left waiting on an idle
    # connection for as long as the answer object lives (a refusal's traceback keeps it) is waste.
    headers = {**keys.signed_headers("GET", path, keys.digest_of(b"")), "Connection": "close"}
    try:
        response = requests.get(url, headers=headers, timeout=(5, 60))
    except requests.RequestException as exc:
        raise ValidationFailed(
            "peer_unreachable",
            _("Không kết nối được hệ thống liên thông."),
            details={"detail": str(exc)[:300]},
        ) from exc
    if response.status_code != 200:
        raise ValidationFailed(
            "peer_refused",
            _("Hệ thống liên thông từ chối yêu cầu (HTTP %(status)s).") % {"status": response.status_code},
            details={"body": response.text[:300]},
        )
    body = response.content
    try:
        keys.verify_request(
            method="RESPONSE",
            path=path,
            headers={name: response.headers.get(name, "") for name in keys.SIGNED_HEADERS},
            body_digest=keys.digest_of(body),
            cert_pem=peer.certificate_pem,
        )
        listed = json.loads(body)["agencies"]
        rows = [{"code": str(a["code"])[:32], "name": str(a["name"])[:500]} for a in listed]
    except keys.RequestRefused as exc:
        raise ValidationFailed(
            "peer_signature_invalid",
            _("Danh sách cơ quan không được ký đúng bởi hệ thống liên thông."),
            details={"detail": exc.detail},
        ) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationFailed(
            "peer_answer_invalid",
            _("Danh sách cơ quan trả về không đúng định dạng."),
            details={"detail": str(exc)[:300]},
        ) from exc
    if len(rows) > MAX_AGENCIES:
        raise ValidationFailed("peer_answer_too_large", _("Danh sách cơ quan quá lớn."))
    return rows


@dataclass(frozen=True)
class SyncResult:
    linked: int
    created: int
    unlinked: int
    skipped_hosted: list[str]


@transaction.atomic
def peer_sync_agencies(*, actor: Actor, peer: Peer, rows: list[dict[str, str]] | None = None) -> SyncResult:
    """Link every agency the peer lists to it (adding unknown ones as external); unlink the rest."""
    policies.require_system_admin(actor)
    rows = fetch_agencies(peer) if rows is None else rows
    # Why the lock: two syncs of the same peer at once would fight over the links.
    peer = Peer.objects.select_for_update().get(pk=peer.pk)
    now = timezone.now()
    codes = {r["code"]: r["name"] for r in rows if r["code"]}
    existing = {a.code: a for a in Agency.objects.filter(code__in=list(codes))}
    created, skipped = 0, []
    for code, name in codes.items():
        if code not in existing:
            agency = Agency(code=code, name=name or code, hosted=False)
            agency.refresh_search_text()
            agency.save()
            agency.tree_path = child_path(None, agency.pk)
            agency.save(update_fields=["tree_path"])
            existing[code] = agency
            created += 1
    ours = [a for a in existing.values() if not a.hosted]
    skipped = sorted(a.code for a in existing.values() if a.hosted)
    unlinked, _ = PeerAgency.objects.filter(peer=peer).exclude(agency__in=ours).delete()
    for agency in ours:
        PeerAgency.objects.update_or_create(agency=agency, defaults={"peer": peer, "synced_at": now})
    linked = len(ours)
    peer.agencies_synced_at = now
    peer.save(update_fields=["agencies_synced_at"])
    result = SyncResult(linked=linked, created=created, unlinked=unlinked, skipped_hosted=skipped)
    audit.record(
        actor=actor,
        verb="exchange.peer_agencies_synced",
        target=peer,
        data={"linked": linked, "created": created, "skipped_hosted": skipped[:50]},
    )
    return result


@transaction.atomic
def agency_switch(*, actor: Actor, agency: Agency, hosted: bool, peer: Peer | None = None) -> Agency:
    """Move an agency between this installation and a peer, keeping every delivery and timeline.

    Its past lines, receipts and status events stay as they were; only new releases follow the
    new route. The directory records the change in the agency's own history.
    """
    policies.require_system_admin(actor)
    if not hosted and peer is None:
        raise ValidationFailed(
            "peer_required", _("Hãy chọn hệ thống liên thông đang quản lý cơ quan này."), field="peer"
        )
    agency = agency_set_hosted(actor=actor, agency=agency, hosted=hosted)
    if hosted:
        PeerAgency.objects.filter(agency=agency).delete()
    else:
        assert peer is not None
        PeerAgency.objects.update_or_create(
            agency=agency, defaults={"peer": peer, "synced_at": timezone.now()}
        )
    audit.record(
        actor=actor,
        verb="exchange.agency_switched",
        target=agency,
        agency_id=agency.pk,
        data={"hosted": hosted, "peer": peer.code if peer else None},
    )
    return agency
