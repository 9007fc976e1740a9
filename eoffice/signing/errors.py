"""The signing refusals: a stable code for machines, a Vietnamese message for people."""

from __future__ import annotations

from django.utils.translation import gettext as _

from eoffice.core.errors import ValidationFailed


def certificate_expired(subject: str, not_after: str) -> ValidationFailed:
    return ValidationFailed(
        "certificate_expired",
        _("Chứng thư số của %(subject)s đã hết hạn ngày %(date)s; không thể ký.")
        % {"subject": subject, "date": not_after},
        field="certificate",
        details={"subject": subject, "not_after": not_after},
    )


def certificate_not_yet_valid(subject: str, not_before: str) -> ValidationFailed:
    return ValidationFailed(
        "certificate_not_yet_valid",
        _("Chứng thư số của %(subject)s chưa có hiệu lực (từ %(date)s); không thể ký.")
        % {"subject": subject, "date": not_before},
        field="certificate",
        details={"subject": subject, "not_before": not_before},
    )


def certificate_untrusted(subject: str, reason: str) -> ValidationFailed:
    return ValidationFailed(
        "certificate_untrusted",
        _(
            "Chứng thư số của %(subject)s không do tổ chức cung cấp dịch vụ chứng thực được tin cậy cấp; "
            "không thể ký."
        )
        % {"subject": subject},
        field="certificate",
        details={"subject": subject, "reason": reason},
    )


def key_mismatch() -> ValidationFailed:
    return ValidationFailed(
        "key_mismatch",
        _("Khóa bí mật không khớp với chứng thư số; không thể ký."),
        field="certificate",
    )


def wrong_pin() -> ValidationFailed:
    return ValidationFailed("wrong_pin", _("Mã PIN hoặc mật khẩu của khóa ký không đúng."), field="pin")


def key_unavailable(detail: str) -> ValidationFailed:
    return ValidationFailed(
        "key_unavailable",
        _("Không mở được khóa ký (tệp PKCS#12 hoặc thiết bị ký số): %(detail)s") % {"detail": detail},
        field="key",
        details={"detail": detail},
    )


def pdf_encrypted() -> ValidationFailed:
    return ValidationFailed(
        "pdf_encrypted", _("Tệp PDF được đặt mật khẩu hoặc mã hóa; không thể ký hay kiểm tra."), field="file"
    )


def pdf_corrupt(detail: str = "") -> ValidationFailed:
    return ValidationFailed(
        "pdf_corrupt",
        _("Tệp không phải PDF hợp lệ hoặc đã bị hỏng."),
        field="file",
        details={"detail": detail[:200]},
    )


def pdf_too_large(limit: int) -> ValidationFailed:
    return ValidationFailed(
        "pdf_too_large",
        _("Tệp PDF vượt quá dung lượng cho phép (%(mb)s MB).") % {"mb": limit // (1024 * 1024)},
        field="file",
        details={"limit": limit},
    )


def field_missing(name: str) -> ValidationFailed:
    return ValidationFailed(
        "field_missing",
        _("Tệp PDF chưa có ô ký hoặc ô dữ liệu %(name)s còn trống; hãy chuẩn bị văn bản trước khi ký.")
        % {"name": name},
        field="file",
        details={"field": name},
    )


def signing_failed(detail: str) -> ValidationFailed:
    return ValidationFailed(
        "signing_failed",
        _("Không ký được văn bản: %(detail)s") % {"detail": detail[:200]},
        field="file",
        details={"detail": detail[:200]},
    )
