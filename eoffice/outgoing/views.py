"""Pages: my drafts, new draft, draft (versions, compare, files), numbering box, registers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, NotFound
from eoffice.core.forms import show_domain_error
from eoffice.documents.downloads import file_response
from eoffice.documents.models import DocumentFile
from eoffice.documents.uploads import read_parts
from eoffice.outgoing import (
    amend_selectors,
    approval,
    comments_views,
    exports,
    numbering,
    policies,
    recall,
    release,
    selectors,
    services,
    signing_views,
)
from eoffice.outgoing.forms import (
    AdvisoryBodyForm,
    DraftForm,
    ExportForm,
    NumberForm,
    ReserveForm,
    RuleForm,
    initial_from,
)
from eoffice.outgoing.models import (
    EDITABLE_STATUSES,
    Delivery,
    DeliveryStatus,
    Draft,
    DraftFile,
    DraftStatus,
    NumberingRule,
    OutgoingNumber,
    StepKind,
    StepRun,
)
from eoffice.outgoing.signatures import version_signatures


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _draft_or_404(request: HttpRequest, draft_id: int) -> Draft:
    try:
        return selectors.draft_get(actor=_actor(request), draft_id=draft_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _acting_agency(request: HttpRequest) -> Any:
    actor = _actor(request)
    if actor.position is None:
        raise DjangoPermissionDenied(_("Bạn cần chọn một chức vụ để làm việc với văn bản đi."))
    return actor.position.agency


@login_required
@require_GET
def my_drafts(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    page = Paginator(selectors.my_drafts(actor=actor), 25).get_page(request.GET.get("page"))
    # Drafting needs a post (the draft belongs to its agency): no button that would be refused.
    return render(request, "outgoing/my_drafts.html", {"page": page, "may_draft": actor.position is not None})


def _input_from(request: HttpRequest, form: DraftForm, *, revising: bool) -> services.DraftInput:
    data = form.cleaned_data
    main = read_parts(request.FILES.getlist("main_file"), field="main_file")
    attachments = read_parts(request.FILES.getlist("attachments"), field="attachments")
    return services.DraftInput(
        document_type_id=data["document_type"].pk,
        subject=data["subject"],
        signer_id=data["signer"].pk if data["signer"] else None,
        signer_competence=data["signer_competence"] or "",
        urgency=data["urgency"],
        secrecy=data["secrecy"],
        due_date=data["due_date"],
        advisory_body_id=data["advisory_body"].pk if data["advisory_body"] else None,
        reply_to_id=data["reply_to_id"],
        replaces_id=data["replaces_id"],
        replaces_draft_id=data["replaces_draft_id"],
        corrects_draft_id=data["corrects_draft_id"],
        recipient_ids=[agency.pk for agency in data["recipients"]],
        recipient_lines=data["recipient_lines"],
        note=data["note"],
        main=main[0] if main else None,
        # On a revision, no new attachment keeps the previous ones.
        attachments=attachments if (attachments or not revising) else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    agency = _acting_agency(request)
    if not policies.may_draft(actor, agency):
        raise DjangoPermissionDenied(_("Chỉ người có chức vụ trong cơ quan mới được soạn văn bản đi."))
    initial = (
        {"reply_to_id": request.GET.get("reply_to")} if request.GET.get("reply_to", "").isdigit() else {}
    )
    form = DraftForm(request.POST or None, request.FILES or None, agency=agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.draft_create(actor=actor, data=_input_from(request, form, revising=False))
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("Đã lưu dự thảo (phiên bản 1)."))
            return redirect("outgoing:draft", draft_id=draft.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "outgoing/draft_form.html", {"form": form, "draft": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, draft_id: int) -> HttpResponse:
    actor = _actor(request)
    draft = _draft_or_404(request, draft_id)
    if not policies.may_revise(actor, draft) or draft.status not in EDITABLE_STATUSES:
        raise DjangoPermissionDenied(_("Chỉ người soạn thảo mới được sửa dự thảo đang soạn."))
    assert draft.current_version is not None
    form = DraftForm(
        request.POST or None,
        request.FILES or None,
        agency=draft.agency,
        initial=initial_from(draft.current_version),
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.draft_revise(
                actor=actor, draft=draft, data=_input_from(request, form, revising=True)
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("Đã lưu phiên bản %(number)s.") % {"number": version.number})
            return redirect("outgoing:draft", draft_id=draft.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "outgoing/draft_form.html", {"form": form, "draft": draft}, status=status)


@login_required
@require_GET
def draft_detail(request: HttpRequest, draft_id: int) -> HttpResponse:
    actor = _actor(request)
    draft = _draft_or_404(request, draft_id)
    assert draft.current_version is not None
    version = selectors.version_get(actor=actor, draft=draft, number=draft.current_version.number)
    number = OutgoingNumber.objects.filter(draft=draft).select_related("series").first()
    can_number = policies.is_clerk(actor, draft.agency) and draft.status in (
        DraftStatus.DRAFTING,
        DraftStatus.APPROVED,
    )
    pending = approval.pending_step(draft)
    holder = actor.on_behalf_of or actor.user
    context = {
        "draft": draft,
        "version": version,
        "facts": services.version_facts(version),
        "files": version.files.select_related("stored_file"),
        "versions": selectors.versions(draft=draft),
        "number": number,
        "can_edit": policies.may_revise(actor, draft) and draft.status in EDITABLE_STATUSES,
        "tracks": amend_selectors.tracks(draft),
        "amendments": amend_selectors.amendments_of(draft),
        "amended_by": amend_selectors.amended_by_this(draft),
        "can_update": policies.is_clerk(actor, draft.agency) and draft.status == DraftStatus.RELEASED,
        "signatures": version_signatures(version),
        "can_release": policies.is_clerk(actor, draft.agency) and draft.status == DraftStatus.NUMBERED,
        "can_recall": policies.is_clerk(actor, draft.agency) and draft.status == DraftStatus.RELEASED,
        "runs": StepRun.objects.filter(draft=draft).select_related("line__assignee_user", "version"),
        "pending": pending,
        "acts_on_step": pending is not None
        and holder is not None
        and pending.line.assignee_user_id == holder.pk,
        "number_form": NumberForm(reserved=selectors.reserved_numbers(actor=actor, agency=draft.agency))
        if can_number
        else None,
    }
    context.update(comments_views.section_context(actor, draft))
    on_sign_step = bool(context["acts_on_step"]) and pending is not None and pending.kind == StepKind.SIGN
    context.update(signing_views.panel_context(actor, draft, acts_on_sign_step=on_sign_step))
    return render(request, "outgoing/draft_detail.html", context)


@login_required
@require_GET
def version_file(request: HttpRequest, draft_id: int, file_id: int) -> FileResponse:
    draft = _draft_or_404(request, draft_id)
    draft_file = (
        DraftFile.objects.select_related("stored_file").filter(pk=file_id, version__draft=draft).first()
    )
    if draft_file is None:
        raise Http404(_("Không tìm thấy tệp."))
    # The shared responder only reads the blob and the name; it sets the safe headers.
    shown = DocumentFile(stored_file=draft_file.stored_file, file_name=draft_file.file_name)
    return file_response(shown)


@login_required
@require_POST
def draft_number(request: HttpRequest, draft_id: int) -> HttpResponse:
    actor = _actor(request)
    draft = _draft_or_404(request, draft_id)
    form = NumberForm(request.POST, reserved=selectors.reserved_numbers(actor=actor, agency=draft.agency))
    if not form.is_valid():
        messages.error(request, _("Số giữ hoặc ngày văn bản không hợp lệ."))
        return redirect("outgoing:draft", draft_id=draft.pk)
    try:
        number = numbering.draft_number(
            actor=actor,
            draft=draft,
            reserved=form.cleaned_data["reserved"],
            issued_date=form.cleaned_data["issued_date"],
        )
    except DomainError as error:
        show_domain_error(request, error)
    else:
        messages.success(request, _("Đã cấp số %(symbol)s.") % {"symbol": number.number_symbol})
    return redirect("outgoing:draft", draft_id=draft.pk)


@login_required
@require_GET
def to_number(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    agency = _acting_agency(request)
    if not policies.is_clerk(actor, agency):
        raise DjangoPermissionDenied(_("Chỉ văn thư của cơ quan mới được cấp số văn bản đi."))
    drafts = selectors.to_number_and_release(agency=agency)
    page = Paginator(drafts, 25).get_page(request.GET.get("page"))
    return render(request, "outgoing/to_number.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def registers(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    agency = _acting_agency(request)
    if not policies.may_configure(actor, agency):
        raise DjangoPermissionDenied(_("Chỉ văn thư hoặc quản trị của cơ quan mới được xem sổ văn bản đi."))
    rule = NumberingRule.objects.filter(agency=agency).first()
    forms = {
        "reserve": ReserveForm(agency=agency, prefix="reserve"),
        "rule": RuleForm(initial={"per_type": bool(rule and rule.per_type)}, prefix="rule"),
        "body": AdvisoryBodyForm(prefix="body"),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "reserve":
                forms["reserve"] = _do_reserve(request, actor, agency)
            elif action == "rule":
                forms["rule"] = _do_rule(request, actor, agency)
            elif action == "body":
                forms["body"] = _do_body(request, actor, agency)
            elif action == "release":
                _do_release(request, actor, agency)
            else:
                messages.error(request, _("Thao tác không hợp lệ."))
        except DomainError as error:
            show_domain_error(request, error)
        if not any(form.errors for form in forms.values()):
            return redirect("outgoing:registers")
    today = timezone.localdate()
    context = {
        **forms,
        "series": selectors.series_for_agency(actor=actor, agency=agency),
        "reserved": selectors.reserved_numbers(actor=actor, agency=agency),
        "is_clerk": policies.is_clerk(actor, agency),
        "export_form": ExportForm(initial={"date_from": today.replace(month=1, day=1), "date_to": today}),
    }
    return render(
        request, "outgoing/registers.html", context, status=422 if request.method == "POST" else 200
    )


def _do_reserve(request: HttpRequest, actor: Actor, agency: Any) -> ReserveForm:
    form = ReserveForm(request.POST, agency=agency, prefix="reserve")
    if form.is_valid():
        try:
            number = numbering.number_reserve(
                actor=actor,
                agency=agency,
                document_type=form.cleaned_data["document_type"],
                secret=form.cleaned_data["secret"],
                advisory_body=form.cleaned_data["advisory_body"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("Đã giữ số %(number)s.") % {"number": number.code_number})
    return form


def _do_rule(request: HttpRequest, actor: Actor, agency: Any) -> RuleForm:
    form = RuleForm(request.POST, prefix="rule")
    if form.is_valid():
        numbering.numbering_rule_set(actor=actor, agency=agency, per_type=form.cleaned_data["per_type"])
        messages.success(request, _("Đã lưu quy tắc cấp số."))
    return form


def _do_body(request: HttpRequest, actor: Actor, agency: Any) -> AdvisoryBodyForm:
    form = AdvisoryBodyForm(request.POST, prefix="body")
    if form.is_valid():
        try:
            numbering.advisory_body_create(actor=actor, agency=agency, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("Đã thêm tổ chức tư vấn."))
    return form


def _do_release(request: HttpRequest, actor: Actor, agency: Any) -> None:
    number_id = request.POST.get("number", "")
    number = (
        OutgoingNumber.objects.filter(pk=int(number_id), series__agency=agency).first()
        if number_id.isdigit()
        else None
    )
    if number is None:
        messages.error(request, _("Không tìm thấy số đang giữ."))
        return
    numbering.number_release(actor=actor, number=number)
    messages.success(request, _("Đã trả lại số %(number)s.") % {"number": number.code_number})


@login_required
@require_GET
def register_export(request: HttpRequest, series_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        series = selectors.series_get(actor=actor, series_id=series_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = ExportForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Khoảng ngày in sổ không hợp lệ."))
        return redirect("outgoing:registers")
    data = form.cleaned_data
    entries = list(
        selectors.register_entries(series=series, date_from=data["date_from"], date_to=data["date_to"])
    )
    report = exports.build_report(series, data["date_from"], data["date_to"], entries)
    return exports.report_response(report, data["format"])


@login_required
@require_POST
def draft_step(request: HttpRequest, draft_id: int, action: str) -> HttpResponse:
    """Trình ký (submit), đồng ý (approve) or trả lại (return, with a reason)."""
    actor = _actor(request)
    draft = _draft_or_404(request, draft_id)
    try:
        if action == "submit":
            approval.draft_submit(actor=actor, draft=draft)
            messages.success(request, _("Đã trình ký dự thảo."))
        elif action == "approve":
            approval.draft_step_approve(actor=actor, draft=draft, note=request.POST.get("note", "")[:2000])
            messages.success(request, _("Đã đồng ý; dự thảo chuyển sang bước tiếp theo."))
        elif action == "return":
            approval.draft_step_return(actor=actor, draft=draft, reason=request.POST.get("reason", "")[:2001])
            messages.success(request, _("Đã trả lại dự thảo cho người soạn thảo."))
        else:
            raise Http404(_("Thao tác không hợp lệ."))
    except DomainError as error:
        show_domain_error(request, error)
    return redirect("outgoing:draft", draft_id=draft.pk)


@login_required
@require_POST
def draft_release(request: HttpRequest, draft_id: int) -> HttpResponse:
    actor = _actor(request)
    draft = _draft_or_404(request, draft_id)
    try:
        deliveries = release.draft_release(actor=actor, draft=draft)
    except DomainError as error:
        show_domain_error(request, error)
    else:
        messages.success(request, _("Đã phát hành tới %(count)s nơi nhận.") % {"count": len(deliveries)})
    return redirect("outgoing:draft", draft_id=draft.pk)


@login_required
@require_http_methods(["GET", "POST"])
def delivery_reject(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """The recipient clerk's refusal of a copy released to their agency."""
    actor = _actor(request)
    delivery = (
        Delivery.objects.select_related("agency", "incoming", "draft__agency").filter(pk=delivery_id).first()
    )
    if delivery is None or delivery.incoming is None:
        raise Http404(_("Không tìm thấy văn bản được gửi đến."))
    if request.method == "POST":
        try:
            release.delivery_reject(
                actor=actor, delivery=delivery, reason=request.POST.get("reason", "")[:2001]
            )
        except DomainError as error:
            show_domain_error(request, error)
        else:
            messages.success(request, _("Đã từ chối văn bản và báo lại cơ quan gửi."))
            return redirect("documents:incoming")
    elif not policies_incoming_clerk(actor, delivery):
        raise DjangoPermissionDenied(_("Chỉ văn thư của cơ quan nhận mới được từ chối văn bản."))
    return render(request, "outgoing/reject.html", {"delivery": delivery})


