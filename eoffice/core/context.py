"""Per-request facts that services need without a request object (the client's address)."""

from __future__ import annotations

from contextvars import ContextVar

_ip: ContextVar[str | None] = ContextVar("eoffice_ip", default=None)


def current_ip() -> str | None:
    return _ip.get()


def set_ip(value: str | None) -> object:
    return _ip.set(value)


def reset_ip(token: object) -> None:
    _ip.reset(token)  # type: ignore[arg-type]
