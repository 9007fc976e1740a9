"""Benchmark: the work-box page for a user holding 10,000 lines in a database of 1,000,000 lines.

    python bench/workbox.py [--quick] [--lines N] [--mine N] [--requests N] [--out FILE.json]

Uses a throwaway database: a temporary SQLite file, or, when DATABASE_URL points at PostgreSQL
(the target), a database `eoffice_bench_workbox_<pid>` that the script creates and drops. It generates
agencies, 2,000 people and items with four assignment lines each (a top lead, and a lead, a co and
an info line below it) in every state, gives one specialist exactly `--mine` lines, then requests
the real work-box page (`GET /work/`, signed in, through every middleware and the template) for
every box, with searches and "next page" cursors, and reports p50/p95. Checks: p95 ≤ 150 ms, box
counts equal to counts computed independently from the generated data, keyset paging returns each
line of a box exactly once, an accent-free search finds exactly the planted items, and another
person's box shows none of the measured user's lines. Prints a table, writes JSON
`{"figures", "targets", "checks"}`, exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import p95, report, throwaway_database

TARGET_P95_MS = 150.0
AGENCIES = 20
PEOPLE = 2000
PLANTED_WORD = "Khánh Thịnh"  # searched as "khanh thinh"
PLANTED = 37

WORDS = [
    "báo cáo", "kế hoạch", "tuyển dụng", "công chức", "biên chế", "tổ chức", "cán bộ", "thi đua",
    "khen thưởng", "cải cách", "hành chính", "đầu tư", "xây dựng", "đất đai", "môi trường", "giáo dục",
    "y tế", "an ninh", "ngân sách", "quyết toán", "chuyển đổi số", "dịch vụ công", "phòng chống",
    "thiên tai", "lương", "phụ cấp",
]  # fmt: skip
KINDS = ["Công văn", "Quyết định", "Tờ trình", "Kế hoạch", "Thông báo", "Báo cáo", "Giấy mời"]
STATUSES = [
    ("cho_tiep_nhan", 10), ("cho_xu_ly", 15), ("dang_xu_ly", 15), ("da_chuyen", 10),
    ("hoan_thanh", 40), ("tra_lai", 5), ("thu_hoi", 5),
]  # fmt: skip
ROLES = ["lead", "lead", "co", "info"]  # the four lines of an item, in order
URGENCIES = ["normal"] * 8 + ["khan", "thuong_khan"]


@dataclass
class Mine:
    """What was generated for the measured user, to check the page against."""

    lines: list[tuple[str, str, datetime | None, int]] = field(
        default_factory=list
    )  # role, status, deadline, item
    planted_items: set[int] = field(default_factory=set)


def make_people() -> tuple[Any, list[tuple[int, int]], Any]:
    """Agencies, units, 2,000 people with positions; returns (target position, [(user, agency)], other)."""
    from eoffice.accounts.models import User
    from eoffice.directory.models import Agency, AgencyKind, Unit
    from eoffice.people.models import Position, PositionRole, Role

    province = Agency.objects.create(
        code="000.00.00.H99", name="UBND tỉnh Thử Nghiệm", kind=AgencyKind.PROVINCE
    )
    province.tree_path = f"/{province.pk}/"
    province.save()
    agencies = []
    for i in range(AGENCIES):
        agency = Agency.objects.create(
            code=f"000.00.{i + 1:02d}.H99",
            name=f"Sở số {i + 1}",
            kind=AgencyKind.DEPARTMENT,
            parent=province,
            hosted=True,
            depth=1,
        )
        agency.tree_path = f"{province.tree_path}{agency.pk}/"
        agency.save()
        agencies.append(agency)
    units = [
        Unit.objects.create(agency=a, name=f"Phòng {j + 1} {a.name}") for a in agencies for j in range(5)
    ]
    users = User.objects.bulk_create(
        [User(username=f"nguoi{i}", full_name=f"Nguyễn Văn Người {i}", password="!") for i in range(PEOPLE)]  # noqa: S106
    )
    positions = Position.objects.bulk_create(
        [
            Position(
                user=u,
                agency=agencies[i % AGENCIES],
                unit=units[(i % AGENCIES) * 5 + i % 5],
                title="Chuyên viên",
                is_primary=True,
            )
            for i, u in enumerate(users)
        ]
    )
    PositionRole.objects.bulk_create([PositionRole(position=p, role=Role.CHUYEN_VIEN) for p in positions])
    return positions[0], [(p.user_id, p.agency_id) for p in positions], positions[1]


def generate(total_lines: int, mine: int, people: list[tuple[int, int]], seed: int = 7) -> Iterator[Any]:
    """Yield ("item", row) and ("line", row) tuples; fills MINE for the measured user (people[0])."""
    from eoffice.core.text import fold

    rng = random.Random(seed)
    now = datetime.now(UTC)
    items = total_lines // 4
    mine_at = set(rng.sample(range(items * 4), mine))
    planted_at = set(rng.sample(sorted(mine_at), min(PLANTED, mine)))
    statuses = [s for s, w in STATUSES for _ in range(w)]
    target_user, target_agency = people[0]
    line_id = 0
    for item_id in range(1, items + 1):
        agency = people[rng.randrange(1, len(people))][1]
        index0 = (item_id - 1) * 4
        title = f"{rng.choice(KINDS)} về {rng.choice(WORDS)} và {rng.choice(WORDS)} năm 2026 số {item_id}"
        if any(index in planted_at for index in range(index0, index0 + 4)):
            title += f" tại xã {PLANTED_WORD}"
            MINE.planted_items.add(item_id)
        reference = f"{item_id}/UBND-VP"
        arrived = now - timedelta(minutes=rng.randrange(60, 60 * 24 * 60))
        yield "item", (item_id, agency, "incoming_document", "documents.document", item_id, title, reference,
                       fold(f"{reference} {title}"), rng.choice(URGENCIES), arrived, None, "in_progress", "",
                       None, None, arrived, None)  # fmt: skip
        top = line_id + 1
        for k, role in enumerate(ROLES):
            line_id += 1
            if index0 + k in mine_at:
                user, user_agency = target_user, target_agency
            else:
                user, user_agency = people[rng.randrange(1, len(people))]
            status = rng.choice(statuses)
            deadline = None
            if role != "info" and rng.random() < 0.9:
                deadline = now + timedelta(minutes=rng.randrange(-60 * 24 * 30, 60 * 24 * 30))
            assigned = arrived + timedelta(minutes=k + 1)
            parent = None if k == 0 else top
            if user == target_user:
                MINE.lines.append((role, status, deadline, item_id))
            box = f"u{user}a{user_agency}"
            yield "line", (line_id, item_id, parent, parent or 0, 0 if k == 0 else 1, "incoming_document",
                           role, "person", user, None, user_agency, box, None, None, assigned, "",
                           status, deadline, None, None, None, None, None, None, "", 0)  # fmt: skip


ITEM_COLUMNS = ("id, agency_id, kind, subject_type, subject_id, title, reference, search_text, urgency, "
                "arrived_at, deadline, status, direction, presented_to_id, created_by_id, created_at, "
                "done_at")  # fmt: skip
LINE_COLUMNS = ("id, item_id, parent_id, level_key, depth, kind, role, target_kind, assignee_user_id, "
                "assignee_unit_id, assignee_agency_id, box_key, assigned_by_id, assigned_on_behalf_of_id, "
                "assigned_at, note, status, deadline, received_at, first_opened_at, acted_at, completed_at, "
                "returned_at, recalled_at, return_reason, reminder_count")  # fmt: skip
MINE = Mine()


def load(vendor: str, rows: Iterator[Any]) -> None:
    from django.db import connection

    if vendor == "postgresql":
        # COPY: a million rows in seconds; the ORM would take minutes and measure nothing we ship.
        with connection.cursor() as cursor:
            raw = cursor.cursor
            items: list[Any] = []
            lines: list[Any] = []
            for kind, row in rows:
                (items if kind == "item" else lines).append(row)
                if len(lines) >= 200_000:
                    _copy(raw, items, lines)
                    items, lines = [], []
            _copy(raw, items, lines)
            cursor.execute("SELECT setval('work_workitem_id_seq', (SELECT max(id) FROM work_workitem))")
            cursor.execute(
                "SELECT setval('work_assignmentline_id_seq', (SELECT max(id) FROM work_assignmentline))"
            )
            # What autovacuum does to a live table: statistics, and the visibility map that lets
            # box counts and pages run as index-only scans.
            cursor.execute("VACUUM ANALYZE work_workitem")
            cursor.execute("VACUUM ANALYZE work_assignmentline")
        return
    with connection.cursor() as cursor:
        items, lines = [], []
        for kind, row in rows:
            # SQLite keeps Django's naive-UTC text form, which its comparisons rely on.
            row = tuple(
                v.astimezone(UTC).replace(tzinfo=None).isoformat(" ") if isinstance(v, datetime) else v
                for v in row
            )
            (items if kind == "item" else lines).append(row)
            if len(lines) >= 50_000:
                _insert(cursor, items, lines)
                items, lines = [], []
        _insert(cursor, items, lines)
        cursor.execute("ANALYZE")


def _copy(raw: Any, items: list[Any], lines: list[Any]) -> None:
    with raw.copy(f"COPY work_workitem ({ITEM_COLUMNS}) FROM STDIN") as copy:
        for row in items:
            copy.write_row(row)
    with raw.copy(f"COPY work_assignmentline ({LINE_COLUMNS}) FROM STDIN") as copy:
        for row in lines:
            copy.write_row(row)


def _insert(cursor: Any, items: list[Any], lines: list[Any]) -> None:
    marks = lambda n: ", ".join(["%s"] * n)  # noqa: E731
    cursor.executemany(f"INSERT INTO work_workitem ({ITEM_COLUMNS}) VALUES ({marks(17)})", items)  # noqa: S608
    cursor.executemany(f"INSERT INTO work_assignmentline ({LINE_COLUMNS}) VALUES ({marks(26)})", lines)  # noqa: S608


def expected_counts(window: timedelta) -> dict[str, int]:
    """Box counts computed straight from the generated data (not through the code under test)."""
    now = datetime.now(UTC)
    acting = {"lead", "co"}
    open_ = {"cho_tiep_nhan", "cho_xu_ly", "dang_xu_ly"}
    counts: Counter[str] = Counter()
    for role, status, deadline, _item in MINE.lines:
        if role in acting and status in ("cho_tiep_nhan", "cho_xu_ly"):
            counts["cho_xu_ly"] += 1
        if role in acting and status == "dang_xu_ly":
            counts["dang_xu_ly"] += 1
        if role in acting and status in open_ and deadline is not None and now <= deadline < now + window:
            counts["sap_den_han"] += 1
        if role in acting and status in open_ and deadline is not None and deadline < now:
            counts["qua_han"] += 1
        # An info line passed on to the unit's staff ("đã chuyển") stays in "Nhận để biết".
        if role == "info" and status in ("cho_tiep_nhan", "cho_xu_ly", "da_chuyen", "hoan_thanh"):
            counts["nhan_de_biet"] += 1
        if role in acting and status in ("da_chuyen", "tra_lai"):
            counts["da_xu_ly"] += 1
        if role in acting and status == "hoan_thanh":
            counts["da_hoan_thanh"] += 1
    return dict(counts)


def measure(client: Any, requests: int, rng: random.Random) -> tuple[list[float], dict[str, list[float]]]:
    from eoffice.work.selectors import BOXES

    timings: list[float] = []
    by_kind: dict[str, list[float]] = {"box": [], "search": [], "next_page": [], "sorted": []}
    cursors: dict[str, str] = {}
    for i in range(requests):
        box = BOXES[i % len(BOXES)].slug
        params = {"box": box}
        kind = "box"
        if i % 5 == 1:
            params["q"] = rng.choice(["khanh thinh", "tuyen dung cong chuc", "bao cao", "UBND-VP 12"])
            kind = "search"
        elif i % 5 == 2 and box in cursors:
            params["cursor"] = cursors[box]
            kind = "next_page"
        elif i % 5 == 3:
            params["sort"] = "deadline"
            kind = "sorted"
        start = time.perf_counter()
        response = client.get("/work/", params)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"work box page answered {response.status_code} for {params}")
        body = response.content.decode()
        if kind == "box" and "cursor=" in body:
            cursors[box] = body.split("cursor=")[1].split('"')[0]
        timings.append(elapsed)
        by_kind[kind].append(elapsed)
    return timings, by_kind


def walk_box(actor: Any, box: str, q: str = "") -> list[int]:
    from eoffice.work.selectors import BoxFilters, box_page

    seen: list[int] = []
    cursor = ""
    while True:
        page = box_page(actor, box, BoxFilters(q=q), cursor=cursor, limit=200)
        seen += [line.pk for line in page.lines]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


def run(total: int, mine: int, requests: int, vendor: str, out: Path | None) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from eoffice.core.actor import Actor
    from eoffice.work.selectors import box_counts

    # Serve templates' {% static %} without a collectstatic manifest.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    position, people, other_position = make_people()
    load(vendor, generate(total, mine, people))
    load_seconds = time.perf_counter() - started

    actor = Actor(user=position.user, position=position)
    client = Client()
    client.force_login(position.user, backend="django.contrib.auth.backends.ModelBackend")
    rng = random.Random(11)
    measure(client, 14, rng)  # warm-up: connections, template and query-plan caches
    timings, by_kind = measure(client, requests, rng)
    counts_timings = []
    for _ in range(20):
        start = time.perf_counter()
        counts = box_counts(actor)
        counts_timings.append((time.perf_counter() - start) * 1000)
    expected = expected_counts(timedelta(hours=24))
    overdue = walk_box(actor, "qua_han")
    planted = walk_box(actor, "cho_xu_ly", q="khanh thinh") + walk_box(
        actor, "da_hoan_thanh", q="khanh thinh"
    )
    from eoffice.work.models import AssignmentLine

    planted_items = set(AssignmentLine.objects.filter(pk__in=planted).values_list("item_id", flat=True))
    expected_planted = {
        item for role, status, _d, item in MINE.lines
        if item in MINE.planted_items and role in ("lead", "co") and status in ("cho_tiep_nhan", "cho_xu_ly",
                                                                                  "hoan_thanh")
    }  # fmt: skip
    other = Actor(user=other_position.user, position=other_position)
    other_lines = set(walk_box(other, "da_hoan_thanh"))
    mine_ids = set(
        AssignmentLine.objects.filter(box_key=f"u{people[0][0]}a{people[0][1]}").values_list("pk", flat=True)
    )

    page_p95 = round(p95(timings), 1)
    figures = {
        "database": vendor,
        "lines": AssignmentLine.objects.count(),
        "my_lines": len(MINE.lines),
        "load_seconds": round(load_seconds, 1),
        "requests": len(timings),
        "page_ms_p50": round(statistics.median(timings), 1),
        "page_ms_p95": page_p95,
        "page_ms_max": round(max(timings), 1),
        **{f"{k}_ms_p95": round(p95(v), 1) for k, v in by_kind.items() if v},
        "counts_ms_p50": round(statistics.median(counts_timings), 1),
        "counts": counts,
    }
    checks = {
        "counts_match_generated_data": all(
            counts[k] == expected.get(k, 0) for k in counts if k != "sap_den_han"
        )
        # The due-soon window moves with the clock between counting and checking: allow a line or two.
        and abs(counts["sap_den_han"] - expected.get("sap_den_han", 0)) <= 2,
        "keyset_pages_exact": len(overdue) == len(set(overdue))
        and abs(len(overdue) - expected.get("qua_han", 0)) <= 2,
        "search_without_accents_exact": planted_items == expected_planted and len(expected_planted) > 0,
        "other_box_isolated": not (other_lines & mine_ids),
    }
    return report(
        f"Work-box benchmark ({vendor}, {figures['lines']:,} lines, {figures['my_lines']:,} held)",
        figures,
        {"page_ms_p95": ["<=", TARGET_P95_MS]},
        checks,
        out,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40,000 lines, 2,000 held by the user")
    parser.add_argument("--lines", type=int, default=None)
    parser.add_argument("--mine", type=int, default=None)
    parser.add_argument("--requests", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--keep", action="store_true", help="keep the PostgreSQL bench database for inspection"
    )
    args = parser.parse_args()
    total = args.lines or (40_000 if args.quick else 1_000_000)
    mine = args.mine or (2_000 if args.quick else 10_000)
    requests = args.requests or (70 if args.quick else 210)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    with tempfile.TemporaryDirectory(prefix="eoffice-bench-") as tmp:
        vendor, drop = throwaway_database(Path(tmp), "workbox")
        try:
            return run(total, mine, requests, vendor, args.out)
        finally:
            if not args.keep:
                drop()


if __name__ == "__main__":
    sys.exit(main())
