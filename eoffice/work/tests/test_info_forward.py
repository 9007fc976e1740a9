"""A unit head passes a "nhận để biết" line on to the unit's staff (info → info), the subject
registry the documents app plugs into, and removing routing rules."""

from __future__ import annotations

import pytest
from django.test import Client

from eoffice.core.errors import PermissionDenied, ValidationFailed
from eoffice.core.models import AuditEvent
from eoffice.people.models import Role
from eoffice.testing.cast import give_position, make_user
from eoffice.work import selectors, services, subjects
from eoffice.work.models import AssignmentLine, RoutingRule
from eoffice.work.services import LineSpec
from eoffice.work.statuses import ItemStatus, LineRole, LineStatus

S = LineStatus


def _info_to_unit(cast, presented, act):
    """leader_a → specialist_a (lead), unit_a (info)."""
    item, top = presented
    lead, info = services.line_forward(
        line=top,
        specs=[
            LineSpec.person(LineRole.LEAD, cast.specialist_a.pk),
            LineSpec.unit(LineRole.INFO, cast.unit_a.pk),
        ],
        actor=act(cast.leader_a),
    )
    return item, top, lead, info


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_unit_head_passes_an_info_line_to_the_units_staff(cast, presented, act) -> None:
    item, _top, _lead, info = _info_to_unit(cast, presented, act)
    colleague = make_user("chuyenvien2.a", "Đinh Thị Cùng Phòng")
    give_position(colleague, cast.agency_a, "Chuyên viên", [Role.CHUYEN_VIEN], unit=cast.unit_a)
    head = act(cast.unit_head_a)
    # No receipt needed to pass information on.
    passed = services.line_forward(
        line=info,
        specs=[
            LineSpec.person(LineRole.INFO, cast.specialist_a.pk),
            LineSpec.person(LineRole.INFO, colleague.pk),
        ],
        direction="Đề nghị các đồng chí nghiên cứu.",
        actor=head,
    )
    info.refresh_from_db()
    assert info.status == S.DA_CHUYEN and info.acted_at is not None
    assert [(x.role, x.deadline, x.depth) for x in passed] == [(LineRole.INFO, None, 2)] * 2
    # It stays in the head's "Nhận để biết" box and appears in the colleague's.
    assert selectors.box_counts(head)["nhan_de_biet"] == 1
    assert selectors.box_counts(act(colleague))["nhan_de_biet"] == 1
    assert selectors.box_counts(act(colleague))["cho_xu_ly"] == 0
    # The leader's direction on the item is not overwritten by the unit head's note.
    item.refresh_from_db()
    assert item.direction == ""


@pytest.mark.parametrize("role", [LineRole.LEAD, LineRole.CO])
def test_info_is_passed_on_for_information_only(cast, presented, act, role) -> None:
    _item, _top, _lead, info = _info_to_unit(cast, presented, act)
    with pytest.raises(ValidationFailed) as caught:
        services.line_forward(
            line=info, specs=[LineSpec.person(role, cast.specialist_a.pk)], actor=act(cast.unit_head_a)
        )
    assert (
        caught.value.code == "info_forward_only_info"
        and "chỉ được chuyển tiếp để biết" in caught.value.message
    )
    info.refresh_from_db()
    assert info.status == S.CHO_TIEP_NHAN and not AssignmentLine.objects.filter(parent=info).exists()


def test_info_forward_stays_inside_the_unit_and_with_the_holder(cast, presented, act) -> None:
    _item, _top, _lead, info = _info_to_unit(cast, presented, act)
    with pytest.raises(ValidationFailed) as caught:
        services.line_forward(
            line=info, specs=[LineSpec.person(LineRole.INFO, cast.admin_a.pk)], actor=act(cast.unit_head_a)
        )
    assert caught.value.code == "target_not_allowed"
    with pytest.raises(PermissionDenied):
        services.line_forward(
            line=info,
            specs=[LineSpec.person(LineRole.INFO, cast.specialist_a.pk)],
            actor=act(cast.specialist_a),
        )


