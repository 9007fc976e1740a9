"""The VNPT VXP style adapter (national document axis, edxml.md §10.1).

Parameters travel as signed `XroadVnpt-*` headers (see `protocol`); bodies are the raw edXML for
/sendEdoc and JSON for /registerAgency. Packages come back base64-encoded in `data`.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from typing import IO, Any

from eoffice.exchange.axis import errors
from eoffice.exchange.axis.base import (
    AxisAdapter,
    AxisAgency,
    AxisStyle,
    MessageType,
    Package,
    PendingPackage,
    SentReport,
    TransportStatus,
    opened,
    pending_from,
    sha256_hex,
)
from eoffice.exchange.axis.protocol import (
    VXP_CONTENT_HASH,
    VXP_PREFIX,
    VXP_USER_AGENT,
    VXP_VERSION,
    VxpCode,
    vxp_timestamp,
)

_ERRORS: dict[str, Callable[[str, str], errors.AxisError]] = {
    VxpCode.BAD_SIGNATURE: errors.bad_signature,
    VxpCode.TIMESTAMP_EXPIRED: errors.timestamp_expired,
    VxpCode.UNKNOWN_SYSTEM: errors.bad_credentials,
    VxpCode.UNKNOWN_RECEIVER: errors.unknown_receiver,
    VxpCode.SENDER_NOT_REGISTERED: errors.sender_not_registered,
    VxpCode.NOT_FOUND: errors.not_found,
    VxpCode.INVALID_FILE: errors.invalid_file,
    VxpCode.EDXML_INVALID: errors.edxml_not_conformant,
    VxpCode.SERVER_ERROR: errors.server_error,
    VxpCode.BAD_REQUEST: errors.bad_request,
    VxpCode.RECEIVER_LOCKED: errors.receiver_locked,
}


def sign_headers(
    params: dict[str, str], *, system_id: str, secret: str, content_type: str, now: datetime.datetime
) -> dict[str, str]:
    """The SDK's header set for one call (VnptService.addXroadVnptHashHeader)."""
    signed = {"timestamp": vxp_timestamp(now), "systemid": system_id, "Content-Type": content_type} | params
    sign_header = json.dumps({VXP_PREFIX + k: v for k, v in signed.items()}, separators=(",", ":"))
    digest = hmac.new(secret.encode(), sign_header.encode(), hashlib.sha256).hexdigest()
    headers = {VXP_PREFIX + k: v for k, v in signed.items()}
    headers |= {
        "Content-Type": content_type,
        "XroadVnpt-sign-header-key": ";".join(signed),
        "XroadVnpt-sign-header": sign_header,
        "XroadVnpt-hash-header": digest,
        "User-Agent": VXP_USER_AGENT,
        "XroadVnpt-version": VXP_VERSION,
    }
    return headers


