"""Every GET page on a 375 px phone in Debian's Chromium: nothing wider than the screen (a wide table
scrolls inside its own `.table-responsive`), no request to any host but this server (no CDN, no
web fonts: government networks are closed), no JavaScript error, no console error, no failed
request, `<html lang="vi">` and a viewport meta tag. And no dead link: every link of every page,
followed as each member of the cast who got that page, opens (no 403, 404 or 5xx).

Who: each page as the member of the cast it shows the most to (the largest page among superuser,
admin_a, clerk_a, leader_a, specialist_a, unit_head_a and clerk_b, the receiving agency's văn thư);
only when none of them gets it, as someone halfway through a two-step sign-in, then anonymously
(the login pages). Each path parameter is tried with every row of its kind that phone_world builds
(a draft being written and a released one are different pages), and every variant that is a page
for someone is visited. An htmx fragment (a 200 answer without <html>) is loaded by htmx into the
home page, where the page asks for it or else into the main column, and checked there.

The routes come from the URL resolver with the hostile crawl's exclusions (the API, file
downloads and exports, logout, i18n, single sign-on, the exchange's machine endpoints), so a page
added later is crawled without touching this file. A route nobody gets a page from must be a form's
POST-only target (405) or a redirect; anything else means the world lacks the row it needs.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer

from eoffice.testing.browser import ARTIFACTS
from eoffice.testing.cast import PASSWORD
from eoffice.web.tests.crawl_routes import BASE_QUERIES, PARAM, Route, routes
from eoffice.web.tests.phone_world import World, build_world

# Each test runs in a transaction that is rolled back (the world stays, built once per module by
# the fixture below); pages served during a test share that transaction on SQLite.
# serialized_rollback: keep a copy of the migrated database, which the fixture puts back at the end.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(serialized_rollback=True)]

PHONE = 375
VIEWPORT = {"width": PHONE, "height": 740}
ACTORS = ("superuser", "admin_a", "clerk_a", "leader_a", "specialist_a", "unit_head_a", "clerk_b")
ANONYMOUS = "anonymous"
# Tried only when no one signed in gets a page (the login page, the two-step code page): someone
# past the password of a two-step sign-in, then a visitor.
SIGNING_IN = "signing_in"
FALLBACK = (SIGNING_IN, ANONYMOUS)
# Links followed from every page, as whoever the page was shown to: none may answer 403 or 404 (a
# menu entry, a drill-down line or a button the page offers and the next page refuses).
_LINK = re.compile(r'<a\b[^>]*?\bhref="(/[^"]*)"')
_NOT_FOLLOWED = ("//", "/static/", "/accounts/logout/", "/i18n/")
# What a page cannot be shown without, besides the hostile crawl's BASE_QUERIES.
QUERIES = {"outgoing/<int:draft_id>/compare/": {"a": "1", "b": "2"}}

# What the page says about itself once loaded. The width is compared with the phone's, not with
# window.innerWidth: on a mobile viewport an overflowing page widens the layout viewport to fit,
# so innerWidth grows with it and the comparison would pass. The culprits named are the deepest
# elements reaching past the edge that no scrolling box clips; an absolutely positioned element is
# clipped only by the boxes around its containing block (Bootstrap's .visually-hidden inside a
# static .table-responsive escapes it and widens the page).
_FACTS = """(limit) => {
  const clipped = (el) => {
    let escaping = ["absolute", "fixed"].includes(getComputedStyle(el).position);
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (escaping) escaping = style.position === "static" && style.transform === "none";
      else if (["auto", "scroll", "hidden", "clip"].includes(style.overflowX)) return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.classList.length ? "." + [...el.classList].join(".") : "");
  // Text too long for its box spills out of it without widening the box: count what spills.
  const right = (el) => {
    const box = el.getBoundingClientRect();
    const spills = getComputedStyle(el).overflowX === "visible";
    return spills ? Math.max(box.right, box.left + el.scrollWidth) : box.right;
  };
  const wide = [...document.body.querySelectorAll("*")].filter((el) => right(el) > limit + 1 && !clipped(el));
  const deepest = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  const viewport = document.querySelector('meta[name="viewport"]');
  return {
    width: document.documentElement.scrollWidth,
    lang: document.documentElement.lang,
    viewport: viewport ? viewport.content : null,
    wide: deepest.slice(0, 5).map((el) =>
      `${name(el)} (right edge ${Math.round(right(el))} px): `
      + (el.innerText || el.outerHTML).slice(0, 80).replace(/\\s+/g, " ")),
  };
}"""
# hx-trigger="load" requests (the bell's count) are part of the page: wait until htmx is idle.
_HTMX_IDLE = "() => !document.querySelector('.htmx-request')"
# A fragment goes where the page that asks for it puts it (the element whose hx-get names it,
# exactly if one does, and its hx-target), or into the main column if the home page never asks.
_LOAD_FRAGMENT = """(url) => {
  const host = document.querySelector(`[hx-get="${url}"]`)
    || document.querySelector(`[hx-get^="${url.split("?")[0]}"]`);
  const named = host && host.getAttribute("hx-target");
  const target = !host ? document.querySelector("main")
    : !named || named === "this" ? host : document.querySelector(named) || host;
  return htmx.ajax("GET", url, {target: target, swap: "innerHTML"});
}"""


@dataclass(frozen=True)
class Found:
    actor: str
    url: str
    fragment: bool


@dataclass
class Tab:
    """One actor's page, reused from visit to visit, and what it heard during the last one."""

    page: Any
    base: str
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def listen(self) -> None:
        local = (self.base, "data:", "blob:", "about:")
        self.page.on("request", lambda r: None if r.url.startswith(local) else self.outside.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(f"JavaScript error: {e}"))
        self.page.on(
            "response", lambda r: self.errors.append(f"{r.url}: {r.status}") if r.status >= 400 else None
        )
        self.page.on(
            "console", lambda m: self.errors.append(f"console error: {m.text}") if m.type == "error" else None
        )

    def pass_password(self, username: str) -> None:
        # Again before each use: the sign-in waits for its code five minutes only.
        self.page.request.get(self.base + "/accounts/login/")
        cookies = {cookie["name"]: cookie["value"] for cookie in self.page.context.cookies()}
        token = cookies[settings.CSRF_COOKIE_NAME]
        form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        response = self.page.request.post(self.base + "/accounts/login/", form=form, max_redirects=0)
        assert response.headers.get("location", "").endswith("/accounts/login/code/"), response.status

    def open(self, found: Found) -> None:
        self.outside.clear()
        self.errors.clear()
        if found.fragment:
            self.page.goto(self.base + "/", wait_until="load")
            self.page.wait_for_function(_HTMX_IDLE)
            self.page.evaluate(_LOAD_FRAGMENT, found.url)
        else:
            self.page.goto(self.base + found.url, wait_until="load")
        self.page.wait_for_function(_HTMX_IDLE)


