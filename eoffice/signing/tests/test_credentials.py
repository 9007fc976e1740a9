"""Signing credentials: signature image, seal, key references; hostile images refused, nothing kept;
who may and who may not; the page."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from eoffice.core.actor import Actor
from eoffice.core.errors import PermissionDenied, ValidationFailed
from eoffice.signing import credentials
from eoffice.signing.models import AgencySeal, KeyReference, SignatureImage
from eoffice.signing.tests.pki import seal_png, signature_png
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db
MODULE = "/usr/lib/softhsm/libsofthsm2.so"


def _actor(cast: Cast, user: object) -> Actor:
    return Actor(user=user, position=cast.position(user))  # type: ignore[arg-type]


def _png(colour: tuple[int, int, int, int], size: tuple[int, int] = (200, 80), mode: str = "RGBA") -> bytes:
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else (255, 255, 255))
    image.paste(colour[: len(mode)], (20, 20, size[0] - 20, size[1] - 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _login(user: object) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "image_required"),
        (b"GIF89a not a png", "image_not_png"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image_not_png"),
        (b"\x89PNG" + b"0" * (1024 * 1024 + 1), "image_too_large"),
        ("jpeg", "image_not_png"),
        ("opaque", "image_not_transparent"),
        ("red", "image_not_blue"),
        ("tiny", "image_size"),
        ("huge", "image_size"),
    ],
)
def test_a_bad_signature_image_is_refused_and_nothing_kept(cast: Cast, data: object, code: str) -> None:
    if data == "jpeg":
        out = io.BytesIO()
        Image.new("RGB", (100, 50), (20, 40, 200)).save(out, format="JPEG")
        data = out.getvalue()
    elif data == "opaque":
        data = _png((20, 40, 200, 255), mode="RGB")
    elif data == "red":
        data = seal_png()
    elif data == "tiny":
        data = _png((20, 40, 200, 255), size=(10, 10))
    elif data == "huge":
        # A small file whose header claims 5000 × 20 px: refused before decoding.
        data = _png((20, 40, 200, 255), size=(5000, 30))
    with pytest.raises(ValidationFailed) as error:
        credentials.signature_image_set(actor=_actor(cast, cast.leader_a), png=data)  # type: ignore[arg-type]
    assert error.value.code == code
    assert not SignatureImage.objects.exists()


def test_signature_image_is_the_signers_own_and_the_seal_the_admins(cast: Cast) -> None:
    image = credentials.signature_image_set(actor=_actor(cast, cast.leader_a), png=signature_png())
    assert image.user == cast.leader_a and image.width_px == 500
    with pytest.raises(PermissionDenied):
        credentials.signature_image_set(actor=Actor(user=None), png=signature_png())
    with pytest.raises(ValidationFailed) as error:
        credentials.seal_set(
            actor=_actor(cast, cast.admin_a),
            agency=cast.agency_a,
            png=signature_png(),
            diameter_mm=Decimal(36),
        )
    assert error.value.code == "image_not_red"
    with pytest.raises(ValidationFailed) as error:
        credentials.seal_set(
            actor=_actor(cast, cast.admin_a), agency=cast.agency_a, png=seal_png(), diameter_mm=Decimal(80)
        )
    assert error.value.code == "seal_diameter"
    for who in (cast.clerk_a, cast.leader_a, cast.specialist_a, cast.clerk_b):
        with pytest.raises(PermissionDenied):
            credentials.seal_set(
                actor=_actor(cast, who), agency=cast.agency_a, png=seal_png(), diameter_mm=Decimal(36)
            )
    assert not AgencySeal.objects.exists()
    seal = credentials.seal_set(
        actor=_actor(cast, cast.admin_a), agency=cast.agency_a, png=seal_png(), diameter_mm=Decimal("38.5")
    )
    assert seal.diameter_mm == Decimal("38.5")


def test_key_references_name_allowed_modules_and_people_of_the_agency(cast: Cast) -> None:
    admin = _actor(cast, cast.admin_a)
    reference = credentials.key_reference_set(
        actor=admin,
        agency=cast.agency_a,
        user_id=cast.leader_a.pk,
        module_path=MODULE,
        token_label="LANHDAO",
        key_label="signer",
    )
    assert reference.user_id == cast.leader_a.pk
    agency_key = credentials.key_reference_set(
        actor=admin,
        agency=cast.agency_a,
        user_id=None,
        module_path=MODULE,
        token_label="VANTHU",
        key_label="org",
    )
    assert agency_key.agency_id == cast.agency_a.pk
    bad: list[tuple[dict[str, Any], str]] = [
        ({"module_path": "/tmp/evil.so"}, "module_not_allowed"),
        ({"token_label": " "}, "invalid_label"),
        ({"key_label": "x" * 101}, "invalid_label"),
        ({"user_id": cast.clerk_b.pk}, "not_in_agency"),
    ]
    for change, code in bad:
        values = {
            "user_id": cast.leader_a.pk,
            "module_path": MODULE,
            "token_label": "T",
            "key_label": "K",
            **change,
        }
        with pytest.raises(ValidationFailed) as error:
            credentials.key_reference_set(actor=admin, agency=cast.agency_a, **values)
        assert error.value.code == code
    with pytest.raises(PermissionDenied):
        credentials.key_reference_set(
            actor=_actor(cast, cast.clerk_a),
            agency=cast.agency_a,
            user_id=None,
            module_path=MODULE,
            token_label="T",
            key_label="K",
        )
    credentials.key_reference_clear(actor=admin, agency=cast.agency_a, reference=reference)
    assert list(KeyReference.objects.values_list("token_label", flat=True)) == ["VANTHU"]


def test_credentials_page(cast: Cast) -> None:
    url = reverse("signing:credentials")
    assert _login(cast.outsider).get(url).status_code == 403
    leader = _login(cast.leader_a)
    page = leader.get(url).content.decode()
    assert "Ảnh chữ ký của tôi" in page and "Con dấu của cơ quan" not in page
    red = SimpleUploadedFile("do.png", seal_png(), content_type="image/png")
    refused = leader.post(url, {"action": "signature", "image": red})
    assert refused.status_code == 422 and "phải màu xanh" in refused.content.decode()
    blue = SimpleUploadedFile("xanh.png", signature_png(), content_type="image/png")
    assert leader.post(url, {"action": "signature", "image": blue}).status_code == 302
    assert SignatureImage.objects.filter(user=cast.leader_a).exists()
    seal = SimpleUploadedFile("dau.png", seal_png(), content_type="image/png")
    assert leader.post(url, {"action": "seal", "image": seal, "diameter_mm": "36"}).status_code == 403
    admin = _login(cast.admin_a)
    assert "Con dấu của cơ quan" in admin.get(url).content.decode()
    seal = SimpleUploadedFile("dau.png", seal_png(), content_type="image/png")
    assert admin.post(url, {"action": "seal", "image": seal, "diameter_mm": "36"}).status_code == 302
    key = {
        "action": "key",
        "user": str(cast.leader_a.pk),
        "module_path": MODULE,
        "token_label": "LD",
        "key_label": "k",
    }
    assert admin.post(url, key).status_code == 302
    evil = admin.post(url, {**key, "module_path": "/tmp/evil.so"})
    assert evil.status_code == 422 and "EOFFICE_PKCS11_MODULES" in evil.content.decode()
    assert KeyReference.objects.get().module_path == MODULE


def test_a_system_admin_without_a_post_is_not_offered_a_signature_form(cast: Cast) -> None:
    # Setting one is refused (require_own_signature): the page says so instead of a form that 403s.
    url = reverse("signing:credentials")
    page = _login(cast.superuser).get(url).content.decode()
    assert 'value="signature"' not in page
    assert 'id="signature-not-yours"' in page and "Chỉ chính người ký" in page
    assert 'value="signature"' in _login(cast.clerk_a).get(url).content.decode()


@pytest.mark.parametrize("user", ["khong-co", "-1", str(10**25)])
def test_a_garbled_key_owner_is_refused_not_read_as_the_agency(cast: Cast, user: str) -> None:
    # An empty choice means the agency's own key; anything the list cannot hold is an error.
    url = reverse("signing:credentials")
    key = {"action": "key", "user": user, "module_path": MODULE, "token_label": "LD", "key_label": "k"}
    response = _login(cast.admin_a).post(url, key)
    assert response.status_code == 422 and "Người được chọn không hợp lệ." in response.content.decode()
    assert not KeyReference.objects.exists()


def test_clearing_a_missing_key_or_an_unknown_action_says_so(cast: Cast) -> None:
    url = reverse("signing:credentials")
    admin = _login(cast.admin_a)
    for posted, message in (
        ({"action": "clear", "reference": "999999999"}, "Không tìm thấy khóa ký số."),
        ({"action": "clear", "reference": str(10**25)}, "Không tìm thấy khóa ký số."),
        ({}, "Thao tác không hợp lệ."),
        ({"action": "khong-co"}, "Thao tác không hợp lệ."),
    ):
        response = admin.post(url, posted)
        assert response.status_code == 422 and message in response.content.decode(), posted
