"""Planning a directory import: read and check every row, find what the database holds,
place every row in the final tree (ids, tree_path, depth) and decide create / update / keep.

Nothing is written here except the id reservation; importing.py writes the plan.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core.actor import Actor
from eoffice.core.errors import ValidationFailed
from eoffice.directory.id_blocks import reserve_agency_ids
from eoffice.directory.identifiers import check_code
from eoffice.directory.import_readers import RawRow
from eoffice.directory.lifecycle import transition_problem
from eoffice.directory.models import Agency, AgencyStatus
from eoffice.directory.tree import MAX_DEPTH, path_ids
from eoffice.directory.validation import clean_agency_values, invalid, parse_status

BATCH = 2000
UPDATE_BATCH = 500
CODE_CHUNK = 900
MAX_REPORTED_ERRORS = 1000
FULL_SCAN_AFTER = 5000
COMPARED = (
    "code_qd20",
    "name",
    "short_name",
    "abbreviation",
    "kind",
    "address",
    "email",
    "phone",
    "fax",
    "website",
    "hosted",
)
NAME_FIELDS = frozenset({"name", "short_name", "abbreviation"})
EXISTING_FIELDS = (
    "pk",
    "code",
    "parent_id",
    "parent__code",
    "tree_path",
    "depth",
    "status",
    "successor_id",
    "successor__code",
    "status_changed_on",
    *COMPARED,
)

Progress = Callable[[str, int, int | None], None]
T = TypeVar("T")


def chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(slots=True)
class RowError:
    line: int
    code: str
    message: str


@dataclass
class ImportReport:
    fmt: str
    dry_run: bool
    source: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def add_error(self, line: int, code: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(line, code, message))

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.fmt,
            "dry_run": self.dry_run,
            "source": self.source,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_count": self.error_count,
            "errors": [{"line": e.line, "code": e.code, "message": e.message} for e in self.errors],
            "errors_truncated": self.error_count > len(self.errors),
            "seconds": round(self.seconds, 3),
            "stage_seconds": {k: round(v, 3) for k, v in self.stage_seconds.items()},
        }


@dataclass(slots=True)
class Existing:
    pk: int
    code: str
    parent_id: int | None
    parent_code: str | None
    tree_path: str
    depth: int
    status: str
    successor_id: int | None
    successor_code: str | None
    status_changed_on: datetime.date | None
    values: dict[str, Any]


@dataclass(slots=True)
class Planned:
    line: int
    code: str
    conforms: bool
    values: dict[str, Any]
    parent_code: str | None  # None: column absent, keep the stored parent; "": top level
    status: str | None
    successor_code: str | None
    status_changed_on: datetime.date | None
    existing: Existing | None = None
    pk: int = 0
    failed: str | None = None
    path: str | None = None
    depth: int = 0
    changes: dict[str, Any] = field(default_factory=dict)

    @property
    def final_status(self) -> str:
        if self.status is not None:
            return self.status
        return self.existing.status if self.existing is not None else AgencyStatus.ACTIVE


def _clean_row(raw: RawRow) -> Planned:
    v = raw.values
    checked = check_code(v.get("code", ""), strict=False)
    values = clean_agency_values({k: v[k] for k in COMPARED if k in v})
    parent_code = v.get("parent_code")
    if parent_code:
        try:
            check_code(parent_code, strict=False)
        except ValidationFailed as exc:
            raise invalid(
                "parent_code", _("Mã cơ quan cấp trên: %(message)s") % {"message": exc.message}
            ) from None
        if parent_code == checked.code:
            raise invalid("parent_code", _("Cơ quan không thể là cấp trên của chính nó."))
    status = parse_status(v["status"]) if "status" in v else None
    successor = v.get("successor_code") or None
    if status == AgencyStatus.MERGED and not successor:
        raise invalid(
            "successor_code", _("Trạng thái merged (đã sáp nhập) cần mã cơ quan kế thừa (successor_code).")
        )
    if successor and status != AgencyStatus.MERGED:
        raise invalid(
            "successor_code", _("Chỉ ghi mã cơ quan kế thừa khi trạng thái là merged (đã sáp nhập).")
        )
    if successor == checked.code:
        raise invalid("successor_code", _("Không thể sáp nhập một cơ quan vào chính nó."))
    changed_on = None
    if v.get("status_changed_on"):
        try:
            changed_on = datetime.date.fromisoformat(v["status_changed_on"])
        except ValueError:
            raise invalid("status_changed_on", _("Ngày đổi trạng thái phải có dạng YYYY-MM-DD.")) from None
    return Planned(
        raw.line, checked.code, checked.conforms, values, parent_code, status, successor, changed_on
    )


class ImportPlan:
    """Read and check every row, then plan the tree; `DirectoryImport` writes the plan."""

    def __init__(
        self, *, actor: Actor, fmt: str, dry_run: bool, source: str, progress: Progress | None
    ) -> None:
        self.actor = actor
        self.report = ImportReport(fmt=fmt, dry_run=dry_run, source=source)
        self.progress = progress or (lambda stage, done, total: None)
        self.rows: dict[str, Planned] = {}
        self.seen: dict[str, int] = {}
        self.bad_lines: dict[str, int] = {}  # codes whose row was refused while reading
        self.db: dict[str, Existing] = {}
        self.code_by_pk: dict[int, str] = {}
        self.stack: list[str] = []
        self.on_stack: dict[str, int] = {}
        self.today = timezone.localdate()

    # --- reading ------------------------------------------------------------------------------
    def fail(self, row: Planned, message: str) -> None:
        if row.failed is None:
            row.failed = message
            self.report.add_error(row.line, row.code, message)

    def read(self, raws: Iterable[RawRow]) -> None:
        for raw in raws:
            self.report.rows += 1
            if self.report.rows % 5000 == 0:
                self.progress("read", self.report.rows, None)
            if raw.error:
                self.report.add_error(raw.line, raw.code, raw.error)
                continue
            code = raw.code
            if code in self.seen:
                self.report.add_error(
                    raw.line,
                    code,
                    _("Mã định danh %(code)s trùng với dòng %(line)s trong tệp.")
                    % {"code": code, "line": self.seen[code]},
                )
                continue
            if code:
                self.seen[code] = raw.line
            try:
                planned = _clean_row(raw)
            except ValidationFailed as exc:
                self.report.add_error(raw.line, code[:40], exc.message)
                self.bad_lines.setdefault(code, raw.line)
                continue
            self.rows[planned.code] = planned
        self.progress("read", self.report.rows, self.report.rows)

    def valid(self) -> Iterator[Planned]:
        return (p for p in self.rows.values() if p.failed is None)

    # --- what the database already holds ------------------------------------------------------
    def _keep(self, rec: tuple[Any, ...]) -> None:
        pk, code, parent_id, parent_code, path, depth, status, succ_id, succ_code, changed_on = rec[:10]
        values = dict(zip(COMPARED, rec[10:], strict=True))
        self.db[code] = Existing(
            pk, code, parent_id, parent_code, path, depth, status, succ_id, succ_code, changed_on, values
        )  # fmt: skip

    def _load(self, codes: set[str]) -> None:
        missing = sorted(codes - set(self.db))
        if len(missing) > FULL_SCAN_AFTER and len(missing) * 4 > Agency.objects.count():
            # Re-importing the national list: one streamed scan beats hundreds of IN (...) lookups.
            for rec in Agency.objects.values_list(*EXISTING_FIELDS).iterator(chunk_size=5000):
                if rec[1] in codes:
                    self._keep(rec)
            return
        for chunk in chunks(missing, CODE_CHUNK):
            for rec in Agency.objects.filter(code__in=chunk).values_list(*EXISTING_FIELDS):
                self._keep(rec)

    def load_existing(self) -> None:
        wanted = set(self.rows)
        for p in self.rows.values():
            wanted.update(c for c in (p.parent_code, p.successor_code) if c)
        self._load(wanted)
        # Rows without a parent_code column keep their stored parent, which must be known too.
        self._load({ex.parent_code for ex in self.db.values() if ex.parent_code})
        for p in self.rows.values():
            p.existing = self.db.get(p.code)
            if p.existing is not None:
                p.pk = p.existing.pk
                self.code_by_pk[p.pk] = p.code

    def check_qd20(self) -> None:
        first: dict[str, Planned] = {}
        for p in self.valid():
            qd = p.values.get("code_qd20")
            if not qd:
                continue
            if qd in first:
                self.fail(
                    p,
                    _("Mã QĐ 20 %(qd)s trùng với dòng %(line)s trong tệp.")
                    % {"qd": qd, "line": first[qd].line},
                )
            else:
                first[qd] = p
        for chunk in chunks(sorted(first), CODE_CHUNK):
            for qd, holder in Agency.objects.filter(code_qd20__in=chunk).values_list("code_qd20", "code"):
                if holder != first[qd].code:
                    self.fail(
                        first[qd],
                        _("Mã QĐ 20 %(qd)s đã được dùng cho cơ quan %(holder)s.")
                        % {"qd": qd, "holder": holder},
                    )

    def assign_ids(self) -> None:
        new = [p for p in self.valid() if p.existing is None]
        if self.report.dry_run:
            ids: Iterable[int] = range(-1, -len(new) - 1, -1)  # placeholders: nothing is written
        else:
            ids = reserve_agency_ids(len(new))
        for p, pk in zip(new, ids, strict=True):
            p.pk = pk

    # --- the tree -------------------------------------------------------------------------------
    def parent_code_of(self, p: Planned) -> str:
        if p.parent_code is not None:
            return p.parent_code
        return (p.existing.parent_code or "") if p.existing is not None else ""

    def resolve(self, code: str) -> str | None:
        """The row's final tree_path, or None when the row cannot be placed (and is failed)."""
        p = self.rows[code]
        if p.failed is not None:
            return None
        if p.path is not None:
            return p.path
        if code in self.on_stack:
            cycle = self.stack[self.on_stack[code] :]
            shown = " → ".join([*cycle, code])
            for member in cycle:
                self.fail(self.rows[member], _("Vòng lặp cơ quan cấp trên: %(shown)s.") % {"shown": shown})
            return None
        if len(self.stack) > MAX_DEPTH:
            self.fail(p, _("Cây cơ quan sâu quá %(depth)s cấp.") % {"depth": MAX_DEPTH})
            return None
        self.on_stack[code] = len(self.stack)
        self.stack.append(code)
        try:
            parent_path, problem = self._parent_path(p)
        finally:
            self.stack.pop()
            del self.on_stack[code]
        if p.failed is not None:
            return None
        if parent_path is None:
            self.fail(p, problem)
            return None
        depth = parent_path.count("/") - 1
        if depth > MAX_DEPTH:
            self.fail(p, _("Cây cơ quan sâu quá %(depth)s cấp.") % {"depth": MAX_DEPTH})
            return None
        p.path, p.depth = f"{parent_path}{p.pk}/", depth
        return p.path

    def _parent_path(self, p: Planned) -> tuple[str | None, str]:
        pc = self.parent_code_of(p)
        if not pc:
            return "/", ""
        parent = self.rows.get(pc)
        if parent is not None and parent.failed is None:
            path = self.resolve(pc)
            if path is not None:
                return path, ""
        stored = self.db.get(pc)
        if stored is not None:
            return self._stored_final_path(stored), ""
        line = parent.line if parent is not None else self.bad_lines.get(pc)
        if line is not None:
            return None, _("Cơ quan cấp trên %(parent)s (dòng %(line)s) bị lỗi nên dòng này bị bỏ qua.") % {
                "parent": pc,
                "line": line,
            }
        return None, _("Không tìm thấy cơ quan cấp trên có mã %(parent)s trong tệp hoặc trong danh bạ.") % {
            "parent": pc
        }

    def _stored_final_path(self, stored: Existing) -> str:
        """Where a stored agency ends up: below the deepest ancestor this file moves, if any."""
        ids = path_ids(stored.tree_path)
        for i in range(len(ids) - 1, -1, -1):
            code = self.code_by_pk.get(ids[i])
            if code is None or self.rows[code].failed is not None:
                continue
            base = self.resolve(code)
            if base is not None:
                return base + "".join(f"{x}/" for x in ids[i + 1 :])
        return stored.tree_path

    def _ref(self, code: str | None) -> tuple[int | None, str | None, str]:
        """(id, final tree_path, final status) of the agency a row points at, or (None, ...)."""
        if not code:
            return None, None, ""
        row = self.rows.get(code)
        if row is not None and row.failed is None:
            return row.pk, row.path, row.final_status
        stored = self.db.get(code)
        if stored is not None:
            return stored.pk, self._stored_final_path(stored), stored.status
        return None, None, ""

    def check_status(self) -> bool:
        """Lifecycle rules per row; True when a row failed (the tree must then be re-planned)."""
        failed_any = False
        while True:
            problems = {p.code: m for p in self.valid() if (m := self._status_problem(p))}
            if not problems:
                return failed_any
            # A row pointing at a successor that is itself refused is judged again afterwards,
            # against the stored successor, so the verdict does not depend on row order.
            first = {
                c: m for c, m in problems.items() if self.rows[c].successor_code not in problems
            } or problems
            for code, message in first.items():
                self.fail(self.rows[code], message)
            failed_any = True

    def _status_problem(self, p: Planned) -> str | None:
        if p.status is None:
            return None
        if p.existing is not None:
            problem = transition_problem(p.existing.status, p.status)
            if problem:
                return problem
            if p.existing.status == AgencyStatus.MERGED and p.successor_code != p.existing.successor_code:
                return _("Cơ quan đã sáp nhập vào %(successor)s; không đổi được cơ quan kế thừa.") % {
                    "successor": p.existing.successor_code
                }
        if p.status != AgencyStatus.MERGED:
            return None
        succ_id, succ_path, succ_status = self._ref(p.successor_code)
        if succ_id is None:
            return _("Không tìm thấy cơ quan kế thừa có mã %(successor)s trong tệp hoặc trong danh bạ.") % {
                "successor": p.successor_code
            }
        if succ_status != AgencyStatus.ACTIVE:
            return _("Cơ quan kế thừa %(successor)s không còn hoạt động.") % {"successor": p.successor_code}
        if p.path and succ_path and succ_path.startswith(p.path):
            return _("Không thể sáp nhập vào cơ quan cấp dưới của chính nó (%(successor)s).") % {
                "successor": p.successor_code
            }
        return None

    def plan(self) -> None:
        self.load_existing()
        self.check_qd20()
        self.assign_ids()
        for _attempt in range(10):
            for p in self.rows.values():
                p.path = None
            for code in list(self.rows):
                self.resolve(code)
            if not self.check_status():
                break
        for p in self.valid():
            self._diff(p)

    def _diff(self, p: Planned) -> None:
        if p.existing is None:
            self.report.created += 1
            return
        ex = p.existing
        changes = {f: v for f, v in p.values.items() if ex.values[f] != v}
        parent_id = self._ref(self.parent_code_of(p))[0]
        if parent_id != ex.parent_id:
            changes["parent_id"] = parent_id
        if p.status is not None and p.status != ex.status:
            changes["status"] = p.status
            changes["successor_id"] = self._ref(p.successor_code)[0]
            changes["status_changed_on"] = p.status_changed_on or self.today
        elif p.status_changed_on is not None and p.status_changed_on != ex.status_changed_on:
            changes["status_changed_on"] = p.status_changed_on
        p.changes = changes
        if changes:
            self.report.updated += 1
        else:
            self.report.unchanged += 1

    # --- writing --------------------------------------------------------------------------------
