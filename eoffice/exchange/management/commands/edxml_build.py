"""manage.py edxml_build --document ID [--out FILE] — write the edXML package of a document."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any, BinaryIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eoffice.documents.models import Document
from eoffice.exchange.edxml import EdxmlError, write_edoc
from eoffice.exchange.edxml.mapping import edoc_from_draft, edoc_from_incoming
from eoffice.outgoing.models import Draft


class Command(BaseCommand):
    help = (
        "Write the edXML (QCVN 102:2016) package of a document. --document ID is the id of an "
        "OUTGOING DRAFT (outgoing.Draft) that is numbered or released; with --incoming, ID is the id "
        "of an INCOMING DOCUMENT (documents.Document). The package goes to --out FILE, or to stdout."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--document", type=int, required=True, help="outgoing Draft id (or Document id with --incoming)"
        )
        parser.add_argument("--incoming", action="store_true", help="ID is an incoming documents.Document id")
        parser.add_argument("--out", type=Path, help="output file (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        with tempfile.TemporaryDirectory(prefix="edxml-") as folder:
            try:
                package = self._package(
                    options["document"], incoming=options["incoming"], folder=Path(folder)
                )
                if options["out"] is None:
                    write_edoc(package, self._stdout())
                else:
                    partial = options["out"].with_name(options["out"].name + ".part")
                    try:
                        with partial.open("wb") as out:
                            write_edoc(package, out)
                    except BaseException:
                        partial.unlink(missing_ok=True)
                        raise
                    partial.replace(options["out"])  # nothing half-written under the final name
            except EdxmlError as error:
                raise CommandError(f"{error.code}: {error.message} — {error.detail}") from error

    def _stdout(self) -> BinaryIO:
        if id(self.stdout._out) == id(sys.stdout):  # the real stdout: write bytes, not text
            sys.stdout.flush()
            return cast(BinaryIO, sys.stdout.buffer)
        return cast(BinaryIO, _Bytes(self))

    def _package(self, pk: int, *, incoming: bool, folder: Path) -> Any:
        if incoming:
            document = (
                Document.objects.select_related("issuing_agency", "document_type").filter(pk=pk).first()
            )
            if document is None:
                raise CommandError(f"incoming document {pk} not found")
            return edoc_from_incoming(document, attachments_dir=folder)
        draft = Draft.objects.filter(pk=pk).first()
        if draft is None:
            raise CommandError(f"outgoing draft {pk} not found")
        return edoc_from_draft(draft, attachments_dir=folder)


class _Bytes:
    """Bytes sink over the command's text stdout (tests capture it with call_command(stdout=...))."""

    def __init__(self, command: BaseCommand) -> None:
        self.command = command

    def write(self, data: bytes) -> int:
        self.command.stdout.write(data.decode("utf-8"), ending="")
        return len(data)
