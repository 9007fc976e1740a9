"""Functions the harness runs inside an installation (through its agent). Results are JSON."""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from django.db import connection


def info() -> dict[str, Any]:
    from huey.contrib.djhuey import HUEY

    return {
        "installation_id": settings.INSTALLATION_ID,
        "vendor": connection.vendor,
        "database": str(settings.DATABASES["default"]["NAME"]),
        "huey": type(HUEY).__name__,
        "huey_name": HUEY.name,
        "huey_immediate": HUEY.immediate,
        "pid": os.getpid(),
    }


def huey_roundtrip(timeout: float = 20) -> dict[str, Any]:
    """Enqueue a real job and wait for this installation's consumer to run it."""
    from eoffice.core.tasks import audit_chain_verify

    started = time.monotonic()
    result = audit_chain_verify()
    value = result.get(blocking=True, timeout=timeout)
    return {"result": value, "seconds": time.monotonic() - started}
