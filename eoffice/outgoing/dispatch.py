"""Hooks through which the exchange app follows releases, recalls and updates.

The exchange app imports outgoing (it reads drafts and deliveries), so outgoing must not import
exchange. Instead exchange registers its hooks here from `ExchangeConfig.ready()` — wiring only,
like documents ↔ work. The hooks run inside the release's or recall's own transaction, so the
outbox rows they write commit, or roll back, with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eoffice.core.actor import Actor
    from eoffice.outgoing.models import Amendment, Delivery, Draft

ReleaseHook = Callable[["Draft", "list[Delivery]", "Actor"], None]
RecallHook = Callable[["Draft", str, "Actor"], None]
# An update (Amendment of kind "update") to ask of these recipients outside this installation.
UpdateHook = Callable[["Amendment", "list[Delivery]", "Actor"], None]
# A hosted recipient's answer on a delivery: edXML code ("02", "15", "16") and its reason.
AnswerHook = Callable[["Delivery", str, str, "Actor"], None]


@dataclass(frozen=True)
class RemoteStatus:
    """One edXML status a recipient reported on a delivery (01 arrived … 06 done, 02 refused)."""

    code: str
    label: str
    at: datetime
    staff: str = ""
    note: str = ""


# Every delivery's statuses, oldest first, keyed by delivery id: the sender's exchange timeline.
StatusHook = Callable[["list[Delivery]"], "dict[int, list[RemoteStatus]]"]

_RELEASE: dict[str, ReleaseHook] = {}
_RECALL: dict[str, RecallHook] = {}
_UPDATE: dict[str, UpdateHook] = {}
_ANSWER: dict[str, AnswerHook] = {}
_STATUSES: dict[str, StatusHook] = {}


def register(
    name: str,
    *,
    on_release: ReleaseHook | None = None,
    on_recall: RecallHook | None = None,
    on_answer: AnswerHook | None = None,
    on_update: UpdateHook | None = None,
    statuses: StatusHook | None = None,
) -> None:
    """Register (or replace: `ready()` may run more than once in tests) a named set of hooks."""
    if on_release is not None:
        _RELEASE[name] = on_release
    if on_recall is not None:
        _RECALL[name] = on_recall
    if on_answer is not None:
        _ANSWER[name] = on_answer
    if on_update is not None:
        _UPDATE[name] = on_update
    if statuses is not None:
        _STATUSES[name] = statuses


def released(draft: Draft, deliveries: list[Delivery], actor: Actor) -> None:
    for hook in _RELEASE.values():
        hook(draft, deliveries, actor)


def recalled(draft: Draft, reason: str, actor: Actor) -> None:
    for hook in _RECALL.values():
        hook(draft, reason, actor)


def updated(amendment: Amendment, deliveries: list[Delivery], actor: Actor) -> None:
    for hook in _UPDATE.values():
        hook(amendment, deliveries, actor)


def answered(delivery: Delivery, code: str, reason: str, actor: Actor) -> None:
    for hook in _ANSWER.values():
        hook(delivery, code, reason, actor)


def statuses_of(deliveries: list[Delivery]) -> dict[int, list[RemoteStatus]]:
    found: dict[int, list[RemoteStatus]] = {}
    for hook in _STATUSES.values():
        for delivery_id, rows in hook(deliveries).items():
            found.setdefault(delivery_id, []).extend(rows)
    return found
