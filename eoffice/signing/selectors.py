"""Reads: validating an uploaded PDF's signatures, registered certificates; for those allowed to."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from eoffice.core.actor import Actor
from eoffice.directory.models import Agency
from eoffice.signing import policies
from eoffice.signing.models import SigningCertificate
from eoffice.signing.validation import ValidationResult, validate_pdf


def signatures_validate(*, actor: Actor, data: bytes) -> ValidationResult:
    policies.require_validate(actor)
    return validate_pdf(data)


def certificates_of_agency(*, actor: Actor, agency: Agency) -> QuerySet[SigningCertificate]:
    """Every certificate registered to the agency or to anyone who holds or held a post in it,
    withdrawn ones included (history); for the agency's administrator only."""
    policies.require_manage_certificates(actor, agency)
    # People are found through their posts (the people app's relation), not imported from it.
    people = get_user_model().objects.filter(positions__agency=agency).values("pk")
    return SigningCertificate.objects.filter(Q(agency=agency) | Q(user__in=people)).select_related(
        "user", "agency", "registered_by", "withdrawn_by"
    )


def my_certificates(*, actor: Actor) -> QuerySet[SigningCertificate]:
    """The certificates registered to the signed-in person (who signs with their own, also when
    acting for someone else)."""
    if actor.user is None:
        return SigningCertificate.objects.none()
    return SigningCertificate.objects.filter(user=actor.user).select_related("registered_by", "withdrawn_by")
