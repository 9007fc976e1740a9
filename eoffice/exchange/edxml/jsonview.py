"""A package as JSON-ready data with keys named after the edXML tags (for `manage.py edxml_parse`)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from .codes import status_label
from .dates import format_date, format_datetime
from .model import Attachment, EdocPackage, StatusPackage

_RENAMED = {"sha256": "SHA256", "from_": "From"}


def tag(attribute: str) -> str:
    """`organ_id` → `OrganId`, `from_` → `From` (the dataclass fields are the tags in snake_case)."""
    return _RENAMED.get(attribute) or "".join(part.capitalize() for part in attribute.split("_"))


def _value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, list):
        return [_value(item) for item in value]
    if isinstance(value, tuple):
        return [_value(item) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {
            tag(f.name): _value(getattr(value, f.name))
            for f in fields(value)
            if f.name != "data" and not (f.name == "path" and getattr(value, f.name) is None)
        }
    return value


def _attachment(attachment: Attachment) -> dict[str, Any]:
    data = _value(attachment)
    data["ContentId"] = f"cid:{attachment.content_id}"
    data["InMemory"] = attachment.data is not None
    return data


def to_json(package: EdocPackage | StatusPackage) -> dict[str, Any]:
    if isinstance(package, StatusPackage):
        header = _value(package)
        trace = header.pop("TraceHeaders")
        other = header.pop("Other")
        header.pop("SignaturePresent")
        header["StatusLabel"] = status_label(package.status_code)
        return {
            "MessageType": "status",
            "MessageHeader": header,
            "TraceHeaderList": {"TraceHeader": trace},
            "SignaturePresent": package.signature_present,
            "OtherInformation": other,
        }
    return {
        "MessageType": "edoc",
        "MessageHeader": _value(package.header),
        "TraceHeaderList": {
            "TraceHeader": _value(package.trace_headers),
            "Bussiness": _value(package.bussiness),
        },
        "edXMLManifest": {
            "Reference": [{**_value(r), "ContentId": f"cid:{r.content_id}"} for r in package.manifest]
        },
        "AttachmentEncoded": {"Attachment": [_attachment(a) for a in package.attachments]},
        "SignaturePresent": package.signature_present,
        "OtherInformation": _value(package.other),
    }
