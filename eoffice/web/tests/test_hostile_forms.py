"""Every HTML form of the pages, sent back with hostile values.

The forms come from the pages themselves: each GET page route of the URL resolver (as the hostile
crawl finds them) is opened, with the ids of real rows (form_world.py), by the members of the cast
who may open it; every `<form method="post">` and every `hx-post` element on it is parsed and sent
back with its CSRF token, once for each hostile change that applies to it (form_variants.py):

- every text field and textarea 100,000 characters; every number 10**25, then -1; every date the
  45th of the 13th month; every select, radio and choice checkbox a value it does not offer (one
  at a time when there are several);
- every id the form carries (hidden, or an option's value) pointing at agency B's row of that kind,
  then at a row that does not exist, then at a 25-digit one;
- every file input garbage bytes named x.pdf, an empty file, a PDF named ../../etc/passwd and one
  with a 300-character name;
- its way back (`next`) a bare word, then another site;
- all its fields missing.

The other fields keep what the browser would send, and required ones left empty get a plausible
value, so each hostile value reaches as deep as it can. Checked for each answer:

- never a 5xx, and always a page: the form again, a redirect, or a refusal (400/403/404/405/413/422);
- a redirect after a hostile way back goes to a page of this site;
- a refusal (a 4xx, the form again with its error, or an error or warning before a redirect) wrote
  no row in any table of the eoffice apps (half-written work), and a page that refuses says why;
- no error the reader sees is Django's English (the language is Vietnamese);
- a 25-digit number, an impossible date or a choice the form does not offer is never reported as
  done; a redirect always says something; a form sent without its hidden fields (a flag sent as 0
  or 1) does nothing, and one sent without any field says what is needed.

A form is tried once per route (the first of the cast who sees it sends it; anonymous people see
the sign-in form); the layout's own forms (language, acting position) are tried on the home page
only, logging out never; a form with no field at all (a lone button) has nothing hostile to carry
and is left to its app's tests.
"""

from __future__ import annotations

import re
import traceback
from functools import cache
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.contrib import messages
from django.core import validators
from django.db import connection
from django.test import Client
from django.utils import translation

from eoffice.testing.cast import Cast
from eoffice.web.tests.crawl_routes import PARAM, isolate_files, routes
from eoffice.web.tests.form_variants import Form, parse_forms, variants
from eoffice.web.tests.form_world import LIST_ROWS, STAGES, World, path_value

# The widest scopes first; clerk_b answers what agency A sent it; anonymous, the sign-in form.
ACTORS = ("superuser", "admin_a", "clerk_a", "leader_a", "specialist_a", "unit_head_a", "clerk_b", None)
# 200: the form again with its error; 302/303: done, or refused with a message; 413: too large.
PAGE_STATUSES = {200, 204, 302, 303, 400, 403, 404, 405, 413, 422}
# The layout's forms, on every page: tried on the home page only (logging out, never).
SHELL_ACTIONS = ("/i18n/setlang/", "/people/switch-position/")
NEVER_ACTIONS = ("/accounts/logout/",)
# Django's language switch goes back without a word, by design.
SILENT_ACTIONS = ("/i18n/setlang/",)
# Values no field can take: a form that reports success with one took it for something else.
TAKEN_AS_VALID = {
    "number_huge": "a 25-digit number",
    "date_impossible": "the 45th of the 13th month",
    "choice_unknown": "a choice the form does not offer",
}
# A form's own error on top of it (the messages framework's alerts are read from the request).
_ERROR_ALERT = re.compile(r'class="alert alert-danger[^"]*"[^>]* role="alert"')


@cache
def _count_query() -> tuple[list[str], str]:
    labels, selects, seen = [], [], set()
    quote = connection.ops.quote_name
    for config in apps.get_app_configs():
        if not config.name.startswith("eoffice."):
            continue
        for model in config.get_models(include_auto_created=True):
            table = model._meta.db_table
            if model._meta.proxy or not model._meta.managed or table in seen:
                continue
            seen.add(table)
            labels.append(model._meta.label)
            # One query for every table; the names come from the models, never from a request.
            selects.append(f"(SELECT COUNT(*) FROM {quote(table)})")  # noqa: S608
    return labels, "SELECT " + ", ".join(selects)


