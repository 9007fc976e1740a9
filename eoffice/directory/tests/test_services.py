from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.core.models import AuditEvent
from eoffice.directory import selectors, services
from eoffice.directory.models import Agency, AgencyEvent, AgencyStatus, Unit
from eoffice.people.models import Position
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _check_tree(agency: Agency) -> None:
    """Every agency below `agency` has path = parent's path + own id, and matching depth."""
    for a in Agency.objects.filter(tree_path__startswith=agency.tree_path).select_related("parent"):
        expected = f"{a.parent.tree_path if a.parent else '/'}{a.pk}/"
        assert a.tree_path == expected, a.code
        assert a.depth == (a.parent.depth + 1 if a.parent else 0)


def test_create_child_agency_sets_path_event_and_audit(cast: Cast, su: Actor) -> None:
    a = services.agency_create(
        actor=su,
        code="000.00.05.H99",
        name="Sở Tài chính",
        parent=cast.province,
        details={"abbreviation": "STC", "kind": "department", "email": "stc@tinh.gov.vn"},
    )
    assert a.tree_path == f"{cast.province.tree_path}{a.pk}/" and a.depth == 1
    assert a.code_conforms and a.search_text.startswith("so tai chinh")
    assert AgencyEvent.objects.filter(agency=a, kind="created").count() == 1
    assert AuditEvent.objects.filter(verb="directory.agency_created", target_id=str(a.pk)).exists()


def test_create_refuses_bad_input_and_writes_nothing(cast: Cast, su: Actor) -> None:
    before = Agency.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.agency_create(actor=su, code="28.22.H17", name="X", parent=cast.province)
    assert exc.value.field == "code"
    with pytest.raises(Conflict) as dup:
        services.agency_create(actor=su, code=cast.agency_a.code, name="X", parent=cast.province)
    assert dup.value.code == "duplicate_code" and "Sở Nội vụ" in dup.value.message
    with pytest.raises(ValidationFailed) as empty:
        services.agency_create(actor=su, code="000.00.09.H99", name="  ", parent=cast.province)
    assert empty.value.field == "name"
    with pytest.raises(ValidationFailed) as mail:
        services.agency_create(
            actor=su, code="000.00.09.H99", name="X", parent=cast.province, details={"email": "x@"}
        )
    assert mail.value.field == "email"
    assert Agency.objects.count() == before


def test_create_permissions(cast: Cast, admin_a: Actor, clerk_a: Actor) -> None:
    with pytest.raises(PermissionDenied):
        services.agency_create(actor=admin_a, code="000.00.09.H99", name="Top", parent=None)
    with pytest.raises(PermissionDenied):
        services.agency_create(actor=admin_a, code="000.00.09.H99", name="X", parent=cast.province)
    with pytest.raises(PermissionDenied):
        services.agency_create(actor=clerk_a, code="000.00.09.H99", name="X", parent=cast.agency_a)
    child = services.agency_create(
        actor=admin_a, code="000.00.09.H99", name="Chi cục Văn thư", parent=cast.agency_a
    )
    assert child.parent_id == cast.agency_a.pk


def test_update_records_rename_and_update_events(cast: Cast, admin_a: Actor) -> None:
    services.agency_update(
        actor=admin_a, agency=cast.agency_a, changes={"name": "Sở Nội vụ tỉnh", "phone": "0219 3860 000"}
    )
    kinds = {e.kind: e for e in AgencyEvent.objects.filter(agency=cast.agency_a)}
    assert kinds["renamed"].before == {"name": "Sở Nội vụ"} and kinds["renamed"].after == {
        "name": "Sở Nội vụ tỉnh"
    }
    assert kinds["updated"].after == {"phone": "0219 3860 000"}
    cast.agency_a.refresh_from_db()
    assert "so noi vu tinh" in cast.agency_a.search_text
    with pytest.raises(PermissionDenied):
        services.agency_update(actor=admin_a, agency=cast.agency_b, changes={"name": "X"})
    with pytest.raises(ValidationFailed):
        services.agency_update(actor=admin_a, agency=cast.agency_a, changes={"tree_path": "/"})


