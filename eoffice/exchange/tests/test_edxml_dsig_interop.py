"""Our streamed XML-DSig against signxml, the reference: each verifies what the other signs, and
both accept or refuse the same altered packages. Also: an attachment over libxml2's 10 MB text
limit (where signxml's own parser gave up) signs and verifies."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from signxml import SignatureConfiguration, XMLSigner, XMLVerifier, methods
from signxml.exceptions import SignXMLException

from eoffice.exchange.edxml import EdxmlError, build_edoc, build_status, sign_envelope, verify_envelope
from eoffice.exchange.edxml.codes import DSIG_NAMESPACE, NAMESPACE

from .edxml_factories import edoc, status
from .edxml_keys import key_and_cert

KEY, CERT = key_and_cert()
_HEADER = f"{{{NAMESPACE}}}edXMLEnvelope/{{{NAMESPACE}}}edXMLHeader"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
PDF = b"%PDF-1.7\n" + "Quyết định số 45".encode() * 300


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


class _Signer(XMLSigner):
    @property
    def parser(self) -> etree.XMLParser:
        return _parser()


def signxml_sign(xml: bytes, *, c14n: str = EXC_C14N) -> bytes:
    root = etree.fromstring(xml, _parser())
    header = root.find(_HEADER)
    assert header is not None
    etree.SubElement(header, f"{{{DSIG_NAMESPACE}}}Signature", Id="placeholder", nsmap={"ds": DSIG_NAMESPACE})
    signer = _Signer(
        method=methods.enveloped,
        signature_algorithm="rsa-sha256",
        digest_algorithm="sha256",
        c14n_algorithm=c14n,
    )
    signed = signer.sign(root, key=KEY, cert=CERT.decode())
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


def signxml_accepts(xml: bytes) -> bool:
    config = SignatureConfiguration(location=f"./{_HEADER}/", expect_references=1)
    try:
        result: Any = XMLVerifier().verify(
            xml, x509_cert=CERT.decode(), expect_config=config, parser=_parser()
        )
    except (SignXMLException, etree.LxmlError, ValueError):
        return False
    return bool(result.signed_xml is not None and result.signed_xml.tag == f"{{{NAMESPACE}}}edXML")


def ours_accepts(xml: bytes) -> bool:
    try:
        verify_envelope(xml, cert_pem=CERT)
    except EdxmlError:
        return False
    return True


@pytest.mark.parametrize(
    "package",
    [build_edoc(edoc(("Quyết định.pdf", PDF, "application/pdf"))), build_status(status())],
    ids=["edoc", "status"],
)
def test_each_verifies_what_the_other_signs(package: bytes) -> None:
    assert signxml_accepts(sign_envelope(package, key_pem=KEY, cert_pem=CERT))
    assert ours_accepts(signxml_sign(package))


@settings(max_examples=40, deadline=None)
@given(subject=st.text(alphabet=st.sampled_from(list("Về việc &<>\"'\t\r\n]ươ")), min_size=1, max_size=40))
def test_generated_subjects_verify_both_ways(subject: str) -> None:
    package = edoc(("a.pdf", PDF, "application/pdf"))
    package.header.subject = subject
    xml = build_edoc(package)
    assert signxml_accepts(sign_envelope(xml, key_pem=KEY, cert_pem=CERT))
    assert ours_accepts(signxml_sign(xml))


SIGNED = signxml_sign(build_edoc(edoc(("a.pdf", PDF, "application/pdf"))))
KEY_INFO = (SIGNED.index(b"<ds:KeyInfo>"), SIGNED.index(b"</ds:KeyInfo>"))
ROOT_AT = SIGNED.index(b"<edXML ")


@settings(max_examples=300, deadline=None)
@given(at=st.integers(0, len(SIGNED) - 1), byte=st.sampled_from(list(b" \n\rAa0=+/<>&\"'x:")))
def test_same_verdict_as_signxml_on_altered_packages(at: int, byte: int) -> None:
    altered = SIGNED[:at] + bytes([byte]) + SIGNED[at + 1 :]
    if KEY_INFO[0] <= at < KEY_INFO[1]:
        # Outside SignedInfo and not used: we check against the peer's registered certificate.
        return
    ours, theirs = ours_accepts(altered), signxml_accepts(altered)
    if at < ROOT_AT and theirs and not ours:
        # "<?xml" altered into a processing instruction: see the test below.
        return
    assert ours == theirs, altered[max(0, at - 60) : at + 60]


def test_a_processing_instruction_added_before_the_root_is_refused() -> None:
    # URI="" is the whole document, processing instructions outside the root included (XML-DSig
    # §4.3.3.3; libxml2's C14N agrees); signxml digests only the root element and would accept it.
    signed = sign_envelope(build_status(status()), key_pem=KEY, cert_pem=CERT)
    root_at = signed.index(b"<edXML ")
    altered = signed[:root_at] + b"<?xml-stylesheet href='x'?>" + signed[root_at:]
    assert not ours_accepts(altered)
    assert signxml_accepts(altered)


def test_attachment_over_libxml2s_text_limit_signs_and_verifies() -> None:
    package = build_edoc(edoc(("scan.pdf", b"%PDF-1.7\n" + os.urandom(12_000_000), "application/pdf")))
    signed = sign_envelope(package, key_pem=KEY, cert_pem=CERT)
    assert ours_accepts(signed) and signxml_accepts(signed)
    assert not ours_accepts(signed.replace(b"<ContentTransferEncoded>", b"<ContentTransferEncoded>QUFB", 1))


def test_signatures_outside_our_profile_are_refused_by_name() -> None:
    inclusive = signxml_sign(build_status(status()), c14n="http://www.w3.org/TR/2001/REC-xml-c14n-20010315")
    assert signxml_accepts(inclusive)  # a valid signature, but not the profile peers use
    ours = sign_envelope(build_status(status()), key_pem=KEY, cert_pem=CERT)
    sha256 = b"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    sha1 = ours.replace(sha256, b"http://www.w3.org/2000/09/xmldsig#rsa-sha1")
    for package, why in ((inclusive, "CanonicalizationMethod"), (sha1, "SignatureMethod")):
        with pytest.raises(EdxmlError) as caught:
            verify_envelope(package, cert_pem=CERT)
        assert caught.value.code == "signature_invalid" and why in caught.value.detail


@pytest.mark.parametrize(
    ("prolog", "detail"),
    [
        (b"<?xml version='A.0' encoding='UTF-8'?>", "XML version"),
        (b"<?xml version='1.0' encoding='Shift_JIS'?>", "encoding"),
        (b"<?xml version='1.0' encoding='no-such'?>", "encoding"),
    ],
)
def test_a_prolog_libxml2_would_refuse_is_refused_as_malformed(prolog: bytes, detail: str) -> None:
    signed = sign_envelope(build_status(status()), key_pem=KEY, cert_pem=CERT)
    altered = prolog + signed[signed.index(b"?>") + 2 :]
    with pytest.raises(EdxmlError) as caught:
        verify_envelope(altered, cert_pem=CERT)
    assert caught.value.code == "malformed_xml" and detail in caught.value.detail


def test_two_signatures_in_the_header_are_refused() -> None:
    signed = sign_envelope(build_status(status()), key_pem=KEY, cert_pem=CERT)
    start, end = signed.index(b"<ds:Signature"), signed.index(b"</ds:Signature>") + len(b"</ds:Signature>")
    doubled = signed[:end] + signed[start:end] + signed[end:]
    with pytest.raises(EdxmlError) as caught:
        verify_envelope(doubled, cert_pem=CERT)
    assert caught.value.code == "signature_invalid" and "more than one" in caught.value.detail


def test_a_signature_value_spelled_non_canonically_is_refused() -> None:
    # RSA-2048: 256 bytes, so the base64 ends "X==" and X's low four bits are unused padding bits.
    signed = sign_envelope(build_status(status()), key_pem=KEY, cert_pem=CERT)
    end = signed.index(b"==</ds:SignatureValue>")
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    same_bits = alphabet[alphabet.index(signed[end - 1 : end]) | 1]
    altered = signed[: end - 1] + bytes([same_bits]) + signed[end:]
    start = signed.index(b"<ds:SignatureValue>") + len(b"<ds:SignatureValue>")
    assert base64.b64decode(altered[start : end + 2]) == base64.b64decode(signed[start : end + 2])
    assert not ours_accepts(altered) and not signxml_accepts(altered)
