"""Phát hành: hosted recipients find it "đã đến" at once, external ones wait; refusals; tracking."""

from __future__ import annotations

from typing import Any

import pytest

from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.directory.models import Agency, AgencyKind
from eoffice.documents import selectors as document_selectors
from eoffice.documents.models import Document, DocumentStatus
from eoffice.outgoing import numbering, release
from eoffice.outgoing.models import Delivery, DeliveryStatus, Draft, DraftStatus
from eoffice.outgoing.tests.conftest import actor_of, make_draft
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _external() -> Agency:
    return Agency.objects.create(code="G12.34.56", name="Bộ Tài chính", abbreviation="BTC", hosted=False)


def _numbered(cast: Cast, **extra: Any) -> Draft:
    draft = make_draft(cast, **extra)
    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)
    draft.refresh_from_db()
    return draft


def test_release_to_hosted_and_external_recipients(cast: Cast) -> None:
    external = _external()
    draft = _numbered(
        cast,
        recipient_ids=[cast.agency_b.pk, cast.province.pk, external.pk],
        signer_id=cast.position(cast.leader_a).pk,
    )
    deliveries = release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.RELEASED
    by_agency = {d.agency_id: d for d in deliveries}
    assert by_agency[external.pk].status == DeliveryStatus.WAITING_EXCHANGE
    assert by_agency[external.pk].incoming_id is None
    # Agency B's clerk finds it in the incoming queue, "đã đến", with the main file and the symbol.
    queue = document_selectors.incoming_list(actor=actor_of(cast, cast.clerk_b))
    copy = queue.get()
    assert copy.status == DocumentStatus.RECEIVED and copy.number_symbol == "01/SNV-TCBC"
    assert copy.issuing_agency_id == cast.agency_a.pk and copy.signer_full_name == "Trần Văn Lãnh Đạo"
    version = draft.current_version
    assert version is not None
    assert copy.files.get(role="main").stored_file_id == version.files.get(role="main").stored_file_id
    statuses = release.delivery_statuses(deliveries)
    assert statuses[by_agency[cast.agency_b.pk].pk] == DeliveryStatus.ARRIVED
    # The sender follows the recipient's own processing.
    Document.objects.filter(pk=copy.pk).update(status=DocumentStatus.REGISTERED)
    assert release.delivery_statuses(deliveries)[by_agency[cast.agency_b.pk].pk] == DeliveryStatus.ACCEPTED
    Document.objects.filter(pk=copy.pk).update(status=DocumentStatus.DONE)
    assert release.delivery_statuses(deliveries)[by_agency[cast.agency_b.pk].pk] == DeliveryStatus.DONE
    with pytest.raises(Conflict):
        release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)


def test_province_wide_circular_reaches_every_commune_in_one_release(cast: Cast) -> None:
    communes = Agency.objects.bulk_create(
        [
            Agency(
                code=f"000.{i:02d}.50.H99",
                name=f"UBND xã {i}",
                abbreviation="UBND",
                kind=AgencyKind.COMMUNE,
                hosted=True,
            )
            for i in range(1, 151)
        ]
    )
    draft = _numbered(cast, recipient_ids=[c.pk for c in communes])
    release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    assert Document.objects.filter(agency__in=communes, status=DocumentStatus.RECEIVED).count() == 150
    assert Delivery.objects.filter(draft=draft, status=DeliveryStatus.ARRIVED).count() == 150


def test_releasing_without_a_number_is_refused(cast: Cast) -> None:
    draft = make_draft(cast, recipient_ids=[cast.agency_b.pk])
    with pytest.raises(Conflict) as error:
        release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    assert error.value.code == "not_numbered"
    assert not Document.objects.filter(agency=cast.agency_b).exists()


def test_a_secret_document_to_an_external_agency_is_refused_and_nothing_is_sent(cast: Cast) -> None:
    draft = _numbered(cast, secrecy="mat", recipient_ids=[cast.agency_b.pk, _external().pk])
    with pytest.raises(ValidationFailed) as error:
        release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    assert error.value.code == "secret_external"
    assert not Document.objects.filter(agency=cast.agency_b).exists() and not Delivery.objects.exists()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.NUMBERED


@pytest.mark.parametrize("who", ["specialist_a", "leader_a", "clerk_b", "admin_a"])
def test_only_the_sender_clerk_releases(cast: Cast, who: str) -> None:
    draft = _numbered(cast, recipient_ids=[cast.agency_b.pk])
    with pytest.raises(PermissionDenied):
        release.draft_release(actor=actor_of(cast, getattr(cast, who)), draft=draft)
    with pytest.raises(PermissionDenied):
        release.draft_release(actor=Actor(user=cast.outsider), draft=draft)


def test_recipient_clerk_rejects_with_a_reason(cast: Cast) -> None:
    draft = _numbered(cast, recipient_ids=[cast.agency_b.pk])
    (delivery,) = release.draft_release(actor=actor_of(cast, cast.clerk_a), draft=draft)
    with pytest.raises(PermissionDenied):
        release.delivery_reject(actor=actor_of(cast, cast.clerk_a), delivery=delivery, reason="Không đúng")
    with pytest.raises(ValidationFailed):
        release.delivery_reject(actor=actor_of(cast, cast.clerk_b), delivery=delivery, reason=" ")
    release.delivery_reject(actor=actor_of(cast, cast.clerk_b), delivery=delivery, reason="Gửi nhầm cơ quan")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.reason) == (DeliveryStatus.REJECTED, "Gửi nhầm cơ quan")
    assert not document_selectors.incoming_list(actor=actor_of(cast, cast.clerk_b)).exists()
    assert release.delivery_statuses([delivery])[delivery.pk] == DeliveryStatus.REJECTED
