"""Who is acting: the signed-in user, the position they act in, and for whom (delegation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eoffice.accounts.models import User
    from eoffice.people.models import Position


@dataclass(frozen=True)
class Actor:
    user: User | None
    position: Position | None = None
    # The person whose work is being done when acting under a delegation (ủy quyền).
    on_behalf_of: User | None = None
    ip_address: str | None = None
    # Machines (service tokens, management commands) act without a person.
    system_name: str | None = None

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(user=None, system_name=name)

    @property
    def is_system(self) -> bool:
        return self.user is None

    @property
    def is_superuser(self) -> bool:
        return bool(self.user is not None and self.user.is_superuser)

    def describe(self) -> str:
        if self.user is None:
            name = f"hệ thống: {self.system_name}"
        else:
            name = self.user.get_full_name() or self.user.get_username()
        if self.on_behalf_of is not None:
            other = self.on_behalf_of.get_full_name() or self.on_behalf_of.get_username()
            return f"{name} thay mặt {other}"
        return name
