from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from eoffice.accounts.models import User
from eoffice.directory.models import Agency, AgencyStatus, Unit
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_anonymous_is_sent_to_sign_in(cast: Cast) -> None:
    for url in (reverse("directory:browse"), reverse("directory:admin_agencies")):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_browse_search_accent_insensitive_for_any_user(cast: Cast) -> None:
    client = client_for(cast.outsider)
    page = client.get(reverse("directory:browse"), {"q": "so noi vu"})
    assert page.status_code == 200
    assert "Sở Nội vụ" in page.content.decode() and 'name="viewport"' in page.content.decode()
    live = client.get(reverse("directory:search"), {"q": "dong tam"}, HTTP_HX_REQUEST="true")
    body = live.content.decode()
    assert live.status_code == 200 and "Đồng Tâm" in body and "<html" not in body
    tree = client.get(reverse("directory:children", args=[cast.province.code]), HTTP_HX_REQUEST="true")
    assert "Sở Nội vụ" in tree.content.decode()
    picks = client.get(reverse("directory:pick"), {"into_code": "noi vu"}).content.decode()
    assert f'value="{cast.agency_a.code}"' in picks


def test_detail_shows_contacts_units_history_successor(cast: Cast) -> None:
    su = client_for(cast.superuser)
    response = su.post(
        reverse("directory:admin_merge", args=[cast.agency_b.code]),
        {"into_code": cast.agency_a.code, "effective_on": "2025-07-01"},
    )
    assert response.status_code == 302
    Unit.objects.create(agency=cast.agency_b, name="Bộ phận Một cửa xã")
    old = (
        client_for(cast.clerk_b).get(reverse("directory:detail", args=[cast.agency_b.code])).content.decode()
    )
    assert 'id="eo-successor"' in old and "Sở Nội vụ" in old and 'id="eo-admin-actions"' not in old
    new = (
        client_for(cast.clerk_a).get(reverse("directory:detail", args=[cast.agency_a.code])).content.decode()
    )
    assert 'id="eo-predecessors"' in new and "Đồng Tâm" in new
    assert "Bộ phận Một cửa xã" in new and "Phòng Tổ chức biên chế" in new
    assert "Tiếp nhận cơ quan sáp nhập" in new
    assert "Trạng thái: Đang hoạt động" in old and "Trạng thái: Đã sáp nhập" in old  # labels, not codes
    missing = client_for(cast.clerk_a).get(reverse("directory:detail", args=["999.99.99.X99"]))
    assert missing.status_code == 404


def test_admin_pages_authorisation(cast: Cast) -> None:
    assert client_for(cast.clerk_a).get(reverse("directory:admin_agencies")).status_code == 403
    admin = client_for(cast.admin_a)
    listing = admin.get(reverse("directory:admin_agencies")).content.decode()
    assert "Sở Nội vụ" in listing and "Đồng Tâm" not in listing
    assert admin.get(reverse("directory:admin_edit", args=[cast.agency_a.code])).status_code == 200
    assert admin.get(reverse("directory:admin_edit", args=[cast.agency_b.code])).status_code == 403
    assert admin.get(reverse("directory:admin_merge", args=[cast.agency_a.code])).status_code == 403
    assert admin.get(reverse("directory:admin_import")).status_code == 403
    assert admin.get(reverse("directory:admin_create")).status_code == 403
    assert admin.get(reverse("directory:admin_create"), {"parent": cast.agency_a.code}).status_code == 200
    detail = admin.get(reverse("directory:detail", args=[cast.agency_a.code])).content.decode()
    assert 'id="eo-admin-actions"' in detail
    # Every admin button on it opens: not moving, merging or dissolving their own agency (the
    # superior body's decision), which the page offered and then refused with 403.
    for link in re.findall(r'href="(/directory/admin/[^"]+)"', detail):
        assert admin.get(link).status_code == 200, link
    assert reverse("directory:admin_merge", args=[cast.agency_a.code]) not in detail
    superuser = client_for(cast.superuser).get(reverse("directory:detail", args=[cast.agency_a.code]))
    assert reverse("directory:admin_merge", args=[cast.agency_a.code]) in superuser.content.decode()


def test_create_and_edit_show_errors_beside_fields(cast: Cast) -> None:
    admin = client_for(cast.admin_a)
    url = reverse("directory:admin_create") + f"?parent={cast.agency_a.code}"
    bad = admin.post(
        url, {"code": "28.22.H17", "name": "Chi cục", "kind": "other", "parent": cast.agency_a.code}
    )
    assert bad.status_code == 422
    assert 'data-field="code"' in bad.content.decode() and "QCVN 102" in bad.content.decode()
    dup = admin.post(
        url, {"code": cast.agency_b.code, "name": "Chi cục", "kind": "other", "parent": cast.agency_a.code}
    )
    assert dup.status_code == 422 and "đã được dùng" in dup.content.decode()
    ok = admin.post(
        url,
        {"code": "000.00.09.H99", "name": "Chi cục Văn thư", "kind": "other", "parent": cast.agency_a.code},
    )
    assert ok.status_code == 302
    created = Agency.objects.get(code="000.00.09.H99")
    assert created.parent_id == cast.agency_a.pk
    edit = reverse("directory:admin_edit", args=[created.code])
    form = {"code": created.code, "name": "Chi cục Lưu trữ", "kind": "other", "email": "not-an-email"}
    bad_mail = admin.post(edit, form)
    assert bad_mail.status_code == 422 and 'data-field="email"' in bad_mail.content.decode()
    assert admin.post(edit, {**form, "email": "cc@tinh.gov.vn"}).status_code == 302
    assert Agency.objects.get(pk=created.pk).name == "Chi cục Lưu trữ"


