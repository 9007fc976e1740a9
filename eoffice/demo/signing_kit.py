"""What the demo province needs so a visitor can sign an outgoing document and release it.

In the printed logins' agency (province 1's Sở Nội vụ) the outgoing flow (`outgoing/signing.py`)
asks for:
- a default approval chain ending in a "Ký ban hành" step, or a draft cannot even be submitted:
  the printed unit head reviews, the printed leader signs;
- each leader's blue signature image (`keys.signature_image_of`), and the agency's red seal
  (`keys.seal_of`) for the clerk's organisation signature;
- a key for the leader and one for the agency, whose certificates chain to the trust store.

The chain, images and seal are set through the same services, with the same people as actors, as
a real agency would: each leader uploads their own signature image, the agency's administrator
sets the seal and the chain, and registers each leader's certificate and the agency's (signing
refuses a certificate not registered to the signer). Things a visitor already set are left alone.

Keys are PKCS#12 files. The product never keeps a PKCS#12 file or its password (they come with
each signing request; `KeyReference` only names PKCS#11 tokens), so nothing about them goes in
the database: the files are written under `var/demo-keys/` for the visitor to upload, protected by
the printed `KEY_PASSWORD`. The demo CA that issued them goes into the trust store directory
(EOFFICE_TRUST_STORE, default `var/trust/`), so signing accepts them and validation says "valid".
Files are written when the transaction commits, except the CA, which registration needs trusted
first; a kit whose files are gone is built again.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict
from eoffice.demo import policies, selectors, stamps
from eoffice.demo.pki import DemoPki, Holder, IssuedKey, issue_demo_pki
from eoffice.demo.province import (
    LOGIN_ADMIN,
    LOGIN_AGENCY_SLUG,
    LOGIN_CLERK,
    LOGIN_LEADER,
    LOGIN_UNIT_HEAD,
)
from eoffice.directory.models import Agency
from eoffice.outgoing import approval
from eoffice.people.models import Position
from eoffice.signing import certificates, credentials

# Printed on purpose, like the shared login password: these keys sign nothing real.
KEY_PASSWORD = "KySo@Demo2025"  # noqa: S105
KEYS_DIR_NAME = "demo-keys"
CA_COPY_NAME = "eoffice-demo-ca.pem"
SEAL_DIAMETER_MM = 36
CHAIN_NAME = "Trình ký thường (dữ liệu mẫu)"


@dataclass(frozen=True)
class KitKey:
    file_name: str
    # Who uploads it: the leader themselves, or the clerk for the agency's signature.
    username: str
    kind: str  # "person" | "agency"
    title: str
    subject: str
    serial: str


@dataclass(frozen=True)
class SigningKit:
    agency_code: str
    keys_dir: str
    trust_file: str
    ca_sha256: str
    keys: list[KitKey]

    def paths(self) -> list[Path]:
        return [Path(self.trust_file), *(Path(self.keys_dir) / key.file_name for key in self.keys)]

    def missing_files(self) -> list[Path]:
        return [path for path in self.paths() if not path.is_file()]

    def as_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SigningKit:
        return cls(**{**data, "keys": [KitKey(**key) for key in data["keys"]]})


def current_kit() -> SigningKit | None:
    event = selectors.demo_signing_event()
    return SigningKit.from_data(event.data) if event is not None else None


def keys_directory() -> Path:
    return Path(settings.VAR_DIR) / KEYS_DIR_NAME


def _trust_directory() -> Path:
    raw = str(settings.EOFFICE_TRUST_STORE or "")
    if not raw:
        raise Conflict(
            "no_trust_store",
            _("EOFFICE_TRUST_STORE đang để trống: không có nơi đặt CA mẫu để chữ ký số được tin cậy."),
        )
    path = Path(raw)
    if path.exists() and not path.is_dir():
        raise Conflict(
            "trust_store_is_file",
            _("EOFFICE_TRUST_STORE (%(path)s) là một tệp, không phải thư mục: không thể thêm CA mẫu vào đó.")
            % {"path": raw},
        )
    return path


@dataclass(frozen=True)
class _People:
    agency: Agency
    admin: Position
    clerk: Position
    reviewer: Position
    leader: Position
    leaders: list[Position]


def _people() -> _People:
    wanted = (LOGIN_ADMIN, LOGIN_CLERK, LOGIN_UNIT_HEAD, LOGIN_LEADER)
    posts = selectors.primary_posts(wanted)
    missing = [name for name in wanted if name not in posts]
    agency = posts[LOGIN_ADMIN].agency if LOGIN_ADMIN in posts else None
    if missing or agency is None or any(posts[name].agency_id != agency.pk for name in wanted):
        raise Conflict(
            "demo_people_missing",
            _("Không tìm thấy đủ tài khoản mẫu đang giữ chức vụ trong cùng cơ quan: %(usernames)s.")
            % {"usernames": ", ".join(missing or wanted)},
        )
    leader = posts[LOGIN_LEADER]
    # The printed leader signs in the chain, so they get a key whatever roles the others hold.
    deputies = [p for p in selectors.agency_leader_posts(agency) if p.pk != leader.pk]
    return _People(
        agency, posts[LOGIN_ADMIN], posts[LOGIN_CLERK], posts[LOGIN_UNIT_HEAD], leader, [leader, *deputies]
    )


def _organisation(agency: Agency) -> str:
    """ "Sở Nội vụ tỉnh Yên Ngọc": a department's own name says nothing of its province."""
    parent = agency.parent
    if parent is not None and parent.name.startswith("Ủy ban nhân dân "):
        return f"{agency.name} {parent.name.removeprefix('Ủy ban nhân dân ')}"
    return agency.name


