"""Runs Python inside one installation for the harness: `python -m eoffice.exchange.testing.agent`.

The harness keeps one agent per installation. It reads one JSON request a line on stdin,
`{"call": "scenario:seed", "kwargs": {...}}`, runs the named function of a harness module with
Django set up against that installation's database, and writes one JSON line back:
`{"ok": true, "result": …}` or `{"ok": false, "error": "…", "traceback": "…"}`. Setting Django up
once per installation, not once per call, keeps a polling test from paying ~2 s a question.
Only functions of `eoffice.exchange.testing.*` modules can be called.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback
from typing import Any, TextIO

from eoffice.exchange.testing import stacks

ALLOWED_MODULE_PREFIX = "eoffice.exchange.testing."


def _resolve(name: str) -> Any:
    module_name, _, function_name = name.partition(":")
    if "." not in module_name:
        module_name = ALLOWED_MODULE_PREFIX + module_name
    if (
        not module_name.startswith(ALLOWED_MODULE_PREFIX)
        or not function_name
        or function_name.startswith("_")
    ):
        raise ValueError(f"not a harness function: {name!r}")
    return getattr(importlib.import_module(module_name), function_name)


def _answer(out: TextIO, payload: dict[str, Any]) -> None:
    out.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
    out.flush()


def main() -> None:
    # The protocol owns the real stdout; anything the code under test prints goes to stderr (the log).
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout = sys.stderr
    stacks.enable()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import close_old_connections

    _answer(protocol, {"ok": True, "result": "ready"})
    for line in sys.stdin:
        if not line.strip():
            continue
        close_old_connections()
        try:
            request = json.loads(line)
            result = _resolve(request["call"])(**request.get("kwargs", {}))
            _answer(protocol, {"ok": True, "result": result})
        except Exception as exc:  # reported to the harness, which raises it in the test
            _answer(protocol, {"ok": False, "error": repr(exc), "traceback": traceback.format_exc()})


if __name__ == "__main__":
    main()
