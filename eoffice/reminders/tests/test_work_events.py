"""Notifications of work events (the engine's event observer): an assignment rings the assignee's
bell and is e-mailed in Vietnamese; a return reaches whoever handed the line down; an approval
step reaches its signer; Hỏa tốc / Thượng khẩn go out at once on every channel."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from eoffice.core.actor import Actor
from eoffice.notifications import selectors as bell
from eoffice.notifications import services as notifications
from eoffice.notifications.models import ChannelSend, Kind, Notification
from eoffice.notifications.tests.conftest import Inbox, smtp  # noqa: F401 (fixture)
from eoffice.reminders.tests.conftest import actor_of, person_line
from eoffice.testing.cast import Cast
from eoffice.work import services as work
from eoffice.work.models import AssignmentLine
from eoffice.work.services.assign import LineSpec
from eoffice.work.statuses import LineRole


def _deadline() -> datetime:
    return (timezone.now() + timedelta(days=10)).replace(microsecond=0)


@pytest.mark.django_db
def test_an_assignment_rings_the_assignees_bell_not_the_assigners(cast: Cast) -> None:
    line = person_line(cast, _deadline())
    (note,) = Notification.objects.filter(user=cast.specialist_a)
    assert note.kind == Kind.ASSIGNED and not note.urgent
    assert note.title == "Bạn được giao xử lý (Chủ trì): Về việc báo cáo tình hình phòng chống bão số 5"
    assert note.url == f"/work/items/{line.item_id}/"
    assert "Người giao: Trần Văn Lãnh Đạo" in note.body and "Số, ký hiệu: 45/UBND-VP" in note.body
    assert bell.unread_count(actor=Actor(user=cast.specialist_a)) == 1
    assert not Notification.objects.filter(user=cast.leader_a).exists()


@pytest.mark.django_db
def test_a_unit_line_reaches_its_heads_and_a_return_reaches_whoever_handed_it_down(cast: Cast) -> None:
    specialist = actor_of(cast, cast.specialist_a)
    top = person_line(cast, _deadline(), holder=cast.specialist_a)
    work.line_receive(line=top, actor=specialist)
    (unit_line,) = work.line_forward(
        line=AssignmentLine.objects.get(pk=top.pk),
        specs=[LineSpec.unit(LineRole.LEAD, cast.unit_a.pk)],
        direction="Phòng chủ trì tham mưu",
        actor=specialist,
    )
    heads = Notification.objects.get(user=cast.unit_head_a, kind=Kind.ASSIGNED)
    assert heads.title.startswith("Đơn vị Phòng Tổ chức biên chế được giao xử lý (Chủ trì):")
    assert "Nội dung: Phòng chủ trì tham mưu" in heads.body
    # The unit head returns it: the specialist (holder of the line above) hears it.
    work.line_return(
        line=unit_line, reason="Không thuộc chức năng của phòng", actor=actor_of(cast, cast.unit_head_a)
    )
    back = Notification.objects.get(user=cast.specialist_a, kind=Kind.RETURNED)
    assert back.title.startswith("Bị trả lại: Về việc")
    assert "Lý do: Không thuộc chức năng của phòng" in back.body and "Lê Thị Trưởng Phòng" in back.body
    # At the top, the line goes back to the leader who assigned it.
    work.line_return(
        line=AssignmentLine.objects.get(pk=top.pk), reason="Đề nghị giao phòng khác", actor=specialist
    )
    assert Notification.objects.filter(user=cast.leader_a, kind=Kind.RETURNED).count() == 1
    assert not Notification.objects.filter(user=cast.unit_head_a, kind=Kind.RETURNED).exists()


@pytest.mark.django_db(transaction=True)
def test_the_assignment_email_is_in_vietnamese(cast: Cast, smtp: Inbox) -> None:  # noqa: F811
    deadline = _deadline()
    with transaction.atomic():
        person_line(cast, deadline)
    (mail,) = smtp.messages
    assert mail["To"] == cast.specialist_a.email
    assert mail["Subject"].strip() == (
        "[eOffice] Bạn được giao xử lý (Chủ trì): Về việc báo cáo tình hình phòng chống bão số 5"
    )
    body = mail.get_content()
    assert body.startswith("Kính gửi Phạm Văn Chuyên Viên,")
    local = timezone.localtime(deadline)
    assert f"Hạn xử lý: {local:%H:%M %d/%m/%Y}" in body
    assert "Người giao: Trần Văn Lãnh Đạo" in body and "/work/items/" in body
    assert "Thay đổi cách nhận thông báo" in body


@pytest.mark.django_db(transaction=True)
def test_urgent_goes_out_at_once_on_every_channel_and_preferences_hold_otherwise(
    cast: Cast,
    smtp: Inbox,  # noqa: F811
) -> None:
    me = Actor(user=cast.specialist_a)
    notifications.preferences_set(actor=me, choices={"bell": False, "email": False, "digest": True})
    with transaction.atomic():
        person_line(cast, _deadline(), title="Báo cáo thường kỳ")
    assert smtp.messages == []  # digest only: nothing now
    assert bell.unread_count(actor=me) == 0  # bell off: kept, already read
    with transaction.atomic():
        person_line(cast, _deadline(), urgency="hoa_toc", title="Ứng phó bão khẩn cấp")
    (mail,) = smtp.messages
    assert mail["Subject"].strip().startswith("[KHẨN] [eOffice] Bạn được giao xử lý (Chủ trì): Ứng phó bão")
    assert "VĂN BẢN KHẨN" in mail.get_content() and "Độ khẩn: Hỏa tốc" in mail.get_content()
    urgent = Notification.objects.get(user=cast.specialist_a, urgent=True)
    assert urgent.read_at is None and bell.unread_count(actor=me) == 1
    assert ChannelSend.objects.filter(notification=urgent).count() == 1
    with transaction.atomic():  # Khẩn is not urgent in this sense: preferences hold
        person_line(cast, _deadline(), urgency="khan", title="Việc khẩn")
    assert len(smtp.messages) == 1


def _two_step_chain(cast: Cast) -> None:
    """The unit head reviews, the leader signs."""
    from eoffice.outgoing import approval
    from eoffice.outgoing.approval import StepInput
    from eoffice.outgoing.models import StepKind

    approval.approval_chain_set(
        actor=actor_of(cast, cast.admin_a),
        agency=cast.agency_a,
        document_type=None,
        name="Trình ký",
        steps=[
            StepInput(StepKind.REVIEW, cast.unit_head_a.pk, 2),
            StepInput(StepKind.SIGN, cast.leader_a.pk, 1),
        ],
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_approval_step_reaches_the_signer_at_once_when_the_draft_is_thuong_khan(
    cast: Cast,
    smtp: Inbox,  # noqa: F811
    settings,
    tmp_path: Path,
) -> None:
    from eoffice.outgoing import approval
    from eoffice.outgoing.tests.conftest import make_draft

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    _two_step_chain(cast)
    notifications.preferences_set(actor=Actor(user=cast.leader_a), choices={"email": False})
    draft = make_draft(cast, urgency="thuong_khan")
    with transaction.atomic():
        approval.draft_submit(actor=actor_of(cast, cast.specialist_a), draft=draft)
    review = Notification.objects.get(user=cast.unit_head_a, kind=Kind.APPROVAL)
    assert review.title.startswith("Dự thảo trình bạn: ") and review.url == f"/outgoing/{draft.pk}/"
    with transaction.atomic():
        approval.draft_step_approve(actor=actor_of(cast, cast.unit_head_a), draft=draft)
    signer = Notification.objects.get(user=cast.leader_a, kind=Kind.APPROVAL)
    assert signer.urgent and "Về việc báo cáo biên chế năm 2026" in signer.title
    assert [m["To"] for m in smtp.messages][-1] == cast.leader_a.email  # despite e-mail turned off


@pytest.mark.django_db
def test_a_step_returned_at_the_top_of_the_chain_reaches_the_drafter(
    cast: Cast, settings, tmp_path: Path
) -> None:
    from eoffice.outgoing import approval
    from eoffice.outgoing.tests.conftest import make_draft

    settings.MEDIA_ROOT = str(tmp_path / "media")
    _two_step_chain(cast)
    draft = make_draft(cast)
    approval.draft_submit(actor=actor_of(cast, cast.specialist_a), draft=draft)
    approval.draft_step_return(actor=actor_of(cast, cast.unit_head_a), draft=draft, reason="Sửa số liệu.")
    returned = Notification.objects.get(kind=Kind.RETURNED)
    assert returned.user == draft.created_by
    assert "Sửa số liệu." in returned.body and returned.url == f"/outgoing/{draft.pk}/"
