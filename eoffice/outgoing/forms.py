"""Forms of the outgoing pages. They parse input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eoffice.core.forms import RowsChoiceField
from eoffice.directory.models import Agency, AgencyStatus
from eoffice.documents.forms import BootstrapForm, MultipleFileField
from eoffice.documents.models import Competence, DocumentType, Secrecy, Urgency
from eoffice.outgoing.models import AdvisoryBody, DraftVersion, OutgoingNumber
from eoffice.people.models import Position


class DraftForm(BootstrapForm):
    document_type = forms.ModelChoiceField(label=_("Loại văn bản"), queryset=DocumentType.objects.none())
    subject = forms.CharField(
        label=_("Trích yếu nội dung"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    recipients = RowsChoiceField(
        label=_("Nơi nhận trong danh bạ"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Cơ quan trong hệ thống nhận ngay; cơ quan ngoài hệ thống chờ gửi qua trục liên thông."),
    )
    recipient_lines = forms.CharField(
        label=_("Nơi nhận khác"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một nơi nhận, ví dụ «Như trên;», «Lưu: VT, TCBC.»"),
    )
    signer = forms.ModelChoiceField(label=_("Người ký"), queryset=Position.objects.none(), required=False)
    signer_competence = forms.ChoiceField(
        label=_("Thẩm quyền ký"), choices=Competence.choices, required=False
    )
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices, initial=Secrecy.NORMAL)
    due_date = forms.DateField(
        label=_("Hạn trả lời"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    advisory_body = forms.ModelChoiceField(
        label=_("Ban hành nhân danh tổ chức tư vấn"), queryset=AdvisoryBody.objects.none(), required=False
    )
    reply_to_id = forms.IntegerField(label=_("Trả lời văn bản đến (mã số)"), required=False, min_value=1)
    replaces_id = forms.IntegerField(label=_("Thay thế văn bản (mã số)"), required=False, min_value=1)
    replaces_draft_id = forms.IntegerField(
        label=_("Thay thế văn bản đi đã phát hành (mã số)"), required=False, min_value=1
    )
    corrects_draft_id = forms.IntegerField(
        label=_("Đính chính văn bản đi đã phát hành (mã số)"), required=False, min_value=1
    )
    main_file = forms.FileField(
        label=_("Tệp văn bản chính"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
        help_text=_("DOCX hoặc PDF. Khi sửa, để trống để giữ tệp hiện có."),
    )
    attachments = MultipleFileField(label=_("Tệp đính kèm"), required=False)
    note = forms.CharField(label=_("Ghi chú thay đổi"), required=False, max_length=500)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        self.agency = agency
        super().__init__(*args, **kwargs)

    def prepare_fields(self) -> None:
        agency = self.agency
        self.fields["document_type"].queryset = DocumentType.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["recipients"].queryset = (  # type: ignore[attr-defined]
            Agency.objects.filter(status=AgencyStatus.ACTIVE).exclude(pk=agency.pk).order_by("tree_path")
        )
        self.fields["signer"].queryset = (  # type: ignore[attr-defined]
            Position.objects.filter(agency=agency, is_active=True).select_related("user").order_by("title")
        )
        self.fields["advisory_body"].queryset = AdvisoryBody.objects.filter(  # type: ignore[attr-defined]
            agency=agency, is_active=True
        )


def initial_from(version: DraftVersion) -> dict[str, Any]:
    return {
        "document_type": version.document_type_id,
        "subject": version.subject,
        "recipients": [r.agency_id for r in version.recipients.all()],
        "recipient_lines": version.recipient_lines,
        "signer": version.signer_id,
        "signer_competence": version.signer_competence,
        "urgency": version.urgency,
        "secrecy": version.secrecy,
        "due_date": version.due_date,
        "advisory_body": version.advisory_body_id,
        "reply_to_id": version.reply_to_id,
        "replaces_id": version.replaces_id,
        "replaces_draft_id": version.replaces_draft_id,
        "corrects_draft_id": version.corrects_draft_id,
    }


class ReserveForm(BootstrapForm):
    document_type = forms.ModelChoiceField(label=_("Loại văn bản"), queryset=DocumentType.objects.none())
    secret = forms.BooleanField(label=_("Văn bản mật"), required=False)
    advisory_body = forms.ModelChoiceField(
        label=_("Tổ chức tư vấn"), queryset=AdvisoryBody.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Lý do giữ số"), max_length=300, required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        self.agency = agency
        super().__init__(*args, **kwargs)

    def prepare_fields(self) -> None:
        self.fields["document_type"].queryset = DocumentType.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["advisory_body"].queryset = AdvisoryBody.objects.filter(  # type: ignore[attr-defined]
            agency=self.agency, is_active=True
        )


class NumberForm(BootstrapForm):
    reserved = forms.ModelChoiceField(
        label=_("Dùng số đã giữ"), queryset=OutgoingNumber.objects.none(), required=False
    )
    issued_date = forms.DateField(
        label=_("Ngày văn bản"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, reserved: Any, **kwargs: Any) -> None:
        self.reserved_choices = reserved
        super().__init__(*args, **kwargs)

    def prepare_fields(self) -> None:
        self.fields["reserved"].queryset = self.reserved_choices  # type: ignore[attr-defined]


class RuleForm(BootstrapForm):
    per_type = forms.BooleanField(label=_("Mỗi loại văn bản một dãy số"), required=False)


class AdvisoryBodyForm(BootstrapForm):
    name = forms.CharField(label=_("Tên tổ chức tư vấn"), max_length=200)
    abbreviation = forms.CharField(label=_("Chữ viết tắt"), max_length=20)


class ExportForm(BootstrapForm):
    date_from = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(choices=[("xlsx", "XLSX"), ("pdf", "PDF")])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("Từ ngày phải trước hoặc bằng đến ngày."))
        return data
