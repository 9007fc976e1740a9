from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from eoffice.people.acting import current_choice
from eoffice.web.menu import menu_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the layout needs on every page: the acting position, the choices, the menu."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    choice = current_choice(request)
    return {
        "acting_choice": choice,
        "acting_choices": getattr(request, "_eoffice_choices", []),
        "menu": menu_for(request.actor),  # type: ignore[attr-defined]
    }
