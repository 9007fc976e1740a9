"""The language of text written for someone other than the person acting.

A page is shown in its reader's language (Vietnamese first, English as a translation), but a
notification is read later by someone else, and a refusal reason goes to another agency: such text
is written in the installation's language (settings.LANGUAGE_CODE, Vietnamese), whatever the
language of the page or API call that set it off. E-mail and official records (the consolidated
comments sheet) are written the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation


@contextmanager
def for_others() -> Iterator[None]:
    """Translate text inside this block in the installation's language."""
    with translation.override(settings.LANGUAGE_CODE):
        yield
