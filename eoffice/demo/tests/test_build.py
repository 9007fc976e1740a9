"""Writing the demo province: complete, consistent, idempotent with --if-absent, and every printed
login really signs in."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.test import Client

from eoffice.accounts.models import User
from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.core.models import AuditEvent
from eoffice.demo import services
from eoffice.demo.output import DEFAULT_PASSWORD
from eoffice.demo.province import demo_logins, plan_provinces
from eoffice.directory.models import Agency, Unit
from eoffice.people.models import Position, PositionRole, Role

SEED = 2025


def _build(scale: int = 1, seed: int = SEED) -> services.DemoSummary:
    return services.demo_province_build(
        scale=scale, seed=seed, password=DEFAULT_PASSWORD, actor=Actor.system("test")
    )


def _run(*args: str) -> str:
    out = StringIO()
    call_command("demo_province", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_build_writes_the_whole_plan() -> None:
    summary = _build()
    plan = plan_provinces(1, SEED)
    assert Agency.objects.count() == summary.agencies == len(plan.agencies)
    assert Unit.objects.count() == summary.units == sum(len(a.units) for a in plan.agencies)
    assert User.objects.count() == summary.users == len(plan.people) + 1
    assert sorted(Agency.objects.values_list("code", flat=True)) == sorted(a.code for a in plan.agencies)
    assert set(User.objects.values_list("username", flat=True)) == set(plan.usernames())
    assert not Agency.objects.filter(hosted=False).exists()
    assert not Agency.objects.filter(search_text="").exists()
    assert not User.objects.filter(search_text="").exists()
    assert Agency.objects.get(code="000.00.02.H99").name == "Sở Nội vụ"
    assert Agency.objects.get(code="000.00.02.H99").search_text.startswith("so noi vu")


@pytest.mark.django_db
def test_tree_paths_and_depths_are_right() -> None:
    _build()
    agencies = {a.pk: a for a in Agency.objects.all()}
    for agency in agencies.values():
        if agency.parent_id is None:
            assert agency.tree_path == f"/{agency.pk}/"
            assert agency.depth == 0
        else:
            parent = agencies[agency.parent_id]
            assert agency.tree_path == f"{parent.tree_path}{agency.pk}/"
            assert agency.depth == parent.depth + 1
    root = Agency.objects.get(parent__isnull=True)
    assert Agency.objects.filter(tree_path__startswith=root.tree_path).count() == len(agencies)
    assert Agency.objects.filter(depth=2).exists(), "public service units sit under their departments"


@pytest.mark.django_db
def test_every_agency_has_every_role_and_every_unit_a_head() -> None:
    _build()
    rows = PositionRole.objects.values("position__agency_id").annotate(roles=Count("role", distinct=True))
    assert {row["roles"] for row in rows} == {len(Role.values)}
    assert len(rows) == Agency.objects.count()
    headed_units = set(
        Position.objects.filter(roles__role=Role.LANH_DAO_DON_VI).values_list("unit_id", flat=True)
    )
    assert headed_units == set(Unit.objects.values_list("pk", flat=True))
    # Kiêm nhiệm: some people hold a second, non-primary post; nobody has two primary ones.
    assert Position.objects.filter(is_primary=False).exists()
    primaries = User.objects.annotate(primaries=Count("positions", filter=Q(positions__is_primary=True)))
    assert not primaries.filter(primaries__gt=1).exists()
    superuser = User.objects.get(username="admin")
    assert superuser.is_superuser and superuser.is_staff


@pytest.mark.django_db
def test_shared_password_and_audit_event() -> None:
    summary = _build()
    sample = User.objects.order_by("?").first()
    assert sample is not None and sample.check_password(DEFAULT_PASSWORD)
    assert not sample.check_password("sai-mat-khau")
    event = AuditEvent.objects.get(verb="demo.built")
    assert event.data["agencies"] == summary.agencies
    assert event.data["users"] == summary.users
    assert event.actor_name == "system:test"
    assert audit.verify() is None


@pytest.mark.django_db
def test_same_seed_writes_the_same_codes_and_usernames() -> None:
    # The plan is deterministic (test_province_plan); here: the database holds exactly that plan.
    _build(seed=5)
    plan = plan_provinces(1, 5)
    assert sorted(Agency.objects.values_list("code", "name", "abbreviation")) == sorted(
        (a.code, a.name, a.abbreviation) for a in plan.agencies
    )
    assert sorted(User.objects.exclude(username="admin").values_list("username", "full_name")) == sorted(
        (p.username, p.full_name) for p in plan.people
    )
    planned_positions = sorted(
        (p.username, pos.agency_code, pos.unit_code or "", pos.title, pos.role, pos.primary)
        for p in plan.people
        for pos in p.positions
    )
    written = sorted(
        (r.position.user.username, r.position.agency.code, r.position.unit.code if r.position.unit else "",
         r.position.title, r.role, r.position.is_primary)
        for r in PositionRole.objects.select_related("position__user", "position__agency", "position__unit")
    )  # fmt: skip
    assert written == planned_positions


@pytest.mark.django_db
def test_if_absent_builds_once_then_does_nothing() -> None:
    first = _run("--if-absent")
    counts = (Agency.objects.count(), User.objects.count(), Position.objects.count())
    second = _run("--if-absent")
    assert "Đã tạo dữ liệu mẫu" in first
    assert "đã có" in second
    assert (Agency.objects.count(), User.objects.count(), Position.objects.count()) == counts
    assert AuditEvent.objects.filter(verb="demo.built").count() == 1
    for output in (first, second):
        for login in demo_logins():
            assert login.username in output
        assert DEFAULT_PASSWORD in output


@pytest.mark.django_db
def test_second_build_without_if_absent_is_refused() -> None:
    _run()
    with pytest.raises(CommandError, match="đã được tạo"):
        _run()


def test_non_demo_directory_is_left_alone(cast) -> None:
    before = (Agency.objects.count(), User.objects.count())
    for args in ((), ("--if-absent",)):
        with pytest.raises(CommandError, match="không phải dữ liệu mẫu"):
            _run(*args)
    assert (Agency.objects.count(), User.objects.count()) == before
    assert not AuditEvent.objects.filter(verb="demo.built").exists()


@pytest.mark.django_db
def test_taken_username_is_refused_and_nothing_written() -> None:
    User.objects.create_user(username="vanthu.snv", password="x" * 12)
    with pytest.raises(Conflict) as caught:
        _build()
    assert caught.value.code == "usernames_taken"
    assert "vanthu.snv" in caught.value.message
    assert Agency.objects.count() == 0
    assert User.objects.count() == 1


def test_only_the_machine_or_a_superuser_may_build(cast) -> None:
    for user in (cast.clerk_a, cast.leader_a, cast.admin_a, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.demo_province_build(
                scale=1, seed=1, password=DEFAULT_PASSWORD, actor=Actor(user=user, position=None)
            )
    # A superuser passes the policy; the non-empty directory is what stops this one.
    with pytest.raises(Conflict) as caught:
        services.demo_province_build(
            scale=1, seed=1, password=DEFAULT_PASSWORD, actor=Actor(user=cast.superuser)
        )
    assert caught.value.code == "directory_not_empty"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scale", "password", "field"), [(0, DEFAULT_PASSWORD, "scale"), (1, "ngan", "password")]
)
def test_bad_arguments_are_refused(scale: int, password: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.demo_province_build(scale=scale, seed=1, password=password, actor=Actor.system("test"))
    assert caught.value.field == field
    with pytest.raises(CommandError):
        _run("--scale", str(scale), "--password", password)
    assert Agency.objects.count() == 0


@pytest.mark.django_db
def test_every_printed_login_signs_in() -> None:
    output = _run()
    # Rows of the printed table below its header and rule, "username  password  role …", up to
    # the blank line before the signing keys' table.
    lines = output.split("\n")
    start = next(i for i, line in enumerate(lines) if re.match(r"Tên đăng nhập\s+Mật khẩu", line)) + 2
    table = lines[start : lines.index("", start)]
    logins = [tuple(re.split(r"\s{2,}", line)[:2]) for line in table]
    assert [u for u, _ in logins] == [login.username for login in demo_logins()]
    for username, password in logins:
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 302, (username, response.status_code)
        assert client.get("/").status_code == 200
    refused = Client().post("/accounts/login/", {"username": "vanthu.snv", "password": "sai-mat-khau-1"})
    assert refused.status_code == 200
    assert "_auth_user_id" not in refused.client.session
