"""Errors of the axis adapters: one stable code per failure, a Vietnamese message for the văn thư,
and whether trying again later can help.

The poller and the outbox drain retry only `retryable` errors (the axis was down, overloaded or
failed inside); a wrong secret, an unknown receiver or a malformed package fails the same way every
time, so those go straight to the failed box with the message below.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _lazy

from eoffice.core.errors import DomainError


class AxisError(DomainError):
    """Base of every adapter error. `remote_code` is the axis's own code (LGSP `ErrorCode`, VXP
    `ErrorCode`, or the HTTP status), kept verbatim for the monitor page and the logs."""

    status = 502
    retryable = False

    def __init__(
        self,
        code: str,
        message: str,
        *,
        remote_code: str = "",
        detail: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        merged = {"remote_code": remote_code, "detail": detail[:500]} | (details or {})
        super().__init__(code, message, details=merged)
        self.remote_code = remote_code
        self.detail = detail


class AxisConfigurationError(AxisError):
    """Our credentials or registration are wrong: an administrator must fix the axis account."""


class AxisAuthError(AxisConfigurationError):
    pass


class AxisDirectoryError(AxisError):
    """The receiver or sender is unknown to the axis, or locked: resync the directory, tell the văn thư."""


class AxisNotFound(AxisError):
    status = 404


class AxisPackageRejected(AxisError):
    """The axis refused the package itself (not a file, not conformant edXML): fix the package."""

    status = 422


class AxisServerError(AxisError):
    """The axis failed inside or could not be reached: worth trying again later."""

    retryable = True
    status = 503


class AxisProtocolError(AxisError):
    """The axis answered something we cannot read (not JSON, missing fields)."""


E = TypeVar("E", bound=AxisError, covariant=True)


class Maker(Protocol[E]):
    def __call__(self, remote_code: str = "", detail: str = "") -> E: ...


def _factory(cls: type[E], code: str, message: Promise) -> Maker[E]:
    """One error maker per failure; the message is translated when the error is raised."""

    def make(remote_code: str = "", detail: str = "") -> E:
        return cls(code, str(message), remote_code=remote_code, detail=detail)

    make.__name__ = code.removeprefix("axis_")
    return make


bad_credentials = _factory(
    AxisAuthError,
    "axis_bad_credentials",
    _lazy("Trục liên thông từ chối mã hệ thống hoặc khóa bí mật; kiểm tra cấu hình tài khoản trục."),
)
bad_signature = _factory(
    AxisAuthError,
    "axis_bad_signature",
    _lazy("Trục liên thông không chấp nhận chữ ký của yêu cầu; kiểm tra khóa bí mật của hệ thống."),
)
timestamp_expired = _factory(
    AxisAuthError,
    "axis_timestamp_expired",
    _lazy("Thời điểm ký yêu cầu đã quá hạn; kiểm tra đồng hồ của máy chủ."),
)
unknown_receiver = _factory(
    AxisDirectoryError,
    "axis_unknown_receiver",
    _lazy("Đơn vị nhận không có trên trục liên thông; cần đồng bộ lại danh bạ."),
)
sender_not_registered = _factory(
    AxisDirectoryError,
    "axis_sender_not_registered",
    _lazy("Đơn vị gửi chưa đăng ký với trục liên thông hoặc không thuộc hệ thống này."),
)
receiver_locked = _factory(
    AxisDirectoryError, "axis_receiver_locked", _lazy("Đơn vị nhận đã bị khóa trên trục liên thông.")
)
not_found = _factory(
    AxisNotFound,
    "axis_not_found",
    _lazy("Trục liên thông không có gói tin này (hoặc gói tin không gửi cho đơn vị của hệ thống)."),
)
invalid_file = _factory(
    AxisPackageRejected, "axis_invalid_file", _lazy("Trục liên thông từ chối tệp gửi lên: tệp không hợp lệ.")
)
edxml_not_conformant = _factory(
    AxisPackageRejected,
    "axis_edxml_invalid",
    _lazy("Trục liên thông từ chối gói tin: edXML không đúng chuẩn QCVN 102."),
)
server_error = _factory(
    AxisServerError, "axis_server_error", _lazy("Trục liên thông đang gặp lỗi; hệ thống sẽ thử lại sau.")
)
file_processing_error = _factory(
    AxisServerError,
    "axis_file_processing",
    _lazy("Trục liên thông gặp lỗi khi xử lý tệp; hệ thống sẽ thử lại sau."),
)
bad_response = _factory(
    AxisProtocolError, "axis_bad_response", _lazy("Trục liên thông trả lời không đúng định dạng.")
)
too_large = _factory(
    AxisProtocolError,
    "axis_package_too_large",
    _lazy(
        "Gói tin trên trục lớn hơn giới hạn tiếp nhận của hệ thống; gói tin vẫn nằm trên trục, "
        "cần nâng giới hạn hoặc đề nghị nơi gửi chia nhỏ tệp đính kèm."
    ),
)
bad_request = _factory(
    AxisProtocolError,
    "axis_bad_request",
    _lazy("Trục liên thông không chấp nhận yêu cầu (thiếu hoặc sai tham số)."),
)
_unreachable = _factory(
    AxisServerError,
    "axis_unreachable",
    _lazy("Không kết nối được tới trục liên thông; hệ thống sẽ thử lại sau."),
)
_bad_configuration = _factory(
    AxisConfigurationError,
    "axis_bad_configuration",
    _lazy("Cấu hình tài khoản trục liên thông không hợp lệ (mã hệ thống, khóa hoặc địa chỉ)."),
)


def unreachable(detail: str = "") -> AxisServerError:
    return _unreachable("", detail)


def bad_configuration(detail: str = "") -> AxisConfigurationError:
    return _bad_configuration("", detail)
