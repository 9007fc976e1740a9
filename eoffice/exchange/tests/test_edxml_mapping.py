"""Mapping between our documents and edXML packages, and the two management commands (both databases)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from eoffice.directory.models import Agency
from eoffice.documents.models import Document, Urgency
from eoffice.exchange.edxml import BussinessDocType, EdocPackage, EdxmlError, build_edoc, parse
from eoffice.exchange.edxml.mapping import edoc_from_draft, edoc_from_incoming, incoming_fields
from eoffice.outgoing import numbering, release
from eoffice.outgoing.models import Draft

# Each test stores blobs in its own folder (autouse fixture of the outgoing tests).
from eoffice.outgoing.tests.conftest import (
    _media_root,  # noqa: F401
    actor_of,
    make_draft,
    pdf_bytes,
)
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "edxml_data" / "samples"


def _external() -> Agency:
    return Agency.objects.create(
        code="000.00.00.G22",
        name="Văn phòng Chính phủ",
        abbreviation="VPCP",
        hosted=False,
        email="vpcp@gov.vn",
    )


def _released(cast: Cast, **extra: Any) -> Draft:
    from eoffice.documents.services import UploadPart

    draft = make_draft(
        cast,
        recipient_ids=[cast.agency_b.pk, _external().pk],
        signer_id=cast.position(cast.leader_a).pk,
        signer_competence="KT.",
        urgency=Urgency.URGENT,
        due_date=dt.date(2026, 12, 15),
        recipient_lines="Như trên;\nLưu: VT, TCBC.",
        attachments=[UploadPart("Phụ lục số liệu.pdf", pdf_bytes(2, "phu-luc"))],
        **extra,
    )
    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)
    draft.refresh_from_db()
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    draft.refresh_from_db()
    return draft


def test_released_draft_travels_and_lands_as_incoming_fields(cast: Cast, tmp_path: Path) -> None:
    draft = _released(cast)
    package = edoc_from_draft(draft, attachments_dir=tmp_path)
    header = package.header
    assert header.from_.organ_id == "000.00.01.H99" and header.from_.organization_in_charge.startswith(
        "Ủy ban"
    )
    assert [to.organ_id for to in header.to] == ["000.00.00.G22"]  # hosted recipients get it internally
    assert (header.code.code_number, header.code.code_notation) == ("01", "SNV-TCBC")
    assert header.document_id.startswith("000.00.01.H99,") and header.document_id.endswith(",01/SNV-TCBC")
    assert package.doc_type is BussinessDocType.NEW
    assert [a.attachment_name for a in package.attachments] == ["du-thao.pdf", "Phụ lục số liệu.pdf"]
    assert all(a.path is not None and a.path.parent == tmp_path for a in package.attachments)

    received = parse(build_edoc(package))
    assert isinstance(received, EdocPackage) and received == package
    mapped = incoming_fields(received)
    version = draft.current_version
    assert version is not None
    number = draft.outgoing_number
    assert mapped.fields["code_number"] == "01" and mapped.fields["code_notation"] == "SNV-TCBC"
    assert mapped.fields["issued_date"] == number.issued_date
    assert mapped.fields["issuing_agency"] == cast.agency_a
    assert mapped.fields["subject"] == version.subject
    assert mapped.fields["document_type"].code == "cong_van"
    assert mapped.fields["signer_full_name"] == "Trần Văn Lãnh Đạo"
    assert mapped.fields["signer_competence"] == "KT."
    assert mapped.fields["urgency"] == Urgency.URGENT
    assert mapped.fields["due_date"] == dt.date(2026, 12, 15)
    assert mapped.fields["to_places"] == "Như trên;\nLưu: VT, TCBC."
    assert ("MessageHeader/To/OrganId", "000.00.00.G22") in mapped.other_information
    assert mapped.document_id == header.document_id
    # The fields are the Document's own: a Document can be built from them as they are.
    Document(agency=cast.agency_b, direction="incoming", received_at=dt.datetime.now(dt.UTC), **mapped.fields)


def test_only_numbered_and_non_secret_drafts_are_packaged(cast: Cast) -> None:
    with pytest.raises(EdxmlError) as caught:
        edoc_from_draft(make_draft(cast))
    assert caught.value.code == "draft_not_numbered"
    secret = make_draft(cast, secrecy="mat")
    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=secret)
    secret.refresh_from_db()
    with pytest.raises(EdxmlError) as caught:
        edoc_from_draft(secret)
    assert caught.value.code == "secret_document"


def test_sample_maps_with_nothing_dropped(db: None) -> None:
    package = parse(SAMPLES / "edoc_update.edxml")
    assert isinstance(package, EdocPackage)
    mapped = incoming_fields(package)
    assert mapped.fields["document_type"].code == "cong_van"  # matched by TypeName, not by Type "1"
    assert mapped.fields["signer_competence"] == "TL."
    assert mapped.fields["issuing_agency"] is None and mapped.issuer_code == "000.00.00.G22"
    other = dict(mapped.other_information)
    assert other["MessageHeader/PromulgationInfo/Place"] == "Hà Nội"
    assert other["MessageHeader/SignerInfo/Competence"] == "TL. BO TRUONG"
    assert other["MessageHeader/OtherInfo/SphereOfPromulgation"] == "Liên thông văn bản quốc gia"
    assert other["TraceHeaderList/Bussiness/BussinessDocType"] == "2 (Cập nhật)"
    assert ("TraceHeaderList/Bussiness/BussinessDocumentInfo/ReceiverList/Receiver", "000.00.00.H14 (1)") in (
        mapped.other_information
    )


def test_values_longer_than_our_fields_are_kept_whole(db: None) -> None:
    package = parse(SAMPLES / "edoc_update.edxml")
    assert isinstance(package, EdocPackage)
    package.header.subject = "Trích yếu rất dài " * 40
    package.header.code.code_number = "123456789012345"
    mapped = incoming_fields(package)
    assert len(mapped.fields["subject"]) == 500 and mapped.fields["code_number"] == "12345678901"
    assert ("MessageHeader/Subject", package.header.subject) in mapped.other_information
    assert ("MessageHeader/Code/CodeNumber", "123456789012345") in mapped.other_information


def test_incoming_document_is_packaged_again(cast: Cast) -> None:
    draft = _released(cast)
    copy = Document.objects.get(agency=cast.agency_b)
    package = edoc_from_incoming(copy)
    assert package.header.from_.organ_id == cast.agency_a.code
    assert package.header.code.code_notation == "SNV-TCBC"
    assert len(package.attachments) == 2 and package.attachments[0].data is not None
    assert parse(build_edoc(package)) == package
    assert draft.pk


def test_edxml_parse_command_prints_tags(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("edxml_parse", str(SAMPLES / "edoc_replacement.edxml"), stdout=out)
    data = json.loads(out.getvalue())
    assert data["MessageType"] == "edoc"
    assert data["MessageHeader"]["From"]["OrganId"] == "000.00.00.G22"
    assert data["MessageHeader"]["Code"] == {"CodeNumber": "7816", "CodeNotation": "VPCP-TTĐT"}
    assert data["TraceHeaderList"]["Bussiness"]["BussinessDocType"] == 3
    attachment = data["AttachmentEncoded"]["Attachment"][0]
    assert attachment["ContentId"] == "cid:209" and len(attachment["SHA256"]) == 64
    assert "Path" not in attachment  # the temporary folder is gone
    out = io.StringIO()
    call_command("edxml_parse", str(SAMPLES / "status_rejection_02.edxml"), stdout=out)
    status = json.loads(out.getvalue())
    assert status["MessageHeader"]["StatusCode"] == "02" and status["MessageHeader"]["StatusLabel"]


def test_edxml_parse_command_fails_precisely() -> None:
    with pytest.raises(CommandError, match=r"malformed_xml.*1212"):
        call_command("edxml_parse", str(SAMPLES / "edoc_new.edxml"), stdout=io.StringIO())


def test_edxml_build_command(cast: Cast, tmp_path: Path) -> None:
    draft = _released(cast)
    target = tmp_path / "out.edxml"
    call_command("edxml_build", "--document", str(draft.pk), "--out", str(target))
    package = parse(target)
    assert isinstance(package, EdocPackage) and package.header.code.code_notation == "SNV-TCBC"
    out = io.StringIO()
    copy = Document.objects.get(agency=cast.agency_b)
    call_command("edxml_build", "--document", str(copy.pk), "--incoming", stdout=out)
    assert parse(out.getvalue().encode()).document_id.endswith("01/SNV-TCBC")
    with pytest.raises(CommandError, match="draft_not_numbered"):
        call_command(
            "edxml_build", "--document", str(make_draft(cast).pk), "--out", str(tmp_path / "x.edxml")
        )
    assert not (tmp_path / "x.edxml").exists() and not (tmp_path / "x.edxml.part").exists()
    with pytest.raises(CommandError, match="not found"):
        call_command("edxml_build", "--document", "999999")
