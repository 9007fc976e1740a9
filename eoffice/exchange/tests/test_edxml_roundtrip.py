"""Property: build → parse gives back the same package, for generated documents with Vietnamese text."""

from __future__ import annotations

import datetime as dt
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eoffice.exchange.edxml import (
    Attachment,
    Bussiness,
    BussinessDocType,
    BussinessDocumentInfo,
    Code,
    DocumentType,
    EdocPackage,
    ManifestReference,
    MessageHeader,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusPackage,
    TraceHeader,
    build_edoc,
    build_status,
    parse,
)

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐĂÂÊÔƠƯ"
)
ALPHABET = st.sampled_from(
    VIETNAMESE + VIETNAMESE.upper() + string.digits + " /-.,;:()&<>\"'"
) | st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn"))
text = st.text(ALPHABET, max_size=30).map(str.strip)
required = text.filter(bool)
dates = st.dates(dt.date(1945, 9, 2), dt.date(2100, 12, 31))
moments = st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2100, 1, 1)).map(
    lambda m: m.replace(microsecond=0)
)
organizations = st.builds(
    Organization,
    organ_id=required,
    organization_in_charge=text,
    organ_name=text,
    organ_add=text,
    email=text,
    telephone=text,
    fax=text,
    website=text,
)
staff = st.builds(StaffInfo, department=text, staff=text, mobile=text, email=text)
responses = st.builds(
    ResponseFor, organ_id=text, code=text, promulgation_date=st.none() | dates, document_id=required
)
headers = st.builds(
    MessageHeader,
    from_=organizations,
    to=st.lists(organizations, max_size=3),
    code=st.builds(Code, code_number=text, code_notation=text),
    promulgation_info=st.builds(PromulgationInfo, place=text, promulgation_date=st.none() | dates),
    document_type=st.builds(DocumentType, type=text, type_detail=text, type_name=text),
    subject=text,
    content=text,
    signer_info=st.builds(SignerInfo, competence=text, position=text, full_name=text),
    due_date=st.none() | dates,
    to_places=st.lists(text, max_size=3),
    other_info=st.builds(
        OtherInfo,
        priority=st.none() | st.integers(0, 4),
        sphere_of_promulgation=text,
        typer_notation=text,
        promulgation_amount=st.none() | st.integers(0, 10_000),
        page_amount=st.none() | st.integers(0, 10_000),
        direction=st.none() | st.booleans(),
        appendixes=st.lists(text, max_size=2),
    ),
    response_for=st.lists(responses, max_size=2),
    steering_type=st.none() | st.integers(0, 2),
    document_id=required,
)
bussinesses = st.builds(
    Bussiness,
    bussiness_doc_type=st.sampled_from(BussinessDocType),
    bussiness_doc_reason=text,
    document_id=text,
    paper=st.sampled_from(["", "0", "1"]),
    staff_info=st.none() | staff,
    bussiness_document_info=st.none()
    | st.builds(
        BussinessDocumentInfo,
        document_info=st.sampled_from(["", "0", "1"]),
        document_receiver=st.sampled_from(["", "0", "1"]),
        receiver_list=st.lists(st.builds(Receiver, organ_id=required, receiver_type=text), max_size=2),
    ),
    replacement_info_list=st.lists(
        st.builds(ReplacementInfo, document_id=required, organ_id_list=st.lists(required, max_size=2)),
        max_size=2,
    ),
)


@st.composite
def attachments(draw: st.DrawFn) -> list[Attachment]:
    ids = draw(st.lists(required.map(lambda s: s.replace(" ", "")).filter(bool), max_size=3, unique=True))
    result = []
    for content_id in ids:
        attachment = Attachment.from_bytes(b"%PDF-" + draw(st.binary(max_size=300)))
        attachment.content_id = content_id
        attachment.attachment_name = draw(text) + ".pdf"
        attachment.description = draw(text)
        attachment.content_type = "application/pdf"
        result.append(attachment)
    return result


@st.composite
def edoc_packages(draw: st.DrawFn) -> EdocPackage:
    files = draw(attachments())
    return EdocPackage(
        header=draw(headers),
        trace_headers=draw(
            st.lists(st.builds(TraceHeader, organ_id=required, timestamp=moments), max_size=2)
        ),
        bussiness=draw(st.none() | bussinesses),
        manifest=[
            ManifestReference(a.content_id, a.content_type, a.description, a.attachment_name) for a in files
        ],
        attachments=files,
    )


status_packages = st.builds(
    StatusPackage,
    from_=organizations,
    response_for=responses,
    staff_info=staff,
    status_code=st.sampled_from([code.value for code in StatusCode]) | st.from_regex(r"\A[0-9]{2}\Z"),
    description=text,
    timestamp=moments,
    trace_headers=st.lists(st.builds(TraceHeader, organ_id=required, timestamp=moments), max_size=2),
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(edoc_packages())
def test_edoc_round_trip(package: EdocPackage) -> None:
    again = parse(build_edoc(package))
    assert isinstance(again, EdocPackage) and again == package
    assert [a.read_bytes() for a in again.attachments] == [a.read_bytes() for a in package.attachments]


@SETTINGS
@given(status_packages)
def test_status_round_trip(package: StatusPackage) -> None:
    assert parse(build_status(package)) == package


@SETTINGS
@given(edoc_packages())
def test_building_is_canonical(package: EdocPackage) -> None:
    data = build_edoc(package)
    again = parse(data)
    assert isinstance(again, EdocPackage) and build_edoc(again) == data
