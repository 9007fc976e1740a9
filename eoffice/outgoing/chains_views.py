"""Cấu hình quy trình trình ký: the agency's approval chains, listed, edited and deleted by its
văn thư or administrator. Setting goes through `approval.approval_chain_set`, as in the API."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, NotFound, PermissionDenied
from eoffice.directory.models import Agency
from eoffice.documents.forms import BootstrapForm
from eoffice.documents.models import DocumentType
from eoffice.outgoing import approval, chains, policies
from eoffice.outgoing.models import ApprovalChain, StepKind
from eoffice.people.models import Position

BLANK_ROWS = 3


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _configured_agency(request: HttpRequest) -> Agency:
    actor = _actor(request)
    if actor.position is None or not policies.may_configure(actor, actor.position.agency):
        raise DjangoPermissionDenied(
            _("Chỉ văn thư hoặc quản trị của cơ quan được cấu hình quy trình trình ký.")
        )
    return actor.position.agency


def _people(agency: Agency) -> list[tuple[str, str]]:
    seen: set[int] = set()
    choices = [("", "—")]
    for position in (
        Position.objects.filter(agency=agency, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    ):
        if position.user_id not in seen:
            seen.add(position.user_id)
            choices.append((str(position.user_id), f"{position.user.get_full_name()} — {position.title}"))
    return choices


class ChainForm(BootstrapForm):
    name = forms.CharField(label=_lazy("Tên quy trình"), max_length=200)
    document_type = forms.ModelChoiceField(
        label=_lazy("Loại văn bản"),
        queryset=DocumentType.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_lazy("Mặc định cho mọi loại văn bản"),
    )


class StepForm(BootstrapForm):
    kind = forms.ChoiceField(label=_lazy("Loại bước"), required=False)
    user = forms.ChoiceField(label=_lazy("Người thực hiện"), required=False)
    working_days = forms.IntegerField(
        label=_lazy("Số ngày làm việc"), required=False, min_value=1, max_value=approval.MAX_WORKING_DAYS
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        self.people = people
        super().__init__(*args, **kwargs)

    def prepare_fields(self) -> None:
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", "—"), *StepKind.choices]
        cast(forms.ChoiceField, self.fields["user"]).choices = self.people

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("kind")) != bool(data.get("user")):
            raise forms.ValidationError(_("Hãy chọn cả loại bước và người thực hiện, hoặc để trống cả hai."))
        return data


class StepRows(forms.BaseFormSet):
    # Django's Vietnamese catalogue lacks the formset's own errors (a tampered or missing row
    # count); the reader sees them in Vietnamese like every other error.
    default_error_messages = {
        "missing_management_form": _lazy(
            "Biểu mẫu thiếu số dòng các bước hoặc đã bị sửa. Hãy tải lại trang rồi thử lại."
        ),
        "too_many_forms": _lazy("Quy trình có nhiều nhất %(num)d dòng bước."),
        "too_few_forms": _lazy("Quy trình cần ít nhất %(num)d dòng bước."),
    }


# absolute_max: a forged row count builds at most this many forms, never Django's default 1,000.
StepFormSet = forms.formset_factory(
    StepForm,
    formset=StepRows,
    extra=0,
    max_num=approval.MAX_STEPS + BLANK_ROWS,
    absolute_max=approval.MAX_STEPS + BLANK_ROWS,
)


def _initial_steps(chain: ApprovalChain | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if chain is not None:
        rows = [
            {"kind": s.kind, "user": str(s.assignee_id), "working_days": s.working_days}
            for s in chain.steps.order_by("order")
        ]
    return rows + [{"working_days": 1} for _ in range(BLANK_ROWS)]


@login_required
@require_GET
def chain_list(request: HttpRequest) -> HttpResponse:
    agency = _configured_agency(request)
    found = chains.chains_of_agency(actor=_actor(request), agency=agency)
    return render(request, "outgoing/chains/list.html", {"chains": found, "agency": agency})


def _save(
    request: HttpRequest, agency: Agency, chain: ApprovalChain | None, form: ChainForm, steps: Any
) -> ApprovalChain | None:
    rows = [f.cleaned_data for f in steps if f.cleaned_data.get("kind")]
    document_type = chain.document_type if chain is not None else form.cleaned_data["document_type"]
    if chain is None and ApprovalChain.objects.filter(agency=agency, document_type=document_type).exists():
        form.add_error("document_type", _("Loại văn bản này đã có quy trình; hãy sửa quy trình đó."))
        return None
    inputs = [approval.StepInput(r["kind"], int(r["user"]), r["working_days"] or 1) for r in rows]
    try:
        return approval.approval_chain_set(
            actor=_actor(request),
            agency=agency,
            document_type=document_type,
            name=form.cleaned_data["name"],
            steps=inputs,
        )
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
    except DomainError as error:
        field = error.field or ""
        if field == "name":
            form.add_error("name", error.message)
        elif field.startswith("steps[") and field[6:-1].isdigit():
            # The service counts the filled rows only; name the step as the page numbers it.
            number = int(field[6:-1]) + 1
            form.add_error(
                None, _("Bước %(number)s: %(message)s") % {"number": number, "message": error.message}
            )
        else:
            form.add_error(None, error.message)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def chain_edit(request: HttpRequest, chain_id: int | None = None) -> HttpResponse:
    agency = _configured_agency(request)
    chain = None
    if chain_id is not None:
        try:
            chain = chains.chain_get(actor=_actor(request), chain_id=chain_id)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        if chain.agency_id != agency.pk:
            raise Http404(_("Không tìm thấy quy trình trình ký."))
    initial = {"name": chain.name, "document_type": chain.document_type} if chain else {}
    data = request.POST if request.method == "POST" else None
    form = ChainForm(data, initial=initial)
    if chain is not None:
        form.fields["document_type"].disabled = True
    people = _people(agency)
    steps = StepFormSet(data, initial=_initial_steps(chain), form_kwargs={"people": people}, prefix="steps")
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        saved = _save(request, agency, chain, form, steps)
        if saved is not None:
            messages.success(request, _("Đã lưu quy trình trình ký «%(name)s».") % {"name": saved.name})
            return redirect("outgoing:chains")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "steps": steps, "chain": chain}
    return render(request, "outgoing/chains/edit.html", context, status=status)


@login_required
@require_POST
def chain_delete(request: HttpRequest, chain_id: int) -> HttpResponse:
    agency = _configured_agency(request)
    try:
        chain = chains.chain_get(actor=_actor(request), chain_id=chain_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if chain.agency_id != agency.pk:
        raise Http404(_("Không tìm thấy quy trình trình ký."))
    try:
        chains.approval_chain_delete(actor=_actor(request), chain=chain)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã xóa quy trình trình ký «%(name)s».") % {"name": chain.name})
    return redirect("outgoing:chains")
