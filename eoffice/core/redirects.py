"""Where a form may send the browser back to: a path of this site, given by the page (`next`).

Anything else falls back: another host or scheme (an open redirect), and also a bare word such as
"abc", which Django's `redirect()` would take for a URL name and fail on with a server error.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def local_target(request: HttpRequest, target: str | None, fallback: str) -> str:
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return fallback
