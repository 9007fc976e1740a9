"""Who may do what in the exchange.

- The agency's văn thư and its admin (quản trị cơ quan) watch their agency's lines.
- Only the văn thư acts on them: resends or cancels a failed line, answers recalls and receipts.
  Sending and receiving for an agency is the văn thư's duty under Decree 30; the admin runs
  the accounts and watches, and is not the agency's voice to another agency.
- The system administrator registers peers, syncs their agencies, switches agencies between
  hosted and external, and reviews the quarantine (it holds packages of every agency).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.policies import require

__all__ = ["require"]
from eoffice.directory.models import Agency
from eoffice.people.models import Role
from eoffice.people.rights import has_role


def watches(actor: Actor, agency: Agency) -> bool:
    return actor.is_superuser or any(
        has_role(actor, role, agency) for role in (Role.VAN_THU, Role.QUAN_TRI_CO_QUAN)
    )


def require_watch(actor: Actor, agency: Agency) -> None:
    require(watches(actor, agency), _("Chỉ văn thư hoặc quản trị của cơ quan mới theo dõi được liên thông."))


def is_clerk(actor: Actor, agency: Agency) -> bool:
    return has_role(actor, Role.VAN_THU, agency)


def require_clerk(actor: Actor, agency: Agency) -> None:
    require(is_clerk(actor, agency), _("Chỉ văn thư của cơ quan mới được thực hiện thao tác liên thông này."))


def is_system_admin(actor: Actor) -> bool:
    return actor.is_superuser


def require_system_admin(actor: Actor) -> None:
    require(is_system_admin(actor), _("Chỉ quản trị hệ thống mới được quản lý hệ thống liên thông."))
