"""edXML codec of QCVN 102:2016/BTTTT (namespace `http://www.mic.gov.vn/TBT/QCVN_102_2016`).

A pure package: no Django models (only `mapping` touches them). Public API::

    from eoffice.exchange.edxml import (
        EdocPackage, StatusPackage, MessageHeader, Organization, Code, PromulgationInfo, DocumentType,
        SignerInfo, OtherInfo, ResponseFor, TraceHeader, StaffInfo, Bussiness, BussinessDocumentInfo,
        Receiver, ReplacementInfo, ManifestReference, Attachment, ZipMember, Payload,
        BussinessDocType, StatusCode, Priority, SteeringType, status_label,
        EdxmlError, Limits, DEFAULT_LIMITS, limits_from_settings,
        parse, build_edoc, build_status, write_edoc, sign_envelope, sign_stream, verify_envelope,
    )

- `parse(source, *, attachments_dir=None, limits=DEFAULT_LIMITS) -> EdocPackage | StatusPackage`
  reads bytes, a path or a binary file. Hardened (no DTD/entities/network, DOCTYPE refused, limits on
  size, depth, attachment count, ZIP bombs) and streaming: attachment base64 is decoded chunk-wise into
  `attachments_dir` (temp files the caller owns and deletes). Without a directory, attachments are kept
  as bytes in memory up to `limits.max_inline_bytes`. Each `Attachment` holds EITHER `.path` OR `.data`;
  use `.open()` / `.read_bytes()`; `.sha256` and `.size` are always set. A ZIP transport wrapper
  (VNPT) is unpacked into `.members`; `.files()` returns the documents either way.
  Element order, prefixes, `cid:` prefixes, integer status codes and date formats are tolerated; what we
  do not model is kept in `package.other` as ordered `(path, text)` pairs ("other information").
  Any problem raises `EdxmlError` with `.code` (stable snake_case), `.message` (Vietnamese) and
  `.detail` (technical: line/column, offending value).
- `build_edoc(pkg) -> bytes`, `write_edoc(pkg, out)` (streams attachments), `build_status(pkg) -> bytes`
  write the canonical form and validate it against `schema/edxml-*.xsd` (code `build_invalid` if not).
- `sign_envelope(xml, *, key_pem, cert_pem) -> bytes` adds an enveloped XML-DSig (RSA-SHA256) inside
  `edXMLHeader` (`sign_stream(source, out, ...)` does it file to file);
  `verify_envelope(source, *, cert_pem, limits=DEFAULT_LIMITS)` raises `EdxmlError`
  (`signature_missing`, `signature_invalid`, …) unless the whole package is signed by that certificate.
  Both stream the package (`dsig_stream`, `canonical`): memory does not grow with the attachments.
- `Limits` (frozen dataclass) bounds package size, depth, attachment count and size, in-memory
  attachments and ZIP members/ratio; `limits_from_settings()` applies `settings.EOFFICE_EDXML_LIMITS`.
- `mapping` (imports Django models, so import it explicitly): `edoc_from_draft(draft, ...)`,
  `edoc_from_incoming(document, ...)`, `incoming_fields(package) -> IncomingFields` (Document field
  values + ordered "other information"). `jsonview.to_json(package)` gives JSON keyed by edXML tags.

Error codes: malformed_xml, doctype_forbidden, wrong_namespace, unknown_message_type, schema_invalid,
missing_document_id, missing_status_code, too_large, too_deep, too_many_attachments,
attachment_too_large, attachments_dir_required, broken_base64, attachment_mismatch, zip_bomb,
zip_too_many_entries, zip_unsafe_name, zip_invalid, invalid_value, signature_missing,
signature_invalid, build_invalid, read_failed; from the mapping: draft_not_numbered, secret_document.
"""

from .builder import build_edoc, build_status, write_edoc
from .codes import NAMESPACE, BussinessDocType, Priority, StatusCode, SteeringType, status_label
from .dsig import sign_envelope, sign_stream, verify_envelope
from .errors import EdxmlError
from .limits import DEFAULT_LIMITS, Limits, limits_from_settings
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
    Payload,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusPackage,
    TraceHeader,
    ZipMember,
)
from .parser import parse

__all__ = [
    "DEFAULT_LIMITS",
    "NAMESPACE",
    "Attachment",
    "Bussiness",
    "BussinessDocType",
    "BussinessDocumentInfo",
    "Code",
    "DocumentType",
    "EdocPackage",
    "EdxmlError",
    "Limits",
    "ManifestReference",
    "MessageHeader",
    "Organization",
    "OtherInfo",
    "Payload",
    "Priority",
    "PromulgationInfo",
    "Receiver",
    "ReplacementInfo",
    "ResponseFor",
    "SignerInfo",
    "StaffInfo",
    "StatusCode",
    "StatusPackage",
    "SteeringType",
    "TraceHeader",
    "ZipMember",
    "build_edoc",
    "build_status",
    "limits_from_settings",
    "parse",
    "sign_envelope",
    "sign_stream",
    "status_label",
    "verify_envelope",
    "write_edoc",
]
