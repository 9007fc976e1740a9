"""A deterministic, realistic demo province in the post-2025 two-level shape.

`plan_provinces(scale, seed)` builds the whole directory in memory — agencies, units, people and
their positions — from `random.Random(seed)` only, so the same seed always gives the same codes,
usernames and names. Nothing here touches the database: `services.demo_province_build` writes it.

Shape of one province (scale 1):
- Ủy ban nhân dân tỉnh (root) with its Văn phòng, about twenty departments and boards, and about
  one hundred communes and wards directly under it (no district level since 1 July 2025);
- public service units (chi cục, bệnh viện, trường THPT, …) under their departments;
- in every agency a clerk (văn thư), a head and deputies (lãnh đạo cơ quan), a head for every unit
  (lãnh đạo đơn vị), specialists (chuyên viên) and an agency administrator (quản trị cơ quan);
  in some agencies a deputy also heads a unit concurrently (kiêm nhiệm).

`--scale N` adds whole provinces (N × about 180 agencies and 2,000 people), each with its own
fictional QCVN 102 level-1 code H99, H98, …
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

from eoffice.core.text import fold
from eoffice.demo import names
from eoffice.directory.models import AgencyKind
from eoffice.people.models import Role

MAX_SCALE = 30
SUPERUSER = "admin"
# The agency whose people are printed as the demo logins (province 1's Department of Home Affairs).
LOGIN_AGENCY_SLUG = "snv"
# The printed logins of that agency the signing kit (signing_kit.py) also needs by name.
LOGIN_CLERK = f"vanthu.{LOGIN_AGENCY_SLUG}"
LOGIN_LEADER = f"lanhdao.{LOGIN_AGENCY_SLUG}"
LOGIN_UNIT_HEAD = f"truongphong3.{LOGIN_AGENCY_SLUG}"
LOGIN_ADMIN = f"quantri.{LOGIN_AGENCY_SLUG}"


@dataclass(frozen=True)
class UnitPlan:
    code: str
    name: str
    abbreviation: str
    sort_order: int


@dataclass(frozen=True)
class AgencyPlan:
    code: str
    name: str
    short_name: str
    abbreviation: str
    kind: str
    parent_code: str | None
    depth: int
    slug: str
    address: str
    email: str
    phone: str
    units: tuple[UnitPlan, ...]


@dataclass(frozen=True)
class PositionPlan:
    agency_code: str
    unit_code: str | None
    title: str
    role: str
    primary: bool


@dataclass
class PersonPlan:
    username: str
    full_name: str
    phone: str
    positions: list[PositionPlan] = field(default_factory=list)


@dataclass
class ProvincePlan:
    scale: int
    seed: int
    agencies: list[AgencyPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)

    @property
    def root_codes(self) -> list[str]:
        return [a.code for a in self.agencies if a.parent_code is None]

    def usernames(self) -> list[str]:
        return [SUPERUSER, *(p.username for p in self.people)]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    title: str
    agency: str


def province_letter_code(index: int) -> str:
    """Fictional level-1 codes counted down from H99, far from the real provinces' H-codes."""
    return f"H{99 - index:02d}"


_FAMILIES = [name for name, _ in names.FAMILY_NAMES]
_FAMILY_WEIGHTS = list(itertools.accumulate(weight for _, weight in names.FAMILY_NAMES))


def person_name(rng: random.Random) -> str:
    family = rng.choices(_FAMILIES, cum_weights=_FAMILY_WEIGHTS)[0]
    if rng.random() < 0.5:
        return f"{family} {rng.choice(names.MALE_MIDDLE)} {rng.choice(names.MALE_GIVEN)}"
    return f"{family} {rng.choice(names.FEMALE_MIDDLE)} {rng.choice(names.FEMALE_GIVEN)}"


def _mobile(rng: random.Random) -> str:
    return f"09{rng.randint(0, 99_999_999):08d}"


