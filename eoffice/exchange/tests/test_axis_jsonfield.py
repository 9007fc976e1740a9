"""The streamed reading of an axis answer's base64 package, against json.loads and b64decode."""

from __future__ import annotations

import base64
import binascii
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from eoffice.exchange.axis.jsonfield import FieldError, decode_field, write_with_base64

VXP, LGSP = ("data",), ("data", "content")

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def chunked(data: bytes, sizes: list[int]) -> list[bytes]:
    pieces, at = [], 0
    for size in sizes:
        pieces.append(data[at : at + size])
        at += size
    return [*pieces, data[at:]]


def read(
    text: bytes | str, path: tuple[str, ...] = VXP, sizes: list[int] | None = None
) -> tuple[dict, bytes]:
    raw = text.encode() if isinstance(text, str) else text
    out = io.BytesIO()
    answer = decode_field(chunked(raw, sizes or []), path, out)
    return answer, out.getvalue()


@settings(max_examples=300, deadline=None)
@given(
    package=st.binary(max_size=3000),
    around=st.dictionaries(st.text(max_size=8).filter(lambda k: k != "data"), values, max_size=5),
    inner=st.dictionaries(st.text(max_size=8).filter(lambda k: k != "content"), values, max_size=3),
    lgsp=st.booleans(),
    ascii_only=st.booleans(),
    escape_slashes=st.booleans(),
    indent=st.none() | st.integers(0, 2),
    sizes=st.lists(st.integers(1, 700), max_size=8),
)
def test_the_package_and_the_rest_read_as_json_loads_reads_them(
    package: bytes,
    around: dict[str, Any],
    inner: dict[str, Any],
    lgsp: bool,
    ascii_only: bool,
    escape_slashes: bool,
    indent: int | None,
    sizes: list[int],
) -> None:
    encoded = base64.b64encode(package).decode()
    answer: dict[str, Any] = dict(around)
    answer["data"] = {**inner, "content": encoded} if lgsp else encoded
    text = json.dumps(answer, ensure_ascii=ascii_only, indent=indent)
    if escape_slashes:  # as PHP's json_encode writes them; "\/" is valid in any JSON string
        text = text.replace("/", "\\/")
    got, decoded = read(text, LGSP if lgsp else VXP, sizes)
    expected = json.loads(text)
    if lgsp:
        expected["data"]["content"] = ""
    else:
        expected["data"] = ""
    assert got == expected
    assert decoded == package


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(alphabet="ABCQRSabz019+/=-_ .\n", max_size=40),
    sizes=st.lists(st.integers(1, 9), max_size=6),
)
@example(text="0000=", sizes=[])  # stray padding after whole quads: taken, as b64decode takes it
@example(text="=", sizes=[])
@example(text="QQ===", sizes=[3])
def test_base64_is_read_as_strictly_as_b64decode_with_validate(text: str, sizes: list[int]) -> None:
    try:
        expected: bytes | None = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        expected = None
    body = json.dumps({"data": text})
    try:
        _answer, decoded = read(body, VXP, sizes)
    except FieldError:
        assert expected is None, text
    else:
        assert decoded == expected, text


def test_only_the_field_at_the_path_is_taken() -> None:
    text = '{"x": {"data": "AAAA"}, "list": ["data", {"data": "BBBB"}], "d\\u0061ta": "QUJD"}'
    answer, decoded = read(text)
    assert decoded == b"ABC"
    assert answer == {"x": {"data": "AAAA"}, "list": ["data", {"data": "BBBB"}], "data": ""}


def test_an_error_answer_without_the_field_reads_whole() -> None:
    answer, decoded = read('{"ErrorCode": "-1", "ErrorDesc": "Không tìm thấy", "status": "FAIL"}')
    assert answer["ErrorDesc"] == "Không tìm thấy" and decoded == b""
    answer, decoded = read('{"ErrorCode": 0, "data": {"content": null}}', LGSP)
    assert answer == {"ErrorCode": 0, "data": {"content": None}} and decoded == b""


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('["data", "QUJD"]', "not a JSON object"),
        ('{"data": "QUJD"', "not JSON"),
        ('{"data": "QUJ', "ends inside a string"),
        ('{"data": "QUJD", "note": "x', "ends inside a string"),
        ('{"data": "QUJD", "data": "QUJD"}', "twice"),
        ('{"data" "QUJD"}', "not JSON"),
        ('{"data": "QU\\nJD"}', "not base64"),
        ('{"data": "QU\\u00e9D"}', "not base64"),
        ('{"data": "QU\\u+123"}', "bad \\u escape"),
        ('{"data": "QUJD===="}', "not base64"),
        ('{"data": "QQ==QUJD"}', "not base64"),
        ('{"data": "QUJ"}', "incorrect padding"),
        ('{"data": "QUJD"} trailing', "not JSON"),
    ],
)
def test_a_malformed_answer_is_refused_with_its_reason(text: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason.replace("\\", "\\\\")):
        read(text)


def test_what_surrounds_the_package_is_bounded() -> None:
    padding = json.dumps({"note": "x" * 100_000, "data": "QUJD"})
    with pytest.raises(FieldError, match="besides the package"):
        read(padding)
    spaces = '{"data": "QUJD"' + " " * 100_000 + "}"
    with pytest.raises(FieldError, match="besides the package"):
        read(spaces)
    # The package itself is not bounded here (the download's byte limit is).
    answer, decoded = read(json.dumps({"data": base64.b64encode(b"\x00" * 3_000_000).decode()}))
    assert decoded == b"\x00" * 3_000_000 and answer == {"data": ""}


@settings(max_examples=100, deadline=None)
@given(
    package=st.binary(max_size=5000),
    fields=st.dictionaries(st.text(max_size=8).filter(lambda k: k != "content"), values, max_size=4),
    from_file=st.booleans(),
)
def test_a_request_body_carries_the_package_as_base64(
    package: bytes, fields: dict[str, Any], from_file: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    source: bytes | Path = package
    if from_file:
        source = tmp_path_factory.mktemp("body") / "package.edxml"
        source.write_bytes(package)
    out = io.BytesIO()
    write_with_base64(fields, "content", source, out)
    assert json.loads(out.getvalue()) == {**fields, "content": base64.b64encode(package).decode()}
    decoded = io.BytesIO()
    assert decode_field([out.getvalue()], ("content",), decoded) == {**fields, "content": ""}
    assert decoded.getvalue() == package
