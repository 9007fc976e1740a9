"""Pages: the work box (hộp việc), the item page with its timeline and action forms, the slip PDF.

Views parse input, call one selector or service and render; a refused action comes back as a
Vietnamese message on the item page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, NotFound
from eoffice.core.redirects import local_target
from eoffice.work import candidates, pdf, policies, selectors, services, subjects, timeline
from eoffice.work.forms import (
    AssignForm,
    BoxFilterForm,
    DecideForm,
    ExtensionForm,
    NoteForm,
    OpinionForm,
    PresentForm,
    ReasonForm,
)
from eoffice.work.models import AssignmentLine, ExtensionRequest
from eoffice.work.services import Upload
from eoffice.work.statuses import OPEN_STATUSES, LineAction, LineRole

PAGE_SIZE = 25


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _box_state(request: HttpRequest) -> tuple[BoxFilterForm, selectors.BoxFilters, str, str]:
    form = BoxFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    if request.GET and not form.is_valid():
        messages.error(request, _("Bộ lọc không hợp lệ, đang hiển thị mặc định."))
    filters = selectors.BoxFilters(
        q=data.get("q") or "",
        kind=data.get("kind") or "",
        urgency=data.get("urgency") or "",
        role=data.get("role") or "",
        sort=data.get("sort") or "-assigned_at",
        window_hours=data.get("window"),
    )
    return form, filters, data.get("box") or "cho_xu_ly", data.get("cursor") or ""


@login_required
@require_GET
def boxes(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form, filters, box, cursor = _box_state(request)
    try:
        counts = selectors.box_counts(actor, window_hours=filters.window_hours)
        page = selectors.box_page(actor, box, filters, cursor=cursor, limit=PAGE_SIZE)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("work:boxes")
    now = timezone.now()
    for line in page.lines:
        # Shown in red in the list; the boxes themselves are computed by the selector.
        line.is_overdue = bool(  # type: ignore[attr-defined]
            line.deadline and line.deadline < now and line.status in OPEN_STATUSES
        )
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "form": form,
        "boxes": [(b, counts[b.slug]) for b in selectors.BOXES],
        "box": box,
        "box_label": selectors.BOX_BY_SLUG[box].label,
        "page": page,
        "query": query.urlencode(),
        "base_query": "&".join(f"{k}={v}" for k, v in query.items() if k != "box"),
        "has_position": actor.position is not None,
    }
    # "Xem thêm" asks for the next rows only; the whole page otherwise.
    template = "work/_box_rows.html" if request.htmx and cursor else "work/boxes.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _back(request: HttpRequest, fallback: str) -> str:
    return local_target(request, request.POST.get("next"), fallback)


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    back = _back(request, reverse("work:boxes"))
    try:
        ids = [int(x) for x in request.POST.getlist("line")][: services.bulk.MAX_BULK + 1]
    except ValueError:
        messages.error(request, _("Danh sách dòng chọn không hợp lệ."))
        return redirect(back)
    try:
        outcomes = services.lines_bulk(
            action=request.POST.get("action", ""), line_ids=ids, actor=_actor(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    done = sum(1 for o in outcomes if o.ok)
    if done:
        messages.success(
            request,
            ngettext("Đã thực hiện cho %(done)s dòng.", "Đã thực hiện cho %(done)s dòng.", done)
            % {"done": done},
        )
    for outcome in outcomes:
        if not outcome.ok:
            messages.warning(
                request,
                _("Dòng %(line)s: %(message)s") % {"line": outcome.line_id, "message": outcome.message},
            )
    return redirect(back)


def _item_context(request: HttpRequest, item_id: int) -> dict[str, Any]:
    actor = _actor(request)
    item = selectors.item_for(actor, item_id)
    services.lines_open(item=item, actor=actor)
    rows = timeline.timeline(item, actor)
    forward_forms = {
        row.line.pk: AssignForm(
            options=candidates.assignees(actor, item, row.line),
            prefix=f"f{row.line.pk}",
            info_only=row.line.role == LineRole.INFO,
        )
        for row in rows
        if LineAction.FORWARD in row.actions
    }
    manages = policies.manages_item(actor, item)
    has_top_lead = any(
        r.line.level_key == 0 and r.line.role == LineRole.LEAD and not r.line.is_gone for r in rows
    )
    return {
        "item": item,
        "rows": rows,
        "opinions": timeline.opinions(item),
        "forward_forms": forward_forms,
        "present_form": PresentForm(options=candidates.leaders(item))
        if manages and not has_top_lead
        else None,
        "assign_form": AssignForm(options=candidates.assignees(actor, item, None), prefix="top")
        if manages
        else None,
        "subject_url": subjects.subject_url(item, actor),
        "subject_facts": subjects.subject_facts(item),
        "reason_form": ReasonForm(),
        "opinion_form": OpinionForm(),
        "extension_form": ExtensionForm(),
        "decide_form": DecideForm(),
    }


@login_required
@require_GET
def item_page(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        context = _item_context(request, item_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "work/item.html", context)


@login_required
@require_GET
def item_slip(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        item = selectors.item_for(_actor(request), item_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return pdf.slip_response(item)


def _run(request: HttpRequest, item_id: int, call: Any, success: str) -> HttpResponse:
    try:
        call()
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    # A form on the subject's page (the document) sends `next` to come back there.
    return redirect(_back(request, reverse("work:item", args=[item_id])))


def _form_error(request: HttpRequest, form: Any, item_id: int) -> HttpResponse:
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    messages.error(request, _("Dữ liệu chưa hợp lệ: %(errors)s") % {"errors": "; ".join(errors)})
    return redirect(_back(request, reverse("work:item", args=[item_id])))


@login_required
@require_POST
def item_present(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        item = selectors.item_for(actor, item_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = PresentForm(request.POST, options=candidates.leaders(item))
    if not form.is_valid():
        return _form_error(request, form, item_id)
    data = form.cleaned_data
    return _run(
        request,
        item_id,
        lambda: services.item_present(
            item=item, leader_id=int(data["leader"]), note=data["note"], deadline=form.deadline(), actor=actor
        ),
        _("Đã trình lãnh đạo."),
    )


@login_required
@require_POST
def item_assign(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        item = selectors.item_for(actor, item_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = AssignForm(request.POST, options=candidates.assignees(actor, item, None), prefix="top")
    if not form.is_valid():
        return _form_error(request, form, item_id)
    return _run(
        request,
        item_id,
        lambda: services.lines_assign(
            item=item, specs=form.specs(), direction=form.cleaned_data["direction"], actor=actor
        ),
        _("Đã phân xử lý."),
    )


def _line(request: HttpRequest, line_id: int) -> AssignmentLine:
    try:
        return selectors.line_for(_actor(request), line_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_POST
def line_action(request: HttpRequest, line_id: int, action: str) -> HttpResponse:
    actor = _actor(request)
    line = _line(request, line_id)
    simple = {
        "receive": (services.line_receive, _("Đã tiếp nhận.")),
        "start": (services.line_start, _("Đã chuyển sang đang xử lý.")),
    }
    if action in simple:
        service, text = simple[action]
        return _run(request, line.item_id, lambda: service(line=line, actor=actor), text)
    if action in ("complete", "recall"):
        note_form = NoteForm(request.POST)
        note = note_form.cleaned_data["note"] if note_form.is_valid() else ""
        if action == "complete":
            return _run(
                request,
                line.item_id,
                lambda: services.line_complete(line=line, note=note, actor=actor),
                _("Đã hoàn thành."),
            )
        return _run(
            request,
            line.item_id,
            lambda: services.line_recall(line=line, note=note, actor=actor),
            _("Đã thu hồi."),
        )
    if action == "return":
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return _form_error(request, form, line.item_id)
        reason = form.cleaned_data["reason"]
        return _run(
            request,
            line.item_id,
            lambda: services.line_return(line=line, reason=reason, actor=actor),
            _("Đã trả lại."),
        )
    raise Http404(_("Không có thao tác này."))


@login_required
@require_POST
def line_forward(request: HttpRequest, line_id: int) -> HttpResponse:
    actor = _actor(request)
    line = _line(request, line_id)
    if not policies.holds_line(actor, line):
        raise DjangoPermissionDenied(_("Bạn không giữ dòng xử lý này."))
    form = AssignForm(
        request.POST,
        options=candidates.assignees(actor, line.item, line),
        prefix=f"f{line.pk}",
        info_only=line.role == LineRole.INFO,
    )
    if not form.is_valid():
        return _form_error(request, form, line.item_id)
    return _run(
        request,
        line.item_id,
        lambda: services.line_forward(
            line=line, specs=form.specs(), direction=form.cleaned_data["direction"], actor=actor
        ),
        _("Đã chuyển xử lý."),
    )


@login_required
@require_POST
def line_opinion(request: HttpRequest, line_id: int) -> HttpResponse:
    actor = _actor(request)
    line = _line(request, line_id)
    form = OpinionForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form, line.item_id)
    uploads = [Upload(name=f.name or "", content=f, size=f.size or 0) for f in request.FILES.getlist("files")]
    data = form.cleaned_data
    return _run(
        request,
        line.item_id,
        lambda: services.opinion_add(
            line=line, text=data["text"], kind=data["kind"], files=uploads, actor=actor
        ),
        _("Đã ghi ý kiến."),
    )


@login_required
@require_POST
def line_extension(request: HttpRequest, line_id: int) -> HttpResponse:
    actor = _actor(request)
    line = _line(request, line_id)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form, line.item_id)
    return _run(
        request,
        line.item_id,
        lambda: services.extension_request(
            line=line, proposed_deadline=form.proposed(), reason=form.cleaned_data["reason"], actor=actor
        ),
        _("Đã gửi đề nghị gia hạn."),
    )


@login_required
@require_POST
def extension_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = _actor(request)
    found = ExtensionRequest.objects.filter(pk=request_id).first()
    if found is None:
        raise Http404(_("Không tìm thấy đề nghị gia hạn."))
    line = _line(request, found.line_id)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form, line.item_id)
    data = form.cleaned_data
    return _run(
        request,
        line.item_id,
        lambda: services.extension_decide(
            request=found, approve=data["approve"], note=data["note"], actor=actor
        ),
        _("Đã xử lý đề nghị gia hạn."),
    )
