"""Content-addressed file storage: each distinct content is stored once, under blobs/ab/cd/<sha256>.

Blobs are written before the surrounding transaction commits. If it rolls back, the blob stays
without a `StoredFile` row; that is harmless (same content, same name, written again next time).
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from eoffice.documents.models import StoredFile


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_bytes(data: bytes, *, content_type: str) -> StoredFile:
    """Return the StoredFile for `data`, writing the blob only if this content is new."""
    digest = sha256_of(data)
    existing = StoredFile.objects.filter(sha256=digest).first()
    if existing is not None:
        _ensure_blob(existing, data)
        return existing
    stored, _created = StoredFile.objects.get_or_create(
        sha256=digest, defaults={"size": len(data), "content_type": content_type}
    )
    _ensure_blob(stored, data)
    return stored


def _ensure_blob(stored: StoredFile, data: bytes) -> None:
    path = stored.storage_path
    if default_storage.exists(path):
        return
    saved = default_storage.save(path, ContentFile(data))
    if saved != path:
        # The storage renamed it because a concurrent writer won the race; ours is a duplicate.
        default_storage.delete(saved)


def read_bytes(stored: StoredFile) -> bytes:
    with default_storage.open(stored.storage_path, "rb") as handle:
        data: bytes = handle.read()
    if sha256_of(data) != stored.sha256:
        raise OSError(f"blob {stored.sha256} does not match its content hash")
    return data
