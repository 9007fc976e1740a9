"""Write packages in the canonical form: the samples' layout (QCVN namespace as default on the root,
`edXML:` prefix inside the envelope), the standard's field order, canonical dates, raw base64.

The envelope is built as a tree and validated against the canonical XSD before anything is written;
attachment content is then streamed from disk in base64 chunks, so building a large package needs
memory for the envelope only (when writing to a file with `write_edoc`).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import BinaryIO

from lxml import etree

from . import schema
from .codes import NAMESPACE
from .dates import format_date, format_datetime
from .model import (
    Bussiness,
    EdocPackage,
    MessageHeader,
    Organization,
    OtherInfo,
    ResponseFor,
    StaffInfo,
    StatusPackage,
    TraceHeader,
)
from .parser import ORGANIZATION_TAGS, STAFF_TAGS

_READ = 3 * 1024 * 64  # a multiple of 3: chunks encode without padding until the last one


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _leaf(parent: etree._Element, name: str, value: object, *, required: bool = False) -> None:
    if value is None or value == "":
        if not required:
            return
        value = ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dt.datetime):
        text = format_datetime(value)
    elif isinstance(value, dt.date):
        text = format_date(value)
    else:
        text = str(value)
    etree.SubElement(parent, _q(name)).text = text


def _organization(parent: etree._Element, name: str, organization: Organization) -> None:
    element = etree.SubElement(parent, _q(name))
    for tag, attr in ORGANIZATION_TAGS.items():
        _leaf(element, tag, getattr(organization, attr), required=tag == "OrganId")


def _staff(parent: etree._Element, staff: StaffInfo) -> None:
    element = etree.SubElement(parent, _q("StaffInfo"))
    for tag, attr in STAFF_TAGS.items():
        _leaf(element, tag, getattr(staff, attr))


def _response_for(parent: etree._Element, response: ResponseFor) -> None:
    element = etree.SubElement(parent, _q("ResponseFor"))
    _leaf(element, "OrganId", response.organ_id)
    _leaf(element, "Code", response.code)
    _leaf(element, "PromulgationDate", response.promulgation_date)
    _leaf(element, "DocumentId", response.document_id, required=True)


def _other_info(parent: etree._Element, info: OtherInfo) -> None:
    if info == OtherInfo():
        return
    element = etree.SubElement(parent, _q("OtherInfo"))
    _leaf(element, "Priority", info.priority)
    _leaf(element, "SphereOfPromulgation", info.sphere_of_promulgation)
    _leaf(element, "TyperNotation", info.typer_notation)
    _leaf(element, "PromulgationAmount", info.promulgation_amount)
    _leaf(element, "PageAmount", info.page_amount)
    _leaf(element, "Direction", info.direction)
    if info.appendixes:
        appendixes = etree.SubElement(element, _q("Appendixes"))
        for text in info.appendixes:
            _leaf(appendixes, "Appendix", text, required=True)


def _message_header(parent: etree._Element, header: MessageHeader) -> None:
    element = etree.SubElement(parent, _q("MessageHeader"))
    _organization(element, "From", header.from_)
    for receiver in header.to:
        _organization(element, "To", receiver)
    code = etree.SubElement(element, _q("Code"))
    _leaf(code, "CodeNumber", header.code.code_number)
    _leaf(code, "CodeNotation", header.code.code_notation)
    promulgation = etree.SubElement(element, _q("PromulgationInfo"))
    _leaf(promulgation, "Place", header.promulgation_info.place)
    _leaf(promulgation, "PromulgationDate", header.promulgation_info.promulgation_date)
    doc_type = etree.SubElement(element, _q("DocumentType"))
    _leaf(doc_type, "Type", header.document_type.type)
    _leaf(doc_type, "TypeDetail", header.document_type.type_detail)
    _leaf(doc_type, "TypeName", header.document_type.type_name)
    _leaf(element, "Subject", header.subject, required=True)
    _leaf(element, "Content", header.content)
    signer = etree.SubElement(element, _q("SignerInfo"))
    _leaf(signer, "Competence", header.signer_info.competence)
    _leaf(signer, "Position", header.signer_info.position)
    _leaf(signer, "FullName", header.signer_info.full_name)
    _leaf(element, "DueDate", header.due_date)
    if header.to_places:
        places = etree.SubElement(element, _q("ToPlaces"))
        for place in header.to_places:
            _leaf(places, "Place", place, required=True)
    _other_info(element, header.other_info)
    for response in header.response_for:
        _response_for(element, response)
    _leaf(element, "SteeringType", header.steering_type)
    _leaf(element, "DocumentId", header.document_id, required=True)


def _bussiness(parent: etree._Element, bussiness: Bussiness) -> None:
    element = etree.SubElement(parent, _q("Bussiness"))
    _leaf(element, "BussinessDocType", int(bussiness.bussiness_doc_type), required=True)
    _leaf(element, "BussinessDocReason", bussiness.bussiness_doc_reason)
    _leaf(element, "DocumentId", bussiness.document_id)
    _leaf(element, "Paper", bussiness.paper)
    if bussiness.staff_info is not None:
        _staff(element, bussiness.staff_info)
    info = bussiness.bussiness_document_info
    if info is not None:
        info_el = etree.SubElement(element, _q("BussinessDocumentInfo"))
        _leaf(info_el, "DocumentInfo", info.document_info)
        _leaf(info_el, "DocumentReceiver", info.document_receiver)
        if info.receiver_list:
            receivers = etree.SubElement(info_el, _q("ReceiverList"))
            for receiver in info.receiver_list:
                receiver_el = etree.SubElement(receivers, _q("Receiver"))
                _leaf(receiver_el, "OrganId", receiver.organ_id, required=True)
                _leaf(receiver_el, "ReceiverType", receiver.receiver_type)
    if bussiness.replacement_info_list:
        replacements = etree.SubElement(element, _q("ReplacementInfoList"))
        for replacement in bussiness.replacement_info_list:
            replacement_el = etree.SubElement(replacements, _q("ReplacementInfo"))
            _leaf(replacement_el, "DocumentId", replacement.document_id, required=True)
            organs = etree.SubElement(replacement_el, _q("OrganIdList"))
            for organ_id in replacement.organ_id_list:
                _leaf(organs, "OrganId", organ_id, required=True)


def _trace(parent: etree._Element, traces: list[TraceHeader], bussiness: Bussiness | None) -> None:
    if not traces and bussiness is None:
        return
    element = etree.SubElement(parent, _q("TraceHeaderList"))
    for trace in traces:
        trace_el = etree.SubElement(element, _q("TraceHeader"))
        _leaf(trace_el, "OrganId", trace.organ_id, required=True)
        _leaf(trace_el, "Timestamp", trace.timestamp)
    if bussiness is not None:
        _bussiness(element, bussiness)


def _skeleton(package: EdocPackage) -> etree._Element:
    """The whole package as a tree, attachments with empty content (streamed in later)."""
    root = etree.Element(_q("edXML"), nsmap={None: NAMESPACE})
    envelope = etree.SubElement(root, _q("edXMLEnvelope"), nsmap={"edXML": NAMESPACE})
    header = etree.SubElement(envelope, _q("edXMLHeader"))
    _message_header(header, package.header)
    _trace(header, package.trace_headers, package.bussiness)
    body = etree.SubElement(envelope, _q("edXMLBody"))
    manifest = etree.SubElement(body, _q("edXMLManifest"), version="1.0")
    for reference in package.manifest:
        reference_el = etree.SubElement(manifest, _q("Reference"))
        _leaf(reference_el, "ContentId", f"cid:{reference.content_id}", required=True)
        _leaf(reference_el, "ContentType", reference.content_type)
        _leaf(reference_el, "Description", reference.description)
        _leaf(reference_el, "AttachmentName", reference.attachment_name)
    if package.attachments:
        encoded = etree.SubElement(root, _q("AttachmentEncoded"))
        for attachment in package.attachments:
            attachment_el = etree.SubElement(encoded, _q("Attachment"))
            _leaf(attachment_el, "ContentId", f"cid:{attachment.content_id}", required=True)
            _leaf(attachment_el, "AttachmentName", attachment.attachment_name)
            _leaf(attachment_el, "Description", attachment.description)
            _leaf(attachment_el, "ContentType", attachment.content_type)
            _leaf(attachment_el, "ContentTransferEncoded", "", required=True)
    return root


def write_edoc(package: EdocPackage, out: BinaryIO) -> None:
    """Validate, then write the package to `out`, streaming attachment content."""
    root = _skeleton(package)
    schema.validate_output(root, status=False)
    envelope = root[0]
    etree.indent(envelope, level=1)
    envelope.tail = "\n"
    out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<edXML xmlns="{NAMESPACE}">\n  '.encode())
    # The root's default-namespace declaration is already written above; do not repeat it.
    out.write(etree.tostring(envelope, encoding="utf-8").replace(f' xmlns="{NAMESPACE}"'.encode(), b"", 1))
    if package.attachments:
        out.write(b"  <AttachmentEncoded>\n")
        for attachment, attachment_el in zip(package.attachments, root[1], strict=True):
            content = attachment_el[-1]
            attachment_el.remove(content)
            attachment_el.text = "\n      "
            etree.indent(attachment_el, space="  ", level=2)
            head = etree.tostring(attachment_el, encoding="utf-8").decode()
            head = head.replace(f' xmlns="{NAMESPACE}"', "").rsplit("</", 1)[0].rstrip()
            out.write(f"    {head}\n      <ContentTransferEncoded>".encode())
            with attachment.open() as source:
                while chunk := source.read(_READ):
                    out.write(base64.b64encode(chunk))
            out.write(b"</ContentTransferEncoded>\n    </Attachment>\n")
        out.write(b"  </AttachmentEncoded>\n")
    out.write(b"</edXML>\n")


def build_edoc(package: EdocPackage) -> bytes:
    """The canonical bytes of an edoc package (validated against schema/edxml-edoc.xsd)."""
    buffer = io.BytesIO()
    write_edoc(package, buffer)
    return buffer.getvalue()


def build_status(package: StatusPackage) -> bytes:
    """The canonical bytes of a status package (validated against schema/edxml-status.xsd)."""
    root = etree.Element(_q("edXML"), nsmap={None: NAMESPACE})
    envelope = etree.SubElement(root, _q("edXMLEnvelope"), nsmap={"edXML": NAMESPACE})
    header = etree.SubElement(envelope, _q("edXMLHeader"))
    message = etree.SubElement(header, _q("MessageHeader"))
    _organization(message, "From", package.from_)
    _response_for(message, package.response_for)
    if package.staff_info != StaffInfo():
        _staff(message, package.staff_info)
    _leaf(message, "StatusCode", package.status_code, required=True)
    _leaf(message, "Description", package.description)
    _leaf(message, "Timestamp", package.timestamp, required=True)
    _trace(header, package.trace_headers, None)
    schema.validate_output(root, status=True)
    etree.indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"
