"""The real-world samples: every well-formed one parses, the two malformed ones are quarantined."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from eoffice.exchange.edxml import (
    BussinessDocType,
    EdocPackage,
    EdxmlError,
    StatusPackage,
    build_edoc,
    build_status,
    parse,
)

SAMPLES = Path(__file__).parent / "edxml_data" / "samples"
MALFORMED = {"edoc.edxml", "edoc_new.edxml"}
WELL_FORMED = sorted(p.name for p in SAMPLES.glob("*.edxml") if p.name not in MALFORMED)
DOC_ID = "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"


def test_every_sample_is_accounted_for() -> None:
    assert len(WELL_FORMED) == 13
    assert {p.name for p in SAMPLES.glob("*.edxml")} >= MALFORMED


@pytest.mark.parametrize("name", WELL_FORMED)
def test_well_formed_samples_parse(name: str, tmp_path: Path) -> None:
    package = parse(SAMPLES / name, attachments_dir=tmp_path)
    assert package.document_id == DOC_ID
    if name.startswith("status"):
        assert isinstance(package, StatusPackage)
        assert package.status_code == name.rsplit("_", 1)[-1].split(".")[0] or name == "status.edxml"
    else:
        assert isinstance(package, EdocPackage)
        assert package.signature_present


def test_stray_bytes_before_declaration_are_quarantined_precisely() -> None:
    with pytest.raises(EdxmlError) as caught:
        parse(SAMPLES / "edoc_new.edxml")
    assert caught.value.code == "malformed_xml"
    assert "1212" in caught.value.detail
    assert "XML" in caught.value.message


def test_undeclared_prefix_is_quarantined_with_its_line() -> None:
    with pytest.raises(EdxmlError) as caught:
        parse(SAMPLES / "edoc.edxml")
    assert caught.value.code == "malformed_xml"
    assert "line 116" in caught.value.detail and "xlink" in caught.value.detail


def test_status_samples_fields() -> None:
    package = parse(SAMPLES / "status_cancellation_13.edxml")
    assert isinstance(package, StatusPackage)
    assert package.status_code == "13"
    assert package.from_.organ_id == "000.00.00.G22"
    assert package.response_for.code == "7816/VPCP-TTĐT"
    assert package.response_for.promulgation_date.isoformat() == "2015-09-30"  # type: ignore[union-attr]
    assert package.staff_info.staff == "Nguyen thi ngoc tram"
    assert package.timestamp is not None and package.timestamp.isoformat() == "2015-09-20T11:08:36"
    assert package.other == []


def test_update_sample_fields(tmp_path: Path) -> None:
    package = parse(SAMPLES / "edoc_update.edxml", attachments_dir=tmp_path)
    assert isinstance(package, EdocPackage)
    header = package.header
    assert [to.organ_id for to in header.to] == ["000.00.00.H41", "000.00.00.H14", "000.00.00.G17"]
    assert (header.code.code_number, header.code.code_notation) == ("7816", "VPCP-TTĐT")
    assert header.document_type.type_name == "Công văn"
    assert header.signer_info.competence == "TL. BO TRUONG"
    assert header.other_info.direction is False and header.other_info.page_amount == 22
    assert header.to_places == ["Cac bo va co quan ngang bo", "Uy ban nhan dan cac tinh, TP"]
    assert header.steering_type == 1
    bussiness = package.bussiness
    assert bussiness is not None and bussiness.bussiness_doc_type is BussinessDocType.UPDATE
    # The impossible date inside a DocumentId is opaque: kept, never rejected.
    assert bussiness.document_id == "000.00.00.G22,2014/02/30,7806/VPCP-TTĐT"
    info = bussiness.bussiness_document_info
    assert info is not None and [(r.organ_id, r.receiver_type) for r in info.receiver_list] == [
        ("000.00.00.H41", "0"),
        ("000.00.00.H14", "1"),
    ]


def test_zip_attachment_is_unpacked_to_disk(tmp_path: Path) -> None:
    package = parse(SAMPLES / "edoc_replacement.edxml", attachments_dir=tmp_path)
    assert isinstance(package, EdocPackage)
    (attachment,) = package.attachments
    assert attachment.content_id == "209"  # "cid:" stripped
    assert attachment.data is None and attachment.path is not None and attachment.path.parent == tmp_path
    assert zipfile.is_zipfile(attachment.path)
    (member,) = attachment.members
    assert member.name.endswith(".edxml") and member.path is not None
    # The member is itself an edXML file (the SDK's test data, with the undeclared xlink prefix).
    assert member.path.read_bytes().lstrip().startswith(b"<?xml")
    assert member.size == member.path.stat().st_size
    assert attachment.files() == [(member.name, member)]


def test_replacement_sample_keeps_duplicates() -> None:
    package = parse(SAMPLES / "edoc_replacement.edxml")
    assert isinstance(package, EdocPackage) and package.bussiness is not None
    replaced = package.bussiness.replacement_info_list
    assert len(replaced) == 2
    assert replaced[0].organ_id_list == ["000.00.00.H41", "000.00.00.H14"]


@pytest.mark.parametrize("name", WELL_FORMED)
def test_samples_round_trip_through_the_canonical_form(name: str) -> None:
    package = parse(SAMPLES / name)
    again = parse(build_status(package)) if isinstance(package, StatusPackage) else parse(build_edoc(package))
    package.other.clear()  # the placeholder signature and other-info are not re-emitted
    assert again == package
