"""Agencies merged into an agency: their people and records belong to it now.

The directory app may grow its own helper for this; until then both sides use this one.
"""

from __future__ import annotations

from django.db.models import Q

from eoffice.directory.models import Agency

# A successor chain longer than this is a data error (a loop), not a real re-organisation.
_MAX_LINEAGE_DEPTH = 50


def agency_lineage_ids(agency: Agency) -> set[int]:
    """The agency plus every agency merged into it, directly or through earlier mergers."""
    ids = {agency.pk}
    frontier = {agency.pk}
    for _ in range(_MAX_LINEAGE_DEPTH):
        found = set(Agency.objects.filter(successor_id__in=frontier).values_list("pk", flat=True)) - ids
        if not found:
            break
        ids |= found
        frontier = found
    return ids


def agency_people_q(agency: Agency, prefix: str = "") -> Q:
    """Rows (positions, or anything with a position through `prefix`) in `agency`, its sub-tree
    or the agencies merged into it."""
    return Q(**{f"{prefix}agency__tree_path__startswith": agency.tree_path}) | Q(
        **{f"{prefix}agency_id__in": agency_lineage_ids(agency)}
    )
