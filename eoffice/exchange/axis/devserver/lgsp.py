"""The LGSP dialect of the development axis: `POST /token` (WSO2 client credentials), the REST
resources under the API path, X-SystemId/X-SecretKey or a bearer token, the published codes."""

from __future__ import annotations

import base64
import binascii
import datetime
import hmac
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from eoffice.exchange.axis.devserver.http import Request, Response
from eoffice.exchange.axis.devserver.hub import Hub, Refusal
from eoffice.exchange.axis.protocol import LgspCode

CODES = {
    "bad_signature": (401, LgspCode.BAD_CREDENTIALS, "Sai SystemId/SecretKey"),
    "timestamp_expired": (401, LgspCode.BAD_CREDENTIALS, "Sai SystemId/SecretKey"),
    "bad_credentials": (401, LgspCode.BAD_CREDENTIALS, "Sai SystemId/SecretKey"),
    "unknown_receiver": (400, LgspCode.UNKNOWN_RECEIVER, "Đơn vị nhận không tồn tại"),
    "sender_not_registered": (400, LgspCode.SENDER_NOT_REGISTERED, "Đơn vị gửi không đăng ký"),
    "receiver_locked": (400, LgspCode.RECEIVER_LOCKED, "Đơn vị nhận đã khóa"),
    "not_found": (404, LgspCode.NOT_FOUND, "Không tìm thấy"),
    "invalid_file": (400, LgspCode.INVALID_FILE, "File không hợp lệ"),
    "edxml_invalid": (400, LgspCode.EDXML_INVALID, "edXML không đúng chuẩn"),
    "server_error": (500, LgspCode.SERVER_ERROR, "Lỗi hệ thống LGSP"),
    "file_processing": (500, LgspCode.FILE_PROCESSING, "Lỗi xử lý file"),
    "bad_request": (400, LgspCode.BAD_REQUEST, "Yêu cầu không hợp lệ"),
}
STATUSES = {"INITIAL", "PROCESSING", "DONE", "FAIL"}


def refusal(exc: Refusal) -> Response:
    status, code, desc = CODES[exc.kind]
    return Response(status, {"ErrorCode": code, "ErrorDesc": f"{desc}: {exc.detail}"[:500], "data": None})


def ok(data: Any = None) -> Response:
    return Response(200, {"ErrorCode": LgspCode.OK, "ErrorDesc": "Thành công", "data": data})