def _holders(people: _People) -> tuple[list[Holder], list[KitKey]]:
    organisation = _organisation(people.agency)
    holders: list[Holder] = []
    uses: list[KitKey] = []
    for post in people.leaders:
        name = post.user.full_name or post.user.username
        holders.append(Holder(f"{post.user.username}.p12", name, organisation, post.title))
        uses.append(KitKey(f"{post.user.username}.p12", post.user.username, "person", post.title, "", ""))
    agency_file = f"coquan.{LOGIN_AGENCY_SLUG}.p12"
    holders.append(Holder(agency_file, organisation, organisation))
    uses.append(KitKey(agency_file, people.clerk.user.username, "agency", people.agency.name, "", ""))
    return holders, uses


def _as(post: Position) -> Actor:
    return Actor(user=post.user, position=post)


def _register(people: _People) -> None:
    """Images, seal and chain through the signing and outgoing services, as the agency would."""
    for post in people.leaders:
        if not selectors.has_signature_image(post.user_id):
            png = stamps.signature_png(post.user.full_name)
            credentials.signature_image_set(actor=_as(post), png=png)
    agency = people.agency
    if not selectors.has_seal(agency):
        issuer = agency.parent.short_name if agency.parent is not None else agency.short_name
        credentials.seal_set(
            actor=_as(people.admin),
            agency=agency,
            png=stamps.seal_png(agency.short_name or agency.name, issuer, diameter_mm=SEAL_DIAMETER_MM),
            diameter_mm=Decimal(SEAL_DIAMETER_MM),
        )
    if not selectors.has_approval_chain(agency):
        approval.approval_chain_set(
            actor=_as(people.admin),
            agency=agency,
            document_type=None,
            name=CHAIN_NAME,
            steps=[
                approval.StepInput(approval.StepKind.REVIEW, people.reviewer.user_id, working_days=2),
                approval.StepInput(approval.StepKind.SIGN, people.leader.user_id, working_days=1),
            ],
        )


def _certificate_pem(key: IssuedKey) -> bytes:
    """The public certificate inside a kit's PKCS#12 file (registration takes the certificate only)."""
    _key, cert, _extra = pkcs12.load_key_and_certificates(key.pkcs12, KEY_PASSWORD.encode())
    assert cert is not None
    return cert.public_bytes(Encoding.PEM)


def _register_certificates(people: _People, kit: SigningKit, pki: DemoPki) -> None:
    """Each leader's certificate to the leader and the agency's to the agency, registered by the
    agency's administrator as a real agency would; a rebuilt kit adds its own beside the old ones."""
    issued = {key.file_name: key for key in pki.keys}
    posts = {post.user.username: post for post in people.leaders}
    for use in kit.keys:
        person = posts[use.username].user_id if use.kind == "person" else None
        certificates.certificate_register(
            actor=_as(people.admin),
            agency=people.agency,
            user_id=person,
            data=_certificate_pem(issued[use.file_name]),
        )


