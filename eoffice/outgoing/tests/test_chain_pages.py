"""Cấu hình quy trình trình ký: list, add, edit and delete chains through the pages and the API,
with Vietnamese validation messages; who may and who may not, from the standing cast."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from django.urls import reverse

from eoffice.outgoing import approval
from eoffice.outgoing.approval import StepInput
from eoffice.outgoing.models import ApprovalChain, ApprovalStep, StepKind
from eoffice.outgoing.tests.conftest import actor_of, doc_type, login, make_draft
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _post_data(name: str, rows: Sequence[tuple[Any, Any, int]], type_id: Any = "") -> dict[str, Any]:
    total = len(rows) + 1
    data: dict[str, Any] = {
        "name": name,
        "document_type": type_id,
        "steps-TOTAL_FORMS": str(total),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "13",
    }
    for index, (kind, user, days) in enumerate([*rows, ("", "", 1)]):
        data[f"steps-{index}-kind"] = kind
        data[f"steps-{index}-user"] = str(user)
        data[f"steps-{index}-working_days"] = str(days)
    return data


def test_admin_adds_edits_and_deletes_a_chain(cast: Cast) -> None:
    client = login(cast.admin_a)
    assert "Quy trình trình ký" in client.get(reverse("web:home")).content.decode()  # the menu entry
    assert client.get(reverse("outgoing:chains")).status_code == 200
    assert client.get(reverse("outgoing:chain_new")).status_code == 200
    rows = [(StepKind.REVIEW, cast.unit_head_a.pk, 2), (StepKind.SIGN, cast.leader_a.pk, 1)]
    response = client.post(reverse("outgoing:chain_new"), _post_data("Trình ký công văn", rows))
    assert response.status_code == 302
    chain = ApprovalChain.objects.get()
    assert chain.document_type is None
    assert list(chain.steps.values_list("kind", "assignee_id", "working_days")) == [
        ("review", cast.unit_head_a.pk, 2),
        ("sign", cast.leader_a.pk, 1),
    ]
    page = client.get(reverse("outgoing:chains")).content.decode()
    assert "Trình ký công văn" in page and cast.unit_head_a.full_name in page

    edit = reverse("outgoing:chain_edit", args=[chain.pk])
    assert cast.leader_a.full_name in client.get(edit).content.decode()
    rows = [(StepKind.FORM_CHECK, cast.clerk_a.pk, 1), *rows]
    assert client.post(edit, _post_data("Trình ký có kiểm tra thể thức", rows)).status_code == 302
    chain.refresh_from_db()
    assert chain.name == "Trình ký có kiểm tra thể thức" and chain.steps.count() == 3

    assert client.post(reverse("outgoing:chain_delete", args=[chain.pk])).status_code == 302
    assert not ApprovalChain.objects.exists() and not ApprovalStep.objects.exists()


def test_validation_messages_in_vietnamese(cast: Cast) -> None:
    client = login(cast.admin_a)
    url = reverse("outgoing:chain_new")
    cases: list[tuple[list[tuple[Any, Any, int]], str]] = [
        (
            [(StepKind.SIGN, cast.leader_a.pk, 1), (StepKind.REVIEW, cast.unit_head_a.pk, 1)],
            "Bước cuối, và chỉ bước cuối",
        ),
        ([], "Quy trình phải có từ 1 đến 10 bước."),
        ([(StepKind.SIGN, cast.clerk_b.pk, 1)], ""),  # not offered: the form refuses the choice
        ([(StepKind.SIGN, "", 1)], "Hãy chọn cả loại bước và người thực hiện"),
        ([(StepKind.SIGN, cast.leader_a.pk, 99)], ""),
    ]
    for rows, message in cases:
        response = client.post(url, _post_data("Quy trình thử", rows))
        assert response.status_code == 422
        assert message in response.content.decode()
    assert not ApprovalChain.objects.exists()
    # One chain per type: a second "new" for the same type points to the existing one.
    rows = [(StepKind.SIGN, cast.leader_a.pk, 1)]
    type_id = doc_type("cong_van").pk
    assert client.post(url, _post_data("Công văn", rows, type_id)).status_code == 302
    response = client.post(url, _post_data("Công văn lần hai", rows, type_id))
    assert response.status_code == 422 and "đã có quy trình" in response.content.decode()
    assert ApprovalChain.objects.get().name == "Công văn"


def test_a_chain_in_use_is_not_deleted(cast: Cast) -> None:
    chain = approval.approval_chain_set(
        actor=actor_of(cast, cast.admin_a),
        agency=cast.agency_a,
        document_type=None,
        name="Mặc định",
        steps=[
            StepInput(StepKind.REVIEW, cast.unit_head_a.pk, 1),
            StepInput(StepKind.SIGN, cast.leader_a.pk, 1),
        ],
    )
    approval.draft_submit(actor=actor_of(cast, cast.specialist_a), draft=make_draft(cast))
    response = login(cast.admin_a).post(reverse("outgoing:chain_delete", args=[chain.pk]), follow=True)
    assert "chưa thể xóa" in response.content.decode()
    api = login(cast.clerk_a).delete(f"/api/v1/outgoing/chains/{chain.pk}")
    assert api.status_code == 409 and api.json()["code"] == "chain_in_use"
    assert ApprovalChain.objects.filter(pk=chain.pk).exists()


def _default_chain(cast: Cast) -> ApprovalChain:
    return approval.approval_chain_set(
        actor=actor_of(cast, cast.admin_a),
        agency=cast.agency_a,
        document_type=None,
        name="Mặc định của Sở",
        steps=[StepInput(StepKind.SIGN, cast.leader_a.pk, 1)],
    )


@pytest.mark.parametrize("who", ["specialist_a", "leader_a", "unit_head_a", "outsider"])
def test_others_may_not_configure(cast: Cast, who: str) -> None:
    chain = _default_chain(cast)
    client = login(getattr(cast, who))
    assert "Quy trình trình ký" not in client.get(reverse("web:home")).content.decode()
    assert client.get(reverse("outgoing:chains")).status_code == 403
    assert client.get(reverse("outgoing:chain_edit", args=[chain.pk])).status_code == 403
    assert client.post(reverse("outgoing:chain_delete", args=[chain.pk])).status_code == 403
    assert client.get(f"/api/v1/outgoing/chains/{chain.pk}").status_code == 404
    assert client.delete(f"/api/v1/outgoing/chains/{chain.pk}").status_code == 404
    listed = client.get("/api/v1/outgoing/chains")
    assert listed.status_code == 403 or listed.json() == []
    assert ApprovalChain.objects.filter(pk=chain.pk).exists()


def test_agency_b_configures_its_own_chains_only(cast: Cast) -> None:
    chain = _default_chain(cast)
    client = login(cast.clerk_b)
    page = client.get(reverse("outgoing:chains"))
    assert page.status_code == 200 and "Mặc định của Sở" not in page.content.decode()
    assert client.get(reverse("outgoing:chain_edit", args=[chain.pk])).status_code == 404
    assert client.post(reverse("outgoing:chain_delete", args=[chain.pk])).status_code == 404
    assert client.get("/api/v1/outgoing/chains").json() == []
    assert client.delete(f"/api/v1/outgoing/chains/{chain.pk}").status_code == 404
    assert ApprovalChain.objects.filter(pk=chain.pk).exists()


def test_api_lists_reads_and_deletes(cast: Cast) -> None:
    client = login(cast.clerk_a)
    body = {
        "type_id": None,
        "name": "Mặc định",
        "steps": [{"kind": "sign", "user_id": cast.leader_a.pk, "working_days": 2}],
    }
    chain_id = client.put("/api/v1/outgoing/chains", body, content_type="application/json").json()["id"]
    listed = client.get("/api/v1/outgoing/chains").json()
    assert [c["id"] for c in listed] == [chain_id] and listed[0]["steps"][0]["working_days"] == 2
    assert client.get(f"/api/v1/outgoing/chains/{chain_id}").json()["name"] == "Mặc định"
    assert client.delete(f"/api/v1/outgoing/chains/{chain_id}").status_code == 204
    assert not ApprovalChain.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_chain_pages_at_phone_width(live_server, phone_page) -> None:
    from eoffice.testing.browser import login as browser_login
    from eoffice.testing.cast import PASSWORD, build_cast

    cast = build_cast()
    page = phone_page
    browser_login(page, live_server.url, cast.admin_a.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('outgoing:chain_new')}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.get_by_label("Tên quy trình").fill("Quy trình mặc định")
    page.locator("#id_steps-0-kind").select_option(StepKind.SIGN)
    page.locator("#id_steps-0-user").select_option(str(cast.leader_a.pk))
    page.get_by_role("button", name="Lưu quy trình").click()
    page.wait_for_selector("text=Đã lưu quy trình trình ký")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert ApprovalChain.objects.get().steps.get().assignee_id == cast.leader_a.pk


@pytest.mark.parametrize(
    ("tampering", "message"),
    [
        # The row count missing (a cut-off or forged request): Django's own text is English only.
        ({"steps-TOTAL_FORMS": None, "steps-INITIAL_FORMS": None}, "Biểu mẫu thiếu số dòng các bước"),
        # A forged row count: refused in Vietnamese, and never 1,000 forms built for it.
        ({"steps-TOTAL_FORMS": "999999999"}, "Quy trình có nhiều nhất 13 dòng bước."),
    ],
)
def test_a_tampered_row_count_is_refused_in_vietnamese(
    cast: Cast, tampering: dict[str, Any], message: str
) -> None:
    data = _post_data("Quy trình thử", [(StepKind.SIGN, cast.leader_a.pk, 1)])
    for key, value in tampering.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    response = login(cast.admin_a).post(reverse("outgoing:chain_new"), data)
    body = response.content.decode()
    assert response.status_code == 422 and message in body
    assert "ManagementForm" not in body and "Please submit" not in body
    assert not ApprovalChain.objects.exists()
