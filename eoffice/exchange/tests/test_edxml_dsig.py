"""XML-DSig of the envelope: our own signature verifies; any alteration or a forged one is detected."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from eoffice.exchange.edxml import (
    EdocPackage,
    EdxmlError,
    Limits,
    build_edoc,
    build_status,
    parse,
    sign_envelope,
    verify_envelope,
)

from .edxml_factories import edoc, status
from .edxml_keys import key_and_cert

SAMPLES = Path(__file__).parent / "edxml_data" / "samples"
PDF = b"%PDF-1.7\n" + b"n\xe1\xbb\x99i dung " * 200


@pytest.fixture(scope="module")
def ours() -> tuple[bytes, bytes]:
    return key_and_cert()


@pytest.fixture(scope="module")
def theirs() -> tuple[bytes, bytes]:
    return key_and_cert("Kẻ giả mạo")


def _code(data: bytes, cert: bytes) -> str:
    with pytest.raises(EdxmlError) as caught:
        verify_envelope(data, cert_pem=cert)
    return caught.value.code


def test_signed_package_verifies_and_still_parses(ours: tuple[bytes, bytes]) -> None:
    key, cert = ours
    package = edoc(("Công văn 45.pdf", PDF, "application/pdf"))
    signed = sign_envelope(build_edoc(package), key_pem=key, cert_pem=cert)
    verify_envelope(signed, cert_pem=cert)
    again = parse(signed)
    assert isinstance(again, EdocPackage) and again.signature_present
    assert again == package
    signed_status = sign_envelope(build_status(status()), key_pem=key, cert_pem=cert)
    verify_envelope(signed_status, cert_pem=cert)
    assert parse(signed_status) == status()


def test_altered_header_is_detected(ours: tuple[bytes, bytes]) -> None:
    key, cert = ours
    signed = sign_envelope(build_edoc(edoc()), key_pem=key, cert_pem=cert)
    altered = signed.replace("V/v triển khai".encode(), b"V/v huy bo")
    assert altered != signed
    assert _code(altered, cert) == "signature_invalid"


def test_altered_attachment_is_detected(ours: tuple[bytes, bytes]) -> None:
    key, cert = ours
    signed = sign_envelope(build_edoc(edoc(("a.pdf", PDF, "application/pdf"))), key_pem=key, cert_pem=cert)
    original = base64.b64encode(PDF)
    assert original in signed
    tampered = base64.b64encode(PDF.replace(b"%PDF-1.7", b"%PDF-1.6"))
    assert _code(signed.replace(original, tampered), cert) == "signature_invalid"


def test_forged_signature_is_detected(ours: tuple[bytes, bytes], theirs: tuple[bytes, bytes]) -> None:
    _key, cert = ours
    forged_key, forged_cert = theirs
    forged = sign_envelope(build_edoc(edoc()), key_pem=forged_key, cert_pem=forged_cert)
    verify_envelope(forged, cert_pem=forged_cert)  # valid for its own certificate…
    assert _code(forged, cert) == "signature_invalid"  # …but not made with the installation's key
    # A copied SignatureValue on another package (as in the VNPT samples) does not verify either.
    key, cert = ours
    signed = sign_envelope(build_edoc(edoc()), key_pem=key, cert_pem=cert)
    other = sign_envelope(build_status(status()), key_pem=key, cert_pem=cert)
    value = signed.split(b"<ds:SignatureValue>")[1].split(b"</ds:SignatureValue>")[0]
    other_value = other.split(b"<ds:SignatureValue>")[1].split(b"</ds:SignatureValue>")[0]
    assert _code(signed.replace(value, other_value), cert) == "signature_invalid"


def test_unsigned_and_placeholder_signatures(ours: tuple[bytes, bytes]) -> None:
    _key, cert = ours
    assert _code(build_edoc(edoc()), cert) == "signature_missing"
    # The VNPT samples carry a Signature outside the xmldsig namespace: a placeholder, not a signature.
    assert _code((SAMPLES / "edoc_update.edxml").read_bytes(), cert) == "signature_missing"
    assert _code((SAMPLES / "edoc.edxml").read_bytes(), cert) == "malformed_xml"


def test_hostile_input_to_verify(ours: tuple[bytes, bytes]) -> None:
    _key, cert = ours
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&x;</edXML>'
    )
    assert _code(xxe, cert) == "doctype_forbidden"
    # libxml2 stops the expansion itself; the reason given is still the DOCTYPE, not "malformed".
    lol = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    laughs = f'<?xml version="1.0"?><!-- x --><!DOCTYPE edXML [{lol}]><edXML>&l9;</edXML>'.encode()
    assert _code(laughs, cert) == "doctype_forbidden"
    assert _code(b'<?xml version="1.0"?><edXML>&undeclared;</edXML>', cert) == "malformed_xml"
    assert _code(b'<edXML xmlns="http://www.go.vn/eDoc"/>', cert) == "wrong_namespace"
    with pytest.raises(EdxmlError) as caught:
        verify_envelope(build_edoc(edoc()), cert_pem=cert, limits=Limits(max_package_bytes=100))
    assert caught.value.code == "too_large"


def test_resigning_replaces_the_old_signature(ours: tuple[bytes, bytes], theirs: tuple[bytes, bytes]) -> None:
    key, cert = ours
    first = sign_envelope(build_edoc(edoc()), key_pem=theirs[0], cert_pem=theirs[1])
    second = sign_envelope(first, key_pem=key, cert_pem=cert)
    assert second.count(b"<ds:Signature ") + second.count(b"<ds:Signature>") == 1
    verify_envelope(second, cert_pem=cert)
