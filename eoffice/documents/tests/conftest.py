from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from eoffice.testing.cast import Cast


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path: Path) -> Iterator[None]:
    # Each test stores blobs in its own folder, so content-addressing starts empty.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    yield


def login(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def clerk_client(cast: Cast) -> Client:
    return login(cast.clerk_a)
