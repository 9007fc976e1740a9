"""The bytes a line carries: an edXML package built from our data and signed (XML-DSig).

An edoc line carries the released draft, addressed to that line's receiver (the codec's mapping,
`edxml.mapping.edoc_from_draft`); a status line carries the code, the description and who reported
it. The envelope is signed with this installation's key. Packages are written to files, attachments
streamed from storage, so a large document does not need its size in memory (as on receipt).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from eoffice.exchange import edxml, keys
from eoffice.exchange.edxml import mapping
from eoffice.exchange.models import MessageKind, OutboxLine
from eoffice.outgoing.models import Draft

# The receiver's OrganId, so a peer hosting many agencies knows which one a POST is for.
HEADER_RECEIVER = "X-Exchange-Receiver"


def _local(moment: dt.datetime) -> dt.datetime:
    # edXML timestamps carry no zone; Vietnam local time is what senders use (edxml.md §12.9).
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def edoc_of(line: OutboxLine, *, attachments_dir: Path | None = None) -> edxml.EdocPackage:
    """The package of an edoc line: the released document (0), its recall (1), its update (2:
    the current version's metadata and files) or a replacing document (3, naming the one it
    replaces for this receiver). Stamped with the line's own time, so every attempt carries the
    same TraceHeader and the receiver can tell a retry from a new update."""
    assert line.draft_id is not None
    draft = Draft.objects.select_related("agency").get(pk=line.draft_id)
    doc_type = edxml.BussinessDocType(line.business_type)
    package = mapping.edoc_from_draft(
        draft,
        doc_type=doc_type,
        recipients=[line.receiver],
        now=line.created_at,
        attachments_dir=attachments_dir,
    )
    bussiness = package.bussiness
    assert bussiness is not None
    payload = line.payload or {}
    reason = str(payload.get("reason", ""))
    if reason:
        bussiness.bussiness_doc_reason = reason
    if doc_type is edxml.BussinessDocType.REVOKE:
        # A recall names the document; its files are not sent again.
        package.attachments, package.manifest = [], []
    elif doc_type is edxml.BussinessDocType.UPDATE:
        bussiness.bussiness_document_info = edxml.BussinessDocumentInfo(
            document_info="1", document_receiver="0"
        )
    elif doc_type is edxml.BussinessDocType.REPLACE:
        replaced = str(payload.get("replaces", ""))
        bussiness.document_id = replaced
        bussiness.replacement_info_list = [edxml.ReplacementInfo(replaced, [line.receiver.code])]
    return package


def status_of(line: OutboxLine) -> edxml.StatusPackage:
    payload = line.payload or {}
    organ_id, _, rest = line.document_key.partition(",")
    issued, _, code = rest.partition(",")
    moment = dt.datetime.fromisoformat(payload["timestamp"]) if payload.get("timestamp") else line.created_at
    try:
        promulgation = dt.datetime.strptime(issued, "%Y/%m/%d").date() if issued else None
    except ValueError:
        promulgation = None
    return edxml.StatusPackage(
        from_=mapping.organization_of(line.sender),
        response_for=edxml.ResponseFor(
            organ_id=organ_id, code=code, promulgation_date=promulgation, document_id=line.document_key
        ),
        staff_info=edxml.StaffInfo(staff=str(payload.get("staff", ""))),
        status_code=line.status_code,
        description=str(payload.get("description", "")),
        timestamp=_local(moment),
    )


@contextmanager
def package_file(line: OutboxLine, *, signed: bool = True) -> Iterator[Path]:
    """The package for one line, in a temporary file removed afterwards (built afresh on each
    attempt: it is cheap and stateless). Signed with this installation's key for a peer; an axis
    authenticates our system account on each call instead, and gets it unsigned (docs/axis.md)."""
    root = Path(settings.VAR_DIR) / "exchange" / "outgoing"
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pkg-", dir=root) as folder:
        directory = Path(folder)
        unsigned, signed_path = directory / "unsigned.edxml", directory / "package.edxml"
        with unsigned.open("wb") as out:
            if line.kind == MessageKind.STATUS:
                out.write(edxml.build_status(status_of(line)))
            else:
                edxml.write_edoc(edoc_of(line, attachments_dir=directory), out)
        if not signed:
            yield unsigned
            return
        pair = keys.installation_keys()
        with signed_path.open("wb") as out:
            edxml.sign_stream(unsigned, out, key_pem=pair.key_pem, cert_pem=pair.cert_pem)
        unsigned.unlink()
        yield signed_path


def package_bytes(line: OutboxLine) -> bytes:
    with package_file(line) as path:
        return path.read_bytes()
