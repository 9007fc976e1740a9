"""How pages show a service's DomainError (view-layer helper; domain modules never import it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest

from eoffice.core.errors import DomainError, PermissionDenied


def show_domain_error(request: HttpRequest, error: DomainError, form: Any = None) -> None:
    """A refusal becomes a 403 page; an error naming a form field goes beside that field; any
    other error goes on top of the page."""
    if isinstance(error, PermissionDenied):
        raise DjangoPermissionDenied(error.message)
    if form is not None and error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        messages.error(request, error.message)
