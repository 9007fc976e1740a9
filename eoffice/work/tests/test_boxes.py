"""Work boxes: counts, lists, keyset pages, search without accents, delegation, agency walls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, ValidationFailed
from eoffice.core.models import AuditEvent
from eoffice.people.models import Delegation, DelegationScope
from eoffice.work import selectors, services
from eoffice.work.models import AssignmentLine
from eoffice.work.selectors import BoxFilters
from eoffice.work.services import LineSpec
from eoffice.work.statuses import ItemKind, LineRole, LineStatus


def _present(cast, make_item, act, **extra):
    item = make_item(**extra)
    services.item_present(item=item, leader_id=cast.leader_a.pk, actor=act(cast.clerk_a))
    return item, AssignmentLine.objects.get(item=item)


def test_counts_follow_the_lines(cast, make_item, act) -> None:
    leader = act(cast.leader_a)
    _, _waiting = _present(cast, make_item, act)
    _, started = _present(cast, make_item, act)
    services.line_receive(line=started, actor=leader)
    services.line_start(line=started, actor=leader)
    _, late = _present(cast, make_item, act)
    AssignmentLine.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(hours=2))
    _, soon = _present(cast, make_item, act)
    AssignmentLine.objects.filter(pk=soon.pk).update(deadline=timezone.now() + timedelta(hours=5))
    _, forwarded = _present(cast, make_item, act)
    services.line_receive(line=forwarded, actor=leader)
    services.line_forward(line=forwarded, specs=[LineSpec.unit(LineRole.LEAD, cast.unit_a.pk)], actor=leader)
    _, done = _present(cast, make_item, act)
    services.line_receive(line=done, actor=leader)
    services.line_complete(line=done, actor=leader)
    counts = selectors.box_counts(leader, window_hours=8)
    assert counts == {
        "cho_xu_ly": 3,  # waiting, late, soon
        "dang_xu_ly": 1,
        "sap_den_han": 1,
        "qua_han": 1,
        "nhan_de_biet": 0,
        "da_xu_ly": 1,
        "da_hoan_thanh": 1,
    }
    assert selectors.box_counts(leader, window_hours=1)["sap_den_han"] == 0
    with pytest.raises(ValidationFailed):
        selectors.box_counts(leader, window_hours=0)
    # The unit head sees the forwarded item in the unit's box, the specialist sees nothing yet.
    assert selectors.box_counts(act(cast.unit_head_a))["cho_xu_ly"] == 1
    assert sum(selectors.box_counts(act(cast.specialist_a)).values()) == 0
    page = selectors.box_page(leader, "qua_han", BoxFilters())
    assert [line.pk for line in page.lines] == [late.pk]


def test_info_box(cast, make_item, act) -> None:
    _, top = _present(cast, make_item, act)
    leader = act(cast.leader_a)
    services.line_receive(line=top, actor=leader)
    services.line_forward(
        line=top,
        specs=[
            LineSpec.unit(LineRole.LEAD, cast.unit_a.pk),
            LineSpec.person(LineRole.INFO, cast.specialist_a.pk),
        ],
        actor=leader,
    )
    counts = selectors.box_counts(act(cast.specialist_a))
    assert counts["nhan_de_biet"] == 1 and counts["cho_xu_ly"] == 0


def test_keyset_pages_cover_everything_once(cast, make_item, act) -> None:
    ids = {_present(cast, make_item, act, title=f"Văn bản số {n}")[1].pk for n in range(7)}
    leader = act(cast.leader_a)
    for sort in ("-assigned_at", "assigned_at", "deadline"):
        seen: list[int] = []
        cursor = ""
        for _ in range(10):
            page = selectors.box_page(leader, "cho_xu_ly", BoxFilters(sort=sort), cursor=cursor, limit=3)
            seen += [line.pk for line in page.lines]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert len(seen) == len(set(seen)) == 7 and set(seen) == ids, sort
    newest = selectors.box_page(leader, "cho_xu_ly", BoxFilters(), limit=7).lines
    assert [line.pk for line in newest] == sorted(ids, reverse=True)
    with pytest.raises(ValidationFailed):
        selectors.box_page(leader, "cho_xu_ly", BoxFilters(), cursor="not-a-cursor!!")
    with pytest.raises(ValidationFailed):
        selectors.box_page(leader, "cho_xu_ly", BoxFilters(sort="title; drop table"))
    with pytest.raises(NotFound):
        selectors.box_page(leader, "khong_co", BoxFilters())


def test_deadline_sort_puts_missing_deadlines_last(cast, make_item, act) -> None:
    _, a = _present(cast, make_item, act)
    _, b = _present(cast, make_item, act)
    _, c = _present(cast, make_item, act)
    now = timezone.now()
    AssignmentLine.objects.filter(pk=a.pk).update(deadline=now + timedelta(days=3))
    AssignmentLine.objects.filter(pk=c.pk).update(deadline=now + timedelta(days=1))
    order = [
        line.pk
        for line in selectors.box_page(act(cast.leader_a), "cho_xu_ly", BoxFilters(sort="deadline")).lines
    ]
    assert order == [c.pk, a.pk, b.pk]


def test_search_without_accents_and_filters(cast, make_item, act) -> None:
    _present(cast, make_item, act, title="Quyết định về công tác cán bộ", reference="12/QĐ-UBND")
    _present(cast, make_item, act, title="Công văn đôn đốc báo cáo", urgency="khan")
    leader = act(cast.leader_a)

    def titles(**f):
        return [line.item.title for line in selectors.box_page(leader, "cho_xu_ly", BoxFilters(**f)).lines]

    assert titles(q="quyet dinh can bo") == ["Quyết định về công tác cán bộ"]
    assert titles(q="QĐ-UBND 12") == ["Quyết định về công tác cán bộ"]
    assert titles(q="DON DOC") == ["Công văn đôn đốc báo cáo"]
    assert titles(urgency="khan") == ["Công văn đôn đốc báo cáo"]
    assert titles(q="khong co gi") == []
    assert titles(kind=ItemKind.TASK) == []


def test_agency_b_never_sees_agency_a_items_unless_holding_a_line(cast, make_item, act) -> None:
    item, top = _present(cast, make_item, act)
    clerk_b = act(cast.clerk_b)
    assert sum(selectors.box_counts(clerk_b).values()) == 0
    assert not selectors.visible_items(clerk_b).exists()
    with pytest.raises(NotFound):
        selectors.item_for(clerk_b, item.pk)
    assert list(selectors.subject_ids_with_lines(clerk_b, "documents.document")) == []
    outsider = Actor(user=cast.outsider)
    assert not selectors.visible_items(outsider).exists()
    # Once agency B holds a line, its văn thư sees the item (and only that one).
    leader = act(cast.leader_a)
    services.line_receive(line=top, actor=leader)
    services.line_forward(line=top, specs=[LineSpec.agency(LineRole.LEAD, cast.agency_b.pk)], actor=leader)
    make_item(title="Việc khác của Sở Nội vụ")
    assert list(selectors.visible_items(clerk_b)) == [item]
    assert selectors.item_for(clerk_b, item.pk) == item
    assert list(selectors.subject_ids_with_lines(clerk_b, "documents.document")) == [42]
    assert selectors.box_counts(clerk_b)["cho_xu_ly"] == 1
    # Within agency A a specialist without a line does not see the item either.
    with pytest.raises(NotFound):
        selectors.item_for(act(cast.specialist_a), item.pk)
    assert selectors.item_for(act(cast.clerk_a), item.pk) == item


def _delegate(cast, scope: str) -> Actor:
    now = timezone.now()
    position = cast.position(cast.leader_a)
    Delegation.objects.create(
        position=position,
        delegator=cast.leader_a,
        delegate=cast.specialist_a,
        scope=scope,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=3),
    )
    return Actor(user=cast.specialist_a, position=position, on_behalf_of=cast.leader_a)


def test_delegate_sees_and_acts_on_the_delegators_box(cast, make_item, act) -> None:
    _, top = _present(cast, make_item, act)
    delegate = _delegate(cast, DelegationScope.INCOMING)
    assert selectors.box_counts(delegate)["cho_xu_ly"] == 1
    services.line_receive(line=top, actor=delegate)
    services.line_forward(line=top, specs=[LineSpec.unit(LineRole.LEAD, cast.unit_a.pk)], actor=delegate)
    event = AuditEvent.objects.filter(verb="work.line_forwarded").get()
    assert event.actor_id == cast.specialist_a.pk and event.on_behalf_of_id == cast.leader_a.pk
    lines = AssignmentLine.objects.filter(parent=top)
    assert {(x.assigned_by_id, x.assigned_on_behalf_of_id) for x in lines} == {
        (cast.specialist_a.pk, cast.leader_a.pk)
    }


def test_delegation_scope_limits_the_box(cast, make_item, act) -> None:
    _, top = _present(cast, make_item, act)
    delegate = _delegate(cast, DelegationScope.TASKS)
    assert selectors.box_counts(delegate)["cho_xu_ly"] == 0
    with pytest.raises(Exception) as caught:
        services.line_receive(line=top, actor=delegate)
    assert getattr(caught.value, "code", "") == "permission_denied"
    assert top.status == LineStatus.CHO_TIEP_NHAN


def test_expired_delegation_acts_no_more(cast, make_item, act) -> None:
    _, top = _present(cast, make_item, act)
    delegate = _delegate(cast, DelegationScope.ALL)
    Delegation.objects.update(revoked_at=timezone.now())
    with pytest.raises(Exception) as caught:
        services.line_receive(line=top, actor=delegate)
    assert getattr(caught.value, "code", "") == "permission_denied"


def test_subject_visibility_hook(cast, make_item, act) -> None:
    from eoffice.work.models import WorkItem

    item, _top = _present(cast, make_item, act)
    hook = selectors.subject_visibility_hook("documents.document")
    # Used over the subject's own table; WorkItem stands in for it here (its pk is compared to subject_id).
    WorkItem.objects.filter(pk=item.pk).update(subject_id=item.pk)
    assert not WorkItem.objects.filter(hook(act(cast.clerk_b))).exists()
    assert list(WorkItem.objects.filter(hook(act(cast.leader_a)))) == [item]


def test_due_soon_window_default_is_configurable(cast, make_item, act, settings) -> None:
    _, line = _present(cast, make_item, act)
    AssignmentLine.objects.filter(pk=line.pk).update(deadline=timezone.now() + timedelta(hours=30))
    leader = act(cast.leader_a)
    assert selectors.box_counts(leader)["sap_den_han"] == 0
    settings.EOFFICE_WORK_DUE_SOON_HOURS = 48
    assert selectors.box_counts(leader)["sap_den_han"] == 1
