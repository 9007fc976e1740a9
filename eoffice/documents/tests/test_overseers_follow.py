"""A leader's status-board figures open: every line of a drill-down opens its item for the leader
who oversees it, read-only (only the holder acts), and the document is linked only for those who
may read it. Found by walking the demo's pages as each role: a unit head's drill-down linked to
items that answered 404."""

from __future__ import annotations

import re

from django.test import Client

from eoffice.core.actor import Actor
from eoffice.documents import services
from eoffice.documents.models import Document
from eoffice.documents.tests.conftest import login
from eoffice.documents.tests.factories import confirmed_document
from eoffice.people.models import Role
from eoffice.testing.cast import Cast, give_position, make_user
from eoffice.work import services as work
from eoffice.work.models import AssignmentLine, WorkItem
from eoffice.work.services import LineSpec
from eoffice.work.statuses import LineRole, LineStatus

DRILL_DOWN = "/oversight/lines/"
WAITING = {"row": "all", "column": "waiting"}


def actor_of(cast: Cast, user) -> Actor:
    return Actor(user=user, position=cast.position(user))


def _assigned_to_specialist(
    cast: Cast, *, secrecy: str = "thuong"
) -> tuple[Document, WorkItem, AssignmentLine]:
    """A registered document, presented to A's leader, who gives the lead to A's specialist."""
    document = confirmed_document(cast, secrecy=secrecy)
    services.document_register(actor=actor_of(cast, cast.clerk_a), document=document)
    item = services.document_present(
        actor=actor_of(cast, cast.clerk_a), document=document, leader_id=cast.leader_a.pk
    )
    top = AssignmentLine.objects.get(item=item)
    leader = actor_of(cast, cast.leader_a)
    work.line_receive(line=top, actor=leader)
    (line,) = work.line_forward(
        line=top, specs=[LineSpec.person(LineRole.LEAD, cast.specialist_a.pk)], actor=leader
    )
    return document, item, line


def _item_links(client: Client) -> set[str]:
    page = client.get(DRILL_DOWN, WAITING)
    assert page.status_code == 200
    body = page.content.decode()
    return set(re.findall(r'href="(/work/items/\d+/)"', body))


def _province_leader(cast: Cast):
    user = make_user("chutich.tinh", "Bùi Văn Chủ Tịch Tỉnh")
    give_position(user, cast.province, "Chủ tịch", [Role.LANH_DAO_CO_QUAN])
    return user


def test_a_unit_head_opens_the_items_of_their_drill_down_and_reads_the_document(cast: Cast) -> None:
    document, item, line = _assigned_to_specialist(cast)
    head = login(cast.unit_head_a)
    assert _item_links(head) == {f"/work/items/{item.pk}/"}
    page = head.get(f"/work/items/{item.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "Phạm Văn Chuyên Viên" in body
    # Read-only: none of the holder's buttons.
    assert f'action="/work/lines/{line.pk}/' not in body
    assert f'href="/documents/{document.pk}/"' in body and 'id="subject-link"' in body
    assert head.get(f"/documents/{document.pk}/").status_code == 200
    # The API answers the same, with no action offered on the specialist's line.
    detail = head.get(f"/api/v1/work/items/{item.pk}")
    assert detail.status_code == 200
    (row,) = [r for r in detail.json()["lines"] if r["id"] == line.pk]
    assert row["actions"] == []
    # Opening it is not the holder opening their line.
    line.refresh_from_db()
    assert line.first_opened_at is None
    # And an action sent anyway is refused with the holder's message; nothing changes.
    status = line.status
    refused = head.post(f"/work/lines/{line.pk}/complete/", follow=True)
    assert "Bạn không giữ dòng xử lý này" in refused.content.decode()
    line.refresh_from_db()
    assert line.status == status != LineStatus.HOAN_THANH
    # The specialist, who holds it, still has the buttons.
    own = login(cast.specialist_a).get(f"/work/items/{item.pk}/").content.decode()
    assert f'action="/work/lines/{line.pk}/' in own


def test_a_province_leader_follows_the_item_but_the_document_stays_with_its_agency(cast: Cast) -> None:
    document, item, _line = _assigned_to_specialist(cast)
    province = login(_province_leader(cast))
    assert f"/work/items/{item.pk}/" in _item_links(province)
    page = province.get(f"/work/items/{item.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "Phạm Văn Chuyên Viên" in body
    assert 'id="subject-link"' not in body and f'href="/documents/{document.pk}/"' not in body
    assert province.get(f"/documents/{document.pk}/").status_code == 404


def test_a_secret_document_is_followed_but_not_read_by_the_unit_head(cast: Cast) -> None:
    document, item, _line = _assigned_to_specialist(cast, secrecy="mat")
    head = login(cast.unit_head_a)
    body = head.get(f"/work/items/{item.pk}/").content.decode()
    assert 'id="subject-link"' not in body
    assert head.get(f"/documents/{document.pk}/").status_code == 404


def test_who_oversees_nobody_there_still_finds_nothing(cast: Cast) -> None:
    document, item, line = _assigned_to_specialist(cast)
    # Another unit's head of the same agency, B's clerk and a user with no post.
    other_unit = cast.unit_a.__class__.objects.create(
        agency=cast.agency_a, name="Phòng Công chức", abbreviation="CC", code="CC"
    )
    other_head = make_user("truongphong.cc", "Đinh Văn Phòng Khác")
    give_position(other_head, cast.agency_a, "Trưởng phòng", [Role.LANH_DAO_DON_VI], unit=other_unit)
    for user in (other_head, cast.clerk_b, cast.outsider):
        client = login(user)
        assert client.get(f"/work/items/{item.pk}/").status_code == 404, user
        assert client.get(f"/api/v1/work/items/{item.pk}").status_code == 404, user
        assert client.get(f"/documents/{document.pk}/").status_code == 404, user
        assert client.post(f"/work/lines/{line.pk}/complete/").status_code == 404, user
    assert _item_links(login(other_head)) == set()


def test_the_line_of_someone_who_left_stays_with_the_unit_head(cast: Cast) -> None:
    """Found in the demo: a unit head told a line was overdue could not open it once its holder's
    post had ended. The board still counts it for the unit; its head opens it and chases it."""
    _document, item, line = _assigned_to_specialist(cast)
    cast.position(cast.specialist_a).__class__.objects.filter(user=cast.specialist_a).update(is_active=False)
    head = login(cast.unit_head_a)
    assert _item_links(head) == {f"/work/items/{item.pk}/"}
    assert head.get(f"/work/items/{item.pk}/").status_code == 200
    page = head.get(f"/reminders/lines/{line.pk}/")
    assert page.status_code == 200 and 'name="message"' in page.content.decode()
