"""Writes of signing credentials: signature images, seals and key references (never secrets)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import ValidationFailed
from eoffice.directory.models import Agency
from eoffice.signing import policies
from eoffice.signing.images import check_stamp_image
from eoffice.signing.models import AgencySeal, KeyReference, SignatureImage

SEAL_DIAMETERS_MM = (Decimal("30"), Decimal("50"))
_LABEL_MAX = 100


@transaction.atomic
def signature_image_set(*, actor: Actor, png: bytes) -> SignatureImage:
    """The signer's own signature image (blue, transparent PNG)."""
    # One's own signature only: not even a delegate acting for the signer may replace it.
    policies.require_own_signature(actor)
    user = actor.user
    assert user is not None
    checked = check_stamp_image(png, colour="blue")
    image, _created = SignatureImage.objects.update_or_create(user=user, defaults=checked.row())
    audit.record(
        actor=actor, verb="signing.signature_image_set", target=image, data={"sha256": checked.sha256}
    )
    return image


@transaction.atomic
def seal_set(*, actor: Actor, agency: Agency, png: bytes, diameter_mm: Decimal) -> AgencySeal:
    """The agency's seal image (red, transparent PNG) and its real diameter."""
    policies.require_manage_agency_keys(actor, agency)
    low, high = SEAL_DIAMETERS_MM
    if not low <= diameter_mm <= high:
        raise ValidationFailed(
            "seal_diameter",
            _("Đường kính con dấu phải từ %(low)s đến %(high)s mm.") % {"low": low, "high": high},
            field="diameter_mm",
        )
    checked = check_stamp_image(png, colour="red")
    seal, _created = AgencySeal.objects.update_or_create(
        agency=agency, defaults={**checked.row(), "diameter_mm": diameter_mm}
    )
    audit.record(
        actor=actor,
        verb="signing.seal_set",
        target=seal,
        agency_id=agency.pk,
        data={"sha256": checked.sha256, "diameter_mm": str(diameter_mm)},
    )
    return seal


def allowed_modules() -> list[str]:
    """PKCS#11 libraries an administrator may choose: loading one runs its code in the server, so
    only the operator (settings) names them, never a page."""
    return list(settings.EOFFICE_PKCS11_MODULES)


def _check_reference(module_path: str, token_label: str, key_label: str) -> tuple[str, str, str]:
    if module_path not in allowed_modules():
        raise ValidationFailed(
            "module_not_allowed",
            _("Thư viện PKCS#11 không nằm trong danh sách được phép (EOFFICE_PKCS11_MODULES)."),
            field="module_path",
        )
    token_label, key_label = token_label.strip(), key_label.strip()
    for name, value in (("token_label", token_label), ("key_label", key_label)):
        if not value or len(value) > _LABEL_MAX or not value.isprintable():
            raise ValidationFailed(
                "invalid_label",
                _("Nhãn phải có từ 1 đến %(max)s ký tự in được.") % {"max": _LABEL_MAX},
                field=name,
            )
    return module_path, token_label, key_label


@transaction.atomic
def key_reference_set(
    *,
    actor: Actor,
    agency: Agency,
    user_id: int | None,
    module_path: str,
    token_label: str,
    key_label: str,
) -> KeyReference:
    """The token key of a person of `agency` (user_id) or of the agency itself (user_id None)."""
    policies.require_manage_agency_keys(actor, agency)
    module_path, token_label, key_label = _check_reference(module_path, token_label, key_label)
    values = {
        "module_path": module_path,
        "token_label": token_label,
        "key_label": key_label,
        "updated_by": actor.user,
    }
    if user_id is None:
        reference, _created = KeyReference.objects.update_or_create(agency=agency, defaults=values)
    else:
        # People are found through their posts (the people app's relation), not imported from it.
        in_agency = get_user_model().objects.filter(
            pk=user_id, positions__agency=agency, positions__is_active=True
        )
        if not in_agency.exists():
            raise ValidationFailed(
                "not_in_agency", _("Người dùng không có chức vụ trong cơ quan này."), field="user"
            )
        reference, _created = KeyReference.objects.update_or_create(user_id=user_id, defaults=values)
    audit.record(
        actor=actor,
        verb="signing.key_reference_set",
        target=reference,
        agency_id=agency.pk,
        data={"user": user_id, "module": module_path, "token": token_label, "key": key_label},
    )
    return reference


@transaction.atomic
def key_reference_clear(*, actor: Actor, agency: Agency, reference: KeyReference) -> None:
    policies.require_manage_agency_keys(actor, agency)
    owned = reference.agency_id == agency.pk or (
        reference.user_id is not None
        and get_user_model().objects.filter(pk=reference.user_id, positions__agency=agency).exists()
    )
    if not owned:
        raise ValidationFailed("not_in_agency", _("Khóa ký số không thuộc cơ quan này."), field="user")
    audit.record(
        actor=actor,
        verb="signing.key_reference_cleared",
        target=reference,
        agency_id=agency.pk,
        data={"user": reference.user_id, "token": reference.token_label},
    )
    reference.delete()
