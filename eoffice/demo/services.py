"""Writes the demo province planned by `province.plan_provinces` in one transaction.

Speed matters (scale 10 is about 2,000 agencies and 21,000 accounts and must load in well under
three minutes on PostgreSQL), so rows go in with `bulk_create` in batches and the shared demo
password is hashed once and reused: hashing it 21,000 times with argon2 would take many minutes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from eoffice.accounts.models import User
from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, ValidationFailed
from eoffice.demo import policies, selectors
from eoffice.demo.province import MAX_SCALE, SUPERUSER, AgencyPlan, ProvincePlan, plan_provinces
from eoffice.directory.models import Agency, AgencyEvent, AgencyStatus, Unit
from eoffice.people.models import Position, PositionRole

BATCH = 1000
# The two-level local government took effect on this day; the demo's positions start then.
TWO_LEVEL_START = date(2025, 7, 1)


@dataclass(frozen=True)
class DemoSummary:
    scale: int
    seed: int
    agencies: int
    units: int
    users: int
    positions: int
    concurrent_positions: int
    root_codes: list[str]


@transaction.atomic
def demo_province_build(*, scale: int, seed: int, password: str, actor: Actor) -> DemoSummary:
    """Build the demo province into an empty directory, or refuse with a clear reason."""
    policies.require_can_build_demo(actor)
    if not 1 <= scale <= MAX_SCALE:
        raise ValidationFailed(
            "invalid_scale",
            _("Hệ số quy mô phải từ 1 đến %(max_scale)s (nhận được %(scale)s).")
            % {"max_scale": MAX_SCALE, "scale": scale},
            field="scale",
        )
    if len(password) < 8:
        raise ValidationFailed(
            "weak_password", _("Mật khẩu dùng chung phải có ít nhất 8 ký tự."), field="password"
        )
    if selectors.demo_built_event() is not None:
        raise Conflict("demo_exists", _("Dữ liệu mẫu đã được tạo trong cơ sở dữ liệu này."))
    existing = selectors.agency_count()
    if existing:
        raise Conflict(
            "directory_not_empty",
            _(
                "Danh bạ đã có %(existing)s cơ quan không phải dữ liệu mẫu; "
                "chỉ tạo dữ liệu mẫu trong một cơ sở dữ liệu trống."
            )
            % {"existing": existing},
            details={"agencies": existing},
        )
    plan = plan_provinces(scale, seed)
    taken = selectors.existing_usernames(plan.usernames())
    if taken:
        raise Conflict(
            "usernames_taken",
            _("Đã có tài khoản trùng tên với dữ liệu mẫu: %(usernames)s.") % {"usernames": ", ".join(taken)},
            details={"usernames": taken},
        )
    agencies = _create_agencies(plan)
    units = _create_units(plan, agencies)
    users = _create_users(plan, make_password(password))
    positions, concurrent = _create_positions(plan, agencies, units, users)
    summary = DemoSummary(
        scale=scale,
        seed=seed,
        agencies=len(agencies),
        units=len(units),
        users=len(users) + 1,
        positions=positions,
        concurrent_positions=concurrent,
        root_codes=plan.root_codes,
    )
    audit.record(actor=actor, verb=selectors.DEMO_BUILT_VERB, data=asdict(summary))
    return summary


def _agency_row(spec: AgencyPlan, parent: Agency | None) -> Agency:
    agency = Agency(
        code=spec.code,
        code_conforms=True,
        name=spec.name,
        short_name=spec.short_name,
        abbreviation=spec.abbreviation,
        kind=spec.kind,
        parent=parent,
        depth=spec.depth,
        address=spec.address,
        email=spec.email,
        phone=spec.phone,
        hosted=True,
        status=AgencyStatus.ACTIVE,
    )
    agency.refresh_search_text()
    return agency


def _create_agencies(plan: ProvincePlan) -> dict[str, Agency]:
    """Insert level by level so each parent has its id before its children need it."""
    by_code: dict[str, Agency] = {}
    for depth in sorted({spec.depth for spec in plan.agencies}):
        level = [
            _agency_row(spec, by_code[spec.parent_code] if spec.parent_code else None)
            for spec in plan.agencies
            if spec.depth == depth
        ]
        Agency.objects.bulk_create(level, batch_size=BATCH)
        for agency in level:
            # Both supported databases return ids from a bulk insert (RETURNING).
            assert agency.pk is not None, "bulk_create did not return ids"
            parent_path = by_code[agency.parent.code].tree_path if agency.parent else "/"
            agency.tree_path = f"{parent_path}{agency.pk}/"
            by_code[agency.code] = agency
    Agency.objects.bulk_update(list(by_code.values()), ["tree_path"], batch_size=BATCH)
    AgencyEvent.objects.bulk_create(
        [
            AgencyEvent(
                agency=agency,
                kind=AgencyEvent.Kind.CREATED,
                effective_on=TWO_LEVEL_START,
                after={"code": agency.code, "name": agency.name},
                note="Dữ liệu mẫu",
            )
            for agency in by_code.values()
        ],
        batch_size=BATCH,
    )
    return by_code


def _create_units(plan: ProvincePlan, agencies: dict[str, Agency]) -> dict[tuple[str, str], Unit]:
    rows: dict[tuple[str, str], Unit] = {}
    for spec in plan.agencies:
        for unit_spec in spec.units:
            unit = Unit(
                agency=agencies[spec.code],
                code=unit_spec.code,
                name=unit_spec.name,
                abbreviation=unit_spec.abbreviation,
                sort_order=unit_spec.sort_order,
            )
            unit.refresh_search_text()
            rows[(spec.code, unit_spec.code)] = unit
    Unit.objects.bulk_create(list(rows.values()), batch_size=BATCH)
    return rows


def _create_users(plan: ProvincePlan, password_hash: str) -> dict[str, User]:
    domains = {spec.code: spec.email.split("@", 1)[1] for spec in plan.agencies}
    rows: dict[str, User] = {}
    for person in plan.people:
        domain = domains[person.positions[0].agency_code]
        user = User(
            username=person.username,
            full_name=person.full_name,
            email=f"{person.username}@{domain}",
            phone=person.phone,
            password=password_hash,
        )
        user.refresh_search_text()
        rows[person.username] = user
    admin = User(
        username=SUPERUSER,
        full_name="Quản trị hệ thống",
        email="admin@eoffice.invalid",
        password=password_hash,
        is_superuser=True,
        is_staff=True,
    )
    admin.refresh_search_text()
    User.objects.bulk_create([*rows.values(), admin], batch_size=BATCH)
    return rows


def _create_positions(
    plan: ProvincePlan,
    agencies: dict[str, Agency],
    units: dict[tuple[str, str], Unit],
    users: dict[str, User],
) -> tuple[int, int]:
    positions: list[Position] = []
    roles: list[str] = []
    for person in plan.people:
        for spec in person.positions:
            positions.append(
                Position(
                    user=users[person.username],
                    agency=agencies[spec.agency_code],
                    unit=units[(spec.agency_code, spec.unit_code)] if spec.unit_code else None,
                    title=spec.title,
                    is_primary=spec.primary,
                    is_active=True,
                    starts_on=TWO_LEVEL_START,
                )
            )
            roles.append(spec.role)
    Position.objects.bulk_create(positions, batch_size=BATCH)
    PositionRole.objects.bulk_create(
        [PositionRole(position=position, role=role) for position, role in zip(positions, roles, strict=True)],
        batch_size=BATCH,
    )
    return len(positions), sum(1 for position in positions if not position.is_primary)
