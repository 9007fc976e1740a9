"""The one interface every axis adapter implements, and what travels through it.

An axis (trục liên thông: the national VDXP run by VNPT, or a provincial LGSP) is a store-and-forward
hub reached by *pulling*: we send packages to it, and we poll it for packages addressed to the
agencies our system account hosts, fetch each one, then acknowledge it as done or failed (a
transport status, separate from the QCVN 102 business status carried inside status packages).
Packages are opaque bytes here: building and checking edXML is the codec's job.
"""

from __future__ import annotations

import abc
import hashlib
import random
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, BinaryIO, TypeVar

import requests

from eoffice.exchange.axis import errors, jsonfield

T = TypeVar("T")
CHUNK = 1 << 16
# A package to send: in memory, or in a file the outbox built (read as it is sent).
Package = bytes | Path


def sha256_hex(package: Package) -> str:
    if isinstance(package, bytes):
        return hashlib.sha256(package).hexdigest()
    with package.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@contextmanager
def opened(body: Package) -> Iterator[bytes | BinaryIO]:
    """A request body: bytes as they are, a file opened afresh (each retry reads it from the start)."""
    if isinstance(body, bytes):
        yield body
    else:
        with body.open("rb") as handle:
            yield handle


class AxisStyle(StrEnum):
    VXP = "vxp"  # VNPT VXP SDK style: HMAC-SHA256 signed XroadVnpt-* headers (edxml.md §10.1)
    LGSP = "lgsp"  # provincial LGSP REST style: token or X-SystemId/X-SecretKey (edxml.md §10.2-10.3)


class MessageType(StrEnum):
    EDOC = "edoc"
    STATUS = "status"


class TransportStatus(StrEnum):
    """What we tell the axis about a package we pulled (never a QCVN 102 status code)."""

    PROCESSING = "processing"
    DONE = "done"
    FAIL = "fail"


@dataclass(frozen=True)
class AxisAccount:
    """How this installation reaches one axis. `system_id`/`secret` are the system account the
    axis operator issued; with LGSP `auth="token"` the consumer key/secret fetch a bearer token."""

    style: AxisStyle
    base_url: str
    system_id: str
    secret: str
    auth: str = "key"  # LGSP only: "key" (X-SystemId/X-SecretKey) or "token" (OAuth2 client credentials)
    consumer_key: str = ""
    consumer_secret: str = ""
    timeout: float = 30.0
    # VNPT's SDK default is client.max-error-retry=4.
    max_retries: int = 4
    backoff_seconds: float = 0.5
    max_backoff_seconds: float = 8.0
    # LGSP: path of the REST API under the host (Quảng Nam: /truclienthong/v1.0.0).
    api_path: str = "/truclienthong/v1.0.0"
    # LGSP: the provincial directory's path segment (Quảng Nam: donvilienthongs/qn).
    province_path: str = "qn"
    # The largest package we take (the edXML limit): a fetch answer may be its base64 and a little more.
    max_package_bytes: int = 300 * 1024 * 1024
    # Where fetched packages are written while they are received (the caller deletes them).
    spool_dir: str = ""


@dataclass(frozen=True)
class PendingPackage:
    doc_id: str
    message_type: MessageType
    sender: str
    receiver: str
    status: str = ""
    created: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SentReport:
    """The axis's view of one package we sent, per receiver (VXP getSentEdocList)."""

    sender_doc_id: str
    receiver_doc_id: str
    receiver: str
    send_status: str
    receive_status: str
    description: str = ""


@dataclass(frozen=True)
class AxisAgency:
    code: str
    name: str
    parent_code: str = ""
    code_qd20: str = ""
    email: str = ""
    phone: str = ""
    fax: str = ""
    axis_id: str = ""


