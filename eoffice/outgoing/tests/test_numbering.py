from __future__ import annotations

import functools
import threading
from datetime import date
from typing import Any

import pytest
from django.db import close_old_connections, connection
from hypothesis import given, settings
from hypothesis import strategies as st

from eoffice.core.errors import Conflict, PermissionDenied, ValidationFailed
from eoffice.outgoing import numbering
from eoffice.outgoing.models import NumberStatus, OutgoingNumber, OutgoingSeries, format_number
from eoffice.outgoing.tests.conftest import actor_of, doc_type, make_draft
from eoffice.testing.cast import Cast
from eoffice.testing.locks import retry_locked


@given(st.integers(min_value=1, max_value=99_999))
@settings(max_examples=200)
def test_number_has_a_leading_zero_below_ten_only(number: int) -> None:
    text = format_number(number)
    assert int(text) == number
    assert text == (f"0{number}" if number < 10 else str(number))


@pytest.mark.django_db
def test_symbol_follows_decree_30(cast: Cast) -> None:
    agency = cast.province  # abbreviation UBND
    assert numbering.symbol_for(agency=agency, document_type=doc_type("quyet_dinh")) == "QĐ-UBND"
    # Công văn: no "CV"; issuer + drafting unit.
    assert numbering.symbol_for(
        agency=agency, document_type=doc_type("cong_van"), unit_abbreviation="VP"
    ) == ("UBND-VP")
    assert numbering.symbol_for(agency=agency, document_type=doc_type("to_trinh")) == "TTr-UBND".upper()


@pytest.mark.django_db
def test_first_numbers_of_the_year_and_the_symbol(cast: Cast) -> None:
    clerk = actor_of(cast, cast.clerk_a)
    first = numbering.draft_number(actor=clerk, draft=make_draft(cast, type_code="quyet_dinh"))
    second = numbering.draft_number(actor=clerk, draft=make_draft(cast))
    assert first.number_symbol == "01/QĐ-SNV"
    # Công văn drafted in Phòng TCBC: no type abbreviation.
    assert second.number_symbol == "02/SNV-TCBC"
    assert first.series == second.series and first.series.key == "all"
    assert first.draft is not None and first.draft.status == "numbered"


@pytest.mark.django_db
def test_a_new_year_starts_again_at_01(cast: Cast) -> None:
    clerk = actor_of(cast, cast.clerk_a)
    numbering.draft_number(actor=clerk, draft=make_draft(cast), issued_date=date(2026, 12, 31))
    new_year = numbering.draft_number(actor=clerk, draft=make_draft(cast), issued_date=date(2027, 1, 1))
    assert new_year.code_number == "01" and new_year.series.year == 2027


@pytest.mark.django_db
def test_per_type_secret_and_advisory_series(cast: Cast) -> None:
    clerk = actor_of(cast, cast.clerk_a)
    numbering.numbering_rule_set(actor=actor_of(cast, cast.admin_a), agency=cast.agency_a, per_type=True)
    body = numbering.advisory_body_create(
        actor=clerk, agency=cast.agency_a, name="Hội đồng thi đua khen thưởng", abbreviation="HĐTĐKT"
    )
    qd1 = numbering.draft_number(actor=clerk, draft=make_draft(cast, type_code="quyet_dinh"))
    cv1 = numbering.draft_number(actor=clerk, draft=make_draft(cast))
    qd2 = numbering.draft_number(actor=clerk, draft=make_draft(cast, type_code="quyet_dinh"))
    secret = numbering.draft_number(
        actor=clerk, draft=make_draft(cast, type_code="quyet_dinh", secrecy="mat")
    )
    advisory = numbering.draft_number(
        actor=clerk, draft=make_draft(cast, type_code="quyet_dinh", advisory_body_id=body.pk)
    )
    assert [qd1.number_symbol, qd2.number_symbol] == ["01/QĐ-SNV", "02/QĐ-SNV"]
    assert cv1.number_symbol == "01/SNV-TCBC"
    assert secret.number_symbol == "01/QĐ-SNV" and secret.series.key == "secret"
    assert advisory.number_symbol == "01/QĐ-HĐTĐKT" and advisory.series.key == f"advisory:{body.pk}"
    assert OutgoingSeries.objects.filter(agency=cast.agency_a).count() == 4


