"""Statutory Vietnamese holidays, from the `holidays` package, cached per year.

The package implements the Vietnamese lunar calendar (UTC+7), the compensation rule of the Labour
Code art. 111.3 and the one-off swaps it knows. It lists days off only: the make-up working
Saturdays of a swap appear solely inside the label "Day off (substituted from MM/DD/YYYY)", which
`makeup_days()` reads so an administrator can confirm them as overrides.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import holidays
from django.utils.translation import get_language, gettext_noop

# The package covers Vietnam for these years; outside them the calendar refuses to answer.
FIRST_YEAR = 1976  # Asia/Ho_Chi_Minh is a constant UTC+7 from 1976 on
LAST_YEAR = 2100

# Vietnamese on purpose (stored override reasons quote them); pages translate them with gettext.
WEEKDAYS_VI = (
    gettext_noop("Thứ Hai"),
    gettext_noop("Thứ Ba"),
    gettext_noop("Thứ Tư"),
    gettext_noop("Thứ Năm"),
    gettext_noop("Thứ Sáu"),
    gettext_noop("Thứ Bảy"),
    gettext_noop("Chủ nhật"),
)
_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


class YearOutOfRange(ValueError):
    pass


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise YearOutOfRange(f"year {year} is outside the supported range {FIRST_YEAR}–{LAST_YEAR}")


@lru_cache(maxsize=256)
def holidays_of_year(year: int) -> dict[date, str]:
    """Statutory days off of `year` with their Vietnamese names (read-only; cached)."""
    check_year(year)
    found = holidays.country_holidays("VN", years=year, language="vi")
    return {day: str(name) for day, name in sorted(found.items()) if day.year == year}


# UI languages whose holiday names the package ships; any other shows the Vietnamese names.
_PACKAGE_LANGUAGES = {"vi": "vi", "en": "en_US"}


def holiday_names(year: int) -> dict[date, str]:
    """The days of `holidays_of_year`, named in the active UI language (for pages and messages)."""
    ui = (get_language() or "vi").split("-")[0]
    return _holiday_names(year, _PACKAGE_LANGUAGES.get(ui, "vi"))


@lru_cache(maxsize=256)
def _holiday_names(year: int, language: str) -> dict[date, str]:
    if language == "vi":
        return holidays_of_year(year)
    check_year(year)
    found = holidays.country_holidays("VN", years=year, language=language)
    return {day: str(name) for day, name in sorted(found.items()) if day.year == year}


@lru_cache(maxsize=256)
def makeup_days(year: int) -> dict[date, date]:
    """Make-up working days (làm bù) implied by the package's swaps of `year`: {make-up day: day off}.

    A swap's day off and its make-up day can fall in different years (2015, 2018), so the day off is
    looked for in the neighbouring years too.
    """
    check_year(year)
    years = [y for y in (year - 1, year, year + 1) if FIRST_YEAR <= y <= LAST_YEAR]
    found = holidays.country_holidays("VN", years=years, language="en_US")
    result: dict[date, date] = {}
    for day_off, name in found.items():
        match = _SUBSTITUTED.search(str(name))
        if match is None:
            continue
        month, day, y = (int(g) for g in match.groups())
        makeup = date(y, month, day)
        if makeup.year == year:
            result[makeup] = day_off
    return dict(sorted(result.items()))


# Decisions behind the package's swaps, where known, for the source of a seeded make-up day.
KNOWN_SOURCES: dict[date, str] = {
    date(2025, 4, 26): "Thông báo 6150/TB-BLĐTBXH",
}


def package_source(makeup: date) -> str:
    known = KNOWN_SOURCES.get(makeup)
    if known:
        return known
    return f"Theo gói holidays {holidays.__version__}; cần đối chiếu văn bản hoán đổi ngày làm việc"
