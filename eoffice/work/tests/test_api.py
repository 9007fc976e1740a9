"""The /api/v1/work endpoints: who may and who may not, structured errors, the main flow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from eoffice.work.models import AssignmentLine, WorkItem

API = "/api/v1/work"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_anonymous_gets_structured_401(db: None) -> None:
    response = Client().get(f"{API}/boxes")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_full_flow_through_the_api(cast) -> None:
    clerk, leader, head, spec = (
        client_for(u) for u in (cast.clerk_a, cast.leader_a, cast.unit_head_a, cast.specialist_a)
    )
    created = clerk.post(
        f"{API}/items",
        {"title": "Công văn về việc báo cáo biên chế", "reference": "99/UBND-NC", "urgency": "khan"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    assert (
        spec.post(
            f"{API}/items/{item_id}/present", {"leader_id": cast.leader_a.pk}, content_type="application/json"
        ).status_code
        == 404
    )
    presented = clerk.post(
        f"{API}/items/{item_id}/present",
        {"leader_id": cast.leader_a.pk, "working_days": 5},
        content_type="application/json",
    )
    assert presented.status_code == 200, presented.content
    counts = leader.get(f"{API}/boxes").json()["counts"]
    assert counts["cho_xu_ly"] == 1
    top = leader.get(f"{API}/boxes/cho_xu_ly").json()["items"][0]
    assert top["item_id"] == item_id and top["actions"] == ["receive", "return", "recall"]
    assert leader.post(f"{API}/lines/{top['id']}/receive").status_code == 200
    two_leads = leader.post(
        f"{API}/lines/{top['id']}/forward",
        {
            "direction": "Giao phòng TCBC",
            "lines": [
                {"role": "lead", "target_kind": "unit", "unit_id": cast.unit_a.pk},
                {"role": "lead", "target_kind": "person", "user_id": cast.specialist_a.pk},
            ],
        },
        content_type="application/json",
    )
    assert two_leads.status_code == 422 and two_leads.json()["code"] == "two_leads"
    forwarded = leader.post(
        f"{API}/lines/{top['id']}/forward",
        {
            "direction": "Giao phòng TCBC",
            "lines": [
                {"role": "lead", "target_kind": "unit", "unit_id": cast.unit_a.pk, "working_days": 3},
                {"role": "info", "target_kind": "person", "user_id": cast.specialist_a.pk},
            ],
        },
        content_type="application/json",
    )
    assert forwarded.status_code == 200, forwarded.content
    unit_line = forwarded.json()[0]["id"]
    assert head.post(f"{API}/lines/{unit_line}/receive").status_code == 200
    done = head.post(
        f"{API}/lines/{unit_line}/complete", {"note": "Đã báo cáo"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "hoan_thanh"
    detail = clerk.get(f"{API}/items/{item_id}").json()
    assert detail["item"]["status"] == "done"
    assert {line["status"] for line in detail["lines"]} == {"hoan_thanh"}
    timeline = leader.get(f"{API}/items/{item_id}/timeline").json()
    assert timeline[0]["working_hours"]["total"] is not None
    recalled = head.post(f"{API}/lines/{unit_line}/complete", {}, content_type="application/json")
    assert recalled.status_code == 409 and recalled.json()["code"] == "line_completed"


def test_agency_b_cannot_see_or_act(cast, make_item, act) -> None:
    from eoffice.work import services

    item = make_item()
    services.item_present(item=item, leader_id=cast.leader_a.pk, actor=act(cast.clerk_a))
    line = AssignmentLine.objects.get(item=item)
    other = client_for(cast.clerk_b)
    assert other.get(f"{API}/items/{item.pk}").status_code == 404
    assert other.get(f"{API}/items/{item.pk}/timeline").status_code == 404
    assert other.get(f"{API}/items/{item.pk}/slip.pdf").status_code == 404
    response = other.post(f"{API}/lines/{line.pk}/receive")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert other.get(f"{API}/boxes").json()["counts"]["cho_xu_ly"] == 0
    outsider = client_for(cast.outsider)
    assert outsider.get(f"{API}/boxes/cho_xu_ly").json()["items"] == []
    # A specialist of agency A may see nothing either, and may not create items.
    spec = client_for(cast.specialist_a)
    assert spec.get(f"{API}/items/{item.pk}").status_code == 404
    denied = spec.post(f"{API}/items", {"title": "X"}, content_type="application/json")
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/boxes/khong_co", None, 404, "not_found"),
        ("/boxes/cho_xu_ly?cursor=%25%25bad", None, 422, "invalid_cursor"),
        ("/boxes/cho_xu_ly?limit=100000", None, 422, "invalid_input"),
        ("/boxes?window_hours=0", None, 422, "invalid_window"),
    ],
)
def test_bad_queries(cast, path, body, status, code) -> None:
    response = client_for(cast.leader_a).get(API + path)
    assert response.status_code == status and response.json()["code"] == code


def test_deadline_before_arrival_refused_by_api(cast) -> None:
    clerk = client_for(cast.clerk_a)
    arrived = timezone.now() - timedelta(days=2)
    item_id = clerk.post(
        f"{API}/items",
        {"title": "Văn bản", "arrived_at": arrived.isoformat()},
        content_type="application/json",
    ).json()["id"]
    response = clerk.post(
        f"{API}/items/{item_id}/present",
        {"leader_id": cast.leader_a.pk, "deadline": (arrived - timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    body = response.json()
    assert (
        response.status_code == 422
        and body["code"] == "deadline_before_arrival"
        and body["field"] == "deadline"
    )
    assert not AssignmentLine.objects.filter(item_id=item_id).exists()
    assert WorkItem.objects.get(pk=item_id).status == "new"


def test_hostile_input_rejected(cast) -> None:
    clerk = client_for(cast.clerk_a)
    big = clerk.post(f"{API}/items", {"title": "x" * 5000}, content_type="application/json")
    assert big.status_code == 422
    many = clerk.post(
        f"{API}/lines/bulk",
        {"action": "receive", "line_ids": list(range(1000))},
        content_type="application/json",
    )
    assert many.status_code == 422
    garbage = clerk.post(f"{API}/items", "{not json", content_type="application/json")
    assert garbage.status_code in (400, 422)


def test_bulk_and_extension_api(cast, make_item, act) -> None:
    from eoffice.work import services

    ids = []
    for _ in range(2):
        item = make_item()
        services.item_present(item=item, leader_id=cast.leader_a.pk, actor=act(cast.clerk_a))
        ids.append(AssignmentLine.objects.get(item=item).pk)
    leader = client_for(cast.leader_a)
    result = leader.post(
        f"{API}/lines/bulk", {"action": "receive", "line_ids": ids}, content_type="application/json"
    ).json()
    assert [r["ok"] for r in result] == [True, True]
    line = AssignmentLine.objects.get(pk=ids[0])
    AssignmentLine.objects.filter(pk=line.pk).update(deadline=timezone.now() + timedelta(days=1))
    asked = leader.post(
        f"{API}/lines/{line.pk}/extensions",
        {"proposed_deadline": (timezone.now() + timedelta(days=5)).isoformat(), "reason": "Chờ số liệu"},
        content_type="application/json",
    )
    assert asked.status_code == 201, asked.content
    request_id = asked.json()["id"]
    assert (
        leader.post(
            f"{API}/extensions/{request_id}/decide", {"approve": True}, content_type="application/json"
        ).status_code
        == 403
    )
    decided = client_for(cast.clerk_a).post(
        f"{API}/extensions/{request_id}/decide", {"approve": True}, content_type="application/json"
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"


def test_opinion_upload_api(cast, presented, settings, tmp_path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    _item, top = presented
    leader = client_for(cast.leader_a)
    ok = leader.post(
        f"{API}/lines/{top.pk}/opinions",
        {"text": "Ý kiến kèm tệp", "files": [SimpleUploadedFile("a.pdf", b"%PDF-1.4 test")]},
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["files"][0]["name"] == "a.pdf"
    bad = leader.post(
        f"{API}/lines/{top.pk}/opinions", {"text": "Ý kiến", "files": [SimpleUploadedFile("a.exe", b"MZ")]}
    )
    assert bad.status_code == 422 and bad.json()["code"] == "file_type"


def test_bulk_with_an_id_past_a_database_integer_is_refused_not_a_500(cast, make_item, act) -> None:
    # Found by test_hostile_api_writes: `in_bulk` of a 25-digit id raised OverflowError on SQLite.
    import json

    from eoffice.work import services
    from eoffice.work.statuses import LineStatus

    item = make_item()
    services.item_present(item=item, leader_id=cast.leader_a.pk, actor=act(cast.clerk_a))
    line = AssignmentLine.objects.get(item=item)
    for user in (cast.leader_a, cast.clerk_b):  # the holder of the line, and agency B's clerk
        body = json.dumps({"action": "receive", "line_ids": [line.pk, 10**25]})
        response = client_for(user).post(f"{API}/lines/bulk", body, content_type="application/json")
        assert response.status_code == 422, response.content
        error = response.json()
        assert error["code"] == "number_too_large" and error["field"] == "line_ids"
        assert error["details"] == {"path": "line_ids[1]"}
    line.refresh_from_db()
    assert line.status == LineStatus.CHO_TIEP_NHAN  # the good id beside it was not acted on either