class VxpAdapter(AxisAdapter):
    style = AxisStyle.VXP
    clock: Callable[[], datetime.datetime] = staticmethod(lambda: datetime.datetime.now(datetime.UTC))

    def _call(
        self,
        operation: str,
        params: dict[str, str] | None = None,
        *,
        body: Package = b"",
        content_type: str = "application/json",
        package_into: IO[bytes] | None = None,
    ) -> dict[str, Any]:
        """One operation's answer; with `package_into`, its base64 `data` is decoded there as it arrives."""

        def once() -> dict[str, Any]:
            headers = sign_headers(
                params or {},
                system_id=self.account.system_id,
                secret=self.account.secret,
                content_type=content_type,
                now=self.clock(),
            )
            url = self.account.base_url.rstrip("/") + "/" + operation
            if package_into is None:
                with opened(body) as data:
                    answer = self._json(self._http("POST", url, headers=headers, data=data))
            else:
                response = self._http("POST", url, headers=headers, data=body, stream=True)
                answer = self._json_with_package(response, ("data",), package_into)
            code = str(answer.get("ErrorCode", ""))
            if code == VxpCode.OK and answer.get("status") != "FAIL":
                return answer
            desc = str(answer.get("ErrorDesc", ""))[:300]
            make = _ERRORS.get(code)
            if make is None:
                if response.status_code >= 500:
                    raise errors.server_error(code, desc)
                raise errors.bad_response(code, f"HTTP {response.status_code}: {desc}")
            raise make(code, desc)

        return self._retrying(once)

    # -- packages ---------------------------------------------------------------------------------
    def send(
        self, package: Package, *, sender: str, message_type: MessageType, receivers: Sequence[str] = ()
    ) -> str:
        params = {
            "from": sender,
            "servicetype": "eDoc",
            "messagetype": str(message_type),
            VXP_CONTENT_HASH: sha256_hex(package),
        }
        if receivers:
            # The SDK sends `to` as the JSON text of the array (KnobstickServiceImp.sendEdoc).
            params["to"] = json.dumps(list(receivers))
        answer = self._call("sendEdoc", params, body=package, content_type="application/octet-stream")
        doc_id = str(answer.get("DocId") or "")
        if not doc_id:
            raise errors.bad_response(detail="sendEdoc answered without DocId")
        return doc_id

    def pending(self, *, message_type: MessageType) -> list[PendingPackage]:
        answer = self._call("getReceivedEdocList", {"servicetype": "eDoc", "messagetype": str(message_type)})
        return pending_from(
            answer.get("data") or [],
            message_type,
            operation="getReceivedEdocList",
            created_key="created_time",
            desc_key="status_desc",
        )

    def _fetch_into(self, doc_id: str, out: IO[bytes]) -> None:
        self._call("getEdoc", {"docId": doc_id, "filePath": ""}, package_into=out)

    def acknowledge(self, doc_id: str, status: TransportStatus) -> None:
        self._call("updateStatus", {"docId": doc_id, "status": str(status)})

    def sent_reports(self, *, message_type: MessageType = MessageType.EDOC) -> list[SentReport]:
        answer = self._call("getSentEdocList", {"servicetype": "eDoc", "messagetype": str(message_type)})
        return [
            SentReport(
                sender_doc_id=str(item.get("senderDocId", "")),
                receiver_doc_id=str(item.get("receiverDocId", "")),
                receiver=str(item.get("toCode", "")),
                send_status=str(item.get("sendStatus", "")),
                receive_status=str(item.get("receiveStatus", "")),
                description=str(item.get("receiveStatusDesc") or item.get("sendStatusDesc") or ""),
            )
            for item in answer.get("data") or []
            if isinstance(item, dict)
        ]

    # -- directory --------------------------------------------------------------------------------
    def agencies(self) -> list[AxisAgency]:
        listed = self._call("getAgenciesList").get("data") or []
        # /getAgenciesListQD20 gives each agency's QĐ 20/2020 code next to its QCVN 102 `code102`.
        qd20 = self._call("getAgenciesListQD20", {"level": "1"}).get("data") or []
        qd20_by_102 = {str(a.get("code102")): str(a.get("code", "")) for a in qd20 if isinstance(a, dict)}
        return [
            AxisAgency(
                code=str(a["code"]),
                name=str(a.get("name", "")),
                parent_code=str(a.get("pcode") or ""),
                code_qd20=qd20_by_102.get(str(a["code"]), ""),
                email=str(a.get("mail") or ""),
                phone=str(a.get("mobile") or ""),
                fax=str(a.get("fax") or ""),
                axis_id=str(a.get("id") or ""),
            )
            for a in listed
            if isinstance(a, dict) and a.get("code")
        ]

    def register_agency(self, agency: AxisAgency) -> None:
        body = {
            "id": agency.axis_id,
            "pcode": agency.parent_code,
            "code": agency.code,
            "name": agency.name,
            "mail": agency.email,
            "mobile": agency.phone,
            "fax": agency.fax,
        }
        self._call("registerAgency", body=json.dumps(body, ensure_ascii=False).encode())

    def unregister_agency(self, code: str) -> None:
        self._call("deleteAgency", {"AgencyCode": code})
