"""Pages: update (cập nhật) of a released document, and the recipient's answer to an update or a
replacement (15/16)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eoffice.core.errors import DomainError, NotFound
from eoffice.core.forms import show_domain_error
from eoffice.documents.policies import is_clerk as is_incoming_clerk
from eoffice.documents.uploads import read_parts
from eoffice.outgoing import amend, amend_selectors, policies, services
from eoffice.outgoing.amend_forms import UpdateForm
from eoffice.outgoing.models import AmendmentKind, AnswerStatus, DraftStatus, DraftVersion
from eoffice.outgoing.views import _actor, _draft_or_404


@login_required
@require_http_methods(["GET", "POST"])
def draft_update(request: HttpRequest, draft_id: int) -> HttpResponse:
    actor = _actor(request)
    draft = _draft_or_404(request, draft_id)
    if not policies.is_clerk(actor, draft.agency) or draft.status != DraftStatus.RELEASED:
        raise DjangoPermissionDenied(_("Chỉ văn thư của cơ quan mới được cập nhật văn bản đã phát hành."))
    version = draft.current_version
    assert version is not None
    initial = {"subject": version.subject, "urgency": version.urgency, "due_date": version.due_date}
    form = UpdateForm(request.POST or None, request.FILES or None, agency=draft.agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            amend.draft_update(
                actor=actor,
                draft=draft,
                data=amend.UpdateInput(
                    reason=data["reason"],
                    subject=data["subject"],
                    urgency=data["urgency"],
                    due_date=data["due_date"],
                    add_recipient_ids=[a.pk for a in data["add_recipients"]],
                    attachments=read_parts(request.FILES.getlist("attachments"), field="attachments"),
                ),
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("Đã cập nhật văn bản; đang chờ các nơi nhận xác nhận."))
            return redirect("outgoing:draft", draft_id=draft.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "outgoing/update.html", {"form": form, "draft": draft}, status=status)


def _changes(version: DraftVersion | None) -> list[tuple[str, str, str, bool]]:
    if version is None:
        return []
    previous = DraftVersion.objects.filter(draft_id=version.draft_id, number=version.number - 1).first()
    if previous is None:
        return []
    return [row for row in services.compare_versions(previous, version).rows if row[3]]


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, answer_id: int) -> HttpResponse:
    """The recipient văn thư accepts (15) or refuses (16, with a reason) an update or replacement."""
    actor = _actor(request)
    try:
        found = amend_selectors.answer_get(actor=actor, answer_id=answer_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    may_answer = is_incoming_clerk(actor, found.delivery.agency) and found.status == AnswerStatus.PENDING
    if request.method == "POST":
        if not may_answer:
            raise DjangoPermissionDenied(_("Chỉ văn thư của cơ quan nhận mới được trả lời yêu cầu này."))
        try:
            if request.POST.get("answer") == "accept":
                amend.amendment_answer_accept(actor=actor, answer=found)
            else:
                amend.amendment_answer_refuse(
                    actor=actor, answer=found, reason=request.POST.get("reason", "")[:2001]
                )
        except DomainError as error:
            show_domain_error(request, error)
        else:
            messages.success(request, _("Đã trả lời yêu cầu của cơ quan ban hành."))
            incoming = found.delivery.incoming_id
            return (
                redirect("documents:detail", document_id=incoming)
                if incoming
                else redirect("documents:incoming")
            )
    amendment = found.amendment
    context = {
        "answer": found,
        "amendment": amendment,
        "by_label": amend_selectors.draft_label(amendment.by_draft) if amendment.by_draft else "",
        "changes": _changes(amendment.version) if amendment.kind == AmendmentKind.UPDATE else [],
        "may_answer": may_answer,
    }
    return render(request, "outgoing/answer.html", context, status=422 if request.method == "POST" else 200)
