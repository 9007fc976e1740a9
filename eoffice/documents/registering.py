"""Incoming registers and the arrival number (số đến), Điều 22.

The number runs consecutively per register and year in order of registration. It is race-free:
the counter row is locked (SELECT … FOR UPDATE) while the number is taken, and the unique
constraint (register, year, number) refuses a duplicate if the lock were ever bypassed. Because
the number is taken and the registration written in one transaction, a failure rolls both back
and leaves no gap.

Lock order, everywhere: document rows (by id) → register counter → audit chain head. Keeping
one order is what keeps two bulk registrations from deadlocking.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from eoffice.core.rowids import row_ids
from eoffice.directory.models import Agency
from eoffice.documents import followers, handling, policies
from eoffice.documents.models import (
    Direction,
    Document,
    Register,
    RegisterCounter,
    RegisterKind,
    Registration,
)
from eoffice.documents.transitions import apply_transition

MAX_BULK = 500


def default_register_name(year: int, *, is_secret: bool) -> str:
    return f"Sổ văn bản đến mật năm {year}" if is_secret else f"Sổ văn bản đến năm {year}"


@transaction.atomic
def register_create(
    *,
    actor: Actor,
    agency: Agency,
    year: int,
    name: str = "",
    is_secret: bool = False,
    is_default: bool = False,
) -> Register:
    policies.require_manage_registers(actor, agency)
    if not 2000 <= year <= 2100:
        raise ValidationFailed("invalid_year", _("Năm của sổ không hợp lệ."), field="year")
    name = " ".join((name or default_register_name(year, is_secret=is_secret)).split())
    if len(name) > 200:
        raise ValidationFailed("too_long", _("Tên sổ dài quá 200 ký tự."), field="name")
    if Register.objects.filter(agency=agency, kind=RegisterKind.INCOMING, year=year, name=name).exists():
        raise Conflict(
            "register_exists",
            _("Đã có sổ «%(name)s» năm %(year)s.") % {"name": name, "year": year},
            field="name",
        )
    if is_default and _default_register(agency, year, is_secret) is not None:
        raise Conflict("default_exists", _("Năm này đã có sổ mặc định cùng loại."), field="is_default")
    try:
        with transaction.atomic():
            register = Register.objects.create(
                agency=agency,
                kind=RegisterKind.INCOMING,
                year=year,
                name=name,
                is_secret=is_secret,
                is_default=is_default,
            )
    except IntegrityError as exc:  # a concurrent creation won
        raise Conflict(
            "register_exists",
            _("Đã có sổ «%(name)s» năm %(year)s.") % {"name": name, "year": year},
            field="name",
        ) from exc
    RegisterCounter.objects.create(register=register, year=year)
    audit.record(
        actor=actor,
        verb="register.created",
        target=register,
        agency_id=agency.pk,
        data={"year": year, "name": name, "secret": is_secret, "default": is_default},
    )
    return register


def _default_register(agency: Agency, year: int, is_secret: bool) -> Register | None:
    return Register.objects.filter(
        agency=agency, kind=RegisterKind.INCOMING, year=year, is_secret=is_secret, is_default=True
    ).first()


def _register_for(actor: Actor, document: Document, year: int) -> Register:
    """The agency's default register of the year for this secrecy, opened on first use."""
    found = _default_register(document.agency, year, document.is_secret)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return register_create(
                actor=actor, agency=document.agency, year=year, is_secret=document.is_secret, is_default=True
            )
    except Conflict:
        # Another clerk opened it at the same moment; use theirs.
        found = _default_register(document.agency, year, document.is_secret)
        if found is None:
            raise
        return found


def _check_register(document: Document, register: Register, year: int) -> None:
    if register.agency_id != document.agency_id or register.kind != RegisterKind.INCOMING:
        raise ValidationFailed(
            "wrong_register", _("Sổ này không phải sổ văn bản đến của cơ quan."), field="register"
        )
    if register.is_closed:
        raise ValidationFailed("register_closed", _("Sổ đã khóa, không vào thêm được."), field="register")
    if register.year != year:
        raise ValidationFailed(
            "register_year",
            _("Sổ của năm %(year)s; văn bản đến năm %(year2)s phải vào sổ năm %(year2)s.")
            % {"year": register.year, "year2": year},
            field="register",
        )
    if register.is_secret != document.is_secret:
        message = (
            _("Văn bản mật phải vào sổ văn bản mật.")
            if document.is_secret
            else _("Sổ văn bản mật chỉ dành cho văn bản mật.")
        )
        raise ValidationFailed("secrecy_register_mismatch", message, field="register")


