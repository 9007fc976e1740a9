"""Functions the harness runs inside an installation (through its agent). Results are JSON."""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any

from django.conf import settings
from django.db import connection


def info() -> dict[str, Any]:
    from huey.contrib.djhuey import HUEY

    return {
        "installation_id": settings.INSTALLATION_ID,
        "vendor": connection.vendor,
        "database": str(settings.DATABASES["default"]["NAME"]),
        "huey": type(HUEY).__name__,
        "huey_name": HUEY.name,
        "huey_immediate": HUEY.immediate,
        "pid": os.getpid(),
    }


def huey_roundtrip(timeout: float = 20) -> dict[str, Any]:
    """Enqueue a real job and wait for this installation's consumer to run it."""
    from eoffice.core.tasks import audit_chain_verify

    started = time.monotonic()
    result = audit_chain_verify()
    value = result.get(blocking=True, timeout=timeout)
    return {"result": value, "seconds": time.monotonic() - started}


# --- seeding ---------------------------------------------------------------------------------
# Each installation hosts one agency with a văn thư, a leader, a unit head and a specialist.
STAFF = (
    ("vanthu", "Văn thư", "van_thu"),
    ("lanhdao", "Giám đốc", "lanh_dao_co_quan"),
    ("truongphong", "Trưởng phòng", "lanh_dao_don_vi"),
    ("chuyenvien", "Chuyên viên", "chuyen_vien"),
)


def _agency(code: str, name: str, abbreviation: str, *, hosted: bool) -> Any:
    from eoffice.directory.models import Agency, AgencyKind

    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        agency = Agency(
            code=code, name=name, short_name=name, abbreviation=abbreviation, kind=AgencyKind.DEPARTMENT,
            hosted=hosted,
        )  # fmt: skip
        agency.refresh_search_text()
        agency.save()
        agency.tree_path = f"/{agency.pk}/"
        agency.save(update_fields=["tree_path"])
    return agency


def seed_agency(code: str, name: str, abbreviation: str, label: str) -> dict[str, Any]:
    """The hosted agency of this installation and its staff (usernames `<role>.<label>`)."""
    from django.contrib.auth import get_user_model

    from eoffice.directory.models import Unit
    from eoffice.people.models import Position, PositionRole

    agency = _agency(code, name, abbreviation, hosted=True)
    unit, _ = Unit.objects.get_or_create(
        agency=agency, code="VP", defaults={"name": "Văn phòng", "abbreviation": "VP"}
    )
    users = {}
    for prefix, title, role in STAFF:
        user, created = get_user_model().objects.get_or_create(
            username=f"{prefix}.{label}", defaults={"full_name": f"{title} {label.upper()}"}
        )
        if created:
            user.refresh_search_text()
            user.save()
            in_unit = role in ("lanh_dao_don_vi", "chuyen_vien")
            position = Position.objects.create(
                user=user, agency=agency, unit=unit if in_unit else None, title=title, is_primary=True
            )
            PositionRole.objects.create(position=position, role=role)
        users[prefix] = user.pk
    admin, created = get_user_model().objects.get_or_create(
        username=f"quantri.{label}", defaults={"full_name": "Quản trị hệ thống", "is_superuser": True}
    )
    users["quantri"] = admin.pk
    return {"agency_id": agency.pk, "unit_id": unit.pk, "users": users}


# --- the sender: drafts, numbers, releases ---------------------------------------------------
def _actor(username: str) -> Any:
    from django.contrib.auth import get_user_model

    from eoffice.core.actor import Actor

    user = get_user_model().objects.get(username=username)
    return Actor(user=user, position=user.positions.filter(is_primary=True).first())


def prepare_drafts(label: str, receiver_code: str, count: int, marker: str, pdf_path: str) -> list[int]:
    """`count` numbered drafts to the agency `receiver_code`, each with the PDF at `pdf_path`.
    Subjects are `<marker> <n>`, so the receiver's copies can be counted per document."""
    from eoffice.directory.models import Agency
    from eoffice.documents.models import DocumentType
    from eoffice.documents.services import UploadPart
    from eoffice.outgoing import numbering, services

    pdf = open(pdf_path, "rb").read()  # noqa: SIM115 — read once, closed by refcount at once
    receiver = Agency.objects.get(code=receiver_code)
    type_id = DocumentType.objects.get(code="cong_van").pk
    specialist, clerk = _actor(f"chuyenvien.{label}"), _actor(f"vanthu.{label}")
    signer_id = _actor(f"lanhdao.{label}").position.pk
    ids = []
    for n in range(1, count + 1):
        data = services.DraftInput(
            document_type_id=type_id, subject=f"{marker} {n:05d}", signer_id=signer_id,
            recipient_ids=[receiver.pk], main=UploadPart(f"van-ban-{n}.pdf", pdf),
        )  # fmt: skip
        draft = services.draft_create(actor=specialist, data=data)
        numbering.draft_number(actor=clerk, draft=draft)
        ids.append(draft.pk)
    return ids


