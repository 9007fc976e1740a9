from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from eoffice.accounts.models import User
from eoffice.directory.models import Agency, AgencyStatus
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db
BASE = "/api/v1/directory"


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(f"{BASE}{url}", data, content_type="application/json")


def test_anonymous_gets_401_everyone_signed_in_may_read(cast: Cast) -> None:
    response = client_for(None).get(f"{BASE}/agencies?q=so+noi+vu")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    for user in (cast.outsider, cast.clerk_b, cast.clerk_a):
        body = client_for(user).get(f"{BASE}/agencies", {"q": "so noi vu"}).json()
        assert [a["code"] for a in body["items"]] == [cast.agency_a.code]


def test_search_pagination_and_bad_cursor(cast: Cast) -> None:
    client = client_for(cast.outsider)
    first = client.get(f"{BASE}/agencies", {"q": "ubnd", "limit": "1"}).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = client.get(f"{BASE}/agencies", {"q": "ubnd", "limit": 1, "cursor": first["next_cursor"]}).json()
    assert second["items"][0]["code"] != first["items"][0]["code"]
    bad = client.get(f"{BASE}/agencies", {"q": "x", "cursor": "%%%"})
    assert bad.status_code == 422 and bad.json()["field"] == "cursor"
    assert client.get(f"{BASE}/agencies", {"limit": 1000}).status_code == 422


def test_detail_children_and_tree(cast: Cast) -> None:
    client = client_for(cast.clerk_b)
    detail = client.get(f"{BASE}/agencies/{cast.agency_a.code}").json()
    assert detail["name"] == "Sở Nội vụ" and detail["parent_code"] == cast.province.code
    assert detail["current"]["code"] == cast.agency_a.code
    assert [u["name"] for u in detail["units"]] == ["Phòng Tổ chức biên chế"]
    assert [a["code"] for a in detail["ancestors"]] == [cast.province.code]
    kids = client.get(f"{BASE}/agencies/{cast.province.code}/children").json()
    assert {k["code"] for k in kids} == {cast.agency_a.code, cast.agency_b.code}
    tree = client.get(f"{BASE}/tree", {"depth": 2}).json()
    assert tree["nodes"][0]["code"] == cast.province.code and len(tree["nodes"][0]["children"]) == 2
    missing = client.get(f"{BASE}/agencies/999.99.99.X99")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_create_permissions_and_structured_errors(cast: Cast) -> None:
    payload = {"code": "000.00.05.H99", "name": "Chi cục Văn thư", "parent_code": cast.agency_a.code}
    assert post(client_for(cast.clerk_a), "/agencies", payload).status_code == 403
    assert (
        post(
            client_for(cast.admin_a), "/agencies", {**payload, "parent_code": cast.agency_b.code}
        ).status_code
        == 403
    )
    assert post(client_for(cast.admin_a), "/agencies", {**payload, "parent_code": None}).status_code == 403
    created = post(client_for(cast.admin_a), "/agencies", payload)
    assert created.status_code == 201 and created.json()["parent_code"] == cast.agency_a.code
    dup = post(client_for(cast.admin_a), "/agencies", payload)
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate_code" and dup.json()["field"] == "code"
    bad = post(client_for(cast.superuser), "/agencies", {**payload, "code": "28.22.H17"})
    assert bad.status_code == 422 and bad.json()["field"] == "code" and "QCVN 102" in bad.json()["message"]
    unknown_parent = post(
        client_for(cast.superuser), "/agencies", {**payload, "code": "000.00.06.H99", "parent_code": "X"}
    )
    assert unknown_parent.status_code == 404
    huge = post(client_for(cast.superuser), "/agencies", {**payload, "name": "x" * 5000})
    assert huge.status_code == 422