def test_lead_completion_closes_passed_on_info_and_recall_does_not_reopen_it(cast, presented, act) -> None:
    item, top, lead, info = _info_to_unit(cast, presented, act)
    head = act(cast.unit_head_a)
    (reader,) = services.line_forward(
        line=info, specs=[LineSpec.person(LineRole.INFO, cast.specialist_a.pk)], actor=head
    )
    services.line_recall(line=reader, actor=head)
    info.refresh_from_db()
    assert info.status == S.DA_CHUYEN, "a forwarded info line has no work to reopen"
    (reader,) = services.line_forward(
        line=info, specs=[LineSpec.person(LineRole.INFO, cast.specialist_a.pk)], actor=head
    )
    services.line_receive(line=lead, actor=act(cast.specialist_a))
    services.line_complete(line=lead, actor=act(cast.specialist_a))
    for line in (info, reader, top):
        line.refresh_from_db()
        assert line.status == S.HOAN_THANH
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE


def test_info_forward_through_page_and_api(cast, presented, act) -> None:
    item, _top, _lead, info = _info_to_unit(cast, presented, act)
    head = _client(cast.unit_head_a)
    page = head.get(f"/work/items/{item.pk}/").content.decode()
    assert "Chuyển để biết trong đơn vị" in page and f'name="f{info.pk}-info"' in page
    assert f'name="f{info.pk}-lead"' not in page
    response = head.post(
        f"/work/lines/{info.pk}/forward/",
        {f"f{info.pk}-info": [f"person:{cast.specialist_a.pk}"]},
        follow=True,
    )
    assert "Đã chuyển xử lý." in response.content.decode()
    assert AssignmentLine.objects.filter(
        parent=info, role=LineRole.INFO, assignee_user=cast.specialist_a
    ).exists()
    refused = head.post(
        f"/api/v1/work/lines/{info.pk}/forward",
        {"lines": [{"role": "co", "target_kind": "person", "user_id": cast.specialist_a.pk}]},
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["code"] == "info_forward_only_info"


def test_subject_registry_follows_links_and_describes(cast, make_item, act) -> None:
    seen: list[tuple[int, str]] = []
    subjects.register_subject(
        "tests.thing",
        on_status=lambda item, actor: seen.append((item.pk, item.status)),
        url=lambda pk: f"/things/{pk}/",
        describe=lambda pk: [("Mã", f"T-{pk}")],
    )
    try:
        item = make_item(subject_type="tests.thing", subject_id=5)
        assert subjects.subject_url(item) == "/things/5/" and subjects.subject_facts(item) == [("Mã", "T-5")]
        services.item_present(item=item, leader_id=cast.leader_a.pk, actor=act(cast.clerk_a))
        assert seen == [(item.pk, ItemStatus.IN_PROGRESS)]
        body = _client(cast.clerk_a).get(f"/work/items/{item.pk}/").content.decode()
        assert 'href="/things/5/"' in body and "T-5" in body
    finally:
        subjects._SUBJECTS.pop("tests.thing", None)
    plain = make_item(subject_type="", subject_id=None)
    assert subjects.subject_url(plain) is None and subjects.subject_facts(plain) == []


def test_routing_rule_delete(cast, act) -> None:
    rule = services.routing_rule_create(
        agency=cast.agency_a,
        key="type:QD",
        unit_id=cast.unit_a.pk,
        role="lead",
        due_working_days=None,
        actor=act(cast.clerk_a),
    )
    with pytest.raises(PermissionDenied):
        services.routing_rule_delete(rule=rule, actor=act(cast.specialist_a))
    with pytest.raises(PermissionDenied):
        services.routing_rule_delete(rule=rule, actor=act(cast.clerk_b))
    assert _client(cast.clerk_b).delete(f"/api/v1/work/rules/{rule.pk}").status_code == 404
    assert _client(cast.admin_a).delete(f"/api/v1/work/rules/{rule.pk}").status_code == 204
    assert not RoutingRule.objects.exists()
    assert AuditEvent.objects.filter(verb="work.routing_rule_deleted", data__key="type:QD").exists()