def test_move_rewrites_whole_subtree_and_refuses_cycles(cast: Cast, su: Actor) -> None:
    child = services.agency_create(actor=su, code="000.00.11.H99", name="Chi cục", parent=cast.agency_a)
    grandchild = services.agency_create(actor=su, code="000.00.12.H99", name="Trung tâm", parent=child)
    services.agency_move(actor=su, agency=cast.agency_a, new_parent=cast.agency_b)
    grandchild.refresh_from_db()
    assert grandchild.tree_path == f"{cast.agency_b.tree_path}{cast.agency_a.pk}/{child.pk}/{grandchild.pk}/"
    assert grandchild.depth == 4  # province, B, A, child, grandchild
    _check_tree(cast.province)
    with pytest.raises(ValidationFailed) as exc:
        services.agency_move(actor=su, agency=cast.agency_a, new_parent=grandchild)
    assert exc.value.code == "tree_cycle"
    with pytest.raises(ValidationFailed):
        services.agency_move(actor=su, agency=cast.agency_a, new_parent=cast.agency_a)
    services.agency_move(actor=su, agency=cast.agency_a, new_parent=None)
    cast.agency_a.refresh_from_db()
    assert cast.agency_a.tree_path == f"/{cast.agency_a.pk}/" and cast.agency_a.depth == 0
    _check_tree(cast.agency_a)
    assert AgencyEvent.objects.filter(agency=cast.agency_a, kind="moved").count() == 2


def test_agency_admin_cannot_restructure_own_agency(cast: Cast, admin_a: Actor) -> None:
    with pytest.raises(PermissionDenied):
        services.agency_move(actor=admin_a, agency=cast.agency_a, new_parent=cast.agency_b)
    with pytest.raises(PermissionDenied):
        services.agency_dissolve(actor=admin_a, agency=cast.agency_a)


def test_merge_keeps_users_and_units_reachable_through_the_successor(cast: Cast, su: Actor) -> None:
    old = services.agency_create(actor=su, code="000.00.21.H99", name="Sở Ngoại vụ", parent=cast.province)
    sub = services.agency_create(actor=su, code="000.00.22.H99", name="Trung tâm Dịch thuật", parent=old)
    unit = services.unit_create(actor=su, agency=old, name="Phòng Lãnh sự", code="PLS")
    user_position = Position.objects.create(user=cast.outsider, agency=old, unit=unit, title="Chuyên viên")
    when = datetime.date(2025, 7, 1)
    with translation.override("en"):  # merged from an English page: the history stays Vietnamese
        services.agency_merge(actor=su, agency=old, into=cast.agency_a, effective_on=when)
    moved = AgencyEvent.objects.get(agency=sub, kind="moved")
    assert moved.note == "Chuyển theo việc sáp nhập cơ quan cấp trên"
    old.refresh_from_db()
    sub.refresh_from_db()
    assert old.status == AgencyStatus.MERGED and old.successor_id == cast.agency_a.pk
    assert old.status_changed_on == when
    assert sub.parent_id == cast.agency_a.pk and sub.is_active  # live children follow the successor
    _check_tree(cast.province)
    lineage = selectors.agency_lineage_ids(cast.agency_a)
    assert set(lineage) == {cast.agency_a.pk, old.pk}
    assert Position.objects.filter(agency_id__in=lineage, pk=user_position.pk).exists()
    assert unit in set(selectors.units_of(cast.agency_a))
    assert selectors.agency_current(old) == cast.agency_a
    assert AgencyEvent.objects.get(agency=old, kind="merged").related_agency == cast.agency_a
    assert AgencyEvent.objects.get(agency=cast.agency_a, kind="absorbed").related_agency == old


def test_merge_chain_lineage_is_transitive(cast: Cast, su: Actor) -> None:
    x = services.agency_create(actor=su, code="000.00.31.H99", name="Huyện X", parent=cast.province)
    y = services.agency_create(actor=su, code="000.00.32.H99", name="Huyện Y", parent=cast.province)
    services.agency_merge(actor=su, agency=x, into=y)
    services.agency_merge(actor=su, agency=y, into=cast.agency_b)
    assert set(selectors.agency_lineage_ids(cast.agency_b)) == {cast.agency_b.pk, x.pk, y.pk}
    assert selectors.agency_current(x) == cast.agency_b


