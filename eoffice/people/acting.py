"""Which position a signed-in person acts in, and for whom.

The choices are the user's own active positions plus the positions delegated to them right now.
The choice lives in the session as "p:<position id>" or "d:<delegation id>"; an API client with a
personal token may send the same key in the `X-Eoffice-Acting-As` header. A key that is not (or no
longer) among the choices falls back to the primary position: an expired delegation simply
disappears.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.middleware import client_ip
from eoffice.people.models import Delegation, Position, PositionRole

if TYPE_CHECKING:
    from eoffice.accounts.models import User

SESSION_KEY = "eoffice_acting_as"
HEADER = "X-Eoffice-Acting-As"


@dataclass(frozen=True)
class ActingChoice:
    key: str
    position: Position
    delegation: Delegation | None = None

    @property
    def label(self) -> str:
        text = str(self.position)
        if self.delegation is not None:
            owner = self.delegation.delegator
            return _("%(position)s (thay %(owner)s)") % {"position": text, "owner": owner.get_full_name()}
        return text


def _roles() -> Prefetch[Any]:
    return Prefetch("roles", queryset=PositionRole.objects.only("id", "position_id", "role"))


def _own_positions(user: User) -> QuerySet[Position]:
    today = timezone.localdate()
    return (
        Position.objects.select_related("agency", "unit")
        .prefetch_related(_roles())
        .filter(user=user, is_active=True)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    )


def _delegations_in_force(user: User) -> QuerySet[Delegation]:
    now = timezone.now()
    return (
        Delegation.objects.select_related("delegator", "position__agency", "position__unit")
        .prefetch_related(
            Prefetch("position__roles", queryset=PositionRole.objects.only("id", "position_id", "role"))
        )
        .filter(
            delegate=user,
            revoked_at__isnull=True,
            starts_at__lte=now,
            ends_at__gt=now,
            position__is_active=True,
            # The delegator must still hold the position they handed over.
            position__user=F("delegator"),
            delegator__is_active=True,
        )
        .order_by("starts_at", "id")
    )


def acting_choices(user: Any) -> list[ActingChoice]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    choices = [ActingChoice(key=f"p:{p.pk}", position=p) for p in _own_positions(user)]
    choices += [
        ActingChoice(key=f"d:{d.pk}", position=d.position, delegation=d) for d in _delegations_in_force(user)
    ]
    return choices


def choose(choices: list[ActingChoice], wanted: str | None) -> ActingChoice | None:
    """The wanted choice if it is still valid, else the primary own position, else the first."""
    choice = next((c for c in choices if c.key == wanted), None)
    if choice is None:
        choice = next((c for c in choices if c.delegation is None and c.position.is_primary), None)
    if choice is None and choices:
        choice = choices[0]
    return choice


def _wanted(request: HttpRequest) -> str | None:
    if getattr(request, "api_token", None) is not None:
        return request.headers.get(HEADER)
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY) if session is not None else None


def current_choice(request: HttpRequest) -> ActingChoice | None:
    cached = getattr(request, "_eoffice_choice", None)
    if cached is not None:
        return cached if isinstance(cached, ActingChoice) else None
    choices = acting_choices(request.user)
    choice = choose(choices, _wanted(request))
    request._eoffice_choice = choice or False  # type: ignore[attr-defined]
    request._eoffice_choices = choices  # type: ignore[attr-defined]
    return choice


def actor_for_choice(user: User, choice: ActingChoice | None, ip_address: str | None) -> Actor:
    return Actor(
        user=user,
        position=choice.position if choice else None,
        on_behalf_of=choice.delegation.delegator if choice and choice.delegation else None,
        ip_address=ip_address,
    )


def actor_for_request(request: HttpRequest) -> Actor:
    if not request.user.is_authenticated:
        return Actor(user=None, ip_address=client_ip(request))
    return actor_for_choice(request.user, current_choice(request), client_ip(request))
