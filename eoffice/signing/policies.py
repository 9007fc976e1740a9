"""Who may use the signing tools.

Validating a signature reveals nothing beyond the uploaded file, but the page and the API are
for the staff of an agency: a signed-in user acting in a position (or a superuser). A person with
no position — someone whose job ended — may not.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.policies import require


def may_validate(actor: Actor) -> bool:
    return actor.is_superuser or (actor.user is not None and actor.position is not None)


def require_validate(actor: Actor) -> None:
    require(may_validate(actor), _("Chỉ cán bộ đang giữ chức vụ trong cơ quan mới được kiểm tra chữ ký số."))
