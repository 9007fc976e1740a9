"""The work pages: box, item, actions, slip PDF — who may and who may not."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from eoffice.work import services
from eoffice.work.models import AssignmentLine
from eoffice.work.services import LineSpec
from eoffice.work.statuses import LineRole, LineStatus


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _present(cast, make_item, act, **extra):
    item = make_item(**extra)
    services.item_present(item=item, leader_id=cast.leader_a.pk, actor=act(cast.clerk_a))
    return item, AssignmentLine.objects.get(item=item)


def test_box_page_needs_sign_in(client: Client, db: None) -> None:
    response = client.get("/work/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_box_page_lists_own_lines_with_counts(cast, make_item, act) -> None:
    _present(cast, make_item, act, title="Công văn về tinh giản biên chế")
    body = client_for(cast.leader_a).get("/work/").content.decode()
    assert "Công văn về tinh giản biên chế" in body
    assert 'data-box="cho_xu_ly"' in body and "table-responsive" in body
    for label in (
        "Chờ xử lý",
        "Đang xử lý",
        "Sắp đến hạn",
        "Quá hạn",
        "Nhận để biết",
        "Đã xử lý",
        "Đã hoàn thành",
    ):
        assert label in body
    # Others see an empty box.
    for user in (cast.clerk_b, cast.specialist_a, cast.outsider):
        other = client_for(user).get("/work/")
        assert other.status_code == 200 and "Công văn về tinh giản biên chế" not in other.content.decode()


def test_box_search_and_htmx_more(cast, make_item, act) -> None:
    for n in range(30):
        _present(cast, make_item, act, title=f"Báo cáo tháng {n:02d}")
    _present(cast, make_item, act, title="Quyết định đặc biệt")
    leader = client_for(cast.leader_a)
    found = leader.get("/work/", {"q": "quyet dinh dac biet"}).content.decode()
    assert "Quyết định đặc biệt" in found and "Báo cáo tháng" not in found
    first = leader.get("/work/").content.decode()
    assert "Xem thêm" in first and first.count('name="line"') == 25
    cursor = first.split("cursor=")[1].split('"')[0].replace("&amp;", "&")
    more = leader.get(f"/work/?box=cho_xu_ly&cursor={cursor}", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in more and more.count('name="line"') == 6
    bad = leader.get("/work/", {"sort": "hack"})
    assert bad.status_code == 200


def test_bulk_receive_from_the_box(cast, make_item, act) -> None:
    _, a = _present(cast, make_item, act)
    _, b = _present(cast, make_item, act)
    response = client_for(cast.leader_a).post(
        "/work/bulk/", {"action": "receive", "line": [a.pk, b.pk], "next": "/work/"}
    )
    assert response.status_code == 302 and response["Location"] == "/work/"
    assert set(AssignmentLine.objects.values_list("status", flat=True)) == {LineStatus.CHO_XU_LY}
    client_for(cast.clerk_b).post("/work/bulk/", {"action": "complete", "line": [a.pk]})
    assert AssignmentLine.objects.get(pk=a.pk).status == LineStatus.CHO_XU_LY
    hostile = client_for(cast.leader_a).post(
        "/work/bulk/", {"action": "receive", "line": ["1 or 1=1"], "next": "https://evil.example/"}
    )
    assert hostile["Location"] == "/work/"


def test_item_page_and_first_open(cast, make_item, act) -> None:
    item, top = _present(cast, make_item, act)
    assert client_for(cast.clerk_b).get(f"/work/items/{item.pk}/").status_code == 404
    assert client_for(cast.specialist_a).get(f"/work/items/{item.pk}/").status_code == 404
    clerk_view = client_for(cast.clerk_a).get(f"/work/items/{item.pk}/")
    assert clerk_view.status_code == 200
    top.refresh_from_db()
    assert top.first_opened_at is None, "only the holder's opening counts"
    body = client_for(cast.leader_a).get(f"/work/items/{item.pk}/").content.decode()
    top.refresh_from_db()
    assert top.first_opened_at is not None
    assert "Tiếp nhận" in body and "Phiếu giải quyết" in body


def test_actions_through_pages(cast, make_item, act) -> None:
    item, top = _present(cast, make_item, act)
    leader = client_for(cast.leader_a)
    assert leader.post(f"/work/lines/{top.pk}/receive/").status_code == 302
    response = leader.post(
        f"/work/lines/{top.pk}/forward/",
        {
            f"f{top.pk}-lead": f"unit:{cast.unit_a.pk}",
            f"f{top.pk}-info": [f"person:{cast.specialist_a.pk}"],
            f"f{top.pk}-working_days": "4",
            f"f{top.pk}-direction": "Phòng TCBC chủ trì, báo cáo trước hạn.",
        },
    )
    assert response.status_code == 302
    lines = AssignmentLine.objects.filter(parent=top)
    assert {(x.role, x.target_kind) for x in lines} == {(LineRole.LEAD, "unit"), (LineRole.INFO, "person")}
    lead = lines.get(role=LineRole.LEAD)
    head = client_for(cast.unit_head_a)
    head.post(f"/work/lines/{lead.pk}/receive/")
    # Return without a reason is refused with a message, and changes nothing.
    refused = head.post(f"/work/lines/{lead.pk}/return/", {"reason": ""}, follow=True)
    assert "Dữ liệu chưa hợp lệ" in refused.content.decode()
    lead.refresh_from_db()
    assert lead.status == LineStatus.CHO_XU_LY
    # Someone else's line: a clear message, no change.
    denied = client_for(cast.specialist_a).post(f"/work/lines/{lead.pk}/complete/", follow=True)
    assert "Bạn không giữ dòng xử lý này." in denied.content.decode()
    opinion = head.post(
        f"/work/lines/{lead.pk}/opinion/",
        {"text": "Đã rà soát", "kind": "opinion", "files": SimpleUploadedFile("x.exe", b"MZ")},
        follow=True,
    )
    assert "không đúng loại cho phép" in opinion.content.decode()
    assert not lead.opinions.exists()
    head.post(f"/work/lines/{lead.pk}/opinion/", {"text": "Đã rà soát", "kind": "opinion"})
    head.post(f"/work/lines/{lead.pk}/complete/")
    item.refresh_from_db()
    assert item.status == "done"
    assert client_for(cast.clerk_b).post(f"/work/lines/{lead.pk}/complete/").status_code == 404


def test_present_and_assign_pages_for_clerk_only(cast, make_item, act) -> None:
    item = make_item()
    body = client_for(cast.clerk_a).get(f"/work/items/{item.pk}/").content.decode()
    assert "Trình lãnh đạo" in body and "Trần Văn Lãnh Đạo" in body
    response = client_for(cast.clerk_a).post(f"/work/items/{item.pk}/present/", {"leader": cast.leader_a.pk})
    assert response.status_code == 302
    assert AssignmentLine.objects.filter(item=item, assignee_user=cast.leader_a).exists()
    assert (
        client_for(cast.clerk_b)
        .post(f"/work/items/{item.pk}/present/", {"leader": cast.leader_a.pk})
        .status_code
        == 404
    )


def test_slip_pdf(cast, presented, act) -> None:
    from pypdf import PdfReader

    item, top = presented
    services.line_forward(
        line=top,
        specs=[LineSpec.unit(LineRole.LEAD, cast.unit_a.pk)],
        direction="Giao Phòng Tổ chức biên chế chủ trì",
        actor=act(cast.leader_a),
    )
    response = client_for(cast.leader_a).get(f"/work/items/{item.pk}/slip.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN", "15/QĐ-UBND", "Phòng Tổ chức biên chế", "Chủ trì"):
        assert expected in text, expected
    assert client_for(cast.clerk_b).get(f"/work/items/{item.pk}/slip.pdf").status_code == 404


def test_menu_shows_work_box(cast) -> None:
    assert 'href="/work/"' in client_for(cast.specialist_a).get("/").content.decode()


def test_bulk_takes_a_25_digit_line_for_a_missing_one(cast, make_item, act) -> None:
    # in_bulk looks the ids up with pk__in, which no database holds past 2**63 - 1 (core.rowids).
    _, line = _present(cast, make_item, act)
    huge = str(10**25)
    response = client_for(cast.leader_a).post(
        "/work/bulk/", {"action": "receive", "line": [huge]}, follow=True
    )
    assert (
        response.status_code == 200
        and f"Dòng {huge}: Không tìm thấy dòng xử lý." in response.content.decode()
    )
    line.refresh_from_db()
    assert line.status == LineStatus.CHO_TIEP_NHAN
    outcomes = services.lines_bulk(action="receive", line_ids=[10**25, line.pk], actor=act(cast.leader_a))
    assert [(o.line_id, o.ok) for o in outcomes] == [(10**25, False), (line.pk, True)]
