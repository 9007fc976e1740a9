"""Forms of the comment-round pages (lấy ý kiến). They parse input only; the services decide."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from eoffice.directory.models import Agency, Unit
from eoffice.documents.forms import BootstrapForm, MultipleFileField
from eoffice.outgoing.comments import Invitee
from eoffice.outgoing.models import Verdict
from eoffice.people.models import Position
from eoffice.workcalendar.engine import LOCAL_TZ

MAX_OPTIONS = 500


def invitee_choices(agency: Agency, exclude_user_id: int | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """People and units of the agency, grouped, as "person:<user id>" / "unit:<unit id>"."""
    people: list[tuple[str, str]] = []
    seen: set[int] = set()
    positions = (
        Position.objects.filter(agency=agency, is_active=True, user__is_active=True)
        .select_related("user", "unit")
        .order_by("unit__name", "user__full_name")[:MAX_OPTIONS]
    )
    for position in positions:
        if position.user_id in seen or position.user_id == exclude_user_id:
            continue
        seen.add(position.user_id)
        where = f" ({position.unit.name})" if position.unit is not None else ""
        people.append(
            (f"person:{position.user_id}", f"{position.user.get_full_name()} — {position.title}{where}")
        )
    units = [
        (f"unit:{u.pk}", u.name)
        for u in Unit.objects.filter(agency=agency, is_active=True).order_by("sort_order", "name")[
            :MAX_OPTIONS
        ]
    ]
    return [(str(_("Cá nhân")), people), (str(_("Đơn vị (lãnh đạo đơn vị trả lời)")), units)]


def parse_invitees(values: list[str]) -> list[Invitee]:
    invitees = []
    for value in values:
        kind, _sep, ident = value.partition(":")
        if ident.isdigit():
            invitees.append(Invitee(kind, int(ident)))
    return invitees


def _deadline_fields(form: forms.Form, prefix_label: Any) -> None:
    form.fields["deadline_date"] = forms.DateField(
        label=prefix_label, widget=forms.DateInput(attrs={"type": "date"})
    )
    form.fields["deadline_time"] = forms.TimeField(
        label=_("Giờ"), initial=time(17, 0), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


def deadline_of(data: dict[str, Any]) -> datetime:
    return datetime.combine(data["deadline_date"], data["deadline_time"], LOCAL_TZ)


class StartForm(BootstrapForm):
    invitees = forms.MultipleChoiceField(
        label=_("Người hoặc đơn vị được xin ý kiến"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    note = forms.CharField(
        label=_("Nội dung xin ý kiến"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, agency: Agency, exclude_user_id: int | None, **kwargs: Any) -> None:
        self.agency = agency
        self.exclude_user_id = exclude_user_id
        super().__init__(*args, **kwargs)

    def prepare_fields(self) -> None:
        field = cast(forms.MultipleChoiceField, self.fields["invitees"])
        field.choices = invitee_choices(self.agency, self.exclude_user_id)
        _deadline_fields(self, _("Hạn trả lời"))


class ExtendForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Lý do gia hạn"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def prepare_fields(self) -> None:
        _deadline_fields(self, _("Hạn mới"))


class AnswerForm(BootstrapForm):
    verdict = forms.ChoiceField(label=_("Ý kiến"), choices=Verdict.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Nội dung ý kiến"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(
        label=_("Tệp kèm theo"),
        required=False,
        help_text=_("PDF, DOCX, XLSX, PNG hoặc JPEG; tối đa 5 tệp."),
    )
