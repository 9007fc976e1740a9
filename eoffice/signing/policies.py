"""Who may use the signing tools.

Validating a signature reveals nothing beyond the uploaded file, but the page and the API are
for the staff of an agency: a signed-in user acting in a position (or a superuser). A person with
no position — someone whose job ended — may not.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.policies import require
from eoffice.directory.models import Agency
from eoffice.directory.rights import administers


def may_validate(actor: Actor) -> bool:
    return actor.is_superuser or (actor.user is not None and actor.position is not None)


def require_validate(actor: Actor) -> None:
    require(may_validate(actor), _("Chỉ cán bộ đang giữ chức vụ trong cơ quan mới được kiểm tra chữ ký số."))


def may_manage_agency_keys(actor: Actor, agency: Agency) -> bool:
    """The agency's administrator (or a system admin) sets its seal and the key references."""
    return administers(actor, agency)


def require_manage_agency_keys(actor: Actor, agency: Agency) -> None:
    require(
        may_manage_agency_keys(actor, agency),
        _("Chỉ quản trị của cơ quan mới được đặt con dấu và khóa ký số."),
    )


def require_manage_certificates(actor: Actor, agency: Agency) -> None:
    """Only the agency's administrator registers or withdraws certificates, for its people and for
    the agency; a person may not register their own.

    Why not self-registration: a certificate is public (every signed document carries it), so a
    person could "register as theirs" a colleague's certificate and then sign with the colleague's
    key file. The registration is worth something only because someone other than the holder, who
    knows who holds which post and token, vouches for it.
    """
    require(
        may_manage_agency_keys(actor, agency),
        _("Chỉ quản trị của cơ quan mới được đăng ký hoặc thu hồi chứng thư số."),
    )


def may_set_own_signature(actor: Actor) -> bool:
    """A person in a post, acting for themselves: not a deputy for someone else, and not a system
    admin without a post (who signs nothing)."""
    return actor.user is not None and actor.on_behalf_of is None and actor.position is not None


def require_own_signature(actor: Actor) -> None:
    require(may_set_own_signature(actor), own_signature_only())


def own_signature_only() -> str:
    return _("Chỉ chính người ký mới được thay ảnh chữ ký của mình.")
