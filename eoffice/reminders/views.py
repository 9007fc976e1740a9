"""The reminders of one line, and the form to send one (for those who may chase it); the agency
admin's automatic reminder schedule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, PermissionDenied
from eoffice.directory.models import Agency
from eoffice.directory.selectors import agencies_administered_by
from eoffice.reminders import selectors, services
from eoffice.reminders.models import MANUAL_TYPES, EscalateTo
from eoffice.reminders.policies import may_remind
from eoffice.reminders.schedule import MAX_ESCALATE_DAYS, MAX_HOURS_BEFORE, Schedule
from eoffice.work.models import AssignmentLine
from eoffice.work.policies import holds_line


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def line_reminders(request: HttpRequest, line_id: int) -> HttpResponse:
    actor = _actor(request)
    line = get_object_or_404(
        AssignmentLine.objects.select_related("item", "assignee_agency", "assignee_user", "assignee_unit"),
        pk=line_id,
    )
    allowed = may_remind(actor, line)
    if not allowed and not holds_line(actor, line):
        raise DjangoPermissionDenied(_("Bạn không được xem đôn đốc của dòng xử lý này."))
    error, values = "", {"type": MANUAL_TYPES[0].value, "message": ""}
    if request.method == "POST":
        values = {"type": request.POST.get("type", ""), "message": request.POST.get("message", "")}
        try:
            reminder = services.reminder_send(
                actor=actor, line=line, type=values["type"], message=values["message"]
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("Đã gửi %(type)s (lần %(n)s).")
                % {"type": reminder.get_type_display(), "n": reminder.ordinal},
            )
            return redirect("reminders:line", line_id=line.pk)
    context = {
        "line": line,
        "may_remind": allowed,
        "reminders": list(selectors.reminders_of_line(line)),
        "types": [(t.value, t.label) for t in MANUAL_TYPES],
        "values": values,
        "error": error,
    }
    return render(request, "reminders/line.html", context, status=422 if error else 200)


def _int(raw: str | None) -> int:
    """A whole number from the form; anything else becomes -1, which the service refuses with its message."""
    try:
        return int((raw or "").strip())
    except ValueError:
        return -1


def _agency(request: HttpRequest, actor: Actor) -> Agency:
    raw = request.GET.get("agency", "")
    if raw:
        found = Agency.objects.filter(pk=_int(raw)).first() if raw.isdigit() else None
    else:
        found = actor.position.agency if actor.position is not None else None
    if found is None:
        raise Http404(_("Không tìm thấy cơ quan."))
    return found


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest) -> HttpResponse:
    """Đôn đốc tự động: the agency admin's schedule (defaults until the agency sets its own)."""
    actor = _actor(request)
    if not request.GET.get("agency") and actor.is_superuser:
        # A system admin acts for no agency: they choose the one whose schedule to set.
        query = request.GET.get("q", "")[:200]
        agencies = agencies_administered_by(actor, query, limit=50)
        return render(request, "reminders/pick_agency.html", {"query": query, "agencies": agencies})
    agency = _agency(request, actor)
    try:
        schedule, row = selectors.reminder_policy_of(actor=actor, agency=agency)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.POST
        schedule = Schedule(
            enabled=form.get("enabled") == "on",
            hours_before=_int(form.get("hours_before")),
            on_due_day=form.get("on_due_day") == "on",
            daily_overdue=form.get("daily_overdue") == "on",
            escalate_after_days=_int(form.get("escalate_after_days")),
            escalate_to=form.get("escalate_to", "")[:20],
        )
        try:
            services.reminder_policy_set(actor=actor, agency=agency, schedule=schedule)
        except DomainError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            messages.success(request, _("Đã lưu cấu hình đôn đốc tự động."))
            return redirect(f"{reverse('reminders:policy')}?agency={agency.pk}")
    context = {
        "agency": agency,
        "may_pick": actor.is_superuser,
        "schedule": schedule,
        "row": row,
        "errors": errors,
        "targets": EscalateTo.choices,
        "max_hours": MAX_HOURS_BEFORE,
        "max_days": MAX_ESCALATE_DAYS,
    }
    return render(request, "reminders/policy.html", context, status=422 if errors else 200)
