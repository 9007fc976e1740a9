"""Axis configuration pages and API: only the system administrator, Vietnamese validation beside the
fields, secrets never shown back, and the actions (directory sync, poll now, test connection)
against a real `manage.py axis_server`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from eoffice.core.actor import Actor
from eoffice.core.models import AuditEvent
from eoffice.directory.models import Agency
from eoffice.exchange.axis import MessageType, TransportStatus
from eoffice.exchange.axis.services import adapter_of, axis_save
from eoffice.exchange.axis.testing import axis_server_process, edoc_package
from eoffice.exchange.models import Axis, AxisRoute, Receipt
from eoffice.outgoing.tests.conftest import login
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db

A, B, FAR = "000.00.01.H99", "000.01.00.H99", "000.00.00.G12"
SECRET = "Pages-secret-0123456789abcdef"
SENDER = {"id": "vxp.saas.02", "secret": "Sender-secret-0123456789abcd"}
CONFIG = {
    "systems": [
        {"id": "eoffice.pages", "secret": SECRET, "agencies": [B]},
        SENDER | {"agencies": [FAR]},
    ],
    "agencies": [
        {"code": B, "name": "Ủy ban nhân dân xã Đồng Tâm"},
        {"code": FAR, "name": "Bộ Tài chính", "code_qd20": "G12"},
    ],
}
API = "/api/v1/exchange/axes"
SYSTEM = Actor.system("test")


@pytest.fixture(scope="module")
def axis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with axis_server_process(tmp_path_factory.mktemp("axis-pages"), CONFIG, ports=range(18333, 18366)) as url:
        yield url


def values(url: str = "http://127.0.0.1:18399", **extra: Any) -> dict[str, Any]:
    base = {"name": "Trục quốc gia", "style": "vxp", "base_url": url, "system_id": "eoffice.pages"}
    base |= {"secret": SECRET, "auth": "key", "api_path": "/truclienthong/v1.0.0", "province_path": "qn"}
    return base | extra


def post_json(client: Client, path: str, body: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def test_only_the_system_administrator_sees_the_axis_pages_and_api(cast: Cast) -> None:
    axis = axis_save(actor=SYSTEM, values=values())
    for user in (cast.clerk_a, cast.leader_a, cast.admin_a, cast.clerk_b, cast.outsider):
        client = login(user)
        assert client.get("/exchange/axes/").status_code == 403
        assert client.get(f"/exchange/axes/{axis.pk}/").status_code == 403
        assert client.post(f"/exchange/axes/{axis.pk}/poll").status_code == 403
        assert client.post(f"/exchange/axes/{axis.pk}/check").status_code == 403
        assert client.get(API).status_code == 403
        assert client.get(f"{API}/{axis.pk}").status_code == 403
        assert post_json(client, API, values(system_id="x")).status_code == 403
        assert post_json(client, f"{API}/{axis.pk}", {"name": "X"}, "patch").status_code == 403
        assert client.post(f"{API}/{axis.pk}/sync").status_code == 403
        assert client.post(f"{API}/{axis.pk}/poll").status_code == 403
    assert Client().get("/exchange/axes/").status_code == 302  # to the sign-in page
    assert Client().get(API).status_code == 401
    assert Axis.objects.get().name == "Trục quốc gia" and Axis.objects.count() == 1
    admin = login(cast.superuser)
    page = admin.get("/exchange/axes/")
    assert page.status_code == 200 and "Trục quốc gia" in page.content.decode()
    assert admin.get(f"/exchange/axes/{axis.pk}/").status_code == 200
    assert admin.get(f"/exchange/axes/{axis.pk + 99}/").status_code == 404
    assert admin.get(f"{API}/{axis.pk + 99}").status_code == 404
    assert 'href="/exchange/axes/"' in admin.get("/").content.decode()  # in the menu
    assert 'href="/exchange/axes/"' not in login(cast.clerk_a).get("/").content.decode()


def test_a_new_axis_from_the_page_with_messages_beside_the_fields(cast: Cast) -> None:
    admin = login(cast.superuser)
    bad = admin.post("/exchange/axes/", values(base_url="ftp://truc.example", secret=""))
    assert bad.status_code == 200 and "Địa chỉ trục không hợp lệ" in bad.content.decode()
    no_secret = admin.post("/exchange/axes/", values(secret=""))
    assert "Cần khóa bí mật do trục cấp" in no_secret.content.decode()
    token = admin.post("/exchange/axes/", values(style="lgsp", auth="token", secret=""))
    assert "cần consumer key và consumer secret" in token.content.decode()
    missing = admin.post("/exchange/axes/", values(name="", system_id=""))
    assert missing.content.decode().count("Trường này là bắt buộc") == 2
    assert not Axis.objects.exists()

    created = admin.post("/exchange/axes/", values(is_default="on", is_active="on"))
    axis = Axis.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/exchange/axes/{axis.pk}/"
    assert (axis.secret, axis.is_default, axis.is_active) == (SECRET, True, True)
    twin = admin.post("/exchange/axes/", values(name="Bản sao"))
    assert "Đã có tài khoản trục với địa chỉ và mã hệ thống này" in twin.content.decode()
    event = AuditEvent.objects.get(verb="exchange.axis_created")
    assert SECRET not in json.dumps(event.data)


def test_secrets_are_never_shown_back_and_kept_when_left_empty(cast: Cast) -> None:
    axis = axis_save(
        actor=SYSTEM,
        values=values(
            style="lgsp", auth="token", consumer_key="ck-pages", consumer_secret="Consumer-0123456789-xyz"
        ),
    )
    admin = login(cast.superuser)
    page = admin.get(f"/exchange/axes/{axis.pk}/").content.decode()
    assert SECRET not in page and "Consumer-0123456789-xyz" not in page
    assert "••••••cdef" in page and "••••••-xyz" in page and "Để trống để giữ khóa đang dùng" in page
    listed = admin.get(API).json()
    assert SECRET not in json.dumps(listed) and "Consumer-0123456789" not in json.dumps(listed)
    assert listed[0]["secret_hint"] == "••••••cdef" and "secret" not in listed[0]

    form = values(name="Trục tỉnh", style="lgsp", auth="token", consumer_key="ck-pages", secret="")
    saved = admin.post(f"/exchange/axes/{axis.pk}/", form | {"consumer_secret": "", "is_active": "on"})
    assert saved.status_code == 302
    axis.refresh_from_db()
    assert (axis.name, axis.secret, axis.consumer_secret) == ("Trục tỉnh", SECRET, "Consumer-0123456789-xyz")
    changed = post_json(admin, f"{API}/{axis.pk}", {"secret": "New-secret-abcdefghijkl"}, "patch")
    assert changed.status_code == 200 and changed.json()["secret_hint"] == "••••••ijkl"
    axis.refresh_from_db()
    assert axis.secret == "New-secret-abcdefghijkl" and axis.name == "Trục tỉnh"


def test_the_api_creates_and_refuses_with_structured_vietnamese_errors(cast: Cast) -> None:
    admin = login(cast.superuser)
    bad = post_json(admin, API, values(style="soap"))
    assert bad.status_code == 422
    assert bad.json() | {"details": {}} == {
        "code": "axis_style",
        "message": "Kiểu trục không hợp lệ.",
        "field": "style",
        "details": {},
    }
    assert post_json(admin, API, values(auth="cookie")).json()["field"] == "auth"
    assert post_json(admin, API, values(style="lgsp", api_path="v1")).json()["field"] == "api_path"
    assert post_json(admin, API, values(name="x" * 201)).status_code == 422
    assert post_json(admin, API, {"name": "Thiếu"}).json()["code"] == "invalid_input"
    created = post_json(admin, API, values())
    assert created.status_code == 201 and created.json()["system_id"] == "eoffice.pages"
    body = created.json()
    assert body["secret_hint"] == "••••••cdef" and body["routes"] == 0 and body["last_polled_at"] is None
    again = post_json(admin, API, values(name="Khác"))
    assert again.status_code == 422 and again.json()["field"] == "system_id"
    renamed = post_json(admin, f"{API}/{body['id']}", {"name": "  "}, "patch")
    assert renamed.status_code == 422 and renamed.json()["message"] == "Cần đặt tên cho trục liên thông."


def test_test_connection_poll_now_and_directory_sync(axis_url: str, cast: Cast) -> None:
    axis = axis_save(actor=SYSTEM, values=values(axis_url))
    sender = axis_save(
        actor=SYSTEM, values=values(axis_url, name="Bên gửi", system_id=SENDER["id"], secret=SENDER["secret"])
    )
    adapter = adapter_of(axis)
    for item in adapter.pending(message_type=MessageType.EDOC):
        adapter.acknowledge(item.doc_id, TransportStatus.DONE)
    admin = login(cast.superuser)
    checked = admin.post(f"{API}/{axis.pk}/check").json()
    assert checked == {"ok": True, "code": "ok", "message": "", "waiting": 0}
    page = admin.post(f"/exchange/axes/{axis.pk}/check", follow=True).content.decode()
    assert "Kết nối được với trục; 0 văn bản đang chờ nhận." in page

    adapter_of(sender).send(
        edoc_package(sender=FAR, receivers=[B]), sender=FAR, message_type=MessageType.EDOC
    )
    assert admin.post(f"{API}/{axis.pk}/check").json()["waiting"] == 1
    polled = admin.post(f"/exchange/axes/{axis.pk}/poll", follow=True).content.decode()
    # The axis's bare routing package is no QCVN 102 document: quarantined, never crashing the poll.
    assert "0 văn bản, 0 trạng thái, 0 gói trùng; 1 gói bị cách ly." in polled
    assert not Receipt.objects.exists()
    assert admin.post(f"{API}/{axis.pk}/poll").json()["listed"] == 0

    synced = admin.post(f"{API}/{axis.pk}/sync")
    assert synced.status_code == 200 and synced.json()["listed"] == 2
    assert synced.json()["axis"]["routes"] == 1 and synced.json()["axis"]["directory_synced_at"]
    far = Agency.objects.get(code=FAR)
    assert AxisRoute.objects.get(agency=far).axis == axis
    page = admin.post(f"/exchange/axes/{axis.pk}/sync", follow=True).content.decode()
    assert "Đã đồng bộ danh bạ: 2 cơ quan trên trục" in page

    wrong = post_json(admin, f"{API}/{axis.pk}", {"secret": "Wrong-secret-0123456789"}, "patch").json()
    assert wrong["secret_hint"] == "••••••6789"
    refused = admin.post(f"{API}/{axis.pk}/check").json()
    assert refused["ok"] is False and refused["code"] == "axis_bad_signature"
    page = admin.post(f"/exchange/axes/{axis.pk}/check", follow=True).content.decode()
    assert "Không kết nối được: Trục liên thông không chấp nhận chữ ký của yêu cầu" in page
    failed_sync = admin.post(f"{API}/{axis.pk}/sync")
    assert failed_sync.status_code == 502 and failed_sync.json()["code"] == "axis_bad_signature"
    polled = admin.post(f"{API}/{axis.pk}/poll").json()
    assert polled["errors"] and "axis_bad_signature" in polled["errors"][0]
    assert "axis_bad_signature" in admin.get(f"{API}/{axis.pk}").json()["last_poll_error"]
