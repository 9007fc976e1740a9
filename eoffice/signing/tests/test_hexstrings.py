"""The bulk hex-string reader returns what pyHanko's own reader returns, and fails where it fails."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfReadError

from eoffice.signing import hexstrings

# Hex digits and PDF whitespace mostly, with now and then what pyHanko must judge itself.
_body = st.text(alphabet=st.sampled_from([*"0123456789abcdefABCDEF \n\r\t\f\x00", "%", "g", "<"]))


def _read(reader: object, data: bytes) -> tuple[object, int] | tuple[str, str]:
    stream = io.BytesIO(data)
    try:
        value = reader(stream)  # type: ignore[operator]
    except PdfReadError as exc:
        return type(exc).__name__, str(exc)
    return (type(value).__name__, bytes(value.original_bytes)), stream.tell()


@settings(max_examples=400, deadline=None)
@given(body=_body, closed=st.booleans(), tail=st.binary(max_size=8), lead=st.integers(0, 3))
def test_same_result_and_position_as_pyhankos_reader(body: str, closed: bool, tail: bytes, lead: int) -> None:
    data = b"<" + body.encode("latin-1") + (b">" if closed else b"") + tail
    assert _read(hexstrings.read_hex_string, data) == _read(hexstrings._original, data)


@pytest.mark.parametrize("size", [1, 16_384, 40_001])
def test_long_signature_contents_cross_chunks(size: int) -> None:
    digits = (b"0123456789abcdef" * (size // 16 + 1))[:size]
    data = b"<" + b"\n".join(digits[i : i + 64] for i in range(0, size, 64)) + b"> /Type"
    assert _read(hexstrings.read_hex_string, data) == _read(hexstrings._original, data)
    stream = io.BytesIO(data)
    hexstrings.read_hex_string(stream)
    assert stream.read() == b" /Type"


def test_installed_for_pyhankos_object_reader() -> None:
    assert generic.read_hex_string_from_stream is hexstrings.read_hex_string
    value = generic.read_object(io.BytesIO(b"<4f4B>"), container_ref=None)  # type: ignore[arg-type]
    assert isinstance(value, generic.TextStringObject) and value == "OK"
