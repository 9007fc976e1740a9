"""Code lists of QCVN 102:2016 (see shared/domain/edxml.md §3–§5), with Vietnamese labels."""

from __future__ import annotations

import enum

from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"


class BussinessDocType(enum.IntEnum):
    """2.2.1 — the standard spells the tag with a double "s"; we keep it."""

    NEW = 0
    REVOKE = 1
    UPDATE = 2
    REPLACE = 3

    @property
    def label(self) -> str:
        return str(BUSSINESS_DOC_TYPE_LABELS[self])


BUSSINESS_DOC_TYPE_LABELS = {
    BussinessDocType.NEW: _lazy("Văn bản mới"),
    BussinessDocType.REVOKE: _lazy("Thu hồi"),
    BussinessDocType.UPDATE: _lazy("Cập nhật"),
    BussinessDocType.REPLACE: _lazy("Thay thế"),
}


class StatusCode(enum.StrEnum):
    """Only the evidenced codes (edxml.md §5); others are kept verbatim as strings, never invented."""

    ARRIVED = "01"
    REJECTED = "02"
    ACCEPTED = "03"
    ASSIGNED = "04"
    PROCESSING = "05"
    FINISHED = "06"
    TAKE_BACK_REQUEST = "13"
    CHANGE_ACCEPTED = "15"
    CHANGE_REJECTED = "16"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


# The one set of names, shown wherever a code is (timelines, monitor, receipts, edxml_parse). The
# standard's own wording for 13/15/16 ("lấy lại"), a clerk's past tense for 04.
STATUS_LABELS = {
    StatusCode.ARRIVED: _lazy("Đã đến"),
    StatusCode.REJECTED: pgettext_lazy("trạng thái liên thông", "Từ chối tiếp nhận"),
    StatusCode.ACCEPTED: _lazy("Đã tiếp nhận"),
    StatusCode.ASSIGNED: _lazy("Đã phân công"),
    StatusCode.PROCESSING: _lazy("Đang xử lý"),
    StatusCode.FINISHED: _lazy("Hoàn thành"),
    StatusCode.TAKE_BACK_REQUEST: _lazy("Yêu cầu lấy lại"),
    StatusCode.CHANGE_ACCEPTED: _lazy("Đồng ý lấy lại/cập nhật"),
    StatusCode.CHANGE_REJECTED: _lazy("Từ chối lấy lại/cập nhật"),
}


def normalise_status_code(raw: str) -> str:
    """'1' and '01' are the same code (some senders use integers); unknown codes stay verbatim."""
    text = raw.strip()
    if text.isdigit() and len(text) < 2:
        return text.zfill(2)
    return text


def status_label(code: str) -> str:
    try:
        return StatusCode(code).label
    except ValueError:
        return code


class Priority(enum.IntEnum):
    """1.11.1 — urgency only (ND 30 packs secrecy into its own Priority digit; edXML does not)."""

    NORMAL = 0
    URGENT = 1
    VERY_URGENT = 2
    FLASH = 3
    FLASH_TIMED = 4


class SteeringType(enum.IntEnum):
    """1.13."""

    NOT_DIRECTION = 0
    DIRECTION = 1
    DIRECTION_REPORT = 2
