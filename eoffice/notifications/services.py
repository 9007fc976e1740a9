"""Writes: create notifications inside the causing write's transaction, read state, preferences.

Other apps call `notification_send` from their own services (a reminder, an assignment), so the
notification commits or rolls back with the act it reports; e-mail leaves only after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, ValidationFailed
from eoffice.directory.models import Agency
from eoffice.notifications.models import (
    DEFAULTS,
    Channel,
    ChannelSend,
    Kind,
    Notification,
    Preference,
)
from eoffice.notifications.selectors import preferences_of

if TYPE_CHECKING:
    from eoffice.accounts.models import User

MAX_TITLE = 300
MAX_BODY = 4000


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str = ""
    url: str = ""
    urgent: bool = False


def _check(message: Message) -> Message:
    if message.kind not in Kind.values:
        raise ValidationFailed("unknown_kind", _("Loại thông báo không hợp lệ."), field="kind")
    title = " ".join(message.title.split())
    if not title:
        raise ValidationFailed("title_required", _("Thông báo phải có tiêu đề."), field="title")
    # Only our own pages: a notification must never send a person to another site.
    url = message.url if message.url.startswith("/") and not message.url.startswith("//") else ""
    return Message(message.kind, title[:MAX_TITLE], message.body[:MAX_BODY], url, message.urgent)


def wanted(user_ids: Iterable[int], channel: str) -> set[int]:
    """Who of `user_ids` wants `channel`, applying the default where a person chose nothing."""
    ids = set(user_ids)
    chosen = dict(
        Preference.objects.filter(user_id__in=ids, channel=channel).values_list("user_id", "enabled")
    )
    return {uid for uid in ids if chosen.get(uid, DEFAULTS[channel])}


def notification_send(
    *, actor: Actor, users: Iterable[User], agency: Agency, message: Message
) -> list[Notification]:
    """Notify each person once; e-mail those who want it (everyone with an address when urgent)."""
    message = _check(message)
    recipients = {u.pk: u for u in users if u.is_active}
    if not recipients:
        return []
    with transaction.atomic():
        bell = wanted(recipients, Channel.BELL)
        now = timezone.now()
        # A person who turned the bell off still has the record, already read, so no badge appears.
        notes = Notification.objects.bulk_create(
            [
                Notification(
                    agency=agency,
                    user=user,
                    kind=message.kind,
                    title=message.title,
                    body=message.body,
                    url=message.url,
                    urgent=message.urgent,
                    read_at=None if (uid in bell or message.urgent) else now,
                )
                for uid, user in recipients.items()
            ]
        )
        emailed = set(recipients) if message.urgent else wanted(recipients, Channel.EMAIL)
        sends = ChannelSend.objects.bulk_create(
            [
                ChannelSend(notification=note, channel=Channel.EMAIL)
                for note in notes
                if note.user_id in emailed and recipients[note.user_id].email
            ]
        )
        audit.record(
            actor=actor,
            verb="notification.sent",
            agency_id=agency.pk,
            data={
                "kind": message.kind,
                "users": sorted(recipients),
                "emails": len(sends),
                "urgent": message.urgent,
            },
        )
        ids = [s.pk for s in sends]
        if ids:
            transaction.on_commit(lambda: _enqueue_email(ids))
    return notes


def _enqueue_email(send_ids: list[int]) -> None:
    from eoffice.notifications import tasks  # the task module imports Huey; keep it off the write path

    for send_id in send_ids:
        tasks.send_email(send_id)


def _own(actor: Actor, notification_id: int) -> Notification:
    note = Notification.objects.filter(pk=notification_id, user=actor.user).first() if actor.user else None
    if note is None:
        raise NotFound(_("Không tìm thấy thông báo."))
    return note


@transaction.atomic
def notification_mark(*, actor: Actor, notification_id: int, read: bool) -> Notification:
    note = _own(actor, notification_id)
    # A filtered update: marking twice, or from two tabs at once, keeps the first reading time.
    if read:
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
    else:
        Notification.objects.filter(pk=note.pk).update(read_at=None)
    note.refresh_from_db()
    audit.record(actor=actor, verb="notification.marked", target=note, data={"read": read})
    return note


@transaction.atomic
def notifications_mark_all_read(*, actor: Actor) -> int:
    count = Notification.objects.filter(user=actor.user, read_at__isnull=True).update(read_at=timezone.now())
    audit.record(actor=actor, verb="notification.all_read", data={"count": count})
    return count


@transaction.atomic
def preferences_set(*, actor: Actor, choices: dict[str, bool]) -> dict[str, bool]:
    unknown = set(choices) - set(Channel.values)
    if unknown or actor.user is None:
        raise ValidationFailed("unknown_channel", _("Kênh thông báo không hợp lệ."), field="channel")
    for channel, enabled in choices.items():
        Preference.objects.update_or_create(user=actor.user, channel=channel, defaults={"enabled": enabled})
    audit.record(actor=actor, verb="notification.preferences", target=actor.user, data=choices)
    return preferences_of(actor.user)
