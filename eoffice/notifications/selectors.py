"""Reads: a person sees only their own notifications and preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from eoffice.core.actor import Actor
from eoffice.notifications.models import DEFAULTS, Channel, ChannelSend, Notification, Preference, SendStatus

if TYPE_CHECKING:
    from eoffice.accounts.models import User


def notifications_for(*, actor: Actor, unread_only: bool = False) -> QuerySet[Notification]:
    if actor.user is None:
        return Notification.objects.none()
    rows = Notification.objects.filter(user=actor.user)
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(*, actor: Actor) -> int:
    return notifications_for(actor=actor, unread_only=True).count()


def preferences_of(user: User) -> dict[str, bool]:
    chosen = dict(Preference.objects.filter(user=user).values_list("channel", "enabled"))
    return {channel: chosen.get(channel, DEFAULTS[channel]) for channel in Channel.values}


def failed_sends(*, actor: Actor) -> QuerySet[ChannelSend]:
    """E-mails that could not be delivered to this person, newest first (shown on the preferences page)."""
    return ChannelSend.objects.filter(notification__user=actor.user, status=SendStatus.FAILED).order_by(
        "-notification__created_at"
    )
