"""The demo lines give the board a realistic spread, and are built once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from eoffice.oversight import selectors
from eoffice.oversight.filters import Filters
from eoffice.oversight.models import LineFact
from eoffice.testing.cast import Cast
from eoffice.work.models import AssignmentLine

from .conftest import actor_of

pytestmark = pytest.mark.django_db


def test_demo_lines_spread_over_every_column(cast: Cast) -> None:
    out = StringIO()
    call_command("oversight_demo", "--per-agency", "60", stdout=out)
    acting = AssignmentLine.objects.exclude(role="info").count()
    assert acting > 100 and LineFact.objects.count() == acting
    today = timezone.localdate()
    period = Filters(date_from=today.replace(year=today.year - 1), date_to=today)
    board = selectors.board(actor_of(cast, cast.leader_a), period, now=timezone.now())
    for column in ("waiting", "processing", "overdue", "on_time", "late", "returned"):
        assert board.total.counts[column] > 0, column
    again = StringIO()
    call_command("oversight_demo", "--if-absent", stdout=again)
    assert "đã có" in again.getvalue()
    assert LineFact.objects.count() == acting
