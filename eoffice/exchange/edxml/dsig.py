"""XML-DSig of the whole package (enveloped, RSA-SHA256, exclusive C14N) with the installation's key.

The signature sits at the end of `edXMLHeader`, where the samples put theirs, and its reference
(URI="") covers the whole document including the attachments, so any change anywhere is detected.
The legally relevant signatures remain the PDF signatures inside the attachments (edxml.md §9).

Both directions read the package as a stream (`dsig_stream`), so memory does not grow with the
attachments. signxml, which the issue named, builds and verifies the same signatures but holds the
package in memory about seven times (900 MB for a 100 MB attachment) and its parser refused any
attachment over 7.5 MB; it stays in the tests as the reference both directions are checked against
(docs/architecture.md, "XML-DSig").

One profile, the one every peer installation sends: anything else is refused, never half-checked.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import shutil
from functools import lru_cache
from typing import Any, BinaryIO

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from . import dsig_stream
from .codes import DSIG_NAMESPACE
from .errors import EdxmlError
from .limits import DEFAULT_LIMITS, Limits
from .reader import open_source

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
_COPY = 1 << 20
# What we sign is our own package: the receiving limits are the receiver's to apply.
_OWN = Limits(max_package_bytes=1 << 40)


def _ds(local: str) -> str:
    return f"{{{DSIG_NAMESPACE}}}{local}"


@lru_cache(maxsize=8)
def private_key(key_pem: bytes) -> Any:
    """The key object of a PEM private key, loaded once per process: loading checks an RSA key's
    consistency, which costs ~35 ms for 2,048 bits, more than building and signing a 1 MB package."""
    return serialization.load_pem_private_key(key_pem, password=None)


def _ascii(value: bytes | str) -> bytes:
    return value.encode("ascii") if isinstance(value, str) else value


def _certificate(cert_pem: bytes | str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(_ascii(cert_pem))
    except ValueError as exc:
        raise EdxmlError("signature_invalid", f"cannot read the certificate: {exc}") from exc


# --- signing ---------------------------------------------------------------------------------------


def _signature(digest: bytes, *, key_pem: bytes | str, cert_pem: bytes | str) -> bytes:
    """The serialised ds:Signature for a document digest; SignedInfo canonicalised by libxml2."""
    signature = etree.Element(_ds("Signature"), nsmap={"ds": DSIG_NAMESPACE})
    signed_info = etree.SubElement(signature, _ds("SignedInfo"))
    etree.SubElement(signed_info, _ds("CanonicalizationMethod"), Algorithm=EXC_C14N)
    etree.SubElement(signed_info, _ds("SignatureMethod"), Algorithm=RSA_SHA256)
    reference = etree.SubElement(signed_info, _ds("Reference"), URI="")
    transforms = etree.SubElement(reference, _ds("Transforms"))
    etree.SubElement(transforms, _ds("Transform"), Algorithm=ENVELOPED)
    etree.SubElement(transforms, _ds("Transform"), Algorithm=EXC_C14N)
    etree.SubElement(reference, _ds("DigestMethod"), Algorithm=SHA256)
    etree.SubElement(reference, _ds("DigestValue")).text = base64.b64encode(digest).decode()
    try:
        key = private_key(_ascii(key_pem))
    except (ValueError, TypeError) as exc:
        raise EdxmlError("signature_invalid", f"signing failed: {exc}") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise EdxmlError("signature_invalid", "signing failed: the installation's key is not RSA")
    canonical = etree.tostring(signed_info, method="c14n", exclusive=True, with_comments=False)
    value = key.sign(canonical, padding.PKCS1v15(), hashes.SHA256())
    etree.SubElement(signature, _ds("SignatureValue")).text = base64.b64encode(value).decode()
    der = _certificate(cert_pem).public_bytes(serialization.Encoding.DER)
    data = etree.SubElement(etree.SubElement(signature, _ds("KeyInfo")), _ds("X509Data"))
    etree.SubElement(data, _ds("X509Certificate")).text = base64.b64encode(der).decode()
    return etree.tostring(signature, encoding="utf-8")


def _copy(handle: BinaryIO, out: BinaryIO, start: int, end: int) -> None:
    handle.seek(start)
    left = end - start
    while left > 0 and (chunk := handle.read(min(_COPY, left))):
        out.write(chunk)
        left -= len(chunk)


def sign_stream(
    source: dsig_stream.Source,
    out: BinaryIO,
    *,
    key_pem: bytes | str,
    cert_pem: bytes | str,
    limits: Limits = _OWN,
) -> None:
    """Write the package read from `source` (seekable) to `out` with an enveloped XML-DSig at the
    end of edXMLHeader; an existing signature there is replaced. Two streamed passes: the digest,
    then the copy."""
    seen = dsig_stream.read(source, limits)
    handle, owned = open_source(source)
    try:
        handle.seek(seen.header_end_tag_at)
        if seen.header_end_tag_at < 0 or handle.read(2) != b"</":
            raise EdxmlError("schema_invalid", "no edXMLEnvelope/edXMLHeader with content")
        signature = _signature(seen.digest.digest(), key_pem=key_pem, cert_pem=cert_pem)
        if seen.signatures:
            handle.seek(seen.signature_end_tag_at)
            if handle.read(2) != b"</":
                raise EdxmlError("signature_invalid", "cannot replace an empty ds:Signature element")
            handle.seek(seen.signature_end_tag_at)
            old_end = seen.signature_end_tag_at + handle.read(1 << 10).index(b">") + 1
            _copy(handle, out, 0, seen.signature_at)
            _copy(handle, out, old_end, seen.header_end_tag_at)
        else:
            _copy(handle, out, 0, seen.header_end_tag_at)
        out.write(signature)
        handle.seek(seen.header_end_tag_at)
        shutil.copyfileobj(handle, out, _COPY)
    finally:
        if owned:
            handle.close()


def sign_envelope(xml_bytes: bytes, *, key_pem: bytes | str, cert_pem: bytes | str) -> bytes:
    """Return the package with an enveloped XML-DSig; an existing signature is replaced."""
    out = io.BytesIO()
    sign_stream(xml_bytes, out, key_pem=key_pem, cert_pem=cert_pem)
    return out.getvalue()


# --- verification ----------------------------------------------------------------------------------


def verify_envelope(
    source: dsig_stream.Source, *, cert_pem: bytes | str, limits: Limits = DEFAULT_LIMITS
) -> None:
    """Raise EdxmlError unless the whole package carries a valid signature made with `cert_pem`."""
    seen = dsig_stream.read(source, limits)
    if not seen.signatures:
        raise EdxmlError("signature_missing", "no ds:Signature in edXMLHeader")
    if seen.signed_infos != 1 or len(seen.values) != 1:
        raise EdxmlError("signature_invalid", "a Signature needs one SignedInfo and one SignatureValue")
    signed_info = bytes(seen.signed_info)
    if _digest_value(signed_info) != seen.digest.digest():
        raise EdxmlError("signature_invalid", "digest mismatch: the package was changed after signing")
    _check_value(signed_info, seen.values[0], cert_pem)


def _digest_value(signed_info: bytes) -> bytes:
    """The DigestValue of a SignedInfo in our profile; refuses any other."""
    root = etree.fromstring(signed_info, etree.XMLParser(resolve_entities=False, no_network=True))

    def algorithm(element: etree._Element | None, wanted: str, what: str) -> None:
        found = None if element is None else element.get("Algorithm")
        if found != wanted or (element is not None and len(element)):
            raise EdxmlError("signature_invalid", f"unsupported {what}: {found!r} (expected {wanted})")

    algorithm(root.find(_ds("CanonicalizationMethod")), EXC_C14N, "CanonicalizationMethod")
    algorithm(root.find(_ds("SignatureMethod")), RSA_SHA256, "SignatureMethod")
    references = root.findall(_ds("Reference"))
    if len(references) != 1 or references[0].get("URI") != "":
        raise EdxmlError("signature_invalid", 'the signature must have one Reference with URI=""')
    transforms = references[0].findall(f"{_ds('Transforms')}/{_ds('Transform')}")
    if len(transforms) != 2:
        raise EdxmlError("signature_invalid", "Transforms must be enveloped-signature, then exclusive C14N")
    algorithm(transforms[0], ENVELOPED, "Transform")
    algorithm(transforms[1], EXC_C14N, "Transform")
    algorithm(references[0].find(_ds("DigestMethod")), SHA256, "DigestMethod")
    try:
        return base64.b64decode(references[0].findtext(_ds("DigestValue")) or "", validate=True)
    except binascii.Error as exc:
        raise EdxmlError("signature_invalid", f"DigestValue: {exc}") from exc


def _check_value(signed_info: bytes, value: str, cert_pem: bytes | str) -> None:
    certificate = _certificate(cert_pem)
    compact = "".join(value.split())
    try:
        signature = base64.b64decode(compact, validate=True)
    except binascii.Error as exc:
        raise EdxmlError("signature_invalid", f"SignatureValue: {exc}") from exc
    # Only the canonical spelling (XML Schema base64Binary: unused bits zero), as signxml requires.
    if base64.b64encode(signature).decode() != compact:
        raise EdxmlError("signature_invalid", "SignatureValue is not canonical base64")
    now = dt.datetime.now(dt.UTC)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise EdxmlError("signature_invalid", "the peer's certificate is not valid now")
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise EdxmlError("signature_invalid", "the peer's certificate has no RSA key")
    try:
        key.verify(signature, signed_info, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise EdxmlError("signature_invalid", "SignatureValue does not match the peer's certificate") from exc
