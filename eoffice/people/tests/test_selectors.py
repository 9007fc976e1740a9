from __future__ import annotations

import pytest
from django.utils import timezone

from eoffice.core.errors import PermissionDenied
from eoffice.directory.models import Agency, AgencyKind, AgencyStatus
from eoffice.people import selectors
from eoffice.people.lineage import agency_lineage_ids
from eoffice.people.tests.helpers import actor_of
from eoffice.testing.cast import give_position, make_user

pytestmark = pytest.mark.django_db


def _agency(code: str, name: str, parent: Agency) -> Agency:
    agency = Agency.objects.create(code=code, name=name, kind=AgencyKind.COMMUNE, parent=parent, hosted=True)
    agency.tree_path = f"{parent.tree_path}{agency.pk}/"
    agency.depth = parent.depth + 1
    agency.save()
    return agency


def _merge(old: Agency, into: Agency) -> None:
    old.status, old.successor, old.status_changed_on = AgencyStatus.MERGED, into, timezone.localdate()
    old.save()


def test_people_of_agencies_merged_into_it_are_included(cast) -> None:
    # Xã Cũ merged into Xã Trung Gian, which later merged into agency A: a chain.
    old = _agency("000.09.01.H99", "Xã Cũ", cast.province)
    middle = _agency("000.09.02.H99", "Xã Trung Gian", cast.province)
    veteran = make_user("cu.xa", "Trần Văn Cũ")
    position = give_position(veteran, old, "Văn thư", ["van_thu"])
    position.is_active = False
    position.save()
    _merge(old, middle)
    _merge(middle, cast.agency_a)
    assert agency_lineage_ids(cast.agency_a) == {cast.agency_a.pk, middle.pk, old.pk}
    people = set(selectors.people_for_admin(actor_of(cast.admin_a)).values_list("username", flat=True))
    assert "cu.xa" in people and "vanthu.a" in people and "vanthu.b" not in people
    scoped = selectors.people_for_admin(actor_of(cast.admin_a), agency=cast.agency_a)
    assert "cu.xa" in set(scoped.values_list("username", flat=True))


def test_lineage_survives_a_loop(cast) -> None:
    a = _agency("000.09.03.H99", "Xã A", cast.province)
    b = _agency("000.09.04.H99", "Xã B", cast.province)
    Agency.objects.filter(pk=a.pk).update(status=AgencyStatus.MERGED, successor=b)
    Agency.objects.filter(pk=b.pk).update(status=AgencyStatus.MERGED, successor=a)
    assert agency_lineage_ids(a) == {a.pk, b.pk}


def test_admin_of_province_sees_sub_tree(cast) -> None:
    admin_p = make_user("quantri.tinh", "Quản Trị Tỉnh")
    give_position(admin_p, cast.province, "Quản trị", ["quan_tri_co_quan"])
    people = set(selectors.people_for_admin(actor_of(admin_p)).values_list("username", flat=True))
    assert {"vanthu.a", "vanthu.b", "quantri.tinh"} <= people and "ngoai.cuoc" not in people


def test_admin_list_refused_for_other_agency(cast) -> None:
    with pytest.raises(PermissionDenied):
        selectors.people_for_admin(actor_of(cast.admin_a), agency=cast.agency_b)
    assert not selectors.people_for_admin(actor_of(cast.clerk_a)).exists()
    assert not selectors.people_for_admin(actor_of(cast.outsider)).exists()


@pytest.mark.parametrize("query", ["van thu", "VĂN THƯ", "Văn Thu", "vanthu.a", "nguyen thi"])
def test_accent_insensitive_search(cast, query: str) -> None:
    found = [u.username for u in selectors.person_search(actor_of(cast.leader_a), query)]
    assert found == ["vanthu.a"]


def test_search_finds_d_with_stroke(cast) -> None:
    found = [u.username for u in selectors.person_search(actor_of(cast.superuser), "do thi xa dong tam")]
    assert found == ["vanthu.b"]
    assert selectors.person_search(actor_of(cast.clerk_b), "Đồng Tâm")[0].username == "vanthu.b"


def test_search_is_bounded_and_scoped(cast) -> None:
    assert selectors.person_search(actor_of(cast.leader_a), "%" * 5000) == []
    assert selectors.person_search(actor_of(cast.leader_a), " ".join(["a"] * 500)) is not None
    assert selectors.person_search(actor_of(cast.outsider), "van") == []
    assert selectors.person_search(actor_of(cast.leader_a), "") == []


def test_positions_of_user_scoped_for_admins(cast) -> None:
    give_position(cast.clerk_b, cast.agency_a, "Kiêm nhiệm", ["chuyen_vien"], primary=False)
    seen = selectors.positions_of_user(actor_of(cast.admin_a), cast.clerk_b)
    assert [p.agency_id for p in seen] == [cast.agency_a.pk]
    own = selectors.positions_of_user(actor_of(cast.clerk_b), cast.clerk_b)
    assert {p.agency_id for p in own} == {cast.agency_a.pk, cast.agency_b.pk}


def test_delegable_positions(cast) -> None:
    own = selectors.delegable_positions(actor_of(cast.specialist_a))
    assert [p.user_id for p in own] == [cast.specialist_a.pk]
    led = selectors.delegable_positions(actor_of(cast.leader_a))
    assert {p.user_id for p in led} >= {cast.clerk_a.pk, cast.leader_a.pk}
    assert all(p.agency_id == cast.agency_a.pk for p in led)
    assert selectors.delegable_positions(actor_of(cast.outsider)) == []
