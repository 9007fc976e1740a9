"""Hostile packages for the receiving endpoint, made inside the sending installation.

`package` runs in the installation of a registered peer: it builds an edoc with the codec's own
builder (as the codec's hostile tests do), spoils it one way, signs the envelope with that
installation's exchange key wherever a real sender could have, and signs the HTTP request as the
worker would (`keys.signed_headers`). So the receiver's request check passes and the package meets
the checks that are meant to catch it. `quarantined` and `stored` run in the receiving
installation and say what it kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

INBOX = "/exchange/inbox/"
NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
# A DOCTYPE cannot be signed (the signer refuses it) nor carry a foreign root: these go as they are.
UNSIGNABLE = {"xxe", "billion_laughs", "wrong_namespace"}
KINDS = (
    "valid",
    "xxe",
    "billion_laughs",
    "wrong_namespace",
    "missing_document_id",
    "broken_base64",
    "zip_bomb",
    "forged_signature",
    "altered_after_signing",
    "forged_request",
    "tampered_pdf",
)


def _edoc(
    sender_code: str, receiver_code: str, key: str, subject: str, files: list[tuple[str, bytes, str]]
) -> Any:
    from eoffice.directory.models import Agency
    from eoffice.exchange import edxml
    from eoffice.exchange.edxml import mapping
    from eoffice.exchange.tests.edxml_factories import edoc

    package = edoc(*files)
    package.header.from_ = mapping.organization_of(Agency.objects.get(code=sender_code))
    package.header.to = [edxml.Organization(organ_id=receiver_code, organ_name="Nơi nhận")]
    package.header.document_id = key
    package.header.subject = package.header.content = subject
    package.trace_headers = [edxml.TraceHeader(sender_code, dt.datetime.now().replace(microsecond=0))]
    return package


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cong-van.doc", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


def _doctype(kind: str, subject: str) -> bytes:
    if kind == "xxe":
        return (
            f'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            f'<edXML xmlns="{NS}"><Subject>{subject}</Subject><x>&xxe;</x></edXML>'
        ).encode()
    lol = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    return f'<?xml version="1.0"?><!DOCTYPE edXML [{lol}]><edXML xmlns="{NS}">{subject}&l9;</edXML>'.encode()


def _spoiled(kind: str, sender_code: str, receiver_code: str, key: str, subject: str, pdf: bytes) -> bytes:
    from eoffice.exchange import edxml

    if kind in ("xxe", "billion_laughs"):
        return _doctype(kind, subject)
    files = [("cong-van.pdf", pdf, "application/pdf")]
    if kind == "zip_bomb":
        files = [("cong-van.doc", _zip_bomb(), "application/zip")]
    xml = edxml.build_edoc(_edoc(sender_code, receiver_code, key, subject, files))
    if kind == "wrong_namespace":
        return xml.replace(NS.encode(), b"http://www.go.vn/eDoc")
    if kind == "missing_document_id":
        element = f"<edXML:DocumentId>{key}</edXML:DocumentId>".encode()
        assert element in xml
        return xml.replace(element, b"")
    if kind == "broken_base64":
        head, rest = xml.split(b"<ContentTransferEncoded>", 1)
        _payload, tail = rest.split(b"</ContentTransferEncoded>", 1)
        return head + b"<ContentTransferEncoded>QUJD=QUJD</ContentTransferEncoded>" + tail
    return xml


def package(
    kind: str, sender_code: str, receiver_code: str, marker: str, out_dir: str, pdf_path: str
) -> dict[str, Any]:
    """A signed request carrying one package spoiled as `kind` (see KINDS), written to `out_dir`.

    `pdf_path` is the PDF it carries (a genuine signed one, or a tampered copy for "tampered_pdf").
    """
    from eoffice.exchange import edxml, keys, packages

    if kind not in KINDS:
        raise ValueError(f"unknown hostile kind {kind!r}")
    tag = hashlib.sha256(marker.encode()).hexdigest()[:6].upper()
    key = f"{sender_code},{dt.date.today():%Y/%m/%d},{KINDS.index(kind) + 1}/THU-{kind.upper()}-{tag}"
    subject = f"{marker} {kind}"
    xml = _spoiled(kind, sender_code, receiver_code, key, subject, Path(pdf_path).read_bytes())
    own = keys.installation_keys()
    if kind not in UNSIGNABLE:
        signer = keys.make_self_signed("Kẻ mạo danh") if kind == "forged_signature" else own
        xml = edxml.sign_envelope(xml, key_pem=signer.key_pem, cert_pem=signer.cert_pem)
    if kind == "altered_after_signing":
        xml = xml.replace(subject.encode(), f"{subject} (sửa sau khi ký)".encode())
    digest = keys.digest_of(xml)
    if kind == "forged_request":
        # The request signature is made over other bytes than the ones sent.
        digest = keys.digest_of(xml + b" ")
    headers = keys.signed_headers("POST", INBOX, digest)
    if kind == "forged_request":
        headers[keys.HEADER_DIGEST] = keys.digest_of(xml)
    headers[packages.HEADER_RECEIVER] = receiver_code
    path = Path(out_dir) / f"{kind}.edxml"
    path.write_bytes(xml)
    return {
        "path": str(path),
        "headers": headers,
        "sha256": hashlib.sha256(xml).hexdigest(),
        "document_key": key,
        "subject": subject,
    }


def quarantined(sha256: str) -> list[dict[str, Any]]:
    """The quarantine's items holding exactly these bytes, as the system admin's page lists them."""
    from eoffice.exchange import quarantine, selectors
    from eoffice.exchange.testing.peering import _admin

    items = selectors.quarantine(_admin(), open_only=False).filter(sha256=sha256)
    found = []
    for item in items:
        raw = quarantine.raw_file(item).read_bytes()
        found.append(
            {
                "code": item.code,
                "message": item.message,
                "detail": item.detail,
                "document_key": item.document_key,
                "peer": item.peer.code if item.peer else None,
                "raw_sha256": hashlib.sha256(raw).hexdigest(),
                "size": item.size,
            }
        )
    return found


def stored(marker: str) -> dict[str, int]:
    """What this installation holds of packages whose subject starts with `marker`."""
    from eoffice.documents.models import Document
    from eoffice.exchange.models import Receipt

    documents = Document.objects.filter(subject__startswith=marker)
    return {
        "documents": documents.count(),
        "receipts": Receipt.objects.filter(document__in=documents).count(),
    }


def untrusted_pdf() -> bytes:
    """A PDF signed (intact, PAdES) by the test PKI's stranger, whose CA no installation trusts.

    Runs in the test process: it signs with a trust store holding only the stranger's own CA,
    because the signer refuses a certificate its trust store does not chain to."""
    import tempfile

    from cryptography.hazmat.primitives.serialization import Encoding
    from django.test import override_settings

    from eoffice.exchange.testing.samples import install_trust
    from eoffice.signing import pades
    from eoffice.signing.signers import Pkcs12Signer
    from eoffice.signing.tests.pki import PFX_PASSWORD, build_pki, sample_pdf, signature_png

    stranger = build_pki().stranger
    with tempfile.TemporaryDirectory() as trust, override_settings(EOFFICE_TRUST_STORE=trust):
        install_trust(Path(trust), stranger.issuer.public_bytes(Encoding.PEM), folder="")
        signer = Pkcs12Signer(stranger.pfx(), PFX_PASSWORD)
        prepared = pades.prepare_for_signing(sample_pdf())
        return pades.sign_personal(prepared, signer=signer, signature_image=signature_png())
