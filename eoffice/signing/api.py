"""/api/v1/signing: validate the signatures of an uploaded PDF."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router, Schema, UploadedFile

from eoffice.core.actor import Actor
from eoffice.signing import selectors
from eoffice.signing.uploads import read_pdf_upload
from eoffice.signing.validation import SignatureReport, ValidationResult

router = Router(tags=["signing"])


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


class ValidationOut(Schema):
    sha256: str
    all_valid: bool
    summary: str
    # The report's own dataclass is the schema: one definition of a signature's fields.
    signatures: list[SignatureReport]


@router.post("/validate", response=ValidationOut)
def validate(request: HttpRequest, file: File[UploadedFile]) -> dict[str, object]:
    """Validate every signature of the uploaded PDF against the configured trust store."""
    return validation_dict(selectors.signatures_validate(actor=_actor(request), data=read_pdf_upload(file)))


def validation_dict(result: ValidationResult) -> dict[str, object]:
    """A validation result in the shape of `ValidationOut` (also used by the outgoing API)."""
    return {
        "sha256": result.sha256,
        "all_valid": result.all_valid,
        "summary": result.summary,
        "signatures": [s.as_dict() for s in result.signatures],
    }
