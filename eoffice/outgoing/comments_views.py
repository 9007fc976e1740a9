"""Pages of comment rounds (lấy ý kiến): the section on the draft page, the round page where an
invitee answers and the requester extends, closes and exports, and the answer files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, NotFound
from eoffice.core.forms import show_domain_error
from eoffice.documents.downloads import file_response
from eoffice.documents.models import DocumentFile
from eoffice.documents.uploads import read_parts
from eoffice.outgoing import comments, comments_export, comments_policies, comments_selectors, selectors
from eoffice.outgoing.comments_forms import AnswerForm, ExtendForm, StartForm, deadline_of, parse_invitees
from eoffice.outgoing.models import CommentRound, Draft, RoundStatus


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _round_or_404(request: HttpRequest, round_id: int) -> CommentRound:
    try:
        return comments_selectors.round_get(actor=_actor(request), round_id=round_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _start_form(actor: Actor, draft: Draft, data: Any = None) -> StartForm:
    me = (actor.on_behalf_of or actor.user).pk if actor.user is not None else None
    return StartForm(data, agency=draft.agency, exclude_user_id=me)


def section_context(actor: Actor, draft: Draft) -> dict[str, Any]:
    """What the "Lấy ý kiến" section of the draft page shows to this actor."""
    can_start = comments_policies.may_request(actor, draft) and draft.status in comments.COMMENTABLE
    rounds = comments_selectors.rounds_of_draft(actor=actor, draft=draft)
    return {
        "comment_rounds": rounds,
        "comment_start_form": _start_form(actor, draft) if can_start else None,
        "comment_round_open": any(r.round.is_open for r in rounds),
    }


@login_required
@require_POST
def comment_start(request: HttpRequest, draft_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        draft = selectors.draft_get(actor=actor, draft_id=draft_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = _start_form(actor, draft, request.POST)
    if form.is_valid():
        try:
            comment_round = comments.comment_round_start(
                actor=actor,
                draft=draft,
                invitees=parse_invitees(form.cleaned_data["invitees"]),
                deadline=deadline_of(form.cleaned_data),
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            show_domain_error(request, error)
        else:
            messages.success(request, _("Đã gửi xin ý kiến (lần %(n)s).") % {"n": comment_round.number})
            return redirect("outgoing:comment_round", round_id=comment_round.pk)
    else:
        messages.error(request, _("Hãy chọn người hoặc đơn vị và nhập hạn trả lời hợp lệ."))
    return redirect("outgoing:draft", draft_id=draft.pk)


def _answer(request: HttpRequest, comment_round: CommentRound, form: AnswerForm) -> bool:
    try:
        files = read_parts(request.FILES.getlist("attachments"), field="files")
        comments.comment_answer(
            actor=_actor(request),
            comment_round=comment_round,
            verdict=form.cleaned_data["verdict"],
            text=form.cleaned_data["text"],
            files=files,
        )
    except DomainError as error:
        if error.field == "files":  # the service's name for the form's attachments
            error.field = "attachments"
        show_domain_error(request, error, form)
        return False
    messages.success(request, _("Đã gửi ý kiến."))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def comment_round(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round: an invitee answers here; the requester's side sees every answer."""
    actor = _actor(request)
    found = _round_or_404(request, round_id)
    form = AnswerForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and _answer(request, found, form):
            return redirect("outgoing:comment_round", round_id=found.pk)
        status = 422
    view = comments_selectors.round_view(actor=actor, comment_round=found)
    manages = comments_policies.may_manage_round(actor, found) and found.status == RoundStatus.OPEN
    context = {
        "view": view,
        "comment_round": found,
        "form": form if view.mine is not None and found.is_open else None,
        "extend_form": ExtendForm() if manages else None,
        "manages": manages,
        "extensions": found.extensions.select_related("extended_by"),
    }
    return render(request, "outgoing/comments/round.html", context, status=status)


@login_required
@require_POST
def comment_extend(request: HttpRequest, round_id: int) -> HttpResponse:
    found = _round_or_404(request, round_id)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy nhập hạn mới và lý do gia hạn."))
        return redirect("outgoing:comment_round", round_id=found.pk)
    try:
        comments.comment_round_extend(
            actor=_actor(request),
            comment_round=found,
            new_deadline=deadline_of(form.cleaned_data),
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        show_domain_error(request, error)
    else:
        messages.success(request, _("Đã gia hạn trả lời ý kiến."))
    return redirect("outgoing:comment_round", round_id=found.pk)


@login_required
@require_POST
def comment_close(request: HttpRequest, round_id: int) -> HttpResponse:
    found = _round_or_404(request, round_id)
    try:
        comments.comment_round_close(actor=_actor(request), comment_round=found)
    except DomainError as error:
        show_domain_error(request, error)
    else:
        messages.success(request, _("Đã kết thúc lấy ý kiến."))
    return redirect("outgoing:comment_round", round_id=found.pk)


@login_required
@require_GET
def comment_export(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = _actor(request)
    found = _round_or_404(request, round_id)
    view = comments_selectors.round_view(actor=actor, comment_round=found)
    if not view.sees_all:
        raise Http404(_("Không tìm thấy đợt lấy ý kiến."))
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "pdf"):
        raise Http404(_("Định dạng không hợp lệ."))
    return comments_export.response(view, fmt)


@login_required
@require_GET
def comment_file(request: HttpRequest, round_id: int, file_id: int) -> FileResponse:
    try:
        found = comments_selectors.answer_file_get(actor=_actor(request), round_id=round_id, file_id=file_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    # The shared responder only reads the blob and the name; it sets the safe headers.
    return file_response(DocumentFile(stored_file=found.stored_file, file_name=found.file_name))
