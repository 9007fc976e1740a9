"""The clerk's incoming flow in Debian's Chromium at phone width, driven mostly from the keyboard."""

from __future__ import annotations

import pytest

from eoffice.documents.models import Document, DocumentStatus
from eoffice.documents.tests import samples
from eoffice.testing.browser import ARTIFACTS, login
from eoffice.testing.cast import PASSWORD, build_cast

# serialized_rollback keeps the seeded document types (data migration) for later tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def no_sideways_scroll(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_clerk_receives_confirms_and_registers_on_a_phone(live_server, phone_page, tmp_path) -> None:
    cast = build_cast()
    page = phone_page
    login(page, live_server.url, cast.clerk_a.username, PASSWORD)
    pdf = tmp_path / "quyet-dinh.pdf"
    pdf.write_bytes(samples.pdf_for(samples.DECISION))

    page.goto(f"{live_server.url}/documents/upload/")
    assert no_sideways_scroll(page)
    page.set_input_files("#id_main_files", str(pdf))
    page.select_option("#id_urgency", "khan")
    page.locator("#upload-form button[type=submit]").press("Enter")
    page.wait_for_selector("#confirm-form")
    # The proposals from the first page fill the form.
    assert page.input_value("#id_code_notation") == "QĐ-SNV"
    assert page.input_value("#id_issued_date") == "2026-03-05"
    assert "quy chế làm việc" in page.input_value("#id_subject")
    assert no_sideways_scroll(page)

    page.focus("#id_signer_full_name")
    page.keyboard.type("Trần Văn Lãnh Đạo")
    page.locator("#confirm-form button[type=submit]").press("Enter")
    page.wait_for_selector("text=Đã xác nhận thông tin văn bản.")
    page.get_by_role("button", name="Vào sổ").press("Enter")
    page.wait_for_selector("#registration")
    assert "Số đến: 1" in " ".join(page.locator("#registration").inner_text().split())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "documents-detail-phone.png"), full_page=True)
    document = Document.objects.get()
    assert document.status == DocumentStatus.REGISTERED and document.signer_full_name == "Trần Văn Lãnh Đạo"
    assert document.urgency == "khan"

    page.goto(f"{live_server.url}/documents/?status=registered")
    assert page.get_by_text("12/QĐ-SNV").is_visible()
    assert no_sideways_scroll(page)
    page.goto(f"{live_server.url}/documents/registers/")
    assert no_sideways_scroll(page)
