"""The standing cast: a province, agency A (a department) with clerk, leader, unit head and
specialist, agency B (a commune) with a clerk, and an outsider with no position.

Built straight through the ORM so it can be used below every service under test.
"""

from __future__ import annotations

from dataclasses import dataclass

from eoffice.accounts.models import User
from eoffice.directory.models import Agency, AgencyKind, Unit
from eoffice.people.models import Position, PositionRole, Role

PASSWORD = "Mat-khau-thu-nghiem-1"


@dataclass
class Cast:
    province: Agency
    agency_a: Agency
    agency_b: Agency
    unit_a: Unit
    clerk_a: User
    leader_a: User
    unit_head_a: User
    specialist_a: User
    admin_a: User
    clerk_b: User
    outsider: User
    superuser: User

    def position(self, user: User) -> Position:
        return user.positions.get(is_primary=True)


def _agency(code: str, name: str, abbr: str, kind: str, parent: Agency | None) -> Agency:
    agency = Agency(
        code=code, name=name, short_name=name, abbreviation=abbr, kind=kind, parent=parent, hosted=True
    )
    agency.refresh_search_text()
    agency.save()
    agency.tree_path = f"{parent.tree_path if parent else '/'}{agency.pk}/"
    agency.depth = parent.depth + 1 if parent else 0
    agency.save(update_fields=["tree_path", "depth"])
    return agency


def make_user(username: str, full_name: str, **extra: object) -> User:
    user = User(username=username, full_name=full_name, email=f"{username}@example.gov.vn", **extra)
    user.set_password(PASSWORD)
    user.refresh_search_text()
    user.save()
    return user


def give_position(
    user: User, agency: Agency, title: str, roles: list[str], unit: Unit | None = None, primary: bool = True
) -> Position:
    position = Position.objects.create(user=user, agency=agency, unit=unit, title=title, is_primary=primary)
    PositionRole.objects.bulk_create([PositionRole(position=position, role=role) for role in roles])
    return position


def build_cast() -> Cast:
    province = _agency("000.00.00.H99", "Ủy ban nhân dân tỉnh Thử Nghiệm", "UBND", AgencyKind.PROVINCE, None)
    agency_a = _agency("000.00.01.H99", "Sở Nội vụ", "SNV", AgencyKind.DEPARTMENT, province)
    agency_b = _agency("000.01.00.H99", "Ủy ban nhân dân xã Đồng Tâm", "UBND", AgencyKind.COMMUNE, province)
    unit_a = Unit.objects.create(
        agency=agency_a, name="Phòng Tổ chức biên chế", abbreviation="TCBC", code="TCBC"
    )

    clerk_a = make_user("vanthu.a", "Nguyễn Thị Văn Thư")
    leader_a = make_user("lanhdao.a", "Trần Văn Lãnh Đạo")
    unit_head_a = make_user("truongphong.a", "Lê Thị Trưởng Phòng")
    specialist_a = make_user("chuyenvien.a", "Phạm Văn Chuyên Viên")
    admin_a = make_user("quantri.a", "Hoàng Văn Quản Trị")
    clerk_b = make_user("vanthu.b", "Đỗ Thị Xã Đồng Tâm")
    outsider = make_user("ngoai.cuoc", "Vũ Văn Người Ngoài")
    superuser = make_user("quantri.hethong", "Quản Trị Hệ Thống", is_superuser=True, is_staff=True)

    give_position(clerk_a, agency_a, "Văn thư", [Role.VAN_THU])
    give_position(leader_a, agency_a, "Giám đốc", [Role.LANH_DAO_CO_QUAN])
    give_position(unit_head_a, agency_a, "Trưởng phòng", [Role.LANH_DAO_DON_VI], unit=unit_a)
    give_position(specialist_a, agency_a, "Chuyên viên", [Role.CHUYEN_VIEN], unit=unit_a)
    give_position(admin_a, agency_a, "Quản trị hệ thống cơ quan", [Role.QUAN_TRI_CO_QUAN])
    give_position(clerk_b, agency_b, "Văn thư", [Role.VAN_THU])
    return Cast(
        province=province,
        agency_a=agency_a,
        agency_b=agency_b,
        unit_a=unit_a,
        clerk_a=clerk_a,
        leader_a=leader_a,
        unit_head_a=unit_head_a,
        specialist_a=specialist_a,
        admin_a=admin_a,
        clerk_b=clerk_b,
        outsider=outsider,
        superuser=superuser,
    )
