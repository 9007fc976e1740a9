"""Small packages for codec tests, built through the public dataclasses."""

from __future__ import annotations

import datetime as dt

from eoffice.exchange.edxml import (
    Attachment,
    Bussiness,
    BussinessDocType,
    Code,
    DocumentType,
    EdocPackage,
    ManifestReference,
    MessageHeader,
    Organization,
    OtherInfo,
    PromulgationInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusPackage,
    TraceHeader,
)

SENDER = Organization(organ_id="000.00.00.H41", organ_name="UBND tỉnh Nghệ An", email="vanthu@nghean.gov.vn")
RECEIVER = Organization(organ_id="000.00.00.G22", organ_name="Văn phòng Chính phủ")
DOC_ID = "000.00.00.H41,2026/11/20,45/UBND-VP"


def edoc(
    *attachments: tuple[str, bytes, str], doc_type: BussinessDocType = BussinessDocType.NEW
) -> EdocPackage:
    files = [Attachment.from_bytes(data) for _name, data, _type in attachments]
    for index, (attachment, (name, _data, content_type)) in enumerate(zip(files, attachments, strict=True)):
        attachment.content_id = f"att{index}"
        attachment.attachment_name = name
        attachment.content_type = content_type
    return EdocPackage(
        header=MessageHeader(
            from_=SENDER,
            to=[RECEIVER],
            code=Code("45", "UBND-VP"),
            promulgation_info=PromulgationInfo("Nghệ An", dt.date(2026, 11, 20)),
            document_type=DocumentType("1", "0", "Công văn"),
            subject="V/v triển khai liên thông văn bản điện tử",
            signer_info=SignerInfo("KT. CHỦ TỊCH", "Phó Chủ tịch", "Nguyễn Văn Đức"),
            due_date=dt.date(2026, 12, 1),
            to_places=["Như trên", "Lưu: VT"],
            other_info=OtherInfo(priority=1, page_amount=2, promulgation_amount=3),
            steering_type=0,
            document_id=DOC_ID,
        ),
        trace_headers=[TraceHeader("000.00.00.H41", dt.datetime(2026, 11, 20, 9, 30, 0))],
        bussiness=Bussiness(
            bussiness_doc_type=doc_type,
            bussiness_doc_reason="Văn bản điện tử mới",
            paper="0",
            staff_info=StaffInfo("Văn phòng", "Trần Thị Lan", "0912000000", "lan@nghean.gov.vn"),
        ),
        manifest=[
            ManifestReference(a.content_id, a.content_type, a.description, a.attachment_name) for a in files
        ],
        attachments=files,
    )


def status(code: str = "03") -> StatusPackage:
    return StatusPackage(
        from_=RECEIVER,
        response_for=ResponseFor("000.00.00.H41", "45/UBND-VP", dt.date(2026, 11, 20), DOC_ID),
        staff_info=StaffInfo("Văn thư", "Lê Văn Hùng"),
        status_code=code,
        description="Đã tiếp nhận, vào sổ văn bản đến",
        timestamp=dt.datetime(2026, 11, 20, 10, 0, 5),
    )