def policies_incoming_clerk(actor: Actor, delivery: Delivery) -> bool:
    from eoffice.documents.policies import is_clerk

    return is_clerk(actor, delivery.agency)


@login_required
@require_POST
def draft_recall(request: HttpRequest, draft_id: int) -> HttpResponse:
    actor = _actor(request)
    draft = _draft_or_404(request, draft_id)
    try:
        recall.draft_recall(actor=actor, draft=draft, reason=request.POST.get("reason", "")[:2001])
    except DomainError as error:
        show_domain_error(request, error)
    else:
        messages.success(request, _("Đã thu hồi văn bản; đang chờ các nơi nhận xác nhận."))
    return redirect("outgoing:draft", draft_id=draft.pk)


@login_required
@require_http_methods(["GET", "POST"])
def recall_answer(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """The recipient clerk accepts (15) or refuses (16, with a reason) a recall."""
    actor = _actor(request)
    delivery = (
        Delivery.objects.select_related("agency", "incoming", "draft__recall").filter(pk=delivery_id).first()
    )
    if delivery is None or delivery.status != DeliveryStatus.RECALL_PENDING:
        raise Http404(_("Không có yêu cầu thu hồi nào đang chờ trả lời."))
    if not policies_incoming_clerk(actor, delivery):
        raise DjangoPermissionDenied(_("Chỉ văn thư của cơ quan nhận mới được trả lời thu hồi."))
    if request.method == "POST":
        try:
            if request.POST.get("answer") == "accept":
                recall.recall_accept(actor=actor, delivery=delivery)
            else:
                recall.recall_refuse(
                    actor=actor, delivery=delivery, reason=request.POST.get("reason", "")[:2001]
                )
        except DomainError as error:
            show_domain_error(request, error)
        else:
            messages.success(request, _("Đã trả lời yêu cầu thu hồi."))
            return redirect("documents:incoming")
    return render(request, "outgoing/recall_answer.html", {"delivery": delivery})
