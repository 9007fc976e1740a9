"""The whole outgoing path in Debian's Chromium, as five people do it (issue #4, "done means"):

1. a specialist drafts a reply to an incoming document and submits it;
2. the unit head returns it once, with a reason;
3. the specialist fixes it (a new version) and submits again; the unit head agrees;
4. the leader signs it from "Văn bản chờ ký" with a SoftHSM2 token (PIN typed once);
5. the clerk numbers it, applies the organisation's signature (PKCS#12) and releases it to two
   agencies of the installation and one external agency;
6. the recipients see it, and pyHanko validates both signatures on the released PDF against the
   test CA: intact, trusted, and the leader's certification not broken by the number/date fill.

Screenshots of each step are kept under var/test-artifacts/.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from eoffice.core.actor import Actor
from eoffice.directory.models import Agency
from eoffice.documents import blobs, services
from eoffice.documents.models import Document, DocumentStatus, DocumentType
from eoffice.documents.tests.factories import confirmed_document
from eoffice.outgoing.models import Delivery, DeliveryStatus, Draft, DraftSignature, DraftStatus
from eoffice.outgoing.tests import signkit
from eoffice.people.models import Role
from eoffice.signing import credentials, pades
from eoffice.signing.tests import hsm
from eoffice.signing.tests.pki import PFX_PASSWORD, build_pki, sample_pdf, seal_png, signature_png
from eoffice.signing.validation import ValidationResult, validate_pdf
from eoffice.testing.browser import ARTIFACTS, login
from eoffice.testing.cast import PASSWORD, Cast, build_cast, give_position, make_user
from eoffice.work import services as work
from eoffice.work.services import LineSpec
from eoffice.work.statuses import LineRole

pytestmark = [
    pytest.mark.browser,
    pytest.mark.softhsm,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUBJECT = "Về việc trả lời đề nghị bổ sung biên chế năm 2026"


@pytest.fixture(scope="module", autouse=True)
def _migrated_rows_before_the_browser(django_db_setup: None, django_db_blocker: Any) -> None:
    """Chromium (module scope) starts its event loop before the function-scoped database fixtures
    run, and Django then gives this thread fresh connection objects that cannot restore the rows
    migrations seed (document types, …) once an earlier transactional test flushed them. Restore
    them here, before the browser starts."""
    from django.db import connection

    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents and not DocumentType.objects.exists():
            connection.creation.deserialize_db_from_string(contents)


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"outgoing-path-{name}.png"), full_page=True)


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    login(page, base, username, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def actor(cast: Cast, user: Any) -> Actor:
    return Actor(user=user, position=cast.position(user))


def _incoming_for_the_specialist(cast: Cast) -> Document:
    """A registered incoming letter the leader handed to the specialist: the one to answer."""
    document = confirmed_document(cast)
    services.document_register(actor=actor(cast, cast.clerk_a), document=document)
    item = services.document_present(
        actor=actor(cast, cast.clerk_a), document=document, leader_id=cast.leader_a.pk
    )
    leader = actor(cast, cast.leader_a)
    top = item.lines.get(level_key=0)
    work.line_receive(line=top, actor=leader)
    work.line_forward(line=top, specs=[LineSpec.person(LineRole.LEAD, cast.specialist_a.pk)], actor=leader)
    return document


def _setup(cast: Cast, token: hsm.Token) -> tuple[Document, Agency, Any]:
    admin = actor(cast, cast.admin_a)
    signkit.chain(cast)
    credentials.seal_set(actor=admin, agency=cast.agency_a, png=seal_png(), diameter_mm=36)  # type: ignore[arg-type]
    credentials.key_reference_set(
        actor=admin,
        agency=cast.agency_a,
        user_id=cast.leader_a.pk,
        module_path=token.module,
        token_label=token.label,
        key_label=token.key_label,
    )
    external = Agency.objects.create(code="G12.34.56", name="Bộ Tài chính", abbreviation="BTC", hosted=False)
    province_clerk = make_user("vanthu.tinh", "Lý Thị Văn Thư Tỉnh")
    give_position(province_clerk, cast.province, "Văn thư", [Role.VAN_THU])
    return _incoming_for_the_specialist(cast), external, province_clerk


def _validate_in_a_thread(data: bytes, roots: list[Any]) -> ValidationResult:
    # pyHanko validates with asyncio.run(), which cannot run in the thread where Playwright's loop is.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate_pdf, data, roots=roots).result()


def test_whole_outgoing_path_in_the_browser(live_server, page, tmp_path: Path, settings) -> None:
    if not hsm.available():
        pytest.skip("softhsm2 and opensc (pkcs11-tool) are needed for the token signature")
    pki = build_pki()
    token = hsm.shared_tokens(pki.leader, pki.org)["leader"]
    settings.EOFFICE_TRUST_STORE = str(pki.write_trust_store(tmp_path))
    settings.EOFFICE_PLACE_NAME = "Thử Nghiệm"
    cast = build_cast()
    incoming, external, province_clerk = _setup(cast, token)
    base = live_server.url
    first, fixed = tmp_path / "du-thao-v1.pdf", tmp_path / "du-thao-v2.pdf"
    first.write_bytes(sample_pdf(1))
    fixed.write_bytes(sample_pdf(2))
    signature_file, pfx_file = tmp_path / "chu-ky.png", tmp_path / "van-thu.p12"
    signature_file.write_bytes(signature_png())
    pfx_file.write_bytes(pki.org.pfx())
    leader_cert, agency_cert = tmp_path / "lanh-dao.cer", tmp_path / "co-quan.der"
    leader_cert.write_bytes(pki.leader.cert_pem())
    agency_cert.write_bytes(pki.org.cert_der())

    # 1. The specialist drafts the reply and submits it.
    sign_in(page, base, cast.specialist_a.username)
    page.goto(f"{base}/outgoing/new/?reply_to={incoming.pk}")
    assert page.input_value("#id_reply_to_id") == str(incoming.pk)
    page.select_option("#id_document_type", label="Công văn")
    page.fill("#id_subject", SUBJECT)
    page.select_option("#id_recipients", [str(cast.agency_b.pk), str(cast.province.pk), str(external.pk)])
    page.set_input_files("#id_main_file", str(first))
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.wait_for_selector("text=Đã lưu dự thảo (phiên bản 1).")
    draft = Draft.objects.get()
    page.get_by_role("button", name="Trình ký").click()
    page.wait_for_selector("text=Đã trình ký dự thảo.")
    shot(page, "1-drafted-submitted")

    # 2. The unit head returns it once.
    sign_in(page, base, cast.unit_head_a.username)
    page.goto(f"{base}/outgoing/{draft.pk}/")
    page.fill("#return-reason", "Bổ sung số liệu biên chế quý IV.")
    page.get_by_role("button", name="Trả lại").click()
    page.wait_for_selector("text=Đã trả lại dự thảo cho người soạn thảo.")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.RETURNED

    # 3. The specialist fixes it and submits again; the unit head agrees.
    sign_in(page, base, cast.specialist_a.username)
    page.goto(f"{base}/outgoing/{draft.pk}/")
    assert "Bổ sung số liệu biên chế quý IV." in page.content()
    page.goto(f"{base}/outgoing/{draft.pk}/edit/")
    page.set_input_files("#id_main_file", str(fixed))
    page.fill("#id_note", "Đã bổ sung số liệu quý IV")
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.wait_for_selector("text=Đã lưu phiên bản 2.")
    page.get_by_role("button", name="Trình ký").click()
    page.wait_for_selector("text=Đã trình ký dự thảo.")
    sign_in(page, base, cast.unit_head_a.username)
    page.goto(f"{base}/outgoing/{draft.pk}/")
    page.get_by_role("button", name="Đồng ý").click()
    page.wait_for_selector("text=Đã đồng ý; dự thảo chuyển sang bước tiếp theo.")
    shot(page, "3-fixed-agreed")

    # 3b. The agency's administrator registers the leader's certificate and the agency's (signing
    # refuses any other), on a phone-width screen.
    sign_in(page, base, cast.admin_a.username)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{base}/signing/credentials/")
    owners = [(cast.leader_a.full_name, leader_cert), ("Cơ quan (chữ ký số của cơ quan)", agency_cert)]
    for registered, (owner, path) in enumerate(owners, start=1):
        page.select_option("#certificate-user", label=owner)
        page.set_input_files("#certificate-file", str(path))
        page.get_by_role("button", name="Đăng ký chứng thư số").click()
        page.wait_for_function(
            "n => document.querySelectorAll('#certificates tr[data-certificate]').length === n",
            arg=registered,
        )
    assert "Đã đăng ký chứng thư số" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "3b-certificate-registered")
    page.set_viewport_size({"width": 1280, "height": 900})

    # 4. The leader uploads a signature image, then signs from "Văn bản chờ ký" with the token.
    sign_in(page, base, cast.leader_a.username)
    page.goto(f"{base}/signing/credentials/")
    page.set_input_files("#signature-image", str(signature_file))
    page.get_by_role("button", name="Lưu ảnh chữ ký").click()
    page.wait_for_selector("text=Đã lưu ảnh chữ ký.")
    page.goto(f"{base}/outgoing/to-sign/")
    page.check(f"#draft-{draft.pk}")
    page.locator("#batch-sign-form #id_pin").fill(token.pin)
    page.get_by_role("button", name="Ký số các văn bản đã chọn").click()
    page.wait_for_selector("text=Đã ký số 1 văn bản.")
    assert page.locator(f"#sign-results tr[data-draft='{draft.pk}']").get_attribute("data-ok") == "1"
    shot(page, "4-leader-signed")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED
    signature = DraftSignature.objects.get(draft=draft)
    assert signature.key_kind == "pkcs11" and signature.version.number == 2

    # 5. The clerk numbers it, signs for the agency and releases it.
    sign_in(page, base, cast.clerk_a.username)
    page.goto(f"{base}/outgoing/to-number/")
    page.get_by_role("link", name=SUBJECT).click()
    page.get_by_role("button", name="Cấp số", exact=True).click()
    page.wait_for_selector("text=Đã cấp số 01/SNV-TCBC.")
    page.set_input_files("#org-sign-form #id_pkcs12", str(pfx_file))
    page.locator("#org-sign-form #id_password").fill(PFX_PASSWORD.decode())
    page.get_by_role("button", name="Ký số của cơ quan").click()
    page.wait_for_selector("text=Đã ký số của cơ quan; văn bản sẵn sàng phát hành.")
    page.get_by_role("button", name="Phát hành").click()
    page.wait_for_selector("text=Đã phát hành tới 3 nơi nhận.")
    shot(page, "5-numbered-org-signed-released")

    # 6. The recipients see it; the external agency waits for the exchange.
    for clerk in (cast.clerk_b, province_clerk):
        sign_in(page, base, clerk.username)
        page.goto(f"{base}{reverse('documents:incoming')}")
        page.wait_for_selector(f"text={SUBJECT}")
    shot(page, "6-recipient-sees-it")
    deliveries = {d.agency_id: d for d in Delivery.objects.filter(draft=draft)}
    assert deliveries[external.pk].status == DeliveryStatus.WAITING_EXCHANGE
    copies = Document.objects.filter(agency__in=[cast.agency_b, cast.province])
    assert copies.count() == 2 and all(c.status == DocumentStatus.RECEIVED for c in copies)
    signature.refresh_from_db()
    released = blobs.read_bytes(copies[0].files.get(role="main").stored_file)
    assert copies[0].files.get(role="main").stored_file_id == signature.final_file_id
    result = _validate_in_a_thread(released, [pki.ca_asn1()])
    assert result.all_valid, result.summary
    leader, organisation = result.signatures
    assert (leader.field_name, organisation.field_name) == (pades.LEADER_FIELD, pades.ORG_FIELD)
    assert leader.intact and leader.trusted and leader.certification and leader.docmdp_ok
    assert leader.modification_level == "FORM_FILLING"
    assert set(leader.changed_form_fields) <= {pades.NUMBER_FIELD, pades.DATE_FIELD, pades.ORG_FIELD}
    assert organisation.intact and organisation.trusted and organisation.coverage == "ENTIRE_FILE"
