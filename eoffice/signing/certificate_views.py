"""The registered certificates on the credentials page: the administrator's list, upload form and
withdraw buttons; each person's own list. The page (`credentials_views`) dispatches to here."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import ValidationFailed
from eoffice.core.rowids import is_row_id
from eoffice.directory.models import Agency
from eoffice.signing import certificates, policies, selectors
from eoffice.signing.uploads import read_certificate_upload

REGISTER = "certificate"
WITHDRAW = "withdraw_certificate"
ACTIONS = (REGISTER, WITHDRAW)


def chosen_user(raw: str) -> int | None:
    """The person picked in the owner list; none picked is the agency itself. A value the list
    cannot hold (forged or garbled) is refused, never read as "the agency"."""
    if not raw:
        return None
    if not is_row_id(raw):
        raise ValidationFailed("invalid_user", _("Người được chọn không hợp lệ."), field="user")
    return int(raw)


def act(request: HttpRequest, actor: Actor, agency: Agency) -> None:
    """Register the uploaded certificate, or withdraw one; errors go to the caller."""
    action = request.POST.get("action", "")
    if action == REGISTER:
        row = certificates.certificate_register(
            actor=actor,
            agency=agency,
            user_id=chosen_user(request.POST.get("user", "")),
            data=read_certificate_upload(request.FILES.get("certificate")),
        )
        messages.success(
            request,
            _("Đã đăng ký chứng thư số %(subject)s cho %(owner)s.")
            % {"subject": row.subject, "owner": certificates.owner_name(row)},
        )
    elif action == WITHDRAW:
        raw = request.POST.get("certificate_id", "")
        row = certificates.certificate_withdraw(
            actor=actor, agency=agency, certificate_id=int(raw) if raw.isdigit() else 0
        )
        messages.success(
            request,
            _("Đã thu hồi đăng ký chứng thư số của %(owner)s.") % {"owner": certificates.owner_name(row)},
        )


def admin_context(actor: Actor, agency: Agency) -> dict[str, Any]:
    if not policies.may_manage_agency_keys(actor, agency):
        return {}
    rows = list(selectors.certificates_of_agency(actor=actor, agency=agency))
    return {
        "agency_certificates": [r for r in rows if r.agency_id is not None],
        "people_certificates": sorted(
            (r for r in rows if r.user_id is not None),
            key=lambda r: (certificates.owner_name(r), not r.is_active),
        ),
    }


def own_context(actor: Actor) -> dict[str, Any]:
    return {"my_certificates": list(selectors.my_certificates(actor=actor))}


def people_of(agency: Agency) -> Any:
    # People are found through their posts (the people app's relation), not imported from it.
    return get_user_model().objects.filter(positions__agency=agency, positions__is_active=True).distinct()
