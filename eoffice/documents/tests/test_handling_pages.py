"""The document page's handling section, its actions, the routing-rules page and the handling API:
who may and who may not, and bad input refused with a Vietnamese message."""

from __future__ import annotations

from eoffice.core.actor import Actor
from eoffice.core.models import AuditEvent
from eoffice.documents import handling, services
from eoffice.documents.models import Document, DocumentStatus
from eoffice.documents.tests.conftest import login
from eoffice.documents.tests.factories import confirmed_document
from eoffice.work import services as work
from eoffice.work.models import AssignmentLine, Opinion, OpinionKind, RoutingRule
from eoffice.work.services import LineSpec
from eoffice.work.statuses import LineRole, LineStatus


def actor_of(cast, user) -> Actor:
    return Actor(user=user, position=cast.position(user))


def registered(cast) -> Document:
    document = confirmed_document(cast)
    services.document_register(actor=actor_of(cast, cast.clerk_a), document=document)
    document.refresh_from_db()
    return document


def test_clerk_presents_from_the_document_page(cast) -> None:
    document = registered(cast)
    clerk = login(cast.clerk_a)
    body = clerk.get(f"/documents/{document.pk}/").content.decode()
    assert 'id="handling"' in body and 'id="present-form"' in body and "Trần Văn Lãnh Đạo" in body
    response = clerk.post(
        f"/documents/{document.pk}/present/", {"leader": cast.leader_a.pk, "working_days": 3}
    )
    assert response.status_code == 302 and response["Location"] == f"/documents/{document.pk}/"
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_PROGRESS
    body = clerk.get(f"/documents/{document.pk}/").content.decode()
    assert 'id="present-form"' not in body and "Đã trình lãnh đạo." in body
    assert 'data-status="cho_tiep_nhan"' in body


def test_present_refused_with_a_message(cast) -> None:
    document = registered(cast)
    clerk = login(cast.clerk_a)
    # Not a leader: refused by the service, shown as a message, nothing assigned.
    response = clerk.post(f"/documents/{document.pk}/present/", {"leader": cast.specialist_a.pk}, follow=True)
    assert "Dữ liệu chưa hợp lệ" in response.content.decode()
    response = clerk.post(
        f"/documents/{document.pk}/present/",
        {"leader": cast.leader_a.pk, "working_days": 2, "deadline_date": "2030-01-01"},
        follow=True,
    )
    assert "Chỉ nhập ngày hạn hoặc số ngày làm việc" in response.content.decode()
    assert not AssignmentLine.objects.exists()
    # The specialist cannot even see the document.
    assert (
        login(cast.specialist_a)
        .post(f"/documents/{document.pk}/present/", {"leader": cast.leader_a.pk})
        .status_code
        == 404
    )
    # Before registration there is nothing to present.
    unregistered = confirmed_document(cast)
    response = clerk.post(f"/documents/{unregistered.pk}/present/", {"leader": cast.leader_a.pk}, follow=True)
    assert "chưa vào sổ" in response.content.decode()


