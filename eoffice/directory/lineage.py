"""The successor chain: which agencies were merged into an agency, directly or through earlier mergers."""

from __future__ import annotations

from eoffice.directory.models import Agency

# A merger chain longer than this is a data error (a loop), never a real history.
MAX_LINEAGE_ROUNDS = 100


def agency_lineage_ids(agency: Agency) -> list[int]:
    """The agency plus every agency merged into it, transitively.

    This is how a successor finds what was filed under its predecessors: other apps filter
    `agency_id__in=agency_lineage_ids(a)` for users, units, registers and documents.
    """
    found = [agency.pk]
    seen = {agency.pk}
    frontier = [agency.pk]
    for _round in range(MAX_LINEAGE_ROUNDS):
        if not frontier:
            break
        nxt = [
            pk
            for pk in Agency.objects.filter(successor_id__in=frontier).values_list("pk", flat=True)
            if pk not in seen
        ]
        seen.update(nxt)
        found.extend(nxt)
        frontier = nxt
    return found
