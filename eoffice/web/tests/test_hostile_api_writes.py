"""A hostile test of every write of the JSON API: each POST, PUT, PATCH and DELETE operation, read
from the API's own OpenAPI schema, so an operation added later is covered without touching this file.

Bodies: not JSON, `[]`, `null`, a bare string, `{}`, an empty and a broken multipart body, then
bodies built from the operation's request schema with one hostile aspect each (hostile_bodies:
every string 100,000 characters, every integer 10**25, 2**63 - 1 or -1, every date the 45th of the
13th month, every choice unknown, every list 10,000 items, every id or agency code pointing at
nothing or at agency B) and garbage where a file is expected. Paths: a real row of agency A
(hostile_rows makes the ones an operation names), an id that does not exist, one that is not a
number and one too large for any database integer.

Who: every member of the cast sends the plausible body once; the first two of agency A who are
not turned away (superuser, admin, clerk, leader, specialist) then send the hostile bodies, and
agency B's clerk and the outsider meet the wrong paths too.

Checked: nothing ends in a 5xx (save the 502/503 an unreachable outside system is answered with);
every refusal is `{"code", "message", "field", "details"}`; a body that is not a JSON object is
refused; and a refused request wrote nothing: the rows of every table of the eoffice apps are
counted before and after each request.

Left out: the exchange's machine endpoints (signed packages from peers; their own tests send them
hostile packages). Rows that take a released, signed document or a peer's package to exist
(deliveries, answers, exchange lines and receipts, quarantine, failed jobs) get only the wrong
paths and bodies at the door.
"""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone

from config.api import api
from eoffice.testing.cast import Cast
from eoffice.web.tests.crawl_routes import isolate_files, unstructured_api_error
from eoffice.web.tests.hostile_bodies import ASPECTS, HUGE, Builder, branch, id_target
from eoffice.web.tests.hostile_rows import MISSING_ID, Rows, build_rows

UPSTREAM_STATUSES = {502, 503, 504}
WRITE_METHODS = ("post", "put", "patch", "delete")
# Machine endpoints that take signed packages from peer installations, should one be mounted here.
MACHINE_PATHS = ("/api/v1/exchange/inbox",)
GARBAGE = b"%PDF-1.7\n\x00\xff day khong phai la PDF \x00"

