"""Materialised-path helpers: `tree_path` is "/<root id>/.../<own id>/", `depth` counts from 0."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat, Substr

from eoffice.directory.models import Agency

MAX_DEPTH = 60
# Arbitrary constant naming the "tree paths" advisory lock on PostgreSQL.
TREE_LOCK_KEY = 102_2025


def lock_tree() -> None:
    """Serialise every write that reads a tree_path and writes paths from it (create under a
    parent, move, merge, import). Row locks are not enough: a sub-tree UPDATE does not see rows
    inserted after it began, and re-checks rows changed under it against the new values, so two
    overlapping restructurings could leave stale paths. SQLite already runs one writer at a time.
    Hold until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK_KEY])


@contextmanager
def tree_locked_for_session() -> Iterator[None]:
    """The same lock held across several transactions (an import plans every path in memory,
    then writes in batches): nobody restructures the tree between the plan and the last batch.
    Known gap: on SQLite only each batch is serialised, so an agency moved by hand between two
    batches of an import could leave the import's new rows under a stale path."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [TREE_LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [TREE_LOCK_KEY])


def child_path(parent_path: str | None, pk: int) -> str:
    return f"{parent_path or '/'}{pk}/"


def path_ids(tree_path: str) -> list[int]:
    return [int(part) for part in tree_path.strip("/").split("/") if part]


def is_within(path: str, root_path: str) -> bool:
    """True when `path` is `root_path` or below it."""
    return path.startswith(root_path)


def rewrite_subtree(old_path: str, new_path: str, depth_delta: int) -> int:
    """Re-root every agency whose path starts with `old_path` in one UPDATE; returns the row count."""
    if old_path == new_path:
        return 0
    return Agency.objects.filter(tree_path__startswith=old_path).update(
        tree_path=Concat(Value(new_path), Substr("tree_path", len(old_path) + 1), output_field=CharField()),
        depth=F("depth") + depth_delta,
    )
