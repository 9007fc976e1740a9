"""Page: my signature image and registered certificates; for an agency administrator, the seal,
the key references and the registered certificates of the agency and its people."""

from __future__ import annotations

import base64
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError, NotFound, ValidationFailed
from eoffice.core.forms import show_domain_error
from eoffice.core.rowids import is_row_id
from eoffice.signing import certificate_views, credentials, policies
from eoffice.signing.models import AgencySeal, KeyReference, SignatureImage
from eoffice.signing.uploads import read_image_upload


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _data_uri(png: bytes | memoryview) -> str:
    return "data:image/png;base64," + base64.b64encode(bytes(png)).decode("ascii")


def _act(request: HttpRequest, actor: Actor) -> None:
    action = request.POST.get("action", "")
    agency = actor.position.agency if actor.position is not None else None
    if action == "signature":
        credentials.signature_image_set(actor=actor, png=read_image_upload(request.FILES.get("image")))
        messages.success(request, _("Đã lưu ảnh chữ ký."))
        return
    if agency is None:
        raise DjangoPermissionDenied(_("Bạn cần chọn một chức vụ."))
    if action in certificate_views.ACTIONS:
        certificate_views.act(request, actor, agency)
    elif action == "seal":
        try:
            diameter = Decimal(request.POST.get("diameter_mm", "").replace(",", "."))
        except InvalidOperation as exc:
            raise ValidationFailed(
                "seal_diameter", _("Đường kính con dấu không hợp lệ."), field="diameter_mm"
            ) from exc
        credentials.seal_set(
            actor=actor,
            agency=agency,
            png=read_image_upload(request.FILES.get("image")),
            diameter_mm=diameter,
        )
        messages.success(request, _("Đã lưu ảnh con dấu."))
    elif action == "key":
        credentials.key_reference_set(
            actor=actor,
            agency=agency,
            user_id=certificate_views.chosen_user(request.POST.get("user", "")),
            module_path=request.POST.get("module_path", ""),
            token_label=request.POST.get("token_label", ""),
            key_label=request.POST.get("key_label", ""),
        )
        messages.success(request, _("Đã lưu khóa ký số."))
    elif action == "clear":
        ref_id = request.POST.get("reference", "")
        reference = KeyReference.objects.filter(pk=int(ref_id)).first() if is_row_id(ref_id) else None
        if reference is None:
            raise NotFound(_("Không tìm thấy khóa ký số."))
        credentials.key_reference_clear(actor=actor, agency=agency, reference=reference)
        messages.success(request, _("Đã xóa khóa ký số."))
    else:
        raise ValidationFailed("unknown_action", _("Thao tác không hợp lệ."))


def _admin_context(actor: Actor) -> dict[str, Any]:
    position = actor.position
    if position is None or not policies.may_manage_agency_keys(actor, position.agency):
        return {"manages": False}
    agency = position.agency
    seal = AgencySeal.objects.filter(agency=agency).first()
    people = certificate_views.people_of(agency)
    return {
        "manages": True,
        "agency": agency,
        "seal": seal,
        "seal_uri": _data_uri(seal.png) if seal else "",
        "agency_key": KeyReference.objects.filter(agency=agency).first(),
        "people_keys": KeyReference.objects.filter(user__in=people).select_related("user"),
        "people": people.order_by("full_name"),
        "modules": credentials.allowed_modules(),
        **certificate_views.admin_context(actor, agency),
    }


@login_required
@require_http_methods(["GET", "POST"])
def credentials_page(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not policies.may_validate(actor):
        raise DjangoPermissionDenied(_("Chỉ cán bộ đang giữ chức vụ trong cơ quan mới dùng được chữ ký số."))
    status = 200
    certificate_error: DomainError | None = None
    if request.method == "POST":
        try:
            _act(request, actor)
        except DomainError as error:
            status = 422
            if request.POST.get("action") == certificate_views.REGISTER and error.field:
                certificate_error = error  # shown beside the upload form's field
            else:
                show_domain_error(request, error)
        else:
            return redirect("signing:credentials")
    holder = actor.on_behalf_of or actor.user
    image = SignatureImage.objects.filter(user=holder).first()
    context = {
        "image": image,
        "sets_signature": policies.may_set_own_signature(actor),
        "own_signature_only": policies.own_signature_only(),
        "image_uri": _data_uri(image.png) if image else "",
        "my_key": KeyReference.objects.filter(user=holder).first(),
        "certificate_error": certificate_error,
        **certificate_views.own_context(actor),
        **_admin_context(actor),
    }
    return render(request, "signing/credentials.html", context, status=status)
