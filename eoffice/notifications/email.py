"""E-mail delivery of one notification and of the daily digest, in Vietnamese, over SMTP.

Each attempt opens its own SMTP connection with a timeout (EOFFICE_NOTIFY_TIMEOUT), so a slow mail
server costs one worker thread at most that long and never touches the bell. Attempts and the
last error are written on the `ChannelSend` / `DigestRun` row; after the last retry it stays
"failed" for the person and the admin to see.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import socket

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from eoffice.core import language
from eoffice.notifications.models import ChannelSend, DigestRun, Notification, SendStatus

# Waits before the 2nd, 3rd and 4th attempt (seconds); then the send is failed for good.
RETRY_DELAYS = (5.0, 10.0, 20.0)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
SMTP_ERRORS = (smtplib.SMTPException, OSError, socket.timeout)


def _site_url(path: str) -> str:
    return f"{settings.EOFFICE_SITE_URL.rstrip('/')}{path}" if path else settings.EOFFICE_SITE_URL


def _deliver(to: str, subject: str, body: str) -> None:
    connection = get_connection(timeout=settings.EOFFICE_NOTIFY_TIMEOUT)
    EmailMessage(subject=subject, body=body, to=[to], connection=connection).send(fail_silently=False)


def render_notification(note: Notification) -> tuple[str, str]:
    with language.for_others():
        subject = ("[KHẨN] " if note.urgent else "") + f"[eOffice] {note.title}"
        body = render_to_string(
            "notifications/email.txt", {"note": note, "link": _site_url(note.url), "user": note.user}
        )
    return " ".join(subject.split())[:250], body


def _claim(model: type[ChannelSend] | type[DigestRun], pk: int) -> bool:
    # One attempt at a time per row, even if Huey delivers the same message twice.
    return bool(
        model.objects.filter(pk=pk, status__in=[SendStatus.PENDING, SendStatus.FAILED])
        .filter(attempts__lt=MAX_ATTEMPTS)
        .update(status=SendStatus.PENDING)
    )


def _finish(row: ChannelSend | DigestRun, error: str | None) -> float | None:
    """Record the attempt; return the delay before the next one, or None when there is none."""
    row.attempts += 1
    if error is None:
        row.status, row.sent_at, row.last_error = SendStatus.SENT, timezone.now(), ""
    else:
        row.status, row.last_error = SendStatus.FAILED, error[:500]
    row.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    if error is None or row.attempts >= MAX_ATTEMPTS:
        return None
    return RETRY_DELAYS[row.attempts - 1]


def attempt_send(send_id: int) -> float | None:
    """Try one e-mail once; the caller schedules the returned delay for the next try."""
    if not _claim(ChannelSend, send_id):
        return None
    send = ChannelSend.objects.select_related("notification__user").get(pk=send_id)
    note = send.notification
    subject, body = render_notification(note)
    try:
        _deliver(note.user.email, subject, body)
        error = None
    except SMTP_ERRORS as exc:
        error = f"{type(exc).__name__}: {exc}"
    with transaction.atomic():
        return _finish(send, error)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def attempt_digest(run_id: int) -> float | None:
    if not _claim(DigestRun, run_id):
        return None
    run = DigestRun.objects.select_related("user").get(pk=run_id)
    start, end = day_bounds(run.day)
    notes = list(Notification.objects.filter(user=run.user, created_at__gte=start, created_at__lt=end))
    with language.for_others():
        subject = f"[eOffice] Tổng hợp thông báo ngày {run.day:%d/%m/%Y} ({len(notes)})"
        body = render_to_string(
            "notifications/digest.txt",
            {
                "notes": notes,
                "user": run.user,
                "day": run.day,
                "site": _site_url(reverse("notifications:list")),
            },
        )
    try:
        _deliver(run.user.email, subject, body)
        error = None
    except SMTP_ERRORS as exc:
        error = f"{type(exc).__name__}: {exc}"
    with transaction.atomic():
        run.count = len(notes)
        run.save(update_fields=["count"])
        return _finish(run, error)
