"""`manage.py axis_poll [--axis NAME]`: poll the active axes (or one) once and print what came in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eoffice.core.actor import Actor
from eoffice.exchange.axis import polling
from eoffice.exchange.models import Axis


class Command(BaseCommand):
    help = (
        "Nhận gói tin từ trục liên thông một lần. Poll the active axes (or the one named) once: fetch, "
        "receive and acknowledge every waiting document and status package, then print a summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--axis", default="", help="the axis's name (default: every active axis)")

    def handle(self, *args: Any, **options: Any) -> None:
        axes = Axis.objects.filter(is_active=True)
        if options["axis"]:
            axes = Axis.objects.filter(name=options["axis"])
            if not axes.exists():
                raise CommandError(f"no axis named {options['axis']!r}")
        elif not axes.exists():
            raise CommandError("no active axis is configured (manage.py axis_configure)")
        actor = Actor.system("manage.py axis_poll")
        failed = False
        for axis in axes:
            summary = polling.axis_poll(actor=actor, axis=axis)
            self.stdout.write(
                f"{axis.name}: listed {summary.listed}, stored {summary.stored}, "
                f"statuses {summary.statuses}, duplicates {summary.duplicates}, "
                f"quarantined {summary.quarantined}, answered 02 {summary.answered}, "
                f"errors {len(summary.errors)}"
            )
            for error in summary.errors:
                self.stderr.write(f"  {error}")
            failed = failed or bool(summary.errors)
        if failed:
            raise CommandError("some packages or calls failed; they are tried again at the next poll")
