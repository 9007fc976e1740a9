"""Vocabularies of the assignment-line engine and the table of allowed line transitions.

The transitions live here, as data, and only `engine.line_transition` reads them: nobody writes
`line.status = …` anywhere else. The line states follow the per-line model of deployed products
(Viettel VOffice DOCUMENT_IN_STAFF/GROUP: chờ tiếp nhận, chờ xử lý, đã chuyển, hoàn thành, trả lại,
thu hồi) plus "đang xử lý", which the issue asks for.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    INCOMING_DOCUMENT = "incoming_document", _("Văn bản đến")
    TASK = "task", _("Công việc")
    ISO_STEP = "iso_step", _("Bước quy trình ISO")
    PETITION = "petition", _("Kiến nghị cử tri")
    # One step of an outgoing draft's approval chain (trình ký), app `outgoing`.
    OUTGOING_DRAFT = "outgoing_draft", _("Dự thảo văn bản đi")


class ItemStatus(models.TextChoices):
    NEW = "new", _("Chưa phân xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DONE = "done", _("Hoàn thành")


class Urgency(models.TextChoices):
    # Decree 30 Điều 8 urgency levels; edXML adds "hỏa tốc hẹn giờ".
    NORMAL = "normal", _("Thường")
    KHAN = "khan", _("Khẩn")
    THUONG_KHAN = "thuong_khan", _("Thượng khẩn")
    HOA_TOC = "hoa_toc", _("Hỏa tốc")
    HOA_TOC_HEN_GIO = "hoa_toc_hen_gio", _("Hỏa tốc hẹn giờ")


class LineRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    CO = "co", _("Phối hợp")
    INFO = "info", _("Nhận để biết")


class TargetKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    UNIT = "unit", _("Đơn vị")
    # Another agency of this installation, as a whole: its văn thư or leader receives the line.
    AGENCY = "agency", _("Cơ quan")


class LineStatus(models.TextChoices):
    CHO_TIEP_NHAN = "cho_tiep_nhan", _("Chờ tiếp nhận")
    CHO_XU_LY = "cho_xu_ly", _("Chờ xử lý")
    DANG_XU_LY = "dang_xu_ly", _("Đang xử lý")
    DA_CHUYEN = "da_chuyen", _("Đã chuyển")
    HOAN_THANH = "hoan_thanh", _("Hoàn thành")
    TRA_LAI = "tra_lai", _("Trả lại")
    THU_HOI = "thu_hoi", _("Thu hồi")


class LineAction(models.TextChoices):
    RECEIVE = "receive", _("Tiếp nhận")
    START = "start", _("Bắt đầu xử lý")
    FORWARD = "forward", _("Chuyển xử lý")
    COMPLETE = "complete", _("Hoàn thành")
    RETURN = "return", _("Trả lại")
    RECALL = "recall", _("Thu hồi")
    # Done by the engine, never asked for by a person:
    CLOSE = "close", _("Đóng theo chủ trì")
    REOPEN = "reopen", _("Mở lại do dòng con bị trả lại/thu hồi")


S = LineStatus
ALL_ROLES = frozenset(LineRole.values)
ACTING_ROLES = frozenset({LineRole.LEAD, LineRole.CO})
# A line still waiting for or under work by its holder.
OPEN_STATUSES = frozenset({S.CHO_TIEP_NHAN, S.CHO_XU_LY, S.DANG_XU_LY})
# Not finished: open, or forwarded and waiting for the lines below (statistics count "đã chuyển" as not done).
UNFINISHED_STATUSES = OPEN_STATUSES | {S.DA_CHUYEN}
# Lines that left the tree: they no longer count for "one lead per level".
GONE_STATUSES = frozenset({S.TRA_LAI, S.THU_HOI})
TERMINAL_STATUSES = GONE_STATUSES | {S.HOAN_THANH}


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str] = ALL_ROLES
    # Engine-only transitions (cascades) cannot be requested through a service by a person.
    system: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(LineAction.RECEIVE, frozenset({S.CHO_TIEP_NHAN}), S.CHO_XU_LY),
    Transition(LineAction.START, frozenset({S.CHO_XU_LY}), S.DANG_XU_LY, ACTING_ROLES),
    Transition(
        LineAction.FORWARD, frozenset({S.CHO_XU_LY, S.DANG_XU_LY, S.DA_CHUYEN}), S.DA_CHUYEN, ACTING_ROLES
    ),
    # A unit head passes a "nhận để biết" line on to the unit's staff, still for information only
    # (the services refuse any other role below it). No receipt needed: there is no work to accept.
    Transition(
        LineAction.FORWARD,
        frozenset({S.CHO_TIEP_NHAN, S.CHO_XU_LY, S.DA_CHUYEN}),
        S.DA_CHUYEN,
        frozenset({LineRole.INFO}),
    ),
    Transition(LineAction.COMPLETE, frozenset({S.CHO_XU_LY, S.DANG_XU_LY, S.DA_CHUYEN}), S.HOAN_THANH),
    # "Nhận để biết" needs no action: its holder may mark it read straight from the box.
    Transition(LineAction.COMPLETE, frozenset({S.CHO_TIEP_NHAN}), S.HOAN_THANH, frozenset({LineRole.INFO})),
    # Nhận để biết lines cannot be returned (VOffice rule, processes-and-tasks.md §3).
    Transition(LineAction.RETURN, OPEN_STATUSES, S.TRA_LAI, ACTING_ROLES),
    Transition(LineAction.RECALL, UNFINISHED_STATUSES, S.THU_HOI),
    Transition(LineAction.CLOSE, UNFINISHED_STATUSES, S.HOAN_THANH, system=True),
    # Only a line with work reopens; a forwarded info line has none to take back.
    Transition(LineAction.REOPEN, frozenset({S.DA_CHUYEN}), S.DANG_XU_LY, ACTING_ROLES, system=True),
)


def find_transition(status: str, action: str, role: str, *, system: bool = False) -> Transition | None:
    for transition in TRANSITIONS:
        if (
            transition.action == action
            and status in transition.sources
            and role in transition.roles
            and (system or not transition.system)
        ):
            return transition
    return None


def allowed_actions(status: str, role: str) -> list[str]:
    """Person-requestable actions from a state, in table order (for buttons and the API)."""
    seen: list[str] = []
    for transition in TRANSITIONS:
        if transition.system or transition.action in seen:
            continue
        if status in transition.sources and role in transition.roles:
            seen.append(transition.action)
    return seen
