"""Reserving a block of Agency primary keys before a bulk insert.

Knowing the ids up front lets the importer compute every `tree_path` ("/1/5/23/") in memory and
insert each row once, instead of inserting and then rewriting paths. The reservation moves the
database's own id generator forward, so concurrent single inserts never collide with the block.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from eoffice.directory.models import Agency


def reserve_agency_ids(count: int) -> list[int]:
    if count <= 0:
        return []
    table = Agency._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # AUTOINCREMENT takes max(sqlite_sequence.seq, max(rowid)) + 1, so raising seq reserves
            # the block; the write lock (IMMEDIATE transactions) serialises reservations.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - table name from model meta
            start = max(row[0] if row else 0, cursor.fetchone()[0]) + 1
            end = start + count - 1
            if row is None:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, end])
            else:
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [end, table])
            return list(range(start, end + 1))
    # eOffice supports SQLite and PostgreSQL only (docs/architecture.md); say so plainly elsewhere.
    raise ImproperlyConfigured(f"eOffice runs on SQLite or PostgreSQL, not {connection.vendor}")
