"""One streamed read of a package for its envelope signature, in bounded memory.

The digest of the envelope's XML-DSig covers the exclusive canonical form of the whole document
minus its Signature (the enveloped-signature transform). Here that form is written into the digest
by `canonical.Canonicalizer` as expat reads the file; the Signature at the end of edXMLHeader is set
aside as it goes by, its SignedInfo canonicalised on its own and its SignatureValue kept. The byte
offsets a signer needs to put a new Signature in place of the old one are noted on the way.

Python's expat reads UTF-8, UTF-16 and single-byte encodings; a package declared in a multi-byte
legacy encoding (none seen: edXML is UTF-8) is refused as malformed, with the reason.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from xml.parsers import expat

from .canonical import Canonicalizer, Name, attributes_of, parser
from .codes import DSIG_NAMESPACE, NAMESPACE
from .errors import EdxmlError
from .limits import Limits
from .reader import open_source

ROOT = f"{{{NAMESPACE}}}edXML"
HEADER_PATH = [ROOT, f"{{{NAMESPACE}}}edXMLEnvelope", f"{{{NAMESPACE}}}edXMLHeader"]
_SIGNATURE = f"{{{DSIG_NAMESPACE}}}Signature"
_SIGNED_INFO = f"{{{DSIG_NAMESPACE}}}SignedInfo"
_SIGNATURE_VALUE = f"{{{DSIG_NAMESPACE}}}SignatureValue"
MAX_SIGNED_INFO = 64 * 1024  # a SignedInfo of our profile is under 1 kB
_CHUNK = 1 << 16
_XML_VERSION = re.compile(r"1\.[0-9]+")

Source = bytes | str | os.PathLike[str] | BinaryIO


@dataclass
class Seen:
    """What the read found: the digest, the Signature's parts and where things are in the file."""

    digest: Any = field(default_factory=hashlib.sha256)
    root: str = ""
    signatures: int = 0
    signed_infos: int = 0
    signed_info: bytearray = field(default_factory=bytearray)
    values: list[str] = field(default_factory=list)
    signature_at: int = -1  # byte offset of the Signature's start tag
    signature_end_tag_at: int = -1  # byte offset of its end tag (of the start tag if it is empty)
    header_end_tag_at: int = -1  # byte offset of edXMLHeader's end tag


