"""Ids from requests before they reach a query: a key column holds up to 2**63 - 1, and Django's
`pk__in` passes a larger one to the database, which fails (a server error)."""

from __future__ import annotations

import pytest
from django import forms

from eoffice.core.forms import RowsChoiceField
from eoffice.core.rowids import MAX_ROW_ID, is_row_id, row_ids
from eoffice.directory.models import Agency
from eoffice.testing.cast import Cast


@pytest.mark.parametrize("value", [1, "1", "42", MAX_ROW_ID, str(MAX_ROW_ID)])
def test_what_a_key_column_holds_is_an_id(value: object) -> None:
    assert is_row_id(value)


@pytest.mark.parametrize(
    "value",
    [0, -1, "0", "-1", "", " 1", "1.5", "abc", "١٢", "²", MAX_ROW_ID + 1, str(10**25), True, None, 1.0],
)
def test_anything_else_is_not(value: object) -> None:
    assert not is_row_id(value)


def test_row_ids_keeps_the_ids_in_order() -> None:
    assert row_ids(["3", 10**25, "x", 1, "3"]) == [3, 1, 3]


def test_rows_choice_refuses_a_25_digit_id_like_any_unknown_choice(cast: Cast) -> None:
    field = RowsChoiceField(queryset=Agency.objects.all())
    assert list(field.clean([str(cast.agency_b.pk)])) == [cast.agency_b]
    for value in ([str(10**25)], [str(cast.agency_b.pk), str(MAX_ROW_ID + 1)], ["999999999"]):
        with pytest.raises(forms.ValidationError) as error:
            field.clean(value)
        assert error.value.code == "invalid_choice"
