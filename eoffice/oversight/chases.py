"""The seam through which the board shows reminders (đôn đốc: Nhắc nhở / Phê bình / Kiểm điểm).

The reminders app sits below oversight (oversight may import it, never the reverse) and owns the
reminders and their per-type counts. When it offers `eoffice.reminders.selectors.counts_by_line(line_ids)`
→ {line_id: {type: count}}, the drill-down lists show those; until then, the engine's per-line
`AssignmentLine.reminder_count` (the total) is shown under the key "total".
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from eoffice.work.models import AssignmentLine

CountsByLine = Callable[[list[int]], dict[int, dict[str, int]]]


def _provider() -> CountsByLine | None:
    try:
        module: Any = importlib.import_module("eoffice.reminders.selectors")
    except ImportError:
        return None
    provider = getattr(module, "counts_by_line", None)
    return provider if callable(provider) else None


def counts_by_line(line_ids: list[int]) -> dict[int, dict[str, int]]:
    provider = _provider()
    if provider is not None:
        return provider(line_ids)
    totals = AssignmentLine.objects.filter(pk__in=line_ids, reminder_count__gt=0)
    return {pk: {"total": count} for pk, count in totals.values_list("pk", "reminder_count")}
