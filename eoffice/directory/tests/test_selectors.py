from __future__ import annotations

import pytest

from eoffice.core.actor import Actor
from eoffice.core.errors import ValidationFailed
from eoffice.directory import selectors, services
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def names(query: str, **kw: object) -> list[str]:
    return [a.name for a in selectors.agency_search(query, **kw).items]  # type: ignore[arg-type]


def test_search_ignores_accents_and_d(cast: Cast) -> None:
    assert names("so noi vu") == ["Sở Nội vụ"]
    assert names("SỞ NỘI VỤ") == ["Sở Nội vụ"]
    assert names("dong tam") == ["Ủy ban nhân dân xã Đồng Tâm"]
    assert names("Đồng tâm") == ["Ủy ban nhân dân xã Đồng Tâm"]
    assert names("ubnd") == [
        "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "Ủy ban nhân dân xã Đồng Tâm",
    ]  # by depth, name
    assert names("noi vu dong tam") == []  # every word must match
    assert names("snv") == ["Sở Nội vụ"]


def test_exact_code_ranks_first(cast: Cast, su: Actor) -> None:
    # Another agency whose folded text also contains every piece of A's code.
    services.agency_create(actor=su, code="000.00.00.H98", name="Ban 01 H99", parent=None)
    items = selectors.agency_search(cast.agency_a.code).items
    assert items[0] == cast.agency_a


def test_inactive_hidden_unless_asked(cast: Cast, su: Actor) -> None:
    gone = services.agency_create(actor=su, code="000.00.61.H99", name="Sở Ngoại vụ", parent=cast.province)
    services.agency_merge(actor=su, agency=gone, into=cast.agency_a)
    assert names("ngoai vu") == []
    assert names("ngoai vu", include_inactive=True) == ["Sở Ngoại vụ"]


def test_keyset_pages_cover_everything_once(cast: Cast, su: Actor) -> None:
    for i in range(7):
        services.agency_create(actor=su, code=f"000.00.7{i}.H99", name=f"Phòng {i % 3}", parent=cast.agency_a)
    seen: list[int] = []
    cursor = None
    for _ in range(20):
        page = selectors.agency_search("phong", limit=3, cursor=cursor)
        seen += [a.pk for a in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 7
    with pytest.raises(ValidationFailed):
        selectors.agency_search("phong", cursor="!!not-a-cursor")


def test_exact_match_page_then_rest(cast: Cast) -> None:
    page = selectors.agency_search(cast.province.code, limit=1)
    assert page.items == [cast.province] and page.next_cursor
    rest = selectors.agency_search(cast.province.code, limit=10, cursor=page.next_cursor).items
    assert cast.province not in rest


def test_tree_and_children(cast: Cast) -> None:
    top, truncated = selectors.agency_tree(None, depth=2)
    assert not truncated
    assert [n.agency for n in top] == [cast.province]
    assert top[0].child_count == 2
    assert {n.agency for n in top[0].children} == {cast.agency_a, cast.agency_b}
    kids = selectors.agency_children(cast.province)
    assert [k.agency.name for k in kids] == ["Sở Nội vụ", "Ủy ban nhân dân xã Đồng Tâm"]
    assert selectors.agency_ancestors(cast.agency_a) == [cast.province]


def test_administered_agencies(cast: Cast, admin_a: Actor, clerk_a: Actor, su: Actor) -> None:
    assert {a.pk for a in selectors.agencies_administered_by(admin_a)} == {cast.agency_a.pk}
    assert selectors.agencies_administered_by(clerk_a) == []
    assert len(selectors.agencies_administered_by(su)) == 3