def row_counts() -> dict[str, int]:
    labels, sql = _count_query()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(labels, cursor.fetchone(), strict=True))


@cache
def english_messages() -> tuple[str, ...]:
    """The start (before any placeholder) of every error Django's forms and validators can show,
    in English: none may reach a Vietnamese page."""
    texts: set[str] = set()
    classes: list[type] = [forms.Field, forms.BaseFormSet, forms.BaseForm]
    with translation.override("en"):
        while classes:
            cls = classes.pop()
            classes += cls.__subclasses__()
            if cls.__module__.startswith("django."):  # the project's own are Vietnamese
                texts.update(str(m) for m in vars(cls).get("default_error_messages", {}).values())
        for name in dir(validators):
            obj = getattr(validators, name)
            found = getattr(obj, "messages", None)
            plural = found.values() if isinstance(found, dict) else ()
            texts.update(str(m) for m in (getattr(obj, "message", None), *plural) if m)
    # Plural messages (lengths, counts of forms) have no single text to look for: their start.
    texts |= {"Ensure this value has at", "Ensure this filename has at most", "Ensure that there are no more"}
    texts |= {"Please submit at most", "Please submit at least", "Please correct the duplicate"}
    starts = {re.split(r"%\(|%s|%d|\{", text)[0].strip() for text in texts}
    return tuple(sorted(s for s in starts if len(s) >= 12))


def forget_messages(client: Client) -> None:
    """Messages an earlier answer left for the next page would be taken for this one's."""
    client.cookies.pop("messages", None)
    session = client.session
    if session.pop("_messages", None) is not None:
        session.save()


def messages_of(response: Any) -> list[Any]:
    storage = getattr(response.wsgi_request, "_messages", None)
    # Rendering the page moves the queued messages to the loaded ones.
    return list(getattr(storage, "_loaded_data", None) or []) + list(getattr(storage, "_queued_messages", []))


def succeeded(response: Any) -> bool:
    return any(m.level == messages.SUCCESS for m in messages_of(response)) or "HX-Redirect" in response


def refused(response: Any) -> bool:
    status = response.status_code
    if 400 <= status < 500:
        return True
    # An error, or a warning per row refused (a bulk action), with nothing done.
    if any(m.level >= messages.WARNING for m in messages_of(response)) and not succeeded(response):
        return True
    if status == 200 and "HX-Redirect" not in response:
        body = response.content.decode(errors="replace")
        return "is-invalid" in body or "invalid-feedback" in body or bool(_ERROR_ALERT.search(body))
    return False


def _shows_error(response: Any) -> bool:
    """The page says what is wrong: beside a field, on top of the form, or as a message."""
    body = response.content.decode(errors="replace")
    if "is-invalid" in body or "invalid-feedback" in body or _ERROR_ALERT.search(body):
        return True
    return any(m.level >= messages.WARNING for m in messages_of(response))


def problem(response: Any) -> str | None:
    """What is wrong with the answer itself, whatever was sent."""
    status = response.status_code
    if status >= 500:
        exc_info = getattr(response, "exc_info", None)
        return "".join(traceback.format_exception(*exc_info))[-3000:] if exc_info else f"status {status}"
    if status not in PAGE_STATUSES:
        return f"status {status}"
    if status == 403 and any(t.name == "403_csrf.html" for t in response.templates if t.name):
        return "refused as a forged request: the form carries no CSRF token"
    shown = " ".join(str(m) for m in messages_of(response))
    if not 300 <= status < 400:
        shown += response.content.decode(errors="replace")
    english = [text for text in english_messages() if text in shown]
    return f"status {status}, Django's English on a Vietnamese page: {english}" if english else None


