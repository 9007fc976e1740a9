"""Turn the read tree into dataclasses, by element name (order varies between senders).

Every element or attribute we do not model lands in `other` as (path, text) — nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from . import reader, schema
from .attachments import extract_members, looks_zipped
from .codes import DSIG_NAMESPACE, NAMESPACE, BussinessDocType, normalise_status_code
from .dates import parse_date, parse_datetime
from .errors import EdxmlError
from .limits import DEFAULT_LIMITS, Limits
from .model import (
    Attachment,
    Bussiness,
    BussinessDocumentInfo,
    Code,
    DocumentType,
    EdocPackage,
    ManifestReference,
    MessageHeader,
    Organization,
    OtherInfo,
    OtherInfoItems,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusPackage,
    TraceHeader,
)

ORGANIZATION_TAGS = {
    "OrganId": "organ_id",
    "OrganizationInCharge": "organization_in_charge",
    "OrganName": "organ_name",
    "OrganAdd": "organ_add",
    "Email": "email",
    "Telephone": "telephone",
    "Fax": "fax",
    "Website": "website",
}
STAFF_TAGS = {"Department": "department", "Staff": "staff", "Mobile": "mobile", "Email": "email"}


def strip_cid(content_id: str) -> str:
    value = content_id.strip()
    return value[4:] if value.lower().startswith("cid:") else value


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, local = tag[1:].split("}", 1)
        return namespace, local
    return "", tag


class _Node:
    """The children of one element by local name; unknown children and attributes go to `other`."""

    def __init__(
        self,
        element: etree._Element,
        path: str,
        known: set[str],
        ctx: _Context,
        attrs: frozenset[str] = frozenset(),
    ) -> None:
        self.path = path
        self.ctx = ctx
        self.children: dict[str, list[etree._Element]] = defaultdict(list)
        for name, value in element.attrib.items():
            if name not in attrs:
                ctx.add(element, f"{path}/@{_split(name)[1]}", value)
        for child in element:
            if not isinstance(child.tag, str):
                continue
            namespace, local = _split(child.tag)
            if local == "Signature" and namespace in (DSIG_NAMESPACE, NAMESPACE):
                ctx.signature_present = True
            elif namespace == NAMESPACE and local in known:
                self.children[local].append(child)
            else:
                ctx.keep(child, f"{path}/{local}")

    def text(self, name: str) -> str:
        found = self.children.get(name)
        if not found:
            return ""
        for extra in found[1:]:
            self.ctx.keep(extra, f"{self.path}/{name}")
        return (found[0].text or "").strip()

    def all(self, name: str) -> list[etree._Element]:
        return self.children.get(name, [])

    def one(self, name: str) -> etree._Element | None:
        found = self.all(name)
        for extra in found[1:]:
            self.ctx.keep(extra, f"{self.path}/{name}")
        return found[0] if found else None

    def integer(self, name: str) -> int | None:
        value = self.text(name)
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            self.ctx.add(self.children[name][0], f"{self.path}/{name}", value)
            return None

    def day(self, name: str) -> dt.date | None:
        value = self.text(name)
        parsed = parse_date(value)
        if value and parsed is None:
            self.ctx.add(self.children[name][0], f"{self.path}/{name}", value)
        return parsed

    def moment(self, name: str) -> dt.datetime | None:
        value = self.text(name)
        parsed = parse_datetime(value)
        if value and parsed is None:
            self.ctx.add(self.children[name][0], f"{self.path}/{name}", value)
        return parsed

    def boolean(self, name: str) -> bool | None:
        value = self.text(name).lower()
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        if value:
            self.ctx.add(self.children[name][0], f"{self.path}/{name}", value)
        return None


class _Context:
    def __init__(self) -> None:
        self.items: list[tuple[int, str, str]] = []
        self.signature_present = False
        self.unknown: list[etree._Element] = []
        self.positions: dict[etree._Element, int] = {}

    def add(self, element: etree._Element, path: str, text: str) -> None:
        self.items.append((self.positions.get(element, 0), path.lstrip("/"), text))

    @property
    def other(self) -> OtherInfoItems:
        """In document order, so a page shows them as the sender wrote them."""
        return [(path, text) for _position, path, text in sorted(self.items, key=lambda item: item[0])]

    def keep(self, element: etree._Element, path: str) -> None:
        self.unknown.append(element)
        self._record(element, path)

    def _record(self, element: etree._Element, path: str) -> None:
        for name, value in element.attrib.items():
            self.add(element, f"{path}/@{_split(name)[1]}", value)
        children = [child for child in element if isinstance(child.tag, str)]
        if not children:
            self.add(element, path, (element.text or "").strip())
        for child in children:
            self._record(child, f"{path}/{_split(child.tag)[1]}")

    def node(
        self, element: etree._Element | None, path: str, known: set[str], attrs: frozenset[str] = frozenset()
    ) -> _Node:
        if element is None:
            element = etree.Element("empty")
        return _Node(element, path, known, self, attrs)


def _organization(ctx: _Context, element: etree._Element | None, path: str) -> Organization:
    node = ctx.node(element, path, set(ORGANIZATION_TAGS))
    return Organization(**{attr: node.text(tag) for tag, attr in ORGANIZATION_TAGS.items()})


def _staff(ctx: _Context, element: etree._Element | None, path: str) -> StaffInfo:
    node = ctx.node(element, path, set(STAFF_TAGS))
    return StaffInfo(**{attr: node.text(tag) for tag, attr in STAFF_TAGS.items()})


def _response_for(ctx: _Context, element: etree._Element | None, path: str) -> ResponseFor:
    node = ctx.node(element, path, {"OrganId", "Code", "PromulgationDate", "DocumentId"})
    return ResponseFor(
        organ_id=node.text("OrganId"),
        code=node.text("Code"),
        promulgation_date=node.day("PromulgationDate"),
        document_id=node.text("DocumentId"),
    )


def _other_info(ctx: _Context, element: etree._Element | None, path: str) -> OtherInfo:
    known = {
        "Priority",
        "SphereOfPromulgation",
        "TyperNotation",
        "PromulgationAmount",
        "PageAmount",
        "Direction",
        "Appendixes",
    }
    node = ctx.node(element, path, known)
    appendixes = ctx.node(node.one("Appendixes"), f"{path}/Appendixes", {"Appendix"})
    return OtherInfo(
        priority=node.integer("Priority"),
        sphere_of_promulgation=node.text("SphereOfPromulgation"),
        typer_notation=node.text("TyperNotation"),
        promulgation_amount=node.integer("PromulgationAmount"),
        page_amount=node.integer("PageAmount"),
        direction=node.boolean("Direction"),
        appendixes=[(item.text or "").strip() for item in appendixes.all("Appendix")],
    )


EDOC_HEADER_TAGS = {
    "From", "To", "Code", "PromulgationInfo", "DocumentType", "Subject", "Content", "SignerInfo", "DueDate",
    "ToPlaces", "OtherInfo", "ResponseFor", "SteeringType", "DocumentId",
}  # fmt: skip


def _message_header(ctx: _Context, element: etree._Element) -> MessageHeader:
    path = "MessageHeader"
    node = ctx.node(element, path, EDOC_HEADER_TAGS)
    code = ctx.node(node.one("Code"), f"{path}/Code", {"CodeNumber", "CodeNotation"})
    promulgation = ctx.node(
        node.one("PromulgationInfo"), f"{path}/PromulgationInfo", {"Place", "PromulgationDate"}
    )
    doc_type = ctx.node(node.one("DocumentType"), f"{path}/DocumentType", {"Type", "TypeDetail", "TypeName"})
    signer = ctx.node(node.one("SignerInfo"), f"{path}/SignerInfo", {"Competence", "Position", "FullName"})
    places = ctx.node(node.one("ToPlaces"), f"{path}/ToPlaces", {"Place"})
    response_for = [_response_for(ctx, item, f"{path}/ResponseFor") for item in node.all("ResponseFor")]
    return MessageHeader(
        from_=_organization(ctx, node.one("From"), f"{path}/From"),
        to=[_organization(ctx, item, f"{path}/To") for item in node.all("To")],
        code=Code(code.text("CodeNumber"), code.text("CodeNotation")),
        promulgation_info=PromulgationInfo(promulgation.text("Place"), promulgation.day("PromulgationDate")),
        document_type=DocumentType(
            doc_type.text("Type"), doc_type.text("TypeDetail"), doc_type.text("TypeName")
        ),
        subject=node.text("Subject"),
        content=node.text("Content"),
        signer_info=SignerInfo(signer.text("Competence"), signer.text("Position"), signer.text("FullName")),
        due_date=node.day("DueDate"),
        to_places=[(item.text or "").strip() for item in places.all("Place")],
        other_info=_other_info(ctx, node.one("OtherInfo"), f"{path}/OtherInfo"),
        # An all-empty ResponseFor (seen in samples) means "answers nothing".
        response_for=[item for item in response_for if item != ResponseFor()],
        steering_type=node.integer("SteeringType"),
        document_id=node.text("DocumentId"),
    )


def _bussiness(ctx: _Context, element: etree._Element | None) -> Bussiness | None:
    if element is None:
        return None
    path = "TraceHeaderList/Bussiness"
    known = {
        "BussinessDocType", "BussinessDocReason", "DocumentId", "Paper", "StaffInfo", "BussinessDocumentInfo",
        "ReplacementInfoList",
    }  # fmt: skip
    node = ctx.node(element, path, known)
    raw_type = node.text("BussinessDocType") or "0"
    try:
        doc_type = BussinessDocType(int(raw_type))
    except ValueError as exc:
        raise EdxmlError("invalid_value", f"{path}/BussinessDocType = {raw_type!r} (0–3)") from exc
    info_el = node.one("BussinessDocumentInfo")
    info = None
    if info_el is not None:
        ipath = f"{path}/BussinessDocumentInfo"
        inode = ctx.node(info_el, ipath, {"DocumentInfo", "DocumentReceiver", "ReceiverList"})
        receivers = ctx.node(inode.one("ReceiverList"), f"{ipath}/ReceiverList", {"Receiver"})
        receiver_list = []
        for item in receivers.all("Receiver"):
            rnode = ctx.node(item, f"{ipath}/ReceiverList/Receiver", {"OrganId", "ReceiverType"})
            receiver_list.append(Receiver(rnode.text("OrganId"), rnode.text("ReceiverType")))
        info = BussinessDocumentInfo(
            inode.text("DocumentInfo"), inode.text("DocumentReceiver"), receiver_list
        )
    replacements = []
    rpath = f"{path}/ReplacementInfoList"
    for item in ctx.node(node.one("ReplacementInfoList"), rpath, {"ReplacementInfo"}).all("ReplacementInfo"):
        rnode = ctx.node(item, f"{rpath}/ReplacementInfo", {"DocumentId", "OrganIdList"})
        organs = ctx.node(rnode.one("OrganIdList"), f"{rpath}/ReplacementInfo/OrganIdList", {"OrganId"})
        replacements.append(
            ReplacementInfo(rnode.text("DocumentId"), [(o.text or "").strip() for o in organs.all("OrganId")])
        )
    staff_el = node.one("StaffInfo")
    return Bussiness(
        bussiness_doc_type=doc_type,
        bussiness_doc_reason=node.text("BussinessDocReason"),
        document_id=node.text("DocumentId"),
        paper=node.text("Paper"),
        staff_info=_staff(ctx, staff_el, f"{path}/StaffInfo") if staff_el is not None else None,
        bussiness_document_info=info,
        replacement_info_list=replacements,
    )


def _trace(ctx: _Context, header: _Node) -> tuple[list[TraceHeader], etree._Element | None]:
    trace_list = header.one("TraceHeaderList")
    node = ctx.node(trace_list, "TraceHeaderList", {"TraceHeader", "Bussiness"})
    traces = []
    for item in node.all("TraceHeader"):
        tnode = ctx.node(item, "TraceHeaderList/TraceHeader", {"OrganId", "Timestamp"})
        traces.append(TraceHeader(tnode.text("OrganId"), tnode.moment("Timestamp")))
    return traces, node.one("Bussiness")


def _manifest(ctx: _Context, body: etree._Element | None) -> list[ManifestReference]:
    node = ctx.node(body, "edXMLBody", {"edXMLManifest"})
    manifest = ctx.node(
        node.one("edXMLManifest"), "edXMLBody/edXMLManifest", {"Reference"}, frozenset({"version"})
    )
    references = []
    for item in manifest.all("Reference"):
        rnode = ctx.node(
            item,
            "edXMLBody/edXMLManifest/Reference",
            {"ContentId", "ContentType", "Description", "AttachmentName"},
        )
        references.append(
            ManifestReference(
                content_id=strip_cid(rnode.text("ContentId")),
                content_type=rnode.text("ContentType"),
                description=rnode.text("Description"),
                attachment_name=rnode.text("AttachmentName"),
            )
        )
    return references


def _attachments(ctx: _Context, raw: reader.RawPackage, encoded: etree._Element | None) -> list[Attachment]:
    known = {"ContentId", "AttachmentName", "Description", "ContentType", "ContentTransferEncoded"}
    node = ctx.node(encoded, "AttachmentEncoded", {"Attachment"})
    attachments = []
    payloads = iter(raw.payloads)
    for item in node.all("Attachment"):
        anode = ctx.node(item, "AttachmentEncoded/Attachment", known)
        if len(anode.all("ContentTransferEncoded")) != 1:
            raise EdxmlError(
                "attachment_mismatch",
                f"attachment {anode.text('ContentId')!r}: one ContentTransferEncoded expected",
            )
        payload = next(payloads)
        attachments.append(
            Attachment(
                path=payload.path,
                data=payload.data,
                size=payload.size,
                sha256=payload.sha256,
                content_id=strip_cid(anode.text("ContentId")),
                attachment_name=anode.text("AttachmentName"),
                description=anode.text("Description"),
                content_type=anode.text("ContentType"),
            )
        )
    if len(attachments) != len(raw.payloads):
        raise EdxmlError(
            "attachment_mismatch", f"{len(raw.payloads)} contents for {len(attachments)} attachments"
        )
    return attachments


def _check_manifest(manifest: list[ManifestReference], attachments: list[Attachment]) -> None:
    ids = [attachment.content_id for attachment in attachments]
    if len(set(ids)) != len(ids):
        raise EdxmlError("attachment_mismatch", f"duplicate ContentId in {ids}")
    missing = [ref.content_id for ref in manifest if ref.content_id not in ids]
    if missing:
        raise EdxmlError("attachment_mismatch", f"manifest references without attachment: {missing}")


def _parse_status(ctx: _Context, header: _Node, message: etree._Element) -> StatusPackage:
    known = {"From", "ResponseFor", "StaffInfo", "StatusCode", "Description", "Timestamp"}
    node = ctx.node(message, "MessageHeader", known)
    package = StatusPackage(
        from_=_organization(ctx, node.one("From"), "MessageHeader/From"),
        response_for=_response_for(ctx, node.one("ResponseFor"), "MessageHeader/ResponseFor"),
        staff_info=_staff(ctx, node.one("StaffInfo"), "MessageHeader/StaffInfo"),
        status_code=normalise_status_code(node.text("StatusCode")),
        description=node.text("Description"),
        timestamp=node.moment("Timestamp"),
    )
    package.trace_headers, bussiness = _trace(ctx, header)
    if bussiness is not None:
        ctx.keep(bussiness, "TraceHeaderList/Bussiness")
    if not package.status_code:
        raise EdxmlError("missing_status_code", "MessageHeader/StatusCode")
    if not package.response_for.document_id:
        raise EdxmlError("missing_document_id", "MessageHeader/ResponseFor/DocumentId")
    return package


def parse(
    source: bytes | str | os.PathLike[str] | BinaryIO,
    *,
    attachments_dir: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> EdocPackage | StatusPackage:
    """Read, validate and map one package. Raises EdxmlError for anything wrong with the input.

    With `attachments_dir`, decoded attachments (and ZIP members) are written there as temp files
    owned by the caller; without it they are kept in memory up to `limits.max_inline_bytes`.
    """
    raw = reader.read(source, limits=limits, directory=attachments_dir)
    created = [payload.path for payload in raw.payloads if payload.path is not None]
    try:
        return _map(raw, limits=limits, directory=attachments_dir, created=created)
    except BaseException:
        # Nothing half-written: a refused package leaves no file behind.
        for path in created:
            path.unlink(missing_ok=True)
        raise


def _validate(raw: reader.RawPackage, ctx: _Context, *, status: bool) -> None:
    schema.strip_for_validation(raw.root, ctx.unknown)
    schema.validate_input(raw.root, status=status)


def _map(
    raw: reader.RawPackage, *, limits: Limits, directory: Path | None, created: list[Path]
) -> EdocPackage | StatusPackage:
    ctx = _Context()
    ctx.positions = {element: index for index, element in enumerate(raw.root.iter())}
    root = ctx.node(raw.root, "", {"edXMLEnvelope", "AttachmentEncoded"})
    envelope = ctx.node(root.one("edXMLEnvelope"), "edXMLEnvelope", {"edXMLHeader", "edXMLBody"})
    header = ctx.node(envelope.one("edXMLHeader"), "edXMLHeader", {"MessageHeader", "TraceHeaderList"})
    message = header.one("MessageHeader")
    if message is None:
        raise EdxmlError("unknown_message_type", "no edXMLEnvelope/edXMLHeader/MessageHeader")
    is_status = any(_split(child.tag)[1] == "StatusCode" for child in message if isinstance(child.tag, str))
    if is_status:
        if raw.payloads:
            raise EdxmlError("schema_invalid", "a status package carries no attachments")
        package_status = _parse_status(ctx, header, message)
        _validate(raw, ctx, status=True)
        package_status.other = ctx.other
        package_status.signature_present = ctx.signature_present
        return package_status
    package = EdocPackage(header=_message_header(ctx, message))
    if not package.header.document_id:
        raise EdxmlError("missing_document_id", "MessageHeader/DocumentId")
    package.trace_headers, bussiness = _trace(ctx, header)
    package.bussiness = _bussiness(ctx, bussiness)
    package.manifest = _manifest(ctx, envelope.one("edXMLBody"))
    package.attachments = _attachments(ctx, raw, root.one("AttachmentEncoded"))
    _check_manifest(package.manifest, package.attachments)
    _validate(raw, ctx, status=False)
    for attachment in package.attachments:
        if looks_zipped(attachment):
            attachment.members = extract_members(attachment, limits=limits, directory=directory)
            created.extend(member.path for member in attachment.members if member.path is not None)
    package.other = ctx.other
    package.signature_present = ctx.signature_present
    return package
