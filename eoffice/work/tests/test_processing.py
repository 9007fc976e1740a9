"""Opinions with files, reply proposals, deadline extensions, bulk actions, timeline."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.work import services, timeline
from eoffice.work.deadlines import DeadlineInput
from eoffice.work.models import AssignmentLine, ExtensionStatus, OpinionFile, OpinionKind
from eoffice.work.services import LineSpec, Upload
from eoffice.work.statuses import LineRole, LineStatus

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(name: str, data: bytes) -> Upload:
    return Upload(name=name, content=io.BytesIO(data), size=len(data))


@pytest.fixture
def unit_line(cast, presented, act):
    _item, top = presented
    (lead,) = services.line_forward(
        line=top,
        specs=[LineSpec.unit(LineRole.LEAD, cast.unit_a.pk, deadline=DeadlineInput(working_days=5))],
        actor=act(cast.leader_a),
    )
    services.line_receive(line=lead, actor=act(cast.unit_head_a))
    lead.refresh_from_db()
    return lead


def test_opinion_with_files(cast, unit_line, act, settings, tmp_path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    opinion = services.opinion_add(
        line=unit_line,
        text="Đề nghị Phòng rà soát số liệu.",
        files=[_upload("bao-cao.pdf", PDF), _upload("ghi chu.txt", "ghi chú".encode())],
        actor=act(cast.unit_head_a),
    )
    files = list(OpinionFile.objects.filter(opinion=opinion))
    assert [f.name for f in files] == ["bao-cao.pdf", "ghi chu.txt"]
    assert default_storage.open(files[0].storage_path).read() == PDF
    unit_line.refresh_from_db()
    assert unit_line.acted_at is not None


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("virus.exe", b"MZ...", "file_type"),
        ("rong.pdf", b"", "file_empty"),
        ("gia.pdf", b"<html>not a pdf</html>", "file_corrupt"),
        ("", PDF, "file_type"),
    ],
)
def test_bad_files_refused_and_nothing_written(cast, unit_line, act, name, data, code) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.opinion_add(
            line=unit_line, text="Ý kiến", files=[_upload(name, data)], actor=act(cast.unit_head_a)
        )
    assert caught.value.code == code
    assert not unit_line.opinions.exists()


def test_oversized_file_refused(cast, unit_line, act, settings) -> None:
    settings.EOFFICE_WORK_MAX_FILE_BYTES = 100
    with pytest.raises(ValidationFailed) as caught:
        services.opinion_add(
            line=unit_line,
            text="Ý kiến",
            files=[_upload("lon.pdf", PDF + b"x" * 200)],
            actor=act(cast.unit_head_a),
        )
    assert caught.value.code == "file_too_large"


def test_opinion_rules(cast, unit_line, act) -> None:
    with pytest.raises(PermissionDenied):
        services.opinion_add(line=unit_line, text="Ý kiến", actor=act(cast.specialist_a))
    with pytest.raises(ValidationFailed):
        services.opinion_add(line=unit_line, text="  ", actor=act(cast.unit_head_a))
    with pytest.raises(ValidationFailed):
        services.opinion_add(line=unit_line, text="x" * 5000, actor=act(cast.unit_head_a))
    proposal = services.opinion_add(
        line=unit_line,
        text="Dự thảo công văn trả lời",
        kind=OpinionKind.REPLY_PROPOSAL,
        actor=act(cast.unit_head_a),
    )
    assert proposal.kind == OpinionKind.REPLY_PROPOSAL
    services.line_recall(line=unit_line, actor=act(cast.leader_a))
    with pytest.raises(Conflict) as caught:
        services.opinion_add(line=unit_line, text="Ý kiến", actor=act(cast.unit_head_a))
    assert caught.value.code == "line_recalled"


def test_extension_requested_and_approved_by_assigner(cast, unit_line, act) -> None:
    later = unit_line.deadline + timedelta(days=7)
    with pytest.raises(ValidationFailed) as caught:
        services.extension_request(
            line=unit_line,
            proposed_deadline=unit_line.deadline - timedelta(hours=1),
            reason="Cần thêm thời gian",
            actor=act(cast.unit_head_a),
        )
    assert caught.value.code == "not_later"
    with pytest.raises(ValidationFailed):
        services.extension_request(
            line=unit_line, proposed_deadline=later, reason=" ", actor=act(cast.unit_head_a)
        )
    request = services.extension_request(
        line=unit_line, proposed_deadline=later, reason="Chờ số liệu của xã", actor=act(cast.unit_head_a)
    )
    with pytest.raises(Conflict) as conflict:
        services.extension_request(
            line=unit_line, proposed_deadline=later, reason="Lần hai", actor=act(cast.unit_head_a)
        )
    assert conflict.value.code == "extension_pending"
    with pytest.raises(PermissionDenied):
        services.extension_decide(request=request, approve=True, actor=act(cast.unit_head_a))
    services.extension_decide(request=request, approve=True, actor=act(cast.leader_a), note="Đồng ý")
    request.refresh_from_db()
    unit_line.refresh_from_db()
    assert request.status == ExtensionStatus.APPROVED and unit_line.deadline == later
    with pytest.raises(Conflict):
        services.extension_decide(request=request, approve=False, actor=act(cast.leader_a))


def test_extension_rejected_keeps_deadline(cast, unit_line, act) -> None:
    before = unit_line.deadline
    request = services.extension_request(
        line=unit_line,
        proposed_deadline=before + timedelta(days=2),
        reason="Lý do",
        actor=act(cast.unit_head_a),
    )
    services.extension_decide(request=request, approve=False, actor=act(cast.leader_a))
    unit_line.refresh_from_db()
    assert unit_line.deadline == before


def test_bulk_reports_per_line(cast, make_item, act) -> None:
    lines = []
    for _ in range(3):
        item = make_item()
        services.item_present(item=item, leader_id=cast.leader_a.pk, actor=act(cast.clerk_a))
        lines.append(AssignmentLine.objects.get(item=item))
    services.line_recall(line=lines[1], actor=act(cast.clerk_a))
    outcomes = services.lines_bulk(
        action="receive", line_ids=[x.pk for x in lines] + [999999], actor=act(cast.leader_a)
    )
    assert [(o.line_id, o.ok, o.code) for o in outcomes] == [
        (lines[0].pk, True, ""),
        (lines[1].pk, False, "line_recalled"),
        (lines[2].pk, True, ""),
        (999999, False, "not_found"),
    ]
    assert AssignmentLine.objects.get(pk=lines[0].pk).status == LineStatus.CHO_XU_LY
    # Someone else's lines are refused one by one, not silently skipped.
    refused = services.lines_bulk(action="receive", line_ids=[lines[2].pk], actor=act(cast.clerk_b))
    assert refused[0].code in ("permission_denied", "transition_not_allowed")
    with pytest.raises(ValidationFailed):
        services.lines_bulk(action="recall", line_ids=[lines[0].pk], actor=act(cast.leader_a))
    with pytest.raises(ValidationFailed):
        services.lines_bulk(action="receive", line_ids=list(range(1, 500)), actor=act(cast.leader_a))


def test_timeline_has_times_and_working_durations(cast, presented, act) -> None:
    item, top = presented
    services.line_open(line=top, actor=act(cast.leader_a))
    services.line_open(line=top, actor=act(cast.leader_a))
    services.line_complete(line=top, actor=act(cast.leader_a))
    rows = timeline.timeline(item, act(cast.leader_a))
    assert len(rows) == 1
    row = rows[0].as_dict()
    assert row["received_at"] and row["first_opened_at"] and row["acted_at"] and row["completed_at"]
    assert [e["action"] for e in row["events"]] == ["present", "receive", "open", "complete"]
    assert set(row["working_hours"]) == {"to_receive", "to_open", "to_act", "total"}
    assert all(v is not None and v >= 0 for v in row["working_hours"].values())


def test_item_create_validation(cast, act) -> None:
    from eoffice.work.statuses import ItemKind

    good = {
        "agency": cast.agency_a,
        "kind": ItemKind.INCOMING_DOCUMENT,
        "title": "Tiêu đề",
        "arrived_at": timezone.now(),
    }
    with pytest.raises(ValidationFailed):
        services.item_create(actor=act(cast.clerk_a), **{**good, "title": "  "})
    with pytest.raises(ValidationFailed):
        services.item_create(
            actor=act(cast.clerk_a), **{**good, "arrived_at": timezone.now() + timedelta(days=1)}
        )
    with pytest.raises(ValidationFailed):
        services.item_create(actor=act(cast.clerk_a), **{**good, "kind": "bogus"})
    with pytest.raises(PermissionDenied):
        services.item_create(actor=act(cast.specialist_a), **good)
    with pytest.raises(PermissionDenied):
        services.item_create(actor=act(cast.clerk_b), **good)
