"""Versions compared: metadata side by side and each version's main file as PDF (a DOCX through
LibreOffice), embedded from our own origin; a failed conversion is said in place of the PDF."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from eoffice.documents.models import Conversion
from eoffice.documents.services import UploadPart
from eoffice.documents.tests import samples
from eoffice.outgoing import services
from eoffice.outgoing.models import Draft
from eoffice.outgoing.tests.conftest import actor_of, doc_type, login, make_draft
from eoffice.testing.cast import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _two_versions(cast: Cast) -> Draft:
    draft = make_draft(cast)
    docx = samples.docx_for(["Quyết định về việc ban hành quy chế", "Nơi nhận: Như trên;"])
    services.draft_revise(
        actor=actor_of(cast, cast.specialist_a),
        draft=draft,
        data=services.DraftInput(
            document_type_id=doc_type("cong_van").pk,
            subject="Về việc báo cáo biên chế năm 2026 (sửa)",
            main=UploadPart("du-thao-v2.docx", docx),
        ),
    )
    return draft


def test_each_version_is_shown_as_pdf(cast: Cast) -> None:
    draft = _two_versions(cast)
    client = login(cast.specialist_a)
    page = client.get(reverse("outgoing:compare", args=[draft.pk]), {"a": 1, "b": 2}).content.decode()
    urls = [reverse("outgoing:version_pdf", args=[draft.pk, n]) for n in (1, 2)]
    for url in urls:
        assert f'data="{url}"' in page and f'href="{url}?download=1"' in page
    assert Conversion.objects.count() == 1  # the DOCX, once
    converted = client.get(urls[1])
    body = b"".join(converted.streaming_content)  # type: ignore[attr-defined]
    assert converted.status_code == 200 and converted["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF") and converted["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in converted["Content-Security-Policy"]
    assert "attachment" in client.get(urls[0] + "?download=1")["Content-Disposition"]
    # Who may not read the draft sees neither the page nor its PDFs.
    for user in (cast.clerk_b, cast.outsider, cast.unit_head_a):
        assert login(user).get(urls[0]).status_code == 404
        assert (
            login(user).get(reverse("outgoing:compare", args=[draft.pk]), {"a": 1, "b": 2}).status_code == 404
        )
    assert login(cast.clerk_a).get(urls[0]).status_code == 200
    assert client.get(reverse("outgoing:version_pdf", args=[draft.pk, 9])).status_code == 404


def test_a_conversion_timeout_is_said_in_place_of_the_pdf(cast: Cast) -> None:
    draft = _two_versions(cast)
    with override_settings(EOFFICE_CONVERT_TIMEOUT=0.05):
        page = (
            login(cast.specialist_a)
            .get(reverse("outgoing:compare", args=[draft.pk]), {"a": 1, "b": 2})
            .content.decode()
        )
    assert "Chuyển DOCX sang PDF quá thời gian cho phép." in page
    assert f'data="{reverse("outgoing:version_pdf", args=[draft.pk, 1])}"' in page
    assert not Conversion.objects.exists()
