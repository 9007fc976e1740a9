"""Pages that hand a registered document to the work engine: present to a leader, route by the
standing rules, propose a reply; and the agency's routing-rules page (type or field → unit).

The lines themselves (receive, assign, forward, complete…) are acted on from the work item page or
from the buttons on the document page, which post to the work engine's views and come back here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eoffice.core.errors import DomainError, PermissionDenied
from eoffice.core.forms import show_domain_error
from eoffice.directory.models import Unit
from eoffice.documents import handling, services
from eoffice.documents.forms import ReplyProposalForm, RoutingRuleForm
from eoffice.documents.models import DocumentType
from eoffice.documents.views import _actor, _document_or_404
from eoffice.work import candidates
from eoffice.work import policies as work_policies
from eoffice.work import selectors as work_selectors
from eoffice.work import services as work_services
from eoffice.work.forms import PresentForm
from eoffice.work.statuses import LineRole


def _form_errors(request: HttpRequest, form: PresentForm | ReplyProposalForm) -> None:
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    messages.error(request, _("Dữ liệu chưa hợp lệ: ") + "; ".join(errors))


@login_required
@require_POST
def present(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document_or_404(request, document_id)
    item = handling.item_of(document)
    if item is None:
        messages.error(request, _("Văn bản chưa vào sổ nên chưa thể trình lãnh đạo."))
        return redirect("documents:detail", document_id=document.pk)
    form = PresentForm(request.POST, options=candidates.leaders(item))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("documents:detail", document_id=document.pk)
    try:
        services.document_present(
            actor=_actor(request),
            document=document,
            leader_id=int(form.cleaned_data["leader"]),
            note=form.cleaned_data["note"],
            deadline=form.deadline(),
        )
    except DomainError as error:
        show_domain_error(request, error)
    else:
        messages.success(request, _("Đã trình lãnh đạo."))
    return redirect("documents:detail", document_id=document.pk)


@login_required
@require_POST
def route(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document_or_404(request, document_id)
    try:
        lines = services.document_route(actor=_actor(request), document=document)
    except DomainError as error:
        show_domain_error(request, error)
    else:
        names = ", ".join(line.assignee_label for line in lines)
        messages.success(request, _("Đã chuyển xử lý theo quy tắc đến: %(names)s.") % {"names": names})
    return redirect("documents:detail", document_id=document.pk)


@login_required
@require_POST
def propose_reply(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document_or_404(request, document_id)
    form = ReplyProposalForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("documents:detail", document_id=document.pk)
    try:
        services.document_propose_reply(
            actor=_actor(request), document=document, text=form.cleaned_data["text"]
        )
    except DomainError as error:
        show_domain_error(request, error)
    else:
        messages.success(request, _("Đã ghi đề xuất văn bản trả lời."))
    return redirect("documents:detail", document_id=document.pk)


def _rule_label(key: str, types: dict[str, str]) -> str:
    kind, _sep, value = key.partition(":")
    if kind == "type":
        return _("Loại văn bản: %(name)s") % {"name": types.get(value, value)}
    if kind == "field":
        return _("Lĩnh vực: %(name)s") % {"name": value}
    return key


@login_required
@require_http_methods(["GET", "POST"])
def routing_rules(request: HttpRequest) -> HttpResponse:
    """Quy tắc chuyển xử lý: the văn thư and the agency's administrator keep them."""
    actor = _actor(request)
    position = actor.position
    if position is None or not work_policies.manages_rules(actor, position.agency_id):
        raise DjangoPermissionDenied(
            _("Chỉ văn thư hoặc quản trị cơ quan được xem và đặt quy tắc chuyển xử lý.")
        )
    units = Unit.objects.filter(agency_id=position.agency_id, is_active=True).order_by("sort_order", "name")
    form = RoutingRuleForm(request.POST or None, units=units, roles=list(LineRole.choices))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            work_services.routing_rule_create(
                agency=position.agency,
                key=form.key(),
                unit_id=data["unit"].pk,
                role=data["role"],
                due_working_days=data["due_working_days"],
                actor=actor,
            )
        except DomainError as error:
            if isinstance(error, PermissionDenied):
                raise DjangoPermissionDenied(error.message) from error
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Đã thêm quy tắc chuyển xử lý."))
            return redirect("documents:routing_rules")
    types = dict(DocumentType.objects.values_list("code", "name"))
    rules = [(rule, _rule_label(rule.key, types)) for rule in work_selectors.routing_rules(actor)]
    return render(
        request,
        "documents/routing_rules.html",
        {"form": form, "rules": rules, "can_manage": work_policies.manages_rules(actor, position.agency_id)},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def routing_rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    actor = _actor(request)
    rule = work_selectors.routing_rules(actor).filter(pk=rule_id).first()
    if rule is None:
        messages.error(request, _("Không tìm thấy quy tắc chuyển xử lý."))
        return redirect("documents:routing_rules")
    try:
        work_services.routing_rule_delete(rule=rule, actor=actor)
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
    messages.success(request, _("Đã xóa quy tắc chuyển xử lý."))
    return redirect("documents:routing_rules")
