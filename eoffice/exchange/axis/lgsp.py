"""The provincial LGSP REST style adapter (edxml.md §10.2 paths, §10.3 headers and error codes).

Resources under `account.api_path` (Quảng Nam: /truclienthong/v1.0.0): `vanbans` (list, send),
`vanbans/{docId}` (fetch, transport status), `donvilienthongs` (national directory, register,
unregister) and `donvilienthongs/{province}` (provincial directory). Authentication is either the
per-unit `X-SystemId`/`X-SecretKey` headers (Lạng Sơn) or a bearer token from `POST /token` with the
consumer key and secret (WSO2 API Manager, Quảng Nam). Answers are JSON
`{"ErrorCode": int, "ErrorDesc": str, "data": ...}`.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from eoffice.exchange.axis import errors, jsonfield
from eoffice.exchange.axis.base import (
    AxisAdapter,
    AxisAgency,
    AxisStyle,
    MessageType,
    Package,
    PendingPackage,
    TransportStatus,
    pending_from,
)
from eoffice.exchange.axis.protocol import LGSP_STATUS, LgspCode

_ERRORS: dict[int, Callable[[str, str], errors.AxisError]] = {
    LgspCode.INVALID_FILE: errors.invalid_file,
    LgspCode.BAD_CREDENTIALS: errors.bad_credentials,
    LgspCode.UNKNOWN_RECEIVER: errors.unknown_receiver,
    LgspCode.SENDER_NOT_REGISTERED: errors.sender_not_registered,
    LgspCode.SERVER_ERROR: errors.server_error,
    LgspCode.FILE_PROCESSING: errors.file_processing_error,
    LgspCode.EDXML_INVALID: errors.edxml_not_conformant,
    LgspCode.RECEIVER_LOCKED: errors.receiver_locked,
    LgspCode.NOT_FOUND: errors.not_found,
    LgspCode.BAD_REQUEST: errors.bad_request,
}


class _TokenExpired(Exception):
    pass


class LgspAdapter(AxisAdapter):
    style = AxisStyle.LGSP

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._token = ""
        self._token_lock = threading.Lock()

    # -- transport --------------------------------------------------------------------------------
    def _root(self) -> str:
        return self.account.base_url.rstrip("/")

    def _fetch_token(self) -> str:
        response = self._http(
            "POST",
            self._root() + "/token",
            data={"grant_type": "client_credentials"},
            auth=(self.account.consumer_key, self.account.consumer_secret),
        )
        if response.status_code in (400, 401):
            raise errors.bad_credentials(str(response.status_code), response.text[:300])
        answer = self._json(response)
        token = str(answer.get("access_token") or "")
        if response.status_code >= 500:
            raise errors.server_error(str(response.status_code), response.text[:300])
        if not token:
            raise errors.bad_response(str(response.status_code), "token answer without access_token")
        return token

    def _auth_headers(self) -> dict[str, str]:
        if self.account.auth == "token":
            with self._token_lock:
                if not self._token:
                    self._token = self._fetch_token()
                return {"Authorization": f"Bearer {self._token}"}
        return {"X-SystemId": self.account.system_id, "X-SecretKey": self.account.secret}

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        url = self._root() + self.account.api_path.rstrip("/") + "/" + path

        def once() -> Any:
            try:
                return self._once(method, url, **kwargs)
            except _TokenExpired:
                # A WSO2 token expires on its own schedule: fetch a new one and ask once more.
                with self._token_lock:
                    self._token = ""
                return self._once(method, url, retry_token=False, **kwargs)

        return self._retrying(once)

    def _once(
        self,
        method: str,
        url: str,
        *,
        retry_token: bool = True,
        package_into: IO[bytes] | None = None,
        json_file: Path | None = None,
        **kwargs: Any,
    ) -> Any:
        streamed = package_into is not None
        headers = self._auth_headers()
        if json_file is not None:
            headers["Content-Type"] = "application/json"
        body = json_file.open("rb") if json_file is not None else None  # opened afresh on each try
        try:
            response = self._http(method, url, headers=headers, data=body, stream=streamed, **kwargs)
        finally:
            if body is not None:
                body.close()
        if response.status_code == 401 and self.account.auth == "token" and retry_token:
            response.close()
            raise _TokenExpired
        if package_into is not None:
            answer = self._json_with_package(response, ("data", "content"), package_into)
        else:
            answer = self._json(response)
        try:
            code = int(answer.get("ErrorCode", -1))
        except (TypeError, ValueError):
            raise errors.bad_response(str(response.status_code), "ErrorCode is not a number") from None
        desc = str(answer.get("ErrorDesc", ""))[:300]
        if code == LgspCode.OK and response.status_code < 400:
            return answer.get("data")
        make = _ERRORS.get(code)
        if make is not None:
            raise make(str(code), desc)
        if response.status_code == 404:
            raise errors.not_found(str(code), desc)
        if response.status_code >= 500:
            raise errors.server_error(str(code), desc)
        raise errors.bad_response(str(code), f"HTTP {response.status_code}: {desc}")

    # -- packages ---------------------------------------------------------------------------------
    def send(
        self, package: Package, *, sender: str, message_type: MessageType, receivers: Sequence[str] = ()
    ) -> str:
        fields: dict[str, Any] = {"from": sender, "loaiVanBan": str(message_type)}
        if receivers:
            fields["to"] = list(receivers)
        # The package's base64 is written to a file beside it, not built in memory (270 MB for 200).
        with tempfile.TemporaryDirectory(prefix="axis-", dir=self.account.spool_dir or None) as folder:
            body = Path(folder) / "body.json"
            with body.open("wb") as out:
                jsonfield.write_with_base64(fields, "content", package, out)
            data = self._call("POST", "vanbans", json_file=body)
        doc_id = str((data or {}).get("docId") or "") if isinstance(data, dict) else ""
        if not doc_id:
            raise errors.bad_response(detail="POST vanbans answered without docId")
        return doc_id

    def pending(self, *, message_type: MessageType) -> list[PendingPackage]:
        items = self._call("GET", "vanbans", params={"messageType": str(message_type)}) or []
        return pending_from(
            items, message_type, operation="GET vanbans", created_key="createdTime", desc_key="statusDesc"
        )

    def _fetch_into(self, doc_id: str, out: IO[bytes]) -> None:
        self._call("GET", f"vanbans/{quote(doc_id, safe='')}", package_into=out)

    def acknowledge(self, doc_id: str, status: TransportStatus) -> None:
        self._call("PUT", f"vanbans/{quote(doc_id, safe='')}", json={"status": LGSP_STATUS[str(status)]})

    # -- directory --------------------------------------------------------------------------------
    def agencies(self, *, provincial: bool = False) -> list[AxisAgency]:
        path = f"donvilienthongs/{self.account.province_path}" if provincial else "donvilienthongs"
        items = self._call("GET", path) or []
        return [
            AxisAgency(
                code=str(a["code"]),
                name=str(a.get("name", "")),
                parent_code=str(a.get("pcode") or ""),
                code_qd20=str(a.get("codeQD20") or ""),
                email=str(a.get("email") or ""),
                phone=str(a.get("mobile") or ""),
                fax=str(a.get("fax") or ""),
                axis_id=str(a.get("id") or ""),
            )
            for a in items
            if isinstance(a, dict) and a.get("code")
        ]

    def register_agency(self, agency: AxisAgency) -> None:
        body = {
            "code": agency.code,
            "pcode": agency.parent_code,
            "name": agency.name,
            "email": agency.email,
            "fax": agency.fax,
            "mobile": agency.phone,
        }
        self._call("POST", "donvilienthongs", json=body)

    def unregister_agency(self, code: str) -> None:
        self._call("PUT", "donvilienthongs", json={"code": code})