def _slug(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _initials(text: str) -> str:
    return "".join(word[0] for word in fold(text).split() if word and word[0].isalnum())


class _ProvinceBuilder:
    """Plans one province; `taken` keeps slugs unique across all provinces of the run."""

    def __init__(self, plan: ProvincePlan, rng: random.Random, index: int, taken: set[str]) -> None:
        self.plan = plan
        self.rng = rng
        self.index = index
        self.letter = province_letter_code(index)
        self.suffix = "" if index == 0 else f".{self.letter.lower()}"
        self.taken = taken
        place_names = [f"{a} {b}" for a in names.PLACE_SYLLABLES for b in names.PLACE_SYLLABLES if a != b]
        rng.shuffle(place_names)
        self.places = place_names
        self.province_name = self.places.pop()
        # The provincial seat: the first commune planned, always a ward.
        self.seat = self.places[-1]
        self.domain = f"{_slug(self.province_name)}.gov.vn"

    def code(self, level4: int, level3: int, level2: int) -> str:
        return f"{level4:03d}.{level3:02d}.{level2:02d}.{self.letter}"

    def unique_slug(self, base: str) -> str:
        candidate, n = f"{base}{self.suffix}", 1
        while candidate in self.taken:
            n += 1
            candidate = f"{base}{n}{self.suffix}"
        self.taken.add(candidate)
        return candidate

    def address(self, place: str) -> str:
        street = self.rng.choice(names.STREET_NAMES)
        return f"Số {self.rng.randint(1, 250)} đường {street}, {place}, tỉnh {self.province_name}"

    def agency(
        self,
        *,
        code: str,
        name: str,
        short_name: str,
        abbreviation: str,
        kind: str,
        parent: AgencyPlan | None,
        slug_base: str,
        units: tuple[tuple[str, str], ...],
        place: str,
    ) -> AgencyPlan:
        slug = self.unique_slug(slug_base)
        plan = AgencyPlan(
            code=code,
            name=name,
            short_name=short_name,
            abbreviation=abbreviation,
            kind=kind,
            parent_code=parent.code if parent else None,
            depth=parent.depth + 1 if parent else 0,
            slug=slug,
            address=self.address(place),
            email=f"{slug.split('.')[0]}@{self.domain}",
            phone=f"02{self.rng.randint(0, 99):02d} {self.rng.randint(0, 9_999_999):07d}",
            units=tuple(
                UnitPlan(code=abbr, name=unit_name, abbreviation=abbr, sort_order=i)
                for i, (unit_name, abbr) in enumerate(units, start=1)
            ),
        )
        self.plan.agencies.append(plan)
        return plan

    def build(self) -> None:
        province_place = f"phường {self.seat}"
        root = self.agency(
            code=self.code(0, 0, 0),
            name=f"Ủy ban nhân dân tỉnh {self.province_name}",
            short_name=f"UBND tỉnh {self.province_name}",
            abbreviation="UBND",
            kind=AgencyKind.PROVINCE,
            parent=None,
            slug_base="ubnd",
            units=names.PROVINCE_UNITS,
            place=province_place,
        )
        staff = _Staffer(self)
        staff.leaders(root, "Chủ tịch", "Phó Chủ tịch", deputies=3)
        staff.units(root, specialists=(1, 2), deputy=False)
        office = self.agency(
            code=self.code(0, 0, 1),
            name=f"Văn phòng Ủy ban nhân dân tỉnh {self.province_name}",
            short_name="Văn phòng UBND tỉnh",
            abbreviation="VPUBND",
            kind=AgencyKind.PROVINCE_OFFICE,
            parent=root,
            slug_base="vpubnd",
            units=names.PROVINCE_OFFICE_UNITS,
            place=province_place,
        )
        staff.leaders(office, "Chánh Văn phòng", "Phó Chánh Văn phòng", deputies=2)
        staff.units(office, specialists=(2, 3), deputy=True)
        self.subordinates(office, names.PROVINCE_OFFICE_SUBORDINATES, staff)
        communes = self.communes(root, staff)
        for number, spec in enumerate(names.DEPARTMENTS, start=2):
            self.department(root, number, spec, staff, communes)

    def department(
        self, root: AgencyPlan, number: int, spec: names.DepartmentSpec, staff: _Staffer, communes: list[str]
    ) -> None:
        dept = self.agency(
            code=self.code(0, 0, number),
            name=spec.name,
            short_name=spec.name,
            abbreviation=spec.abbreviation,
            kind=AgencyKind.DEPARTMENT,
            parent=root,
            slug_base=_slug(spec.abbreviation),
            units=names.DEPARTMENT_COMMON_UNITS + spec.units,
            place=f"phường {self.seat}",
        )
        staff.leaders(dept, spec.head_title, spec.deputy_title, deputies=2)
        staff.units(dept, specialists=(2, 3), deputy=True)
        schools = [f"Trường THPT {place}" for place in communes[: spec.schools]]
        self.subordinates(dept, spec.subordinates + tuple(schools), staff)

    def subordinates(self, parent: AgencyPlan, titles: tuple[str, ...], staff: _Staffer) -> None:
        level2 = int(parent.code.split(".")[2])
        for number, title in enumerate(titles, start=1):
            sub = self.agency(
                code=self.code(0, number, level2),
                name=title,
                short_name=title,
                abbreviation=_initials(title).upper()[:30],
                kind=AgencyKind.OTHER,
                parent=parent,
                slug_base=_initials(title),
                units=names.SUBORDINATE_UNITS,
                place=f"phường {self.seat}",
            )
            head = "Hiệu trưởng" if title.startswith("Trường") else "Giám đốc"
            if title.startswith(("Chi cục", "Ban")):
                head = "Chi cục trưởng" if title.startswith("Chi cục") else "Trưởng ban"
            staff.leaders(sub, head, f"Phó {head}", deputies=1)
            staff.units(sub, specialists=(1, 1), deputy=False)

    def communes(self, root: AgencyPlan, staff: _Staffer) -> list[str]:
        """About a hundred communes and wards, coded by the former district they came from."""
        count = self.rng.randint(100, 125)
        places = [self.places.pop() for _ in range(count)]
        for i, place in enumerate(places):
            ward = i == 0 or self.rng.random() < 0.2
            level_word = "phường" if ward else "xã"
            former_district, number = divmod(i, 10)
            commune = self.agency(
                code=self.code(0, number + 1, 60 + former_district),
                name=f"Ủy ban nhân dân {level_word} {place}",
                short_name=f"UBND {level_word} {place}",
                abbreviation="UBND",
                kind=AgencyKind.COMMUNE,
                parent=root,
                slug_base=_slug(place),
                units=names.WARD_UNITS if ward else names.COMMUNE_UNITS,
                place=f"{level_word} {place}",
            )
            staff.leaders(
                commune, f"Chủ tịch UBND {level_word}", f"Phó Chủ tịch UBND {level_word}", deputies=1
            )
            staff.units(commune, specialists=(1, 2), deputy=False)
        return places


class _Staffer:
    """Hands out people, usernames and positions for one province."""

    def __init__(self, builder: _ProvinceBuilder) -> None:
        self.builder = builder
        self.rng = builder.rng
        self.agency_count = 0
        self.first_deputy: PersonPlan | None = None

    def person(self, username: str, position: PositionPlan) -> PersonPlan:
        person = PersonPlan(username=username, full_name=person_name(self.rng), phone=_mobile(self.rng))
        person.positions.append(position)
        self.builder.plan.people.append(person)
        return person

    def leaders(self, agency: AgencyPlan, head: str, deputy: str, *, deputies: int) -> None:
        self.agency_count += 1
        first_unit = agency.units[0].code
        self.person(
            f"lanhdao.{agency.slug}", PositionPlan(agency.code, None, head, Role.LANH_DAO_CO_QUAN, True)
        )
        self.first_deputy = None
        for n in range(2, deputies + 2):
            deputy_person = self.person(
                f"lanhdao{n}.{agency.slug}",
                PositionPlan(agency.code, None, deputy, Role.LANH_DAO_CO_QUAN, True),
            )
            self.first_deputy = self.first_deputy or deputy_person
        self.person(
            f"vanthu.{agency.slug}", PositionPlan(agency.code, first_unit, "Văn thư", Role.VAN_THU, True)
        )
        self.person(
            f"quantri.{agency.slug}",
            PositionPlan(agency.code, first_unit, "Quản trị hệ thống cơ quan", Role.QUAN_TRI_CO_QUAN, True),
        )

    def units(self, agency: AgencyPlan, *, specialists: tuple[int, int], deputy: bool) -> None:
        # Every third agency: the first deputy also heads the last unit (kiêm nhiệm).
        concurrent = self.agency_count % 3 == 0 and len(agency.units) > 1 and self.first_deputy is not None
        specialist_no = 0
        for k, unit in enumerate(agency.units, start=1):
            head_title = _head_of(unit.name)
            if concurrent and k == len(agency.units) and self.first_deputy is not None:
                self.first_deputy.positions.append(
                    PositionPlan(agency.code, unit.code, head_title, Role.LANH_DAO_DON_VI, False)
                )
            else:
                self.person(
                    f"truongphong{k}.{agency.slug}",
                    PositionPlan(agency.code, unit.code, head_title, Role.LANH_DAO_DON_VI, True),
                )
            if deputy:
                self.person(
                    f"photruongphong{k}.{agency.slug}",
                    PositionPlan(agency.code, unit.code, f"Phó {head_title}", Role.LANH_DAO_DON_VI, True),
                )
            for _ in range(self.rng.randint(*specialists)):
                specialist_no += 1
                number = "" if specialist_no == 1 else str(specialist_no)
                self.person(
                    f"chuyenvien{number}.{agency.slug}",
                    PositionPlan(agency.code, unit.code, "Chuyên viên", Role.CHUYEN_VIEN, True),
                )


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:]


