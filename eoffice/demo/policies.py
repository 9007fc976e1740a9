"""Who may build the demo province: only the machine itself or a superuser.

It writes thousands of accounts with one shared, printed password, so no agency role may.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.policies import require


def require_can_build_demo(actor: Actor) -> None:
    require(
        actor.is_system or actor.is_superuser,
        _("Chỉ quản trị hệ thống mới được tạo dữ liệu mẫu."),
    )
