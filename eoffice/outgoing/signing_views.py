"""Pages for signing: the signer's "Văn bản chờ ký" box (batch signing), the clerk's organisation
signature, the signed files of a draft and their validation report."""

from __future__ import annotations

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
from eoffice.outgoing import policies, selectors, signing, signing_selectors
from eoffice.outgoing.models import Draft, DraftStatus
from eoffice.outgoing.signing_forms import KeyForm
from eoffice.signing import keys
from eoffice.signing.uploads import read_key_input


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _draft_or_404(request: HttpRequest, draft_id: int) -> Draft:
    try:
        return selectors.draft_get(actor=_actor(request), draft_id=draft_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _key(request: HttpRequest) -> keys.KeyInput:
    return read_key_input(
        pin=request.POST.get("pin"), pkcs12=request.FILES.get("pkcs12"), password=request.POST.get("password")
    )


def _ids(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.POST.getlist("draft") if v.isdigit()][: signing.MAX_BATCH + 1]


@login_required
@require_http_methods(["GET", "POST"])
def to_sign(request: HttpRequest) -> HttpResponse:
    """Văn bản chờ ký: choose drafts, type the PIN once (or bring a PKCS#12), sign them all."""
    actor = _actor(request)
    outcomes: list[signing.SignOutcome] = []
    status = 200
    if request.method == "POST":
        signer_user = actor.user
        assert signer_user is not None
        try:
            ids = _ids(request)
            if not ids:
                raise signing.nothing_chosen()
            with keys.open_user_signer(user_id=signer_user.pk, key=_key(request)) as signer:
                outcomes = signing.drafts_sign(actor=actor, draft_ids=ids, signer=signer)
        except DomainError as error:
            show_domain_error(request, error)
            status = 422
        else:
            signed = sum(o.ok for o in outcomes)
            if signed:
                messages.success(request, _("Đã ký số %(n)s văn bản.") % {"n": signed})
            if signed < len(outcomes):
                messages.error(
                    request,
                    _("%(n)s văn bản không ký được; xem lý do bên dưới.") % {"n": len(outcomes) - signed},
                )
                status = 422
    runs = list(signing_selectors.to_sign(actor=actor)[:200])
    context = {"runs": runs, "outcomes": outcomes, "key_form": KeyForm()}
    return render(request, "outgoing/to_sign.html", context, status=status)


def _sign_on_page(request: HttpRequest, draft_id: int, *, organisation: bool) -> HttpResponse:
    """One signature from the draft page: the signer's own key, or the agency's (văn thư)."""
    actor = _actor(request)
    draft = _draft_or_404(request, draft_id)
    signer_user = actor.user
    assert signer_user is not None
    try:
        if organisation:
            with keys.open_agency_signer(agency=draft.agency, key=_key(request)) as signer:
                signing.draft_org_sign(actor=actor, draft=draft, signer=signer)
        else:
            with keys.open_user_signer(user_id=signer_user.pk, key=_key(request)) as signer:
                signing.draft_sign(actor=actor, draft=draft, signer=signer)
    except DomainError as error:
        show_domain_error(request, error)
    else:
        done = (
            _("Đã ký số của cơ quan; văn bản sẵn sàng phát hành.") if organisation else _("Đã ký số văn bản.")
        )
        messages.success(request, done)
    return redirect("outgoing:draft", draft_id=draft.pk)


@login_required
@require_POST
def draft_sign(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Ký số from the draft's own page (one draft)."""
    return _sign_on_page(request, draft_id, organisation=False)


@login_required
@require_POST
def draft_org_sign(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Ký số của cơ quan (văn thư), after numbering."""
    return _sign_on_page(request, draft_id, organisation=True)


@login_required
@require_GET
def signed_file(request: HttpRequest, draft_id: int, index: int) -> FileResponse:
    draft = _draft_or_404(request, draft_id)
    signature = signing.current_signature(draft)
    files = signing.signed_files(signature) if signature is not None else []
    if not 0 <= index < len(files):
        raise Http404(_("Không tìm thấy tệp."))
    label, stored = files[index]
    name = label if label.lower().endswith(".pdf") else f"{draft.pk}-{index}.pdf"
    return file_response(DocumentFile(stored_file=stored, file_name=name))


@login_required
@require_GET
def signatures(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The validation report of every signed file of the draft."""
    draft = _draft_or_404(request, draft_id)
    signature = signing.current_signature(draft)
    reports = []
    if signature is not None:
        for index, (label, stored) in enumerate(signing.signed_files(signature)):
            reports.append((index, label, signing.validate_stored(stored)))
    context = {"draft": draft, "signature": signature, "reports": reports}
    return render(request, "outgoing/signatures.html", context)


def panel_context(actor: Actor, draft: Draft, *, acts_on_sign_step: bool) -> dict[str, object]:
    """What the draft page's signing panel shows: the signature, and the forms the actor may use."""
    signature = signing.current_signature(draft)
    can_org_sign = (
        policies.is_clerk(actor, draft.agency)
        and draft.status == DraftStatus.NUMBERED
        and signature is not None
        and not signature.org_signed
    )
    return {
        "signature": signature,
        "signed_files": signing.signed_files(signature) if signature is not None else [],
        "can_sign": acts_on_sign_step,
        "can_org_sign": can_org_sign,
        "key_form": KeyForm() if acts_on_sign_step or can_org_sign else None,
    }
