"""The machine endpoints a peer installation calls; authenticated by signed requests, not sessions.

- `POST /exchange/inbox/`: one package (edoc or status). Answers JSON `{"status_code", "code",
  "message"}`: 200 + 01, or 02 with 400 (the body ended early), 401 (request authentication), 413
  (too large) or 422 (a check).
- `GET /exchange/agencies/`: the agencies hosted here, for a peer's sync; the response is signed
  with this installation's key the same way a request is.
"""

from __future__ import annotations

import base64
import hashlib
import json
import tempfile
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from eoffice.exchange import edxml, keys, packages, peers, receiving
from eoffice.exchange.answers import Answer, Refused
from eoffice.exchange.models import Peer

CHUNK = 1 << 20


class _Incomplete(Exception):
    """The connection ended before the body its Content-Length announced."""


def _spool(request: HttpRequest, limit: int) -> tuple[Path, str] | None:
    """Stream the body to a temp file (a package may be hundreds of MB); None when over `limit`."""
    digest = hashlib.sha256()
    size = 0
    handle = tempfile.NamedTemporaryFile(dir=receiving.work_root(), suffix=".edxml", delete=False)  # noqa: SIM115
    path = Path(handle.name)
    with handle:
        while chunk := request.read(CHUNK):
            size += len(chunk)
            if size > limit:
                path.unlink(missing_ok=True)
                return None
            digest.update(chunk)
            handle.write(chunk)
    announced = request.META.get("CONTENT_LENGTH") or ""
    if announced.isdigit() and size < int(announced):
        # A transfer cut mid-body is no package: nothing to quarantine, the sender tries again.
        path.unlink(missing_ok=True)
        raise _Incomplete(f"{size} of {announced} bytes")
    return path, "SHA-256=" + base64.b64encode(digest.digest()).decode()


def _answer(answer: Answer) -> JsonResponse:
    return JsonResponse(answer.as_dict(), status=answer.http_status)


def _headers(request: HttpRequest) -> dict[str, str]:
    return {name: request.headers.get(name, "") for name in keys.SIGNED_HEADERS}


def _authenticate(request: HttpRequest, digest: str) -> Peer:
    peer = Peer.objects.filter(code=request.headers.get(keys.HEADER_PEER, ""), is_active=True).first()
    if peer is None:
        raise Refused("unknown_peer", _("Hệ thống gửi chưa được đăng ký liên thông."), http_status=401)
    try:
        keys.verify_request(
            method=request.method or "",
            path=request.path,
            headers=_headers(request),
            body_digest=digest,
            cert_pem=peer.certificate_pem,
        )
    except keys.RequestRefused as exc:
        raise Refused(
            exc.code, _("Yêu cầu không được ký đúng bởi hệ thống gửi."), exc.detail, http_status=401
        ) from exc
    return peer


@csrf_exempt
@require_POST
def inbox(request: HttpRequest) -> HttpResponse:
    limit = edxml.limits_from_settings().max_package_bytes
    try:
        spooled = _spool(request, limit)
    except _Incomplete:
        message = _("Gói tin đến không trọn vẹn: kết nối bị ngắt giữa chừng.")
        return _answer(Answer("02", "incomplete_body", message, http_status=400))
    if spooled is None:
        message = _("Gói tin vượt quá dung lượng cho phép.")
        return _answer(Answer("02", "too_large", message, http_status=413))
    raw, digest = spooled
    try:
        try:
            peer = _authenticate(request, digest)
        except Refused as exc:
            known = Peer.objects.filter(code=request.headers.get(keys.HEADER_PEER, "")).first()
            if known is None:
                # A stranger's bytes are not kept: anyone could fill the disk.
                return _answer(Answer("02", exc.code, exc.message, exc.http_status))
            return _answer(receiving.refuse(raw, exc, peer=known, via="push"))
        receiver = request.headers.get(packages.HEADER_RECEIVER, "")
        return _answer(receiving.receive_file(raw, peer=peer, receiver_code=receiver, via="push"))
    finally:
        raw.unlink(missing_ok=True)


@require_GET
def agencies(request: HttpRequest) -> HttpResponse:
    try:
        _authenticate(request, keys.digest_of(b""))
    except Refused as exc:
        return _answer(Answer("02", exc.code, exc.message, exc.http_status))
    body = json.dumps({"agencies": peers.hosted_agencies()}, ensure_ascii=False).encode()
    response = HttpResponse(body, content_type="application/json")
    for name, value in keys.signed_headers("RESPONSE", request.path, keys.digest_of(body)).items():
        response[name] = value
    return response
