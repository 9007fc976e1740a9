"""Registration (vào sổ): consecutive arrival numbers, secret register, bulk, authorisation, export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.documents import exports, selectors, services
from eoffice.documents.models import DocumentStatus, Register, Registration
from eoffice.documents.tests.factories import clerk, confirmed_document


def test_numbers_run_consecutively_from_one(cast) -> None:
    documents = [confirmed_document(cast) for _ in range(3)]
    numbers = [services.document_register(actor=clerk(cast), document=d).number for d in documents]
    assert numbers == [1, 2, 3]
    register = Register.objects.get()
    assert register.is_default and not register.is_secret and register.year == timezone.localdate().year
    assert register.counters.get().last_number == 3
    documents[0].refresh_from_db()
    assert documents[0].status == DocumentStatus.REGISTERED


def test_secret_documents_have_their_own_register(cast) -> None:
    ordinary = confirmed_document(cast)
    secret = confirmed_document(cast, secrecy="mat")
    first = services.document_register(actor=clerk(cast), document=ordinary)
    second = services.document_register(actor=clerk(cast), document=secret)
    assert (first.number, second.number) == (1, 1)
    assert second.register.is_secret and first.register != second.register
    another = confirmed_document(cast)
    with pytest.raises(ValidationFailed) as caught:
        services.document_register(actor=clerk(cast), document=another, register=second.register)
    assert caught.value.code == "secrecy_register_mismatch"
    assert not Registration.objects.filter(document=another).exists()


def test_a_document_is_registered_once(cast) -> None:
    document = confirmed_document(cast)
    services.document_register(actor=clerk(cast), document=document)
    with pytest.raises(Conflict):
        services.document_register(actor=clerk(cast), document=document)
    assert Registration.objects.count() == 1


def test_unconfirmed_document_cannot_be_registered(cast, django_capture_on_commit_callbacks) -> None:
    from eoffice.documents.tests import samples

    document = services.document_receive_upload(
        actor=clerk(cast), main_files=[services.UploadPart("a.pdf", samples.pdf_for(samples.DECISION))]
    )
    with pytest.raises(Conflict) as caught:
        services.document_register(actor=clerk(cast), document=document)
    assert "đã xác nhận" in caught.value.message


def test_only_the_agency_clerk_registers(cast) -> None:
    document = confirmed_document(cast)
    for user in (cast.leader_a, cast.specialist_a, cast.admin_a, cast.clerk_b):
        with pytest.raises(PermissionDenied):
            services.document_register(
                actor=Actor(user=user, position=cast.position(user)), document=document
            )
    with pytest.raises(PermissionDenied):
        services.document_register_bulk(
            actor=Actor(user=cast.leader_a, position=cast.position(cast.leader_a)), document_ids=[document.pk]
        )
    assert Registration.objects.count() == 0


def test_bulk_registers_in_order_of_receipt_all_or_nothing(cast) -> None:
    documents = [confirmed_document(cast) for _ in range(4)]
    broken = documents[2]
    services.document_register(actor=clerk(cast), document=broken)  # already registered: number 1
    ids = [d.pk for d in reversed(documents)]
    with pytest.raises(Conflict) as caught:
        services.document_register_bulk(actor=clerk(cast), document_ids=ids)
    assert caught.value.details["document_id"] == broken.pk
    assert Registration.objects.count() == 1  # nothing half-written
    rest = [d.pk for d in documents if d != broken]
    registrations = services.document_register_bulk(actor=clerk(cast), document_ids=list(reversed(rest)))
    assert [(r.document_id, r.number) for r in registrations] == list(zip(rest, [2, 3, 4], strict=True))


def test_bulk_refuses_other_agencies_documents(cast) -> None:
    document = confirmed_document(cast)
    agency_b_clerk = Actor(user=cast.clerk_b, position=cast.position(cast.clerk_b))
    from eoffice.core.errors import NotFound

    with pytest.raises(NotFound):
        services.document_register_bulk(actor=agency_b_clerk, document_ids=[document.pk, 999999])
    with pytest.raises(ValidationFailed):
        services.document_register_bulk(actor=clerk(cast), document_ids=[])


def test_register_create_rules(cast) -> None:
    year = timezone.localdate().year
    admin = Actor(user=cast.admin_a, position=cast.position(cast.admin_a))
    register = services.register_create(actor=admin, agency=cast.agency_a, year=year, name="Sổ đơn thư")
    assert register.counters.get().last_number == 0
    with pytest.raises(Conflict):
        services.register_create(actor=clerk(cast), agency=cast.agency_a, year=year, name="Sổ  đơn thư")
    with pytest.raises(PermissionDenied):
        services.register_create(
            actor=Actor(user=cast.leader_a, position=cast.position(cast.leader_a)),
            agency=cast.agency_a,
            year=year,
        )
    with pytest.raises(ValidationFailed):
        services.register_create(actor=clerk(cast), agency=cast.agency_a, year=1900)
    # A chosen, non-default register numbers on its own.
    document = confirmed_document(cast)
    assert services.document_register(actor=clerk(cast), document=document, register=register).number == 1


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(st.sampled_from(["single", "bulk2", "secret"]), min_size=1, max_size=5))
def test_numbers_have_no_gap_and_no_duplicate_whatever_the_mix(cast, plan: list[str]) -> None:
    Registration.objects.all().delete()
    from eoffice.documents.models import RegisterCounter

    RegisterCounter.objects.update(last_number=0)
    for step in plan:
        if step == "single":
            services.document_register(actor=clerk(cast), document=confirmed_document(cast))
        elif step == "secret":
            services.document_register(actor=clerk(cast), document=confirmed_document(cast, secrecy="mat"))
        else:
            ids = [confirmed_document(cast).pk, confirmed_document(cast).pk]
            services.document_register_bulk(actor=clerk(cast), document_ids=ids)
    for register in Register.objects.all():
        numbers = list(register.registrations.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
        assert register.counters.get().last_number == len(numbers)


def test_register_export_has_the_decree_columns(cast) -> None:
    documents = [confirmed_document(cast) for _ in range(2)]
    for document in documents:
        services.document_register(actor=clerk(cast), document=document)
    register = Register.objects.get()
    today = timezone.localdate()
    entries = list(selectors.register_entries(register=register, date_from=today, date_to=today))
    report = exports.build_report(register, today, today, entries)
    book = load_workbook(io.BytesIO(exports.to_xlsx(report)))
    sheet = book.active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows.index(exports.INCOMING_COLUMNS)
    assert exports.INCOMING_COLUMNS == [
        "Ngày đến",
        "Số đến",
        "Tác giả",
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung",
        "Đơn vị hoặc người nhận",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    ]
    assert rows[header + 1] == [f"({i})" for i in range(1, 11)]
    first = rows[header + 2]
    assert first[0] == today.strftime("%d/%m/%Y") and first[1] == "1"
    assert first[2] == "Ủy ban nhân dân xã Đồng Tâm"
    assert first[3] == f"{documents[0].code_number}/UBND-VP" and first[4] == "05/01/2026"
    assert first[5].startswith("Công văn V/v thử nghiệm")
    assert len(rows) == header + 4
    pages = PdfReader(io.BytesIO(exports.to_pdf(report))).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    for column in ("Ngày đến", "Số đến", "Tác giả", "Ký nhận", "Ghi chú"):
        assert column in text
    assert "V/v thử nghiệm" in text and "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert today.strftime("%d/%m/%Y") in text and "05/01/2026" in text
    # The date range is honoured.
    yesterday = today - timedelta(days=1)
    assert list(selectors.register_entries(register=register, date_from=yesterday, date_to=yesterday)) == []


def test_bulk_takes_a_25_digit_id_for_a_missing_document(cast) -> None:
    # Past a key column's range: "not found", never a database error (core.rowids).
    document = confirmed_document(cast)
    from eoffice.core.errors import NotFound

    with pytest.raises(NotFound) as error:
        services.document_register_bulk(actor=clerk(cast), document_ids=[document.pk, 10**25])
    assert error.value.details == {"ids": [10**25]}
    assert not Registration.objects.exists()
