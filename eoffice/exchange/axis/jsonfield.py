"""One base64 string of an axis's JSON answer, decoded to a file while the answer is read; and the
other way, a JSON request whose base64 string is written from a file.

An axis hands a package back inside its JSON answer, base64-encoded (VXP: `data`, LGSP:
`data.content`): a 200 MB package is a 270 MB JSON string. `json.loads` would hold that string, and
its decoding, in memory at once — several times the package. `decode_field` reads the answer once,
in chunks, writes that one string's decoded bytes to `out`, and hands the rest of the answer
(codes and descriptions, a few hundred bytes) to `json.loads` with the string emptied, so the
answer's grammar is still checked by the standard parser and the callers read their codes as before.

The scanner only follows what it needs: where strings start and end, and which object key leads to
the current value. A malformed answer it lets through is refused by `json.loads` of the rest.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

# What an answer may hold besides the package: error codes, descriptions, a few fields.
MAX_REST = 16 * 1024
_PIECE = 1 << 20  # base64 text decoded at a time
_QUOTE = ord('"')
_HEX = frozenset(b"0123456789abcdefABCDEF")
_OPENERS = {ord("{"): True, ord("["): False}
_CLOSERS = (ord("}"), ord("]"))


def write_with_base64(fields: dict[str, Any], key: str, package: bytes | Path, out: IO[bytes]) -> None:
    """Write the JSON object `fields` plus `key`: the base64 of `package`, read a piece at a time."""
    head = json.dumps(fields)[:-1] + (", " if fields else "") + json.dumps(key) + ': "'
    out.write(head.encode("ascii"))
    if isinstance(package, bytes):
        out.write(base64.b64encode(package))
    else:
        with package.open("rb") as source:
            while piece := source.read(3 * _PIECE):  # a multiple of 3: no padding inside
                out.write(base64.b64encode(piece))
    out.write(b'"}')


class FieldError(ValueError):
    """The answer is not a JSON object, or the field is not base64 text."""


class _Chunks:
    """Bytes read on demand from an iterator of chunks; `pos` indexes `buf`."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self.buf = b""
        self.pos = 0

    def fill(self) -> bool:
        for chunk in self._chunks:
            if chunk:
                self.buf = self.buf[self.pos :] + chunk
                self.pos = 0
                return True
        return False

    def next_byte(self) -> int | None:
        if self.pos >= len(self.buf) and not self.fill():
            return None
        value = self.buf[self.pos]
        self.pos += 1
        return value

    def need_byte(self) -> int:
        value = self.next_byte()
        if value is None:
            raise FieldError("the answer ends inside a string")
        return value

    def next_stop(self) -> int:
        """Index in `buf` of the next quote or backslash, or len(buf) when this chunk has none."""
        if self.pos >= len(self.buf) and not self.fill():
            raise FieldError("the answer ends inside a string")
        ends = [i for i in (self.buf.find(b'"', self.pos), self.buf.find(b"\\", self.pos)) if i >= 0]
        return min(ends) if ends else len(self.buf)


