"""Forms of the work pages. They parse input only; every rule lives in the services."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eoffice.work.candidates import Option
from eoffice.work.deadlines import DeadlineInput
from eoffice.work.selectors import BOXES, SORTS
from eoffice.work.services import LineSpec
from eoffice.work.statuses import ItemKind, LineRole, Urgency
from eoffice.workcalendar.engine import LOCAL_TZ

SORT_LABELS = {
    "-assigned_at": _("Mới nhận trước"),
    "assigned_at": _("Cũ trước"),
    "deadline": _("Hạn gần trước"),
}


def _grouped(options: list[Option]) -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for option in options:
        groups.setdefault(option.group, []).append((option.value, option.label))
    return list(groups.items())


class DeadlineFields(forms.Form):
    deadline_date = forms.DateField(
        label=_("Hạn xử lý (ngày)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    working_days = forms.IntegerField(
        label=_("hoặc số ngày làm việc"), required=False, min_value=1, max_value=366
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("deadline_date") and data.get("working_days"):
            raise forms.ValidationError(_("Chỉ nhập ngày hạn hoặc số ngày làm việc, không nhập cả hai."))
        return data

    def deadline(self) -> DeadlineInput:
        return DeadlineInput(
            on=self.cleaned_data.get("deadline_date"), working_days=self.cleaned_data.get("working_days")
        )


class AssignForm(DeadlineFields):
    lead = forms.ChoiceField(label=_("Chủ trì"), required=False)
    co = forms.MultipleChoiceField(
        label=_("Phối hợp"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    info = forms.MultipleChoiceField(
        label=_("Nhận để biết"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    direction = forms.CharField(
        label=_("Ý kiến chỉ đạo / nội dung giao"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, options: list[Option], info_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grouped = _grouped(options)
        self.info_only = info_only
        self.fields["info"].choices = [g for g in grouped if g[0] != str(_("Cơ quan khác"))]  # type: ignore[attr-defined]
        if info_only:
            # Passing on a "nhận để biết" line: only readers, no deadline, no work roles.
            for name in ("lead", "co", "deadline_date", "working_days"):
                del self.fields[name]
            self.fields["info"].required = True
            self.fields["direction"].label = _("Ghi chú khi chuyển")
            return
        self.fields["lead"].choices = [("", _("— Không thêm chủ trì —")), *grouped]  # type: ignore[attr-defined]
        self.fields["co"].choices = grouped  # type: ignore[attr-defined]

    def deadline(self) -> DeadlineInput:
        if self.info_only:
            return DeadlineInput()
        return super().deadline()

    def specs(self) -> list[LineSpec]:
        data = self.cleaned_data
        due = self.deadline()
        picked = [(LineRole.LEAD, data["lead"])] if data.get("lead") else []
        picked += [(LineRole.CO, v) for v in data.get("co", [])]
        picked += [(LineRole.INFO, v) for v in data.get("info", [])]
        specs = []
        for role, value in picked:
            kind, _sep, raw = value.partition(":")
            ident = int(raw)
            specs.append(
                LineSpec(
                    role=role,
                    target_kind=kind,
                    user_id=ident if kind == "person" else None,
                    unit_id=ident if kind == "unit" else None,
                    agency_id=ident if kind == "agency" else None,
                    deadline=due if role != LineRole.INFO else DeadlineInput(),
                )
            )
        return specs


class PresentForm(DeadlineFields):
    leader = forms.ChoiceField(label=_("Trình lãnh đạo"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)

    def __init__(self, *args: Any, options: list[Option], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [(o.value, o.label) for o in options]  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("Ý kiến"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=[("opinion", _("Ý kiến xử lý")), ("reply_proposal", _("Đề xuất văn bản trả lời"))],
    )


class ExtensionForm(forms.Form):
    proposed_date = forms.DateField(
        label=_("Gia hạn đến ngày"), widget=forms.DateInput(attrs={"type": "date"})
    )
    proposed_time = forms.TimeField(
        label=_("giờ"), required=False, initial=time(17, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    reason = forms.CharField(label=_("Lý do"), max_length=2000)

    def proposed(self) -> datetime:
        at = self.cleaned_data.get("proposed_time") or time(17, 0)
        return datetime.combine(self.cleaned_data["proposed_date"], at, LOCAL_TZ)


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Đồng ý")), ("0", _("Không đồng ý"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)


class BoxFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Loại việc"), required=False, choices=[("", _("Tất cả")), *ItemKind.choices]
    )
    urgency = forms.ChoiceField(
        label=_("Độ khẩn"), required=False, choices=[("", _("Tất cả")), *Urgency.choices]
    )
    role = forms.ChoiceField(
        label=_("Vai trò"), required=False, choices=[("", _("Tất cả")), *LineRole.choices]
    )
    sort = forms.ChoiceField(label=_("Sắp xếp"), required=False, choices=[(s, SORT_LABELS[s]) for s in SORTS])
    window = forms.IntegerField(
        label=_("Sắp đến hạn trong (giờ)"), required=False, min_value=1, max_value=24 * 60
    )
    box = forms.ChoiceField(required=False, choices=[(b.slug, b.label) for b in BOXES])
    cursor = forms.CharField(required=False, max_length=200)
