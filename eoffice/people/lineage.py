"""Agencies merged into an agency: their people belong to it now.

The successor chain itself is the directory's business (`directory.selectors.agency_lineage_ids`);
this module turns it into the filters the people selectors and policies need.
"""

from __future__ import annotations

from django.db.models import Q

from eoffice.directory.models import Agency
from eoffice.directory.selectors import agency_lineage_ids as _directory_lineage_ids


def agency_lineage_ids(agency: Agency) -> set[int]:
    """The agency plus every agency merged into it, directly or through earlier mergers."""
    return set(_directory_lineage_ids(agency))


def agency_people_q(agency: Agency, prefix: str = "") -> Q:
    """Rows (positions, or anything with a position through `prefix`) in `agency`, its sub-tree
    or the agencies merged into it."""
    return Q(**{f"{prefix}agency__tree_path__startswith": agency.tree_path}) | Q(
        **{f"{prefix}agency_id__in": agency_lineage_ids(agency)}
    )
