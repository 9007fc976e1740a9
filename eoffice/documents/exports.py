"""Print the incoming register (Sổ đăng ký văn bản đến, Phụ lục IV) as XLSX and PDF."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from eoffice.documents.models import Document, DocumentStatus, Register, Registration

# WeasyPrint logs every layout step at INFO; one export would add seven lines to the server log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Decree 30, Phụ lục IV: the ten columns of the incoming register, in order.
INCOMING_COLUMNS: list[str] = [
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
_WIDTHS = [12, 8, 28, 18, 12, 50, 24, 12, 12, 20]


@dataclass(frozen=True)
class RegisterReport:
    """A register over a period, as the printer draws it (it reads .register.agency, .year, .name).
    The outgoing register is the same report with its own heading and its own kind of register."""

    register: Any
    date_from: date
    date_to: date
    rows: list[list[str]]
    heading: ClassVar[str] = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"

    @property
    def title(self) -> str:
        return f"{self.heading} — {self.register.name}"

    @property
    def period(self) -> str:
        return f"Từ ngày {self.date_from:%d/%m/%Y} đến ngày {self.date_to:%d/%m/%Y}"


def _fmt(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def entry_row(entry: Registration, handed_on: date | None = None) -> list[str]:
    """One register line; `handed_on` is when the document was first handed on (work engine)."""
    document = entry.document
    type_and_subject = " ".join(
        part
        for part in [document.document_type.name if document.document_type else "", document.subject]
        if part
    )
    arrived = timezone.localtime(entry.arrived_at)
    return [
        arrived.strftime("%d/%m/%Y"),
        str(entry.number),
        document.organ_name,
        document.number_symbol,
        _fmt(document.issued_date),
        type_and_subject,
        document.to_places,
        _fmt(handed_on),
        "",  # Ký nhận: signed on the printed register
        _note(document),
    ]


def _note(document: Document) -> str:
    # A withdrawn copy keeps its line so the numbers have no gaps; the note says why it is empty.
    if document.status == DocumentStatus.RECALLED:
        return "; ".join(part for part in ("Đã thu hồi", document.description) if part)
    return document.description


def build_report(
    register: Register,
    date_from: date,
    date_to: date,
    entries: list[Registration],
    handed_on: dict[int, date] | None = None,
) -> RegisterReport:
    handed_on = handed_on or {}
    rows = [entry_row(entry, handed_on.get(entry.document_id)) for entry in entries]
    return RegisterReport(register, date_from, date_to, rows)


def to_xlsx(
    report: Any,
    *,
    columns: list[str] = INCOMING_COLUMNS,
    widths: list[int] = _WIDTHS,
    sheet_title: str = "So den",
) -> bytes:
    """Any register report: `report` has .register (with .agency, .year), .title, .period, .rows.

    The outgoing register (app `outgoing`) prints through here with its own columns."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{sheet_title} {report.register.year}"
    sheet.append([report.register.agency.name.upper()])
    sheet.append([report.title])
    sheet.append([report.period])
    sheet.append([])
    header_row = 5
    sheet.append(columns)
    sheet.append([f"({i})" for i in range(1, len(columns) + 1)])
    for row in report.rows:
        sheet.append(row)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cells in sheet.iter_rows(min_row=header_row, max_row=sheet.max_row, max_col=len(columns)):
        for cell in cells:
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.row <= header_row + 1:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet["A2"].font = Font(bold=True, size=13)
    sheet.print_title_rows = f"{header_row}:{header_row + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Column widths (percent of the landscape page) and the columns printed right-aligned as numbers.
INCOMING_PDF_WIDTHS = [9, 6, 13, 10, 9, 21, 11, 8, 6, 7]
INCOMING_NUMERIC_COLUMNS = frozenset({1, 2, 5})


def to_pdf(
    report: Any,
    *,
    columns: list[str] = INCOMING_COLUMNS,
    widths: list[int] = INCOMING_PDF_WIDTHS,
    numeric_columns: frozenset[int] = INCOMING_NUMERIC_COLUMNS,
    empty_text: str = "Không có văn bản đến trong khoảng thời gian này.",
) -> bytes:
    """The register as printed (Phụ lục IV): one template serves the incoming and outgoing registers."""
    from weasyprint import HTML

    context = {
        "report": report,
        "columns": columns,
        "widths": widths,
        "numeric_columns": numeric_columns,
        "empty_text": empty_text,
    }
    html = render_to_string("documents/register_print.html", context)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
