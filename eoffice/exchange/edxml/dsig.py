"""XML-DSig of the whole package (enveloped, RSA-SHA256, exclusive C14N) with the installation's key.

The signature sits at the end of `edXMLHeader`, where the samples put theirs, and its reference
(URI="") covers the whole document including the attachments, so any change anywhere is detected.
The legally relevant signatures remain the PDF signatures inside the attachments (edxml.md §9).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from lxml import etree
from signxml import InvalidInput, SignatureConfiguration, XMLSigner, XMLVerifier, methods
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidSignature, SignXMLException

from .codes import DSIG_NAMESPACE, NAMESPACE
from .errors import EdxmlError
from .limits import DEFAULT_LIMITS, Limits

_HEADER_PATH = f"{{{NAMESPACE}}}edXMLEnvelope/{{{NAMESPACE}}}edXMLHeader"
_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
# A DOCTYPE can only stand in the prolog: after a BOM, the XML declaration, comments and PIs.
_DOCTYPE_IN_PROLOG = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:(?:<\?.*?\?>|<!--.*?-->)\s*)*<!DOCTYPE", re.S)


def _load(xml_bytes: bytes) -> etree._Element:
    # huge_tree: attachments are single text nodes far above libxml2's 10 MB default; entities and
    # DTDs stay off and a DOCTYPE is refused, so the usual expansion attacks do not apply.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, remove_blank_text=False
    )
    try:
        tree = etree.ElementTree(etree.fromstring(xml_bytes, parser))
    except etree.XMLSyntaxError as exc:
        # libxml2 stops an entity expansion attack before we see the DOCTYPE: name the real cause.
        if _DOCTYPE_IN_PROLOG.match(xml_bytes[: 1 << 16]):
            raise EdxmlError("doctype_forbidden", str(exc)) from exc
        raise EdxmlError("malformed_xml", str(exc)) from exc
    if tree.docinfo.doctype:
        raise EdxmlError("doctype_forbidden", tree.docinfo.doctype)
    root = tree.getroot()
    if root.tag != f"{{{NAMESPACE}}}edXML":
        raise EdxmlError("wrong_namespace", f"root element {root.tag!r}")
    return root


def _pem(value: bytes | str) -> str:
    return value.decode("ascii") if isinstance(value, bytes) else value


@lru_cache(maxsize=8)
def private_key(key_pem: bytes) -> Any:
    """The key object of a PEM private key, loaded once per process: loading checks an RSA key's
    consistency, which costs ~35 ms for 2,048 bits, more than building and signing a 1 MB package."""
    return serialization.load_pem_private_key(key_pem, password=None)


def _header(root: etree._Element) -> etree._Element:
    header = root.find(_HEADER_PATH)
    if header is None:
        raise EdxmlError("schema_invalid", "no edXMLEnvelope/edXMLHeader")
    return header


def sign_envelope(xml_bytes: bytes, *, key_pem: bytes | str, cert_pem: bytes | str) -> bytes:
    """Return the package with an enveloped XML-DSig; an existing signature is replaced."""
    root = _load(xml_bytes)
    header = _header(root)
    for old in header:
        if isinstance(old.tag, str) and old.tag.endswith("}Signature"):
            header.remove(old)
    placeholder = etree.SubElement(header, f"{{{DSIG_NAMESPACE}}}Signature", nsmap={"ds": DSIG_NAMESPACE})
    placeholder.set("Id", "placeholder")
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm="rsa-sha256",
        digest_algorithm="sha256",
        c14n_algorithm=_C14N,
    )
    try:
        key = private_key(key_pem.encode("ascii") if isinstance(key_pem, str) else key_pem)
        signed = signer.sign(root, key=key, cert=_pem(cert_pem))
    except (SignXMLException, ValueError, TypeError) as exc:
        raise EdxmlError("signature_invalid", f"signing failed: {exc}") from exc
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def verify_envelope(xml_bytes: bytes, *, cert_pem: bytes | str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise EdxmlError unless the whole package carries a valid signature made with `cert_pem`."""
    if len(xml_bytes) > limits.max_package_bytes:
        raise EdxmlError("too_large", f"package > {limits.max_package_bytes} bytes")
    root = _load(xml_bytes)
    header = _header(root)
    if header.find(f"{{{DSIG_NAMESPACE}}}Signature") is None:
        raise EdxmlError("signature_missing", "no ds:Signature in edXMLHeader")
    config = SignatureConfiguration(location=f"./{_HEADER_PATH}/", expect_references=1)
    try:
        result = XMLVerifier().verify(root, x509_cert=_pem(cert_pem), expect_config=config)
    except (InvalidSignature, InvalidDigest, InvalidCertificate, InvalidInput) as exc:
        raise EdxmlError("signature_invalid", str(exc)) from exc
    except SignXMLException as exc:
        raise EdxmlError("signature_invalid", f"{type(exc).__name__}: {exc}") from exc
    signed = result.signed_xml  # type: ignore[union-attr]
    if signed is None or signed.tag != root.tag:
        raise EdxmlError("signature_invalid", "the signature does not cover the whole package")
