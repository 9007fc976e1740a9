"""Reads: validating an uploaded PDF's signatures, for those allowed to."""

from __future__ import annotations

from eoffice.core.actor import Actor
from eoffice.signing import policies
from eoffice.signing.validation import ValidationResult, validate_pdf


def signatures_validate(*, actor: Actor, data: bytes) -> ValidationResult:
    policies.require_validate(actor)
    return validate_pdf(data)
