"""Pages: the status board and its drill-downs, a person's own figures, processing times with
trend charts, and the Decree 30 reports (print-friendly pages, XLSX and PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, PermissionDenied
from eoffice.directory.models import Agency, Unit
from eoffice.documents import exports
from eoffice.documents.models import DocumentType
from eoffice.oversight import chases, policies, reports, selectors, stats
from eoffice.oversight import filters as filtering
from eoffice.oversight.filters import Filters
from eoffice.oversight.policies import Scope
from eoffice.work.statuses import ItemKind, Urgency
from eoffice.workcalendar.engine import LOCAL_TZ

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_KINDS = {
    "xu-ly-van-ban-den": ItemKind.INCOMING_DOCUMENT,
    "xu-ly-van-ban-di": ItemKind.OUTGOING_DRAFT,
}


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _scope(actor: Actor) -> Scope:
    try:
        return policies.board_scope(actor)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc


@dataclass(frozen=True)
class FilterError:
    """Why the query string's filters were refused, and which field: shown beside that field."""

    message: str = ""
    field: str = ""

    def __bool__(self) -> bool:
        return bool(self.message)


def _filters(request: HttpRequest, scope: Scope | None) -> tuple[Filters, FilterError]:
    """The filters of the query string, or the defaults with the reason they were refused."""
    today = timezone.localdate()
    try:
        return filtering.parse(request.GET, scope=scope, today=today), FilterError()
    except DomainError as exc:
        return filtering.parse({}, scope=scope, today=today), FilterError(exc.message, exc.field or "")


def _choices(scope: Scope | None) -> dict[str, Any]:
    agencies = Agency.objects.filter(pk__in=sorted(scope.agency_ids)).order_by("name") if scope else []
    units = Unit.objects.filter(agency_id__in=sorted(scope.agency_ids)) if scope else Unit.objects.none()
    if scope is not None and scope.unit_id:
        units = units.filter(pk=scope.unit_id)
    return {
        "agency_choices": agencies if scope and len(scope.agency_ids) > 1 else [],
        "unit_choices": units.order_by("agency_id", "name")[:500],
        "type_choices": DocumentType.objects.filter(is_active=True),
        "urgency_choices": Urgency.choices,
        "kind_choices": ItemKind.choices,
    }


def _render(request: HttpRequest, template: str, context: dict[str, Any], error: FilterError) -> HttpResponse:
    context["filter_error"] = error.message
    context["filter_error_field"] = error.field
    if error:
        # Show what was typed (not the defaults read instead), so the person can correct it.
        filters = context.get("filters")
        defaults = {"from": getattr(filters, "date_from", ""), "to": getattr(filters, "date_to", "")}
        for key, fallback in defaults.items():
            context[f"shown_{key}"] = (request.GET.get(key) or str(fallback))[:10]
    return render(request, template, context, status=422 if error else 200)


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    scope = _scope(actor)
    filters, error = _filters(request, scope)
    result = selectors.board(actor, filters, now=timezone.now())
    context = {
        "board": result,
        "filters": filters,
        "columns": selectors.COLUMNS,
        "query": urlencode(filters.query()),
        **_choices(scope),
    }
    return _render(request, "oversight/board.html", context, error)


