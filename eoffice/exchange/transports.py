"""Routes a line can travel by. Each route is a function `send(line) -> Outcome`.

`peer` (HTTP push to another eOffice, `push.send`) is registered by ExchangeConfig.ready();
the national/provincial axis adapters register `axis` from their own module. Hosted lines are
written delivered and never reach a route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eoffice.exchange.models import OutboxLine
    from eoffice.exchange.worker import Outcome

Sender = Callable[["OutboxLine"], "Outcome"]
_ROUTES: dict[str, Sender] = {}


def register_route(route: str, sender: Sender) -> None:
    _ROUTES[route] = sender


def send(line: OutboxLine) -> Outcome:
    from eoffice.exchange.worker import Outcome

    sender = _ROUTES.get(line.route)
    if sender is None:
        return Outcome.retry(f"no transport for route {line.route!r}")
    return sender(line)
