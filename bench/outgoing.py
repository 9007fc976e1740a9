"""Benchmark: an outgoing document released to 1,000 hosted agencies, and signing throughput.

    python bench/outgoing.py [--quick] [--recipients N] [--documents N] [--out FILE.json]

Runs on a throwaway database: PostgreSQL when DATABASE_URL names a server (the target is set for
PostgreSQL), else SQLite. Builds the standing cast and N hosted communes, a throwaway CA, and
SoftHSM2 tokens for the leader and the agency.

1. Release: one draft goes through the real path — the chain's sign step signed by the leader
   (PKCS#12), numbered, signed for the agency — and is released to every commune. The figure is
   the seconds from the clerk's "release" until every recipient's incoming copy is committed and
   visible (the release is one transaction, so that moment is its commit), then checked by
   counting the recipients' incoming documents and opening one recipient clerk's queue.
2. Signing throughput through the outgoing services (database, blobs, audit, work engine
   included): the leader's signature (`signing.draft_sign`) and the agency's
   (`signing.draft_org_sign`), with PKCS#12 keys and with SoftHSM2 tokens, in documents per second.

Checks: every recipient got the signed PDF, every signature validates, both key holders ran.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import report, throwaway_database


def _setup(recipients: int, workdir: Path) -> dict[str, Any]:
    from eoffice.core.actor import Actor
    from eoffice.directory.models import Agency, AgencyKind
    from eoffice.outgoing import approval
    from eoffice.signing import credentials
    from eoffice.signing.tests.pki import seal_png, signature_png
    from eoffice.testing.cast import build_cast

    cast = build_cast()

    def actor(user: Any) -> Actor:
        return Actor(user=user, position=cast.position(user))

    communes = Agency.objects.bulk_create(
        [
            Agency(
                code=f"000.{i // 100:02d}.{i % 100:02d}.K98",
                name=f"UBND xã {i}",
                abbreviation="UBND",
                kind=AgencyKind.COMMUNE,
                hosted=True,
            )
            for i in range(recipients)
        ]
    )
    approval.approval_chain_set(
        actor=actor(cast.admin_a),
        agency=cast.agency_a,
        document_type=None,
        name="Trình ký",
        steps=[approval.StepInput(approval.StepKind.SIGN, cast.leader_a.pk)],
    )
    credentials.signature_image_set(actor=actor(cast.leader_a), png=signature_png())
    credentials.seal_set(actor=actor(cast.admin_a), agency=cast.agency_a, png=seal_png(), diameter_mm=36)  # type: ignore[arg-type]
    return {"cast": cast, "actor": actor, "communes": communes}


def _draft_at_sign_step(env: dict[str, Any], pdf: bytes, recipient_ids: list[int], n: int) -> Any:
    from eoffice.documents.models import DocumentType
    from eoffice.documents.services import UploadPart
    from eoffice.outgoing import approval, services

    cast, actor = env["cast"], env["actor"]
    data = services.DraftInput(
        document_type_id=DocumentType.objects.get(code="cong_van").pk,
        subject=f"Về việc thử nghiệm hiệu năng số {n}",
        recipient_ids=recipient_ids,
        main=UploadPart(f"du-thao-{n}.pdf", pdf + f"\n%{n}\n".encode()),
    )
    draft = services.draft_create(actor=actor(cast.specialist_a), data=data)
    approval.draft_submit(actor=actor(cast.specialist_a), draft=draft)
    return draft


def _sign_and_number(env: dict[str, Any], draft: Any, leader: Any, org: Any) -> tuple[float, float]:
    from eoffice.outgoing import numbering, signing

    cast, actor = env["cast"], env["actor"]
    started = time.perf_counter()
    signing.draft_sign(actor=actor(cast.leader_a), draft=draft, signer=leader)
    middle = time.perf_counter()
    numbering.draft_number(actor=actor(cast.clerk_a), draft=draft, issued_date=dt.date(2026, 11, 26))
    before_org = time.perf_counter()
    signing.draft_org_sign(actor=actor(cast.clerk_a), draft=draft, signer=org)
    return middle - started, time.perf_counter() - before_org


def _release(env: dict[str, Any], pdf: bytes, leader: Any, org: Any) -> dict[str, Any]:
    from eoffice.core.actor import Actor
    from eoffice.documents import selectors as document_selectors
    from eoffice.documents.models import Document, DocumentStatus
    from eoffice.outgoing import release
    from eoffice.outgoing.models import DraftSignature
    from eoffice.people.models import Role
    from eoffice.testing.cast import give_position, make_user

    communes = env["communes"]
    draft = _draft_at_sign_step(env, pdf, [c.pk for c in communes], 0)
    _sign_and_number(env, draft, leader, org)
    started = time.perf_counter()
    release.draft_release(actor=env["actor"](env["cast"].clerk_a), draft=draft)
    released = time.perf_counter() - started
    seen = Document.objects.filter(agency__in=communes, status=DocumentStatus.RECEIVED).count()
    final = DraftSignature.objects.get(draft=draft).final_file_id
    signed_main = Document.objects.filter(
        agency__in=communes, files__role="main", files__stored_file_id=final
    ).count()
    # One recipient clerk opens the incoming queue: the document is there.
    clerk = make_user("vanthu.xa.cuoi", "Văn thư xã cuối")
    position = give_position(clerk, communes[-1], "Văn thư", [Role.VAN_THU])
    queue = document_selectors.incoming_list(actor=Actor(user=clerk, position=position))
    return {
        "release_s": round(released, 3),
        "recipients_seen": seen,
        "recipients_with_signed_pdf": signed_main,
        "last_clerk_sees_it": queue.filter(subject=draft.current_version.subject).exists(),
    }


def _throughput(env: dict[str, Any], pdf: bytes, leader: Any, org: Any, documents: int) -> dict[str, Any]:
    from eoffice.documents import blobs
    from eoffice.outgoing.models import DraftSignature
    from eoffice.signing.validation import validate_pdf

    cast = env["cast"]
    drafts = [_draft_at_sign_step(env, pdf, [cast.agency_b.pk], n) for n in range(1, documents + 1)]
    leader_s = org_s = 0.0
    for draft in drafts:
        a, b = _sign_and_number(env, draft, leader, org)
        leader_s, org_s = leader_s + a, org_s + b
    finals = DraftSignature.objects.filter(draft__in=drafts).select_related("final_file")
    valid = all(validate_pdf(blobs.read_bytes(s.final_file)).all_valid for s in finals)  # type: ignore[arg-type]
    return {
        "leader_docs_per_s": round(documents / leader_s, 2),
        "org_docs_per_s": round(documents / org_s, 2),
        "docs_per_s": round(documents / (leader_s + org_s), 2),
        "valid": valid and finals.count() == documents,
    }


def run(recipients: int, documents: int, vendor: str, workdir: Path, out: Path | None) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from eoffice.signing.signers import Pkcs11Signer, Pkcs12Signer
    from eoffice.signing.tests import hsm
    from eoffice.signing.tests.pki import PFX_PASSWORD, build_pki, register_certificate, sample_pdf

    call_command("migrate", verbosity=0)
    pki = build_pki()
    env = _setup(recipients, workdir)
    # Signing takes only certificates registered to the signer (the leader; the agency for its seal).
    cast, admin = env["cast"], env["actor"](env["cast"].admin_a)
    register_certificate(admin, cast.agency_a, pki.leader, user_id=cast.leader_a.pk)
    register_certificate(admin, cast.agency_a, pki.org)
    pdf = sample_pdf()
    holders: dict[str, tuple[Any, Any]] = {
        "pkcs12": (Pkcs12Signer(pki.leader.pfx(), PFX_PASSWORD), Pkcs12Signer(pki.org.pfx(), PFX_PASSWORD))
    }
    notes: list[str] = []
    if hsm.available():
        tokens = hsm.shared_tokens(pki.leader, pki.org)
        holders["softhsm"] = tuple(  # type: ignore[assignment]
            Pkcs11Signer(module_path=t.module, token_label=t.label, pin=t.pin, key_label=t.key_label)
            for t in (tokens["leader"], tokens["org"])
        )
    else:
        notes.append("softhsm2/opensc not installed: the PKCS#11 run was skipped")
    figures: dict[str, Any] = {"database": vendor, "recipients": recipients, "documents": documents}
    figures["release"] = _release(env, pdf, *holders["pkcs12"])
    for name, (leader, org) in holders.items():
        figures[name] = _throughput(env, pdf, leader, org, documents)
    for leader, org in holders.values():
        leader.close()
        org.close()
    checks = {
        "every recipient sees it": figures["release"]["recipients_seen"] == recipients
        and bool(figures["release"].pop("last_clerk_sees_it")),
        "every recipient got the signed PDF": figures["release"]["recipients_with_signed_pdf"] == recipients,
        "every signature validates": all(bool(figures[n].pop("valid")) for n in holders),
        "both key holders ran": set(holders) == {"pkcs12", "softhsm"},
    }
    targets = {
        "release.release_s": ["<=", 2],
        "pkcs12.docs_per_s": [">=", 1],
        "softhsm.docs_per_s": [">=", 1],
    }
    return report(
        "Outgoing: release to hosted agencies, signing throughput", figures, targets, checks, out, notes=notes
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 recipients, 3 documents per key holder")
    parser.add_argument("--recipients", type=int, default=None)
    parser.add_argument("--documents", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    recipients = args.recipients or (200 if args.quick else 1000)
    documents = args.documents or (3 if args.quick else 20)
    with tempfile.TemporaryDirectory(prefix="eoffice-bench-outgoing-") as tmp:
        workdir = Path(tmp)
        os.environ["EOFFICE_MEDIA_ROOT"] = str(workdir / "media")
        from eoffice.signing.tests.pki import build_pki

        os.environ["EOFFICE_TRUST_STORE"] = str(build_pki().write_trust_store(workdir))
        vendor, drop = throwaway_database(workdir, "outgoing")
        try:
            return run(recipients, documents, vendor, workdir, args.out)
        finally:
            drop()


if __name__ == "__main__":
    sys.exit(main())
