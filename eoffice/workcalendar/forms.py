"""Forms of the calendar page: they parse input; the rules live in services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eoffice.core.errors import DomainError, ValidationFailed
from eoffice.workcalendar.models import OverrideKind
from eoffice.workcalendar.sessions import MAX_SESSIONS, Session, parse_hhmm

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def attach_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal beside the field it names (or above the form)."""
    name = error.field if error.field in form.fields else None
    form.add_error(name, error.message)


class OverrideForm(forms.Form):
    day = forms.DateField(
        label=_("Ngày"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={"required": _("Cần chọn ngày."), "invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")},
    )
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=OverrideKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": _("Loại điều chỉnh không hợp lệ.")},
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control", "maxlength": 500}),
        error_messages={"required": _("Cần nhập lý do.")},
    )
    source = forms.CharField(
        label=_("Văn bản căn cứ"),
        required=False,
        max_length=255,
        widget=forms.TextInput(
            attrs={"class": "form-control", "maxlength": 255, "placeholder": _("Thông báo 6150/TB-BLĐTBXH")}
        ),
    )

    # Services name the date field "date"; the form calls it "day" (a form field cannot be "date").
    def add_domain_error(self, error: DomainError) -> None:
        if error.field == "date":
            self.add_error("day", error.message)
        else:
            attach_error(self, error)


class WorkingHoursForm(forms.Form):
    """Up to MAX_SESSIONS sessions as "HH:MM" pairs; empty rows are ignored."""

    def __init__(
        self, *args: Any, initial_sessions: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        initial_sessions = initial_sessions or []
        for index in range(MAX_SESSIONS):
            start, end = initial_sessions[index] if index < len(initial_sessions) else ("", "")
            attrs = {"class": "form-control", "type": "time", "step": 60}
            self.fields[f"start_{index}"] = forms.CharField(
                label=_("Bắt đầu ca %(n)s") % {"n": index + 1},
                required=False,
                initial=start,
                max_length=10,
                widget=forms.TextInput(attrs=attrs),
            )
            self.fields[f"end_{index}"] = forms.CharField(
                label=_("Kết thúc ca %(n)s") % {"n": index + 1},
                required=False,
                initial=end,
                max_length=10,
                widget=forms.TextInput(attrs=attrs),
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"start_{i}"], self[f"end_{i}"]) for i in range(MAX_SESSIONS)]

    def sessions(self) -> list[Session] | None:
        """The parsed sessions, or None after adding errors to the form."""
        if not self.is_valid():
            return None
        result: list[Session] = []
        for index in range(MAX_SESSIONS):
            start_raw = self.cleaned_data[f"start_{index}"].strip()
            end_raw = self.cleaned_data[f"end_{index}"].strip()
            if not start_raw and not end_raw:
                continue
            try:
                start = parse_hhmm(start_raw or "?", field=f"start_{index}")
                end = parse_hhmm(end_raw or "?", field=f"end_{index}")
            except ValidationFailed as error:
                attach_error(self, error)
                return None
            result.append((start, end))
        return result


class CalculatorForm(forms.Form):
    OPERATIONS = [
        ("add_days", _("Cộng số ngày làm việc")),
        ("add_hours", _("Cộng số giờ làm việc")),
        ("between", _("Thời gian làm việc giữa hai thời điểm")),
    ]
    operation = forms.ChoiceField(
        label=_("Phép tính"), choices=OPERATIONS, widget=forms.Select(attrs={"class": "form-select"})
    )
    start = forms.DateTimeField(
        label=_("Từ thời điểm"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}),
        error_messages={
            "required": _("Cần nhập thời điểm bắt đầu."),
            "invalid": _("Thời điểm không hợp lệ."),
        },
    )
    amount = forms.DecimalField(
        label=_("Số ngày / số giờ"),
        required=False,
        min_value=0,
        max_value=10000,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
        error_messages={
            "invalid": _("Số không hợp lệ."),
            "min_value": _("Không được nhập số âm."),
            "max_value": _("Số quá lớn (tối đa 10000)."),
        },
    )
    end = forms.DateTimeField(
        label=_("Đến thời điểm"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}),
        error_messages={"invalid": _("Thời điểm không hợp lệ.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        operation = data.get("operation")
        if operation in {"add_days", "add_hours"} and data.get("amount") is None:
            self.add_error("amount", _("Cần nhập số ngày hoặc số giờ."))
        if (
            operation == "add_days"
            and data.get("amount") is not None
            and data["amount"] != int(data["amount"])
        ):
            self.add_error("amount", _("Số ngày làm việc phải là số nguyên."))
        if operation == "between":
            start, end = data.get("start"), data.get("end")
            if end is None:
                self.add_error("end", _("Cần nhập thời điểm kết thúc."))
            elif isinstance(start, datetime) and end < start:
                self.add_error("end", _("Thời điểm kết thúc phải sau thời điểm bắt đầu."))
        return data


def local_now_input() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")
