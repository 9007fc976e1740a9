"""Forms only parse input; every rule lives in the services (their errors land beside the field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from eoffice.core.errors import DomainError
from eoffice.directory.models import AgencyKind, Unit

# Service error fields that are called differently in the forms.
FIELD_ALIASES = {"parent": "parent_code", "into": "into_code", "file": "file", "format": "format"}


def attach_error(form: forms.Form, exc: DomainError) -> None:
    """Show a domain error beside its field, or above the form when it names none we show."""
    field = FIELD_ALIASES.get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


class BootstrapMixin:
    fields: dict[str, forms.Field]

    def style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class AgencyForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("Mã định danh (QCVN 102)"),
        max_length=64,
        help_text=_("Dạng NNN.NN.NN.Xnn, ví dụ 000.00.01.H99"),
    )
    name = forms.CharField(label=_("Tên đầy đủ"), max_length=1000)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=1000, required=False)
    abbreviation = forms.CharField(
        label=_("Chữ viết tắt trong ký hiệu văn bản"),
        max_length=100,
        required=False,
        help_text=_("Ví dụ: UBND, SNV"),
    )
    code_qd20 = forms.CharField(label=_("Mã định danh QĐ 20/2020"), max_length=1000, required=False)
    kind = forms.ChoiceField(label=_("Loại cơ quan"), choices=AgencyKind.choices, initial=AgencyKind.OTHER)
    address = forms.CharField(label=_("Địa chỉ"), max_length=1000, required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=1000, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=1000, required=False)
    fax = forms.CharField(label=_("Fax"), max_length=1000, required=False)
    website = forms.CharField(label=_("Trang thông tin"), max_length=1000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def details(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("code")
        data.pop("name")
        return data


class PickAgencyMixin:
    """A code field with live suggestions (datalist filled by HTMX from directory:pick)."""

    @staticmethod
    def picker(label: Any, *, required: bool, help_text: Any = "") -> forms.CharField:
        return forms.CharField(
            label=label,
            max_length=64,
            required=required,
            help_text=help_text,
            # HTMX fills the shared <datalist> with suggestions as the admin types.
            widget=forms.TextInput(
                attrs={
                    "list": "eo-agency-options",
                    "autocomplete": "off",
                    "hx-get": reverse_lazy("directory:pick"),
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#eo-agency-options",
                }
            ),
        )


class MoveForm(BootstrapMixin, PickAgencyMixin, forms.Form):
    parent_code = PickAgencyMixin.picker(
        _("Mã cơ quan cấp trên mới"), required=False, help_text=_("Để trống để đưa lên cấp cao nhất.")
    )
    effective_on = forms.DateField(
        label=_("Có hiệu lực từ"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class MergeForm(BootstrapMixin, PickAgencyMixin, forms.Form):
    into_code = PickAgencyMixin.picker(_("Mã cơ quan tiếp nhận (kế thừa)"), required=True)
    effective_on = forms.DateField(
        label=_("Có hiệu lực từ"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Căn cứ, ghi chú"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class DissolveForm(BootstrapMixin, forms.Form):
    effective_on = forms.DateField(
        label=_("Có hiệu lực từ"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Căn cứ, ghi chú"), max_length=500, required=False)
    confirm = forms.BooleanField(label=_("Tôi xác nhận giải thể cơ quan này"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class UnitForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Tên đơn vị"), max_length=1000)
    code = forms.CharField(label=_("Mã đơn vị"), max_length=100, required=False)
    abbreviation = forms.CharField(label=_("Chữ viết tắt"), max_length=100, required=False)
    parent = forms.ModelChoiceField(label=_("Đơn vị cha"), queryset=Unit.objects.none(), required=False)
    sort_order = forms.IntegerField(
        label=_("Thứ tự"), min_value=0, max_value=1_000_000, initial=0, required=False
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["parent"].queryset = units  # type: ignore[attr-defined]
        self.style()


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Tệp danh bạ (CSV hoặc JSON)"))
    format = forms.ChoiceField(
        label=_("Định dạng"),
        choices=[("", _("Theo đuôi tệp")), ("csv", "CSV"), ("json", "JSON")],
        required=False,
    )
    dry_run = forms.BooleanField(label=_("Chạy thử: chỉ kiểm tra, không ghi"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()
