"""What the receiving side answers: 01 (arrived, or already had it) or 02 with a precise reason."""

from __future__ import annotations

from dataclasses import dataclass


class Refused(Exception):
    """A receipt check failed: the package is answered 02 with this code and Vietnamese message."""

    def __init__(self, code: str, message: str, detail: str = "", *, http_status: int = 422) -> None:
        super().__init__(message)
        self.code, self.message, self.detail, self.http_status = code, str(message), detail, http_status


@dataclass(frozen=True)
class Answer:
    status_code: str  # "01" arrived / acknowledged, "02" refused
    code: str
    message: str
    http_status: int = 200

    def as_dict(self) -> dict[str, object]:
        return {"status_code": self.status_code, "code": self.code, "message": self.message}
