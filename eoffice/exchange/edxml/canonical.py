"""Exclusive XML canonicalisation (xml-exc-c14n, without comments), written as the file is read.

The envelope's XML-DSig digest covers the exclusive canonical form of the whole package minus its
Signature (edxml.md §9). A tree-based verifier needs the package in memory, and signxml holds it
several times over (900 MB for a 100 MB attachment, measured), where a package may be 300 MB. Here
expat's events are canonicalised one by one into a digest, so the memory is the envelope's, not the
attachments'. lxml does not serve: its streaming interface (a parser target) hides each element's
prefix, which the canonical form keeps. expat runs with no DTD at all (a DOCTYPE is refused), so no
entity is ever declared, let alone resolved.

`tests/test_edxml_canonical.py` checks the output against libxml2's own exclusive C14N (lxml).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
_SEPARATOR = "\x01"  # cannot occur in an XML 1.0 document, so names split unambiguously

Write = Callable[[bytes], Any]


def _text(value: str) -> str:
    # Attachment text (base64) is almost all of a package and needs no escaping; `in` is a memchr.
    if "&" not in value and "<" not in value and ">" not in value and "\r" not in value:
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#xD;")


def _attr(value: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace('"', "&quot;")
        .replace("\t", "&#x9;")
        .replace("\n", "&#xA;")
        .replace("\r", "&#xD;")
    )


@dataclass(frozen=True)
class Name:
    """An element or attribute name as the document wrote it."""

    uri: str
    local: str
    prefix: str

    @classmethod
    def split(cls, expat_name: str) -> Name:
        parts = expat_name.split(_SEPARATOR)
        if len(parts) == 1:
            return cls("", parts[0], "")
        if len(parts) == 2:
            return cls(parts[0], parts[1], "")
        return cls(parts[0], parts[1], parts[2])

    @property
    def qname(self) -> str:
        return f"{self.prefix}:{self.local}" if self.prefix else self.local

    @property
    def clark(self) -> str:
        return f"{{{self.uri}}}{self.local}" if self.uri else self.local


@dataclass
class Canonicalizer:
    """Writes the exclusive canonical form of the elements it is given, from the first one down.

    Each element renders the namespace declarations it visibly uses that its output ancestors have
    not already rendered with the same value (Exc-C14N §3), sorted by prefix, then its attributes
    sorted by (namespace URI, local name).
    """

    write: Write
    _rendered: list[dict[str, str]] = field(default_factory=lambda: [{}])
    _names: list[str] = field(default_factory=list)

    def start(self, name: Name, attributes: list[tuple[Name, str]]) -> None:
        rendered = self._rendered[-1]
        used = {name.prefix: name.uri}
        used.update((a.prefix, a.uri) for a, _ in attributes if a.prefix and a.prefix != "xml")
        declared = []
        for prefix, uri in used.items():
            if rendered.get(prefix, "") != uri:
                declared.append((prefix, uri))
        if declared:
            rendered = {**rendered, **dict(declared)}
        self._rendered.append(rendered)
        out = ["<", name.qname]
        for prefix, uri in sorted(declared):
            out.append(f' xmlns:{prefix}="{_attr(uri)}"' if prefix else f' xmlns="{_attr(uri)}"')
        for attribute, value in sorted(attributes, key=lambda item: (item[0].uri, item[0].local)):
            out.append(f' {attribute.qname}="{_attr(value)}"')
        out.append(">")
        self._names.append(name.qname)
        self.write("".join(out).encode("utf-8"))

    def end(self) -> None:
        self._rendered.pop()
        self.write(f"</{self._names.pop()}>".encode())

    def text(self, value: str) -> None:
        self.write(_text(value).encode("utf-8"))

    def pi(self, target: str, data: str, *, before_root: bool = False, after_root: bool = False) -> None:
        body = f"<?{target} {data}?>" if data else f"<?{target}?>"
        self.write((("\n" if after_root else "") + body + ("\n" if before_root else "")).encode("utf-8"))


def parser(*, buffer_size: int = 1 << 16) -> Any:
    """An expat parser reporting prefixed names, attributes in order and text in large pieces."""
    made = expat.ParserCreate(namespace_separator=_SEPARATOR)
    made.namespace_prefixes = True
    made.ordered_attributes = True
    made.buffer_text = True
    made.buffer_size = buffer_size
    made.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return made


def attributes_of(flat: list[str]) -> list[tuple[Name, str]]:
    return [(Name.split(flat[i]), flat[i + 1]) for i in range(0, len(flat), 2)]


def canonicalize(data: bytes) -> bytes:
    """The exclusive canonical form of a whole (small) document; what the tests compare."""
    out: list[bytes] = []
    writer = Canonicalizer(out.append)
    depth = 0
    seen_root = False
    made = parser()

    def start(name: str, flat: list[str]) -> None:
        nonlocal depth, seen_root
        depth += 1
        seen_root = True
        writer.start(Name.split(name), attributes_of(flat))

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1
        writer.end()

    def pi(target: str, data: str) -> None:
        writer.pi(target, data, before_root=depth == 0 and not seen_root, after_root=depth == 0 and seen_root)

    def text(value: str) -> None:
        if depth:
            writer.text(value)

    made.StartElementHandler = start
    made.EndElementHandler = end
    made.ProcessingInstructionHandler = pi
    made.CharacterDataHandler = text
    made.Parse(data, True)
    return b"".join(out)
