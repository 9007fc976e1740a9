"""Who may do what in a comment round (lấy ý kiến).

The drafter, or the head of the drafting unit, asks for comments, extends the deadline, closes
the round and exports the consolidated answers. An invitee answers through the line of the
work engine they hold: the person, or for a unit, whoever holds the unit's box (its head). The
agency's leadership and văn thư, who read every draft, read the answers too.
"""

from __future__ import annotations

from eoffice.core.actor import Actor
from eoffice.outgoing.models import CommentRequest, CommentRound, Draft
from eoffice.people.models import Role
from eoffice.people.rights import delegation_allows
from eoffice.work import policies as work_policies


def _acting_in(actor: Actor, agency_id: int) -> bool:
    position = actor.position
    return (
        position is not None
        and position.is_active
        and position.agency_id == agency_id
        and delegation_allows(actor, "outgoing")
    )


def may_request(actor: Actor, draft: Draft) -> bool:
    if actor.user is None or not _acting_in(actor, draft.agency_id):
        return False
    if draft.created_by_id == (actor.on_behalf_of or actor.user).pk:
        return True
    position = actor.position
    assert position is not None
    return (
        draft.unit_id is not None
        and position.unit_id == draft.unit_id
        and position.has_role(Role.LANH_DAO_DON_VI)
    )


def may_manage_round(actor: Actor, comment_round: CommentRound) -> bool:
    return may_request(actor, comment_round.draft)


def holds_request(actor: Actor, request: CommentRequest) -> bool:
    return work_policies.holds_line(actor, request.line)


def is_invitee(actor: Actor, draft_id: int) -> bool:
    """Asked for comments on this draft (in any round): may read the draft to answer."""
    keys = work_policies.box_keys(actor)
    if not keys or not delegation_allows(actor, "outgoing"):
        return False
    return CommentRequest.objects.filter(round__draft_id=draft_id, line__box_key__in=keys).exists()


def may_see_all(actor: Actor, comment_round: CommentRound) -> bool:
    """Every answer of a round: its requester's side and the agency's leadership and văn thư."""
    if actor.is_superuser or may_manage_round(actor, comment_round):
        return True
    position = actor.position
    return (
        position is not None
        and _acting_in(actor, comment_round.agency_id)
        and (position.has_role(Role.LANH_DAO_CO_QUAN) or position.has_role(Role.VAN_THU))
    )
