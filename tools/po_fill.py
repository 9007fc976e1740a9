"""Fill empty English msgstr entries of a catalogue from a JSON map {msgid: msgstr}.

    python tools/po_fill.py locale/en/LC_MESSAGES/django.po translations.json

The catalogue must be written with `makemessages --no-wrap` (one line per msgid). Prints the
msgids it could not find, so a typo in the map does not pass silently.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def fill(catalogue: Path, mapping: dict[str, str]) -> list[str]:
    text = catalogue.read_text(encoding="utf-8")
    missing = []
    for msgid, msgstr in mapping.items():
        empty = f'msgid "{_escape(msgid)}"\nmsgstr ""\n'
        if empty not in text:
            missing.append(msgid)
            continue
        text = text.replace(empty, f'msgid "{_escape(msgid)}"\nmsgstr "{_escape(msgstr)}"\n')
    catalogue.write_text(text, encoding="utf-8")
    return missing


if __name__ == "__main__":
    not_found = fill(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")))
    for msgid in not_found:
        print(f"not found or already translated: {msgid}")
    sys.exit(1 if not_found else 0)
