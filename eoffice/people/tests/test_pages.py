from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from eoffice.core.models import AuditEvent
from eoffice.people.models import Delegation, Position
from eoffice.people.tests.helpers import client_for, make_delegation
from eoffice.testing.cast import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_people_admin_who_may_and_may_not(cast) -> None:
    for user in (cast.clerk_a, cast.leader_a, cast.specialist_a, cast.clerk_b, cast.outsider):
        response = client_for(user).get("/people/admin/")
        assert response.status_code == 403, user.username
        assert "quản trị" in response.content.decode()
    page = client_for(cast.admin_a).get("/people/admin/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "vanthu.a" in body and "vanthu.b" not in body and "ngoai.cuoc" not in body
    assert 'class="table-responsive"' in body and 'name="viewport"' in body
    everyone = client_for(cast.superuser).get("/people/admin/").content.decode()
    assert "vanthu.b" in everyone


def test_anonymous_is_sent_to_login(client) -> None:
    for url in ("/people/admin/", "/people/delegations/", "/people/admin/1/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_search_without_accents_and_htmx_partial(cast) -> None:
    client = client_for(cast.admin_a)
    body = client.get("/people/admin/", {"q": "hoang van quan"}).content.decode()
    assert "quantri.a" in body and "vanthu.a" not in body
    partial = client.get("/people/admin/", {"q": "van thu"}, HTTP_HX_REQUEST="true").content.decode()
    assert "vanthu.a" in partial and "<html" not in partial
    assert client.get("/people/admin/", {"q": "x" * 101}).status_code == 200


def test_person_page_in_and_out_of_scope(cast) -> None:
    client = client_for(cast.admin_a)
    assert client.get(f"/people/admin/{cast.clerk_b.pk}/").status_code == 403
    assert client.get("/people/admin/999999/").status_code == 404
    page = client.get(f"/people/admin/{cast.clerk_a.pk}/")
    assert page.status_code == 200 and "Văn thư" in page.content.decode()
    # Writes to someone out of scope are refused too, and change nothing.
    response = client.post(f"/people/admin/{cast.clerk_b.pk}/", {"full_name": "Đổi Tên"})
    assert response.status_code == 403
    cast.clerk_b.refresh_from_db()
    assert cast.clerk_b.full_name == "Đỗ Thị Xã Đồng Tâm"
    assert (
        client.post(
            f"/people/admin/{cast.clerk_b.pk}/password/", {"password": "x", "password_again": "x"}
        ).status_code
        == 403
    )
    assert client.post(f"/people/positions/{cast.position(cast.clerk_b).pk}/end/").status_code == 403
    assert Position.objects.get(pk=cast.position(cast.clerk_b).pk).is_active


def test_create_person_from_page(cast) -> None:
    client = client_for(cast.admin_a)
    assert client.get("/people/admin/new/").status_code == 200
    form = {
        "username": "vanthu.a",
        "full_name": "Người Mới",
        "email": "moi@example.gov.vn",
        "password": "Mot-mat-khau-dai-1",
        "agency": cast.agency_a.pk,
        "unit": cast.unit_a.pk,
        "title": "Chuyên viên",
        "roles": ["chuyen_vien"],
    }
    clash = client.post("/people/admin/new/", form)
    assert clash.status_code == 200
    assert "đã được dùng" in clash.content.decode() and "is-invalid" in clash.content.decode()
    form["agency"] = cast.agency_b.pk
    form["username"] = "moi.a"
    outside = client.post("/people/admin/new/", form)
    assert (
        "lựa chọn" in outside.content.decode().lower()
        or "select a valid choice" in outside.content.decode().lower()
    )
    assert not User.objects.filter(username="moi.a").exists()
    form["agency"] = cast.agency_a.pk
    form["roles"] = []
    no_roles = client.post("/people/admin/new/", form)
    assert "ít nhất một vai trò" in no_roles.content.decode()
    assert not User.objects.filter(username="moi.a").exists()
    form["roles"] = ["chuyen_vien"]
    done = client.post("/people/admin/new/", form)
    user = User.objects.get(username="moi.a")
    assert done.status_code == 302 and done["Location"] == f"/people/admin/{user.pk}/"
    assert user.positions.get().unit == cast.unit_a


def test_reset_password_from_page(cast) -> None:
    client = client_for(cast.admin_a)
    url = f"/people/admin/{cast.clerk_a.pk}/password/"
    mismatch = client.post(url, {"password": "Mat-khau-moi-dai-9", "password_again": "khac"})
    assert mismatch.status_code == 422 and "không khớp" in mismatch.content.decode()
    weak = client.post(url, {"password": "12345678", "password_again": "12345678"})
    assert weak.status_code == 422
    assert (
        client.post(
            url, {"password": "Mat-khau-moi-dai-9", "password_again": "Mat-khau-moi-dai-9"}
        ).status_code
        == 302
    )
    login = client_for(cast.outsider).__class__()
    assert (
        login.post("/accounts/login/", {"username": "vanthu.a", "password": "Mat-khau-moi-dai-9"}).status_code
        == 302
    )
    assert AuditEvent.objects.filter(verb="user.password_set").count() == 1


def test_deactivate_from_page_blocks_sign_in(cast) -> None:
    client = client_for(cast.admin_a)
    assert client.post(f"/people/admin/{cast.clerk_a.pk}/status/", {"active": "0"}).status_code == 302
    anonymous = client_for(cast.outsider).__class__()
    anonymous.post("/accounts/login/", {"username": "vanthu.a", "password": PASSWORD})
    assert anonymous.get("/").status_code == 302


def test_edit_position_roles_all_or_nothing(cast) -> None:
    client = client_for(cast.admin_a)
    position = cast.position(cast.clerk_a)
    url = f"/people/positions/{position.pk}/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"title": "Văn thư chính", "roles": []})
    assert bad.status_code == 422 and "ít nhất một vai trò" in bad.content.decode()
    position.refresh_from_db()
    assert position.title == "Văn thư"  # the title change was rolled back with the bad roles
    ok = client.post(url, {"title": "Văn thư chính", "roles": ["van_thu", "chuyen_vien"], "is_primary": "on"})
    assert ok.status_code == 302
    position.refresh_from_db()
    assert position.title == "Văn thư chính" and position.role_set == {"van_thu", "chuyen_vien"}
    assert client_for(cast.leader_a).get(url).status_code == 403


def test_end_position_from_page(cast) -> None:
    client = client_for(cast.admin_a)
    position = cast.position(cast.clerk_a)
    delegation = make_delegation(position, cast.specialist_a, -1, 5)
    assert client.post(f"/people/positions/{position.pk}/end/").status_code == 302
    position.refresh_from_db()
    assert not position.is_active
    assert Delegation.objects.get(pk=delegation.pk).revoked_at is not None


def _delegation_form(cast, delegate, start_hours: float = 1, days: int = 2) -> dict:
    start = timezone.localtime(timezone.now() + timedelta(hours=start_hours))
    return {
        "position": cast.position(cast.leader_a).pk,
        "delegate": delegate.pk,
        "scope": "all",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M"),
        "reason": "Nghỉ phép",
    }


def test_delegations_page_create_overlap_revoke(cast) -> None:
    client = client_for(cast.leader_a)
    page = client.get("/people/delegations/")
    assert page.status_code == 200 and "Tạo ủy quyền" in page.content.decode()
    assert client.post("/people/delegations/", _delegation_form(cast, cast.specialist_a)).status_code == 302
    delegation = Delegation.objects.get()
    # Times typed in Vietnam time are stored in UTC.
    expected = timezone.localtime(delegation.starts_at).strftime("%Y-%m-%dT%H:%M")
    assert expected == _delegation_form(cast, cast.specialist_a)["starts_at"]
    clash = client.post("/people/delegations/", _delegation_form(cast, cast.unit_head_a, start_hours=3))
    body = clash.content.decode()
    assert (
        clash.status_code == 422
        and "đã được ủy quyền cho" in body
        and cast.specialist_a.get_full_name() in body
    )
    assert Delegation.objects.count() == 1
    backwards = _delegation_form(cast, cast.unit_head_a, start_hours=100)
    backwards["ends_at"] = backwards["starts_at"]
    assert "phải sau" in client.post("/people/delegations/", backwards).content.decode()
    # The delegate sees it received, but cannot revoke it; the delegator can.
    received = client_for(cast.specialist_a).get("/people/delegations/").content.decode()
    assert cast.leader_a.get_full_name() in received
    assert (
        client_for(cast.specialist_a).post(f"/people/delegations/{delegation.pk}/revoke/").status_code == 403
    )
    assert client_for(cast.clerk_b).post(f"/people/delegations/{delegation.pk}/revoke/").status_code == 403
    assert client.post(f"/people/delegations/{delegation.pk}/revoke/").status_code == 302
    assert Delegation.objects.get().revoked_at is not None


def test_delegation_page_refuses_positions_not_offered(cast) -> None:
    client = client_for(cast.specialist_a)
    form = _delegation_form(cast, cast.clerk_a)  # the leader's position, not the specialist's
    response = client.post("/people/delegations/", form)
    assert response.status_code == 422
    assert not Delegation.objects.exists()


def test_outsider_delegations_page_has_no_form(cast) -> None:
    body = client_for(cast.outsider).get("/people/delegations/").content.decode()
    assert "chưa giữ chức vụ nào" in body


def test_admin_sees_agency_delegations(cast) -> None:
    make_delegation(cast.position(cast.clerk_a), cast.specialist_a, -1, 5)
    make_delegation(cast.position(cast.clerk_b), cast.outsider, -1, 5)
    body = client_for(cast.admin_a).get("/people/delegations/").content.decode()
    assert "Ủy quyền trong cơ quan" in body
    assert cast.clerk_a.get_full_name() in body and cast.clerk_b.get_full_name() not in body


@pytest.mark.parametrize("posted", [{}, {"active": ""}, {"active": "999999999"}, {"active": "khóa"}])
def test_status_without_its_flag_locks_nobody(cast, posted) -> None:
    # The buttons send 0 or 1; a request without it must not lock the account.
    response = client_for(cast.admin_a).post(f"/people/admin/{cast.clerk_a.pk}/status/", posted, follow=True)
    assert "chưa đổi gì" in response.content.decode()
    assert get_user_model().objects.get(pk=cast.clerk_a.pk).is_active
    assert not AuditEvent.objects.filter(verb__startswith="user.").exists()
