from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from eoffice.people.acting import SESSION_KEY, acting_choices


@login_required
@require_POST
def switch_position(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("acting_as", "")
    if any(choice.key == wanted for choice in acting_choices(request.user)):
        request.session[SESSION_KEY] = wanted
    else:
        messages.error(request, "Chức vụ đã chọn không hợp lệ hoặc đã hết hiệu lực.")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