def _fill(route: str, values: dict[str, str]) -> str:
    return "/" + PARAM.sub(lambda match: values[match["name"]], route)


@dataclass
class Crawl:
    base: str
    world: World
    tabs: dict[str, Tab]
    # (actor, url) → status, so the menu's links are asked once per actor.
    followed: dict[tuple[str, str], int] = field(default_factory=dict)

    def dead_links(self, actor: str, url: str, body: str) -> list[str]:
        """The links of a page its reader cannot open."""
        dead = []
        for href in sorted(set(_LINK.findall(body))):
            target = html.unescape(href).split("#")[0]
            if not target or target.startswith(_NOT_FOLLOWED):
                continue
            key = (actor, target)
            if key not in self.followed:
                self.followed[key] = (
                    self.tabs[actor].page.request.get(self.base + target, max_redirects=0).status
                )
            if self.followed[key] in (403, 404) or self.followed[key] >= 500:
                dead.append(f"{url} as {actor} links to {target}, which answers {self.followed[key]}")
        return dead

    def variants(self, route: Route) -> list[str]:
        names = [match["name"] for match in PARAM.finditer(route.route)]
        query = {**BASE_QUERIES, **QUERIES}.get(route.route)
        suffix = "?" + urlencode(query) if query else ""
        combinations = itertools.product(*(self.world.candidates(route.route, n) for n in names))
        return [_fill(route.route, dict(zip(names, values, strict=True))) + suffix for values in combinations]

    def find(self, route: Route) -> tuple[list[Found], list[str], list[str]]:
        """Each variant's largest page with who sees it; every answer, for when there is none; the
        dead links of every page anyone signed in got."""
        found, answers, dead = [], [], []
        for url in self.variants(route):
            best: tuple[str, str] | None = None
            for actor in (*ACTORS, *FALLBACK):
                if actor in FALLBACK and best:
                    break
                if actor == SIGNING_IN:
                    self.tabs[actor].pass_password(self.world.signing_in.username)
                response = self.tabs[actor].page.request.get(self.base + url, max_redirects=0)
                answers.append(f"{actor} {response.status}")
                if response.status == 405:
                    break  # the view takes no GET, from anyone, so nothing to ask the fallbacks
                if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
                    continue
                body = response.text()
                if actor not in FALLBACK:
                    dead += self.dead_links(actor, url, body)
                if best is None or len(body) > len(best[1]):
                    best = (actor, body)
            if best:
                found.append(Found(best[0], url, fragment="<html" not in best[1][:500].lower()))
        return found, answers, dead

    def visit(self, found: Found) -> list[str]:
        tab = self.tabs[found.actor]
        tab.open(found)
        facts = tab.page.evaluate(_FACTS, PHONE)
        problems = [f"request leaves the server: {url}" for url in tab.outside] + tab.errors
        if facts["width"] > PHONE + 1:
            problems.append(f"{facts['width']} px wide: " + "; ".join(facts["wide"]))
        if facts["lang"] != "vi":
            problems.append(f'<html lang="{facts["lang"]}">, not "vi"')
        if not facts["viewport"] or "width=device-width" not in facts["viewport"]:
            problems.append(f"viewport meta tag: {facts['viewport']!r}")
        if problems:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = "phone-crawl" + found.url.replace("/", "_").replace("?", "_") + ".png"
            tab.page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
        return problems


