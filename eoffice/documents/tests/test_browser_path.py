"""The whole incoming path in Debian's Chromium, as four people do it:

1. the văn thư uploads a scanned PDF (an image-only scan, so OCR really runs), accepts the
   proposed fields, registers it and presents it to the leader;
2. the leader assigns a lead unit, a co-processing unit and a for-information reader;
3. the unit head forwards to a specialist, who completes;
4. the document shows done, with its timeline.

Screenshots of each step are kept under var/test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest

from eoffice.directory.models import Unit
from eoffice.documents import handling, processing
from eoffice.documents.models import Document, DocumentStatus, DocumentType, FileRole
from eoffice.documents.tests import samples
from eoffice.testing.browser import ARTIFACTS, login
from eoffice.testing.cast import PASSWORD, build_cast
from eoffice.work.models import AssignmentLine
from eoffice.work.statuses import ItemStatus, LineRole, LineStatus

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OCR_TIMEOUT_MS = 120_000


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"incoming-path-{name}.png"), full_page=True)


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    login(page, base, username, PASSWORD)
    # Wait for the sign-in to land before navigating on: a goto racing the POST would cancel it.
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def open_from_box(page: Any, base: str, title: str) -> None:
    page.goto(f"{base}/work/")
    page.get_by_role("link", name=title).first.click()
    page.wait_for_selector("text=Các dòng xử lý")


def test_whole_incoming_path_in_the_browser(live_server, page, tmp_path) -> None:
    cast = build_cast()
    co_unit = Unit.objects.create(agency=cast.agency_a, name="Phòng Công chức, viên chức", code="CCVC")
    base = live_server.url
    scan = tmp_path / "cong-van-quet.pdf"
    image = samples.page_images(samples.pdf_for(samples.OFFICIAL_LETTER), dpi=200)[0]
    scan.write_bytes(processing.images_to_pdf([image]))
    assert not processing.has_text_layer(scan.read_bytes()), "the scan must have no text until OCR"

    # 1. The văn thư: upload, accept the proposals, register, present to the leader.
    sign_in(page, base, cast.clerk_a.username)
    page.goto(f"{base}/documents/upload/")
    page.set_input_files("#id_main_files", str(scan))
    page.select_option("#id_received_via", "paper_scan")
    # The test's Huey is immediate: OCR runs inside the upload request, so the click's navigation
    # takes as long as OCR on a busy machine, not the default 15 s.
    page.locator("#upload-form button[type=submit]").click(timeout=OCR_TIMEOUT_MS)
    page.wait_for_selector("#confirm-form", timeout=OCR_TIMEOUT_MS)
    document = Document.objects.get()
    main = document.files.get(role=FileRole.MAIN)
    assert document.files.filter(role=FileRole.RENDITION, derived_from=main, has_text_layer=True).exists()
    assert page.input_value("#id_code_number") == "45"
    assert page.input_value("#id_code_notation") == "UBND-VP"
    assert page.input_value("#id_issued_date") == "2026-02-17"
    assert page.input_value("#id_document_type_id") == str(DocumentType.objects.get(code="cong_van").pk)
    assert "tăng cường công tác văn thư" in page.input_value("#id_subject")
    assert "Đồng Tâm" in page.input_value("#id_organ_name")
    shot(page, "1-proposals")
    page.locator("#confirm-form button[type=submit]").click()
    page.wait_for_selector("text=Đã xác nhận thông tin văn bản.")
    page.get_by_role("button", name="Vào sổ").click()
    page.wait_for_selector("#registration")
    assert "Số đến: 1" in " ".join(page.locator("#registration").inner_text().split())
    page.select_option("#present-leader", str(cast.leader_a.pk))
    page.fill("#present-days", "10")
    page.locator("#present-form button[type=submit]").click()
    page.wait_for_selector("text=Đã trình lãnh đạo.")
    shot(page, "1-registered-presented")
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_PROGRESS
    item = handling.item_of(document)
    assert item is not None
    title = item.title

    # 2. The leader: receive, then assign a lead unit, a co-processing unit and an info reader.
    sign_in(page, base, cast.leader_a.username)
    open_from_box(page, base, title)
    page.get_by_role("button", name="Tiếp nhận").click()
    page.wait_for_selector("text=Đã tiếp nhận.")
    top = AssignmentLine.objects.get(item=item, level_key=0)
    prefix = f"f{top.pk}"
    page.locator(f"#line-{top.pk} summary", has_text="Chuyển xử lý").click()
    page.select_option(f"select[name='{prefix}-lead']", f"unit:{cast.unit_a.pk}")
    page.select_option(f"select[name='{prefix}-co']", [f"unit:{co_unit.pk}"])
    page.select_option(f"select[name='{prefix}-info']", [f"person:{cast.admin_a.pk}"])
    page.fill(f"input[name='{prefix}-working_days']", "5")
    page.fill(
        f"textarea[name='{prefix}-direction']", "Giao Phòng Tổ chức biên chế chủ trì, tham mưu trả lời."
    )
    page.locator(f"#line-{top.pk} form[action$='/forward/'] button[type=submit]").click()
    page.wait_for_selector("text=Đã chuyển xử lý.")
    shot(page, "2-leader-assigned")
    roles = set(
        AssignmentLine.objects.filter(parent=top).values_list("role", "assignee_unit_id", "assignee_user_id")
    )
    assert roles == {
        (LineRole.LEAD, cast.unit_a.pk, None),
        (LineRole.CO, co_unit.pk, None),
        (LineRole.INFO, None, cast.admin_a.pk),
    }

    # 3. The unit head receives and forwards to the specialist; the specialist completes.
    sign_in(page, base, cast.unit_head_a.username)
    open_from_box(page, base, title)
    unit_line = AssignmentLine.objects.get(item=item, assignee_unit=cast.unit_a)
    page.locator(f"#line-{unit_line.pk}").get_by_role("button", name="Tiếp nhận").click()
    page.wait_for_selector("text=Đã tiếp nhận.")
    prefix = f"f{unit_line.pk}"
    page.locator(f"#line-{unit_line.pk} summary", has_text="Chuyển xử lý").click()
    page.select_option(f"select[name='{prefix}-lead']", f"person:{cast.specialist_a.pk}")
    page.fill(f"textarea[name='{prefix}-direction']", "Đồng chí Chuyên Viên dự thảo trả lời.")
    page.locator(f"#line-{unit_line.pk} form[action$='/forward/'] button[type=submit]").click()
    page.wait_for_selector("text=Đã chuyển xử lý.")
    shot(page, "3-unit-head-forwarded")

    sign_in(page, base, cast.specialist_a.username)
    open_from_box(page, base, title)
    mine = AssignmentLine.objects.get(item=item, assignee_user=cast.specialist_a)
    card = page.locator(f"#line-{mine.pk}")
    card.get_by_role("button", name="Tiếp nhận").click()
    page.wait_for_selector("text=Đã tiếp nhận.")
    page.locator(f"#line-{mine.pk}").get_by_role("button", name="Hoàn thành", exact=True).click()
    page.wait_for_selector("text=Đã hoàn thành.")
    shot(page, "3-specialist-completed")

    # 4. The document shows done, with its timeline (seen by the văn thư).
    sign_in(page, base, cast.clerk_a.username)
    page.goto(f"{base}/documents/{document.pk}/")
    assert page.locator("#doc-status").inner_text().strip() == "Đã giải quyết xong"
    assert page.locator("#handling-status").inner_text().strip() == "Hoàn thành"
    rows = page.locator("#handling-lines tbody tr[data-line]")
    assert rows.count() == 5
    assert all(rows.nth(i).get_attribute("data-status") == "hoan_thanh" for i in range(rows.count()))
    for summary in page.locator("#handling-lines summary").all():
        summary.click()
    timeline = page.locator("#handling-lines").inner_text()
    for expected in (
        "Trình",
        "Tiếp nhận",
        "Hoàn thành",
        "Phạm Văn Chuyên Viên",
        "Phòng Công chức, viên chức",
    ):
        assert expected in timeline, expected
    shot(page, "4-document-done")
    document.refresh_from_db()
    item.refresh_from_db()
    assert document.status == DocumentStatus.DONE and item.status == ItemStatus.DONE
    assert set(AssignmentLine.objects.filter(item=item).values_list("status", flat=True)) == {
        LineStatus.HOAN_THANH
    }
