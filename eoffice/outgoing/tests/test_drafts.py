from __future__ import annotations

import pytest

from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.directory.models import Agency
from eoffice.documents.services import UploadPart
from eoffice.outgoing import numbering, services
from eoffice.outgoing.models import Draft, DraftFileRole, DraftVersion, RecipientKind
from eoffice.outgoing.tests.conftest import actor_of, doc_type, make_draft, pdf_bytes
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _input(cast: Cast, **changes: object) -> services.DraftInput:
    base: dict[str, object] = {
        "document_type_id": doc_type("cong_van").pk,
        "subject": "Về việc báo cáo biên chế năm 2026",
    }
    base.update(changes)
    return services.DraftInput(**base)  # type: ignore[arg-type]


def test_specialist_creates_a_draft_with_recipients_and_files(cast: Cast) -> None:
    external = Agency.objects.create(code="G01.01.01", name="Bộ Nội vụ", abbreviation="BNV", hosted=False)
    draft = make_draft(
        cast,
        recipient_ids=[cast.agency_b.pk, external.pk],
        recipient_lines="Như trên;\nLưu: VT, TCBC.",
        signer_id=cast.position(cast.leader_a).pk,
        signer_competence="KT.",
        attachments=[UploadPart("phu-luc.pdf", pdf_bytes(2))],
    )
    version = draft.current_version
    assert version is not None and version.number == 1
    assert draft.agency == cast.agency_a and draft.unit == cast.unit_a
    kinds = {r.agency_id: r.kind for r in version.recipients.all()}
    assert kinds == {cast.agency_b.pk: RecipientKind.HOSTED, external.pk: RecipientKind.EXTERNAL}
    assert sorted(f.role for f in version.files.all()) == [DraftFileRole.ATTACHMENT, DraftFileRole.MAIN]
    assert version.recipient_lines == "Như trên;\nLưu: VT, TCBC."


def test_every_change_makes_a_new_version_and_keeps_the_old_one(cast: Cast) -> None:
    draft = make_draft(cast)
    actor = actor_of(cast, cast.specialist_a)
    v2 = services.draft_revise(
        actor=actor, draft=draft, data=_input(cast, subject="Về việc báo cáo biên chế (sửa)")
    )
    assert v2.number == 2
    # The main file was kept, by reference to the same blob.
    v1 = DraftVersion.objects.get(draft=draft, number=1)
    assert v1.subject == "Về việc báo cáo biên chế năm 2026"
    assert v1.files.get(role="main").stored_file_id == v2.files.get(role="main").stored_file_id
    diff = services.compare_versions(v1, v2)
    changed = [label for label, _a, _b, is_changed in diff.rows if is_changed]
    assert changed == ["Trích yếu"]
    v3 = services.draft_revise(
        actor=actor,
        draft=draft,
        data=_input(cast, subject=v2.subject, main=UploadPart("moi.pdf", pdf_bytes(3))),
    )
    changed = [label for label, _a, _b, c in services.compare_versions(v2, v3).rows if c]
    assert changed == ["Tệp chính"]
    draft.refresh_from_db()
    assert draft.current_version_id == v3.pk


def test_a_save_without_changes_is_refused_and_writes_nothing(cast: Cast) -> None:
    draft = make_draft(cast)
    with pytest.raises(ValidationFailed) as error:
        services.draft_revise(actor=actor_of(cast, cast.specialist_a), draft=draft, data=_input(cast))
    assert error.value.code == "no_change"
    assert DraftVersion.objects.filter(draft=draft).count() == 1


@pytest.mark.parametrize("who", ["leader_a", "clerk_a", "clerk_b", "unit_head_a"])
def test_only_the_drafter_revises(cast: Cast, who: str) -> None:
    draft = make_draft(cast)
    with pytest.raises(PermissionDenied):
        services.draft_revise(
            actor=actor_of(cast, getattr(cast, who)), draft=draft, data=_input(cast, subject="Khác")
        )


def test_outsider_without_position_cannot_draft(cast: Cast) -> None:
    from eoffice.core.actor import Actor

    with pytest.raises(PermissionDenied):
        services.draft_create(
            actor=Actor(user=cast.outsider), data=_input(cast, main=UploadPart("a.pdf", pdf_bytes()))
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 501}, "subject"),
        ({"document_type_id": None}, "document_type"),
        ({"urgency": "rat_khan"}, "urgency"),
        ({"secrecy": "bi_mat"}, "secrecy"),
        ({"signer_competence": "XX."}, "signer_competence"),
        ({"recipient_ids": [999999]}, "recipients"),
        ({"reply_to_id": 999999}, "reply_to"),
        ({"main": None}, "main_file"),
        ({"main": UploadPart("a.pdf", b"not a pdf at all")}, "main_file"),
        ({"main": UploadPart("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)}, "main_file"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(cast: Cast, changes: dict, field: str) -> None:
    values = {"main": UploadPart("a.pdf", pdf_bytes())}
    values.update(changes)
    with pytest.raises(ValidationFailed) as error:
        services.draft_create(actor=actor_of(cast, cast.specialist_a), data=_input(cast, **values))
    assert error.value.field == field
    assert not Draft.objects.exists()


def test_signer_must_hold_a_position_in_the_agency(cast: Cast) -> None:
    data = _input(cast, main=UploadPart("a.pdf", pdf_bytes()), signer_id=cast.position(cast.clerk_b).pk)
    with pytest.raises(ValidationFailed) as error:
        services.draft_create(actor=actor_of(cast, cast.specialist_a), data=data)
    assert error.value.field == "signer"


def test_a_numbered_draft_can_no_longer_change(cast: Cast) -> None:
    draft = make_draft(cast)
    numbering.draft_number(actor=actor_of(cast, cast.clerk_a), draft=draft)
    with pytest.raises(Conflict):
        services.draft_revise(
            actor=actor_of(cast, cast.specialist_a), draft=draft, data=_input(cast, subject="Sửa")
        )
