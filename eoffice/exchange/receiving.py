"""Receipt of a package from a peer installation (or an axis adapter).

Checks, in order: the request's signature (push only, `keys.verify_request`), the envelope's
XML-DSig against the peer's registered certificate, the edXML itself (`edxml.parse` with limits,
attachments streamed to disk), who it is for and from, and every attached PDF's PAdES signatures
(a broken one refuses the package; the reports are kept for the clerk). A package that fails any
check is answered 02 with a precise reason and kept raw in quarantine; nothing of it is stored as a
document. A package already received (same DocumentId, receiver, business type) is acknowledged 01
again and not stored twice — the unique key on `Receipt` makes that hold under races too.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from eoffice.core import language
from eoffice.core.actor import Actor
from eoffice.exchange import changes_in, edxml, incoming, quarantine, statuses_in
from eoffice.exchange.answers import Answer, Refused
from eoffice.exchange.models import Axis, Peer

log = logging.getLogger(__name__)
RECEIVER = Actor.system("exchange-receiver")
# Told of a refusal after the package went to quarantine, with what could be parsed of it (None
# when it is not edXML at all): a pull route answers 02 with a status package of its own.
OnRefused = Callable[[Refused, "edxml.EdocPackage | edxml.StatusPackage | None"], None]


def work_root() -> Path:
    folder = Path(settings.VAR_DIR) / "exchange" / "work"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def work_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="pkg-", dir=work_root()))


def refuse(raw: Path, refusal: Refused, *, peer: Peer | None, via: str, document_key: str = "") -> Answer:
    """Answer 02 and keep the raw package in quarantine for the admin."""
    quarantine.keep(
        raw,
        code=refusal.code,
        message=refusal.message,
        detail=refusal.detail,
        peer=peer,
        via=via,
        document_key=document_key,
    )
    log.warning("exchange package refused: %s %s", refusal.code, refusal.detail)
    return Answer("02", refusal.code, refusal.message, refusal.http_status)


def receive_file(
    raw: Path,
    *,
    peer: Peer | None,
    receiver_code: str = "",
    via: str = "push",
    axis: Axis | None = None,
    on_refused: OnRefused | None = None,
) -> Answer:
    """Check and store one package read from `raw`; the caller deletes `raw` afterwards.

    Its refusal reasons go to the sending agency: they are in the installation's language even when
    an administrator set the receipt off from an English page (an axis's "poll now")."""
    with language.for_others():
        directory = work_dir()
        package: edxml.EdocPackage | edxml.StatusPackage | None = None
        try:
            try:
                if peer is not None:
                    _verify_envelope(raw, peer)
                package = edxml.parse(raw, attachments_dir=directory, limits=edxml.limits_from_settings())
                if isinstance(package, edxml.StatusPackage):
                    return statuses_in.receive_status(package, peer=peer, actor=RECEIVER)
                if package.doc_type in (edxml.BussinessDocType.REVOKE, edxml.BussinessDocType.UPDATE):
                    return changes_in.receive_change(
                        package, peer=peer, receiver_code=receiver_code, via=via, actor=RECEIVER, axis=axis
                    )
                return incoming.receive_edoc(
                    package, peer=peer, receiver_code=receiver_code, via=via, actor=RECEIVER, axis=axis
                )
            except edxml.EdxmlError as exc:
                refusal = Refused(exc.code, exc.message, exc.detail)
            except Refused as exc:
                refusal = exc
            key = package.document_id if package is not None else ""
            answer = refuse(raw, refusal, peer=peer, via=via, document_key=key)
            if on_refused is not None:
                on_refused(refusal, package)
            return answer
        finally:
            shutil.rmtree(directory, ignore_errors=True)


def _verify_envelope(raw: Path, peer: Peer) -> None:
    limits = edxml.limits_from_settings()
    if raw.stat().st_size > limits.max_package_bytes:
        raise edxml.EdxmlError("too_large", f"{raw.stat().st_size} bytes")
    edxml.verify_envelope(raw, cert_pem=peer.certificate_pem, limits=limits)
