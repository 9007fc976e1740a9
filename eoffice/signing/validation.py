"""Validate every signature of a PDF against the trust store and say, in plain words, what holds.

pyHanko does the work (integrity, chain, modification analysis with the default diff policy); this
module turns each status into a flat `SignatureReport` the UI and the API show as is. No network:
revocation is not fetched, so a trusted signature reports `revocation_unknown=True` unless the
document carries revocation data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from eoffice.signing import errors
from eoffice.signing.pades import PARSE_ERRORS, VIETNAM, read_pdf
from eoffice.signing.trust import trust_roots

_EXPIRED = {
    AdESIndeterminate.EXPIRED,
    AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
    AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
}
_UNTRUSTED = {
    AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND,
    AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE,
}
_SIGNATURE_ERRORS: tuple[type[BaseException], ...] = (SignatureValidationError, *PARSE_ERRORS)
MODIFICATION_LABELS = _MODIFICATION_VI = {
    "NONE": _noop("không có thay đổi"),
    "LTA_UPDATES": _noop("chỉ bổ sung dữ liệu kiểm tra dài hạn"),
    "FORM_FILLING": _noop("chỉ điền ô dữ liệu và ký tiếp (được phép)"),
    "ANNOTATIONS": _noop("thêm chú thích"),
    "OTHER": _noop("có thay đổi không được phép"),
}


@dataclass
class SignatureReport:
    field_name: str
    signer_name: str
    signer_organisation: str
    certificate_chain: list[str]
    signing_time: dt.datetime | None
    intact: bool
    valid: bool
    coverage: str
    modification_level: str
    changed_form_fields: list[str]
    docmdp_ok: bool | None
    trusted: bool
    expired: bool
    revoked: bool
    revocation_unknown: bool
    certification: bool
    bottom_line: bool
    problems: list[str] = field(default_factory=list)
    summary: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ValidationResult:
    sha256: str
    signatures: list[SignatureReport]

    @property
    def all_valid(self) -> bool:
        return bool(self.signatures) and all(s.bottom_line for s in self.signatures)

    @property
    def summary(self) -> str:
        if not self.signatures:
            return _("Tệp không có chữ ký số.")
        if self.all_valid:
            return _("Tất cả %(n)s chữ ký số đều hợp lệ.") % {"n": len(self.signatures)}
        bad = sum(1 for s in self.signatures if not s.bottom_line)
        return _("%(bad)s/%(n)s chữ ký số không hợp lệ.") % {"bad": bad, "n": len(self.signatures)}


def _name(cert: asn1_x509.Certificate, key: str) -> str:
    return str(cert.subject.native.get(key) or "")


def _problems(status: PdfSignatureStatus, expired: bool) -> list[str]:
    problems: list[str] = []
    if not status.intact:
        problems.append(_("Nội dung đã bị sửa sau khi ký (sai mã băm)."))
    elif not status.valid:
        problems.append(_("Giá trị chữ ký không đúng với chứng thư số."))
    if expired:
        problems.append(_("Chứng thư số đã hết hạn."))
    elif status.revoked:
        problems.append(_("Chứng thư số đã bị thu hồi."))
    elif not status.trusted:
        problems.append(_("Chứng thư số không do tổ chức được tin cậy cấp."))
    if status.docmdp_ok is False:
        problems.append(_("Văn bản có thay đổi không được phép sau khi ký."))
    diff = status.diff_result
    if diff is not None and not hasattr(diff, "changed_form_fields"):
        problems.append(str(diff)[:300])
    return problems


def _summary(report: SignatureReport) -> str:
    when = report.signing_time.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M") if report.signing_time else "?"
    if report.bottom_line:
        return _("Chữ ký của %(who)s lúc %(when)s hợp lệ; sau khi ký: %(mod)s.") % {
            "who": report.signer_name,
            "when": when,
            "mod": _(_MODIFICATION_VI.get(report.modification_level, report.modification_level)),
        }
    return _("Chữ ký của %(who)s lúc %(when)s KHÔNG hợp lệ: %(why)s") % {
        "who": report.signer_name,
        "when": when,
        "why": " ".join(report.problems) or _("không rõ lý do."),
    }


def _report(field_name: str, status: PdfSignatureStatus, certification: bool) -> SignatureReport:
    cert = status.signing_cert
    indication = status.trust_problem_indic
    expired = indication in _EXPIRED
    path = status.validation_path
    chain = [c.subject.human_friendly for c in path] if path is not None else [cert.subject.human_friendly]
    diff = status.diff_result
    changed = sorted(getattr(diff, "changed_form_fields", set()) or set())
    report = SignatureReport(
        field_name=field_name,
        signer_name=_name(cert, "common_name"),
        signer_organisation=_name(cert, "organization_name"),
        certificate_chain=chain,
        signing_time=status.signer_reported_dt,
        intact=status.intact,
        valid=status.valid,
        coverage=status.coverage.name if status.coverage else "",
        modification_level=status.modification_level.name if status.modification_level else "",
        changed_form_fields=changed,
        docmdp_ok=status.docmdp_ok,
        trusted=status.trusted,
        expired=expired,
        revoked=status.revoked or indication in {AdESFailure.REVOKED, AdESIndeterminate.REVOKED_NO_POE},
        revocation_unknown=status.trusted and not status.revoked,
        certification=certification,
        bottom_line=status.bottom_line,
    )
    report.problems = _problems(status, expired)
    report.summary = _summary(report)
    return report


def validate_pdf(data: bytes, *, roots: list[asn1_x509.Certificate] | None = None) -> ValidationResult:
    """Validate every signature in `data`; refuses encrypted and corrupt files."""
    reader = read_pdf(data)
    anchors = trust_roots() if roots is None else roots
    reports: list[SignatureReport] = []
    try:
        embedded = list(reader.embedded_regular_signatures)
    except PARSE_ERRORS as exc:
        raise errors.pdf_corrupt(str(exc)) from exc
    for signature in embedded:
        context = ValidationContext(trust_roots=anchors, allow_fetching=False)
        try:
            status = validate_pdf_signature(signature, signer_validation_context=context)
            report = _report(signature.field_name, status, signature.docmdp_level is not None)
        except _SIGNATURE_ERRORS as exc:
            # A damaged signature or revision is a verdict on that signature, not on the upload.
            report = _broken(signature.field_name, str(exc))
        reports.append(report)
    return ValidationResult(sha256=hashlib.sha256(data).hexdigest(), signatures=reports)


def _broken(field_name: str, detail: str) -> SignatureReport:
    report = SignatureReport(
        field_name=field_name,
        signer_name="",
        signer_organisation="",
        certificate_chain=[],
        signing_time=None,
        intact=False,
        valid=False,
        coverage="",
        modification_level="",
        changed_form_fields=[],
        docmdp_ok=None,
        trusted=False,
        expired=False,
        revoked=False,
        revocation_unknown=True,
        certification=False,
        bottom_line=False,
        problems=[_("Không đọc được chữ ký: %(detail)s") % {"detail": detail[:200]}],
    )
    report.summary = _summary(report)
    return report
