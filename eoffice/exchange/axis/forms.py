"""The axis account form (shape only; `services.axis_save` checks the rules). Secrets are never
rendered back: left empty on an edit, the stored one is kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from eoffice.documents.forms import BootstrapForm
from eoffice.exchange.axis.models import Axis, AxisAuthChoice, AxisStyleChoice

SECRETS = ("secret", "consumer_secret")
DEFAULT_API_PATH = "/truclienthong/v1.0.0"


class AxisForm(BootstrapForm):
    name = forms.CharField(label=_lazy("Tên"), max_length=200)
    style = forms.ChoiceField(label=_lazy("Kiểu trục"), choices=AxisStyleChoice.choices)
    base_url = forms.CharField(
        label=_lazy("Địa chỉ gốc"), max_length=300, help_text="http://vxpdungchung.vnpt.vn"
    )
    system_id = forms.CharField(label=_lazy("Mã hệ thống"), max_length=100)
    secret = forms.CharField(
        label=_lazy("Khóa bí mật"),
        max_length=300,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    auth = forms.ChoiceField(
        label=_lazy("Cách xác thực (LGSP)"), choices=AxisAuthChoice.choices, initial=AxisAuthChoice.KEY
    )
    consumer_key = forms.CharField(label=_lazy("Consumer key (LGSP token)"), max_length=200, required=False)
    consumer_secret = forms.CharField(
        label=_lazy("Consumer secret (LGSP token)"),
        max_length=300,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    api_path = forms.CharField(
        label=_lazy("Đường dẫn API (LGSP)"), max_length=200, required=False, initial=DEFAULT_API_PATH
    )
    province_path = forms.CharField(
        label=_lazy("Mã danh bạ tỉnh (LGSP)"), max_length=50, required=False, initial="qn"
    )
    is_active = forms.BooleanField(label=_lazy("Đang dùng"), required=False, initial=True)
    is_default = forms.BooleanField(label=_lazy("Trục mặc định"), required=False)

    def __init__(self, data: Any = None, *, axis: Axis | None = None) -> None:
        self.axis = axis
        initial = None
        if axis is not None:
            initial = {name: getattr(axis, name) for name in self.base_fields if name not in SECRETS}
        super().__init__(data, initial=initial)
        if axis is not None:
            hint = _lazy("Để trống để giữ khóa đang dùng.")
            for name in SECRETS:
                self.fields[name].help_text = hint

    def to_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values["api_path"] = values["api_path"] or DEFAULT_API_PATH
        values["province_path"] = values["province_path"] or "qn"
        for name in SECRETS:
            if self.axis is not None and not values[name]:
                del values[name]
        return values
