"""The in-memory plan: deterministic, realistic, well-formed codes and usernames."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from eoffice.demo.province import MAX_SCALE, demo_logins, plan_provinces, province_letter_code
from eoffice.directory.models import AgencyKind
from eoffice.people.models import Role

STRICT_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H\d{2}$")
USERNAME = re.compile(r"^[a-z0-9.]+$")


def _fingerprint(seed: int, scale: int = 1) -> list[tuple[str, ...]]:
    plan = plan_provinces(scale, seed)
    agencies = [(a.code, a.name, a.slug, a.parent_code or "") for a in plan.agencies]
    people = [(p.username, p.full_name, p.phone, *(pos.title for pos in p.positions)) for p in plan.people]
    return agencies + people


def test_same_seed_gives_the_same_province() -> None:
    assert _fingerprint(7) == _fingerprint(7)


def test_another_seed_gives_another_province() -> None:
    first, second = plan_provinces(1, 7), plan_provinces(1, 8)
    assert [p.full_name for p in first.people] != [p.full_name for p in second.people]
    assert first.agencies[0].name != second.agencies[0].name


def test_province_one_is_the_same_at_every_scale() -> None:
    one = plan_provinces(1, 11)
    three = plan_provinces(3, 11)
    assert [a.code for a in three.agencies[: len(one.agencies)]] == [a.code for a in one.agencies]
    assert [p.username for p in three.people[: len(one.people)]] == [p.username for p in one.people]


def test_shape_of_one_province() -> None:
    plan = plan_provinces(1, 2025)
    kinds = Counter(a.kind for a in plan.agencies)
    assert kinds[AgencyKind.PROVINCE] == 1
    assert kinds[AgencyKind.PROVINCE_OFFICE] == 1
    assert kinds[AgencyKind.DEPARTMENT] == 20
    assert 100 <= kinds[AgencyKind.COMMUNE] <= 125
    assert 170 <= len(plan.agencies) <= 230
    assert 1800 <= len(plan.people) <= 2700
    names = {a.name for a in plan.agencies}
    for expected in ("Sở Nội vụ", "Sở Tài chính", "Sở Xây dựng", "Sở Y tế", "Sở Giáo dục và Đào tạo"):
        assert expected in names
    assert any(a.name.startswith("Văn phòng Ủy ban nhân dân tỉnh") for a in plan.agencies)
    communes = [a for a in plan.agencies if a.kind == AgencyKind.COMMUNE]
    assert {a.name.split()[4] for a in communes} == {"xã", "phường"}
    # Two-level government: communes hang straight under the provincial People's Committee.
    root = plan.root_codes[0]
    assert all(a.parent_code == root and a.depth == 1 for a in communes)
    commune_units = {u.name for a in communes for u in a.units}
    assert {"Văn phòng HĐND và UBND", "Phòng Văn hóa – Xã hội"} <= commune_units


def test_codes_are_strict_qcvn_102_and_unique() -> None:
    plan = plan_provinces(3, 2025)
    codes = [a.code for a in plan.agencies]
    assert len(codes) == len(set(codes))
    assert all(STRICT_CODE.match(code) for code in codes), [c for c in codes if not STRICT_CODE.match(c)]
    assert plan.root_codes == ["000.00.00.H99", "000.00.00.H98", "000.00.00.H97"]
    by_code = {a.code: a for a in plan.agencies}
    for agency in plan.agencies:
        if agency.parent_code:
            # A child lives in its parent's province.
            assert agency.code[-3:] == agency.parent_code[-3:]
            assert agency.depth == by_code[agency.parent_code].depth + 1


def test_usernames_unique_readable_and_every_agency_staffed() -> None:
    plan = plan_provinces(2, 2025)
    usernames = plan.usernames()
    assert len(usernames) == len(set(usernames))
    assert all(USERNAME.match(u) for u in usernames)
    roles_by_agency: dict[str, set[str]] = {a.code: set() for a in plan.agencies}
    unit_heads: set[tuple[str, str | None]] = set()
    for person in plan.people:
        assert sum(1 for pos in person.positions if pos.primary) == 1
        assert len(person.full_name.split()) >= 3
        for pos in person.positions:
            roles_by_agency[pos.agency_code].add(pos.role)
            if pos.role == Role.LANH_DAO_DON_VI:
                unit_heads.add((pos.agency_code, pos.unit_code))
    assert all(roles == set(Role.values) for roles in roles_by_agency.values())
    assert unit_heads == {(a.code, u.code) for a in plan.agencies for u in a.units}
    concurrent = [p for p in plan.people if len(p.positions) > 1]
    assert concurrent, "some people must hold a second post (kiêm nhiệm)"


def test_second_province_usernames_are_suffixed() -> None:
    plan = plan_provinces(2, 2025)
    assert "vanthu.snv" in plan.usernames()
    assert f"vanthu.snv.{province_letter_code(1).lower()}" in plan.usernames()


def test_logins_exist_in_the_plan_with_their_role() -> None:
    plan = plan_provinces(1, 99)
    people = {p.username: p for p in plan.people}
    role_labels = {str(label): value for value, label in Role.choices}
    for login in demo_logins()[:-1]:
        person = people[login.username]
        assert role_labels[login.role] in {pos.role for pos in person.positions}
    assert {login.role for login in demo_logins()[:-1]} == set(Role.labels)


@pytest.mark.parametrize("scale", [0, -1, MAX_SCALE + 1])
def test_scale_out_of_range_is_refused(scale: int) -> None:
    with pytest.raises(ValueError, match="scale"):
        plan_provinces(scale, 1)
