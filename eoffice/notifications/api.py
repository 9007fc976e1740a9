"""/api/v1/notifications: the bell, read state and channel preferences of the signed-in person."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from eoffice.core.actor import Actor
from eoffice.core.policies import require
from eoffice.notifications import selectors, services

router = Router(tags=["notifications"])
MAX_LIST = 200


def _actor(request: HttpRequest) -> Actor:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    # Service tokens act for a machine, which has no bell of its own.
    require(actor.user is not None, _("Chỉ người dùng mới có thông báo."))
    return actor


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    urgent: bool
    created_at: dt.datetime
    read_at: dt.datetime | None


class CountOut(Schema):
    unread: int


class PreferencesIn(Schema):
    bell: bool | None = None
    email: bool | None = None
    digest: bool | None = None


class PreferencesOut(Schema):
    bell: bool
    email: bool
    digest: bool


@router.get("", response=list[NotificationOut])
def notification_list(request: HttpRequest, unread_only: bool = False, limit: int = 50) -> Any:
    rows = selectors.notifications_for(actor=_actor(request), unread_only=unread_only)
    return list(rows[: max(1, min(limit, MAX_LIST))])


@router.get("/unread-count", response=CountOut)
def unread(request: HttpRequest) -> Any:
    return {"unread": selectors.unread_count(actor=_actor(request))}


@router.post("/{notification_id}/read", response=NotificationOut)
def read(request: HttpRequest, notification_id: int) -> Any:
    return services.notification_mark(actor=_actor(request), notification_id=notification_id, read=True)


@router.post("/{notification_id}/unread", response=NotificationOut)
def unread_one(request: HttpRequest, notification_id: int) -> Any:
    return services.notification_mark(actor=_actor(request), notification_id=notification_id, read=False)


@router.post("/read-all", response=CountOut)
def read_all(request: HttpRequest) -> Any:
    actor = _actor(request)
    services.notifications_mark_all_read(actor=actor)
    return {"unread": selectors.unread_count(actor=actor)}


@router.get("/preferences", response=PreferencesOut)
def preferences_get(request: HttpRequest) -> Any:
    user = _actor(request).user
    assert user is not None  # checked by _actor
    return selectors.preferences_of(user)


@router.put("/preferences", response=PreferencesOut)
def preferences_put(request: HttpRequest, payload: PreferencesIn) -> Any:
    choices = {k: v for k, v in payload.dict().items() if v is not None}
    return services.preferences_set(actor=_actor(request), choices=choices)
