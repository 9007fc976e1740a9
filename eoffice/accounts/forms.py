"""Sign-in, second-factor and token forms (parsing only; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from eoffice.directory.models import Agency, AgencyStatus
from eoffice.people.forms import DateTimeLocalField, StyledForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form, its username held to the User model's length. Django only sets the
    input's maxlength, so a longer name went on to a failed sign-in that django-axes records in a
    255-character column (PostgreSQL refuses more: a server error); now it is refused beside the
    field before any attempt is made."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))  # type: ignore[attr-defined]


class CodeForm(StyledForm):
    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng."),
    )


class TokenForm(StyledForm):
    name = forms.CharField(label=_("Tên mã truy cập"), max_length=100)
    expires_at = DateTimeLocalField(
        label=_("Hết hạn lúc"), required=False, help_text=_("Để trống: không hết hạn.")
    )


class ServiceTokenForm(TokenForm):
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Agency.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.filter(status=AgencyStatus.ACTIVE, hosted=True).order_by("tree_path")
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
