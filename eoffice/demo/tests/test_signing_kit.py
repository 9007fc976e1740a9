"""The demo's signing kit: with only what `make demo` prints, a visitor's leader signs a draft on
the signing page, the clerk applies the agency's signature and releases it, and both signatures
validate against the trust store. Real keys, real pyHanko, real files; nothing mocked."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, DomainError, PermissionDenied
from eoffice.core.models import AuditEvent
from eoffice.demo import selectors, services, signing_kit
from eoffice.demo.output import DEFAULT_PASSWORD
from eoffice.demo.province import LOGIN_ADMIN, LOGIN_CLERK, LOGIN_LEADER, LOGIN_UNIT_HEAD
from eoffice.directory.models import Agency
from eoffice.documents import blobs
from eoffice.documents.models import Document, DocumentType
from eoffice.documents.services import UploadPart
from eoffice.outgoing import approval, numbering, release, signing, signing_selectors
from eoffice.outgoing.models import ApprovalChain, Draft, DraftSignature, DraftStatus
from eoffice.outgoing.services import DraftInput, draft_create
from eoffice.people.models import Position
from eoffice.signing import pades
from eoffice.signing.keys import KeyInput, open_user_signer
from eoffice.signing.models import AgencySeal, SignatureImage, SigningCertificate
from eoffice.signing.trust import trust_roots
from eoffice.testing.cast import Cast

DRAFTER = "chuyenvien.snv"
Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture
def demo_var(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """The demo's var/ in a scratch folder: keys, trust store and stored files."""
    var = tmp_path / "var"
    settings.VAR_DIR = var
    settings.EOFFICE_TRUST_STORE = str(var / "trust")
    settings.MEDIA_ROOT = str(var / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    yield var


def _build_demo() -> None:
    services.demo_province_build(scale=1, seed=2025, password=DEFAULT_PASSWORD, actor=Actor.system("test"))


def _build_kit(capture: Capture) -> signing_kit.SigningKit:
    # The files are written when the transaction commits; the test's transaction never does.
    with capture(execute=True):
        return signing_kit.demo_signing_kit_build(actor=Actor.system("test"))


def _actor(username: str) -> Actor:
    post = selectors.primary_posts([username])[username]
    return Actor(user=post.user, position=post)


def _signed_in(username: str) -> Client:
    """Signed in through the login form with the printed password, as a visitor would."""
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, username
    return client


def _pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _key_upload(kit: signing_kit.SigningKit, file_name: str) -> SimpleUploadedFile:
    data = (Path(kit.keys_dir) / file_name).read_bytes()
    return SimpleUploadedFile(file_name, data, content_type="application/x-pkcs12")


def _draft_at_sign_step(recipient: Agency) -> Draft:
    data = DraftInput(
        document_type_id=DocumentType.objects.get(code="quyet_dinh").pk,
        subject="Về việc thử ký số trên bản trình diễn",
        main=UploadPart("du-thao.pdf", _pdf()),
        recipient_ids=[recipient.pk],
    )
    draft = draft_create(actor=_actor(DRAFTER), data=data)
    approval.draft_submit(actor=_actor(DRAFTER), draft=draft)
    approval.draft_step_approve(actor=_actor(LOGIN_UNIT_HEAD), draft=draft)
    return draft


@pytest.mark.django_db
def test_the_demo_leader_signs_the_clerk_seals_and_releases_and_both_signatures_validate(
    demo_var: Path, django_capture_on_commit_callbacks: Capture
) -> None:
    _build_demo()
    kit = _build_kit(django_capture_on_commit_callbacks)
    root = Agency.objects.get(parent__isnull=True)
    draft = _draft_at_sign_step(root)
    sign_url = reverse("outgoing:sign", args=[draft.pk])
    leader = _signed_in(LOGIN_LEADER)
    assert draft.pk in [run.draft_id for run in signing_selectors.to_sign(actor=_actor(LOGIN_LEADER))]

    wrong = leader.post(sign_url, {"pkcs12": _key_upload(kit, "lanhdao.snv.p12"), "password": "sai-mat-khau"})
    assert wrong.status_code == 302 and not DraftSignature.objects.exists()
    assert "Mã PIN hoặc mật khẩu của khóa ký không đúng" in leader.get(wrong["Location"]).content.decode()
    leader.post(
        sign_url, {"pkcs12": _key_upload(kit, "lanhdao.snv.p12"), "password": signing_kit.KEY_PASSWORD}
    )
    signature = DraftSignature.objects.get(draft=draft)
    leader_user = selectors.primary_posts([LOGIN_LEADER])[LOGIN_LEADER].user
    assert signature.signed_by == leader_user and leader_user.full_name in signature.certificate_subject
    assert signature.key_kind == "pkcs12"

    clerk = _actor(LOGIN_CLERK)
    numbering.draft_number(actor=clerk, draft=draft)
    org_url = reverse("outgoing:org_sign", args=[draft.pk])
    page = _signed_in(LOGIN_CLERK).post(
        org_url, {"pkcs12": _key_upload(kit, "coquan.snv.p12"), "password": signing_kit.KEY_PASSWORD}
    )
    assert page.status_code == 302
    signature.refresh_from_db()
    assert signature.org_signed and signature.final_file is not None
    release.draft_release(actor=clerk, draft=draft)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.RELEASED

    final = signing.validate_stored(signature.final_file)
    assert final.all_valid, [s.problems for s in final.signatures]
    personal, organisation = final.signatures
    assert personal.field_name == pades.LEADER_FIELD and personal.signer_name == leader_user.full_name
    assert personal.trusted and personal.certification and personal.modification_level == "FORM_FILLING"
    assert organisation.trusted and organisation.signer_name == "Sở Nội vụ tỉnh Yên Ngọc"
    received = Document.objects.get(agency=root).files.get(role="main")
    assert received.stored_file_id == signature.final_file_id
    assert blobs.read_bytes(received.stored_file).startswith(b"%PDF")
    report = _signed_in(DRAFTER).get(reverse("outgoing:signatures", args=[draft.pk])).content.decode()
    assert report.count("Hợp lệ") >= 3 and "Không hợp lệ" not in report


@pytest.mark.django_db
def test_the_kit_is_registered_by_the_agencys_own_people_and_keeps_no_secret(
    demo_var: Path, django_capture_on_commit_callbacks: Capture
) -> None:
    _build_demo()
    kit = _build_kit(django_capture_on_commit_callbacks)
    posts = selectors.primary_posts([LOGIN_ADMIN, LOGIN_LEADER, LOGIN_UNIT_HEAD])
    agency = posts[LOGIN_ADMIN].agency
    leaders = selectors.agency_leader_posts(agency)
    assert [key.username for key in kit.keys] == [*(p.user.username for p in leaders), LOGIN_CLERK]
    # Each leader set their own image; the agency's administrator set the seal and the chain.
    images = AuditEvent.objects.filter(verb="signing.signature_image_set")
    assert images.count() == len(leaders)
    assert set(images.values_list("actor_id", flat=True)) == {p.user_id for p in leaders}
    assert SignatureImage.objects.filter(user_id__in=[p.user_id for p in leaders]).count() == len(leaders)
    admin_id = posts[LOGIN_ADMIN].user_id
    assert AgencySeal.objects.get(agency=agency).diameter_mm == 36
    assert AuditEvent.objects.get(verb="signing.seal_set").actor_id == admin_id
    chain = ApprovalChain.objects.get(agency=agency, document_type=None)
    assert [(s.kind, s.assignee.username) for s in chain.steps.order_by("order")] == [
        ("review", LOGIN_UNIT_HEAD),
        ("sign", LOGIN_LEADER),
    ]
    assert AuditEvent.objects.get(verb="outgoing.chain_set").actor_id == admin_id
    # The administrator registered each leader's certificate to the leader and the agency's to it.
    registered = SigningCertificate.objects.filter(is_active=True)
    assert sorted(registered.filter(user__isnull=False).values_list("user_id", flat=True)) == sorted(
        p.user_id for p in leaders
    )
    assert registered.get(agency__isnull=False).agency == agency
    assert set(registered.values_list("registered_by_id", flat=True)) == {admin_id}
    assert set(
        AuditEvent.objects.filter(verb="signing.certificate_registered").values_list("actor_id", flat=True)
    ) == {admin_id}
    assert AuditEvent.objects.get(verb=selectors.SIGNING_READY_VERB).actor_name == "system:test"
    assert audit.verify() is None

    # Written: one password-protected key per signer, the CA (trusted), no private key in clear.
    assert not kit.missing_files()
    assert [c.sha256.hex() for c in trust_roots()] == [kit.ca_sha256]
    for path in demo_var.rglob("*"):
        if path.is_file() and "media" not in path.parts:
            assert b"PRIVATE KEY" not in path.read_bytes(), path
    for key in kit.keys:
        assert (Path(kit.keys_dir) / key.file_name).stat().st_mode & 0o077 == 0
    assert signing_kit.KEY_PASSWORD in (Path(kit.keys_dir) / "README.txt").read_text(encoding="utf-8")
    leader_file = (Path(kit.keys_dir) / "lanhdao.snv.p12").read_bytes()
    user_id = posts[LOGIN_LEADER].user_id
    with pytest.raises(DomainError) as refused:
        open_user_signer(user_id=user_id, key=KeyInput(pkcs12=leader_file, password=DEFAULT_PASSWORD))
    assert refused.value.code == "wrong_pin"
    with open_user_signer(
        user_id=user_id, key=KeyInput(pkcs12=leader_file, password=signing_kit.KEY_PASSWORD)
    ) as opened:
        assert opened.certificate.subject.native["common_name"] == posts[LOGIN_LEADER].user.full_name


@pytest.mark.django_db
def test_make_demo_adds_the_kit_prints_it_and_rebuilds_it_when_its_files_are_gone(
    demo_var: Path, django_capture_on_commit_callbacks: Capture
) -> None:
    _build_demo()  # a demo database made before the kit existed
    leader_post = selectors.primary_posts([LOGIN_LEADER])[LOGIN_LEADER]
    own = SignatureImage.objects.create(
        user=leader_post.user, png=b"x", sha256="0" * 64, width_px=1, height_px=1
    )

    def run() -> str:
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("demo_province", "--if-absent", stdout=out)
        return out.getvalue()

    first = run()
    kit = signing_kit.current_kit()
    assert kit is not None and not kit.missing_files()
    assert "Đã tạo bộ khóa ký số mẫu" in first and signing_kit.KEY_PASSWORD in first
    for key in kit.keys:
        assert str(Path(kit.keys_dir) / key.file_name) in first
    assert Path(kit.trust_file).name in first
    # What the leader uploaded themselves is theirs: the kit does not replace it.
    own.refresh_from_db()
    assert own.sha256 == "0" * 64

    second = run()
    assert "Đã tạo bộ khóa ký số mẫu" not in second and signing_kit.KEY_PASSWORD in second
    assert AuditEvent.objects.filter(verb=selectors.SIGNING_READY_VERB).count() == 1

    (Path(kit.keys_dir) / "coquan.snv.p12").unlink()
    third = run()
    rebuilt = signing_kit.current_kit()
    assert rebuilt is not None and rebuilt.ca_sha256 != kit.ca_sha256 and "Đã tạo bộ khóa" in third
    # The earlier CA stays trusted, so documents signed under it still validate.
    assert {c.sha256.hex() for c in trust_roots()} == {kit.ca_sha256, rebuilt.ca_sha256}
    assert ApprovalChain.objects.count() == 1 and AgencySeal.objects.count() == 1


@pytest.mark.django_db
def test_a_trust_store_file_is_refused_and_nothing_is_written(
    demo_var: Path, settings: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    _build_demo()
    store = demo_var / "operator-ca.pem"
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text("operator's own bundle", encoding="utf-8")
    settings.EOFFICE_TRUST_STORE = str(store)
    with pytest.raises(Conflict) as refused:
        _build_kit(django_capture_on_commit_callbacks)
    assert refused.value.code == "trust_store_is_file"
    assert not SignatureImage.objects.exists() and not ApprovalChain.objects.exists()
    assert not (demo_var / signing_kit.KEYS_DIR_NAME).exists()
    assert store.read_text(encoding="utf-8") == "operator's own bundle"
    # make demo goes on without signing and says why.
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_province", "--if-absent", stdout=out, stderr=err)
    assert "Không tạo được bộ khóa ký số mẫu" in err.getvalue() and "EOFFICE_TRUST_STORE" in err.getvalue()
    assert LOGIN_LEADER in out.getvalue() and signing_kit.KEY_PASSWORD not in out.getvalue()


def test_only_the_machine_or_a_superuser_may_build_the_kit(cast: Cast) -> None:
    for user in (cast.clerk_a, cast.leader_a, cast.admin_a, cast.outsider):
        position = Position.objects.filter(user=user, is_primary=True).first()
        with pytest.raises(PermissionDenied):
            signing_kit.demo_signing_kit_build(actor=Actor(user=user, position=position))
    with pytest.raises(Conflict) as refused:
        signing_kit.demo_signing_kit_build(actor=Actor(user=cast.superuser))
    assert refused.value.code == "demo_missing"
    assert not SignatureImage.objects.exists()
