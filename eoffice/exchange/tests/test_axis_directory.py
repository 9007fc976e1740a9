"""Directory sync from an axis (`manage.py axis_server`) into directory.Agency, through the
directory's import service."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from eoffice.core.actor import Actor
from eoffice.core.errors import PermissionDenied
from eoffice.directory.models import Agency, AgencyEvent
from eoffice.exchange.axis import AxisAccount, AxisStyle, adapter_for
from eoffice.exchange.axis.directory_sync import sync_directory
from eoffice.exchange.axis.testing import axis_server_process
from eoffice.people.models import Position
from eoffice.testing.cast import Cast

SYSTEM = {"id": "vxp.saas.02", "secret": "A7TKG/r2gOKTEpe1MhWx6zw8O4Jf"}
CONFIG = {
    "systems": [SYSTEM | {"agencies": ["000.00.01.H99"]}],
    "agencies": [
        # The cast's hosted agency A: listed by the axis, but ours to describe.
        {"code": "000.00.01.H99", "name": "Tên khác trên trục"},
        {"code": "000.00.00.G22", "name": "Văn phòng Chính phủ", "code_qd20": "G22"},
        {"code": "000.00.01.G22", "name": "Cục Kiểm soát thủ tục hành chính", "pcode": "000.00.00.G22"},
        {"code": "999.010.01.H22", "name": "Hà giang test V4", "pcode": "00.22.W00"},
        {"code": "000.00.00.H47", "name": "UBND tỉnh Quảng Nam", "mail": "ubnd@quangnam.gov.vn"},
    ],
}
EXTERNAL = ["000.00.00.G22", "000.00.00.H47", "000.00.01.G22", "999.010.01.H22"]


@pytest.fixture(scope="module")
def axis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with axis_server_process(tmp_path_factory.mktemp("axis-dir"), CONFIG) as url:
        yield url


@pytest.mark.parametrize("style", [AxisStyle.VXP, AxisStyle.LGSP])
def test_sync_creates_external_agencies_and_leaves_hosted_ones_alone(
    axis_url: str, cast: Cast, style: AxisStyle
) -> None:
    adapter = adapter_for(
        AxisAccount(style=style, base_url=axis_url, system_id=SYSTEM["id"], secret=SYSTEM["secret"])
    )
    result = sync_directory(adapter, actor=Actor.system("axis-sync"))
    assert (result.listed, result.skipped_hosted, result.report.error_count) == (5, 1, 0)
    assert sorted(result.external_codes) == EXTERNAL
    agencies = {a.code: a for a in Agency.objects.filter(code__in=EXTERNAL)}
    assert not any(a.hosted for a in agencies.values())
    assert agencies["000.00.01.G22"].parent == agencies["000.00.00.G22"]
    assert agencies["999.010.01.H22"].parent is None  # its parent code is unknown: left out
    assert agencies["000.00.00.H47"].email == "ubnd@quangnam.gov.vn"
    if style == AxisStyle.VXP:  # the QĐ 20 code comes from /getAgenciesListQD20
        assert agencies["000.00.00.G22"].code_qd20 == "G22"
    cast.agency_a.refresh_from_db()
    assert cast.agency_a.name == "Sở Nội vụ" and cast.agency_a.hosted

    again = sync_directory(adapter, actor=Actor.system("axis-sync"))
    assert (again.report.created, again.report.updated) == (0, 0)


def test_a_rename_on_the_axis_is_an_agency_event(axis_url: str, cast: Cast) -> None:
    adapter = adapter_for(
        AxisAccount(style=AxisStyle.VXP, base_url=axis_url, system_id=SYSTEM["id"], secret=SYSTEM["secret"])
    )
    sync_directory(adapter, actor=Actor.system("axis-sync"))
    renamed = {
        "code": "000.00.00.H47",
        "name": "Ủy ban nhân dân tỉnh Quảng Nam",
        "mail": "ubnd@quangnam.gov.vn",
    }
    requests.post(f"{axis_url}/_dev/agencies", json={"agencies": [renamed]}, timeout=10).raise_for_status()
    try:
        result = sync_directory(adapter, actor=Actor.system("axis-sync"))
        assert result.report.updated == 1
        agency = Agency.objects.get(code="000.00.00.H47")
        assert agency.name == "Ủy ban nhân dân tỉnh Quảng Nam"
        assert agency.events.filter(kind=AgencyEvent.Kind.RENAMED).exists()
    finally:
        original = {"code": "000.00.00.H47", "name": "UBND tỉnh Quảng Nam", "mail": "ubnd@quangnam.gov.vn"}
        requests.post(f"{axis_url}/_dev/agencies", json={"agencies": [original]}, timeout=10)


def test_only_the_system_or_a_system_admin_may_sync(axis_url: str, cast: Cast) -> None:
    adapter = adapter_for(
        AxisAccount(style=AxisStyle.VXP, base_url=axis_url, system_id=SYSTEM["id"], secret=SYSTEM["secret"])
    )
    for user in (cast.clerk_a, cast.leader_a, cast.admin_a, cast.clerk_b):
        actor = Actor(user=user, position=Position.objects.get(user=user, is_primary=True))
        with pytest.raises(PermissionDenied):
            sync_directory(adapter, actor=actor)
    with pytest.raises(PermissionDenied):
        sync_directory(adapter, actor=Actor(user=cast.outsider))
    assert not Agency.objects.filter(code__in=EXTERNAL).exists()
    assert sync_directory(adapter, actor=Actor(user=cast.superuser)).report.created == 4
