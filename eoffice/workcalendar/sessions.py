"""Working sessions of a day ("ca làm việc"): parsing and validation, shared by the engine and forms.

A session is a pair of minutes from local midnight, start inclusive and end exclusive; "24:00" is
allowed as an end. Sessions must be ordered and must not overlap (touching is allowed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from eoffice.core.errors import ValidationFailed

MAX_SESSIONS = 4
MINUTES_PER_DAY = 24 * 60
_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")

Session = tuple[int, int]


def parse_hhmm(value: Any, *, field: str = "sessions") -> int:
    """'07:30' → 450 minutes. Accepts 00:00–24:00."""
    if not isinstance(value, str) or len(value) > 10:
        raise ValidationFailed(
            "invalid_time", _("Giờ không hợp lệ. Nhập theo dạng HH:MM, ví dụ 07:30."), field=field
        )
    match = _HHMM.match(value)
    if match is None:
        raise ValidationFailed(
            "invalid_time",
            _("Giờ «%(value)s» không hợp lệ. Nhập theo dạng HH:MM, ví dụ 07:30.") % {"value": value[:10]},
            field=field,
        )
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours * 60 + minutes > MINUTES_PER_DAY:
        raise ValidationFailed(
            "session_out_of_day",
            _("Giờ «%(value)s» phải nằm trong khoảng 00:00–24:00.") % {"value": value.strip()},
            field=field,
        )
    return hours * 60 + minutes


def format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def validate_sessions(pairs: Sequence[Session], *, field: str = "sessions") -> list[Session]:
    """Check the invariants the engine relies on; return the sessions as a list of int pairs."""
    if not 1 <= len(pairs) <= MAX_SESSIONS:
        raise ValidationFailed(
            "sessions_count",
            _("Cần từ 1 đến %(n)s ca làm việc trong ngày.") % {"n": MAX_SESSIONS},
            field=field,
        )
    result: list[Session] = []
    for number, (start, end) in enumerate(pairs, start=1):
        if (
            isinstance(start, bool)
            or isinstance(end, bool)
            or not isinstance(start, int)
            or not isinstance(end, int)
        ):
            raise ValidationFailed(
                "invalid_time", _("Ca %(n)s: giờ không hợp lệ.") % {"n": number}, field=field
            )
        if not (0 <= start <= MINUTES_PER_DAY and 0 <= end <= MINUTES_PER_DAY):
            raise ValidationFailed(
                "session_out_of_day",
                _("Ca %(n)s: giờ phải nằm trong khoảng 00:00–24:00.") % {"n": number},
                field=field,
            )
        if end <= start:
            raise ValidationFailed(
                "session_end_before_start",
                _("Ca %(n)s: giờ kết thúc (%(end)s) phải sau giờ bắt đầu (%(start)s).")
                % {"n": number, "end": format_minutes(end), "start": format_minutes(start)},
                field=field,
            )
        if result:
            prev_start, prev_end = result[-1]
            if start < prev_start:
                raise ValidationFailed(
                    "sessions_not_ordered",
                    _("Các ca làm việc phải xếp theo thứ tự thời gian trong ngày."),
                    field=field,
                )
            if start < prev_end:
                raise ValidationFailed(
                    "sessions_overlap",
                    _("Ca %(n)s (%(this)s) chồng lên ca %(m)s (%(other)s).")
                    % {
                        "n": number,
                        "this": f"{format_minutes(start)}–{format_minutes(end)}",
                        "m": number - 1,
                        "other": f"{format_minutes(prev_start)}–{format_minutes(prev_end)}",
                    },
                    field=field,
                )
        result.append((start, end))
    return result


def parse_sessions(raw: Iterable[Any], *, field: str = "sessions") -> list[Session]:
    """[{"start": "07:30", "end": "11:30"}, ...] (as stored) → validated minute pairs."""
    pairs: list[Session] = []
    for item in list(raw)[: MAX_SESSIONS + 1]:
        if not isinstance(item, dict):
            raise ValidationFailed("invalid_time", _("Ca làm việc không hợp lệ."), field=field)
        pairs.append((parse_hhmm(item.get("start"), field=field), parse_hhmm(item.get("end"), field=field)))
    return validate_sessions(pairs, field=field)


def sessions_as_json(pairs: Sequence[Session]) -> list[dict[str, str]]:
    return [{"start": format_minutes(s), "end": format_minutes(e)} for s, e in pairs]
