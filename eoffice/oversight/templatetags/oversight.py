"""Figures as people read them: a share as a percentage, working time in hours and minutes."""

from __future__ import annotations

from datetime import timedelta

from django import template

from eoffice.work.deadlines import format_duration

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


@register.filter
def working(seconds: float | None) -> str:
    return "—" if seconds is None else format_duration(timedelta(seconds=seconds))
