"""The daily digest: one e-mail per person who asked for it and had anything that day."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.notifications.email import day_bounds
from eoffice.notifications.models import Channel, DigestRun, Notification, SendStatus
from eoffice.notifications.services import wanted


@transaction.atomic
def digests_plan(*, day: dt.date | None = None) -> list[int]:
    """Create the day's digest rows (once: unique per person and day); return those still to send."""
    day = day or timezone.localdate()
    start, end = day_bounds(day)
    active = set(
        Notification.objects.filter(created_at__gte=start, created_at__lt=end, user__is_active=True)
        .exclude(user__email="")
        .values_list("user_id", flat=True)
    )
    users = wanted(active, Channel.DIGEST)
    DigestRun.objects.bulk_create([DigestRun(user_id=uid, day=day) for uid in users], ignore_conflicts=True)
    audit.record(actor=Actor.system("digest"), verb="notification.digest_planned", data={"day": str(day)})
    return list(
        DigestRun.objects.filter(day=day, user_id__in=users, status=SendStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
