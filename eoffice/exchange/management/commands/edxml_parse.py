"""manage.py edxml_parse FILE — print a parsed edXML package as JSON, or fail with the precise reason."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eoffice.exchange.edxml import EdxmlError, limits_from_settings, parse
from eoffice.exchange.edxml.jsonview import to_json


class Command(BaseCommand):
    help = (
        "Parse an edXML (QCVN 102:2016) package and print it as JSON with keys named after the edXML tags. "
        "Exits non-zero with the error code, message and detail when the package is refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the .edxml file")
        parser.add_argument(
            "--attachments-dir",
            type=Path,
            help="keep decoded attachments in this folder (default: a temporary folder, removed afterwards)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path | None = options["attachments_dir"]
        try:
            if target is not None:
                target.mkdir(parents=True, exist_ok=True)
                package = parse(options["file"], attachments_dir=target, limits=limits_from_settings())
                data = to_json(package)
            else:
                with tempfile.TemporaryDirectory(prefix="edxml-") as folder:
                    package = parse(
                        options["file"], attachments_dir=Path(folder), limits=limits_from_settings()
                    )
                    data = to_json(package)
                    for attachment in (
                        data["AttachmentEncoded"]["Attachment"] if "AttachmentEncoded" in data else []
                    ):
                        attachment.pop("Path", None)
                        for member in attachment.get("Members", []):
                            member.pop("Path", None)
        except EdxmlError as error:
            raise CommandError(f"{error.code}: {error.message} — {error.detail}") from error
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
