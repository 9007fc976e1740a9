"""Import and update the national agency directory from CSV or JSON.

The run is an idempotent upsert keyed by `code`: unchanged rows are not touched, changed rows
are updated with an AgencyEvent, new rows are created. Rows may come in any order; parents are
found in the file or in the database. A bad row (malformed identifier, duplicate code, missing
name, broken CSV line, unknown parent, cycle) is reported with its line number and skipped; the
good rows still import. File-level problems (size, format, header, broken JSON) stop the run
before anything is written.

Speed (100,000 rows in well under a minute): the whole plan is made in memory first, ids for
new rows are reserved up front so `tree_path`/`depth` are computed before insert, and rows are
written with bulk_create / bulk_update in batches, one transaction per batch. Moved subtrees are
re-rooted with one UPDATE each, and one audit event records the run with its counts.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoffice.core import audit
from eoffice.core.actor import Actor
from eoffice.core.errors import Conflict
from eoffice.directory import policies
from eoffice.directory.import_planning import (
    BATCH,
    COMPARED,
    NAME_FIELDS,
    UPDATE_BATCH,
    ImportPlan,
    ImportReport,
    Planned,
    Progress,
    RowError,
    chunks,
)
from eoffice.directory.import_readers import ImportFileError, LimitedReader, RawRow, detect_format, read_rows
from eoffice.directory.models import Agency, AgencyEvent, AgencyStatus
from eoffice.directory.tree import lock_tree, rewrite_subtree, tree_locked_for_session

__all__ = ["DirectoryImport", "ImportReport", "RowError", "import_directory", "import_directory_file"]

ANALYZE_AFTER = 1000
UPDATE_FIELDS = [*COMPARED, "parent", "status", "successor", "status_changed_on", "search_text", "updated_at"]


@lru_cache(maxsize=1)
def _agency_columns() -> tuple[list[str], dict[str, Any]]:
    fields = Agency._meta.concrete_fields
    return [f.attname for f in fields], {f.attname: f.get_default() for f in fields}


def _agency_from(values: dict[str, Any]) -> Agency:
    """Build an Agency from positional values: Model.__init__ with keywords costs about three
    times as much, which shows at 100,000 rows."""
    names, defaults = _agency_columns()
    row = {**defaults, **values}
    # Through Any: django-stubs checks a star-argument against the first field (id) alone.
    model: Any = Agency
    agency: Agency = model(*[row[name] for name in names])
    return agency


class DirectoryImport(ImportPlan):
    """One import run: the plan (ImportPlan), then the writes."""

    def creation_order(self) -> list[Planned]:
        """New rows after their new parent and successor: each batch commits on its own."""
        new = {p.code: p for p in self.valid() if p.existing is None}
        order: list[Planned] = []
        done: set[str] = set()
        entered: set[str] = set()
        for start in new.values():
            stack = [(start, False)]
            while stack:
                node, expanded = stack.pop()
                if node.code in done:
                    continue
                if expanded:
                    done.add(node.code)
                    order.append(node)
                    continue
                if node.code in entered:
                    continue
                entered.add(node.code)
                stack.append((node, True))
                for dep in (self.parent_code_of(node), node.successor_code):
                    if dep and dep in new and dep not in done:
                        stack.append((new[dep], False))
        return order

    def _event(self, agency_id: int, kind: str, when: datetime.date, **kw: Any) -> AgencyEvent:
        return AgencyEvent(agency_id=agency_id, kind=kind, effective_on=when, **kw)

    def _lifecycle_events(self, p: Planned, status: str, successor_id: int | None) -> list[AgencyEvent]:
        when = p.status_changed_on or self.today
        if status == AgencyStatus.MERGED and successor_id is not None:
            return [
                self._event(p.pk, AgencyEvent.Kind.MERGED, when, related_agency_id=successor_id,
                            after={"status": status, "successor": p.successor_code}),
                self._event(successor_id, AgencyEvent.Kind.ABSORBED, when, related_agency_id=p.pk,
                            after={"predecessor": p.code}),
            ]  # fmt: skip
        if status == AgencyStatus.DISSOLVED:
            return [self._event(p.pk, AgencyEvent.Kind.DISSOLVED, when, after={"status": status})]
        return []

    def _new_agency(self, p: Planned) -> tuple[Agency, list[AgencyEvent]]:
        # No per-row "created" event: the row's created_at says when it entered the directory,
        # and one audit event records the run. Lifecycle facts in the file do get their events.
        status = p.status or AgencyStatus.ACTIVE
        successor_id = self._ref(p.successor_code)[0] if status == AgencyStatus.MERGED else None
        agency = _agency_from(
            {
                **p.values,
                "id": p.pk,
                "code": p.code,
                "code_conforms": p.conforms,
                "parent_id": self._ref(self.parent_code_of(p))[0],
                "tree_path": p.path or "/",
                "depth": p.depth,
                "status": status,
                "successor_id": successor_id,
                "status_changed_on": p.status_changed_on
                or (None if status == AgencyStatus.ACTIVE else self.today),
            }
        )
        agency.refresh_search_text()
        return agency, self._lifecycle_events(p, status, successor_id)

    def write_creates(self) -> None:
        order = self.creation_order()
        total = len(order) + self.report.updated
        for done, batch in enumerate(chunks(order, BATCH), start=1):
            with transaction.atomic():
                built = [self._new_agency(p) for p in batch]
                Agency.objects.bulk_create([a for a, _ in built], batch_size=BATCH)
                AgencyEvent.objects.bulk_create([e for _, evs in built for e in evs], batch_size=BATCH)
            self.progress("write", min(done * BATCH, len(order)), total)

    def _updated_agency(self, p: Planned) -> tuple[Agency, list[AgencyEvent]]:
        ex = p.existing
        assert ex is not None
        agency = Agency(
            pk=ex.pk,
            code=ex.code,
            parent_id=ex.parent_id,
            status=ex.status,
            successor_id=ex.successor_id,
            status_changed_on=ex.status_changed_on,
            updated_at=timezone.now(),
            **ex.values,
        )
        for name, value in p.changes.items():
            setattr(agency, name, value)
        agency.refresh_search_text()
        events: list[AgencyEvent] = []
        renamed = [f for f in p.changes if f in NAME_FIELDS]
        other = [f for f in p.changes if f in COMPARED and f not in NAME_FIELDS]
        for kind, fields in ((AgencyEvent.Kind.RENAMED, renamed), (AgencyEvent.Kind.UPDATED, other)):
            if fields:
                events.append(self._event(ex.pk, kind, self.today, before={f: ex.values[f] for f in fields},
                                          after={f: p.changes[f] for f in fields}))  # fmt: skip
        if "parent_id" in p.changes:
            new_parent = self.parent_code_of(p) or None
            moved = {"related_agency_id": p.changes["parent_id"], "before": {"parent": ex.parent_code}}
            events.append(
                self._event(ex.pk, AgencyEvent.Kind.MOVED, self.today, after={"parent": new_parent}, **moved)
            )
        if "status" in p.changes:
            events += self._lifecycle_events(p, p.changes["status"], p.changes["successor_id"])
        return agency, events

    def write_updates(self) -> None:
        """Updates, subtree re-rooting and the audit event commit together."""
        changed = [p for p in self.valid() if p.existing is not None and p.changes]
        created = self.report.created
        with transaction.atomic():
            lock_tree()
            for done, batch in enumerate(chunks(changed, UPDATE_BATCH), start=1):
                built = [self._updated_agency(p) for p in batch]
                Agency.objects.bulk_update([a for a, _ in built], UPDATE_FIELDS, batch_size=UPDATE_BATCH)
                AgencyEvent.objects.bulk_create([e for _, evs in built for e in evs], batch_size=BATCH)
                self.progress(
                    "write", created + min(done * UPDATE_BATCH, len(changed)), created + len(changed)
                )
            moved = [p for p in changed if "parent_id" in p.changes]
            # Deepest first: a moved agency's old prefix is rewritten before its moved ancestor's.
            for p in sorted(moved, key=lambda row: -row.existing.depth if row.existing else 0):
                assert p.existing is not None and p.path is not None
                rewrite_subtree(p.existing.tree_path, p.path, p.depth - p.existing.depth)
            audit.record(
                actor=self.actor,
                verb="directory.imported",
                data={
                    k: v
                    for k, v in self.report.as_dict().items()
                    if k not in ("errors", "seconds", "stage_seconds")
                },
            )

    def refresh_statistics(self) -> None:
        """After a large import PostgreSQL's planner still believes the table is tiny and skips
        the trigram index until autovacuum comes by; analysing now keeps search fast at once."""
        if connection.vendor == "postgresql" and self.report.created + self.report.updated >= ANALYZE_AFTER:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Agency._meta.db_table}")

    def run(self, raws: Iterable[RawRow]) -> ImportReport:
        started = time.monotonic()
        self.read(raws)
        self.report.stage_seconds["read"] = time.monotonic() - started
        with tree_locked_for_session() if not self.report.dry_run else nullcontext():
            self.plan()
            self.report.stage_seconds["plan"] = time.monotonic() - started - self.report.stage_seconds["read"]
            if not self.report.dry_run:
                self.write()
        self.report.errors.sort(key=lambda e: e.line)
        self.report.seconds = time.monotonic() - started
        return self.report

    def write(self) -> None:
        try:
            mark = time.monotonic()
            self.write_creates()
            self.report.stage_seconds["create"] = time.monotonic() - mark
            mark = time.monotonic()
            self.write_updates()
            self.refresh_statistics()
            self.report.stage_seconds["update"] = time.monotonic() - mark
        except IntegrityError as exc:
            # Someone changed the directory between planning and writing (the same code added by
            # hand, say). Batches already committed are whole rows; re-running the import is safe.
            raise Conflict(
                "import_conflict",
                _(
                    "Danh bạ vừa bị thay đổi đồng thời trong khi nhập; "
                    "hãy chạy lại việc nhập (nhập lại là an toàn)."
                ),
                details={"error": str(exc)[:500]},
            ) from exc


def import_directory(
    *,
    actor: Actor,
    stream: IO[bytes],
    fmt: str | None = None,
    filename: str = "",
    dry_run: bool = False,
    size: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a directory file. Raises ImportFileError for file-level problems; row problems
    are in the report. Only a system admin (or a management command) may import."""
    policies.require_import(actor)
    chosen = detect_format(filename, fmt)
    limit = settings.EOFFICE_IMPORT_MAX_BYTES
    if size is not None and size > limit:
        raise ImportFileError(
            "file_too_large",
            _("Tệp lớn %(size)s byte, vượt giới hạn %(limit)s byte.")
            % {"size": f"{size:,}".replace(",", "."), "limit": f"{limit:,}".replace(",", ".")},
            field="file",
        )
    run = DirectoryImport(actor=actor, fmt=chosen, dry_run=dry_run, source=filename, progress=progress)
    return run.run(read_rows(LimitedReader(stream, limit), chosen))


def import_directory_file(
    *,
    actor: Actor,
    path: Path,
    fmt: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    if not path.is_file():
        raise ImportFileError(
            "file_not_found", _("Không tìm thấy tệp %(path)s.") % {"path": path}, field="file"
        )
    with path.open("rb") as stream:
        return import_directory(
            actor=actor,
            stream=stream,
            fmt=fmt,
            filename=path.name,
            dry_run=dry_run,
            size=path.stat().st_size,
            progress=progress,
        )
