"""Reading the directory. Every signed-in user may read it (public data inside the installation);
what an admin may *change* is the policies' business, see `agencies_administered_by`."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import NotFound, ValidationFailed
from eoffice.core.text import search_terms
from eoffice.directory.lineage import MAX_LINEAGE_ROUNDS, agency_lineage_ids
from eoffice.directory.models import Agency, AgencyEvent, AgencyStatus, Unit
from eoffice.directory.rights import administers

MAX_LIMIT = 100
MAX_TREE_DEPTH = 4
MAX_TREE_NODES = 2000
MAX_QUERY_CHARS = 200


@dataclass
class SearchPage:
    items: list[Agency]
    next_cursor: str | None


@dataclass
class TreeNode:
    agency: Agency
    child_count: int
    children: list[TreeNode] = field(default_factory=list)


def agency_by_code(code: str) -> Agency:
    agency = Agency.objects.select_related("parent", "successor").filter(code=code).first()
    if agency is None:
        raise NotFound(_("Không tìm thấy cơ quan có mã định danh «%(code)s».") % {"code": code[:40]})
    return agency


def agency_by_id(pk: int) -> Agency:
    agency = Agency.objects.select_related("parent", "successor").filter(pk=pk).first()
    if agency is None:
        raise NotFound(_("Không tìm thấy cơ quan."))
    return agency


def _encode_cursor(agency: Agency) -> str:
    raw = json.dumps([agency.depth, agency.name, agency.pk], ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_cursor(cursor: str) -> tuple[int, str, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        depth, name, pk = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
        if not (isinstance(depth, int) and isinstance(name, str) and isinstance(pk, int)):
            raise ValueError
    except (ValueError, TypeError, UnicodeError, binascii.Error) as exc:
        raise ValidationFailed(
            "invalid_cursor", _("Con trỏ phân trang không hợp lệ."), field="cursor"
        ) from exc
    return depth, name, pk


def _search_queryset(query: str, *, include_inactive: bool) -> QuerySet[Agency]:
    qs = Agency.objects.all()
    terms = search_terms(query)
    if not include_inactive:
        if terms and connection.vendor == "sqlite":
            # SQLite would walk the (status, depth, name) index and test every row's LIKE in
            # index order: 0.4 ms for a common word, 150 ms for a rare one at 100,000 rows.
            # Hiding status from the planner makes it one table scan (~30 ms) whatever the words.
            qs = qs.alias(_status=Concat("status", Value(""))).filter(_status=AgencyStatus.ACTIVE)
        else:
            qs = qs.filter(status=AgencyStatus.ACTIVE)
    # Token-AND over folded words: "so noi vu" needs "so", "noi" and "vu" somewhere in the
    # folded names and codes; on PostgreSQL the pg_trgm GIN index answers each LIKE.
    for term in terms:
        qs = qs.filter(search_text__contains=term)
    return qs


def _exact_match(query: str, *, include_inactive: bool) -> Agency | None:
    text = query.strip()
    if not text or len(text) > 64 or " " in text:
        return None
    qs = Agency.objects.all() if include_inactive else Agency.objects.filter(status=AgencyStatus.ACTIVE)
    # Two lookups, not one OR: each uses its own unique index. The QĐ 20 index is partial
    # (non-empty codes), so its condition is repeated for SQLite's planner to match it.
    return qs.filter(code=text.upper()).first() or qs.filter(code_qd20=text).exclude(code_qd20="").first()


def agency_search(
    query: str, *, include_inactive: bool = False, limit: int = 20, cursor: str | None = None
) -> SearchPage:
    """Accent-insensitive search ('so noi vu' finds 'Sở Nội vụ', 'd' matches 'đ').

    An exact code match comes first; the rest follow in (depth, name, id) order, so provinces
    precede their communes, and pages are keyset-based (stable under inserts, no OFFSET scans).
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    query = (query or "")[:MAX_QUERY_CHARS]
    exact = _exact_match(query, include_inactive=include_inactive)
    qs = _search_queryset(query, include_inactive=include_inactive)
    if exact is not None:
        qs = qs.exclude(pk=exact.pk)
    if cursor:
        depth, name, pk = _decode_cursor(cursor)
        qs = qs.filter(
            Q(depth__gt=depth) | Q(depth=depth, name__gt=name) | Q(depth=depth, name=name, pk__gt=pk)
        )
    room = limit - 1 if exact is not None and not cursor else limit
    rows = list(qs.select_related("parent").order_by("depth", "name", "pk")[: room + 1])
    more = len(rows) > room
    rows = rows[:room]
    items = ([exact] if exact is not None and not cursor else []) + rows
    next_cursor = _encode_cursor(rows[-1]) if more and rows else None
    if more and not rows and items:
        # A page holding only the exact match: continue from the very start of the rest.
        next_cursor = _encode_cursor(Agency(depth=-1, name="", pk=0))
    return SearchPage(items=items, next_cursor=next_cursor)


