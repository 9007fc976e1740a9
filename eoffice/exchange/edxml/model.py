"""The package as Python dataclasses; attribute names follow the edXML tags (snake_case).

Dates are `datetime.date`, timestamps naive `datetime.datetime` (Vietnam local time, no zone on the wire).
What a sender put in the package that we do not model is kept, in document order, in `other` as
`(path, text)` pairs such as `("MessageHeader/OtherInfo/ReferenceCodes/ReferenceCode", "12/UBND")`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, ClassVar, Self

from .codes import BussinessDocType

OtherInfoItems = list[tuple[str, str]]


@dataclass
class Organization:
    """1.1 From / 1.2 To."""

    organ_id: str = ""
    organization_in_charge: str = ""
    organ_name: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass
class Code:
    """1.3 — number and symbol split: `7816` + `VPCP-TTĐT`."""

    code_number: str = ""
    code_notation: str = ""

    def __str__(self) -> str:
        return "/".join(part for part in (self.code_number, self.code_notation) if part)


@dataclass
class PromulgationInfo:
    """1.4."""

    place: str = ""
    promulgation_date: dt.date | None = None


@dataclass
class DocumentType:
    """1.5 — the Type code differs between implementations (1 vs 18): match on `type_name`."""

    type: str = ""
    type_detail: str = ""
    type_name: str = ""


@dataclass
class SignerInfo:
    """1.8."""

    competence: str = ""
    position: str = ""
    full_name: str = ""


@dataclass
class OtherInfo:
    """1.11 — Priority is urgency 0–4 (codes.Priority)."""

    priority: int | None = None
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    direction: bool | None = None
    appendixes: list[str] = field(default_factory=list)


@dataclass
class ResponseFor:
    """1.12 (edoc, repeatable) and the status message's reference to the original document."""

    organ_id: str = ""
    code: str = ""
    promulgation_date: dt.date | None = None
    document_id: str = ""


@dataclass
class MessageHeader:
    """The edoc MessageHeader, fields 1.1–1.14."""

    from_: Organization = field(default_factory=Organization)
    to: list[Organization] = field(default_factory=list)
    code: Code = field(default_factory=Code)
    promulgation_info: PromulgationInfo = field(default_factory=PromulgationInfo)
    document_type: DocumentType = field(default_factory=DocumentType)
    subject: str = ""
    content: str = ""
    signer_info: SignerInfo = field(default_factory=SignerInfo)
    due_date: dt.date | None = None
    to_places: list[str] = field(default_factory=list)
    other_info: OtherInfo = field(default_factory=OtherInfo)
    response_for: list[ResponseFor] = field(default_factory=list)
    steering_type: int | None = None
    document_id: str = ""


@dataclass
class TraceHeader:
    organ_id: str = ""
    timestamp: dt.datetime | None = None


@dataclass
class StaffInfo:
    """2.2.5 — the clerk who sent the package (or the status)."""

    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass
class Receiver:
    organ_id: str = ""
    receiver_type: str = ""  # 0/1 — meaning not documented in the sources found; kept verbatim


@dataclass
class BussinessDocumentInfo:
    """2.2.3 — what an update (type 2) changes."""

    document_info: str = ""
    document_receiver: str = ""
    receiver_list: list[Receiver] = field(default_factory=list)


@dataclass
class ReplacementInfo:
    """2.2.8 — a replaced document and the receivers it is replaced for."""

    document_id: str = ""
    organ_id_list: list[str] = field(default_factory=list)


@dataclass
class Bussiness:
    """TraceHeaderList/Bussiness (spelling of the standard)."""

    bussiness_doc_type: BussinessDocType = BussinessDocType.NEW
    bussiness_doc_reason: str = ""
    document_id: str = ""
    paper: str = ""
    staff_info: StaffInfo | None = None
    bussiness_document_info: BussinessDocumentInfo | None = None
    replacement_info_list: list[ReplacementInfo] = field(default_factory=list)


@dataclass
class ManifestReference:
    """edXMLBody/edXMLManifest/Reference; `content_id` without the `cid:` prefix."""

    content_id: str = ""
    content_type: str = ""
    description: str = ""
    attachment_name: str = ""


@dataclass
class Payload:
    """Decoded bytes held EITHER on disk (`path`, streamed) OR in memory (`data`) — never both.

    `parse` writes to disk when given `attachments_dir`, else keeps bytes in memory (bounded by
    Limits.max_inline_bytes). `build_*` reads `path` chunk-wise or uses `data`.
    """

    path: Path | None = field(default=None, compare=False)
    data: bytes | None = field(default=None, compare=False, repr=False)
    size: int = 0
    sha256: str = ""

    def open(self) -> BinaryIO:
        if self.path is not None:
            return self.path.open("rb")
        return io.BytesIO(self.data or b"")

    def read_bytes(self) -> bytes:
        with self.open() as handle:
            return handle.read()

    @classmethod
    def from_bytes(cls, data: bytes) -> Self:
        return cls(data=data, size=len(data), sha256=hashlib.sha256(data).hexdigest())

    @classmethod
    def from_path(cls, path: Path) -> Self:
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        return cls(path=path, size=size, sha256=digest.hexdigest())


@dataclass
class ZipMember(Payload):
    """A file extracted from an attachment whose payload is a ZIP (VNPT senders zip every file)."""

    name: str = ""


@dataclass
class Attachment(Payload):
    """AttachmentEncoded/Attachment, decoded. `content_id` without the `cid:` prefix.

    `members` lists the extracted files when the payload is a ZIP transport wrapper; the raw
    ZIP stays available as the attachment's own payload.
    """

    content_id: str = ""
    attachment_name: str = ""
    description: str = ""
    content_type: str = ""
    members: list[ZipMember] = field(default_factory=list, compare=False)

    def files(self) -> list[tuple[str, Payload]]:
        """The documents this attachment carries: the ZIP members if zipped, else itself."""
        if self.members:
            return [(member.name, member) for member in self.members]
        return [(self.attachment_name or self.content_id, self)]


@dataclass
class EdocPackage:
    """A document package (message type `edoc`): new, recall, update or replace."""

    message_type: ClassVar[str] = "edoc"

    header: MessageHeader = field(default_factory=MessageHeader)
    trace_headers: list[TraceHeader] = field(default_factory=list)
    bussiness: Bussiness | None = None
    manifest: list[ManifestReference] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    other: OtherInfoItems = field(default_factory=list)
    signature_present: bool = field(default=False, compare=False)

    @property
    def document_id(self) -> str:
        return self.header.document_id

    @property
    def doc_type(self) -> BussinessDocType:
        return self.bussiness.bussiness_doc_type if self.bussiness else BussinessDocType.NEW


@dataclass
class StatusPackage:
    """A status message (message type `status`): MessageHeader only, no body."""

    message_type: ClassVar[str] = "status"

    from_: Organization = field(default_factory=Organization)
    response_for: ResponseFor = field(default_factory=ResponseFor)
    staff_info: StaffInfo = field(default_factory=StaffInfo)
    status_code: str = ""
    description: str = ""
    timestamp: dt.datetime | None = None
    trace_headers: list[TraceHeader] = field(default_factory=list)
    other: OtherInfoItems = field(default_factory=list)
    signature_present: bool = field(default=False, compare=False)

    @property
    def document_id(self) -> str:
        return self.response_for.document_id
