"""Real-world variants are accepted and normalised; what we do not model is kept as other information."""

from __future__ import annotations

import datetime as dt

from eoffice.exchange.edxml import (
    EdocPackage,
    StatusCode,
    StatusPackage,
    build_edoc,
    build_status,
    parse,
    status_label,
)

from .edxml_factories import edoc, status

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PDF = b"%PDF-1.7\nhello"


def test_cid_prefix_in_manifest_only() -> None:
    data = build_edoc(edoc(("a.pdf", PDF, "application/pdf")))
    data = data.replace(b"<ContentId>cid:att0</ContentId>", b"<ContentId>att0</ContentId>")
    package = parse(data)
    assert isinstance(package, EdocPackage)
    assert package.manifest[0].content_id == package.attachments[0].content_id == "att0"


def test_element_order_and_prefixes_do_not_matter() -> None:
    original = edoc()
    data = build_edoc(original).decode()
    # DocumentId first instead of last (seen in VNPT samples); prefixed AttachmentEncoded elsewhere.
    doc_id = "<edXML:DocumentId>000.00.00.H41,2026/11/20,45/UBND-VP</edXML:DocumentId>"
    data = data.replace(doc_id, "").replace("<edXML:From>", doc_id + "<edXML:From>", 1)
    assert parse(data.encode()) == original


def test_unprefixed_children_under_a_prefixed_root() -> None:
    data = (
        f'<e:edXML xmlns:e="{NS}"><edXMLEnvelope><edXMLHeader><MessageHeader>'
        "<From><OrganId>X</OrganId></From><ResponseFor><DocumentId>D</DocumentId></ResponseFor>"
        "<StatusCode>1</StatusCode><Timestamp>2026-11-20T10:00:00+07:00</Timestamp>"
        "</MessageHeader></edXMLHeader></edXMLEnvelope></e:edXML>"
    )
    package = parse(data.encode())
    assert isinstance(package, StatusPackage)
    assert package.status_code == StatusCode.ARRIVED == "01"  # integer code normalised
    assert package.timestamp == dt.datetime(2026, 11, 20, 10, 0, 0)


def test_date_formats_in_use() -> None:
    data = build_edoc(edoc()).replace(
        b"2026/11/20</edXML:PromulgationDate>", b"20/11/2026</edXML:PromulgationDate>"
    )
    data = data.replace(b"<edXML:DueDate>2026/12/01", b"<edXML:DueDate>2026-12-01")
    package = parse(data)
    assert isinstance(package, EdocPackage)
    assert package.header.promulgation_info.promulgation_date == dt.date(2026, 11, 20)
    assert package.header.due_date == dt.date(2026, 12, 1)


def test_unknown_fields_are_kept_in_order() -> None:
    data = build_edoc(edoc()).decode()
    data = data.replace(
        "<edXML:Priority>1</edXML:Priority>",
        "<edXML:Priority>1</edXML:Priority><edXML:ReferenceCodes><edXML:ReferenceCode>12/UBND</edXML:ReferenceCode>"
        "<edXML:ReferenceCode>13/UBND</edXML:ReferenceCode></edXML:ReferenceCodes>",
    )
    data = data.replace("<edXML:DueDate>2026/12/01", "<edXML:DueDate>sớm nhất")
    data = data.replace("<edXML:TraceHeaderList>", '<edXML:TraceHeaderList version="1.0" id="t1">')
    data = data.replace(
        "</edXML:MessageHeader>", '<x:Extra xmlns:x="urn:x" a="b">thêm</x:Extra></edXML:MessageHeader>'
    )
    package = parse(data.encode())
    assert isinstance(package, EdocPackage)
    assert package.header.due_date is None
    assert package.other == [
        ("MessageHeader/DueDate", "sớm nhất"),
        ("MessageHeader/OtherInfo/ReferenceCodes/ReferenceCode", "12/UBND"),
        ("MessageHeader/OtherInfo/ReferenceCodes/ReferenceCode", "13/UBND"),
        ("MessageHeader/Extra/@a", "b"),
        ("MessageHeader/Extra", "thêm"),
        ("TraceHeaderList/@version", "1.0"),
        ("TraceHeaderList/@id", "t1"),
    ]


def test_unknown_status_codes_are_kept_verbatim() -> None:
    package = parse(build_status(status("09")))
    assert isinstance(package, StatusPackage) and package.status_code == "09"
    assert status_label("09") == "09"
    assert status_label("15") == "Đồng ý lấy lại/cập nhật"
