"""What the engine knows about the things its items handle, told by the apps that own them.

The engine never imports a subject app (documents, later tasks and petitions). A subject app
registers, once, from its `AppConfig.ready()`:
- `on_status`: called inside the same transaction whenever an item's status changes, so the
  subject can follow it (a document is done when its top lead line is done);
- `url`: the subject's own page, linked from the item page;
- `visible`: whether an actor may open that page; the item page links it only for them (a leader
  who follows a line of another agency sees the item, not always its subject);
- `describe`: extra labelled facts printed on the item page and the handling slip (the arrival
  number, the issuing agency…).

This is wiring, not business logic: the callbacks live, and are tested, in the subject app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eoffice.core.actor import Actor
    from eoffice.work.models import WorkItem

StatusCallback = Callable[["WorkItem", "Actor"], None]
UrlCallback = Callable[[int], str]
DescribeCallback = Callable[[int], list[tuple[str, str]]]
VisibleCallback = Callable[[int, "Actor"], bool]


@dataclass(frozen=True)
class Subject:
    on_status: StatusCallback | None = None
    url: UrlCallback | None = None
    describe: DescribeCallback | None = None
    visible: VisibleCallback | None = None


_SUBJECTS: dict[str, Subject] = {}


def register_subject(
    subject_type: str,
    *,
    on_status: StatusCallback | None = None,
    url: UrlCallback | None = None,
    describe: DescribeCallback | None = None,
    visible: VisibleCallback | None = None,
) -> None:
    """Register (or replace: `ready()` may run more than once in tests) a subject type's callbacks."""
    _SUBJECTS[subject_type] = Subject(on_status=on_status, url=url, describe=describe, visible=visible)


def subject_for(subject_type: str) -> Subject | None:
    return _SUBJECTS.get(subject_type) if subject_type else None


def status_changed(item: WorkItem, actor: Actor) -> None:
    subject = subject_for(item.subject_type)
    if subject is not None and subject.on_status is not None and item.subject_id is not None:
        subject.on_status(item, actor)


def subject_url(item: WorkItem, actor: Actor | None = None) -> str | None:
    """The subject's page; with an actor, only if they may open it."""
    subject = subject_for(item.subject_type)
    if subject is None or subject.url is None or item.subject_id is None:
        return None
    if actor is not None and subject.visible is not None and not subject.visible(item.subject_id, actor):
        return None
    return subject.url(item.subject_id)


def subject_facts(item: WorkItem) -> list[tuple[str, str]]:
    subject = subject_for(item.subject_type)
    if subject is None or subject.describe is None or item.subject_id is None:
        return []
    return subject.describe(item.subject_id)