@pytest.mark.django_db
def test_reserve_use_and_release_leave_no_gap(cast: Cast) -> None:
    clerk = actor_of(cast, cast.clerk_a)
    cv = doc_type("cong_van")
    held = numbering.number_reserve(
        actor=clerk, agency=cast.agency_a, document_type=cv, reason="Giữ cho tờ trình"
    )
    spare = numbering.number_reserve(actor=clerk, agency=cast.agency_a, document_type=cv)
    assert (held.number, spare.number) == (1, 2)
    third = numbering.draft_number(actor=clerk, draft=make_draft(cast))
    assert third.number == 3
    used = numbering.draft_number(actor=clerk, draft=make_draft(cast), reserved=held)
    assert used.pk == held.pk and used.status == NumberStatus.ASSIGNED and used.number_symbol == "01/SNV-TCBC"
    numbering.number_release(actor=clerk, number=spare)
    # The released 02 is given before the series moves on to 04.
    reused = numbering.draft_number(actor=clerk, draft=make_draft(cast))
    assert reused.number == 2
    assert numbering.draft_number(actor=clerk, draft=make_draft(cast)).number == 4
    with pytest.raises(Conflict):
        numbering.number_release(actor=clerk, number=used)


@pytest.mark.django_db
def test_a_reserved_number_of_another_series_is_refused(cast: Cast) -> None:
    clerk = actor_of(cast, cast.clerk_a)
    held = numbering.number_reserve(
        actor=clerk, agency=cast.agency_a, document_type=doc_type("cong_van"), secret=True
    )
    draft = make_draft(cast)
    with pytest.raises(ValidationFailed):
        numbering.draft_number(actor=clerk, draft=draft, reserved=held)
    draft.refresh_from_db()
    assert draft.status == "drafting"


@pytest.mark.django_db
def test_numbering_twice_is_refused(cast: Cast) -> None:
    clerk = actor_of(cast, cast.clerk_a)
    draft = make_draft(cast)
    numbering.draft_number(actor=clerk, draft=draft)
    with pytest.raises(Conflict):
        numbering.draft_number(actor=clerk, draft=draft)
    assert OutgoingNumber.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["specialist_a", "leader_a", "unit_head_a", "admin_a", "clerk_b"])
def test_only_the_agency_clerk_numbers_and_reserves(cast: Cast, who: str) -> None:
    actor = actor_of(cast, getattr(cast, who))
    draft = make_draft(cast)
    with pytest.raises(PermissionDenied):
        numbering.draft_number(actor=actor, draft=draft)
    with pytest.raises(PermissionDenied):
        numbering.number_reserve(actor=actor, agency=cast.agency_a, document_type=doc_type("cong_van"))
    assert not OutgoingNumber.objects.exists()


@pytest.mark.django_db
def test_advisory_body_input_is_checked(cast: Cast) -> None:
    clerk = actor_of(cast, cast.clerk_a)
    with pytest.raises(ValidationFailed):
        numbering.advisory_body_create(
            actor=clerk, agency=cast.agency_a, name="Tổ công tác", abbreviation="T-CT"
        )
    with pytest.raises(PermissionDenied):
        numbering.advisory_body_create(
            actor=actor_of(cast, cast.specialist_a), agency=cast.agency_a, name="Ban", abbreviation="BAN"
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_numbering_gives_no_duplicate_and_no_gap(cast: Cast) -> None:
    # On PostgreSQL the series row lock serialises the clerks; SQLite locks the whole database.
    drafts = [make_draft(cast) for _ in range(12)]
    clerk = actor_of(cast, cast.clerk_a)
    start = threading.Barrier(6)
    errors: list[str] = []

    def work(mine: list[Any]) -> None:
        try:
            start.wait(timeout=30)
            for draft in mine:
                retry_locked(functools.partial(numbering.draft_number, actor=clerk, draft=draft))
        except Exception as exc:  # pragma: no cover - shown by the assertion
            errors.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(drafts[i::6],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    numbers = sorted(OutgoingNumber.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 13))
