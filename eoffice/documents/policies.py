"""Who may do what with documents and registers.

The agency's văn thư receives, confirms and registers; the agency's leadership reads every
incoming document of the agency; secret documents are for the văn thư and the head only
(Điều 22.4: they are handled under the state-secret law). Everyone else reaches a document
through a processing line (work engine, via `selectors.VISIBILITY_HOOKS`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.policies import require
from eoffice.directory.models import Agency
from eoffice.documents.models import Document
from eoffice.people.models import Role
from eoffice.people.rights import delegation_allows, has_role


def is_clerk(actor: Actor, agency: Agency) -> bool:
    return has_role(actor, Role.VAN_THU, agency) and delegation_allows(actor, "incoming")


def is_agency_leader(actor: Actor, agency: Agency) -> bool:
    return has_role(actor, Role.LANH_DAO_CO_QUAN, agency) and delegation_allows(actor, "incoming")


def require_clerk(actor: Actor, agency: Agency) -> None:
    require(is_clerk(actor, agency), _("Chỉ văn thư của cơ quan mới được tiếp nhận và vào sổ văn bản đến."))


def require_can_edit(actor: Actor, document: Document) -> None:
    require_clerk(actor, document.agency)


def may_manage_registers(actor: Actor, agency: Agency) -> bool:
    return is_clerk(actor, agency) or has_role(actor, Role.QUAN_TRI_CO_QUAN, agency)


def require_manage_registers(actor: Actor, agency: Agency) -> None:
    require(
        may_manage_registers(actor, agency),
        _("Chỉ văn thư hoặc quản trị của cơ quan mới được lập sổ văn bản."),
    )


def may_print_register(actor: Actor, agency: Agency) -> bool:
    return is_clerk(actor, agency) or is_agency_leader(actor, agency)
