"""Forms only parse input; every rule lives in the services, whose errors come back beside the field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError
from eoffice.directory.models import Agency, AgencyStatus, Unit
from eoffice.people.models import DelegationScope, Position, Role
from eoffice.people.rights import admin_root

MAX_QUERY = 100


def show_error(form: forms.Form, exc: DomainError) -> None:
    """Put a service's error beside the field it names, or on top of the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)
    if isinstance(form, StyledForm):
        form.mark_invalid()


def administrable_agencies(actor: Actor) -> QuerySet[Agency]:
    """Agencies where the actor may create positions (active, using this system)."""
    agencies = Agency.objects.filter(status=AgencyStatus.ACTIVE, hosted=True)
    if actor.is_superuser:
        return agencies.order_by("tree_path")
    root = admin_root(actor)
    if root is None or actor.is_system:
        return Agency.objects.none()
    return agencies.filter(tree_path__startswith=root.tree_path).order_by("tree_path")


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, and `is-invalid` on the fields that carry an error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_invalid()

    def mark_invalid(self) -> None:
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.agency.short_name or obj.agency.name} — {obj.name}"


class PositionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} · {obj.user.get_full_name()}"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name()} ({obj.username})"


class PersonSearchForm(StyledForm):
    q = forms.CharField(
        label=_("Tìm theo tên, tên đăng nhập, thư điện tử"), required=False, max_length=MAX_QUERY
    )
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Agency.objects.none(), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = administrable_agencies(actor)  # type: ignore[attr-defined]


class _PositionFields(StyledForm):
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Agency.objects.none())
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(), required=False)
    title = forms.CharField(label=_("Chức vụ"), max_length=200)
    roles = forms.MultipleChoiceField(
        label=_("Vai trò"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    is_primary = forms.BooleanField(label=_("Chức vụ chính"), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = administrable_agencies(actor)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        units = Unit.objects.filter(agency__in=agencies, is_active=True).select_related("agency")
        self.fields["unit"].queryset = units.order_by("agency__tree_path", "sort_order", "name")  # type: ignore[attr-defined]


class UserCreateForm(_PositionFields):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=32, required=False)
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        max_length=128,
        help_text=_("Để trống nếu người dùng chỉ đăng nhập một lần (SSO)."),
    )

    field_order = ["username", "full_name", "email", "phone", "password", "agency", "unit", "title", "roles"]


class UserEditForm(StyledForm):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=32, required=False)


class PasswordSetForm(StyledForm):
    password = forms.CharField(label=_("Mật khẩu mới"), widget=forms.PasswordInput, max_length=128)
    password_again = forms.CharField(label=_("Nhập lại mật khẩu"), widget=forms.PasswordInput, max_length=128)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("Hai mật khẩu không khớp."))
        return data


class PositionAddForm(_PositionFields):
    pass


class PositionEditForm(StyledForm):
    title = forms.CharField(label=_("Chức vụ"), max_length=200)
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Vai trò"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    is_primary = forms.BooleanField(label=_("Chức vụ chính"), required=False)

    def __init__(self, *args: Any, position: Position, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(agency_id=position.agency_id, is_active=True).select_related("agency")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class PositionEndForm(StyledForm):
    ends_on = forms.DateField(
        label=_("Ngày kết thúc"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DateTimeLocalField(forms.DateTimeField):
    """An <input type="datetime-local">, read in Vietnam time and stored in UTC."""

    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> datetime | None:
        result = super().to_python(value)
        if result is not None and timezone.is_naive(result):
            result = timezone.make_aware(result)
        return result


class DelegationForm(StyledForm):
    position = PositionChoiceField(label=_("Chức vụ ủy quyền"), queryset=Position.objects.none())
    delegate = PersonChoiceField(label=_("Người được ủy quyền"), queryset=Position.objects.none())
    scope = forms.ChoiceField(
        label=_("Phạm vi"), choices=DelegationScope.choices, initial=DelegationScope.ALL
    )
    starts_at = DateTimeLocalField(label=_("Từ"), required=False, help_text=_("Để trống: bắt đầu ngay."))
    ends_at = DateTimeLocalField(label=_("Đến"))
    reason = forms.CharField(label=_("Lý do"), max_length=500, required=False)

    def __init__(
        self, *args: Any, positions: list[Position], candidates: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        position_field: PositionChoiceField = self.fields["position"]  # type: ignore[assignment]
        position_field.queryset = Position.objects.filter(pk__in=[p.pk for p in positions]).select_related(
            "agency", "unit", "user"
        )
        delegate_field: PersonChoiceField = self.fields["delegate"]  # type: ignore[assignment]
        delegate_field.queryset = candidates
