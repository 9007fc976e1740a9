"""View-layer helpers for forms: how pages show a service's DomainError, and a choice of rows that
survives forged ids (domain modules never import this)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest

from eoffice.core.errors import DomainError, PermissionDenied
from eoffice.core.rowids import is_row_id


def show_domain_error(request: HttpRequest, error: DomainError, form: Any = None) -> None:
    """A refusal becomes a 403 page; an error naming a form field goes beside that field; any
    other error goes on top of the page."""
    if isinstance(error, PermissionDenied):
        raise DjangoPermissionDenied(error.message)
    if form is not None and error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        messages.error(request, error.message)


class RowsChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several rows. Django looks the chosen ids up with `pk__in`, which a forged
    25-digit id turns into a database error (see core.rowids); such an id is no row on offer and
    is refused like any other unknown choice."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            if isinstance(pk, str) and pk.isascii() and pk.isdigit() and not is_row_id(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super().clean(value)
