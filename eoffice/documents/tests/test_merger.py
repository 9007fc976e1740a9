"""Issue #2: a merged agency's registers and documents stay findable under its successor."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.directory.models import Agency, AgencyKind
from eoffice.directory.services import agency_merge
from eoffice.documents import selectors
from eoffice.documents.registering import document_register
from eoffice.documents.tests.factories import confirmed_document
from eoffice.people.models import Role
from eoffice.testing.cast import give_position, make_user


def _old_department(cast) -> tuple[Agency, Actor]:
    old = Agency(
        code="000.00.02.H99",
        name="Sở Thông tin và Truyền thông",
        abbreviation="STTTT",
        kind=AgencyKind.DEPARTMENT,
        parent=cast.province,
        hosted=True,
    )
    old.refresh_search_text()
    old.save()
    old.tree_path = f"{cast.province.tree_path}{old.pk}/"
    old.depth = 1
    old.save(update_fields=["tree_path", "depth"])
    clerk = make_user("vanthu.stttt", "Bùi Thị Văn Thư Cũ")
    position = give_position(clerk, old, "Văn thư", [Role.VAN_THU])
    return old, Actor(user=clerk, position=position)


def test_successor_keeps_predecessor_documents_and_registers(cast) -> None:
    old, old_clerk = _old_department(cast)
    document = confirmed_document(cast, actor=old_clerk)
    registration = document_register(actor=old_clerk, document=document)
    successor_clerk = Actor(user=cast.clerk_a, position=cast.position(cast.clerk_a))
    successor_leader = Actor(user=cast.leader_a, position=cast.position(cast.leader_a))
    # Before the merger agency A sees nothing of the other department.
    assert not selectors.documents_visible_to(successor_clerk).filter(pk=document.pk).exists()
    assert not selectors.registers_for(actor=successor_clerk).filter(pk=registration.register_id).exists()

    superuser = Actor(user=cast.superuser)
    agency_merge(actor=superuser, agency=old, into=cast.agency_a, effective_on=date(2025, 7, 1))

    for actor in (successor_clerk, successor_leader):
        assert selectors.documents_visible_to(actor).filter(pk=document.pk).exists()
    today = timezone.localdate()
    register = selectors.register_get(actor=successor_clerk, register_id=registration.register_id)
    report = selectors.register_report(
        actor=successor_clerk, register=register, date_from=today.replace(month=1, day=1), date_to=today
    )
    assert len(report.rows) == 1
    # Agency B, never part of the merger, still sees nothing.
    clerk_b = Actor(user=cast.clerk_b, position=cast.position(cast.clerk_b))
    assert not selectors.documents_visible_to(clerk_b).filter(pk=document.pk).exists()