def _take_number(register: Register, year: int) -> int:
    counter, _ = RegisterCounter.objects.get_or_create(register=register, year=year)
    # Lock the counter row: concurrent clerks queue here, so each gets the next number, none twice.
    counter = RegisterCounter.objects.select_for_update().get(pk=counter.pk)
    RegisterCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    counter.refresh_from_db(fields=["last_number"])
    return counter.last_number


def _register_locked(actor: Actor, document: Document, register: Register | None) -> Registration:
    """Register one document whose row the caller has locked."""
    if document.direction != Direction.INCOMING:
        raise ValidationFailed("not_incoming", _("Chỉ vào sổ văn bản đến."))
    apply_transition(document, "register")
    handling.check_due_date(document, timezone.now())
    year = timezone.localdate().year
    chosen = register if register is not None else _register_for(actor, document, year)
    _check_register(document, chosen, year)
    number = _take_number(chosen, year)
    # Taken after the counter lock, so arrival times follow the numbers.
    registration = Registration.objects.create(
        document=document,
        register=chosen,
        year=year,
        number=number,
        arrived_at=timezone.now(),
        registered_by=actor.user,
    )
    document.save(update_fields=["status", "updated_at"])
    from eoffice.documents.services import refresh_search_text

    document.registration = registration
    refresh_search_text(document)
    # Same transaction: a registered document always has its work item, ready to present or route.
    item = handling.open_work_item(actor=actor, document=document, registration=registration)
    followers.status_changed(document, actor)
    audit.record(
        actor=actor,
        verb="document.registered",
        target=document,
        agency_id=document.agency_id,
        data={"register": chosen.pk, "year": year, "number": number, "work_item": item.pk},
    )
    return registration


def _lock_documents(document_ids: list[int]) -> list[Document]:
    # Rows locked in id order, the same order every caller uses, so two bulk runs cannot deadlock.
    # A forged 25-digit id is a document that does not exist, not a database error (core.rowids).
    locked = list(Document.objects.select_for_update().filter(pk__in=row_ids(document_ids)).order_by("pk"))
    return sorted(locked, key=lambda d: (d.received_at, d.pk))


@transaction.atomic
def document_register(*, actor: Actor, document: Document, register: Register | None = None) -> Registration:
    """Enter an incoming document in a register with the next arrival number (Điều 22)."""
    policies.require_clerk(actor, document.agency)
    locked = _lock_documents([document.pk])
    if not locked:
        raise NotFound(_("Không tìm thấy văn bản."))
    return _register_locked(actor, locked[0], register)


@transaction.atomic
def document_register_bulk(
    *, actor: Actor, document_ids: list[int], register: Register | None = None
) -> list[Registration]:
    """Register several documents at once, in order of receipt; all or none."""
    ids = list(dict.fromkeys(document_ids))
    if not ids:
        raise ValidationFailed(
            "nothing_selected", _("Chưa chọn văn bản nào để vào sổ."), field="document_ids"
        )
    if len(ids) > MAX_BULK:
        raise ValidationFailed(
            "too_many",
            _("Mỗi lần vào sổ tối đa %(max_bulk)s văn bản.") % {"max_bulk": MAX_BULK},
            field="document_ids",
        )
    if actor.position is None:
        raise PermissionDenied()
    policies.require_clerk(actor, actor.position.agency)
    documents = _lock_documents(ids)
    found = {d.pk for d in documents}
    missing = [pk for pk in ids if pk not in found]
    foreign = [d.pk for d in documents if d.agency_id != actor.position.agency_id]
    if missing or foreign:
        raise NotFound(
            _("Có văn bản không tồn tại hoặc không thuộc cơ quan của bạn."),
            details={"ids": missing + foreign},
        )
    registrations = []
    for document in documents:
        try:
            registrations.append(_register_locked(actor, document, register))
        except (ValidationFailed, Conflict) as exc:
            exc.details = {**exc.details, "document_id": document.pk}
            exc.message = _("Văn bản «%(document)s»: %(message)s") % {
                "document": document,
                "message": exc.message,
            }
            raise
    return registrations
