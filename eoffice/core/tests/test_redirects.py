"""The way back a form may give: a path of this site only."""

from __future__ import annotations

import pytest
from django.shortcuts import redirect
from django.test import RequestFactory

from eoffice.core.redirects import local_target


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/work/?box=qua_han", "/work/?box=qua_han"),
        ("/documents/12/", "/documents/12/"),
        (None, "/fallback/"),
        ("", "/fallback/"),
        # Django's redirect() would look these up as URL names and fail with a server error.
        ("abc", "/fallback/"),
        ("１２３", "/fallback/"),
        ("work:boxes", "/fallback/"),
        # Another site, however it is spelled.
        ("https://evil.example/", "/fallback/"),
        ("//evil.example/", "/fallback/"),
        ("/\\evil.example/", "/fallback/"),
        ("http://testserver/work/", "/fallback/"),
        ("javascript:alert(1)", "/fallback/"),
    ],
)
def test_only_a_path_of_this_site_is_kept(target: str | None, expected: str) -> None:
    request = RequestFactory().post("/people/switch-position/")
    chosen = local_target(request, target, "/fallback/")
    assert chosen == expected
    assert redirect(chosen)["Location"] == expected
