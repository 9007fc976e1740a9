"""The quarantine: packages that failed a receipt check, kept byte for byte for the admin."""

from __future__ import annotations

import hashlib
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.exchange.models import Peer, QuarantinedPackage

RECEIVER = Actor.system("exchange-receiver")


def root() -> Path:
    return Path(settings.VAR_DIR) / "exchange" / "quarantine"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@transaction.atomic
def keep(
    raw: Path,
    *,
    code: str,
    message: str,
    detail: str = "",
    peer: Peer | None,
    via: str,
    document_key: str = "",
) -> QuarantinedPackage:
    now = timezone.now()
    relative = f"{now:%Y/%m}/{uuid.uuid4().hex}.edxml"
    target = root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    if raw.exists():
        shutil.copyfile(raw, target)
        size = target.stat().st_size
    else:
        target.write_bytes(b"")
    item = QuarantinedPackage.objects.create(
        peer=peer,
        via=via[:16],
        code=code[:64],
        message=message[:1000],
        detail=detail[:2000],
        document_key=document_key[:300],
        raw_path=relative,
        size=size,
        sha256=_sha256(target),
        received_at=now,
    )
    audit.record(
        actor=RECEIVER,
        verb="exchange.quarantined",
        target=item,
        data={"code": code, "peer": peer.code if peer else "", "key": document_key[:300]},
    )
    return item


def raw_file(item: QuarantinedPackage) -> Path:
    path = (root() / item.raw_path).resolve()
    if root().resolve() not in path.parents:
        raise ValueError("quarantine path outside its folder")
    return path
