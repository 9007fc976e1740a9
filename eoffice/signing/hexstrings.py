"""Read PDF hex strings in bulk instead of one byte at a time.

pyHanko reads a hex string (`<4f2a…>`) token by token in Python. A PAdES signature's `/Contents`
is such a string, reserved at 16 kB of hex by our signer and often more by other vendors', so
validating one signed PDF spent about half of its time there (≈ 25 ms of ≈ 45 ms for the exchange
benchmark's 1 MB document) — on every incoming package and every validation a clerk asks for.

`install()` swaps pyHanko's reader for `read_hex_string` below, which returns the same object for
the common case (hex digits and whitespace up to `>`) and hands every other case — a comment, a
bad character, a string cut off by the end of the file — back to pyHanko's own reader from the
same position, so errors and edge cases stay exactly pyHanko's. `tests/test_hexstrings.py`
compares both readers on generated input.
"""

from __future__ import annotations

import binascii
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE

_CHUNK = 1 << 14
_original = generic.read_hex_string_from_stream


def read_hex_string(stream: Any) -> Any:
    """Same contract as `pyhanko.pdf_utils.generic.read_hex_string_from_stream`."""
    start = stream.tell()
    stream.read(1)  # the opening "<"
    parts: list[bytes] = []
    while True:
        chunk = stream.read(_CHUNK)
        end = chunk.find(b">")
        comment = chunk.find(b"%", 0, len(chunk) if end < 0 else end)
        if not chunk or comment >= 0:
            return _fallback(stream, start)
        if end >= 0:
            parts.append(chunk[:end])
            stream.seek(end + 1 - len(chunk), 1)
            break
        parts.append(chunk)
    digits = b"".join(parts).translate(None, PDF_WHITESPACE)
    if digits.translate(None, generic.HEX_DIGITS):
        return _fallback(stream, start)
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


def _fallback(stream: Any, start: int) -> Any:
    stream.seek(start)
    return _original(stream)


def install() -> None:
    """Idempotent; pyHanko's parser looks the reader up in its module on every hex string."""
    generic.read_hex_string_from_stream = read_hex_string