@transaction.atomic
def demo_signing_kit_build(*, actor: Actor) -> SigningKit:
    """A new demo CA and keys, the CA trusted, and the images, seal and chain signing needs."""
    policies.require_can_build_demo(actor)
    if selectors.demo_built_event() is None:
        raise Conflict("demo_missing", _("Chưa có dữ liệu mẫu: hãy chạy demo_province trước."))
    trust_dir = _trust_directory()
    people = _people()
    holders, uses = _holders(people)
    pki = issue_demo_pki(holders, ca_name="CA mẫu eOffice (chỉ dùng thử)", password=KEY_PASSWORD)
    issued = {key.file_name: key for key in pki.keys}
    kit = SigningKit(
        agency_code=people.agency.code,
        keys_dir=str(keys_directory()),
        # Named by fingerprint: a rebuilt kit adds its CA beside the old one, so documents signed
        # under an earlier kit still validate.
        trust_file=str(trust_dir / f"eoffice-demo-ca-{pki.ca_sha256[:16]}.pem"),
        ca_sha256=pki.ca_sha256,
        keys=[
            replace(use, subject=issued[use.file_name].subject, serial=issued[use.file_name].serial)
            for use in uses
        ],
    )
    _register(people)
    # Registration checks the chain to the trust store, so the CA goes there now rather than on
    # commit. Should the transaction roll back, the CA left behind vouches for nothing: its
    # private key is already gone and its certificates' keys were never written.
    _write_trusted_ca(kit, pki)
    _register_certificates(people, kit, pki)
    audit.record(
        actor=actor, verb=selectors.SIGNING_READY_VERB, agency_id=people.agency.pk, data=kit.as_data()
    )
    transaction.on_commit(lambda: write_kit_files(kit, pki))
    return kit


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write through a temporary file and rename, so a reader never sees half a key or CA."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
    os.chmod(partial, mode)  # os.open's mode is filtered by the umask
    partial.replace(path)


def write_kit_files(kit: SigningKit, pki: DemoPki) -> None:
    keys_dir = Path(kit.keys_dir)
    keys_dir.mkdir(parents=True, exist_ok=True)
    for key in pki.keys:
        _write(keys_dir / key.file_name, key.pkcs12, 0o600)
    _write(keys_dir / CA_COPY_NAME, pki.ca_pem, 0o644)
    _write(keys_dir / "README.txt", readme(kit).encode(), 0o644)
    _write_trusted_ca(kit, pki)


def _write_trusted_ca(kit: SigningKit, pki: DemoPki) -> None:
    trust_file = Path(kit.trust_file)
    trust_file.parent.mkdir(parents=True, exist_ok=True)
    _write(trust_file, pki.ca_pem, 0o644)


def readme(kit: SigningKit) -> str:
    lines = [
        "Khóa ký số mẫu của eOffice (dữ liệu mẫu, chỉ dùng thử; không ký được văn bản thật).",
        f"Mật khẩu mọi tệp .p12: {KEY_PASSWORD}",
        "",
        "Ký văn bản: đăng nhập bằng tài khoản lãnh đạo, mở «Văn bản chờ ký», chọn tệp .p12 của mình",
        "và nhập mật khẩu trên. Ký số của cơ quan: văn thư chọn tệp coquan.*.p12 sau khi cấp số.",
        "",
    ]
    for key in kit.keys:
        purpose = "ký số của cơ quan" if key.kind == "agency" else "ký văn bản"
        lines.append(f"{key.file_name}: {key.username} ({key.title}), {purpose}")
    lines += [
        "",
        f"{CA_COPY_NAME}: CA mẫu đã cấp các chứng thư trên; eOffice tin cậy CA này qua {kit.trust_file}.",
        "Nhập CA này vào trình đọc PDF nếu muốn trình đọc cũng báo chữ ký hợp lệ.",
        "",
    ]
    return "\n".join(lines)
