"""Agency identifiers: QCVN 102 codes (mã định danh) and QĐ 20/2020 codes.

People creating an agency here must give a conforming QCVN 102 code (`NNN.NN.NN.Xnn`). The
national axis directory, though, carries legacy shapes (`28.22.H17`, `999.010.01.H22`,
`00.22.W00`, see shared/domain/edxml.md §7), so import accepts a loose class of codes and marks
them `code_conforms=False` instead of refusing them. Garbage is refused with a precise message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from eoffice.core.errors import ValidationFailed

STRICT_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}\Z")
# Digits and capital letters in dot-separated groups; no empty group, no leading/trailing dot.
LEGACY_CODE = re.compile(r"^[0-9A-Z]+(?:\.[0-9A-Z]+)*\Z")
LEGACY_MIN, LEGACY_MAX = 3, 32
STRICT_EXAMPLE = "000.00.01.H99"

QD20_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]*\Z")
QD20_MAX = 64


@dataclass(frozen=True)
class CodeCheck:
    code: str
    conforms: bool


def _fail(message: str, field: str = "code") -> ValidationFailed:
    return ValidationFailed("invalid_code", message, field=field)


def _shape_problem(code: str, *, what: str, maximum: int) -> str | None:
    """The first thing wrong with a code's characters, in words a clerk understands."""
    if code == "":
        return _("%(what)s không được để trống.") % {"what": what}
    if len(code) > maximum:
        return _("%(what)s dài %(length)d ký tự, vượt quá giới hạn %(maximum)d ký tự.") % {
            "what": what,
            "length": len(code),
            "maximum": maximum,
        }
    if any(ch.isspace() for ch in code):
        return _("%(what)s «%(code)s» không được chứa khoảng trắng.") % {"what": what, "code": code[:40]}
    return None


def check_code(raw: str, *, strict: bool) -> CodeCheck:
    """Validate a QCVN 102 code. Strict for codes typed here; loose (legacy) for imports."""
    code = raw if isinstance(raw, str) else ""
    what = _("Mã định danh")
    problem = _shape_problem(code, what=what, maximum=LEGACY_MAX)
    if problem:
        raise _fail(problem)
    if STRICT_CODE.match(code):
        return CodeCheck(code, True)
    if strict:
        if code.upper() != code and STRICT_CODE.match(code.upper()):
            raise _fail(
                _("Mã định danh «%(code)s» phải viết chữ in hoa: %(upper)s.")
                % {"code": code, "upper": code.upper()}
            )
        raise _fail(
            _(
                "Mã định danh «%(code)s» không đúng dạng NNN.NN.NN.Xnn theo QCVN 102 "
                "(3 chữ số, 2 chữ số, 2 chữ số, một chữ in hoa và 2 chữ số; ví dụ %(example)s)."
            )
            % {"code": code, "example": STRICT_EXAMPLE}
        )
    bad = sorted(
        {ch for ch in code if not (ch.isdigit() and ch.isascii()) and ch != "." and not ("A" <= ch <= "Z")}
    )
    if bad:
        if all(ch.isascii() and ch.islower() for ch in bad):
            raise _fail(_("Mã định danh «%(code)s» phải viết chữ in hoa.") % {"code": code})
        shown = ", ".join(f"«{ch}»" for ch in bad[:5])
        raise _fail(
            _(
                "Mã định danh «%(code)s» chứa ký tự không hợp lệ: %(chars)s. "
                "Chỉ dùng chữ số, chữ in hoa và dấu chấm."
            )
            % {"code": code, "chars": shown}
        )
    if len(code) < LEGACY_MIN:
        raise _fail(
            _("Mã định danh «%(code)s» quá ngắn (tối thiểu %(minimum)d ký tự).")
            % {"code": code, "minimum": LEGACY_MIN}
        )
    if not LEGACY_CODE.match(code):
        raise _fail(
            _("Mã định danh «%(code)s» có dấu chấm ở đầu, ở cuối hoặc hai dấu chấm liền nhau.")
            % {"code": code}
        )
    return CodeCheck(code, False)


def check_qd20(raw: str) -> str:
    """QĐ 20/2020 code: its layout was not found, so only refuse what is clearly not a code.

    Empty means "none" (the field is optional); uniqueness is enforced by the database.
    """
    code = raw if isinstance(raw, str) else ""
    if code == "":
        return ""
    what = _("Mã định danh QĐ 20/2020")
    problem = _shape_problem(code, what=what, maximum=QD20_MAX)
    if problem:
        raise _fail(problem, field="code_qd20")
    if not QD20_CODE.match(code):
        raise _fail(
            _(
                "Mã định danh QĐ 20/2020 «%(code)s» chỉ được gồm chữ cái không dấu, chữ số và các dấu . - _ "
                "(bắt đầu bằng chữ hoặc số)."
            )
            % {"code": code[:40]},
            field="code_qd20",
        )
    return code
