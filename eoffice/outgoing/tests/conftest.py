from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.test import Client, override_settings

from eoffice.core.actor import Actor
from eoffice.documents.models import DocumentType
from eoffice.documents.services import UploadPart
from eoffice.outgoing import services
from eoffice.outgoing.models import Draft
from eoffice.signing.tests import hsm
from eoffice.signing.tests.pki import Pki, build_pki
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


def pdf_bytes(pages: int = 1, marker: str = "") -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    if marker:
        pdf.docinfo["/Title"] = marker
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def actor_of(cast: Cast, user: Any) -> Actor:
    return Actor(user=user, position=cast.position(user))


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def doc_type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


def make_draft(cast: Cast, *, type_code: str = "cong_van", secrecy: str = "thuong", **extra: object) -> Draft:
    data = services.DraftInput(
        document_type_id=doc_type(type_code).pk,
        subject="Về việc báo cáo biên chế năm 2026",
        secrecy=secrecy,
        main=UploadPart("du-thao.pdf", pdf_bytes(marker="v1")),
        **extra,  # type: ignore[arg-type]
    )
    return services.draft_create(actor=actor_of(cast, cast.specialist_a), data=data)


# Signing (helpers in signkit.py): the test CA, trusted for the test; SoftHSM2 tokens.
@pytest.fixture
def pki() -> Pki:
    return build_pki()


@pytest.fixture
def trusted(pki: Pki, tmp_path: Path) -> Iterator[Path]:
    path = pki.write_trust_store(tmp_path)
    with override_settings(EOFFICE_TRUST_STORE=str(path)):
        yield path


@pytest.fixture
def tokens(pki: Pki) -> dict[str, hsm.Token]:
    if not hsm.available():
        pytest.skip("softhsm2 and opensc (pkcs11-tool) are needed for PKCS#11 signing")
    return hsm.shared_tokens(pki.leader, pki.org)
