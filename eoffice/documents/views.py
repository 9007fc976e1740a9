"""The clerk's pages: incoming list and bulk registration, upload, confirm, register, registers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, NotFound, ValidationFailed
from eoffice.core.forms import show_domain_error
from eoffice.core.rowids import is_row_id
from eoffice.documents import handling, policies, selectors, services
from eoffice.documents.downloads import file_response, report_response
from eoffice.documents.forms import ConfirmForm, ExportForm, RegisterCreateForm, UploadForm
from eoffice.documents.models import Document, DocumentStatus, Register
from eoffice.documents.notices import notices_for
from eoffice.documents.signatures import document_signatures
from eoffice.documents.uploads import read_parts
from eoffice.work import services as work_services


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _document_or_404(request: HttpRequest, document_id: int) -> Document:
    try:
        return selectors.document_get(actor=_actor(request), document_id=document_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    status = request.GET.get("status") or None
    if status not in (None, *DocumentStatus.values):
        status = None
    query = request.GET.get("q", "")[:200]
    documents = selectors.incoming_list(actor=actor, status=status, query=query)
    page = Paginator(documents, 25).get_page(request.GET.get("page"))
    agency = actor.position.agency if actor.position else None
    return render(
        request,
        "documents/incoming.html",
        {
            "page": page,
            "status": status or "",
            "q": query,
            "statuses": DocumentStatus.choices,
            "is_clerk": agency is not None and policies.is_clerk(actor, agency),
            "registers": selectors.registers_for(actor=actor, year=timezone.localdate().year),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    agency = actor.position.agency if actor.position else None
    if agency is None or not policies.is_clerk(actor, agency):
        raise DjangoPermissionDenied(_("Chỉ văn thư của cơ quan mới được tiếp nhận văn bản đến."))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_receive_upload(
                actor=actor,
                main_files=read_parts(request.FILES.getlist("main_files"), field="main_files"),
                attachments=read_parts(request.FILES.getlist("attachments"), field="attachments"),
                received_via=form.cleaned_data["received_via"],
                secrecy=form.cleaned_data["secrecy"],
                urgency=form.cleaned_data["urgency"],
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(
                request, _("Đã tiếp nhận văn bản. Hệ thống đang đọc nội dung để đề xuất thông tin.")
            )
            return redirect("documents:detail", document_id=document.pk)
    return render(request, "documents/upload.html", {"form": form}, status=422 if form.errors else 200)


def _initial(document: Document) -> dict[str, Any]:
    """The confirmed values, or the proposals where nothing is confirmed yet."""
    if document.status != DocumentStatus.RECEIVED:
        return {
            "document_type_id": document.document_type_id,
            "code_number": document.code_number,
            "code_notation": document.code_notation,
            "issued_date": document.issued_date,
            "organ_name": document.organ_name,
            "issuing_agency_id": document.issuing_agency_id,
            "link_agency": document.issuing_agency_id is not None,
            "subject": document.subject,
            "signer_competence": document.signer_competence,
            "signer_position": document.signer_position,
            "signer_full_name": document.signer_full_name,
            "urgency": document.urgency,
            "urgency_deadline": document.urgency_deadline,
            "secrecy": document.secrecy,
            "page_amount": document.page_amount,
            "language": document.language,
            "due_date": document.due_date,
            "field": document.field,
            "description": document.description,
        }
    proposals = document.proposals or {}
    issued = proposals.get("issued_date")
    return {
        "document_type_id": proposals.get("document_type_id"),
        "code_number": proposals.get("code_number", ""),
        "code_notation": proposals.get("code_notation", ""),
        "issued_date": date.fromisoformat(issued) if issued else None,
        "organ_name": proposals.get("organ_name", ""),
        "issuing_agency_id": proposals.get("issuing_agency_id"),
        "link_agency": proposals.get("issuing_agency_id") is not None,
        "subject": proposals.get("subject", ""),
        "urgency": document.urgency,
        "secrecy": document.secrecy,
        "page_amount": document.page_amount,
        "language": document.language,
    }


def _detail_context(
    request: HttpRequest, document: Document, form: ConfirmForm | None = None
) -> dict[str, Any]:
    actor = _actor(request)
    can_edit = policies.is_clerk(actor, document.agency)
    agency_id = (form.data.get("issuing_agency_id") if form is not None and form.is_bound else None) or (
        _initial(document).get("issuing_agency_id")
    )
    from eoffice.directory.models import Agency

    return {
        "document": document,
        "form": form or ConfirmForm(initial=_initial(document)),
        "linked_agency": Agency.objects.filter(pk=int(str(agency_id))).first()
        if str(agency_id or "").isdigit()
        else None,
        "files": selectors.document_files(document),
        "viewing": selectors.viewing_file(document),
        "jobs": list(document.jobs.all()),
        "waiting": any(not job.is_finished for job in document.jobs.all()),
        "warnings": selectors.duplicate_warnings(document),
        "can_edit": can_edit,
        "can_register": can_edit and document.status == DocumentStatus.CONFIRMED,
        "registers": selectors.registers_for(actor=actor, year=timezone.localdate().year).filter(
            is_secret=document.is_secret, is_closed=False
        ),
        "registration": getattr(document, "registration", None),
        "handling": selectors.handling_for(actor=actor, document=document),
        "notices": notices_for(actor, document),
        "signatures": document_signatures(document),
    }


@login_required
@require_GET
def detail(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document_or_404(request, document_id)
    item = handling.item_of(document)
    if item is not None:
        # Opening the document is opening the lines one holds on it (timeline: "first opened").
        work_services.lines_open(item=item, actor=_actor(request))
    return render(request, "documents/detail.html", _detail_context(request, document))


@login_required
@require_POST
def confirm(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document_or_404(request, document_id)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        values = services.DocumentFields(
            document_type_id=data["document_type_id"].pk,
            code_number=data["code_number"],
            code_notation=data["code_notation"],
            issued_date=data["issued_date"],
            organ_name=data["organ_name"],
            issuing_agency_id=data["issuing_agency_id"] if data["link_agency"] else None,
            subject=data["subject"],
            language=data["language"],
            page_amount=data["page_amount"],
            description=data["description"],
            signer_position=data["signer_position"],
            signer_full_name=data["signer_full_name"],
            signer_competence=data["signer_competence"],
            urgency=data["urgency"],
            urgency_deadline=data["urgency_deadline"],
            secrecy=data["secrecy"],
            due_date=data["due_date"],
            field=data["field"],
        )
        try:
            services.document_confirm_fields(actor=_actor(request), document=document, values=values)
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("Đã xác nhận thông tin văn bản."))
            return redirect("documents:detail", document_id=document.pk)
    context = _detail_context(request, document, form)
    return render(request, "documents/detail.html", context, status=422)


def _chosen_register(actor: Actor, value: str) -> Register | None:
    """The register picked on the page; none picked is the default one. Anything else (a forged
    or garbled value) is refused rather than quietly taken for the default."""
    if not value:
        return None
    if not is_row_id(value):
        raise ValidationFailed("invalid_register", _("Sổ văn bản đã chọn không hợp lệ."), field="register_id")
    return selectors.register_get(actor=actor, register_id=int(value))


@login_required
@require_POST
def register(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document_or_404(request, document_id)
    actor = _actor(request)
    try:
        chosen = _chosen_register(actor, request.POST.get("register_id") or "")
        registration = services.document_register(actor=actor, document=document, register=chosen)
    except DomainError as error:
        show_domain_error(request, error)
    else:
        messages.success(
            request,
            _("Đã vào sổ «%(register)s», số đến %(number)s.")
            % {"register": registration.register.name, "number": registration.number},
        )
    return redirect("documents:detail", document_id=document.pk)


@login_required
@require_POST
def register_bulk(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    ids = [int(value) for value in request.POST.getlist("document_ids") if value.isdigit()][:500]
    try:
        chosen = _chosen_register(actor, request.POST.get("register_id") or "")
        registrations = services.document_register_bulk(actor=actor, document_ids=ids, register=chosen)
    except DomainError as error:
        show_domain_error(request, error)
    else:
        numbers = ", ".join(str(r.number) for r in registrations)
        messages.success(
            request,
            _("Đã vào sổ %(count)s văn bản, số đến: %(numbers)s.")
            % {"count": len(registrations), "numbers": numbers},
        )
    return redirect(reverse("documents:incoming") + "?status=confirmed")


@login_required
@require_GET
def jobs(request: HttpRequest, document_id: int) -> HttpResponse:
    """HTMX partial: job progress. When the page was waiting and everything is done, reload it."""
    document = _document_or_404(request, document_id)
    job_list = list(document.jobs.all())
    waiting = any(not job.is_finished for job in job_list)
    response = render(
        request, "documents/_jobs.html", {"document": document, "jobs": job_list, "waiting": waiting}
    )
    if request.GET.get("waiting") == "1" and not waiting:
        response["HX-Refresh"] = "true"  # proposals are ready: show them in the form
    return response


@login_required
@require_POST
def job_retry(request: HttpRequest, document_id: int, job_id: int) -> HttpResponse:
    actor = _actor(request)
    document = _document_or_404(request, document_id)
    try:
        job = selectors.job_get(actor=actor, job_id=job_id)
        if job.document_id != document.pk:
            raise NotFound()
        services.job_retry(actor=actor, job=job)
    except DomainError as error:
        show_domain_error(request, error)
    return redirect("documents:detail", document_id=document.pk)


@login_required
@require_GET
def download(request: HttpRequest, file_id: int) -> FileResponse:
    try:
        found = selectors.document_file_get(actor=_actor(request), file_id=file_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return file_response(found, inline=request.GET.get("download") != "1")


@login_required
@require_http_methods(["GET", "POST"])
def registers(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    agency = actor.position.agency if actor.position else None
    if agency is None or not (
        policies.may_manage_registers(actor, agency) or policies.may_print_register(actor, agency)
    ):
        raise DjangoPermissionDenied(_("Bạn không có quyền xem sổ văn bản."))
    today = timezone.localdate()
    form = RegisterCreateForm(request.POST or None, initial={"year": today.year})
    if request.method == "POST" and form.is_valid():
        try:
            services.register_create(actor=actor, agency=agency, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("Đã lập sổ văn bản."))
            return redirect("documents:registers")
    export_form = ExportForm(initial={"format": "xlsx", "date_from": today.replace(day=1), "date_to": today})
    return render(
        request,
        "documents/registers.html",
        {
            "registers": selectors.registers_for(actor=actor).prefetch_related("counters"),
            "form": form,
            "export_form": export_form,
            "can_manage": policies.may_manage_registers(actor, agency),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def register_export(request: HttpRequest, register_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        chosen = selectors.register_get(actor=actor, register_id=register_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = ExportForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Khoảng ngày hoặc định dạng in sổ không hợp lệ."))
        return redirect("documents:registers")
    try:
        report = selectors.register_report(
            actor=actor,
            register=chosen,
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
    except DomainError as error:
        show_domain_error(request, error)
        return redirect("documents:registers")
    return report_response(report, form.cleaned_data["format"])
