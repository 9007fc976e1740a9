"""The forms of a page as a browser sees them, and the hostile ways to send each one back
(used by test_hostile_forms.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urljoin

import lxml.html
from django.core.files.uploadedfile import SimpleUploadedFile

from eoffice.outgoing.tests.conftest import pdf_bytes
from eoffice.web.tests.form_world import MISSING_ID, World

LONG = "a" * 100_000
HUGE = str(10**25)
IMPOSSIBLE_DATE = "2026-13-45"
UNKNOWN = "khong-co-gia-tri-nay"

_TEXT_TYPES = {"", "text", "search", "email", "url", "tel", "password"}
_DATE_TYPES = {"date", "datetime-local", "month", "week", "time"}
# A checkbox with one of these values is a yes/no; any other value ("1" included: as often a
# row's id) is one choice of a group.
_BOOLEAN_VALUES = {"", "on", "true", "True", "yes"}
_ID_VALUE = re.compile(r"^(?:(?P<prefix>[a-z_]+):)?(?P<id>\d+)$")
_ID_NAME = re.compile(r"(^|[_-])ids?$")
# Hidden fields that only say which page to come back to (the calendar's year, the work box's page).
_WAY_BACK = {"next", "year"}
_CSRF_HEADER = re.compile(r'"X-CSRFToken":\s*"([^"]+)"')


@dataclass
class Control:
    name: str
    kind: str  # text, number, date, choice, checkbox (yes/no), hidden, file
    value: str = ""
    options: list[str] = field(default_factory=list)
    required: bool = False


@dataclass
class Form:
    action: str
    htmx: bool
    csrf: str
    controls: list[Control]
    defaults: list[tuple[str, str]]

    @property
    def key(self) -> tuple[str, ...]:
        """The same form for another row (a delete button per override) is tried once."""
        action = re.sub(r"/\d+(?=/|$)", "/<n>", self.action)
        flags = {f"{n}={v}" for n, v in self.defaults if n == "action"}
        return (action, *sorted({c.name for c in self.controls} | flags))

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.controls if c.required]

    @property
    def hidden(self) -> list[str]:
        """The hidden values the action depends on (not where to go back to afterwards)."""
        return [c.name for c in self.controls if c.kind == "hidden" and c.name not in _WAY_BACK]


def _control(element: Any) -> Control | None:
    name = element.get("name")
    if not name or name == "csrfmiddlewaretoken":
        return None
    required = element.get("required") is not None
    if element.tag == "textarea":
        return Control(name, "text", element.text or "", required=required)
    if element.tag == "select":
        options = [o.get("value", o.text_content()) for o in element.iter("option")]
        return Control(name, "choice", "", options, required)
    kind = (element.get("type") or "").lower()
    value = element.get("value") or ""
    if kind in ("submit", "button", "image", "reset"):
        return None
    if kind in ("radio", "checkbox"):
        if kind == "checkbox" and value in _BOOLEAN_VALUES:
            return Control(name, "checkbox", value, required=required)
        return Control(name, "choice", value, [value], required)
    if kind in _TEXT_TYPES:
        kind = "text"
    elif kind in ("number", "range"):
        kind = "number"
    elif kind in _DATE_TYPES:
        kind = "date"
    return Control(name, kind, value, required=required)  # text, number, date, hidden, file


def _nodes(element: Any) -> list[Any]:
    """The form's controls, and those outside it that name it (`form="bulk-form"`)."""
    nodes = list(element.xpath(".//input | .//select | .//textarea"))
    if element.tag == "form" and element.get("id"):
        outside = element.xpath("//*[@form=$id]", id=element.get("id"))
        nodes += [n for n in outside if n.tag in ("input", "select", "textarea")]
    return nodes


def _controls(element: Any) -> list[Control]:
    merged: dict[str, Control] = {}
    for control in filter(None, map(_control, _nodes(element))):
        if control.name in merged and control.kind == "choice":  # a radio or checkbox group
            merged[control.name].options += control.options
        else:
            merged.setdefault(control.name, control)
    return list(merged.values())


def _defaults(element: Any) -> list[tuple[str, str]]:
    """What a browser sends for the form as it stands (its first named button too)."""
    if element.tag == "form":
        values = list(element.form_values())
    else:
        values = [(n.get("name"), n.get("value") or "") for n in element.xpath(".//input[@type='hidden']")]
    button = element.xpath(".//button[@name and (not(@type) or @type='submit')]")
    if button:
        values.append((button[0].get("name"), button[0].get("value") or ""))
    return [(name, value) for name, value in values if name and name != "csrfmiddlewaretoken"]


