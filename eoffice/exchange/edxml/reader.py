"""Streaming, hardened reading of an untrusted .edxml file.

lxml parses with entities, DTDs and network off; a parser *target* builds a small tree of everything
except attachment content, which is decoded chunk by chunk (base64 → disk) as libxml2 delivers it.
So a 200 MB package needs memory for its envelope, not for its attachments.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from .attachments import Base64Sink
from .codes import NAMESPACE
from .errors import EdxmlError
from .limits import Limits
from .model import Payload

CHUNK = 1 << 16
PAYLOAD_TAG = f"{{{NAMESPACE}}}ContentTransferEncoded"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@dataclass
class RawPackage:
    root: etree._Element
    payloads: list[Payload]  # in document order of ContentTransferEncoded elements


class _Target:
    """lxml parser target: enforces limits and diverts attachment text to a Base64Sink."""

    def __init__(self, *, limits: Limits, directory: Path | None) -> None:
        self.limits = limits
        self.directory = directory
        self.builder = etree.TreeBuilder()
        self.depth = 0
        self.stack: list[str] = []
        self.sink: Base64Sink | None = None
        self.payloads: list[Payload] = []
        self.attachments = 0
        self.text_size = 0
        self.failed: BaseException | None = None

    def _fail(self, error: EdxmlError) -> None:
        self.failed = self.failed or error
        raise self.failed

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        self._fail(EdxmlError("doctype_forbidden", f"<!DOCTYPE {name}>"))

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        try:
            self._start(tag, attrib)
        except EdxmlError as error:
            self._fail(error)

    def _start(self, tag: str, attrib: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise EdxmlError("too_deep", f"depth > {self.limits.max_depth} at {'/'.join(self.stack)}")
        if not self.stack and tag != f"{{{NAMESPACE}}}edXML":
            raise EdxmlError("wrong_namespace", f"root element {tag!r}, expected {{{NAMESPACE}}}edXML")
        if not tag.startswith("{"):
            # Unprefixed children of a root that only declares a prefix: same element to us.
            tag = f"{{{NAMESPACE}}}{tag}"
        local = _local(tag)
        # Only edXML/AttachmentEncoded/Attachment carries payloads; elsewhere the text stays small text.
        if local == "Attachment" and self.stack == ["edXML", "AttachmentEncoded"]:
            self.attachments += 1
            if self.attachments > self.limits.max_attachments:
                raise EdxmlError("too_many_attachments", f"> {self.limits.max_attachments}")
        if tag == PAYLOAD_TAG and self.stack == ["edXML", "AttachmentEncoded", "Attachment"]:
            self.sink = Base64Sink(index=len(self.payloads), limits=self.limits, directory=self.directory)
        self.stack.append(local)
        self.text_size = 0
        self.builder.start(tag, dict(attrib))

    def data(self, text: str) -> None:
        if self.sink is not None:
            try:
                self.sink.feed(text)
            except EdxmlError as error:
                self._fail(error)
            return
        self.text_size += len(text)
        if self.text_size > self.limits.max_text_bytes:
            self._fail(
                EdxmlError("too_large", f"text of {'/'.join(self.stack)} > {self.limits.max_text_bytes}")
            )
        self.builder.data(text)

    def end(self, tag: str) -> None:
        if self.sink is not None:
            sink, self.sink = self.sink, None
            try:
                self.payloads.append(sink.finish())
            except EdxmlError as error:
                sink.discard()
                self._fail(error)
        self.depth -= 1
        self.stack.pop()
        self.builder.end(tag if tag.startswith("{") else f"{{{NAMESPACE}}}{tag}")

    def comment(self, text: str) -> None:
        return None

    def pi(self, target: str, data: str | None = None) -> None:
        return None

    def close(self) -> etree._Element:
        # lxml calls close() even after a callback raised; report that first error, not "missing end tags".
        if self.failed is not None:
            raise self.failed
        return self.builder.close()

    def abort(self) -> None:
        if self.sink is not None:
            self.sink.discard()
        for payload in self.payloads:
            if payload.path is not None:
                payload.path.unlink(missing_ok=True)


def open_source(source: bytes | str | os.PathLike[str] | BinaryIO) -> tuple[BinaryIO, bool]:
    """A readable handle on a package given as bytes, a path or a file, and whether the caller
    opened it (and must close it)."""
    if isinstance(source, bytes | bytearray | memoryview):
        import io

        return io.BytesIO(bytes(source)), True
    if isinstance(source, str | os.PathLike):
        try:
            return Path(source).open("rb"), True
        except OSError as exc:
            raise EdxmlError("read_failed", str(exc)) from exc
    return source, False


def _check_prolog(first: bytes) -> None:
    """Stray bytes before the XML declaration (seen in a VNPT sample) get a precise reason."""
    head = first.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head and not head.startswith(b"<"):
        junk = head.split(b"<", 1)[0][:40]
        raise EdxmlError("malformed_xml", f"{len(junk)} byte(s) before the XML start: {junk!r}")


def read(
    source: bytes | str | os.PathLike[str] | BinaryIO, *, limits: Limits, directory: Path | None
) -> RawPackage:
    handle, owned = open_source(source)
    target = _Target(limits=limits, directory=directory)
    parser = etree.XMLParser(
        target=target,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    total = 0
    try:
        first = True
        while chunk := handle.read(CHUNK):
            if first:
                _check_prolog(chunk)
                first = False
            total += len(chunk)
            if total > limits.max_package_bytes:
                raise EdxmlError("too_large", f"package > {limits.max_package_bytes} bytes")
            parser.feed(chunk)
            _raise_logged(parser)
        if first:
            raise EdxmlError("malformed_xml", "empty file")
        root = parser.close()
        _raise_logged(parser)
        return RawPackage(root=root, payloads=target.payloads)
    except etree.XMLSyntaxError as exc:
        target.abort()
        _raise_logged(parser)
        raise EdxmlError("malformed_xml", _syntax_detail(exc)) from exc
    except BaseException:
        target.abort()
        # A well-formedness error logged earlier in the file is the real reason.
        _raise_logged(parser)
        raise
    finally:
        if owned:
            handle.close()


def _raise_logged(parser: etree.XMLParser) -> None:
    # With a target, libxml2 only *logs* recoverable errors such as an undeclared prefix.
    for entry in parser.feed_error_log:
        if entry.level >= etree.ErrorLevels.ERROR:
            raise EdxmlError("malformed_xml", f"line {entry.line}, column {entry.column}: {entry.message}")


def _syntax_detail(exc: etree.XMLSyntaxError) -> str:
    line, column = getattr(exc, "position", (None, None)) or (None, None)
    message = exc.msg if hasattr(exc, "msg") else str(exc)
    return f"line {line}, column {column}: {message}"
