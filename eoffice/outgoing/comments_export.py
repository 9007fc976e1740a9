"""Tổng hợp ý kiến: the consolidated answers of a round, printed as XLSX and PDF.

Both go through the documents app's one printer (openpyxl and WeasyPrint), which heads the sheet
and the page with the agency's name, a title and a line under it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone

from eoffice.core import language
from eoffice.directory.models import Agency
from eoffice.documents import exports as printer
from eoffice.documents.downloads import XLSX
from eoffice.outgoing.comments_selectors import RequestView, RoundView
from eoffice.outgoing.models import Verdict

COLUMNS: list[str] = [
    "STT",
    "Cơ quan, đơn vị, cá nhân được xin ý kiến",
    "Người trả lời",
    "Ý kiến",
    "Nội dung ý kiến",
    "Tệp kèm theo",
    "Thời điểm trả lời",
    "Ghi chú",
]
XLSX_WIDTHS = [6, 30, 24, 14, 60, 24, 16, 24]
PDF_WIDTHS = [4, 15, 13, 9, 30, 11, 8, 10]


@dataclass(frozen=True)
class _Header:
    # The printer reads .register.agency and .register.year.
    agency: Agency
    year: int


@dataclass(frozen=True)
class ConsolidatedReport:
    register: _Header
    title: str
    period: str
    rows: list[list[str]]


def _when(value: object) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")  # type: ignore[arg-type]


def _row(index: int, view: RequestView) -> list[str]:
    answer = view.current
    invitee = f"{view.invitee} (đơn vị)" if view.is_unit else view.invitee
    if answer is None:
        return [str(index), invitee, "", "Chưa có ý kiến", "", "", "", ""]
    notes = []
    if answer.late:
        notes.append(f"Trễ hạn (hạn {_when(answer.deadline)})")
    if answer.sequence > 1:
        notes.append(f"Ý kiến lần {answer.sequence}, thay ý kiến trước")
    return [
        str(index),
        invitee,
        answer.author_name,
        str(Verdict(answer.verdict).label),
        answer.text,
        "; ".join(f.file_name for f in answer.files.all()),
        _when(answer.answered_at),
        "; ".join(notes),
    ]


def build(view: RoundView) -> ConsolidatedReport:
    # The consolidated sheet is an official Vietnamese record, whatever the reader's language.
    with language.for_others():
        return _build(view)


def _build(view: RoundView) -> ConsolidatedReport:
    comment_round = view.round
    tally = view.tally
    period = (
        f"Dự thảo: {comment_round.version.subject} (phiên bản {comment_round.version.number}) — "
        f"lấy ý kiến lần {comment_round.number}, hạn trả lời {_when(comment_round.deadline)}. "
        f"Đồng ý: {tally[Verdict.AGREE]}; Không đồng ý: {tally[Verdict.DISAGREE]}; "
        f"Ý kiến khác: {tally[Verdict.OTHER]}; Chưa có ý kiến: {tally['none']}."
    )
    return ConsolidatedReport(
        register=_Header(comment_round.agency, timezone.localtime(comment_round.requested_at).year),
        title="BẢNG TỔNG HỢP Ý KIẾN GÓP Ý DỰ THẢO VĂN BẢN",
        period=period,
        rows=[_row(i, v) for i, v in enumerate(view.requests, start=1)],
    )


def to_xlsx(report: ConsolidatedReport) -> bytes:
    return printer.to_xlsx(report, columns=COLUMNS, widths=XLSX_WIDTHS, sheet_title="Tong hop y kien")


def to_pdf(report: ConsolidatedReport) -> bytes:
    return printer.to_pdf(
        report,
        columns=COLUMNS,
        widths=PDF_WIDTHS,
        numeric_columns=frozenset({1, 7}),
        empty_text="Đợt lấy ý kiến không có người hoặc đơn vị nào.",
    )


def response(view: RoundView, fmt: str) -> HttpResponse:
    report = build(view)
    base = f"tong-hop-y-kien-du-thao-{view.round.draft_id}-lan-{view.round.number}"
    if fmt == "pdf":
        result = HttpResponse(to_pdf(report), content_type="application/pdf")
        result["Content-Disposition"] = f'attachment; filename="{base}.pdf"'
    else:
        result = HttpResponse(to_xlsx(report), content_type=XLSX)
        result["Content-Disposition"] = f'attachment; filename="{base}.xlsx"'
    return result