def _head_of(unit_name: str) -> str:
    if unit_name.startswith("Văn phòng"):
        return "Chánh Văn phòng"
    for word in ("Phòng", "Khoa", "Ban", "Bộ phận"):
        if unit_name.startswith(word):
            return "Trưởng phòng" if word == "Phòng" else f"Trưởng {_lower_first(word)}"
    return "Trưởng đơn vị"


def plan_provinces(scale: int = 1, seed: int = 2025) -> ProvincePlan:
    """Plan `scale` provinces from `seed`; the same arguments always give the same plan."""
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be between 1 and {MAX_SCALE}")
    plan = ProvincePlan(scale=scale, seed=seed)
    taken: set[str] = set()
    for index in range(scale):
        # One generator per province, so province 1 is identical whatever the scale.
        rng = random.Random(f"{seed}:{index}")  # noqa: S311 — reproducible demo data, not secrets
        _ProvinceBuilder(plan, rng, index, taken).build()
    return plan


def demo_logins() -> list[DemoLogin]:
    """One login per role, all in province 1's Department of Home Affairs, plus the superuser."""
    agency = "Sở Nội vụ"
    return [
        DemoLogin(LOGIN_CLERK, str(Role.VAN_THU.label), "Văn thư", agency),
        DemoLogin(LOGIN_LEADER, str(Role.LANH_DAO_CO_QUAN.label), "Giám đốc", agency),
        DemoLogin(LOGIN_UNIT_HEAD, str(Role.LANH_DAO_DON_VI.label), "Trưởng phòng", agency),
        DemoLogin(f"chuyenvien.{LOGIN_AGENCY_SLUG}", str(Role.CHUYEN_VIEN.label), "Chuyên viên", agency),
        DemoLogin(LOGIN_ADMIN, str(Role.QUAN_TRI_CO_QUAN.label), "Quản trị hệ thống cơ quan", agency),
        DemoLogin(SUPERUSER, "Quản trị hệ thống (superuser)", "Quản trị hệ thống", "Toàn hệ thống"),
    ]
