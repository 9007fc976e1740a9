"""Field rules for agencies and units, shared by the services, the forms and the importer.

Each check raises `ValidationFailed` naming the field, with a Vietnamese message, so the page
shows it beside the field, the API returns it structured, and the importer reports it per row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeAlias

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from eoffice.core.errors import ValidationFailed
from eoffice.directory.identifiers import check_qd20
from eoffice.directory.models import AgencyKind, AgencyStatus

StrOrPromise: TypeAlias = str | Promise

AGENCY_TEXT_FIELDS: dict[str, tuple[StrOrPromise, int]] = {
    "name": (_lazy("Tên đầy đủ"), 500),
    "short_name": (_lazy("Tên viết tắt"), 200),
    "abbreviation": (_lazy("Chữ viết tắt trong ký hiệu"), 30),
    "address": (_lazy("Địa chỉ"), 500),
    "email": (_lazy("Thư điện tử"), 254),
    "phone": (_lazy("Điện thoại"), 64),
    "fax": ("Fax", 64),
    "website": (_lazy("Trang thông tin"), 300),
}
UNIT_TEXT_FIELDS: dict[str, tuple[StrOrPromise, int]] = {
    "name": (_lazy("Tên đơn vị"), 300),
    "code": (_lazy("Mã đơn vị"), 40),
    "abbreviation": (_lazy("Chữ viết tắt"), 30),
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+\Z")
_PHONE = re.compile(r"^[0-9+().\-\s/,;]*\Z")
_WEBSITE = re.compile(r"^(https?://)?[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+\Z")
_UNIT_CODE = re.compile(r"^[0-9A-Za-z.\-_]*\Z")
_TRUE = {"1", "true", "yes", "x", "có", "co"}
_FALSE = {"0", "false", "no", "", "không", "khong"}


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("invalid_input", message, field=field)


def clean_text(field: str, value: Any, *, label: StrOrPromise, maximum: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise invalid(field, _("%(label)s phải là chuỗi ký tự.") % {"label": label})
    text = value.strip()
    if required and not text:
        raise invalid(field, _("%(label)s không được để trống.") % {"label": label})
    if len(text) > maximum:
        raise invalid(
            field,
            _("%(label)s dài %(length)s ký tự, vượt quá giới hạn %(maximum)s ký tự.")
            % {"label": label, "length": len(text), "maximum": maximum},
        )
    if _CONTROL.search(text):
        raise invalid(field, _("%(label)s chứa ký tự điều khiển không hợp lệ.") % {"label": label})
    return text


def _check_formats(cleaned: dict[str, Any]) -> None:
    email = cleaned.get("email")
    if email and not _EMAIL.match(email):
        raise invalid(
            "email",
            _("Thư điện tử «%(email)s» không đúng định dạng (ví dụ: snv@tinh.gov.vn).")
            % {"email": email[:80]},
        )
    for field, label in (("phone", _("Điện thoại")), ("fax", "Fax")):
        value = cleaned.get(field)
        if value and not _PHONE.match(value):
            raise invalid(
                field,
                _("%(label)s «%(value)s» chỉ được gồm chữ số, dấu cách và các ký tự + ( ) . - / , ;")
                % {"label": label, "value": value[:40]},
            )
    website = cleaned.get("website")
    if website and not _WEBSITE.match(website):
        raise invalid(
            "website",
            _("Trang thông tin «%(website)s» không phải địa chỉ web hợp lệ.") % {"website": website[:80]},
        )
    abbreviation = cleaned.get("abbreviation")
    if abbreviation and (any(ch.isspace() for ch in abbreviation) or "/" in abbreviation):
        raise invalid(
            "abbreviation",
            _("Chữ viết tắt dùng trong ký hiệu văn bản không được chứa khoảng trắng hoặc dấu «/»."),
        )


def parse_kind(value: Any) -> str:
    text = (value or "").strip() if isinstance(value, str) else value
    if text in ("", None):
        return AgencyKind.OTHER
    if text not in AgencyKind.values:
        allowed = ", ".join(AgencyKind.values)
        raise invalid(
            "kind",
            _("Loại cơ quan «%(value)s» không hợp lệ; dùng một trong: %(allowed)s.")
            % {"value": str(text)[:40], "allowed": allowed},
        )
    return str(text)


def parse_status(value: Any) -> str:
    text = (value or "").strip() if isinstance(value, str) else value
    if text in ("", None):
        return AgencyStatus.ACTIVE
    if text not in AgencyStatus.values:
        allowed = ", ".join(AgencyStatus.values)
        raise invalid(
            "status",
            _("Trạng thái «%(value)s» không hợp lệ; dùng một trong: %(allowed)s.")
            % {"value": str(text)[:40], "allowed": allowed},
        )
    return str(text)


def parse_bool(field: str, value: Any, *, label: StrOrPromise) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise invalid(
        field,
        _("%(label)s «%(value)s» không hợp lệ; dùng 1/0, true/false hoặc có/không.")
        % {"label": label, "value": str(value)[:20]},
    )


def clean_agency_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Clean the descriptive fields present in `values` (absent keys stay absent)."""
    cleaned: dict[str, Any] = {}
    for field, (label, maximum) in AGENCY_TEXT_FIELDS.items():
        if field in values:
            cleaned[field] = clean_text(
                field, values[field], label=label, maximum=maximum, required=field == "name"
            )
    if "code_qd20" in values:
        raw = values["code_qd20"]
        cleaned["code_qd20"] = check_qd20(
            raw.strip() if isinstance(raw, str) else "" if raw is None else str(raw)
        )
    if "kind" in values:
        cleaned["kind"] = parse_kind(values["kind"])
    if "hosted" in values:
        cleaned["hosted"] = parse_bool("hosted", values["hosted"], label=_("Dùng hệ thống này"))
    _check_formats(cleaned)
    return cleaned


def clean_unit_values(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for field, (label, maximum) in UNIT_TEXT_FIELDS.items():
        if field in values:
            cleaned[field] = clean_text(
                field, values[field], label=label, maximum=maximum, required=field == "name"
            )
    code = cleaned.get("code")
    if code and not _UNIT_CODE.match(code):
        raise invalid("code", _("Mã đơn vị chỉ được gồm chữ cái không dấu, chữ số và các dấu . - _"))
    if "sort_order" in values:
        order = values["sort_order"]
        if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 1_000_000:
            raise invalid("sort_order", _("Thứ tự sắp xếp phải là số nguyên từ 0 đến 1.000.000."))
        cleaned["sort_order"] = order
    return cleaned