def _restore_migrated_state(serialized: dict[str, str]) -> None:
    # What a transactional test does between tests: empty every table, then load the rows the
    # migrations seeded (document types, the audit chain's head, calendar make-up days).
    # Sequences are left where they are, as Django's own teardown does: the seeded rows come back
    # with their ids, and a sequence restarted at 1 would hand the next insert one of those ids
    # (on PostgreSQL; SQLite takes max(id) + 1).
    for alias, contents in serialized.items():
        call_command(
            "flush",
            verbosity=0,
            interactive=False,
            database=alias,
            inhibit_post_migrate=True,
            reset_sequences=False,
        )
        connections[alias].creation.deserialize_db_from_string(contents)


def _session_cookie(user: Any, base: str) -> dict[str, str]:
    # Signed in the way the hostile crawl's clients are; the login form has its own browser tests.
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": base}


def _isolated(folder: Path) -> override_settings:
    (folder / "trust").mkdir()
    return override_settings(
        # Pages validate signatures against the trust store: an empty one, not var/trust.
        EOFFICE_TRUST_STORE=str(folder / "trust"),
        MEDIA_ROOT=str(folder / "media"),
        STORAGES={**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}},
        # The exchange's key pair is made on first use, under VAR_DIR.
        VAR_DIR=folder / "var",
        EXCHANGE_KEY_FILE="",
        EXCHANGE_CERT_FILE="",
        INSTALLATION_ID="eoffice-test-a",
    )


# The world is built once per module (per xdist worker), not per test: a hundred pages each
# building documents, drafts and exchange lines would take many minutes. It is committed before
# the first test's transaction opens, served by pytest-django's own LiveServer (its session
# `live_server` fixture would make every test transactional, flushing the world after the first),
# and the migrated state is put back when the module ends.
@pytest.fixture(scope="module")
def phone_crawl(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Crawl]:
    with django_db_blocker.unblock(), _isolated(tmp_path_factory.mktemp("phone-crawl")):
        serialized = {
            alias: connections[alias]._test_serialized_contents  # type: ignore[attr-defined]
            for alias in connections
            if hasattr(connections[alias], "_test_serialized_contents")
        }
        # Without it the world's rows would outlive the module and break the tests after it.
        assert serialized, "no serialized copy of the migrated database to put back"
        # Playwright first: once its loop runs, this thread gets the connection objects that the
        # tests' transactions will use, and on SQLite the server must share those very objects
        # (two connections to one in-memory database lock each other out).
        browser = request.getfixturevalue("chromium")
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            world = build_world()
            tabs: dict[str, Tab] = {}
            for actor in (*ACTORS, *FALLBACK):
                context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", is_mobile=True)
                if actor not in FALLBACK:
                    context.add_cookies([_session_cookie(getattr(world.cast, actor), server.url)])
                tabs[actor] = Tab(context.new_page(), server.url)
                tabs[actor].listen()
            yield Crawl(server.url, world, tabs)
            for tab in tabs.values():
                tab.page.context.close()
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            _restore_migrated_state(serialized)
            # These connections belong to Playwright's context in this thread: once it stops,
            # nothing would close them, and PostgreSQL could not drop the test database.
            connections.close_all()


@pytest.mark.parametrize("route", [pytest.param(r, id=f"/{r.route}") for r in routes() if not r.api])
def test_page_fits_a_phone(phone_crawl: Crawl, route: Route) -> None:
    found, answers, dead = phone_crawl.find(route)
    assert not dead, "\n".join(dead)
    if not found:
        # Not a page for anyone: a form's POST-only target (405) or a GET that only redirects
        # (those not signed in are always sent to the login page, which says nothing).
        signed_in = [answer for answer in answers if not answer.startswith(FALLBACK)]
        assert any(answer.endswith((" 301", " 302", " 303", " 405")) for answer in signed_in), (
            f"nobody gets a page (the world lacks a row?): {', '.join(answers)}"
        )
        return
    problems = [f"{f.url} as {f.actor}: {problem}" for f in found for problem in phone_crawl.visit(f)]
    assert not problems, "\n".join(problems)
