"""Request bodies built from an operation's OpenAPI schema (test_hostile_api_writes).

Each body has one hostile aspect; every other field keeps a plausible value of agency A, so the
hostile one reaches past the checks that would refuse a wholly wrong body. An aspect that touches
no field of the schema leaves the plausible body as it is.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from eoffice.core.rowids import MAX_ROW_ID
from eoffice.web.tests.hostile_rows import MISSING_ID, Rows

LONG = "a" * 100_000
HUGE = 10**25
UNKNOWN = "khong-co-gia-tri-nay"
BAD_DATE = "2026-13-45"
MANY = 10_000
MISSING_CODE = "000.99.99.H99"

ASPECTS = (
    "long",  # every string 100,000 characters
    "int_huge",  # every integer 10**25
    "int_max",  # every integer 2**63 - 1: fits a key column, not a smaller one nor date arithmetic
    "int_negative",  # every integer -1
    "date_bad",  # every date and instant the 45th of the 13th month
    "enum_unknown",  # every choice a value nobody knows
    "array_huge",  # every list 10,000 items
    "ids_missing",  # every id or agency code points at nothing
    "ids_b",  # every id or agency code points at agency B's row
)

# String fields that carry a choice though the schema types them as plain strings.
CHOICE_NAMES = {
    "kind",
    "urgency",
    "secrecy",
    "role",
    "roles",
    "target_kind",
    "style",
    "auth",
    "scope",
    "type",
    "verdict",
    "escalate_to",
    "action",
    "received_via",
    "format",
    "signer_competence",
    "Competence",
    "Language",
}

# A value each service accepts, by (part of the operation's path, field); the first match wins.
PLAUSIBLE: list[tuple[str, str, str]] = [
    ("/opinions", "kind", "opinion"),
    ("/work/", "kind", "task"),
    ("/calendar/", "kind", "day_off"),
    ("/directory/", "kind", "department"),
    ("/work/", "role", "lead"),
    ("/work/", "target_kind", "person"),
    ("/work/", "urgency", "normal"),
    ("/work/", "action", "complete"),
    ("/directory/agencies", "code", "000.00.09.H99"),
    ("", "urgency", "thuong"),
    ("", "secrecy", "thuong"),
    ("", "received_via", "upload"),
    ("", "signer_competence", ""),
    ("", "Competence", ""),
    ("", "Language", "vi"),
    ("", "roles", "chuyen_vien"),
    ("", "verdict", "agree"),
    ("", "type", "nhac_nho"),
    ("", "escalate_to", "assigner"),
    ("", "style", "vxp"),
    ("", "auth", "key"),
    ("", "format", "csv"),
    ("", "code_qd20", ""),
    ("", "username", "nguoi.moi"),
    ("", "email", "nguoi.moi@example.gov.vn"),
    ("", "phone", "0912345678"),
    ("", "fax", ""),
    ("", "base_url", "https://truc.example.gov.vn"),
    ("", "website", "https://example.gov.vn"),
    ("", "start", "07:30"),
    ("", "end", "11:30"),
    ("", "password", "Mat-khau-moi-2026!"),
    ("", "recipient_lines", ""),
]

# Optional fields left out of the plausible body: each is one of several ways to say the same
# thing (a deadline as an instant, a day or a count of working days) or a link to something else.
NULL_IN_BASE = {
    "starts_at",
    "deadline_date",
    "working_days",
    "reserved_id",
    "advisory_body_id",
    "reply_to_id",
    "replaces_id",
    "replaces_draft_id",
    "corrects_draft_id",
    "subject_id",
    "peer_id",
    "parent_id",
    "register_id",
    "PageAmount",
    "urgency_deadline",
    "pkcs12",
    "certificate",
}
# Instants in the past; every other instant is in the coming days.
PAST_INSTANTS = {"arrived_at"}


def branch(schema: dict[str, Any]) -> dict[str, Any]:
    """The non-null branch of an optional field (`anyOf: [X, null]`)."""
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            branches = [s for s in schema[key] if s.get("type") != "null"]
            return branch(branches[0]) if branches else {"type": "null"}
    return schema


def _nullable(schema: dict[str, Any]) -> bool:
    return any(s.get("type") == "null" for s in schema.get("anyOf", ()))


def id_target(name: str) -> str | None:
    """What a field named like an id points at ("leader_id" -> "leader", "line_ids" -> "line")."""
    name = name.lower()
    if name == "id":
        return "user"
    for suffix in ("_ids", "_id"):
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return None


def _next_weekday(now: datetime, days: int) -> datetime:
    day = now + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class Builder:
    def __init__(self, rows: Rows, aspect: str, path: str, now: datetime | None = None) -> None:
        # One clock for all the bodies of an operation, so bodies that differ only by the time
        # they were built count as one.
        self.now = (now or timezone.localtime()).replace(microsecond=0)
        self.rows = rows
        self.aspect = aspect
        self.path = path

    @property
    def side(self) -> str:
        return "b" if self.aspect == "ids_b" else "a"

    def body(self, schema: dict[str, Any]) -> Any:
        return self.value("", schema)

    def value(self, name: str, schema: dict[str, Any]) -> Any:
        if self.aspect == "base" and name in NULL_IN_BASE and _nullable(schema):
            return None
        schema = branch(schema)
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            return {key: self.value(key, sub) for key, sub in schema.get("properties", {}).items()}
        if kind == "array":
            item = self.value(name, schema.get("items", {}))
            return [copy.deepcopy(item) for _ in range(MANY)] if self.aspect == "array_huge" else [item]
        if kind in ("integer", "number"):
            return self.integer(name, schema)
        if kind == "boolean":
            return True
        if kind == "string":
            return self.string(name, schema)
        return None

    def integer(self, name: str, schema: dict[str, Any]) -> int:
        if self.aspect == "int_huge":
            return HUGE
        if self.aspect == "int_max":
            return MAX_ROW_ID
        if self.aspect == "int_negative":
            return -1
        target = id_target(name)
        if target is not None:
            return MISSING_ID if self.aspect == "ids_missing" else self.rows.id_of(target, self.side)
        if name == "year":
            return self.now.year
        if "minimum" in schema and "maximum" in schema:
            return min(max(int(schema["minimum"]), 2), int(schema["maximum"]))
        return 2

    def string(self, name: str, schema: dict[str, Any]) -> str:
        fmt = schema.get("format")
        if fmt in ("date", "date-time"):
            return BAD_DATE if self.aspect == "date_bad" else self.instant(name, fmt)
        if self.aspect == "long":
            return LONG
        if self.aspect == "enum_unknown" and ("enum" in schema or name in CHOICE_NAMES):
            return UNKNOWN
        if "enum" in schema:
            return str(schema["enum"][0])
        if name in ("parent_code", "into_code") or (name == "code" and self.aspect == "ids_b"):
            # An agency named by its code; agency B's code as a new agency's code is a duplicate.
            return MISSING_CODE if self.aspect == "ids_missing" else self.rows.code(self.side)
        target = id_target(name)
        if target is not None:
            # A list of ids sent as one comma-separated field (multipart forms).
            return str(MISSING_ID if self.aspect == "ids_missing" else self.rows.id_of(target, self.side))
        for fragment, field, value in PLAUSIBLE:
            if field == name and fragment in self.path:
                return value
        text = "Nội dung thử nghiệm"
        return text[: int(schema.get("maxLength", len(text)))]

    def instant(self, name: str, fmt: str) -> str:
        moment = self.now - timedelta(hours=1) if name in PAST_INSTANTS else _next_weekday(self.now, 10)
        if name == "IssuedDate" or name == "effective_on":
            moment = self.now
        return moment.date().isoformat() if fmt == "date" else moment.isoformat()