def judge(form: Form, variant: str, response: Any, before: dict[str, int]) -> list[str]:
    """What is wrong with the answer to this hostile submission (the answer itself aside)."""
    wrong = []
    taken = TAKEN_AS_VALID.get(variant.split(":")[0])
    if taken and succeeded(response):
        wrong.append(f"{taken} taken as valid")
    silent = form.action.split("?")[0].endswith(SILENT_ACTIONS)
    if response.status_code in (302, 303) and not messages_of(response) and not silent:
        wrong.append(f"sent back to {response['Location']} without a word")
    # Django's language switch keeps a relative `next` as it is (its own view, not ours).
    if variant.startswith("way_back") and response.status_code in (302, 303) and not silent:
        location = response["Location"]
        if not location.startswith("/") or location.startswith("//"):
            wrong.append(f"sent to {location}, not a page of this site")
    if variant == "all_missing":
        if (
            response.status_code == 200
            and form.required
            and not refused(response)
            and not succeeded(response)
        ):
            wrong.append(f"shown again without saying {form.required} are needed")
        if form.hidden and succeeded(response):
            wrong.append(f"done without the form's hidden {form.hidden}")
    if response.status_code in (200, 422) and refused(response) and not _shows_error(response):
        wrong.append(f"refused ({response.status_code}) without showing why")
    if refused(response):
        after = row_counts()
        written = {label: after[label] - before[label] for label in after if after[label] != before[label]}
        if written:
            wrong.append(f"refused ({response.status_code}) but wrote {written}")
    return wrong


def _client(cast: Cast, name: str | None) -> Client:
    # Errors come back as pages (a 500 included) and forms must carry their CSRF token.
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    if name is not None:
        client.force_login(getattr(cast, name), backend="django.contrib.auth.backends.ModelBackend")
    return client


def submit(client: Client, form: Form, data: dict[str, Any]) -> Any:
    forget_messages(client)
    headers = {"HX-Request": "true", "X-CSRFToken": form.csrf} if form.htmx else {}
    return client.post(form.action, {"csrfmiddlewaretoken": form.csrf, **data}, headers=headers)


def _wanted(route: str, form: Form) -> bool:
    path = form.action.split("?")[0]
    if path.startswith(NEVER_ACTIONS) or not form.controls:
        return False
    return route == "" or not path.startswith(SHELL_ACTIONS)


def _params() -> list[Any]:
    params = []
    for route in routes():
        if route.api:
            continue
        for stage in STAGES.get(route.route, (None,)):
            label = f"/{route.route}" + (f" [{stage}]" if stage else "")
            params.append(pytest.param(route.route, stage, id=label))
    return params


@pytest.fixture(autouse=True)
def _files_and_keys(settings: Any, tmp_path: Any) -> None:
    isolate_files(settings, tmp_path)
    settings.EOFFICE_TRUST_STORE = ""  # nothing trusted: a signature is checked, never believed


@pytest.mark.parametrize(("route", "stage"), _params())
def test_no_hostile_form_breaks_a_page_or_half_writes(cast: Cast, route: str, stage: str | None) -> None:
    world = World(cast)
    for name in LIST_ROWS.get(route, ()):
        getattr(world, name)
    url = "/" + PARAM.sub(lambda m: path_value(world, route, m["name"], stage), route)
    failures: list[str] = []
    tried: set[tuple[str, ...]] = set()
    for actor in ACTORS:
        client = _client(cast, actor)
        page = client.get(url)
        if page.status_code != 200 or not page.content.strip():
            continue
        for form in parse_forms(page.content, url):
            if form.key in tried or not _wanted(route, form):
                continue
            tried.add(form.key)
            for variant, data in variants(form, world):
                before = row_counts()
                response = submit(client, form, data)
                where = f"{actor or 'anonymous'} POST {form.action} [{variant}] (form on {url})"
                found = problem(response)
                if found and response.status_code >= 500:
                    # On PostgreSQL the test's transaction may be unusable after it.
                    pytest.fail(f"{where} -> {found}")
                failures += [f"{where} -> {wrong}" for wrong in ([found] if found else [])]
                failures += [f"{where} -> {wrong}" for wrong in judge(form, variant, response, before)]
    assert not failures, "\n\n".join(failures[:4]) + f"\n\n({len(failures)} failing submissions)"
