"""Materialised-path helpers: `tree_path` is "/<root id>/.../<own id>/", `depth` counts from 0."""

from __future__ import annotations

from django.db.models import CharField, F, Value
from django.db.models.functions import Concat, Substr

from eoffice.directory.models import Agency

MAX_DEPTH = 60


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
