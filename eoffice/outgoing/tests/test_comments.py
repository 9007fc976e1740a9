"""Lấy ý kiến on the work engine: start, answer each way (with files), late, extend, close, the
consolidated export (XLSX read back with openpyxl, PDF text with pypdf), bad input, authorisation."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from eoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from eoffice.documents.models import StoredFile
from eoffice.documents.services import UploadPart
from eoffice.outgoing import comments, comments_export, comments_selectors
from eoffice.outgoing.comments import Invitee
from eoffice.outgoing.models import (
    CommentAnswer,
    CommentRequest,
    CommentRound,
    Draft,
    RoundStatus,
    Verdict,
)
from eoffice.outgoing.tests.conftest import actor_of, make_draft, pdf_bytes
from eoffice.testing.cast import Cast
from eoffice.work import services as work
from eoffice.work.models import AssignmentLine, LineEvent, WorkItem
from eoffice.work.statuses import ItemKind, ItemStatus, LineStatus

pytestmark = pytest.mark.django_db


def start(cast: Cast, draft: Draft, invitees: list[Invitee] | None = None, **kw: Any) -> CommentRound:
    if invitees is None:
        invitees = [
            Invitee("person", cast.leader_a.pk),
            Invitee("person", cast.clerk_a.pk),
            Invitee("unit", cast.unit_a.pk),
            Invitee("person", cast.admin_a.pk),
        ]
    kw.setdefault("deadline", timezone.now() + timedelta(days=3))
    return comments.comment_round_start(
        actor=actor_of(cast, cast.specialist_a), draft=draft, invitees=invitees, note="Đề nghị góp ý", **kw
    )


def answer(
    cast: Cast, user: Any, found: CommentRound, verdict: str, text: str = "", **kw: Any
) -> CommentAnswer:
    return comments.comment_answer(
        actor=actor_of(cast, user), comment_round=found, verdict=verdict, text=text, **kw
    )


def _docx() -> UploadPart:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return UploadPart("y-kien-phong.docx", out.getvalue())


def _png() -> UploadPart:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(out, format="PNG")
    return UploadPart("anh-chup.png", out.getvalue())


def line_of(found: CommentRound, order: int) -> AssignmentLine:
    return CommentRequest.objects.get(round=found, order=order).line


def test_whole_round(cast: Cast) -> None:
    draft = make_draft(cast)
    found = start(cast, draft)
    # Every invitee's request is a lead line of the work engine, in their box, with the deadline.
    requests = list(CommentRequest.objects.filter(round=found).select_related("line", "work_item"))
    assert len(requests) == 4
    for request in requests:
        assert request.work_item.kind == ItemKind.OUTGOING_DRAFT
        assert request.work_item.subject_type == comments.SUBJECT_TYPE
        assert request.line.deadline == found.deadline and request.line.status == LineStatus.CHO_TIEP_NHAN
    assert line_of(found, 3).box_key == f"n{cast.unit_a.pk}"  # the unit's box: its head answers

    first = answer(
        cast, cast.leader_a, found, Verdict.AGREE, files=[UploadPart("gop-y.pdf", pdf_bytes(marker="gy"))]
    )
    assert not first.late and first.sequence == 1
    assert StoredFile.objects.filter(sha256=first.files.get().stored_file.sha256).exists()
    leader_line = line_of(found, 1)
    assert leader_line.status == LineStatus.HOAN_THANH and leader_line.completed_at is not None
    assert WorkItem.objects.get(pk=leader_line.item_id).status == ItemStatus.DONE

    answer(cast, cast.unit_head_a, found, Verdict.DISAGREE, "Đề nghị bỏ Điều 3", files=[_docx()])
    assert line_of(found, 3).status == LineStatus.HOAN_THANH

    # A later answer supersedes, and the first stays as it was.
    second = answer(cast, cast.leader_a, found, Verdict.OTHER, "Bổ sung căn cứ Nghị định 30")
    assert second.sequence == 2
    first.refresh_from_db()
    assert first.verdict == Verdict.AGREE
    assert LineEvent.objects.filter(line=leader_line, action="opinion").exists()

    # Past the deadline the answer is taken and marked late.
    with time_machine.travel(found.deadline + timedelta(hours=2), tick=False):
        late = answer(cast, cast.clerk_a, found, Verdict.OTHER, "Sửa thể thức phần nơi nhận", files=[_png()])
    assert late.late and late.files.get().stored_file.content_type == "image/png"

    # Extend for the one who has not answered: a later deadline with a reason.
    new_deadline = found.deadline + timedelta(days=2)
    comments.comment_round_extend(
        actor=actor_of(cast, cast.specialist_a),
        comment_round=found,
        new_deadline=new_deadline,
        reason="Chờ họp",
    )
    found.refresh_from_db()
    assert found.deadline == new_deadline and line_of(found, 4).deadline == new_deadline
    assert line_of(found, 1).deadline != new_deadline  # answered lines keep theirs

    comments.comment_round_close(actor=actor_of(cast, cast.specialist_a), comment_round=found)
    found.refresh_from_db()
    assert found.status == RoundStatus.CLOSED
    assert line_of(found, 4).status == LineStatus.THU_HOI  # left the admin's box
    with pytest.raises(Conflict) as closed:
        answer(cast, cast.admin_a, found, Verdict.AGREE)
    assert closed.value.code == "round_closed"

    view = comments_selectors.round_view(actor=actor_of(cast, cast.specialist_a), comment_round=found)
    assert view.tally == {"agree": 0, "disagree": 1, "other": 2, "none": 1}
    _check_exports(cast, view)


def _check_exports(cast: Cast, view: comments_selectors.RoundView) -> None:
    report = comments_export.build(view)
    sheet = load_workbook(io.BytesIO(comments_export.to_xlsx(report))).active
    assert sheet is not None
    assert sheet["A1"].value == cast.agency_a.name.upper()
    assert sheet["A2"].value == "BẢNG TỔNG HỢP Ý KIẾN GÓP Ý DỰ THẢO VĂN BẢN"
    assert "Đồng ý: 0; Không đồng ý: 1; Ý kiến khác: 2; Chưa có ý kiến: 1" in sheet["A3"].value
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=7, max_col=8)]
    assert rows[0][1] == cast.leader_a.full_name and rows[0][3] == "Ý kiến khác"
    assert rows[0][4] == "Bổ sung căn cứ Nghị định 30" and "lần 2" in rows[0][7]
    assert rows[1][3] == "Ý kiến khác" and "Trễ hạn" in rows[1][7]
    assert rows[2][1] == f"{cast.unit_a.name} (đơn vị)" and rows[2][3] == "Không đồng ý"
    assert rows[2][2] == cast.unit_head_a.full_name and rows[2][5] == "y-kien-phong.docx"
    assert rows[1][5] == "anh-chup.png"
    assert rows[3][3] == "Chưa có ý kiến"
    pdf = PdfReader(io.BytesIO(comments_export.to_pdf(report)))
    text = " ".join((page.extract_text() or "") for page in pdf.pages)
    for expected in ("TỔNG HỢP Ý KIẾN", "Đề nghị bỏ Điều 3", "Trễ hạn", "Chưa có ý kiến", cast.unit_a.name):
        assert expected in text, expected
    assert cast.agency_a.name.upper() in text.upper()


def test_start_refuses_bad_input_and_writes_nothing(cast: Cast, settings: Any) -> None:
    draft = make_draft(cast)
    past = timezone.now() - timedelta(minutes=1)
    cases = [
        ([], {}, "no_invitees"),
        ([Invitee("person", cast.leader_a.pk)], {"deadline": past}, "deadline_in_past"),
        ([Invitee("person", cast.leader_a.pk)] * 2, {}, "duplicate_invitee"),
        ([Invitee("person", cast.clerk_b.pk)], {}, "not_in_agency"),
        ([Invitee("person", cast.specialist_a.pk)], {}, "self_invited"),
        ([Invitee("group", 1)], {}, "invalid_invitee"),
        ([Invitee("person", cast.leader_a.pk)], {"deadline": past.replace(tzinfo=None)}, "invalid_deadline"),
    ]
    for invitees, extra, code in cases:
        with pytest.raises(ValidationFailed) as error:
            start(cast, draft, invitees, **extra)
        assert error.value.code == code
    assert not CommentRound.objects.exists() and not WorkItem.objects.exists()


def test_unit_without_head_cannot_answer_so_is_refused(cast: Cast) -> None:
    from eoffice.directory.models import Unit

    empty = Unit.objects.create(agency=cast.agency_a, name="Phòng Không Người", abbreviation="KN", code="KN")
    with pytest.raises(ValidationFailed) as error:
        start(cast, make_draft(cast), [Invitee("unit", empty.pk)])
    assert error.value.code == "unit_without_head"


def test_who_may_start_and_one_open_round(cast: Cast) -> None:
    draft = make_draft(cast)
    for user in (cast.leader_a, cast.clerk_a, cast.clerk_b, cast.outsider):
        with pytest.raises(PermissionDenied):
            comments.comment_round_start(
                actor=actor_of(cast, user) if user != cast.outsider else _no_post(user),
                draft=draft,
                invitees=[Invitee("person", cast.admin_a.pk)],
                deadline=timezone.now() + timedelta(days=1),
            )
    # The head of the drafting unit may ask too; a second open round is refused.
    comments.comment_round_start(
        actor=actor_of(cast, cast.unit_head_a),
        draft=draft,
        invitees=[Invitee("person", cast.admin_a.pk)],
        deadline=timezone.now() + timedelta(days=1),
    )
    with pytest.raises(Conflict) as error:
        start(cast, draft)
    assert error.value.code == "round_open"


def _no_post(user: Any) -> Any:
    from eoffice.core.actor import Actor

    return Actor(user=user, position=None)


def test_answer_refusals(cast: Cast, settings: Any) -> None:
    found = start(cast, make_draft(cast))
    for user in (cast.specialist_a, cast.clerk_b):
        with pytest.raises(PermissionDenied):
            answer(cast, user, found, Verdict.AGREE)
    with pytest.raises(ValidationFailed) as error:
        answer(cast, cast.leader_a, found, Verdict.DISAGREE, "")
    assert error.value.code == "text_required"
    with pytest.raises(ValidationFailed) as error:
        answer(cast, cast.leader_a, found, "maybe")
    assert error.value.code == "invalid_verdict"
    with pytest.raises(ValidationFailed) as error:
        answer(cast, cast.leader_a, found, Verdict.OTHER, "x" * (comments.MAX_TEXT + 1))
    assert error.value.code == "text_too_long"
    with pytest.raises(ValidationFailed) as error:
        answer(cast, cast.leader_a, found, Verdict.AGREE, files=[UploadPart("a.exe", b"MZ\x90\x00binary")])
    assert error.value.code == "file_type_not_allowed"
    settings.EOFFICE_DOCUMENT_MAX_BYTES = 2048
    with pytest.raises(ValidationFailed) as error:
        answer(cast, cast.leader_a, found, Verdict.AGREE, files=[UploadPart("big.pdf", pdf_bytes(pages=40))])
    assert error.value.code == "file_too_large"
    # Nothing half-written: no answer, the line still waits.
    assert not CommentAnswer.objects.exists() and line_of(found, 1).status == LineStatus.CHO_TIEP_NHAN


def test_extend_and_close_rules(cast: Cast) -> None:
    found = start(cast, make_draft(cast))
    drafter = actor_of(cast, cast.specialist_a)
    with pytest.raises(ValidationFailed) as error:
        comments.comment_round_extend(
            actor=drafter,
            comment_round=found,
            new_deadline=found.deadline - timedelta(hours=1),
            reason="Lý do",
        )
    assert error.value.code == "not_later"
    with pytest.raises(ValidationFailed) as error:
        comments.comment_round_extend(
            actor=drafter, comment_round=found, new_deadline=found.deadline + timedelta(days=1), reason="  "
        )
    assert error.value.code == "reason_required"
    with pytest.raises(PermissionDenied):
        comments.comment_round_extend(
            actor=actor_of(cast, cast.leader_a),
            comment_round=found,
            new_deadline=found.deadline + timedelta(days=1),
            reason="Lý do",
        )
    with pytest.raises(PermissionDenied):
        comments.comment_round_close(actor=actor_of(cast, cast.clerk_b), comment_round=found)
    comments.comment_round_close(actor=drafter, comment_round=found)
    with pytest.raises(Conflict):
        comments.comment_round_close(actor=drafter, comment_round=found)
    with pytest.raises(Conflict):
        comments.comment_round_extend(
            actor=drafter,
            comment_round=found,
            new_deadline=found.deadline + timedelta(days=1),
            reason="Lý do",
        )


def test_work_box_cannot_complete_or_return_a_request_bare(cast: Cast) -> None:
    found = start(cast, make_draft(cast))
    leader = actor_of(cast, cast.leader_a)
    line = work.line_receive(line=line_of(found, 1), actor=leader)
    with pytest.raises(Conflict) as error:
        work.line_complete(line=line, actor=leader)
    assert error.value.code == "answer_on_page"
    with pytest.raises(Conflict):
        work.line_return(line=line, reason="Không thuộc lĩnh vực", actor=leader)
    assert line_of(found, 1).status == LineStatus.CHO_XU_LY


def test_who_sees_what(cast: Cast) -> None:
    draft = make_draft(cast)
    found = start(cast, draft)
    answer(cast, cast.leader_a, found, Verdict.AGREE)
    answer(cast, cast.clerk_a, found, Verdict.OTHER, "Sửa nơi nhận")
    for user in (cast.clerk_b,):
        with pytest.raises(NotFound):
            comments_selectors.round_get(actor=actor_of(cast, user), round_id=found.pk)
    # An invitee reads the draft and their own answer only; the drafter and the leadership see all.
    admin = actor_of(cast, cast.admin_a)
    mine = comments_selectors.round_view(actor=admin, comment_round=found)
    assert [r.request.order for r in mine.requests] == [4] and not mine.sees_all
    # The unit head answers for the unit and, heading the drafting unit, also follows the round.
    unit_head = comments_selectors.round_view(actor=actor_of(cast, cast.unit_head_a), comment_round=found)
    assert unit_head.mine is not None and unit_head.mine.request.order == 3
    for user in (cast.specialist_a, cast.leader_a, cast.unit_head_a):
        view = comments_selectors.round_view(actor=actor_of(cast, user), comment_round=found)
        assert view.sees_all and len(view.requests) == 4
    from eoffice.outgoing import selectors

    assert selectors.draft_get(actor=admin, draft_id=draft.pk) == draft
    with pytest.raises(NotFound):
        selectors.draft_get(actor=actor_of(cast, cast.clerk_b), draft_id=draft.pk)
