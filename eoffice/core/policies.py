"""The one way a policy says no."""

from __future__ import annotations

from eoffice.core.errors import PermissionDenied


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message)