class _Base64Writer:
    """Strict base64 (the alphabet, `=` only at the end, whole quads) decoded in large pieces."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.pending = b""
        self.padded = False
        self.wrote = False

    def feed(self, data: bytes) -> None:
        if not data:
            return
        data = self.pending + data
        equals = data.find(b"=")
        if equals >= 0:
            self.padded = True
            cut = equals - equals % 4
        else:
            cut = len(data) - len(data) % 4
        if cut:
            self._write(data[:cut])
        self.pending = data[cut:]
        if self.padded and len(self.pending) > 4:
            raise FieldError("the package is not base64: data after the padding")

    def close(self) -> None:
        if self.wrote and self.pending in (b"=", b"=="):
            self.pending = b""  # stray padding after whole quads: harmless, and b64decode takes it
        if len(self.pending) % 4:
            raise FieldError("the package is not base64: incorrect padding")
        if self.pending:
            self._write(self.pending)
        self.pending = b""

    def _write(self, quads: bytes) -> None:
        self.wrote = True
        try:
            self.out.write(binascii.a2b_base64(quads, strict_mode=True))
        except binascii.Error as exc:
            raise FieldError(f"the package is not base64: {exc}") from None


@dataclass
class _Container:
    is_object: bool
    key: str | None = None
    expecting_key: bool = False


def decode_field(
    chunks: Iterable[bytes], path: Sequence[str], out: IO[bytes], *, max_rest: int = MAX_REST
) -> dict[str, Any]:
    """The JSON object read from `chunks`, with the string at `path` (object keys from the top)
    written base64-decoded to `out` and replaced by "". A missing field writes nothing."""
    source = _Chunks(chunks)
    rest = bytearray()
    stack: list[_Container] = []
    found = False
    while (byte := source.next_byte()) is not None:
        if byte == _QUOTE:
            top = stack[-1] if stack else None
            if top is not None and top.is_object and top.expecting_key:
                start = len(rest)
                _copy_string(source, rest, max_rest)
                top.key = _key(bytes(rest[start:]))
                top.expecting_key = False
            elif _at(stack, path):
                if found:
                    raise FieldError(f"the answer holds {'.'.join(path)} twice")
                found = True
                rest += b'""'
                _decode_string(source, _Base64Writer(out))
            else:
                _copy_string(source, rest, max_rest)
            continue
        rest.append(byte)
        if len(rest) > max_rest:
            raise FieldError(f"the answer holds more than {max_rest} bytes besides the package")
        if byte in _OPENERS:
            is_object = _OPENERS[byte]
            stack.append(_Container(is_object, expecting_key=is_object))
        elif byte in _CLOSERS:
            if stack:
                stack.pop()
        elif byte == ord(",") and stack and stack[-1].is_object:
            stack[-1].expecting_key = True
    try:
        answer = json.loads(bytes(rest))
    except ValueError as exc:
        raise FieldError(f"the answer is not JSON: {exc}") from None
    if not isinstance(answer, dict):
        raise FieldError("the answer is not a JSON object")
    return answer


def _at(stack: list[_Container], path: Sequence[str]) -> bool:
    return len(stack) == len(path) and all(
        c.is_object and c.key == name for c, name in zip(stack, path, strict=True)
    )


def _key(quoted: bytes) -> str:
    try:
        return str(json.loads(quoted))
    except ValueError as exc:
        raise FieldError(f"the answer is not JSON: {exc}") from None


def _copy_string(source: _Chunks, rest: bytearray, limit: int) -> None:
    """Copy one string, its quotes and escapes as they are, to `rest`; the opening quote was read."""
    rest.append(_QUOTE)
    while True:
        stop = source.next_stop()
        rest += source.buf[source.pos : stop]
        source.pos = stop
        if len(rest) > limit:
            raise FieldError(f"the answer holds more than {limit} bytes besides the package")
        if stop == len(source.buf):
            continue
        rest.append(source.need_byte())
        if rest[-1] == _QUOTE:
            return
        rest.append(source.need_byte())  # the escaped character: json.loads checks it


def _decode_string(source: _Chunks, writer: _Base64Writer) -> None:
    """Decode one string into `writer`; base64 needs no escapes but JSON may write / as \\/."""
    text = bytearray()  # gathered so that an answer escaping every "/" is not decoded 3 bytes at a time
    while True:
        if len(text) >= _PIECE:
            writer.feed(bytes(text))
            text.clear()
        stop = source.next_stop()
        text += source.buf[source.pos : stop]
        source.pos = stop
        if stop == len(source.buf):
            continue
        if source.need_byte() == _QUOTE:
            writer.feed(bytes(text))
            writer.close()
            return
        escaped = source.need_byte()
        if escaped == ord("/"):
            text.append(escaped)
        elif escaped == ord("u"):
            digits = bytes(source.need_byte() for _ in range(4))
            if not _HEX.issuperset(digits):
                raise FieldError("the answer is not JSON: a bad \\u escape")
            code = int(digits, 16)
            if code >= 0x80:
                raise FieldError("the package is not base64: a character outside the alphabet")
            text.append(code)
        else:
            raise FieldError("the package is not base64: a character outside the alphabet")