def test_line_buttons_on_the_document_page_come_back_to_it(cast) -> None:
    document = registered(cast)
    item = services.document_present(
        actor=actor_of(cast, cast.clerk_a), document=document, leader_id=cast.leader_a.pk
    )
    leader = login(cast.leader_a)
    body = leader.get(f"/documents/{document.pk}/").content.decode()
    line = AssignmentLine.objects.get(item=item)
    assert f'action="/work/lines/{line.pk}/receive/"' in body
    # Viewing the document page opened the leader's line (timeline: first opened).
    line.refresh_from_db()
    assert line.first_opened_at is not None
    response = leader.post(f"/work/lines/{line.pk}/receive/", {"next": f"/documents/{document.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/documents/{document.pk}/"
    line.refresh_from_db()
    assert line.status == LineStatus.CHO_XU_LY
    # A foreign `next` is ignored.
    response = leader.post(f"/work/lines/{line.pk}/start/", {"next": "https://example.com/"})
    assert response["Location"] == f"/work/items/{item.pk}/"


def test_route_and_reply_proposal_from_the_page(cast) -> None:
    document = registered(cast)
    RoutingRule.objects.create(
        agency=cast.agency_a, key="type:cong_van", unit=cast.unit_a, due_working_days=5
    )
    clerk = login(cast.clerk_a)
    body = clerk.get(f"/documents/{document.pk}/").content.decode()
    assert "Chuyển xử lý theo quy tắc" in body and "Phòng Tổ chức biên chế" in body
    response = clerk.post(f"/documents/{document.pk}/route/", follow=True)
    assert "Đã chuyển xử lý theo quy tắc đến: Phòng Tổ chức biên chế." in response.content.decode()
    line = AssignmentLine.objects.get(assignee_unit=cast.unit_a)
    head = login(cast.unit_head_a)
    head.post(f"/work/lines/{line.pk}/receive/")
    body = head.get(f"/documents/{document.pk}/").content.decode()
    assert f'action="/documents/{document.pk}/reply-proposal/"' in body
    response = head.post(f"/documents/{document.pk}/reply-proposal/", {"text": ""}, follow=True)
    assert "Dữ liệu chưa hợp lệ" in response.content.decode()
    response = head.post(
        f"/documents/{document.pk}/reply-proposal/", {"text": "Đề xuất công văn trả lời xã."}, follow=True
    )
    body = response.content.decode()
    assert "Đã ghi đề xuất văn bản trả lời." in body and "chưa lập dự thảo văn bản đi" in body
    assert Opinion.objects.filter(kind=OpinionKind.REPLY_PROPOSAL).count() == 1
    # The specialist sees nothing yet; the clerk holds no lead line and cannot propose.
    assert login(cast.specialist_a).get(f"/documents/{document.pk}/").status_code == 404
    clerk.post(f"/documents/{document.pk}/reply-proposal/", {"text": "Không được"})
    assert Opinion.objects.filter(kind=OpinionKind.REPLY_PROPOSAL).count() == 1


def test_work_item_page_links_to_the_document_and_shows_its_facts(cast) -> None:
    document = registered(cast)
    item = handling.item_of(document)
    assert item is not None
    body = login(cast.clerk_a).get(f"/work/items/{item.pk}/").content.decode()
    assert (
        f'href="/documents/{document.pk}/"' in body
        and "Số đến" in body
        and "Ủy ban nhân dân xã Đồng Tâm" in body
    )


def test_routing_rules_page_who_may_and_who_may_not(cast) -> None:
    for user in (cast.clerk_a, cast.admin_a):
        assert login(user).get("/documents/routing-rules/").status_code == 200
    for user in (cast.specialist_a, cast.leader_a, cast.unit_head_a, cast.outsider):
        assert login(user).get("/documents/routing-rules/").status_code == 403
    assert login(cast.specialist_a).post("/documents/routing-rules/", {}).status_code == 403
    menu = login(cast.clerk_a).get("/documents/routing-rules/").content.decode()
    assert 'href="/documents/routing-rules/"' in menu


def test_routing_rules_page_adds_and_removes_rules(cast) -> None:
    from eoffice.documents.models import DocumentType

    admin = login(cast.admin_a)
    decision = DocumentType.objects.get(code="quyet_dinh")
    response = admin.post(
        "/documents/routing-rules/",
        {
            "condition": "type",
            "document_type": decision.pk,
            "unit": cast.unit_a.pk,
            "role": "lead",
            "due_working_days": 7,
        },
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.key, rule.unit_id, rule.due_working_days) == ("type:quyet_dinh", cast.unit_a.pk, 7)
    body = admin.get("/documents/routing-rules/").content.decode()
    assert "Loại văn bản: Quyết định" in body
    # Bad input: a field rule without the field; the same rule twice; another agency's unit.
    response = admin.post(
        "/documents/routing-rules/",
        {"condition": "field", "field_text": " ", "unit": cast.unit_a.pk, "role": "lead"},
    )
    assert response.status_code == 422 and "Cần nhập lĩnh vực." in response.content.decode()
    response = admin.post(
        "/documents/routing-rules/",
        {"condition": "type", "document_type": decision.pk, "unit": cast.unit_a.pk, "role": "lead"},
    )
    assert response.status_code == 422 and "Quy tắc này đã có." in response.content.decode()
    from eoffice.directory.models import Unit

    foreign = Unit.objects.create(agency=cast.agency_b, name="Văn phòng xã", code="VP")
    response = admin.post(
        "/documents/routing-rules/",
        {"condition": "field", "field_text": "đất đai", "unit": foreign.pk, "role": "lead"},
    )
    assert response.status_code == 422 and RoutingRule.objects.count() == 1
    # Removal: only inside the agency, with an audit record.
    login(cast.clerk_b).post(f"/documents/routing-rules/{rule.pk}/delete/")  # not found in agency B
    assert login(cast.specialist_a).post(f"/documents/routing-rules/{rule.pk}/delete/").status_code == 403
    assert RoutingRule.objects.count() == 1
    response = login(cast.clerk_a).post(f"/documents/routing-rules/{rule.pk}/delete/")
    assert response.status_code == 302 and not RoutingRule.objects.exists()
    assert AuditEvent.objects.filter(verb="work.routing_rule_deleted").count() == 1


def test_handling_api(cast) -> None:
    document = registered(cast)
    base = f"/api/v1/documents/{document.pk}"
    clerk = login(cast.clerk_a)
    got = clerk.get(f"{base}/handling").json()
    assert got["item_status"] == "new" and got["lines"] == [] and got["document_status"] == "registered"
    assert login(cast.clerk_b).get(f"{base}/handling").status_code == 404
    refused = login(cast.specialist_a).post(
        f"{base}/present", {"leader_id": cast.leader_a.pk}, content_type="application/json"
    )
    assert refused.status_code == 404
    bad = clerk.post(f"{base}/present", {"leader_id": cast.unit_head_a.pk}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "not_a_leader" and bad.json()["message"]
    early = clerk.post(
        f"{base}/present",
        {"leader_id": cast.leader_a.pk, "deadline_date": "2020-01-01"},
        content_type="application/json",
    )
    assert early.status_code == 422 and early.json()["code"] in (
        "deadline_before_arrival",
        "deadline_in_past",
    )
    done = clerk.post(
        f"{base}/present", {"leader_id": cast.leader_a.pk, "working_days": 2}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["document_status"] == "in_progress"
    assert done.json()["lines"][0]["role"] == "lead" and done.json()["lines"][0]["deadline"]
    again = clerk.post(f"{base}/route", content_type="application/json")
    assert again.status_code == 422 and again.json()["code"] == "no_rule"
    reply = clerk.post(f"{base}/reply-proposal", {"text": "Trả lời"}, content_type="application/json")
    assert reply.status_code == 403
    leader = login(cast.leader_a)
    line_id = done.json()["lines"][0]["id"]
    assert (
        leader.post(f"/api/v1/work/lines/{line_id}/receive", content_type="application/json").status_code
        == 200
    )
    reply = leader.post(
        f"{base}/reply-proposal", {"text": "Giao soạn văn bản trả lời"}, content_type="application/json"
    )
    assert reply.status_code == 201 and reply.json()["kind"] == "reply_proposal"
    assert reply.json()["kind_label"] == "Đề xuất văn bản trả lời"
    # The line's holder completes it through the work API: the document is done.
    assert (
        leader.post(
            f"/api/v1/work/lines/{line_id}/complete", {"note": ""}, content_type="application/json"
        ).status_code
        == 200
    )
    assert clerk.get(f"{base}").json()["status"] == "done"
    listed = clerk.get("/api/v1/documents/incoming?status=done").json()
    assert [d["id"] for d in listed["items"]] == [document.pk]


def test_agency_b_reaches_the_document_page_only_through_its_line(cast) -> None:
    document = registered(cast)
    clerk_b = login(cast.clerk_b)
    assert clerk_b.get(f"/documents/{document.pk}/").status_code == 404
    item = handling.item_of(document)
    assert item is not None
    work.lines_assign(
        item=item,
        specs=[LineSpec.agency(LineRole.LEAD, cast.agency_b.pk)],
        actor=actor_of(cast, cast.clerk_a),
    )
    body = clerk_b.get(f"/documents/{document.pk}/").content.decode()
    assert document.subject in body and 'id="confirm-form"' not in body and 'id="present-form"' not in body
    main = document.files.get(role="main")
    assert clerk_b.get(f"/documents/files/{main.pk}/").status_code == 200
    assert login(cast.outsider).get(f"/documents/files/{main.pk}/").status_code == 404
