"""Ids as requests carry them, before they reach a query.

Django turns an out-of-range id into "no such row" for `pk=` but not for `pk__in=`: a list with
a 25-digit id reaches the database, which cannot hold it (SQLite: OverflowError; PostgreSQL:
out of range for bigint), and the request ends in a server error. Lists of ids from a request
keep only those a key column can hold; the rest are rows that do not exist.
"""

from __future__ import annotations

from collections.abc import Iterable

# The largest value of a BigAutoField (and of every integer key) on SQLite and PostgreSQL.
MAX_ROW_ID = 2**63 - 1


def is_row_id(value: object) -> bool:
    """True for a positive int, or a string of ASCII digits, a key column can hold."""
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit()):
            return False
        value = int(value)
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ROW_ID


def row_ids(values: Iterable[object]) -> list[int]:
    """The values that can be ids of rows, as ints, in their order."""
    return [int(v) for v in values if is_row_id(v)]  # type: ignore[call-overload]
