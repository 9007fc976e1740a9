"""The rollup changes of the open transaction: summed as its lines change, written when it ends.

Why not write them as they come: a transaction changes its lines one after another (an assignment
to several people, a completion cascade), and each change moves some rollup counters. Written at
once, a counter row stays locked while the transaction goes on to lock other rows, in an order
nobody chooses: two transactions reaching the same two counters in opposite orders deadlock, and
so do two where one holds a counter and waits for the audit chain head (which notifications take
in the middle of an assignment) that the other holds while it waits for that counter. PostgreSQL
then aborts one of them: a clerk's or a leader's ordinary action fails.

So the changes are summed in memory per connection and written just before the transaction
commits, one upsert per row, every transaction in the same order (table, then key). The counter
rows become the last locks a transaction takes, always in that order, and waiting for one of them
can never close a cycle: whoever holds it is writing counters too, and only ever waits for a
higher one.

The pending changes follow the transaction the way Django's `on_commit` callbacks do: each is
tagged with the savepoints open when it was made, dropped when one of those rolls back, and all are
dropped when the transaction rolls back or its connection closes, so nothing reaches a later
transaction. Django has no "before commit" hook, so the connection's own commit, rollback, close
and savepoint methods are wrapped, once per connection. The atomic blocks a test case opens around
a test are not the application's: there the end of the outermost other block writes the changes,
as its commit would in production.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import DatabaseError, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from eoffice.oversight.models import (
    BUCKET_FIELDS,
    HISTOGRAM_KEY,
    SUMMARY_COUNTS,
    SUMMARY_KEY,
    DurationHistogram,
    MonthSummary,
)

# {(table, key): {column: amount}}, the shape of `rollup.contribution`.
Deltas = dict[tuple[str, tuple[Any, ...]], dict[str, int]]
TABLES: dict[str, tuple[type[models.Model], tuple[str, ...], tuple[str, ...]]] = {
    "summary": (MonthSummary, SUMMARY_KEY, SUMMARY_COUNTS),
    "histogram": (DurationHistogram, HISTOGRAM_KEY, BUCKET_FIELDS),
}
_ATTRIBUTE = "_oversight_rollup_deltas"


class _Pending:
    """One connection's changes not yet written, by the savepoints open when they were made."""

    def __init__(self) -> None:
        self.parts: dict[tuple[str | None, ...], Deltas] = {}

    def add(self, savepoints: tuple[str | None, ...], deltas: Deltas) -> None:
        part = self.parts.setdefault(savepoints, {})
        for target, columns in deltas.items():
            row = part.setdefault(target, {})
            for column, amount in columns.items():
                row[column] = row.get(column, 0) + amount

    def drop_savepoint(self, sid: str) -> None:
        self.parts = {savepoints: part for savepoints, part in self.parts.items() if sid not in savepoints}

    def total(self) -> Deltas:
        """Every pending change, summed."""
        found: Deltas = defaultdict(dict)
        for part in self.parts.values():
            for target, columns in part.items():
                for column, amount in columns.items():
                    found[target][column] = found[target].get(column, 0) + amount
        return found


def add(deltas: Deltas) -> None:
    """Count `deltas` in the rollups when the current transaction ends (outside one, at once)."""
    connection = transaction.get_connection()
    pending = _pending(connection)
    if _in_application_block(connection):
        pending.add(tuple(connection.savepoint_ids), deltas)
        return
    # Not inside a transaction of the application's: a short one of its own, whose end writes them.
    with transaction.atomic():
        pending.add(tuple(connection.savepoint_ids), deltas)


def cancel_pending() -> None:
    """Called by a rebuild from the facts, whose rows count this transaction's changes already.
    Their opposite is recorded under the savepoints open now: if one of those rolls back, the
    rebuild's rows go with it, and the changes pending from before count again, as they must."""
    connection = transaction.get_connection()
    pending: _Pending | None = getattr(connection, _ATTRIBUTE, None)
    if pending is None:
        return
    opposite = {
        target: {column: -amount for column, amount in columns.items()}
        for target, columns in pending.total().items()
    }
    if opposite:
        pending.add(tuple(connection.savepoint_ids), opposite)


