"""Notices shown at the top of a document's page by apps above documents (e.g. "đã bị thay thế
bởi …", "yêu cầu thu hồi chờ trả lời"), without documents importing them.

An app registers a hook in its AppConfig.ready(); each hook takes the actor and the document and
returns the notices that actor should see, with the link or the action that goes with each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from eoffice.core.actor import Actor
from eoffice.documents.models import Document


@dataclass(frozen=True)
class Notice:
    code: str
    text: str
    level: str = "info"  # a Bootstrap alert colour
    link_url: str = ""
    link_label: str = ""
    action_url: str = ""
    action_label: str = ""


NoticeHook = Callable[[Actor, Document], list[Notice]]
NOTICE_HOOKS: list[NoticeHook] = []


def register_notice_hook(hook: NoticeHook) -> None:
    if hook not in NOTICE_HOOKS:
        NOTICE_HOOKS.append(hook)


def notices_for(actor: Actor, document: Document) -> list[Notice]:
    found: list[Notice] = []
    for hook in NOTICE_HOOKS:
        found.extend(hook(actor, document))
    return found
