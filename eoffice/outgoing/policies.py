"""Who may do what with outgoing documents.

Anyone holding a position in the agency may draft (Điều 10: the leader assigns the drafter, who
may be a specialist or a unit head); only the drafter revises their own draft; the agency's văn
thư numbers (Điều 14, 15.3) and keeps the series; the agency's leadership and văn thư read every
draft of the agency. Acting under a delegation needs its scope to cover "outgoing".
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.policies import require
from eoffice.directory.models import Agency
from eoffice.outgoing import comments_policies
from eoffice.outgoing.models import Draft
from eoffice.people.models import Role
from eoffice.people.rights import delegation_allows, has_role


def _acting_in(actor: Actor, agency: Agency) -> bool:
    position = actor.position
    return (
        position is not None
        and position.is_active
        and position.agency_id == agency.pk
        and delegation_allows(actor, "outgoing")
    )


def may_draft(actor: Actor, agency: Agency) -> bool:
    return _acting_in(actor, agency)


def require_draft(actor: Actor, agency: Agency) -> None:
    require(may_draft(actor, agency), _("Chỉ người có chức vụ trong cơ quan mới được soạn văn bản đi."))


def is_clerk(actor: Actor, agency: Agency) -> bool:
    return has_role(actor, Role.VAN_THU, agency) and delegation_allows(actor, "outgoing")


def require_clerk(actor: Actor, agency: Agency) -> None:
    require(is_clerk(actor, agency), _("Chỉ văn thư của cơ quan mới được cấp số và giữ số văn bản đi."))


def may_configure(actor: Actor, agency: Agency) -> bool:
    return is_clerk(actor, agency) or has_role(actor, Role.QUAN_TRI_CO_QUAN, agency)


def require_configure(actor: Actor, agency: Agency) -> None:
    require(
        may_configure(actor, agency),
        _("Chỉ văn thư hoặc quản trị của cơ quan mới được đặt quy tắc cấp số văn bản đi."),
    )


def may_revise(actor: Actor, draft: Draft) -> bool:
    return (
        actor.user is not None
        and draft.created_by_id == (actor.on_behalf_of or actor.user).pk
        and _acting_in(actor, draft.agency)
    )


def require_revise(actor: Actor, draft: Draft) -> None:
    require(may_revise(actor, draft), _("Chỉ người soạn thảo mới được sửa dự thảo này."))


def may_read(actor: Actor, draft: Draft) -> bool:
    if actor.is_superuser:
        return True
    if actor.user is not None and draft.created_by_id == (actor.on_behalf_of or actor.user).pk:
        return True
    # Whoever was given a step of its approval chain reads it (and its earlier versions).
    if (
        actor.user is not None
        and draft.step_runs.filter(line__assignee_user=actor.on_behalf_of or actor.user).exists()
    ):
        return True
    # Whoever was asked for comments (lấy ý kiến) reads it, to answer.
    if comments_policies.is_invitee(actor, draft.pk):
        return True
    return is_clerk(actor, draft.agency) or (
        has_role(actor, Role.LANH_DAO_CO_QUAN, draft.agency) and delegation_allows(actor, "outgoing")
    )
