"""Who sees which figures: the leaders who oversee (`people.oversight_scope`), each their scope.

- A leader of an agency (lãnh đạo cơ quan) sees their agency (and the agencies merged into it).
- A leader of the province office or of the province itself sees every agency of the province.
- A unit head (lãnh đạo đơn vị) sees their own unit.
- Everyone sees their own figures (their own page); nobody else's.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import PermissionDenied
from eoffice.people.oversight_scope import Scope, oversight_scope

__all__ = ["Scope", "board_scope", "may_see_board"]


def board_scope(actor: Actor) -> Scope:
    if actor.position is None:
        raise PermissionDenied(_("Bạn cần một chức vụ trong cơ quan để xem bảng điều hành."))
    scope = oversight_scope(actor)
    if scope is None:
        raise PermissionDenied(_("Chỉ lãnh đạo cơ quan hoặc lãnh đạo đơn vị được xem bảng điều hành."))
    return scope


def may_see_board(actor: Actor) -> bool:
    return oversight_scope(actor) is not None
