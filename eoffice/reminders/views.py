"""The reminders of one line, and the form to send one (for those who may chase it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, PermissionDenied
from eoffice.reminders import selectors, services
from eoffice.reminders.models import ReminderType
from eoffice.reminders.policies import may_remind
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
    error, values = "", {"type": ReminderType.NHAC_NHO.value, "message": ""}
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
        "types": ReminderType.choices,
        "values": values,
        "error": error,
    }
    return render(request, "reminders/line.html", context, status=422 if error else 200)