class AxisAdapter(abc.ABC):
    """Send, list pending, fetch, acknowledge, and the agency directory of one axis."""

    style: AxisStyle

    def __init__(
        self,
        account: AxisAccount,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.account = account
        self.session = session or requests.Session()
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security

    # -- packages ---------------------------------------------------------------------------------
    @abc.abstractmethod
    def send(
        self, package: Package, *, sender: str, message_type: MessageType, receivers: Sequence[str] = ()
    ) -> str:
        """Hand a package to the axis; returns the axis's document id. `receivers` may be empty:
        the axis then routes by the edXML To (edoc) or ResponseFor (status) organ ids."""

    @abc.abstractmethod
    def pending(self, *, message_type: MessageType) -> list[PendingPackage]:
        """Packages waiting for the agencies of this system account (not yet done/fail)."""

    def fetch_file(self, doc_id: str) -> Path:
        """The package, written to a new file as the axis's answer is read (never whole in memory);
        the caller deletes the file. A package missing from an OK answer gives an empty file."""
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept past this block for the caller
            dir=self.account.spool_dir or None, prefix="axis-", suffix=".edxml", delete=False
        )
        try:
            with handle:
                self._fetch_into(doc_id, handle)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
        return Path(handle.name)

    def fetch(self, doc_id: str) -> bytes:
        path = self.fetch_file(doc_id)
        try:
            return path.read_bytes()
        finally:
            path.unlink(missing_ok=True)

    @abc.abstractmethod
    def _fetch_into(self, doc_id: str, out: IO[bytes]) -> None:
        """Write the package `doc_id` to `out` (from its start: a retried call starts it again)."""

    @abc.abstractmethod
    def acknowledge(self, doc_id: str, status: TransportStatus) -> None: ...

    def sent_reports(self, *, message_type: MessageType = MessageType.EDOC) -> list[SentReport]:
        raise errors.bad_request(detail=f"{self.style} has no sent-package report")

    # -- directory --------------------------------------------------------------------------------
    @abc.abstractmethod
    def agencies(self) -> list[AxisAgency]: ...

    @abc.abstractmethod
    def register_agency(self, agency: AxisAgency) -> None: ...

    @abc.abstractmethod
    def unregister_agency(self, code: str) -> None: ...

    # -- helpers ----------------------------------------------------------------------------------
    def poll(self, *, message_type: MessageType) -> Iterator[tuple[PendingPackage, Path]]:
        """Each pending package with the file it was fetched to (streamed, never whole in memory),
        which lives until the loop moves on. The caller acknowledges each one itself, after it has
        stored (done) or quarantined (fail) the package, so a crash in between re-delivers."""
        for item in self.pending(message_type=message_type):
            path = self.fetch_file(item.doc_id)
            try:
                yield item, path
            finally:
                path.unlink(missing_ok=True)

    def _retrying(self, call: Callable[[], T]) -> T:
        """Run `call`, retrying only retryable errors, with exponential back-off and full jitter."""
        attempt = 0
        while True:
            try:
                return call()
            except errors.AxisError as exc:
                if not exc.retryable or attempt >= self.account.max_retries:
                    raise
            ceiling = min(self.account.max_backoff_seconds, self.account.backoff_seconds * 2**attempt)
            self._sleep(self._rng.uniform(0, ceiling))
            attempt += 1

    def _http(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            return self.session.request(method, url, timeout=self.account.timeout, **kwargs)
        except requests.RequestException as exc:
            raise errors.unreachable(detail=f"{type(exc).__name__}: {exc}") from exc
        except (UnicodeError, ValueError) as exc:
            # A secret or code that cannot travel in an HTTP header: the account is misconfigured.
            raise errors.bad_configuration(detail=f"{type(exc).__name__}: {exc}") from exc

    @staticmethod
    def _json(response: requests.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            if response.status_code >= 500:
                raise errors.server_error(str(response.status_code), response.text[:300]) from None
            raise errors.bad_response(str(response.status_code), response.text[:300]) from None
        if not isinstance(body, dict):
            raise errors.bad_response(str(response.status_code), "JSON body is not an object")
        return body

    def _json_with_package(
        self, response: requests.Response, path: Sequence[str], out: IO[bytes]
    ) -> dict[str, Any]:
        """The answer of a streamed request (`stream=True`), its base64 package at `path` decoded
        into `out` as it arrives; more than the package's base64 could be is refused."""
        limit = self.account.max_package_bytes * 4 // 3 + 4 + jsonfield.MAX_REST
        received = 0

        def chunks() -> Iterator[bytes]:
            nonlocal received
            for chunk in response.iter_content(CHUNK):
                received += len(chunk)
                if received > limit:
                    raise errors.too_large(str(response.status_code), f"answer over {limit} bytes")
                yield chunk

        out.seek(0)
        out.truncate()
        try:
            return jsonfield.decode_field(chunks(), path, out)
        except jsonfield.FieldError as exc:
            make = errors.server_error if response.status_code >= 500 else errors.bad_response
            raise make(str(response.status_code), str(exc)) from None
        except requests.RequestException as exc:
            raise errors.unreachable(detail=f"{type(exc).__name__}: {exc}") from exc
        finally:
            response.close()


def pending_from(
    items: Any, message_type: MessageType, *, operation: str, created_key: str, desc_key: str
) -> list[PendingPackage]:
    """The pending list of either dialect: the same fields, two spellings of the date and note."""
    if not isinstance(items, list):
        raise errors.bad_response(detail=f"{operation}: data is not a list")
    return [
        PendingPackage(
            doc_id=str(item["docId"]),
            message_type=MessageType(item.get("messageType") or message_type),
            sender=str(item.get("from", "")),
            receiver=str(item.get("to", "")),
            status=str(item.get("status", "")),
            created=str(item.get(created_key, "")),
            extra={"status_desc": item.get(desc_key, "")},
        )
        for item in items
        if isinstance(item, dict) and item.get("docId")
    ]


def adapter_for(account: AxisAccount, **kwargs: Any) -> AxisAdapter:
    from eoffice.exchange.axis.lgsp import LgspAdapter
    from eoffice.exchange.axis.vxp import VxpAdapter

    adapters: dict[AxisStyle, type[AxisAdapter]] = {AxisStyle.VXP: VxpAdapter, AxisStyle.LGSP: LgspAdapter}
    return adapters[AxisStyle(account.style)](account, **kwargs)
