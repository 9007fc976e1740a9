"""Print the outgoing register (Sổ đăng ký văn bản đi, Phụ lục IV) as XLSX and PDF.

The sheet and PDF are drawn by the documents app's register printer, with these columns.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse

from eoffice.documents import exports as register_printer
from eoffice.documents.downloads import XLSX
from eoffice.outgoing.models import OutgoingNumber, OutgoingSeries

# Decree 30, Phụ lục IV: the ten columns of the outgoing register, in order.
OUTGOING_COLUMNS: list[str] = [
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]
_WIDTHS = [16, 12, 50, 22, 36, 20, 8, 12, 12, 18]


class OutgoingRegisterReport(register_printer.RegisterReport):
    heading = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"


def entry_row(entry: OutgoingNumber) -> list[str]:
    draft = entry.draft
    assert draft is not None
    version = draft.current_version
    assert version is not None
    recipients = [r.agency.name for r in version.recipients.all()]
    recipients += [line for line in version.recipient_lines.splitlines() if line]
    signer = version.signer.user.full_name if version.signer else ""
    return [
        entry.number_symbol,
        entry.issued_date.strftime("%d/%m/%Y") if entry.issued_date else "",
        f"{version.document_type.name} {version.subject}".strip(),
        f"{version.signer_competence} {signer}".strip(),
        "; ".join(recipients),
        draft.unit.name if draft.unit else "",
        "1",  # one electronic original (Điều 19.2)
        "",  # Ngày chuyển: filled when release lands
        "",  # Ký nhận: signed on the printed register
        version.note,
    ]


def build_report(
    series: OutgoingSeries, date_from: date, date_to: date, entries: list[OutgoingNumber]
) -> OutgoingRegisterReport:
    return OutgoingRegisterReport(series, date_from, date_to, [entry_row(e) for e in entries])


def report_response(report: OutgoingRegisterReport, fmt: str) -> HttpResponse:
    series = report.register
    base = f"so-van-ban-di-{series.year}-{series.pk}-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}"
    if fmt == "pdf":
        data = register_printer.to_pdf(
            report,
            columns=OUTGOING_COLUMNS,
            widths=[11, 8, 24, 11, 16, 10, 5, 6, 4, 5],
            numeric_columns=frozenset({1, 2, 7}),
            empty_text="Không có văn bản đi trong khoảng thời gian này.",
        )
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{base}.pdf"'
    else:
        data = register_printer.to_xlsx(report, columns=OUTGOING_COLUMNS, widths=_WIDTHS, sheet_title="So di")
        response = HttpResponse(data, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{base}.xlsx"'
    return response
