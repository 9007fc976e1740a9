"""The VXP dialect of the development axis: signed XroadVnpt-* headers, SDK JSON answers."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from eoffice.exchange.axis.devserver.http import Request, Response
from eoffice.exchange.axis.devserver.hub import Hub, Refusal
from eoffice.exchange.axis.protocol import VXP_CONTENT_HASH, VXP_PREFIX, VxpCode, parse_vxp_timestamp

CODES = {
    "bad_signature": (401, VxpCode.BAD_SIGNATURE, "Chữ ký không hợp lệ"),
    "timestamp_expired": (401, VxpCode.TIMESTAMP_EXPIRED, "Thời gian yêu cầu đã hết hạn"),
    "bad_credentials": (401, VxpCode.UNKNOWN_SYSTEM, "Mã hệ thống không tồn tại"),
    "unknown_receiver": (200, VxpCode.UNKNOWN_RECEIVER, "Đơn vị nhận không tồn tại"),
    "sender_not_registered": (200, VxpCode.SENDER_NOT_REGISTERED, "Đơn vị gửi không đăng ký"),
    "receiver_locked": (200, VxpCode.RECEIVER_LOCKED, "Đơn vị nhận đã khóa"),
    "not_found": (200, VxpCode.NOT_FOUND, "Không tìm thấy văn bản"),
    "invalid_file": (200, VxpCode.INVALID_FILE, "File không hợp lệ"),
    "edxml_invalid": (200, VxpCode.EDXML_INVALID, "edXML không đúng chuẩn"),
    "server_error": (500, VxpCode.SERVER_ERROR, "Lỗi hệ thống"),
    "bad_request": (400, VxpCode.BAD_REQUEST, "Yêu cầu không hợp lệ"),
}

OPERATIONS = (
    "sendEdoc",
    "getReceivedEdocList",
    "getEdoc",
    "downloadEdoc",
    "updateStatus",
    "getSentEdocList",
    "countReceiveEdoc",
    "countReceiveStatus",
    "getAgenciesList",
    "getAgenciesListQD20",
    "registerAgency",
    "deleteAgency",
    "getSynchronizeUnit",
)


def refusal(exc: Refusal) -> Response:
    status, code, desc = CODES[exc.kind]
    return Response(status, {"status": "FAIL", "ErrorCode": code, "ErrorDesc": f"{desc}: {exc.detail}"[:500]})


def ok(**data: Any) -> Response:
    return Response(200, {"status": "OK", "ErrorCode": VxpCode.OK, "ErrorDesc": "Success"} | data)


class VxpDialect:
    def __init__(self, hub: Hub, *, max_skew: int, clock: Callable[[], datetime.datetime]) -> None:
        self.hub = hub
        self.max_skew = max_skew
        self.clock = clock

    def authenticate(self, request: Request) -> tuple[str, dict[str, str]]:
        """The calling system and its signed parameters (without the XroadVnpt- prefix)."""
        sign_header = request.header("XroadVnpt-sign-header")
        keys = request.header("XroadVnpt-sign-header-key")
        digest = request.header("XroadVnpt-hash-header")
        if not sign_header or not keys or not digest:
            raise Refusal("bad_signature", "signature headers are missing")
        try:
            signed = json.loads(sign_header)
        except ValueError:
            raise Refusal("bad_signature", "XroadVnpt-sign-header is not JSON") from None
        if not isinstance(signed, dict) or not all(isinstance(v, str) for v in signed.values()):
            raise Refusal("bad_signature", "XroadVnpt-sign-header is not an object of strings")
        system_id = signed.get(VXP_PREFIX + "systemid", "")
        system = self.hub.store.system(system_id)
        if system is None:
            raise Refusal("bad_credentials", f"unknown systemid {system_id!r}")
        expected = hmac.new(str(system["secret"]).encode(), sign_header.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, digest.lower()):
            raise Refusal("bad_signature", "XroadVnpt-hash-header does not match")
        names = keys.split(";")
        if sorted(VXP_PREFIX + n for n in names) != sorted(signed):
            raise Refusal("bad_signature", "XroadVnpt-sign-header-key does not list the signed headers")
        for name in names:
            if request.header(VXP_PREFIX + name) != signed[VXP_PREFIX + name]:
                raise Refusal("bad_signature", f"header {VXP_PREFIX}{name} differs from the signed value")
        try:
            stamp = parse_vxp_timestamp(signed.get(VXP_PREFIX + "timestamp", ""))
        except ValueError as exc:
            raise Refusal("bad_signature", str(exc)) from exc
        skew = abs((self.clock() - stamp).total_seconds())
        if skew > self.max_skew:
            raise Refusal("timestamp_expired", f"timestamp is {skew:.0f} s away from the server's clock")
        return str(system["id"]), {k.removeprefix(VXP_PREFIX): v for k, v in signed.items()}

    def handle(self, operation: str, request: Request) -> Response:
        try:
            system_id, params = self.authenticate(request)
            return getattr(self, f"op_{operation}")(system_id, params, request)
        except Refusal as exc:
            return refusal(exc)

    # -- packages ---------------------------------------------------------------------------------
    def op_sendEdoc(self, system_id: str, params: dict[str, str], request: Request) -> Response:
        declared = params.get(VXP_CONTENT_HASH, "")
        if declared and declared != hashlib.sha256(request.body).hexdigest():
            raise Refusal("invalid_file", "content-sha256 does not match the body")
        receivers: list[str] = []
        if params.get("to"):
            try:
                receivers = [str(code) for code in json.loads(params["to"])]
            except (ValueError, TypeError):
                raise Refusal("bad_request", "'to' is not a JSON array") from None
        doc_id = self.hub.send(
            system_id=system_id,
            sender=params.get("from", ""),
            package=request.body,
            message_type=params.get("messagetype", "edoc"),
            receivers=receivers,
        )
        return ok(DocId=doc_id)

    def _pending(self, system_id: str, params: dict[str, str]) -> list[dict[str, Any]]:
        return self.hub.pending(system_id=system_id, message_type=params.get("messagetype", "edoc"))

    def op_getReceivedEdocList(self, system_id: str, params: dict[str, str], request: Request) -> Response:
        data = [
            {
                "docId": row["id"],
                "serviceType": "eDoc",
                "messageType": row["message_type"],
                "from": row["from_code"],
                "to": row["to_code"],
                "status": row["status"].lower(),
                "status_desc": "",
                "created_time": row["created"],
                "updated_time": row["updated"],
            }
            for row in self._pending(system_id, params)
        ]
        return ok(data=data)

    def op_countReceiveEdoc(self, system_id: str, params: dict[str, str], request: Request) -> Response:
        return ok(count=len(self._pending(system_id, params | {"messagetype": "edoc"})))

    def op_countReceiveStatus(self, system_id: str, params: dict[str, str], request: Request) -> Response:
        return ok(count=len(self._pending(system_id, params | {"messagetype": "status"})))

    def op_getEdoc(self, system_id: str, params: dict[str, str], request: Request) -> Response:
        row = self.hub.package(system_id=system_id, doc_id=params.get("docId", ""))
        return ok(data=base64.b64encode(bytes(row["data"])).decode("ascii"))

    def op_downloadEdoc(self, system_id: str, params: dict[str, str], request: Request) -> Response:
        row = self.hub.package(system_id=system_id, doc_id=params.get("docId", ""))
        return Response(200, bytes(row["data"]), content_type="application/octet-stream")

    def op_updateStatus(self, system_id: str, params: dict[str, str], request: Request) -> Response:
        status = params.get("status", "")
        if status not in ("done", "fail", "processing"):
            raise Refusal("bad_request", f"status must be done, fail or processing, not {status!r}")
        self.hub.set_status(system_id=system_id, doc_id=params.get("docId", ""), status=status)
        return ok()

    def op_getSentEdocList(self, system_id: str, params: dict[str, str], request: Request) -> Response:
        rows = self.hub.store.sent(system_id=system_id, message_type=params.get("messagetype", "edoc"))
        data = [
            {
                "serviceType": "eDoc",
                "senderDocId": row["sender_doc_id"],
                "receiverDocId": row["id"],
                "fromCode": row["from_code"],
                "toCode": row["to_code"],
                "sendStatus": "done",
                "sendStatusDesc": "",
                "receiveStatus": row["status"].lower(),
                "receiveStatusDesc": "",
                "sentTime": row["created"],
                "receivedTime": row["updated"],
            }
            for row in rows
        ]
        return ok(data=data)

    # -- directory --------------------------------------------------------------------------------
    def op_getAgenciesList(self, system_id: str, params: dict[str, str], request: Request) -> Response:
        fields = ("id", "code", "pcode", "name", "mail", "mobile", "fax")
        return ok(data=[{f: a[f] for f in fields} for a in self.hub.store.agencies()])

    def op_getAgenciesListQD20(self, system_id: str, params: dict[str, str], request: Request) -> Response:
        data = [
            {"id": a["id"], "code": a["code_qd20"], "code102": a["code"], "name": a["name"]}
            for a in self.hub.store.agencies()
            if a["code_qd20"]
        ]
        return ok(data=data)

    def op_getSynchronizeUnit(self, system_id: str, params: dict[str, str], request: Request) -> Response:
        mine = [a for a in self.hub.store.agencies() if a["system_id"] == system_id]
        return ok(data=[{"centerCode": system_id, "code": a["code"], "name": a["name"]} for a in mine])

    def op_registerAgency(self, system_id: str, params: dict[str, str], request: Request) -> Response:
        data = request.json()
        if not isinstance(data, dict):
            raise Refusal("bad_request", "the body must be a JSON object")
        self.hub.register(system_id=system_id, data=data)
        return ok()

    def op_deleteAgency(self, system_id: str, params: dict[str, str], request: Request) -> Response:
        self.hub.unregister(system_id=system_id, code=params.get("AgencyCode", ""))
        return ok()
