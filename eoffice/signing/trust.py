"""The trust store: the CA certificates a signature must chain to (EOFFICE_TRUST_STORE).

A directory of certificate files (PEM, possibly several per file, or DER) or one file. Read on each
call so a CA added by the operator takes effect without a restart; the files are small.
"""

from __future__ import annotations

from pathlib import Path

from asn1crypto import pem, x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


def _read_certificates(path: Path) -> list[x509.Certificate]:
    data = path.read_bytes()
    if pem.detect(data):
        return [
            x509.Certificate.load(der)
            for kind, _, der in pem.unarmor(data, multiple=True)
            if kind == "CERTIFICATE"
        ]
    return [x509.Certificate.load(data)]


def trust_roots(location: str | None = None) -> list[x509.Certificate]:
    """The configured CA certificates; an empty list when none is configured."""
    raw = settings.EOFFICE_TRUST_STORE if location is None else location
    if not raw:
        return []
    path = Path(raw)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in _SUFFIXES and p.is_file())
    elif path.is_file():
        files = [path]
    elif location is None and raw == str(settings.VAR_DIR / "trust"):
        # The default place, not created yet: nothing is trusted until the operator adds CAs.
        return []
    else:
        raise ImproperlyConfigured(f"EOFFICE_TRUST_STORE={raw!r} is neither a file nor a directory")
    roots: list[x509.Certificate] = []
    for file in files:
        try:
            roots.extend(_read_certificates(file))
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(f"trust store file {file} is not a certificate: {exc}") from exc
    return roots
