"""Domain errors: a stable code for machines and a Vietnamese message for people.

Views show `message` beside the field named by `field`; the API maps the error to a
structured 4xx body `{"code", "message", "field", "details"}`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class DomainError(Exception):
    status = 400

    def __init__(
        self, code: str, message: str, *, field: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": self.field, "details": self.details}


class ValidationFailed(DomainError):
    status = 422


class PermissionDenied(DomainError):
    status = 403

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        # Translated when raised, so the message follows the request's language.
        super().__init__(
            "permission_denied", message or _("Bạn không có quyền thực hiện thao tác này."), **kwargs
        )


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__("not_found", message or _("Không tìm thấy dữ liệu yêu cầu."), **kwargs)


class Conflict(DomainError):
    status = 409
