"""PAdES validation of the PDFs a package carries (ND 30 Phụ lục I: the legal signatures are there).

A signature whose bytes were changed after signing, or whose value does not match its certificate,
refuses the whole package (02, naming the file). An untrusted, expired or revoked certificate does
not: the clerk sees the report and decides. Reports are kept on the Receipt.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from eoffice.core.errors import DomainError
from eoffice.exchange import edxml
from eoffice.exchange.answers import Refused
from eoffice.signing.trust import trust_roots
from eoffice.signing.validation import validate_pdf


def _roots() -> list[Any]:
    # Without a configured trust store every signer shows as untrusted; integrity is still checked.
    try:
        return list(trust_roots())
    except ImproperlyConfigured:
        return []


def _is_pdf(name: str, content_type: str, head: bytes) -> bool:
    return head.startswith(b"%PDF") or content_type == "application/pdf" or name.lower().endswith(".pdf")


def check_files(files: list[tuple[str, edxml.Payload, str]]) -> list[dict[str, Any]]:
    reports: list[dict[str, Any]] = []
    roots = None
    for name, payload, content_type in files:
        with payload.open() as handle:
            head = handle.read(8)
        if not _is_pdf(name, content_type, head):
            continue
        try:
            roots = _roots() if roots is None else roots
            result = validate_pdf(payload.read_bytes(), roots=roots)
        except DomainError as exc:
            raise Refused(
                "pdf_invalid", _("Tệp «%(name)s» không phải PDF hợp lệ.") % {"name": name}, exc.message
            ) from exc
        broken = [s for s in result.signatures if not s.intact or not s.valid]
        if broken:
            raise Refused(
                "pdf_signature_invalid",
                _("Chữ ký số trên tệp «%(name)s» không hợp lệ: %(why)s")
                % {"name": name, "why": " ".join(broken[0].problems)},
                broken[0].field_name,
            )
        reports.append(
            {
                "file": name,
                "sha256": result.sha256,
                "summary": result.summary,
                "signatures": [
                    {
                        "signer": s.signer_name,
                        "organisation": s.signer_organisation,
                        "signing_time": s.signing_time.isoformat() if s.signing_time else None,
                        "trusted": s.trusted,
                        "valid": s.bottom_line,
                        "summary": s.summary,
                    }
                    for s in result.signatures
                ],
            }
        )
    return reports
