"""The edXML package of an outbox line bound for an axis, in a temporary file.

An edoc line is its released draft mapped by the codec (`edoc_from_draft`, addressed to this one
receiver, business type of the line: new, recall, update, replace); a status line is a status
package answering the document `line.document_key` names, from the receiving agency, with the
staff and description the line recorded. Attachments are streamed through a temporary directory.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from eoffice.exchange.edxml import (
    BussinessDocType,
    ResponseFor,
    StaffInfo,
    StatusPackage,
    build_status,
    write_edoc,
)
from eoffice.exchange.edxml.mapping import edoc_from_draft, organization_of
from eoffice.exchange.models import MessageKind, OutboxLine


def _work_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "exchange" / "axis"
    folder.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="out-", dir=folder))


def _response_for(document_key: str) -> ResponseFor:
    # DocumentId "<OrganId>,<yyyy/MM/dd>,<number>/<symbol>"; read leniently (edxml.md §6).
    organ_id, _, rest = document_key.partition(",")
    day, _, symbol = rest.partition(",")
    try:
        issued: dt.date | None = dt.datetime.strptime(day, "%Y/%m/%d").date()
    except ValueError:
        issued = None
    return ResponseFor(organ_id=organ_id, code=symbol, promulgation_date=issued, document_id=document_key)


def status_bytes(line: OutboxLine) -> bytes:
    payload = line.payload or {}
    moment = timezone.now()
    if payload.get("timestamp"):
        moment = dt.datetime.fromisoformat(str(payload["timestamp"]))
    package = StatusPackage(
        from_=organization_of(line.sender),
        response_for=_response_for(line.document_key),
        staff_info=StaffInfo(staff=str(payload.get("staff", ""))),
        status_code=line.status_code,
        description=str(payload.get("description", "")),
        timestamp=timezone.localtime(moment).replace(tzinfo=None, microsecond=0),
    )
    return build_status(package)


@contextmanager
def package_file(line: OutboxLine) -> Iterator[Path]:
    """The line's package in a temporary file, removed afterwards: an edoc's attachments are
    streamed into it, so a large document is never held in memory (built afresh on each attempt)."""
    directory = _work_dir()
    try:
        path = directory / "package.edxml"
        if line.kind == MessageKind.STATUS:
            path.write_bytes(status_bytes(line))
        else:
            if line.draft is None:
                raise ValueError(f"edoc line {line.pk} has no draft")
            package = edoc_from_draft(
                line.draft,
                attachments_dir=directory,
                doc_type=BussinessDocType(line.business_type),
                recipients=[line.receiver],
            )
            with path.open("wb") as out:
                write_edoc(package, out)
        yield path
    finally:
        shutil.rmtree(directory, ignore_errors=True)
