"""The key a signer brings (a PIN for their token, or a PKCS#12 file and its password)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from eoffice.documents.forms import BootstrapForm


class KeyForm(BootstrapForm):
    pin = forms.CharField(
        label=_("Mã PIN thiết bị ký"),
        required=False,
        max_length=64,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Dùng thiết bị ký số (token) đã được quản trị khai báo."),
    )
    pkcs12 = forms.FileField(
        label=_("Hoặc tệp khóa PKCS#12 (.p12, .pfx)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx,application/x-pkcs12"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu tệp khóa"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
