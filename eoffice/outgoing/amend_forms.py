"""Forms of the update (cập nhật) and answer pages. They parse input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eoffice.core.forms import RowsChoiceField
from eoffice.directory.models import Agency, AgencyStatus
from eoffice.documents.forms import BootstrapForm, MultipleFileField
from eoffice.documents.models import Urgency


class UpdateForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Lý do cập nhật"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    subject = forms.CharField(
        label=_("Trích yếu nội dung"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices)
    due_date = forms.DateField(
        label=_("Hạn trả lời"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    add_recipients = RowsChoiceField(
        label=_("Thêm nơi nhận"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    attachments = MultipleFileField(label=_("Thêm tệp đính kèm"), required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        self.agency = agency
        super().__init__(*args, **kwargs)

    def prepare_fields(self) -> None:
        self.fields["add_recipients"].queryset = (  # type: ignore[attr-defined]
            Agency.objects.filter(status=AgencyStatus.ACTIVE).exclude(pk=self.agency.pk).order_by("tree_path")
        )