def test_merge_refusals(cast: Cast, su: Actor, admin_a: Actor) -> None:
    child = services.agency_create(actor=su, code="000.00.41.H99", name="Chi cục", parent=cast.agency_a)
    gone = services.agency_create(actor=su, code="000.00.42.H99", name="Đã giải thể", parent=cast.province)
    services.agency_dissolve(actor=su, agency=gone)
    cases = [
        (cast.agency_a, cast.agency_a, "merge_into_self"),
        (cast.agency_a, child, "merge_into_descendant"),
        (cast.agency_b, gone, "into_inactive"),
    ]
    for agency, into, code in cases:
        with pytest.raises(ValidationFailed) as exc:
            services.agency_merge(actor=su, agency=agency, into=into)
        assert exc.value.code == code
    with pytest.raises(Conflict):
        services.agency_merge(actor=su, agency=gone, into=cast.agency_b)
    with pytest.raises(PermissionDenied):
        services.agency_merge(actor=admin_a, agency=child, into=cast.agency_b)
    assert Agency.objects.get(pk=cast.agency_b.pk).status == AgencyStatus.ACTIVE


def test_dissolve_refuses_active_children_then_works(cast: Cast, su: Actor) -> None:
    child = services.agency_create(actor=su, code="000.00.51.H99", name="Chi cục", parent=cast.agency_a)
    with pytest.raises(Conflict) as exc:
        services.agency_dissolve(actor=su, agency=cast.agency_a)
    assert exc.value.code == "has_active_children"
    services.agency_dissolve(actor=su, agency=child, effective_on=datetime.date(2025, 7, 1))
    child.refresh_from_db()
    assert child.status == AgencyStatus.DISSOLVED and not child.hosted
    with pytest.raises(Conflict):
        services.agency_dissolve(actor=su, agency=child)


def test_set_hosted_keeps_history(cast: Cast, admin_a: Actor, clerk_a: Actor) -> None:
    services.agency_set_hosted(actor=admin_a, agency=cast.agency_a, hosted=False)
    services.agency_set_hosted(actor=admin_a, agency=cast.agency_a, hosted=True)
    events = AgencyEvent.objects.filter(agency=cast.agency_a, kind="hosting_changed").order_by("id")
    assert [e.after["hosted"] for e in events] == [False, True]
    with pytest.raises(PermissionDenied):
        services.agency_set_hosted(actor=clerk_a, agency=cast.agency_a, hosted=False)


def test_units_tree_crud(cast: Cast, admin_a: Actor, clerk_a: Actor) -> None:
    top = services.unit_create(actor=admin_a, agency=cast.agency_a, name="Phòng Công chức", code="PCC")
    sub = services.unit_create(actor=admin_a, agency=cast.agency_a, name="Tổ Hồ sơ", parent=top)
    with pytest.raises(Conflict):
        services.unit_create(actor=admin_a, agency=cast.agency_a, name="Trùng", code="PCC")
    with pytest.raises(ValidationFailed) as cyc:
        services.unit_move(actor=admin_a, unit=top, new_parent=sub)
    assert cyc.value.code == "tree_cycle"
    services.unit_move(actor=admin_a, unit=sub, new_parent=cast.unit_a)
    assert Unit.objects.get(pk=sub.pk).parent_id == cast.unit_a.pk
    services.unit_update(actor=admin_a, unit=top, changes={"name": "Phòng Công chức, viên chức"})
    with pytest.raises(Conflict):
        services.unit_deactivate(actor=admin_a, unit=cast.unit_a)
    services.unit_deactivate(actor=admin_a, unit=sub)
    assert not Unit.objects.get(pk=sub.pk).is_active
    other = services.unit_create(
        actor=Actor(user=cast.superuser), agency=cast.agency_b, name="Bộ phận một cửa"
    )
    with pytest.raises(ValidationFailed):
        services.unit_move(actor=admin_a, unit=top, new_parent=other)
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=clerk_a, agency=cast.agency_a, name="X")
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=admin_a, agency=cast.agency_b, name="X")
    assert [n.unit.name for n in selectors.unit_tree(cast.agency_a)] == [
        "Phòng Công chức, viên chức",
        "Phòng Tổ chức biên chế",
    ]