def parse_forms(html: bytes, url: str) -> Iterator[Form]:
    """Every `<form method="post">` and `hx-post` element, with the CSRF token it would send."""
    document = lxml.html.fromstring(html)
    header = _CSRF_HEADER.search(" ".join(document.xpath("//body/@hx-headers")))
    for element in document.xpath("//form[translate(@method, 'POST', 'post')='post'] | //*[@hx-post]"):
        htmx = element.get("hx-post") is not None
        action = urljoin(url, (element.get("hx-post") if htmx else element.get("action")) or url)
        tokens = element.xpath(".//input[@name='csrfmiddlewaretoken']/@value")
        csrf = tokens[0] if tokens else (header.group(1) if htmx and header else "")
        yield Form(action, htmx, csrf, _controls(element), _defaults(element))


def _plausible(control: Control) -> str:
    """What a careful user would give a required field the page left empty."""
    if control.kind == "number":
        return "1"
    if control.kind == "date":
        return (date.today() + timedelta(days=7)).isoformat()
    if control.kind == "choice":
        return next((o for o in control.options if o), "")
    return "thu@example.gov.vn" if "email" in control.name else "Nội dung thử nghiệm"


def _pdf(name: str = "tep.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), "application/pdf")


HOSTILE_FILES: dict[str, Callable[[], SimpleUploadedFile]] = {
    "file_garbage": lambda: SimpleUploadedFile("x.pdf", b"\x00\xffgarbage\x90MZ" * 64, "application/pdf"),
    "file_empty": lambda: SimpleUploadedFile("trong.pdf", b"", "application/pdf"),
    # A real PDF, so the name is what is tried.
    "file_traversal_name": lambda: _pdf("../../etc/passwd"),
    "file_long_name": lambda: _pdf("a" * 296 + ".pdf"),
}


def _id_fields(control: Control) -> list[tuple[str, str]]:
    """(prefix, what kind of row) for a control carrying an id (`12`, `person:12`)."""
    if control.kind in ("text", "number") and _ID_NAME.search(control.name):
        return [("", control.name)]
    if control.kind not in ("hidden", "choice"):
        return []
    for value in [control.value] if control.kind == "hidden" else control.options:
        match = _ID_VALUE.match(value)
        if match:
            return [(f"{match['prefix']}:" if match["prefix"] else "", match["prefix"] or control.name)]
    return []


Pick = Callable[[Control], Any]


def _ids(world: World, *, missing: str | None) -> Pick:
    def pick(control: Control) -> str | None:
        for prefix, hint in _id_fields(control):
            row = missing if missing is not None else world.b_row(hint)
            if row is not None:
                return f"{prefix}{row}"
        return None

    return pick


def _unknown_in(name: str) -> Pick:
    return lambda control: UNKNOWN if control.name == name else None


def _picks(form: Form, world: World) -> dict[str, Pick]:
    def of_kind(kind: str, value: Any) -> Pick:
        return lambda c: (value() if callable(value) else value) if c.kind == kind else None

    picks: dict[str, Pick] = {
        "long_text": of_kind("text", LONG),
        "number_huge": of_kind("number", HUGE),
        "number_negative": of_kind("number", "-1"),
        "date_impossible": of_kind("date", IMPOSSIBLE_DATE),
        "choice_unknown": of_kind("choice", UNKNOWN),
        "ids_of_agency_b": _ids(world, missing=None),
        "ids_missing": _ids(world, missing=str(MISSING_ID)),
        "ids_huge": _ids(world, missing=HUGE),
        **{name: of_kind("file", make) for name, make in HOSTILE_FILES.items()},
        # The way back: a bare word (Django's redirect() takes it for a URL name) and another site.
        "way_back_word": lambda c: "abc" if c.name == "next" else None,
        "way_back_foreign": lambda c: "https://evil.example/" if c.name == "next" else None,
    }
    choices = [c.name for c in form.controls if c.kind == "choice"]
    if len(choices) > 1:
        # One at a time: a garbled choice quietly taken for a default hides behind another's refusal.
        del picks["choice_unknown"]
        for name in choices:
            picks[f"choice_unknown:{name}"] = _unknown_in(name)
    return picks


def variants(form: Form, world: World) -> Iterator[tuple[str, dict[str, list[Any]]]]:
    """(name, POST data): all fields missing, then each hostile change that applies to the form."""
    # First, while the row is as the page showed it: a form that acts without its hidden fields
    # (a flag sent as 0 or 1) is caught before another variant has already done the same.
    yield "all_missing", {}
    base: dict[str, list[Any]] = {}
    for name, value in form.defaults:
        base.setdefault(name, []).append(value)
    for control in form.controls:
        if control.required and not any(base.get(control.name, [])) and control.kind != "hidden":
            base[control.name] = [_pdf() if control.kind == "file" else _plausible(control)]
    for name, pick in _picks(form, world).items():
        data = {key: list(values) for key, values in base.items()}
        touched = False
        for control in form.controls:
            value = pick(control)
            if value is not None:
                data[control.name] = value if isinstance(value, list) else [value]
                touched = True
        if touched:
            yield name, data
