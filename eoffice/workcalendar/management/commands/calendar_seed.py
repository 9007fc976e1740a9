"""`manage.py calendar_seed --year 2027`: add the make-up working days the `holidays` package implies.

Run after checking the government's decision for the year; the result is printed and audited.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError
from eoffice.workcalendar.holidays_vn import FIRST_YEAR, LAST_YEAR, makeup_days
from eoffice.workcalendar.services import overrides_seed_from_package


class Command(BaseCommand):
    help = "Add the make-up working days (làm bù) the holidays package implies for the given years."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", required=True, help="year (repeatable)")
        parser.add_argument("--dry-run", action="store_true", help="only list what would be added")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("manage.py calendar_seed")
        for year in options["year"]:
            if not FIRST_YEAR <= year <= LAST_YEAR:
                raise CommandError(f"year {year} outside {FIRST_YEAR}–{LAST_YEAR}")
            if options["dry_run"]:
                for makeup, day_off in makeup_days(year).items():
                    self.stdout.write(
                        f"{year}: would add {makeup.isoformat()} (make-up for {day_off.isoformat()})"
                    )
                continue
            try:
                created = overrides_seed_from_package(actor=actor, year=year)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            if created:
                for override in created:
                    self.stdout.write(
                        f"{year}: added working day {override.date.isoformat()} — {override.reason}"
                    )
            else:
                self.stdout.write(f"{year}: nothing to add")
