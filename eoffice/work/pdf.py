"""The incoming handling slip (phiếu giải quyết văn bản đến) as PDF, rendered by WeasyPrint.

The slip carries what the paper form carries: the document, the leader's direction, each unit's or
person's assignment with its role and deadline, and the handling opinions.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from eoffice.work import subjects, timeline
from eoffice.work.models import OpinionKind, WorkItem


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The slip embeds nothing external: refusing every fetch keeps rendering offline and safe.
    raise ValueError(f"external resource refused: {url[:80]}")


def slip_context(item: WorkItem) -> dict[str, Any]:
    opinions = timeline.opinions(item)
    return {
        "item": item,
        "subject_facts": subjects.subject_facts(item),
        "rows": timeline.timeline(item),
        "directions": [o for o in opinions if o.kind == OpinionKind.DIRECTION],
        "opinions": [o for o in opinions if o.kind != OpinionKind.DIRECTION],
        "printed_at": timezone.localtime(),
    }


def slip_html(item: WorkItem) -> str:
    return render_to_string("work/slip.html", slip_context(item))


def slip_pdf(item: WorkItem) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango costs ~0.3 s, pages without PDFs skip it

    result: bytes = HTML(string=slip_html(item), url_fetcher=_no_fetch).write_pdf()
    return result


def slip_response(item: WorkItem) -> HttpResponse:
    response = HttpResponse(slip_pdf(item), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="phieu-giai-quyet-{item.pk}.pdf"'
    return response
