"""Lenient date reading and the one canonical writing (`yyyy/MM/dd`, `yyyy/MM/dd HH:mm:ss`, no zone)."""

from __future__ import annotations

import datetime as dt

_DATE_FORMATS = ("%Y/%m/%d", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y%m%d")
_DATETIME_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
)


def parse_date(text: str) -> dt.date | None:
    """A date in any format seen in the wild; a timestamp's date part; None when unreadable."""
    value = text.strip()
    if not value:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    moment = parse_datetime(value)
    return moment.date() if moment else None


def parse_datetime(text: str) -> dt.datetime | None:
    """A timestamp; a zone, when a sender adds one, is converted to Vietnam time and dropped."""
    value = text.strip()
    if not value:
        return None
    for fmt in _DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(value, fmt)
            except ValueError:
                continue
        return None
    if moment.tzinfo is not None:
        vietnam = dt.timezone(dt.timedelta(hours=7))
        moment = moment.astimezone(vietnam).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def format_date(value: dt.date) -> str:
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def format_datetime(value: dt.datetime) -> str:
    return format_date(value) + f" {value.hour:02d}:{value.minute:02d}:{value.second:02d}"
