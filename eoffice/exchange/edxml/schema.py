"""XSD validation in both directions from one set of schema files (schema/*.xsd).

Output is checked against the canonical schema as written. Input is checked against a variant derived
from it at load time: every sequence becomes an order-free choice and every simple type a string,
because real senders reorder elements and write dates their own way (edxml.md §2, §12). What the
input variant still catches is structure: an element with children where text belongs, text mixed into
a container, a known element in the wrong place.
"""

from __future__ import annotations

import copy
import threading
from functools import cache
from pathlib import Path

from lxml import etree

from .codes import NAMESPACE
from .errors import EdxmlError

SCHEMA_DIR = Path(__file__).parent / "schema"
XS = "http://www.w3.org/2001/XMLSchema"
_XS = f"{{{XS}}}"


def _inlined(name: str) -> etree._ElementTree:
    """The schema document with its xs:include of the common types inlined."""
    safe = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    document = etree.parse(str(SCHEMA_DIR / name), safe)
    root = document.getroot()
    for include in root.findall(f"{_XS}include"):
        included = etree.parse(str(SCHEMA_DIR / include.get("schemaLocation", "")), safe).getroot()
        position = root.index(include)
        root.remove(include)
        for offset, child in enumerate(included):
            root.insert(position + offset, child)
    return document


def _lenient(document: etree._ElementTree) -> etree._ElementTree:
    document = copy.deepcopy(document)
    root = document.getroot()
    complex_names = {
        f"edXML:{node.get('name')}" for node in root.iter(f"{_XS}complexType") if node.get("name")
    }
    for sequence in list(root.iter(f"{_XS}sequence")):
        sequence.tag = f"{_XS}choice"
        sequence.set("minOccurs", "0")
        sequence.set("maxOccurs", "unbounded")
        for child in list(sequence):
            if child.tag == f"{_XS}any":
                sequence.remove(child)
            for bound in ("minOccurs", "maxOccurs"):
                child.attrib.pop(bound, None)
    for element in root.iter(f"{_XS}element"):
        for inline in element.findall(f"{_XS}simpleType"):
            element.remove(inline)
            element.set("type", "xs:string")
        if element.get("type") and element.get("type") not in complex_names:
            element.set("type", "xs:string")
    return document


@cache
def _schema_sources(kind: str) -> tuple[bytes, bytes]:
    document = _inlined(f"edxml-{kind}.xsd")
    return etree.tostring(document), etree.tostring(_lenient(document))


_per_thread = threading.local()
# libxml2 sets up its built-in schema types on the first schema it compiles, without a lock: two
# threads compiling their first schemas at once (a Huey consumer just restarted) corrupted that
# table for good — every later compile in the process failed, "the given type is not a built-in
# type", and no package could be built. Compiling is rare (once per thread); validating stays parallel.
_compile_lock = threading.Lock()


def _schemas(kind: str) -> tuple[etree.XMLSchema, etree.XMLSchema]:
    """The strict and lenient validators of `kind`, built once per thread.

    An XMLSchema must not be shared between threads: in the Huey consumer's two worker threads a
    shared one broke for good — every later validation in that process raised libxml2's "Internal
    error in XML Schema validation", so no package could be built until the consumer was restarted
    (and its error log would mix two threads' errors anyway)."""
    built: dict[str, tuple[etree.XMLSchema, etree.XMLSchema]] = _per_thread.__dict__.setdefault("schemas", {})
    if kind not in built:
        safe = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        with _compile_lock:
            strict, lenient = (etree.XMLSchema(etree.fromstring(x, safe)) for x in _schema_sources(kind))
        built[kind] = (strict, lenient)
    return built[kind]


def _first_error(schema: etree.XMLSchema) -> str:
    entry = schema.error_log[0]
    return f"line {entry.line}: {entry.message}" if entry.line else entry.message


def validate_input(root: etree._Element, *, status: bool) -> None:
    """Validate what is left after `other` items and signatures were taken out (see parser)."""
    lenient = _schemas("status" if status else "edoc")[1]
    if not lenient.validate(root):
        raise EdxmlError("schema_invalid", _first_error(lenient))


def validate_output(root: etree._Element, *, status: bool) -> None:
    strict = _schemas("status" if status else "edoc")[0]
    if not strict.validate(root):
        raise EdxmlError("build_invalid", _first_error(strict))


def strip_for_validation(root: etree._Element, unknown: list[etree._Element]) -> None:
    """Remove unmodelled elements (already copied to `other`), signatures and attributes, in place."""
    for element in unknown:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    for element in root.iter():
        element.attrib.clear()
        if element.tag == f"{{{NAMESPACE}}}Signature" or str(element.tag).endswith("xmldsig#}Signature"):
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
