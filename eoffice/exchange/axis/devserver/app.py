"""The development axis server as one WSGI application: VXP operations at the root, LGSP under its
API path and `/token`, and — only with `allow_faults` — `/_dev/*` endpoints tests use to inject
server errors and corrupted answers, count requests, age tokens, edit the directory and inject raw
packages."""

from __future__ import annotations

import base64
import datetime
import json
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from eoffice.exchange.axis.devserver import lgsp, vxp
from eoffice.exchange.axis.devserver.http import Request, Response, StartResponse, TooLarge
from eoffice.exchange.axis.devserver.hub import Hub, Refusal
from eoffice.exchange.axis.devserver.store import Store

log = logging.getLogger(__name__)


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class AxisServerApp:
    def __init__(
        self,
        store_path: Path,
        *,
        config: dict[str, Any] | None = None,
        max_skew: int = 300,
        token_ttl: int = 3600,
        max_bytes: int = 50 * 1024 * 1024,
        allow_faults: bool = False,
        api_path: str = "/truclienthong/v1.0.0",
        clock: Callable[[], datetime.datetime] = utc_now,
    ) -> None:
        self.store = Store(store_path)
        if config:
            self.store.load_config(config)
        settings = config or {}
        self.hub = Hub(self.store)
        self.vxp = vxp.VxpDialect(self.hub, max_skew=max_skew, clock=clock)
        self.lgsp = lgsp.LgspDialect(
            self.hub,
            api_path=api_path,
            province_path=str(settings.get("province_path", "qn")),
            province_code=str(settings.get("province_code", "H47")),
            token_ttl=token_ttl,
            clock=clock,
        )
        self.max_bytes = max_bytes
        self.allow_faults = allow_faults
        self._lock = threading.Lock()
        self._faults: list[dict[str, Any]] = []
        self.requests: Counter[str] = Counter()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        return self.respond(environ)(start_response)

    def respond(self, environ: dict[str, Any]) -> Response:
        path = str(environ.get("PATH_INFO", "/"))
        is_vxp = not self.lgsp.owns(path)
        try:
            request = Request.read(environ, max_bytes=self.max_bytes)
        except TooLarge as exc:
            failure = Refusal("invalid_file", str(exc))
            return vxp.refusal(failure) if is_vxp else lgsp.refusal(failure)
        if path.startswith("/_dev/") and self.allow_faults:
            return self.dev(request)
        with self._lock:
            self.requests[path] += 1
            # A fault may be aimed at one operation (its path holds `path`); "" is in every path.
            fault = next((f for f in self._faults if f["path"] in path), None)
            if fault is not None:
                self._faults.remove(fault)
        if fault is not None and fault["kind"] == "server_error":
            failure = Refusal("server_error", "injected fault")
            return vxp.refusal(failure) if is_vxp else lgsp.refusal(failure)
        answer = self._answer(path, is_vxp, request)
        return corrupted(answer) if fault is not None else answer

    def _answer(self, path: str, is_vxp: bool, request: Request) -> Response:
        try:
            if not is_vxp:
                return self.lgsp.handle(request)
            operation = path.strip("/")
            if operation in vxp.OPERATIONS:
                return self.vxp.handle(operation, request)
            return Response(404, {"status": "FAIL", "ErrorCode": "404", "ErrorDesc": f"no operation {path}"})
        except Exception:
            log.exception("axis server failed on %s", path)
            failure = Refusal("server_error", "unexpected failure")
            return vxp.refusal(failure) if is_vxp else lgsp.refusal(failure)

    def dev(self, request: Request) -> Response:
        body = request.json() if request.body else {}
        action = request.path.removeprefix("/_dev/")
        if action == "faults":
            with self._lock:
                self._faults = [{"kind": "server_error", "path": ""}] * int(body.get("fail_next", 0))
                corrupt = {"kind": "corrupt", "path": str(body.get("path", ""))}
                self._faults += [corrupt] * int(body.get("corrupt_next", 0))
        elif action == "stats":
            with self._lock:
                return Response(200, {"requests": dict(self.requests)})
        elif action == "reset-stats":
            with self._lock:
                self.requests.clear()
        elif action == "expire-tokens":
            self.store.expire_tokens()
        elif action == "agencies":
            for agency in body.get("agencies", []):
                self.store.upsert_agency(agency, system_id=agency.get("system"))
        elif action == "packages":
            # Put bytes in a receiver's list as they are, unchecked: how tests hand a poller what a
            # real axis may pass through (a stray byte, an undeclared prefix).
            doc_id = self.store.add_package(
                from_code=str(body.get("from", "")),
                to_codes=[str(code) for code in body.get("to", [])],
                from_system=str(body.get("system", "_dev")),
                message_type=str(body.get("message_type", "edoc")),
                data=base64.b64decode(str(body.get("data", ""))),
            )
            return Response(200, {"ok": True, "docId": doc_id})
        else:
            return Response(404, {"error": f"no dev action {action}"})
        return Response(200, {"ok": True})


def corrupted(answer: Response) -> Response:
    """The answer with its middle byte replaced by "*": inside the base64 of a package, which is
    most of a getEdoc answer, as a faulty proxy or disk would hand it over."""
    body = answer.body
    payload = bytearray(body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode())
    payload[len(payload) // 2] = ord("*")
    return Response(answer.status, bytes(payload), answer.content_type)