class _Handlers:
    def __init__(self, limits: Limits, seen: Seen) -> None:
        self.limits = limits
        self.seen = seen
        self.parser: Any = None
        self.document = Canonicalizer(seen.digest.update)
        self.path: list[str] = []
        self.signature_depth = 0  # depth of the enveloped Signature while inside it, else 0
        self.signed_info: Canonicalizer | None = None
        self.signed_info_depth = 0
        self.value: list[str] | None = None

    def doctype(self, name: str, *_args: Any) -> None:
        raise EdxmlError("doctype_forbidden", f"<!DOCTYPE {name}>")

    def declaration(self, version: str | None, _encoding: str | None, _standalone: int) -> None:
        # expat takes any version; libxml2, which parses the package next, only 1.x.
        if version is not None and not _XML_VERSION.fullmatch(version):
            raise EdxmlError("malformed_xml", f"XML version {version!r}")

    def start(self, expat_name: str, flat: list[str]) -> None:
        depth = len(self.path) + 1
        if depth > self.limits.max_depth:
            raise EdxmlError("too_deep", f"depth > {self.limits.max_depth}")
        name = Name.split(expat_name)
        if not self.path:
            self.seen.root = name.clark
        attributes = attributes_of(flat)
        is_signature = name.clark == _SIGNATURE and self.path == HEADER_PATH
        self.path.append(name.clark)
        if self.signature_depth:
            self._start_in_signature(name, attributes, depth)
        elif is_signature:
            self.seen.signatures += 1
            if self.seen.signatures > 1:
                raise EdxmlError("signature_invalid", "more than one ds:Signature in edXMLHeader")
            self.signature_depth = depth
            self.seen.signature_at = self.parser.CurrentByteIndex
        else:
            self.document.start(name, attributes)

    def _start_in_signature(self, name: Name, attributes: list[tuple[Name, str]], depth: int) -> None:
        child = depth == self.signature_depth + 1
        if child and name.clark == _SIGNED_INFO:
            self.seen.signed_infos += 1
            self.signed_info = Canonicalizer(self._signed_info_write)
            self.signed_info_depth = depth
        if self.signed_info is not None:
            self.signed_info.start(name, attributes)
        if child and name.clark == _SIGNATURE_VALUE:
            self.value = []

    def _signed_info_write(self, data: bytes) -> None:
        self.seen.signed_info.extend(data)
        if len(self.seen.signed_info) > MAX_SIGNED_INFO:
            raise EdxmlError("signature_invalid", f"SignedInfo > {MAX_SIGNED_INFO} bytes")

    def end(self, _expat_name: str) -> None:
        depth = len(self.path)
        closing_header = self.path == HEADER_PATH
        self.path.pop()
        if not self.signature_depth:
            self.document.end()
            if closing_header:
                self.seen.header_end_tag_at = self.parser.CurrentByteIndex
            return
        if self.signed_info is not None:
            self.signed_info.end()
            if depth == self.signed_info_depth:
                self.signed_info = None
        if self.value is not None and depth == self.signature_depth + 1:
            self.seen.values.append("".join(self.value))
            self.value = None
        if depth == self.signature_depth:
            self.signature_depth = 0
            self.seen.signature_end_tag_at = self.parser.CurrentByteIndex

    def text(self, value: str) -> None:
        if not self.path:
            return
        if not self.signature_depth:
            self.document.text(value)
        elif self.signed_info is not None:
            self.signed_info.text(value)
        elif self.value is not None:
            self.value.append(value)
            if sum(map(len, self.value)) > MAX_SIGNED_INFO:
                raise EdxmlError("signature_invalid", "SignatureValue too long")

    def pi(self, target: str, data: str) -> None:
        if self.signature_depth:
            if self.signed_info is not None:
                self.signed_info.pi(target, data)
        elif self.path:
            self.document.pi(target, data)
        else:
            root_seen = bool(self.seen.root)
            self.document.pi(target, data, before_root=not root_seen, after_root=root_seen)


def read(source: Source, limits: Limits) -> Seen:
    seen = Seen()
    handlers = _Handlers(limits, seen)
    made = handlers.parser = parser()
    made.StartDoctypeDeclHandler = handlers.doctype
    made.XmlDeclHandler = handlers.declaration
    made.StartElementHandler = handlers.start
    made.EndElementHandler = handlers.end
    made.CharacterDataHandler = handlers.text
    made.ProcessingInstructionHandler = handlers.pi
    handle, owned = open_source(source)
    total = 0
    try:
        while chunk := handle.read(_CHUNK):
            total += len(chunk)
            if total > limits.max_package_bytes:
                raise EdxmlError("too_large", f"package > {limits.max_package_bytes} bytes")
            made.Parse(chunk, False)
        if not total:
            raise EdxmlError("malformed_xml", "empty file")
        made.Parse(b"", True)
    except expat.ExpatError as exc:
        raise EdxmlError("malformed_xml", f"line {exc.lineno}, column {exc.offset}: {exc}") from exc
    except (LookupError, ValueError) as exc:
        # pyexpat's handler for a declared encoding it does not know, or a multi-byte one.
        raise EdxmlError("malformed_xml", f"encoding: {exc}") from exc
    finally:
        if owned:
            handle.close()
    # Only now: a document that is not even well-formed is refused as such first.
    if seen.root != ROOT:
        raise EdxmlError("wrong_namespace", f"root element {seen.root!r}, expected {ROOT}")
    return seen
