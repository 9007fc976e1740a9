"""An approval step is a work line: the leaders who oversee its holder follow its item, and the
item page links the draft only for those who may read it (`outgoing.selectors.draft_visible`)."""

from __future__ import annotations

import pytest

from eoffice.outgoing import approval
from eoffice.outgoing.approval import StepInput
from eoffice.outgoing.models import StepKind
from eoffice.outgoing.tests.conftest import actor_of, doc_type, login, make_draft
from eoffice.people.models import Role
from eoffice.testing.cast import Cast, give_position, make_user
from eoffice.work.models import WorkItem

pytestmark = pytest.mark.django_db


def test_the_province_leader_follows_the_step_but_does_not_read_the_draft(cast: Cast) -> None:
    approval.approval_chain_set(
        actor=actor_of(cast, cast.admin_a),
        agency=cast.agency_a,
        document_type=doc_type("cong_van"),
        name="Trình ký",
        steps=[
            StepInput(StepKind.REVIEW, cast.unit_head_a.pk, 2),
            StepInput(StepKind.SIGN, cast.leader_a.pk, 1),
        ],
    )
    draft = make_draft(cast)
    approval.draft_submit(actor=actor_of(cast, cast.specialist_a), draft=draft)
    item = WorkItem.objects.get(subject_type=approval.SUBJECT_TYPE, subject_id=draft.pk)
    page = f"/work/items/{item.pk}/"
    draft_link = f'href="/outgoing/{draft.pk}/"'

    holder = login(cast.unit_head_a).get(page).content.decode()
    assert 'id="subject-link"' in holder and draft_link in holder

    province_leader = make_user("chutich.tinh", "Bùi Văn Chủ Tịch Tỉnh")
    give_position(province_leader, cast.province, "Chủ tịch", [Role.LANH_DAO_CO_QUAN])
    province = login(province_leader)
    followed = province.get(page)
    assert followed.status_code == 200 and 'id="subject-link"' not in followed.content.decode()
    assert province.get(f"/outgoing/{draft.pk}/").status_code == 404

    assert login(cast.clerk_b).get(page).status_code == 404
