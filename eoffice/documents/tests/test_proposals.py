"""Field proposals from the first page: generated Vietnamese documents rendered to PDF, and OCR-like text."""

from __future__ import annotations

from datetime import date

import pytest

from eoffice.directory.models import Agency, AgencyKind
from eoffice.documents import processing
from eoffice.documents.models import DocumentType
from eoffice.documents.proposals import propose
from eoffice.documents.tests import samples


def _first_page(sample: samples.Sample) -> str:
    return processing.page_texts(samples.pdf_for(sample))[0]


def test_decision_from_rendered_pdf(cast) -> None:
    proposal = propose(_first_page(samples.DECISION))
    assert proposal.code_number == "12"
    assert proposal.code_notation == "QĐ-SNV"
    assert proposal.issued_date == date(2026, 3, 5)
    assert proposal.issuing_agency_id == cast.agency_a.pk
    assert proposal.organ_name == "Sở Nội vụ"
    assert proposal.document_type_id == DocumentType.objects.get(code="quyet_dinh").pk
    assert proposal.subject == "Về việc ban hành quy chế làm việc của Sở Nội vụ"


def test_official_letter_subject_from_vv_and_type_cong_van(cast) -> None:
    proposal = propose(_first_page(samples.OFFICIAL_LETTER))
    assert (proposal.code_number, proposal.code_notation) == ("45", "UBND-VP")
    assert proposal.issued_date == date(2026, 2, 17)
    assert proposal.subject == "tăng cường công tác văn thư, lưu trữ"
    assert proposal.type_name == "Công văn"
    assert proposal.issuing_agency_id == cast.agency_b.pk


def test_date_in_the_body_is_not_taken_for_the_issue_date(db) -> None:
    text = (
        "BỘ NỘI VỤ\nSố: 7/TB-BNV\nTHÔNG BÁO\nKết luận của Bộ trưởng\nCăn cứ Luật ngày 01 tháng 01 năm 2020;"
    )
    proposal = propose(text)
    assert proposal.issued_date is None
    assert proposal.type_name == "Thông báo"
    assert proposal.subject == "Kết luận của Bộ trưởng"
    # Not in the directory: the header line is proposed as text, for the clerk to correct.
    assert proposal.issuing_agency_id is None and proposal.organ_name == "Bộ nội vụ"


def test_interleaved_columns_and_ocr_quirks(cast) -> None:
    # Extraction put both header columns on one line; OCR lost the colon and used decomposed accents.
    text = (
        "UY BAN NHAN DAN TINH THU NGHIEM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "SỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc\n"
        "Số 08/KH-SNV Thử Nghiệm, ngày 30 tháng 12 năm 2025\n"
        "KẾ HOẠCH\nTriển khai số hóa tài liệu lưu trữ năm 2026\nGIÁM ĐỐC SỞ NỘI VỤ\n"
    )
    proposal = propose(text)
    assert (proposal.code_number, proposal.code_notation) == ("08", "KH-SNV")
    assert proposal.issued_date == date(2025, 12, 30)
    assert proposal.type_name == "Kế hoạch"
    assert proposal.subject == "Triển khai số hóa tài liệu lưu trữ năm 2026"
    assert proposal.issuing_agency_id == cast.agency_a.pk


def test_same_name_in_two_provinces_is_told_apart_by_the_parent_line(cast) -> None:
    other_province = Agency.objects.create(
        code="000.00.00.H98",
        name="Ủy ban nhân dân tỉnh Bên Cạnh",
        abbreviation="UBND",
        kind=AgencyKind.PROVINCE,
    )
    other = Agency(code="000.00.01.H98", name="Sở Nội vụ", abbreviation="SNV", parent=other_province)
    other.refresh_search_text()
    other.save()
    text = "ỦY BAN NHÂN DÂN TỈNH BÊN CẠNH\nSỞ NỘI VỤ\nSố: 3/TB-SNV\nTHÔNG BÁO\nLịch tiếp công dân\n"
    assert propose(text).issuing_agency_id == other.pk
    text_a = text.replace("BÊN CẠNH", "THỬ NGHIỆM")
    assert propose(text_a).issuing_agency_id == cast.agency_a.pk


@pytest.mark.parametrize("text", ["", "   \n  ", "Trang trắng không có tiêu đề"])
def test_no_marks_means_no_proposals(db, text: str) -> None:
    proposal = propose(text)
    assert proposal.code_number == "" and proposal.issued_date is None and proposal.document_type_id is None


def test_impossible_date_is_ignored(db) -> None:
    assert propose("Hà Nội, ngày 31 tháng 02 năm 2026").issued_date is None
