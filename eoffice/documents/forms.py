"""Forms of the clerk's pages. They parse input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eoffice.directory.models import Unit
from eoffice.documents.models import Competence, DocumentType, ReceivedVia, Secrecy, Urgency


class BootstrapForm(forms.Form):
    """Bootstrap controls (full width on a phone), and every field with an error marked for
    styling and screen readers — errors of cleaning and errors a service reports alike."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prepare_fields()
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        if self.is_bound:
            self._mark_errors()  # validates the form once

    def prepare_fields(self) -> None:
        """Set dynamic choices here: the styling above validates a bound form to mark errors."""

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self._mark_errors()

    def _mark_errors(self) -> None:
        for name in self.errors:  # during cleaning, the errors found so far
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            if "is-invalid" not in attrs.get("class", "").split():
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{name}-error"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            if self.required:
                raise forms.ValidationError(_("Cần chọn ít nhất một tệp."))
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class UploadForm(BootstrapForm):
    main_files = MultipleFileField(
        label=_("Tệp văn bản chính"),
        help_text=_("Một tệp PDF hoặc DOCX, hoặc nhiều ảnh các trang của bản quét (theo thứ tự trang)."),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.docx,.png,.jpg,.jpeg,.tif,.tiff"}),
    )
    attachments = MultipleFileField(label=_("Tệp đính kèm"), required=False)
    received_via = forms.ChoiceField(
        label=_("Nguồn tiếp nhận"),
        choices=[
            (c.value, c.label)
            for c in ReceivedVia
            if c in (ReceivedVia.PAPER_SCAN, ReceivedVia.EMAIL, ReceivedVia.UPLOAD)
        ],
        initial=ReceivedVia.PAPER_SCAN,
    )
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices, initial=Secrecy.NORMAL)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, initial=Urgency.NORMAL)


class ConfirmForm(BootstrapForm):
    document_type_id = forms.ModelChoiceField(
        label=_("Loại văn bản"), queryset=DocumentType.objects.filter(is_active=True), empty_label="—"
    )
    code_number = forms.CharField(label=_("Số"), max_length=11, required=False)
    code_notation = forms.CharField(label=_("Ký hiệu"), max_length=30, required=False)
    issued_date = forms.DateField(
        label=_("Ngày văn bản"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    organ_name = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    issuing_agency_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    link_agency = forms.BooleanField(label=_("Liên kết với cơ quan trong danh bạ"), required=False)
    subject = forms.CharField(
        label=_("Trích yếu nội dung"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    signer_competence = forms.ChoiceField(
        label=_("Thẩm quyền ký"), choices=Competence.choices, required=False
    )
    signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=100, required=False)
    signer_full_name = forms.CharField(label=_("Họ tên người ký"), max_length=50, required=False)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices)
    urgency_deadline = forms.DateTimeField(
        label=_("Hẹn giờ (hỏa tốc hẹn giờ)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices)
    page_amount = forms.IntegerField(label=_("Số trang"), required=False, min_value=1, max_value=99999)
    language = forms.CharField(label=_("Ngôn ngữ"), max_length=30, initial="Tiếng Việt")
    due_date = forms.DateField(
        label=_("Hạn trả lời"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    field = forms.CharField(
        label=_("Lĩnh vực"),
        max_length=100,
        required=False,
        help_text=_("Dùng cho quy tắc chuyển xử lý theo lĩnh vực, ví dụ: tổ chức cán bộ."),
    )
    description = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def clean_signer_competence(self) -> str:
        return self.cleaned_data.get("signer_competence") or ""


class RegisterCreateForm(BootstrapForm):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Tên sổ"), max_length=200, required=False)
    is_secret = forms.BooleanField(label=_("Sổ văn bản mật"), required=False)
    is_default = forms.BooleanField(label=_("Sổ mặc định của năm"), required=False)


class ExportForm(BootstrapForm):
    format = forms.ChoiceField(label=_("Định dạng"), choices=[("xlsx", "XLSX"), ("pdf", "PDF")])
    date_from = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))


class ReplyProposalForm(BootstrapForm):
    text = forms.CharField(
        label=_("Nội dung đề xuất văn bản trả lời"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


RULE_KINDS = [("type", _("Loại văn bản")), ("field", _("Lĩnh vực"))]


class RoutingRuleForm(BootstrapForm):
    """A standing rule "type or field → unit"; the key is built as "type:<code>" or "field:<text>"."""

    condition = forms.ChoiceField(label=_("Điều kiện theo"), choices=RULE_KINDS, initial="type")
    document_type = forms.ModelChoiceField(
        label=_("Loại văn bản"),
        queryset=DocumentType.objects.filter(is_active=True),
        required=False,
        empty_label="—",
    )
    field_text = forms.CharField(label=_("Lĩnh vực"), max_length=100, required=False)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("Chuyển đến đơn vị"), queryset=Unit.objects.none(), empty_label="—"
    )
    role = forms.ChoiceField(label=_("Vai trò của đơn vị"), choices=[])
    due_working_days = forms.IntegerField(
        label=_("Hạn xử lý (số ngày làm việc)"), required=False, min_value=1, max_value=366
    )

    def __init__(self, *args: Any, units: Any, roles: list[tuple[str, Any]], **kwargs: Any) -> None:
        self._units, self._roles = units, roles
        super().__init__(*args, **kwargs)

    def prepare_fields(self) -> None:
        self.fields["unit"].queryset = self._units  # type: ignore[attr-defined]
        self.fields["role"].choices = self._roles  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("condition") == "type" and not data.get("document_type"):
            self.add_error("document_type", _("Cần chọn loại văn bản."))
        if data.get("condition") == "field" and not (data.get("field_text") or "").strip():
            self.add_error("field_text", _("Cần nhập lĩnh vực."))
        return data

    def key(self) -> str:
        data = self.cleaned_data
        if data["condition"] == "type":
            return f"type:{data['document_type'].code}"
        return f"field:{' '.join(data['field_text'].split())}"
