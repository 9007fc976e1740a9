"""Hostile and broken input: each gets a precise, stable error code and leaves nothing behind."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path

import pytest

from eoffice.exchange.edxml import EdxmlError, Limits, build_edoc, build_status, parse

from .edxml_factories import edoc, status

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40


def _code(data: bytes, tmp_path: Path | None = None, **kwargs: object) -> str:
    with pytest.raises(EdxmlError) as caught:
        parse(data, attachments_dir=tmp_path, **kwargs)  # type: ignore[arg-type]
    assert caught.value.message and caught.value.code
    if tmp_path is not None:
        assert list(tmp_path.iterdir()) == [], "a failed parse must not leave files behind"
    return caught.value.code


def _replace_content(package_bytes: bytes, new_base64: bytes) -> bytes:
    head, rest = package_bytes.split(b"<ContentTransferEncoded>", 1)
    _old, tail = rest.split(b"</ContentTransferEncoded>", 1)
    return head + b"<ContentTransferEncoded>" + new_base64 + b"</ContentTransferEncoded>" + tail


def test_xxe_is_refused(tmp_path: Path) -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<edXML xmlns="' + NS.encode() + b'"><x>&xxe;</x></edXML>'
    )
    assert _code(data, tmp_path) == "doctype_forbidden"


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    lol = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    data = f'<?xml version="1.0"?><!DOCTYPE edXML [{lol}]><edXML xmlns="{NS}">&l9;</edXML>'.encode()
    assert _code(data, tmp_path) == "doctype_forbidden"


def test_wrong_namespace_is_refused() -> None:
    data = build_status(status()).replace(NS.encode(), b"http://www.go.vn/eDoc")
    assert _code(data) == "wrong_namespace"


def test_missing_document_id() -> None:
    data = build_edoc(edoc()).replace(
        b"<edXML:DocumentId>000.00.00.H41,2026/11/20,45/UBND-VP</edXML:DocumentId>", b""
    )
    assert _code(data) == "missing_document_id"
    data = build_status(status()).replace(
        b"<edXML:DocumentId>000.00.00.H41,2026/11/20,45/UBND-VP</edXML:DocumentId>", b""
    )
    assert _code(data) == "missing_document_id"


@pytest.mark.parametrize(
    "bad",
    [b"${__StringFromFile(test.txt,,,)}", b"QUJD=QUJD", b"QUJDR", b"QU JD R===", b"\xc3\xa9QUJD"],
)
def test_broken_base64_is_precise(bad: bytes, tmp_path: Path) -> None:
    data = _replace_content(build_edoc(edoc(("a.pdf", PDF, "application/pdf"))), bad)
    assert _code(data, tmp_path) == "broken_base64"


def test_base64_with_line_breaks_is_accepted() -> None:
    encoded = base64.encodebytes(PDF)  # 76-column lines, as MIME writers do
    data = _replace_content(build_edoc(edoc(("a.pdf", PDF, "application/pdf"))), encoded)
    package = parse(data)
    assert package.attachments[0].read_bytes() == PDF  # type: ignore[union-attr]


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = _zip({"a.doc": b"\0" * (50 * 1024 * 1024)})
    assert len(bomb) < 100_000
    data = build_edoc(edoc(("a.doc", bomb, "application/zip")))
    assert _code(data, tmp_path) == "zip_bomb"


def test_zip_absolute_size_limit(tmp_path: Path) -> None:
    data = build_edoc(edoc(("a.doc", _zip({"a.doc": PDF * 10}), "application/zip")))
    assert _code(data, tmp_path, limits=Limits(max_unzipped_bytes=1000)) == "zip_bomb"


def test_zip_path_traversal_is_refused(tmp_path: Path) -> None:
    data = build_edoc(edoc(("a.zip", _zip({"../../etc/cron.d/x": b"boom"}), "application/zip")))
    assert _code(data, tmp_path) == "zip_unsafe_name"


def test_zip_entry_count_is_limited(tmp_path: Path) -> None:
    data = build_edoc(edoc(("a.zip", _zip({f"{i}.txt": b"x" for i in range(5)}), "application/zip")))
    assert _code(data, tmp_path, limits=Limits(max_zip_entries=4)) == "zip_too_many_entries"


def test_docx_is_not_unzipped() -> None:
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    package = parse(build_edoc(edoc(("Công văn.docx", docx, "application/vnd.openxmlformats"))))
    assert package.attachments[0].members == []  # type: ignore[union-attr]


def test_limits_on_count_depth_and_size() -> None:
    many = build_edoc(edoc(*[(f"{i}.pdf", PDF, "application/pdf") for i in range(3)]))
    assert _code(many, limits=Limits(max_attachments=2)) == "too_many_attachments"
    assert _code(many, limits=Limits(max_package_bytes=1000)) == "too_large"
    assert _code(many, limits=Limits(max_attachment_bytes=100)) == "attachment_too_large"
    assert _code(many, limits=Limits(max_inline_bytes=100)) == "attachments_dir_required"
    deep = f'<edXML xmlns="{NS}">' + "<x>" * 40 + "</x>" * 40 + "</edXML>"
    assert _code(deep.encode()) == "too_deep"


def test_manifest_without_attachment() -> None:
    data = build_edoc(edoc(("a.pdf", PDF, "application/pdf")))
    start = data.index(b"<AttachmentEncoded>")
    end = data.index(b"</AttachmentEncoded>") + len(b"</AttachmentEncoded>")
    assert _code(data[:start] + data[end:]) == "attachment_mismatch"


def test_structure_errors_are_schema_invalid() -> None:
    data = build_edoc(edoc()).replace(
        b"<edXML:Subject>V/v", b"<edXML:Subject><edXML:From><edXML:OrganId>x</edXML:OrganId></edXML:From>V/v"
    )
    assert _code(data) == "schema_invalid"


def test_unknown_doc_type_is_invalid_value() -> None:
    data = build_edoc(edoc()).replace(b"<edXML:BussinessDocType>0<", b"<edXML:BussinessDocType>7<")
    assert _code(data) == "invalid_value"


def test_garbage_and_empty_input() -> None:
    assert _code(b"") == "malformed_xml"
    assert _code(b"\x00\x01binary") == "malformed_xml"
    assert _code(b"<edXML") == "malformed_xml"


def test_second_zip_failing_removes_the_first_ones_files(tmp_path: Path) -> None:
    good = _zip({"a.pdf": PDF, "b.pdf": PDF})
    bomb = _zip({"c.doc": b"\0" * (50 * 1024 * 1024)})
    data = build_edoc(edoc(("a.zip", good, "application/zip"), ("b.zip", bomb, "application/zip")))
    assert _code(data, tmp_path) == "zip_bomb"  # and _code checks that tmp_path is empty


def test_payload_outside_attachment_encoded_is_not_decoded(tmp_path: Path) -> None:
    data = build_edoc(edoc(("a.pdf", PDF, "application/pdf")))
    data = data.replace(
        b"</edXML:edXMLManifest>",
        b"<edXML:ContentTransferEncoded>QUJD</edXML:ContentTransferEncoded></edXML:edXMLManifest>",
    )
    package = parse(data, attachments_dir=tmp_path)
    assert ("edXMLBody/edXMLManifest/ContentTransferEncoded", "QUJD") in package.other
    assert len(list(tmp_path.iterdir())) == 1


def test_two_contents_in_one_attachment(tmp_path: Path) -> None:
    data = build_edoc(edoc(("a.pdf", PDF, "application/pdf")))
    data = data.replace(
        b"</ContentTransferEncoded>",
        b"</ContentTransferEncoded><ContentTransferEncoded>QUJD</ContentTransferEncoded>",
    )
    assert _code(data, tmp_path) == "attachment_mismatch"


def test_status_with_attachments_is_refused(tmp_path: Path) -> None:
    attachment = build_edoc(edoc(("a.pdf", PDF, "application/pdf")))
    encoded = attachment[
        attachment.index(b"<AttachmentEncoded>") : attachment.index(b"</AttachmentEncoded>") + 20
    ]
    data = build_status(status()).replace(b"</edXML>", encoded + b"</edXML>")
    assert _code(data, tmp_path) == "schema_invalid"
