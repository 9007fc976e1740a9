"""The bytes a line carries: an edXML package built from our data and signed (XML-DSig).

An edoc line carries the released draft, addressed to that line's receiver (the codec's mapping,
`edxml.mapping.edoc_from_draft`); a status line carries the code, the description and who reported
it. The envelope is signed with this installation's key.
"""

from __future__ import annotations

import datetime as dt

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


def edoc_of(line: OutboxLine) -> edxml.EdocPackage:
    assert line.draft_id is not None
    draft = Draft.objects.select_related("agency").get(pk=line.draft_id)
    package = mapping.edoc_from_draft(
        draft, doc_type=edxml.BussinessDocType(line.business_type), recipients=[line.receiver]
    )
    reason = str((line.payload or {}).get("reason", ""))
    if reason and package.bussiness is not None:
        package.bussiness.bussiness_doc_reason = reason
    if line.business_type != 0:
        # A recall names the document; its files are not sent again.
        package.attachments, package.manifest = [], []
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


def package_bytes(line: OutboxLine) -> bytes:
    """The signed package for one line (built afresh on each attempt: it is cheap and stateless)."""
    if line.kind == MessageKind.STATUS:
        xml = edxml.build_status(status_of(line))
    else:
        xml = edxml.build_edoc(edoc_of(line))
    pair = keys.installation_keys()
    return edxml.sign_envelope(xml, key_pem=pair.key_pem, cert_pem=pair.cert_pem)
