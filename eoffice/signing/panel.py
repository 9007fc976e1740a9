"""The signature panel of a document: every signature of every PDF file, validated against the
configured trust store, cached per (file sha256, trust-store fingerprint).

The caller (documents, outgoing) owns the files; it passes each file's name, hash and a way to
read its bytes, which is only called on a cache miss. Shown on the pages and returned by the API.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import x509 as asn1_x509
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from eoffice.core.errors import DomainError
from eoffice.signing.models import SignatureCheck
from eoffice.signing.trust import trust_roots
from eoffice.signing.validation import MODIFICATION_LABELS, validate_pdf

# Keys of SignatureReport kept in the cache (its sentences are rebuilt in the reader's language).
_KEPT = (
    "field_name",
    "signer_name",
    "signer_organisation",
    "certificate_chain",
    "intact",
    "valid",
    "modification_level",
    "changed_form_fields",
    "docmdp_ok",
    "trusted",
    "expired",
    "revoked",
    "revocation_unknown",
    "certification",
    "bottom_line",
)


_DISPLAY_ONLY = ("signed_at", "modification_label")
log = logging.getLogger(__name__)
# The panel's error when EOFFICE_TRUST_STORE names no readable store: no file can be judged.
TRUST_STORE_UNREADABLE = "trust_store_unreadable"


def trust_fingerprint(roots: list[asn1_x509.Certificate]) -> str:
    """Same CA certificates, in any order → same fingerprint."""
    digest = hashlib.sha256()
    for der in sorted(cert.dump() for cert in roots):
        digest.update(hashlib.sha256(der).digest())
    return digest.hexdigest()


@dataclass
class FileSignatures:
    file_name: str
    sha256: str
    error: str = ""
    signatures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def all_valid(self) -> bool:
        return bool(self.signatures) and all(s["bottom_line"] for s in self.signatures)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "sha256": self.sha256,
            "error": self.error,
            "all_valid": self.all_valid,
            "signatures": [{k: v for k, v in s.items() if k not in _DISPLAY_ONLY} for s in self.signatures],
        }


def _compute(data: bytes, roots: list[asn1_x509.Certificate]) -> dict[str, Any]:
    try:
        result = validate_pdf(data, roots=roots)
    except DomainError as error:
        return {"error": error.code, "signatures": []}
    signatures = []
    for report in result.signatures:
        row = {key: getattr(report, key) for key in _KEPT}
        row["signing_time"] = report.signing_time.isoformat() if report.signing_time else None
        signatures.append(row)
    return {"error": "", "signatures": signatures}


def check_file(
    sha256: str, read: Callable[[], bytes], *, roots: list[asn1_x509.Certificate] | None = None
) -> dict[str, Any]:
    """The cached result for one file, validating it on the first call for this trust store."""
    anchors = trust_roots() if roots is None else roots
    fingerprint = trust_fingerprint(anchors)
    cached = SignatureCheck.objects.filter(sha256=sha256, trust_fingerprint=fingerprint).first()
    if cached is not None:
        return cached.result
    result = _compute(read(), anchors)
    try:
        # A concurrent first view may have stored the same result: the first one stays.
        with transaction.atomic():
            SignatureCheck.objects.create(sha256=sha256, trust_fingerprint=fingerprint, result=result)
    except IntegrityError:
        pass
    return result


def panel(files: list[tuple[str, str, Callable[[], bytes]]]) -> list[FileSignatures]:
    """(name, sha256, reader) of each PDF file → its signatures, with signing times as datetimes."""
    try:
        roots = trust_roots()
    except ImproperlyConfigured as exc:
        # A misconfigured store is the operator's to mend; the document stays readable meanwhile.
        log.error("signature panel: %s", exc)
        return [FileSignatures(name, sha256, TRUST_STORE_UNREADABLE, []) for name, sha256, _read in files]
    shown = []
    for name, sha256, read in files:
        result = check_file(sha256, read, roots=roots)
        signatures = []
        for row in result.get("signatures", []):
            row = dict(row)
            when = row.get("signing_time")
            row["signed_at"] = dt.datetime.fromisoformat(when) if when else None
            level = row.get("modification_level") or ""
            row["modification_label"] = (
                _(MODIFICATION_LABELS[level]) if level in MODIFICATION_LABELS else level
            )
            signatures.append(row)
        shown.append(FileSignatures(name, sha256, result.get("error", ""), signatures))
    return shown
