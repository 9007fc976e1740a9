"""What the axis does, whatever dialect asked: route, store and hand out packages per receiving
agency, keep transport statuses, keep the agency directory. Refusals carry a dialect-neutral kind
that `vxp` and `lgsp` translate into their own codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from eoffice.exchange.axis.devserver.store import Store

EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
TRANSPORT_STATUSES = ("INITIAL", "PROCESSING", "DONE", "FAIL")


class Refusal(Exception):
    """kind: bad_signature, timestamp_expired, bad_credentials, unknown_receiver,
    sender_not_registered, receiver_locked, not_found, invalid_file, edxml_invalid, server_error,
    bad_request."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Routing:
    sender: str
    receivers: list[str]


def _parser() -> etree.XMLParser:
    # The axis reads untrusted uploads: no entities, no DTD, no network, no huge trees.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def route(package: bytes, message_type: str) -> Routing:
    """The sender and receivers an axis reads from a package: From/OrganId, and To/OrganId for an
    edoc or ResponseFor/OrganId (the original sender) for a status."""
    if not package.strip():
        raise Refusal("invalid_file", "empty file")
    try:
        root = etree.fromstring(package, _parser())
    except etree.XMLSyntaxError as exc:
        raise Refusal("invalid_file", f"not XML: {exc}") from exc
    if root.getroottree().docinfo.doctype:
        raise Refusal("invalid_file", "DOCTYPE is not allowed")
    if etree.QName(root).namespace != EDXML_NS:
        raise Refusal("edxml_invalid", f"root {root.tag} is not in {EDXML_NS}")
    header = next(root.iter(f"{{{EDXML_NS}}}MessageHeader"), None)
    if header is None:
        raise Refusal("edxml_invalid", "no MessageHeader")

    def organ_ids(child: str) -> list[str]:
        path = f"{{{EDXML_NS}}}{child}/{{{EDXML_NS}}}OrganId"
        return [(e.text or "").strip() for e in header.findall(path) if (e.text or "").strip()]

    senders = organ_ids("From")
    receivers = organ_ids("To" if message_type == "edoc" else "ResponseFor")
    if not senders:
        raise Refusal("edxml_invalid", "MessageHeader/From/OrganId is missing")
    return Routing(sender=senders[0], receivers=receivers)


class Hub:
    def __init__(self, store: Store) -> None:
        self.store = store

    def send(
        self, *, system_id: str, sender: str, package: bytes, message_type: str, receivers: Sequence[str] = ()
    ) -> str:
        if message_type not in ("edoc", "status"):
            raise Refusal("bad_request", f"unknown message type {message_type!r}")
        routing = route(package, message_type)
        if sender and sender != routing.sender:
            raise Refusal(
                "sender_not_registered", f"'from' {sender} differs from the package's {routing.sender}"
            )
        owner = self.store.agency(routing.sender)
        if owner is None or owner["system_id"] != system_id:
            raise Refusal("sender_not_registered", f"{routing.sender} is not registered by {system_id}")
        targets = list(receivers) or routing.receivers
        if not targets:
            raise Refusal("edxml_invalid", "the package names no receiver")
        for code in targets:
            agency = self.store.agency(code)
            if agency is None or not agency["system_id"]:
                raise Refusal("unknown_receiver", f"{code} is not on the axis")
            if agency["locked"]:
                raise Refusal("receiver_locked", f"{code} is locked")
        return self.store.add_package(
            from_code=routing.sender,
            to_codes=targets,
            from_system=system_id,
            message_type=message_type,
            data=package,
        )

    def pending(self, *, system_id: str, message_type: str) -> list[dict[str, Any]]:
        return self.store.pending(system_id=system_id, message_type=message_type)

    def package(self, *, system_id: str, doc_id: str) -> Any:
        row = self.store.package_for_receiver(doc_id, system_id=system_id)
        if row is None:
            raise Refusal("not_found", f"no package {doc_id} for {system_id}")
        return row

    def set_status(self, *, system_id: str, doc_id: str, status: str) -> None:
        if status.upper() not in TRANSPORT_STATUSES:
            raise Refusal("bad_request", f"unknown transport status {status!r}")
        if not self.store.set_status_for_receiver(doc_id, system_id=system_id, status=status.upper()):
            raise Refusal("not_found", f"no package {doc_id} for {system_id}")

    def register(self, *, system_id: str, data: dict[str, Any]) -> None:
        code = str(data.get("code") or "").strip()
        if not code or not str(data.get("name") or "").strip():
            raise Refusal("bad_request", "code and name are required")
        existing = self.store.agency(code)
        if existing is not None and existing["system_id"] not in (None, system_id):
            raise Refusal("sender_not_registered", f"{code} belongs to another system")
        self.store.upsert_agency({**data, "code": code}, system_id=system_id)

    def unregister(self, *, system_id: str, code: str) -> None:
        existing = self.store.agency(code)
        if existing is None:
            raise Refusal("not_found", f"no agency {code}")
        if existing["system_id"] != system_id:
            raise Refusal("sender_not_registered", f"{code} belongs to another system")
        self.store.delete_agency(code)