def test_move_merge_dissolve_hosting_pages(cast: Cast) -> None:
    su = client_for(cast.superuser)
    cycle = su.post(
        reverse("directory:admin_move", args=[cast.province.code]), {"parent_code": cast.agency_a.code}
    )
    assert cycle.status_code == 422 and 'data-field="parent_code"' in cycle.content.decode()
    unknown = su.post(
        reverse("directory:admin_merge", args=[cast.agency_b.code]), {"into_code": "999.99.99.X99"}
    )
    assert unknown.status_code == 422 and 'data-field="into_code"' in unknown.content.decode()
    children = su.post(reverse("directory:admin_dissolve", args=[cast.province.code]), {"confirm": "on"})
    assert children.status_code == 422 and "trực thuộc" in children.content.decode()
    no_confirm = su.post(reverse("directory:admin_dissolve", args=[cast.agency_b.code]), {})
    assert no_confirm.status_code == 422
    assert (
        su.post(reverse("directory:admin_dissolve", args=[cast.agency_b.code]), {"confirm": "on"}).status_code
        == 302
    )
    assert Agency.objects.get(pk=cast.agency_b.pk).status == AgencyStatus.DISSOLVED
    assert (
        client_for(cast.admin_a)
        .post(reverse("directory:admin_hosting", args=[cast.agency_a.code]), {"hosted": "0"})
        .status_code
        == 302
    )
    assert Agency.objects.get(pk=cast.agency_a.pk).hosted is False
    assert (
        client_for(cast.clerk_a)
        .post(reverse("directory:admin_hosting", args=[cast.agency_a.code]), {"hosted": "1"})
        .status_code
        == 403
    )


def test_units_pages(cast: Cast) -> None:
    admin = client_for(cast.admin_a)
    url = reverse("directory:admin_units", args=[cast.agency_a.code])
    assert admin.post(url, {"name": "", "code": ""}).status_code == 422
    assert (
        admin.post(url, {"name": "Phòng Công chức", "code": "PCC", "parent": cast.unit_a.pk}).status_code
        == 302
    )
    unit = Unit.objects.get(code="PCC")
    assert unit.parent_id == cast.unit_a.pk
    dup = admin.post(url, {"name": "Khác", "code": "PCC"})
    assert dup.status_code == 422 and 'data-field="code"' in dup.content.decode()
    edit = reverse("directory:admin_unit_edit", args=[unit.pk])
    assert admin.post(edit, {"name": "Phòng CC", "code": "PCC", "sort_order": "2"}).status_code == 302
    unit.refresh_from_db()
    assert unit.name == "Phòng CC" and unit.parent_id is None
    assert admin.post(reverse("directory:admin_unit_deactivate", args=[unit.pk])).status_code == 302
    assert not Unit.objects.get(pk=unit.pk).is_active
    assert (
        client_for(cast.admin_a).get(reverse("directory:admin_units", args=[cast.agency_b.code])).status_code
        == 403
    )


def test_import_page_shows_report(cast: Cast) -> None:
    su = client_for(cast.superuser)
    data = "\ufeffcode,name,parent_code\n000.00.09.H99,Sở Mới,000.00.00.H99\nbad code,Lỗi,\n".encode()
    response = su.post(reverse("directory:admin_import"), {"file": SimpleUploadedFile("d.csv", data)})
    body = response.content.decode()
    assert response.status_code == 200 and 'id="eo-import-report"' in body
    assert '<span id="eo-created">1</span>' in body and "khoảng trắng" in body
    wrong = su.post(reverse("directory:admin_import"), {"file": SimpleUploadedFile("d.xlsx", b"PK")})
    assert wrong.status_code == 422 and "CSV" in wrong.content.decode()


@pytest.mark.parametrize("posted", [{}, {"hosted": ""}, {"hosted": "999999999"}, {"hosted": "có"}])
def test_hosting_without_its_flag_changes_nothing(cast: Cast, posted: dict[str, str]) -> None:
    # The button sends 0 or 1; a request without it must not make the agency an outside one.
    url = reverse("directory:admin_hosting", args=[cast.agency_a.code])
    response = client_for(cast.admin_a).post(url, posted, follow=True)
    assert "chưa đổi gì" in response.content.decode()
    assert Agency.objects.get(pk=cast.agency_a.pk).hosted is True
    # Who may not edit the agency is refused before the flag is even read.
    assert client_for(cast.clerk_a).post(url, posted).status_code == 403
