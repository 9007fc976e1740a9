"""Errors of the axis adapters: one stable code per failure, a Vietnamese message for the văn thư,
and whether trying again later can help.

The poller and the outbox drain retry only `retryable` errors (the axis was down, overloaded or
failed inside); a wrong secret, an unknown receiver or a malformed package fails the same way every
time, so those go straight to the failed box with the message below.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

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


def bad_credentials(remote_code: str = "", detail: str = "") -> AxisAuthError:
    return AxisAuthError(
        "axis_bad_credentials",
        _("Trục liên thông từ chối mã hệ thống hoặc khóa bí mật; kiểm tra cấu hình tài khoản trục."),
        remote_code=remote_code,
        detail=detail,
    )


def bad_configuration(detail: str = "") -> AxisConfigurationError:
    return AxisConfigurationError(
        "axis_bad_configuration",
        _("Cấu hình tài khoản trục liên thông không hợp lệ (mã hệ thống, khóa hoặc địa chỉ)."),
        detail=detail,
    )


def bad_signature(remote_code: str = "", detail: str = "") -> AxisAuthError:
    return AxisAuthError(
        "axis_bad_signature",
        _("Trục liên thông không chấp nhận chữ ký của yêu cầu; kiểm tra khóa bí mật của hệ thống."),
        remote_code=remote_code,
        detail=detail,
    )


def timestamp_expired(remote_code: str = "", detail: str = "") -> AxisAuthError:
    return AxisAuthError(
        "axis_timestamp_expired",
        _("Thời điểm ký yêu cầu đã quá hạn; kiểm tra đồng hồ của máy chủ."),
        remote_code=remote_code,
        detail=detail,
    )


def unknown_receiver(remote_code: str = "", detail: str = "") -> AxisDirectoryError:
    return AxisDirectoryError(
        "axis_unknown_receiver",
        _("Đơn vị nhận không có trên trục liên thông; cần đồng bộ lại danh bạ."),
        remote_code=remote_code,
        detail=detail,
    )


def sender_not_registered(remote_code: str = "", detail: str = "") -> AxisDirectoryError:
    return AxisDirectoryError(
        "axis_sender_not_registered",
        _("Đơn vị gửi chưa đăng ký với trục liên thông hoặc không thuộc hệ thống này."),
        remote_code=remote_code,
        detail=detail,
    )


def receiver_locked(remote_code: str = "", detail: str = "") -> AxisDirectoryError:
    return AxisDirectoryError(
        "axis_receiver_locked",
        _("Đơn vị nhận đã bị khóa trên trục liên thông."),
        remote_code=remote_code,
        detail=detail,
    )


def not_found(remote_code: str = "", detail: str = "") -> AxisNotFound:
    return AxisNotFound(
        "axis_not_found",
        _("Trục liên thông không có gói tin này (hoặc gói tin không gửi cho đơn vị của hệ thống)."),
        remote_code=remote_code,
        detail=detail,
    )


def invalid_file(remote_code: str = "", detail: str = "") -> AxisPackageRejected:
    return AxisPackageRejected(
        "axis_invalid_file",
        _("Trục liên thông từ chối tệp gửi lên: tệp không hợp lệ."),
        remote_code=remote_code,
        detail=detail,
    )


def edxml_not_conformant(remote_code: str = "", detail: str = "") -> AxisPackageRejected:
    return AxisPackageRejected(
        "axis_edxml_invalid",
        _("Trục liên thông từ chối gói tin: edXML không đúng chuẩn QCVN 102."),
        remote_code=remote_code,
        detail=detail,
    )


def server_error(remote_code: str = "", detail: str = "") -> AxisServerError:
    return AxisServerError(
        "axis_server_error",
        _("Trục liên thông đang gặp lỗi; hệ thống sẽ thử lại sau."),
        remote_code=remote_code,
        detail=detail,
    )


def file_processing_error(remote_code: str = "", detail: str = "") -> AxisServerError:
    return AxisServerError(
        "axis_file_processing",
        _("Trục liên thông gặp lỗi khi xử lý tệp; hệ thống sẽ thử lại sau."),
        remote_code=remote_code,
        detail=detail,
    )


def unreachable(detail: str = "") -> AxisServerError:
    return AxisServerError(
        "axis_unreachable",
        _("Không kết nối được tới trục liên thông; hệ thống sẽ thử lại sau."),
        detail=detail,
    )


def bad_response(remote_code: str = "", detail: str = "") -> AxisProtocolError:
    return AxisProtocolError(
        "axis_bad_response",
        _("Trục liên thông trả lời không đúng định dạng."),
        remote_code=remote_code,
        detail=detail,
    )


def bad_request(remote_code: str = "", detail: str = "") -> AxisProtocolError:
    return AxisProtocolError(
        "axis_bad_request",
        _("Trục liên thông không chấp nhận yêu cầu (thiếu hoặc sai tham số)."),
        remote_code=remote_code,
        detail=detail,
    )
