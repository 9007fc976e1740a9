"""Which position a signed-in person acts in, and for whom.

The choices are the user's own active positions plus the positions delegated to them right now.
The choice lives in the session as "p:<position id>" or "d:<delegation id>".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.http import HttpRequest
from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.core.middleware import client_ip
from eoffice.people.models import Delegation, Position, PositionRole

SESSION_KEY = "eoffice_acting_as"


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
            return f"{text} (thay {owner.get_full_name()})"
        return text


def _positions():  # type: ignore[no-untyped-def]
    return Position.objects.select_related("agency", "unit").prefetch_related(
        Prefetch("roles", queryset=PositionRole.objects.only("id", "position_id", "role"))
    )


def acting_choices(user) -> list[ActingChoice]:  # type: ignore[no-untyped-def]
    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    own = _positions().filter(user=user, is_active=True).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    choices = [ActingChoice(key=f"p:{p.pk}", position=p) for p in own]
    now = timezone.now()
    delegated = (
        Delegation.objects.select_related("delegator", "position__agency", "position__unit")
        .prefetch_related("position__roles")
        .filter(delegate=user, revoked_at__isnull=True, starts_at__lte=now, ends_at__gt=now, position__is_active=True)
    )
    choices += [ActingChoice(key=f"d:{d.pk}", position=d.position, delegation=d) for d in delegated]
    return choices


def current_choice(request: HttpRequest) -> ActingChoice | None:
    cached = getattr(request, "_eoffice_choice", None)
    if cached is not None:
        return cached if isinstance(cached, ActingChoice) else None
    choices = acting_choices(request.user)
    wanted = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    choice = next((c for c in choices if c.key == wanted), None)
    if choice is None:
        choice = next((c for c in choices if c.delegation is None and c.position.is_primary), None)
    if choice is None and choices:
        choice = choices[0]
    request._eoffice_choice = choice or False  # type: ignore[attr-defined]
    request._eoffice_choices = choices  # type: ignore[attr-defined]
    return choice


def actor_for_request(request: HttpRequest) -> Actor:
    user = request.user if request.user.is_authenticated else None
    choice = current_choice(request) if user is not None else None
    return Actor(
        user=user,  # type: ignore[arg-type]
        position=choice.position if choice else None,
        on_behalf_of=choice.delegation.delegator if choice and choice.delegation else None,
        ip_address=client_ip(request),
    )
