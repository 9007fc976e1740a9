"""makemessages that also extracts the project's gettext aliases.

Modules import `gettext_lazy as _lazy` (so `_` can stay the eager `gettext`) and
`gettext_noop as _noop`; xgettext only knows Django's own names, so without these keywords the
labels of models, choices and the menu would silently miss the catalogue.
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        "--keyword=_lazy",
        "--keyword=_noop",
        "--keyword=_nlazy:1,2",
    ]