class LgspDialect:
    def __init__(
        self,
        hub: Hub,
        *,
        api_path: str,
        province_path: str,
        province_code: str,
        token_ttl: int,
        clock: Callable[[], datetime.datetime],
    ) -> None:
        self.hub = hub
        self.api_path = api_path.rstrip("/")
        self.province_path = province_path
        self.province_code = province_code
        self.token_ttl = token_ttl
        self.clock = clock

    def owns(self, path: str) -> bool:
        return path == "/token" or path.startswith(self.api_path + "/")

    # -- authentication ---------------------------------------------------------------------------
    def token(self, request: Request) -> Response:
        """WSO2-style client credentials: Basic consumer key/secret, form grant_type."""
        if request.method != "POST":
            return Response(405, {"error": "invalid_request"})
        form = request.body.decode("utf-8", "replace")
        auth = request.header("Authorization") or ""
        scheme, _, encoded = auth.partition(" ")
        try:
            key, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            key = secret = ""
        system = self.hub.store.system_for_consumer(key) if scheme.lower() == "basic" else None
        if "grant_type=client_credentials" not in form:
            return Response(400, {"error": "unsupported_grant_type"})
        if system is None or not hmac.compare_digest(str(system["consumer_secret"]), secret):
            return Response(
                401, {"error": "invalid_client", "error_description": "Client Authentication failed."}
            )
        token = self.hub.store.issue_token(str(system["id"]), self.token_ttl, self.clock())
        return Response(
            200,
            {"access_token": token, "scope": "default", "token_type": "Bearer", "expires_in": self.token_ttl},
        )

    def authenticate(self, request: Request) -> str:
        auth = request.header("Authorization") or ""
        if auth.lower().startswith("bearer "):
            system_id = self.hub.store.system_for_token(auth[7:].strip(), self.clock())
            if system_id is None:
                # WSO2 answers an unknown or expired token with 401 before the API sees the call.
                raise Refusal("bad_credentials", "invalid or expired access token")
            return system_id
        system_id = request.header("X-SystemId") or ""
        secret = request.header("X-SecretKey") or ""
        system = self.hub.store.system(system_id)
        if system is None or not hmac.compare_digest(str(system["secret"]), secret):
            raise Refusal("bad_credentials", f"SystemId {system_id!r} or its SecretKey is wrong")
        return system_id

    # -- routing ----------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if request.path == "/token":
            return self.token(request)
        try:
            system_id = self.authenticate(request)
            parts = [unquote(p) for p in request.path[len(self.api_path) + 1 :].split("/") if p]
            return self.dispatch(system_id, request, parts)
        except Refusal as exc:
            return refusal(exc)

    def dispatch(self, system_id: str, request: Request, parts: list[str]) -> Response:
        route = (request.method, parts[0] if parts else "", len(parts))
        if route == ("GET", "vanbans", 1):
            return self.list_packages(system_id, request)
        if route == ("POST", "vanbans", 1):
            return self.send(system_id, request)
        if route == ("GET", "vanbans", 2):
            row = self.hub.package(system_id=system_id, doc_id=parts[1])
            content = base64.b64encode(bytes(row["data"])).decode("ascii")
            return ok({"docId": row["id"], "messageType": row["message_type"], "content": content})
        if route == ("PUT", "vanbans", 2):
            body = request.json()
            status = str(body.get("status", "")) if isinstance(body, dict) else ""
            if status not in STATUSES:
                raise Refusal("bad_request", f"status must be one of {sorted(STATUSES)}")
            self.hub.set_status(system_id=system_id, doc_id=parts[1], status=status)
            return ok()
        if route[:2] == ("GET", "donvilienthongs") and len(parts) <= 2:
            if len(parts) == 2 and parts[1] != self.province_path:
                raise Refusal("not_found", f"no directory {parts[1]!r}")
            suffix = f".{self.province_code}" if len(parts) == 2 else ""
            return ok([self._agency(a) for a in self.hub.store.agencies(suffix=suffix)])
        if route == ("POST", "donvilienthongs", 1):
            body = request.json()
            if not isinstance(body, dict):
                raise Refusal("bad_request", "the body must be a JSON object")
            self.hub.register(system_id=system_id, data=body)
            return ok()
        if route == ("PUT", "donvilienthongs", 1):
            body = request.json()
            code = str(body.get("code", "")) if isinstance(body, dict) else ""
            self.hub.unregister(system_id=system_id, code=code)
            return ok()
        raise Refusal("not_found", f"no resource {request.method} {request.path}")

    def list_packages(self, system_id: str, request: Request) -> Response:
        message_type = (request.query.get("messageType") or ["edoc"])[0]
        rows = self.hub.pending(system_id=system_id, message_type=message_type)
        return ok(
            [
                {
                    "serviceType": "eDoc",
                    "messageType": row["message_type"],
                    "statusDesc": "",
                    "docId": row["id"],
                    "from": row["from_code"],
                    "to": row["to_code"],
                    "status": row["status"],
                    "createdTime": row["created"],
                }
                for row in rows
            ]
        )

    def send(self, system_id: str, request: Request) -> Response:
        body = request.json()
        if not isinstance(body, dict):
            raise Refusal("invalid_file", "the body must be a JSON object")
        try:
            package = base64.b64decode(str(body.get("content") or ""), validate=True)
        except (binascii.Error, ValueError):
            raise Refusal("invalid_file", "content is not base64") from None
        receivers = body.get("to") or []
        if not isinstance(receivers, list):
            raise Refusal("bad_request", "'to' must be a list")
        doc_id = self.hub.send(
            system_id=system_id,
            sender=str(body.get("from") or ""),
            package=package,
            message_type=str(body.get("loaiVanBan") or "edoc"),
            receivers=[str(r) for r in receivers],
        )
        return ok({"docId": doc_id})

    @staticmethod
    def _agency(a: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": a["id"],
            "code": a["code"],
            "pcode": a["pcode"],
            "name": a["name"],
            "email": a["mail"],
            "mobile": a["mobile"],
            "fax": a["fax"],
            "codeQD20": a["code_qd20"],
        }
