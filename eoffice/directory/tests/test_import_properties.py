"""Property: whatever the tree, row order and re-parenting, the imported tree is consistent and
a second run of the same file changes nothing."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eoffice.core.actor import Actor
from eoffice.directory.importing import import_directory
from eoffice.directory.models import Agency, AgencyEvent

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("property_test")


def code(i: int) -> str:
    return f"{i:03d}.00.00.P01"


@st.composite
def forests(draw: st.DrawFn) -> tuple[list[int | None], list[int | None], list[int]]:
    """Parents for n nodes (each parent has a smaller index, so no cycles), a second parent
    assignment that re-parents some nodes (still acyclic), and a row order."""
    n = draw(st.integers(min_value=1, max_value=25))
    first = [None if i == 0 else draw(st.one_of(st.none(), st.integers(0, i - 1))) for i in range(n)]
    # A random permutation as a new "age" order keeps the second forest acyclic too.
    rank = draw(st.permutations(list(range(n))))
    by_rank = sorted(range(n), key=lambda i: rank[i])
    second: list[int | None] = [None] * n
    for pos, node in enumerate(by_rank):
        if pos and draw(st.booleans()):
            second[node] = by_rank[draw(st.integers(0, pos - 1))]
        elif draw(st.booleans()):
            kept = first[node]  # keep the old parent when it is still "older"
            second[node] = kept if kept is not None and rank[kept] < rank[node] else None
    order = draw(st.permutations(list(range(n))))
    return first, second, list(order)


def csv_for(parents: list[int | None], order: list[int]) -> bytes:
    lines = ["code,name,parent_code"]
    for i in order:
        parent = parents[i]
        lines.append(f"{code(i)},Cơ quan {i},{code(parent) if parent is not None else ''}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(data: bytes) -> tuple[int, int, int, int]:
    report = import_directory(actor=SYSTEM, stream=io.BytesIO(data), filename="p.csv")
    return report.created, report.updated, report.unchanged, report.error_count


def assert_tree(parents: list[int | None]) -> None:
    rows = {a.code: a for a in Agency.objects.filter(code__endswith=".P01").select_related("parent")}
    assert len(rows) == len(parents)
    for i, parent in enumerate(parents):
        agency = rows[code(i)]
        assert (agency.parent.code if agency.parent else None) == (
            code(parent) if parent is not None else None
        )
        base = agency.parent.tree_path if agency.parent else "/"
        assert agency.tree_path == f"{base}{agency.pk}/"
        assert agency.depth == (agency.parent.depth + 1 if agency.parent else 0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(forests())
def test_any_tree_any_order_then_any_reparenting(
    db: None, forest: tuple[list[int | None], list[int | None], list[int]]
) -> None:
    first, second, order = forest
    AgencyEvent.objects.all().delete()
    Agency.objects.filter(code__endswith=".P01").update(parent=None)
    Agency.objects.filter(code__endswith=".P01").delete()
    n = len(first)
    assert run(csv_for(first, order)) == (n, 0, 0, 0)
    assert_tree(first)
    assert run(csv_for(first, list(reversed(order)))) == (0, 0, n, 0)
    moved = sum(1 for a, b in zip(first, second, strict=True) if a != b)
    assert run(csv_for(second, order)) == (0, moved, n - moved, 0)
    assert_tree(second)
