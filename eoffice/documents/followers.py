"""Who follows an incoming document's status besides the document itself.

The exchange app reports a received copy's progress back to its sender (edXML 03 registered,
04 assigned, 05 processing, 06 done). Documents never import exchange: exchange registers a
follower here from `ExchangeConfig.ready()` (wiring only), and documents call `status_changed`
inside the transaction that changed the document, so the report commits with the change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eoffice.core.actor import Actor
    from eoffice.documents.models import Document

Follower = Callable[["Document", "Actor"], None]
_FOLLOWERS: dict[str, Follower] = {}


def register(name: str, follower: Follower) -> None:
    """Register (or replace: `ready()` may run more than once in tests) a named follower."""
    _FOLLOWERS[name] = follower


def status_changed(document: Document, actor: Actor) -> None:
    for follower in _FOLLOWERS.values():
        follower(document, actor)