def release_drafts(label: str, draft_ids: list[int], pause: float = 0.0) -> list[dict[str, Any]]:
    """Release each draft as its văn thư would; `released_at` is the moment of the click."""
    from eoffice.outgoing import release
    from eoffice.outgoing.models import Draft

    clerk = _actor(f"vanthu.{label}")
    released = []
    for draft in Draft.objects.filter(pk__in=draft_ids).select_related("current_version").order_by("pk"):
        clicked = time.time()
        release.draft_release(actor=clerk, draft=draft)
        released.append(
            {
                "draft_id": draft.pk,
                "subject": str(draft),
                "released_at": clicked,
                "took": time.time() - clicked,
            }
        )
        if pause:
            time.sleep(pause)
    return released


# --- observing ---------------------------------------------------------------------------------
def inbox(marker: str) -> dict[str, Any]:
    """The copies that reached this installation's hosted agencies, by subject: when and how many."""
    from eoffice.documents.models import Document

    rows = Document.objects.filter(subject__startswith=marker).values_list(
        "subject", "id", "created_at", "status"
    )
    by_subject: dict[str, list[dict[str, Any]]] = {}
    for subject, pk, created_at, status in rows:
        by_subject.setdefault(subject, []).append(
            {"id": pk, "created_at": created_at.timestamp(), "status": status}
        )
    return {
        "count": sum(len(v) for v in by_subject.values()),
        "subjects": len(by_subject),
        "duplicated": sorted(s for s, copies in by_subject.items() if len(copies) > 1),
        "copies": {s: copies[0] for s, copies in by_subject.items()},
    }


# --- the receiver: register (03), assign (04), process (05), finish (06) ------------------------
def advance(label: str, subject: str, to: str) -> dict[str, Any]:
    """Take the received copy `subject` through the receiver's own handling, up to code `to`:
    03 the văn thư registers it; 04 she presents it to the leader, who assigns the specialist;
    05 the specialist receives the line; 06 the specialist completes it."""
    from eoffice.documents import handling
    from eoffice.documents import services as documents
    from eoffice.documents.models import Document, DocumentStatus
    from eoffice.work import services as work
    from eoffice.work.models import AssignmentLine
    from eoffice.work.services import LineSpec
    from eoffice.work.statuses import LineRole, LineStatus

    document = Document.objects.get(subject=subject)
    clerk, leader = _actor(f"vanthu.{label}"), _actor(f"lanhdao.{label}")
    specialist = _actor(f"chuyenvien.{label}")
    order = ["03", "04", "05", "06"]
    steps = order[: order.index(to) + 1]
    if "03" in steps and document.status == DocumentStatus.RECEIVED:
        # She confirms the fields the package filled in as they are, then registers.
        values = {f.name: getattr(document, f.name) for f in dataclasses.fields(documents.DocumentFields)}
        document = documents.document_confirm_fields(
            actor=clerk, document=document, values=documents.DocumentFields(**values)
        )
    if "03" in steps and document.status == DocumentStatus.CONFIRMED:
        documents.document_register(actor=clerk, document=document)
    item = handling.item_of(document)
    if "04" in steps and item is not None and not AssignmentLine.objects.filter(item=item).exists():
        item = documents.document_present(actor=clerk, document=document, leader_id=leader.user.pk)
        top = AssignmentLine.objects.get(item=item, level_key=0)
        work.line_receive(line=top, actor=leader)
        work.line_forward(line=top, specs=[LineSpec.person(LineRole.LEAD, specialist.user.pk)], actor=leader)
    mine = AssignmentLine.objects.filter(item=item, assignee_user=specialist.user).first() if item else None
    if "05" in steps and mine is not None and mine.status == LineStatus.CHO_TIEP_NHAN:
        mine = work.line_receive(line=mine, actor=specialist)
    if "06" in steps and mine is not None and mine.status != LineStatus.HOAN_THANH:
        work.line_complete(line=mine, actor=specialist)
    document.refresh_from_db()
    return {"id": document.pk, "status": document.status}


def pdf_signatures_valid(pdf_path: str) -> list[bool]:
    """Each PAdES signature's bottom line, validated against this installation's trust store."""
    from eoffice.signing.validation import validate_pdf

    with open(pdf_path, "rb") as handle:
        return [report.bottom_line for report in validate_pdf(handle.read()).signatures]
