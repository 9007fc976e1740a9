"""The installation's working calendar: working sessions (one row) and per-date overrides.

Statutory holidays are not stored: they are computed from the `holidays` package (Vietnamese lunar
calendar) by `eoffice.workcalendar.holidays_vn`. Only what an administrator decides lives here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_SESSIONS: list[dict[str, str]] = [
    {"start": "07:30", "end": "11:30"},
    {"start": "13:30", "end": "17:00"},
]


def default_sessions() -> list[dict[str, str]]:
    return [dict(s) for s in DEFAULT_SESSIONS]


class CalendarSettings(models.Model):
    """The single installation-wide row (pk=1): working sessions of every working day.

    `revision` changes on every calendar write (sessions or overrides), so a process holding a
    cached calendar can tell cheaply whether it is stale, including after a rolled-back write.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    # [{"start": "07:30", "end": "11:30"}, ...] ordered, non-overlapping, within 00:00–24:00.
    sessions = models.JSONField(default=default_sessions)
    revision = models.CharField(max_length=32, default="initial")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cấu hình lịch làm việc")
        verbose_name_plural = _("cấu hình lịch làm việc")

    def __str__(self) -> str:
        return ", ".join(f"{s['start']}–{s['end']}" for s in self.sessions)


class OverrideKind(models.TextChoices):
    # Nghỉ bù / nghỉ thêm: a weekday that is not a statutory holiday becomes a day off.
    DAY_OFF = "day_off", _("Ngày nghỉ (nghỉ bù, nghỉ thêm)")
    # Làm bù: a weekend day or a holiday becomes a working day.
    WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")


class CalendarOverride(models.Model):
    """An administrator's decision about one date, with the decision it comes from."""

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=20, choices=OverrideKind.choices)
    reason = models.CharField(max_length=500)
    # The text of the decision, e.g. "Thông báo 6150/TB-BLĐTBXH".
    source = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày điều chỉnh lịch")
        verbose_name_plural = _("ngày điều chỉnh lịch")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"

    def as_audit_data(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "kind": self.kind,
            "reason": self.reason,
            "source": self.source,
        }
