"""Safety limits for untrusted packages. Defaults are sane for real traffic; override via settings."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_package_bytes: int = 300 * MB  # the whole .edxml file as received
    max_depth: int = 32  # element nesting; the standard needs 7
    max_attachments: int = 100
    max_attachment_bytes: int = 250 * MB  # one decoded attachment
    max_inline_bytes: int = 16 * MB  # decoded attachments kept in memory when no attachments_dir
    max_text_bytes: int = 1 * MB  # one element's text outside attachments
    max_zip_entries: int = 200
    max_unzipped_bytes: int = 500 * MB  # all members of one ZIP together
    max_zip_ratio: int = 100  # uncompressed / compressed, per member


DEFAULT_LIMITS = Limits()


def limits_from_settings(overrides: dict[str, Any] | None = None) -> Limits:
    """Limits from `settings.EOFFICE_EDXML_LIMITS` (a dict of field → int), else the defaults."""
    from django.conf import settings

    configured: dict[str, Any] = dict(getattr(settings, "EOFFICE_EDXML_LIMITS", {}) or {})
    configured.update(overrides or {})
    known = {f.name for f in fields(Limits)}
    return replace(DEFAULT_LIMITS, **{k: int(v) for k, v in configured.items() if k in known})
