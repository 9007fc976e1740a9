"""Who may change the directory.

Reading is open to every signed-in user: the directory is public data inside the installation.
Writing follows `people.rights.administers`: a system admin everywhere, an agency admin
(quản trị cơ quan) in their own agency and its sub-tree. Top-level agencies and bulk import are
system-admin only, because they reshape the whole installation.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.policies import require
from eoffice.core.roles import Role
from eoffice.directory.models import Agency
from eoffice.directory.rights import ServiceActor, administers


def is_directory_admin(actor: Actor) -> bool:
    """Whether the admin pages are for this actor at all (what they may touch is checked per agency)."""
    if actor.is_superuser:
        return True
    return actor.position is not None and actor.position.has_role(Role.QUAN_TRI_CO_QUAN)


def can_import(actor: Actor) -> bool:
    # A management command runs as the plain system actor; a person needs to be a system admin.
    # A service token (ServiceActor) is a system actor too, but only for its own agency: never.
    if isinstance(actor, ServiceActor):
        return False
    return actor.is_superuser or (actor.is_system and bool(actor.system_name))


def require_import(actor: Actor) -> None:
    require(can_import(actor), _("Chỉ quản trị hệ thống mới được nhập danh bạ cơ quan."))


def can_create_under(actor: Actor, parent: Agency | None) -> bool:
    if parent is None:
        return actor.is_superuser
    return administers(actor, parent)


def require_create_under(actor: Actor, parent: Agency | None) -> None:
    if parent is None:
        require(actor.is_superuser, _("Chỉ quản trị hệ thống mới được tạo cơ quan cấp cao nhất."))
    else:
        require(
            administers(actor, parent),
            _("Bạn không quản trị cơ quan «%(name)s» nên không tạo được cơ quan trực thuộc.")
            % {"name": parent.name},
        )


def can_edit(actor: Actor, agency: Agency) -> bool:
    return administers(actor, agency)


def require_edit(actor: Actor, agency: Agency) -> None:
    require(can_edit(actor, agency), _("Bạn không quản trị cơ quan «%(name)s».") % {"name": agency.name})


def _acting_agency_id(actor: Actor) -> int | None:
    return actor.position.agency_id if actor.position is not None else None


def can_restructure(actor: Actor, agency: Agency) -> bool:
    """Move, merge or dissolve. An agency admin may not do it to their own agency: that would
    take the ground from under their own rights; it is the superior body's decision."""
    if actor.is_superuser:
        return True
    return administers(actor, agency) and _acting_agency_id(actor) != agency.pk


def require_restructure(actor: Actor, agency: Agency) -> None:
    require(
        can_restructure(actor, agency),
        _("Bạn không có quyền chuyển, sáp nhập hoặc giải thể cơ quan «%(name)s».") % {"name": agency.name},
    )


def require_target(actor: Actor, target: Agency | None, *, what: str) -> None:
    """The other side of a move or merge must also be under the actor's administration."""
    if target is None:
        require(actor.is_superuser, _("Chỉ quản trị hệ thống mới được đưa cơ quan lên cấp cao nhất."))
    else:
        require(
            administers(actor, target),
            _("Bạn không quản trị cơ quan «%(name)s» (%(what)s).") % {"name": target.name, "what": what},
        )