INSIDE = ("superuser", "admin_a", "clerk_a", "leader_a", "specialist_a")
OUTSIDE = ("clerk_b", "outsider")
# Hostile bodies go to the first few members let in (widest scope first): the code behind the
# door is the same for all, and the test stays within about two minutes on one core.
LET_IN_PER_OPERATION = 2


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # OpenAPI template: /api/v1/work/lines/{line_id}/complete
    content_type: str | None  # application/json, multipart/form-data, ...; None: no body
    schema: dict[str, Any] | None

    @property
    def path_params(self) -> list[str]:
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{")]

    @property
    def body_targets(self) -> set[str]:
        """What the body's id fields point at, at any depth ("line" for `line_id`)."""
        found: set[str] = set()

        def walk(schema: dict[str, Any]) -> None:
            for name, sub in schema.get("properties", {}).items():
                target = id_target(name)
                if target is not None:
                    found.add(target)
                inner = branch(sub)
                walk(inner)
                walk(branch(inner.get("items", {})))

        walk(self.schema or {})
        return found

    @property
    def app(self) -> str:
        return self.path.split("/")[3]


def _resolve(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    """The schema with every $ref replaced by its component (nesting is shallow in this API)."""
    if depth > 8:
        return {}
    if "$ref" in schema:
        return _resolve(components[schema["$ref"].split("/")[-1]], components, depth + 1)
    resolved: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties":
            resolved[key] = {name: _resolve(sub, components, depth + 1) for name, sub in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            resolved[key] = _resolve(value, components, depth + 1)
        elif key in ("anyOf", "allOf", "oneOf"):
            resolved[key] = [_resolve(sub, components, depth + 1) for sub in value]
        else:
            resolved[key] = value
    return resolved


def _operations() -> list[Operation]:
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, item in schema["paths"].items():
        if path.startswith(MACHINE_PATHS):
            continue
        for method in WRITE_METHODS:
            if method not in item:
                continue
            content = item[method].get("requestBody", {}).get("content", {})
            content_type, body = next(iter(content.items()), (None, None))
            body_schema = _resolve(body["schema"], components) if body else None
            operations.append(Operation(method, path, content_type, body_schema))
    return operations


OPERATIONS = _operations()


# ---- bodies ---------------------------------------------------------------------------------


def _binary(schema: dict[str, Any]) -> bool:
    schema = branch(schema)
    if schema.get("type") == "array":
        return _binary(schema.get("items", {}))
    return schema.get("format") == "binary"


@dataclass(frozen=True)
class Garbage:
    """A file that is not what it claims; made afresh for each request (an upload is read once)."""

    name: str

    def upload(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(self.name, GARBAGE, "application/pdf")


def _fresh(data: dict[str, Any]) -> dict[str, Any]:
    return {
        name: [v.upload() if isinstance(v, Garbage) else v for v in value]
        if isinstance(value, list)
        else value
        for name, value in data.items()
    }


def _form_data(operation: Operation, body: dict[str, Any]) -> dict[str, Any]:
    """A schema-built body as form fields, garbage files where the schema wants files."""
    data: dict[str, Any] = {}
    properties = (operation.schema or {}).get("properties", {})
    for name, value in body.items():
        if _binary(properties.get(name, {})):
            count = len(value) if isinstance(value, list) else 1
            # Files beyond Django's DATA_UPLOAD_MAX_NUMBER_FILES are refused unread; 200 is plenty.
            data[name] = [Garbage(f"rac-{i}.pdf") for i in range(min(count, 200))]
        elif isinstance(value, list):
            data[name] = [json.dumps(v) if isinstance(v, dict) else v for v in value]
        elif isinstance(value, bool):
            data[name] = "true" if value else "false"
        elif value is not None:
            data[name] = value
    return data


@dataclass(frozen=True)
class Request:
    label: str
    data: Any
    content_type: str | None  # None: the test client's multipart encoding of `data`
    must_refuse: bool = False


def _shapes(operation: Operation) -> list[Request]:
    """Bodies of the wrong shape, whatever the operation expects."""
    json_type = "application/json"
    if operation.schema is None:
        return [Request("not JSON", b"{'code': ", json_type)]  # a body where none is read
    # Where a JSON object is expected, any other JSON value must be refused, not read as `{}`.
    strict = operation.content_type == json_type
    shapes = [
        Request("not JSON", b"{'code': ", json_type),
        Request("[]", b"[]", json_type, must_refuse=strict),
        Request("null", b"null", json_type, must_refuse=strict),
        Request("a string", b'"chuoi"', json_type, must_refuse=strict),
        Request("{}", b"{}", json_type),
    ]
    if operation.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        shapes += [
            Request("empty form", {}, None),
            Request(
                "broken multipart",
                b"--x\r\nContent-Disposition: form-data\r\n\r\n",
                "multipart/form-data; boundary=x",
            ),
        ]
    return shapes


def _hostile(operation: Operation, rows: Rows) -> list[Request]:
    """One body per hostile aspect, each built from the schema; an aspect that changes nothing
    (no integer in the schema for int_huge) is not sent again."""
    if operation.schema is None:
        return []
    now = timezone.localtime()
    bodies = {
        aspect: Builder(rows, aspect, operation.path, now).body(operation.schema)
        for aspect in ("base", *ASPECTS)
    }
    seen: set[str] = set()
    requests = []
    for aspect, body in bodies.items():
        key = json.dumps(body, sort_keys=True, default=str)
        if aspect == "base":
            seen.add(key)
            continue
        if key in seen:
            continue
        seen.add(key)
        requests.append(_encode(operation, aspect, body))
    return requests


def _base(operation: Operation, rows: Rows) -> Request:
    if operation.schema is None:
        return Request("no body", b"", "application/json")
    return _encode(operation, "plausible", Builder(rows, "base", operation.path).body(operation.schema))


def _encode(operation: Operation, label: str, body: Any) -> Request:
    if operation.content_type == "application/json":
        return Request(label, json.dumps(body).encode(), "application/json")
    data = _form_data(operation, body if isinstance(body, dict) else {})
    if operation.content_type == "application/x-www-form-urlencoded":
        return Request(label, urlencode(data, doseq=True), operation.content_type)
    return Request(label, data, None)


# ---- what the database holds ----------------------------------------------------------------


def _tables() -> list[str]:
    """Every table of the eoffice apps, many-to-many tables included."""
    return sorted(
        {
            model._meta.db_table
            for config in apps.get_app_configs()
            if config.name.startswith("eoffice.")
            for model in config.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )


class RowCounter:
    """Counts every table in one statement, so counting around each request stays cheap."""

    def __init__(self) -> None:
        self.tables = _tables()
        quote = connection.ops.quote_name
        # Table names come from the models' meta, never from a request.
        counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in self.tables)  # noqa: S608
        self.query = f"SELECT {counts}"

    def counts(self) -> tuple[int, ...]:
        with connection.cursor() as cursor:
            cursor.execute(self.query)
            return tuple(cursor.fetchone())

    def changes(self, before: tuple[int, ...], after: tuple[int, ...]) -> list[str]:
        pairs = zip(self.tables, before, after, strict=True)
        return [f"{table}: {b} -> {a}" for table, b, a in pairs if a != b]


# ---- sending ------------------------------------------------------------------------------


def _clients(cast: Cast) -> dict[str, Client]:
    clients = {}
    for name in INSIDE + OUTSIDE:
        client = Client(raise_request_exception=False)
        client.force_login(getattr(cast, name), backend="django.contrib.auth.backends.ModelBackend")
        clients[name] = client
    return clients


def _send(client: Client, method: str, url: str, request: Request) -> Any:
    if request.content_type is None:
        if method == "post":
            return client.post(url, _fresh(request.data))
        body = encode_multipart(BOUNDARY, _fresh(request.data))
        return getattr(client, method)(url, body, content_type=MULTIPART_CONTENT)
    return getattr(client, method)(url, request.data, content_type=request.content_type)


def _problem(response: Any) -> str | None:
    status = response.status_code
    if status < 400:
        return None
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        return "".join(traceback.format_exception(*exc_info))
    unstructured = unstructured_api_error(response)
    if unstructured:
        return unstructured
    body = json.loads(response.content)
    # An outside system that cannot be reached (this test's axis listens nowhere) is answered
    # 502/503 by design, with its own code; any other 5xx is a bug.
    if status >= 500 and (status not in UPSTREAM_STATUSES or body["code"] == "server_error"):
        return f"status {status}: {str(body)[:300]}"
    return None


class Probe:
    """Sends requests and keeps what went wrong, counting rows around each one."""

    def __init__(self, operation: Operation, clients: dict[str, Client]) -> None:
        self.operation = operation
        self.clients = clients
        self.counter = RowCounter()
        self.failures: list[str] = []

    def send(self, actor: str, url: str, request: Request) -> int:
        before = self.counter.counts()
        response = _send(self.clients[actor], self.operation.method, url, request)
        where = f"{actor} {self.operation.method.upper()} {url} [{request.label}]"
        problem = _problem(response)
        if problem is None and request.must_refuse and response.status_code < 400:
            problem = f"status {response.status_code}: a body that is not a JSON object was accepted"
        if problem:
            self.failures.append(f"{where} -> {problem}")
        elif response.status_code >= 400:
            changed = self.counter.changes(before, self.counter.counts())
            if changed:
                answer = response.content[:300].decode(errors="replace")
                self.failures.append(f"{where} -> {response.status_code} {answer}\n  yet wrote: {changed}")
        return response.status_code


def _url(operation: Operation, values: dict[str, str]) -> str:
    url = operation.path
    for name in operation.path_params:
        url = url.replace("{" + name + "}", values[name])
    return url


def _bad_paths(operation: Operation) -> list[str]:
    """Ids that do not exist, are not numbers, or do not fit a database integer."""
    urls = []
    for value in (str(MISSING_ID), "abc", str(HUGE)) if operation.path_params else ():
        code = "khong-co" if value != "abc" else value
        values = {name: code if name == "code" else value for name in operation.path_params}
        urls.append(_url(operation, values))
    return urls


def _let_in(probe: Probe, url: str, base: Request) -> list[str]:
    """Who gets past the door: each member of the cast sends the plausible body once; those who
    are not refused as strangers (401, 403, 404) get the hostile bodies."""
    allowed = []
    for actor in INSIDE + OUTSIDE:
        status = probe.send(actor, url, base)
        if status not in (401, 403, 404) and actor in INSIDE:
            allowed.append(actor)
    return allowed


@pytest.fixture(autouse=True)
def _files_and_keys(settings: Any, tmp_path: Any) -> None:
    isolate_files(settings, tmp_path)


def _ids() -> list[Any]:
    return [pytest.param(op, id=f"{op.method.upper()} {op.path}") for op in OPERATIONS]


@pytest.mark.parametrize("operation", _ids())
def test_no_hostile_write_is_a_server_error_or_half_written(cast: Cast, operation: Operation) -> None:
    rows = build_rows(cast, operation.app, operation.path_params, operation.body_targets)
    path_values = {name: rows.path_value(name) for name in operation.path_params}
    url = _url(operation, path_values)
    probe = Probe(operation, _clients(cast))
    base = _base(operation, rows)
    for bad_url in _bad_paths(operation):
        # Refused before the body is read: one member from inside, one from outside.
        for actor in ("superuser", "clerk_b"):
            probe.send(actor, bad_url, base)
    allowed = _let_in(probe, url, base)
    for request in _shapes(operation):
        # The body is parsed before the view runs, so whoever sends it meets the same parser.
        probe.send("superuser", url, request)
    for actor in allowed[:LET_IN_PER_OPERATION] or ["superuser"]:
        for request in _hostile(operation, rows):
            probe.send(actor, url, request)
    failures = probe.failures
    assert not failures, "\n\n".join(failures[:3]) + f"\n\n({len(failures)} failing requests)"