def write(connection: BaseDatabaseWrapper, deltas: Deltas) -> None:
    """Add `deltas` to the rollup rows, in the one order every transaction follows."""
    with connection.cursor() as cursor:
        for (table, key), columns in sorted(deltas.items(), key=lambda pair: pair[0]):
            changed = {column: amount for column, amount in columns.items() if amount}
            if changed:
                sql, params = _upsert(connection, table, key, changed)
                cursor.execute(sql, params)


def _upsert(
    connection: BaseDatabaseWrapper, table: str, key: tuple[Any, ...], changed: dict[str, int]
) -> tuple[str, list[Any]]:
    """One statement adding to a row, or inserting it when new: no savepoint, and a concurrent
    insert of the same key makes this one wait and then add, instead of failing."""
    model, key_names, counters = TABLES[table]
    fields = {field.name: field for field in model._meta.concrete_fields}
    names = (*key_names, *counters)
    values = [*key, *(changed.get(name, 0) for name in counters)]
    params = [fields[n].get_db_prep_value(v, connection) for n, v in zip(names, values, strict=True)]
    quote = connection.ops.quote_name
    column = {name: quote(str(fields[name].column)) for name in names}
    table_name, columns = quote(model._meta.db_table), ", ".join(column.values())
    target = ", ".join(column[name] for name in key_names)
    adds = ", ".join(f"{column[c]} = {table_name}.{column[c]} + EXCLUDED.{column[c]}" for c in changed)
    # Every name comes from the model and every value is a parameter.
    sql = (
        f"INSERT INTO {table_name} ({columns}) VALUES ({', '.join(['%s'] * len(names))}) "  # noqa: S608
        f"ON CONFLICT ({target}) DO UPDATE SET {adds}"
    )
    return sql, params


def _in_application_block(connection: BaseDatabaseWrapper) -> bool:
    # `_from_testcase` marks the blocks a TestCase opens around a test (Django's durable check
    # reads it the same way).
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _pending(connection: BaseDatabaseWrapper) -> _Pending:
    found = getattr(connection, _ATTRIBUTE, None)
    if found is None:
        found = _Pending()
        _hook(connection, found)
        setattr(connection, _ATTRIBUTE, found)
    return found


def _hook(connection: BaseDatabaseWrapper, pending: _Pending) -> None:
    commit, rollback, close = connection.commit, connection.rollback, connection.close
    savepoint_commit, savepoint_rollback = connection.savepoint_commit, connection.savepoint_rollback

    def write_pending() -> None:
        if pending.parts:
            deltas, pending.parts = pending.total(), {}
            write(connection, deltas)

    def commit_after_writing() -> None:
        try:
            write_pending()
        except DatabaseError:
            raise  # atomic() rolls back a commit that fails this way
        except BaseException:
            # atomic() would leave the transaction open after any other error.
            pending.parts = {}
            rollback()
            raise
        commit()

    def release_after_writing(sid: str) -> None:
        # Called by atomic() once the block is off the stack: with no block of the application's
        # left, the one ending was its outermost (inside a test case's blocks), its "commit".
        if not _in_application_block(connection):
            write_pending()
        savepoint_commit(sid)

    def roll_back() -> None:
        pending.parts = {}
        rollback()

    def close_and_forget() -> None:
        try:
            close()
        finally:
            # Closed in a transaction, the database rolls it back. (Closing the in-memory SQLite
            # database of the tests does nothing: its transaction goes on, and so do its changes.)
            if connection.connection is None or connection.closed_in_transaction:
                pending.parts = {}

    def roll_back_savepoint(sid: str) -> None:
        pending.drop_savepoint(sid)
        savepoint_rollback(sid)

    # Replaced on this connection object only (each thread has its own), once.
    connection.commit = commit_after_writing  # type: ignore[method-assign]
    connection.rollback = roll_back  # type: ignore[method-assign]
    connection.close = close_and_forget  # type: ignore[method-assign]
    connection.savepoint_commit = release_after_writing  # type: ignore[method-assign]
    connection.savepoint_rollback = roll_back_savepoint  # type: ignore[method-assign]
