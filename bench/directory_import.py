"""Benchmark: import 100,000 agencies into the directory, re-import, search.

    python bench/directory_import.py [--quick] [--rows N] [--out FILE.json]

Uses a throwaway database: a temporary SQLite file, or, when DATABASE_URL points at
PostgreSQL, a database named `eoffice_bench` that the script creates and drops. Generates a
4-level tree of Vietnamese agency names (some legacy axis codes, a few bad rows), writes it as a
shuffled CSV (children before parents), imports it, re-imports it (must be a no-op), re-imports
with 1% renamed (must update exactly those), runs accent-insensitive searches, prints a table,
writes JSON, and exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import p95, report, throwaway_database

PROVINCES = [
    "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên", "Hải Phòng", "Ninh Bình",
    "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Hồ Chí Minh",
    "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang", "Hà Nội", "Huế",
    "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An", "Hà Tĩnh",
    "Cao Bằng",
]  # fmt: skip
DEPARTMENTS = [
    ("Sở Nội vụ", "SNV"), ("Sở Tài chính", "STC"), ("Sở Xây dựng", "SXD"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Sở Y tế", "SYT"), ("Sở Tư pháp", "STP"), ("Sở Công Thương", "SCT"),
    ("Sở Nông nghiệp và Môi trường", "SNNMT"), ("Sở Khoa học và Công nghệ", "SKHCN"),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"), ("Văn phòng Ủy ban nhân dân tỉnh", "VP"),
    ("Thanh tra tỉnh", "TTr"), ("Sở Dân tộc và Tôn giáo", "SDTTG"), ("Sở Ngoại vụ", "SNgV"),
]  # fmt: skip
SYLLABLES = [
    "Đồng", "Tâm", "An", "Bình", "Phú", "Hòa", "Thạnh", "Tân", "Long", "Mỹ", "Quang", "Trung", "Đức", "Thành",
    "Hưng", "Lộc", "Phước", "Vĩnh", "Xuân", "Sơn", "Hải", "Nghĩa", "Đông", "Tây", "Nam", "Bắc", "Thuận",
    "Lợi",
]  # fmt: skip
DEPT_CHILDREN = [
    "Chi cục",
    "Trung tâm Dịch vụ",
    "Phòng Nghiệp vụ",
    "Ban Quản lý dự án",
    "Trung tâm Thông tin",
]
COMMUNE_CHILDREN = ["Trường Tiểu học", "Trường Trung học cơ sở", "Trạm Y tế", "Trường Mầm non", "Công an"]
LEAF = ["Điểm trường", "Tổ công tác", "Bộ phận một cửa", "Tổ dân phố", "Phân hiệu"]
HEADER = [
    "code",
    "name",
    "short_name",
    "abbreviation",
    "parent_code",
    "kind",
    "address",
    "email",
    "phone",
    "hosted",
]
SEARCHES = [
    "so noi vu", "so noi vu tuyen quang", "dong tam", "ubnd xa dong", "truong tieu hoc", "tram y te dong",
    "H05", "000.00.00.H05", "trung tam dich vu", "chi cuc ha noi", "phuong an binh", "so tai chinh da nang",
]  # fmt: skip


@dataclass
class Generated:
    rows: list[list[str]]
    good: int
    bad: int
    legacy: int


def commune_name(rng: random.Random, index: int) -> str:
    if index == 0:
        return "Đồng Tâm"
    return f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"


def generate(total: int, seed: int = 42) -> Generated:
    """A 4-level tree: provinces, departments and communes, their units, and leaves."""
    rng = random.Random(seed)
    provinces = len(PROVINCES)
    level1 = max(provinces * 3, total * 4 // 100)
    level2 = max(level1, total * 30 // 100)
    level3 = total - provinces - level1 - level2
    rows: list[list[str]] = []
    legacy = 0
    counters = [0] * (provinces + 1)

    def code(p: int, level: int) -> str:
        nonlocal legacy
        counters[p] += 1
        k = counters[p]
        if k % 97 == 0:  # legacy axis shapes, e.g. 28.22.H17
            legacy += 1
            return f"{k}.{level}{p:02d}.H{p:02d}"
        return f"{k % 1000:03d}.{(k // 1000) % 100:02d}.{level:02d}.H{p:02d}"

    def add(c: str, name: str, abbr: str, parent: str, kind: str, p: int) -> None:
        n = len(rows)
        address = f"Số {n % 300 + 1}, tỉnh {PROVINCES[p - 1]}"
        email, phone = f"vp{n}@{p:02d}.gov.vn", f"02{p:02d} 38{n % 10000:04d}"
        rows.append([c, name, name[:60], abbr, parent, kind, address, email, phone, "1" if p == 1 else "0"])

    tops = []
    for p, province in enumerate(PROVINCES, start=1):
        c = f"000.00.00.H{p:02d}"
        add(c, f"Ủy ban nhân dân tỉnh {province}", "UBND", "", "province", p)
        tops.append((c, p, province))
    mids = []
    communes = [0] * (provinces + 1)
    for i in range(level1):
        parent, p, province = tops[i % provinces]
        j = i // provinces
        if j % 2 == 0 and j // 2 < len(DEPARTMENTS):  # departments and communes interleaved
            name, abbr = DEPARTMENTS[j // 2]
            c = code(p, 1)
            add(c, f"{name} tỉnh {province}", abbr, parent, "department", p)
            mids.append((c, p, "dept", name))
        else:
            commune = commune_name(rng, communes[p])
            communes[p] += 1
            kind_word = "xã" if j % 4 else "phường"
            c = code(p, 1)
            add(c, f"Ủy ban nhân dân {kind_word} {commune}", "UBND", parent, "commune", p)
            mids.append((c, p, "commune", f"{kind_word} {commune}"))
    lows = []
    for i in range(level2):
        parent, p, kind, label = mids[i % len(mids)]
        words = DEPT_CHILDREN if kind == "dept" else COMMUNE_CHILDREN
        c = code(p, 2)
        add(c, f"{words[i % len(words)]} {label} số {i // len(mids) + 1}", "", parent, "other", p)
        lows.append((c, p, label))
    for i in range(level3):
        parent, p, label = lows[i % len(lows)]
        add(code(p, 3), f"{LEAF[i % len(LEAF)]} {i // len(lows) + 1} thuộc {label}", "", parent, "other", p)
    rng.shuffle(rows)  # children before parents: the importer must not care about order
    good = len(rows)
    blank = ["", "", "", "", "", "", "", "", ""]
    bad_rows = [
        ["abc 123", "Mã có khoảng trắng", *blank[:8]],
        ["000.00.01.h01", "Mã chữ thường", *blank[:8]],
        ["000.00.99.Q99", "Cấp trên không tồn tại", "", "", "999.99.99.Z99", *blank[:5]],
        [rows[0][0], "Trùng mã với một dòng trước", *blank[:8]],
        ["000.00.98.Q99", "", *blank[:8]],
        ["000.00.97.Q99", "Thiếu cột"],
        ["000.00.96.Q99", "Thư điện tử sai", "", "", "", "", "", "khong-phai-email", "", ""],
        ["000.00.95.Q99", "Loại sai", "", "", "", "hanh-tinh", "", "", "", ""],
    ]
    return Generated(rows=rows + bad_rows, good=good, bad=len(bad_rows), legacy=legacy)


def write_csv(gen: Generated, path: Path, renamed: int = 0) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i, row in enumerate(gen.rows):
            if i < renamed:
                row = [row[0], row[1] + " (đổi tên)", *row[2:]]
            writer.writerow(row)


def tree_consistent() -> bool:
    from eoffice.directory.models import Agency

    stored = Agency.objects.values_list("pk", "parent_id", "tree_path", "depth").iterator(chunk_size=5000)
    rows = {pk: (parent, path, depth) for pk, parent, path, depth in stored}
    for pk, (parent, path, depth) in rows.items():
        expected = f"{rows[parent][1] if parent else '/'}{pk}/"
        if path != expected or depth != (rows[parent][2] + 1 if parent else 0):
            return False
    return True


def run_searches(repeats: int = 5) -> tuple[list[float], dict[str, int]]:
    from eoffice.directory.selectors import agency_search

    timings: list[float] = []
    hits: dict[str, int] = {}
    for query in SEARCHES:
        for _ in range(repeats):
            start = time.perf_counter()
            page = agency_search(query, limit=20)
            timings.append((time.perf_counter() - start) * 1000)
        hits[query] = len(page.items)
    return timings, hits


def all_matches(query: str) -> list[Any]:
    from eoffice.directory.selectors import agency_search

    found: list[Any] = []
    cursor = None
    while True:
        page = agency_search(query, limit=100, cursor=cursor)
        found += page.items
        cursor = page.next_cursor
        if cursor is None:
            return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 rows")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--keep", action="store_true", help="keep the PostgreSQL bench database for inspection"
    )
    args = parser.parse_args()
    total = args.rows or (10_000 if args.quick else 100_000)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    with tempfile.TemporaryDirectory(prefix="eoffice-bench-") as tmp:
        workdir = Path(tmp)
        vendor, drop = throwaway_database(workdir, "directory")
        try:
            return run(total, workdir, vendor, args.out)
        finally:
            if not args.keep:
                drop()


def run(total: int, workdir: Path, vendor: str, out: Path | None) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from eoffice.core.actor import Actor
    from eoffice.directory.importing import import_directory_file
    from eoffice.directory.models import Agency

    call_command("migrate", verbosity=0)
    gen = generate(total)
    path = workdir / "agencies.csv"
    write_csv(gen, path)
    actor = Actor.system("bench")

    first = import_directory_file(actor=actor, path=path)
    again = import_directory_file(actor=actor, path=path)
    renamed = max(1, total // 100)
    write_csv(gen, path, renamed=renamed)
    changed = import_directory_file(actor=actor, path=path)
    timings, hits = run_searches()
    noi_vu = all_matches("so noi vu")
    dong_tam = all_matches("dong tam")
    # Counted with plain (accent-exact) SQL, independent of the search under test.
    expected_noi_vu = Agency.objects.filter(name__startswith="Sở Nội vụ tỉnh").count()
    expected_dong_tam = Agency.objects.filter(name__endswith=" Đồng Tâm").count()
    bad_lines = {e.line for e in first.errors}

    figures = {
        "database": vendor,
        "rows": len(gen.rows),
        "good_rows": gen.good,
        "legacy_codes": gen.legacy,
        "seconds": round(first.seconds, 2),
        "rows_per_second": round(len(gen.rows) / first.seconds),
        "reimport_seconds": round(again.seconds, 2),
        "update_seconds": round(changed.seconds, 2),
        "stages": {k: round(v, 2) for k, v in first.stage_seconds.items()},
        "reimport_stages": {k: round(v, 2) for k, v in again.stage_seconds.items()},
        "created": first.created,
        "errors": first.error_count,
        "search_ms_p50": round(statistics.median(timings), 2),
        "search_ms_p95": round(p95(timings), 2),
        "search_hits": hits,
    }
    checks = {
        "all_rows_imported": first.created == gen.good and Agency.objects.count() == gen.good,
        "legacy_codes_kept": Agency.objects.filter(code_conforms=False).count() == gen.legacy,
        "bad_rows_reported": first.error_count == gen.bad and len(bad_lines) == gen.bad,
        "reimport_idempotent": again.created == 0 and again.updated == 0 and again.unchanged == gen.good,
        "update_detected": changed.updated == renamed and changed.created == 0,
        "tree_consistent": tree_consistent(),
        # Every accented name is found by its unaccented spelling, through all keyset pages.
        "search_ignores_accents": 0
        < sum(a.name.startswith("Sở Nội vụ tỉnh") for a in noi_vu)
        == expected_noi_vu
        and 0 < sum(a.name.endswith(" Đồng Tâm") for a in dong_tam) == expected_dong_tam,
        "import_under_60s": first.seconds <= 60,
    }
    return report(
        f"Directory import benchmark ({vendor}, {len(gen.rows):,} rows)",
        figures,
        {"seconds": ["<=", 60]},
        checks,
        out,
    )


if __name__ == "__main__":
    sys.exit(main())