def _page(request: HttpRequest, facts: Any) -> Any:
    """One page of lines, each with its reminder counts (đôn đốc) from the reminders seam."""
    page = Paginator(facts, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = chases.counts_by_line([fact.line_id for fact in page])
    for fact in page:
        fact.chases = sorted(counts.get(fact.line_id, {}).items())
    return page


def _lines(
    request: HttpRequest, filters: Filters, error: FilterError, *, back: str, row: str | None, read: Any
) -> HttpResponse:
    """A drill-down list: `read(column)` gives the lines behind one figure, or refuses the column."""
    column = request.GET.get("column", "")[:30]
    try:
        facts = read(column)
    except DomainError as exc:
        facts, error = selectors.LineFact.objects.none(), FilterError(exc.message, exc.field or "")
    extra = {"row": row} if row is not None else {}
    context = {
        "page": _page(request, facts),
        "filters": filters,
        "column": selectors.COLUMN_BY_SLUG.get(column),
        "back": back,
        "query": urlencode({**filters.query(), **extra, "column": column}),
        "board_query": urlencode(filters.query()),
    }
    return _render(request, "oversight/lines.html", context, error)


@login_required
@require_GET
def drill_down(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters, error = _filters(request, _scope(actor))
    row = request.GET.get("row", "all")[:60]

    def read(column: str) -> Any:
        return selectors.drill_down(actor, filters, row=row, column=column, now=timezone.now())

    return _lines(request, filters, error, back="oversight:board", row=row, read=read)


def _own_actor(request: HttpRequest) -> Actor:
    actor = _actor(request)
    if actor.position is None:
        raise DjangoPermissionDenied(str(PermissionDenied().message))
    return actor


@login_required
@require_GET
def my_figures(request: HttpRequest) -> HttpResponse:
    actor = _own_actor(request)
    filters, error = _filters(request, None)
    now = timezone.now()
    facts = selectors.own_facts(actor, filters)
    context = {
        "row": selectors.own_row(actor, filters, now=now),
        "figures": stats.figures(facts),
        "filters": filters,
        "columns": selectors.COLUMNS,
        "query": urlencode(filters.query()),
        **_choices(None),
    }
    return _render(request, "oversight/me.html", context, error)


@login_required
@require_GET
def my_lines(request: HttpRequest) -> HttpResponse:
    actor = _own_actor(request)
    filters, error = _filters(request, None)

    def read(column: str) -> Any:
        return selectors.own_drill_down(actor, filters, column=column, now=timezone.now())

    return _lines(request, filters, error, back="oversight:me", row=None, read=read)


def _chart(points: list[tuple[Any, stats.Figures]], by: str) -> dict[str, Any]:
    fmt = "%m/%Y" if by == "month" else "%d/%m/%Y"
    return {
        "labels": [bucket.astimezone(LOCAL_TZ).strftime(fmt) for bucket, _ in points],
        "handled": [f.handled for _, f in points],
        "on_time_rate": [
            round(100 * f.on_time_rate, 1) if f.on_time_rate is not None else None for _, f in points
        ],
        "median_hours": [
            round(f.median_seconds / 3600, 2) if f.median_seconds is not None else None for _, f in points
        ],
    }


@login_required
@require_GET
def times(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    scope = _scope(actor)
    filters, error = _filters(request, scope)
    by = "week" if request.GET.get("by") == "week" else "month"
    facts = selectors.scoped_facts(scope, filters)
    names = dict(Agency.objects.filter(pk__in=sorted(scope.agency_ids)).values_list("pk", "name"))
    whole_province = scope.province_wide and not filters.agency_id
    context = {
        "scope": scope,
        "filters": filters,
        "by": by,
        "total": stats.total(scope.agency_ids, filters, scope.unit_id),
        # Province-wide: agencies are ranked; units and people are listed once an agency is chosen
        # (thousands of rows otherwise, each with its own medians).
        "ranking": stats.ranking(scope.agency_ids, filters, names) if whole_province else [],
        "whole_province": whole_province,
        "chart": _chart(stats.scope_trend(scope.agency_ids, filters, scope.unit_id, by=by), by),
        "query": urlencode(filters.query()),
        **_choices(scope),
    }
    if not whole_province:
        units = dict(Unit.objects.filter(agency_id__in=sorted(scope.agency_ids)).values_list("pk", "name"))
        people_figures = stats.grouped_figures(facts.filter(user_id__isnull=False), "user_id")
        unit_figures = stats.grouped_figures(facts.filter(unit_id__isnull=False), "unit_id")
        people = selectors.user_names(list(people_figures))
        context["units"] = sorted(
            ((units.get(k, "?"), f) for k, f in unit_figures.items()), key=lambda p: p[0]
        )
        context["people"] = sorted(
            ((people.get(k, "?"), f) for k, f in people_figures.items()), key=lambda p: p[0]
        )
    return _render(request, "oversight/times.html", context, error)


def _report(actor: Actor, slug: str, filters: Filters) -> reports.Report:
    now = timezone.now()
    if slug in REPORT_KINDS:
        return reports.processing_report(actor, filters, kind=REPORT_KINDS[slug], now=now)
    if slug == "so-theo-doi-giai-quyet":
        return reports.follow_up_report(actor, filters, now=now)
    raise Http404


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    scope = _scope(actor)
    filters, error = _filters(request, scope)
    context = {"filters": filters, "query": urlencode(filters.query()), **_choices(scope)}
    return _render(request, "oversight/reports.html", context, error)


@login_required
@require_GET
def report(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _actor(request)
    scope = _scope(actor)
    filters, error = _filters(request, scope)
    if not error:
        try:
            built = _report(actor, slug, filters)
        except DomainError as exc:
            error = FilterError(exc.message, exc.field or "")
    if error:
        context = {"filters": filters, "query": urlencode(filters.query()), **_choices(scope)}
        return _render(request, "oversight/reports.html", context, error)
    fmt = request.GET.get("format", "")
    base = f"{built.slug}-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}"
    if fmt == "xlsx":
        data = exports.to_xlsx(built, columns=built.columns, widths=built.widths, sheet_title="Bao cao")
        response = HttpResponse(data, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{base}.xlsx"'
        return response
    if fmt == "pdf":
        data = exports.to_pdf(
            built,
            columns=built.columns,
            widths=built.widths,
            numeric_columns=built.numeric_columns,
            empty_text="Không có số liệu.",
        )
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{base}.pdf"'
        return response
    context = {"report": built, "query": urlencode(filters.query())}
    return render(request, "oversight/report_print.html", context)