def test_update_move_merge_dissolve_hosting(cast: Cast) -> None:
    admin, su = client_for(cast.admin_a), client_for(cast.superuser)
    url = f"{BASE}/agencies/{cast.agency_a.code}"
    patched = admin.patch(url, {"phone": "0219 000 000"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["phone"] == "0219 000 000"
    assert (
        client_for(cast.clerk_a).patch(url, {"phone": "1"}, content_type="application/json").status_code
        == 403
    )
    assert post(admin, f"/agencies/{cast.agency_a.code}/hosting", {"hosted": False}).json()["hosted"] is False
    assert (
        post(admin, f"/agencies/{cast.agency_a.code}/move", {"parent_code": cast.agency_b.code}).status_code
        == 403
    )
    cycle = post(su, f"/agencies/{cast.province.code}/move", {"parent_code": cast.agency_a.code})
    assert cycle.status_code == 422 and cycle.json()["code"] == "tree_cycle"
    assert (
        post(su, f"/agencies/{cast.agency_b.code}/merge", {"into_code": cast.agency_b.code}).status_code
        == 422
    )
    merged = post(
        su,
        f"/agencies/{cast.agency_b.code}/merge",
        {"into_code": cast.agency_a.code, "effective_on": "2025-07-01"},
    )
    assert merged.status_code == 200 and merged.json()["successor"]["code"] == cast.agency_a.code
    assert Agency.objects.get(pk=cast.agency_b.pk).status == AgencyStatus.MERGED
    successor = su.get(url).json()
    assert [p["code"] for p in successor["predecessors"]] == [cast.agency_b.code]
    assert any(e["kind"] == "absorbed" for e in successor["history"])
    again = post(su, f"/agencies/{cast.agency_b.code}/dissolve", {})
    assert again.status_code == 409


def test_units_api(cast: Cast) -> None:
    admin = client_for(cast.admin_a)
    created = post(admin, f"/agencies/{cast.agency_a.code}/units", {"name": "Phòng Công chức", "code": "PCC"})
    assert created.status_code == 201
    unit_id = created.json()["id"]
    assert post(admin, f"/agencies/{cast.agency_b.code}/units", {"name": "X"}).status_code == 403
    assert (
        post(client_for(cast.clerk_a), f"/agencies/{cast.agency_a.code}/units", {"name": "X"}).status_code
        == 403
    )
    dup = post(admin, f"/agencies/{cast.agency_a.code}/units", {"name": "Y", "code": "PCC"})
    assert dup.status_code == 409 and dup.json()["field"] == "code"
    moved = post(admin, f"/units/{unit_id}/move", {"parent_id": cast.unit_a.pk})
    assert moved.json()["parent_id"] == cast.unit_a.pk
    assert post(admin, f"/units/{cast.unit_a.pk}/move", {"parent_id": unit_id}).status_code == 422
    renamed = admin.patch(f"{BASE}/units/{unit_id}", {"name": "Phòng CC"}, content_type="application/json")
    assert renamed.json()["name"] == "Phòng CC"
    assert post(admin, f"/units/{unit_id}/deactivate", {}).json()["is_active"] is False
    listed = client_for(cast.outsider).get(f"{BASE}/agencies/{cast.agency_a.code}/units").json()
    assert [u["name"] for u in listed] == ["Phòng Tổ chức biên chế"]


def test_import_api_superuser_only(cast: Cast) -> None:
    data = "code,name,parent_code\n000.00.09.H99,Sở Mới,000.00.00.H99\nxấu,Lỗi,\n".encode()
    upload = SimpleUploadedFile("danhba.csv", data, content_type="text/csv")
    refused = client_for(cast.admin_a).post(f"{BASE}/import", {"file": upload})
    assert refused.status_code == 403
    upload = SimpleUploadedFile("danhba.csv", data, content_type="text/csv")
    report = client_for(cast.superuser).post(f"{BASE}/import", {"file": upload}).json()
    assert report["created"] == 1 and report["error_count"] == 1 and report["errors"][0]["line"] == 3
    wrong = client_for(cast.superuser).post(f"{BASE}/import", {"file": SimpleUploadedFile("a.xlsx", b"PK")})
    assert wrong.status_code == 422 and wrong.json()["code"] == "unsupported_format"
