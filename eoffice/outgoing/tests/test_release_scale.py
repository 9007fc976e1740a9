"""A province-wide release: 1,000 hosted recipients see the document when the release commits."""

from __future__ import annotations

import pytest

from eoffice.directory.models import Agency, AgencyKind
from eoffice.documents.models import Document, DocumentStatus
from eoffice.outgoing import numbering, release
from eoffice.outgoing.models import Delivery
from eoffice.outgoing.tests.conftest import actor_of, make_draft
from eoffice.testing.cast import Cast

RECIPIENTS = 1000


@pytest.mark.slow
@pytest.mark.django_db
def test_release_to_a_thousand_agencies(cast: Cast) -> None:
    communes = Agency.objects.bulk_create(
        [
            Agency(
                code=f"000.{i // 100:02d}.{i % 100:02d}.K99",
                name=f"UBND xã {i}",
                abbreviation="UBND",
                kind=AgencyKind.COMMUNE,
                hosted=True,
            )
            for i in range(RECIPIENTS)
        ]
    )
    draft = make_draft(cast, recipient_ids=[c.pk for c in communes])
    clerk = actor_of(cast, cast.clerk_a)
    numbering.draft_number(actor=clerk, draft=draft)
    release.draft_release(actor=clerk, draft=draft)
    seen = Document.objects.filter(agency__in=communes, status=DocumentStatus.RECEIVED).count()
    assert seen == RECIPIENTS and Delivery.objects.filter(draft=draft).count() == RECIPIENTS
    # The time (target 2 s on PostgreSQL) is measured by bench/outgoing.py, never asserted here.