def agency_children(agency: Agency | None, *, include_inactive: bool = False) -> list[TreeNode]:
    qs = Agency.objects.filter(parent=agency)
    if not include_inactive:
        qs = qs.filter(status=AgencyStatus.ACTIVE)
    qs = qs.annotate(n_children=Count("children", filter=Q(children__status=AgencyStatus.ACTIVE)))
    return [TreeNode(agency=a, child_count=a.n_children) for a in qs.order_by("name", "pk")[:MAX_TREE_NODES]]


def agency_tree(
    root: Agency | None, depth: int = 1, *, include_inactive: bool = False
) -> tuple[list[TreeNode], bool]:
    """The agencies below `root` (or the top level) down to `depth` levels, as nested nodes.

    Returns (nodes, truncated): at most MAX_TREE_NODES nodes, so a national directory of
    100,000 agencies can never come back in one answer.
    """
    depth = max(1, min(int(depth), MAX_TREE_DEPTH))
    base = root.depth + 1 if root is not None else 0
    qs = Agency.objects.filter(depth__gte=base, depth__lt=base + depth)
    if root is not None:
        qs = qs.filter(tree_path__startswith=root.tree_path)
    if not include_inactive:
        qs = qs.filter(status=AgencyStatus.ACTIVE)
    qs = qs.annotate(n_children=Count("children", filter=Q(children__status=AgencyStatus.ACTIVE)))
    rows = list(qs.order_by("depth", "name", "pk")[: MAX_TREE_NODES + 1])
    truncated = len(rows) > MAX_TREE_NODES
    nodes: dict[int, TreeNode] = {}
    top: list[TreeNode] = []
    for agency in rows[:MAX_TREE_NODES]:
        node = TreeNode(agency=agency, child_count=agency.n_children)
        nodes[agency.pk] = node
        parent = nodes.get(agency.parent_id) if agency.parent_id else None
        if agency.depth == base:
            top.append(node)
        elif parent is not None:
            parent.children.append(node)
    return top, truncated


def agency_ancestors(agency: Agency) -> list[Agency]:
    """From the top of the tree down to the agency's parent (for breadcrumbs)."""
    ids = [int(p) for p in agency.tree_path.strip("/").split("/") if p][:-1]
    by_id = Agency.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def agency_predecessors(agency: Agency) -> list[Agency]:
    ids = agency_lineage_ids(agency)[1:]
    return list(Agency.objects.filter(pk__in=ids).select_related("successor").order_by("name"))


def agency_current(agency: Agency) -> Agency:
    """Follow the successor chain to the agency that carries on today."""
    current = Agency.objects.filter(pk=agency.pk).first() or agency  # the caller's copy may predate a merge
    seen = {current.pk}
    while current.successor_id is not None:
        nxt = Agency.objects.filter(pk=current.successor_id).first()
        if nxt is None or nxt.pk in seen or len(seen) > MAX_LINEAGE_ROUNDS:
            break
        seen.add(nxt.pk)
        current = nxt
    return current


def agency_history(agency: Agency) -> list[AgencyEvent]:
    return list(
        AgencyEvent.objects.filter(agency=agency)
        .select_related("related_agency")
        .order_by("-effective_on", "-id")[:500]
    )


def units_of(
    agency: Agency, *, include_inactive: bool = False, with_predecessors: bool = True
) -> QuerySet[Unit]:
    """Units of an agency and, by default, of every agency merged into it."""
    ids = agency_lineage_ids(agency) if with_predecessors else [agency.pk]
    qs = Unit.objects.filter(agency_id__in=ids).select_related("agency", "parent")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("agency_id", "sort_order", "name", "pk")


@dataclass
class UnitNode:
    unit: Unit
    children: list[UnitNode] = field(default_factory=list)


def unit_tree(agency: Agency, *, include_inactive: bool = True) -> list[UnitNode]:
    """The agency's own units as a nested tree (units are few per agency)."""
    units = list(units_of(agency, include_inactive=include_inactive, with_predecessors=False))
    nodes = {u.pk: UnitNode(unit=u) for u in units}
    top: list[UnitNode] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent is not None else top).append(nodes[unit.pk])
    return top


def unit_by_id(pk: int) -> Unit:
    unit = Unit.objects.select_related("agency", "parent").filter(pk=pk).first()
    if unit is None:
        raise NotFound(_("Không tìm thấy đơn vị."))
    return unit


def agencies_administered_by(actor: Actor, query: str = "", *, limit: int = 50) -> list[Agency]:
    """Agencies an admin may change, searched the same accent-insensitive way."""
    if actor.is_superuser:
        return agency_search(query, include_inactive=True, limit=limit).items
    position = actor.position
    if position is None or not administers(actor, position.agency):
        return []
    root = position.agency
    qs = _search_queryset(query, include_inactive=True).filter(tree_path__startswith=root.tree_path)
    return list(qs.select_related("parent").order_by("depth", "name", "pk")[: max(1, min(limit, MAX_LIMIT))])
