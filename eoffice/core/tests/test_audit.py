from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.models import AuditEvent


def _write(n: int, actor: Actor) -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record(actor=actor, verb="test.event", data={"i": i, "text": "Quyết định số 05/QĐ-UBND"})


@pytest.fixture
def chain(cast):
    actor = Actor(user=cast.clerk_a, position=cast.position(cast.clerk_a), ip_address="127.0.0.1")
    _write(5, actor)
    return list(AuditEvent.objects.order_by("seq"))


def test_intact_chain_verifies(chain) -> None:
    assert audit.verify() is None
    call_command("audit_verify")


@pytest.mark.django_db(transaction=True)
def test_record_outside_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        audit.record(actor=Actor.system("test"), verb="x")


def test_edited_event_is_named(chain) -> None:
    victim = chain[2]
    AuditEvent.objects.filter(pk=victim.pk).update(data={"i": 999})
    problem = audit.verify()
    assert problem is not None and problem.seq == victim.seq and "edited" in problem.reason
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("audit_verify")


def test_raw_sql_edit_of_actor_is_detected(chain) -> None:
    victim = chain[1]
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET actor_name = %s WHERE id = %s", ["Kẻ giả mạo", victim.pk])
    problem = audit.verify()
    assert problem is not None and problem.seq == victim.seq


def test_removed_event_is_named(chain) -> None:
    AuditEvent.objects.filter(pk=chain[3].pk).delete()
    problem = audit.verify()
    assert problem is not None and problem.seq == chain[4].seq and "removed" in problem.reason


def test_removed_tail_is_detected(chain) -> None:
    AuditEvent.objects.filter(pk=chain[-1].pk).delete()
    problem = audit.verify()
    assert problem is not None and "tail" in problem.reason


def test_reordered_events_are_detected(chain) -> None:
    a, b = chain[1], chain[2]
    # Swap the sequence numbers of two events, keeping each one's own hash.
    AuditEvent.objects.filter(pk=a.pk).update(seq=10_000)
    AuditEvent.objects.filter(pk=b.pk).update(seq=a.seq)
    AuditEvent.objects.filter(pk=a.pk).update(seq=b.seq)
    problem = audit.verify()
    assert problem is not None and problem.seq == a.seq


def test_event_records_who_for_whom_and_where(cast) -> None:
    actor = Actor(
        user=cast.specialist_a,
        position=cast.position(cast.leader_a),
        on_behalf_of=cast.leader_a,
        ip_address="10.1.2.3",
    )
    with transaction.atomic():
        event = audit.record(actor=actor, verb="test.delegated", target=cast.agency_a)
    assert event.actor_id == cast.specialist_a.pk
    assert event.on_behalf_of_name == "Trần Văn Lãnh Đạo"
    assert event.agency_id == cast.agency_a.pk
    assert event.target_type == "directory.agency" and event.target_id == str(cast.agency_a.pk)
    assert event.ip_address == "10.1.2.3"
