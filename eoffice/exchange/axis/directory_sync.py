"""Directory sync from an axis: the agencies it lists become (or update) `directory.Agency` rows.

The rows go through the directory's own import service (`import_directory`), so codes are checked,
changes recorded as agency events and a 100,000-agency listing written in batches, exactly as an
administrator's file import. Our hosted agencies are never touched: for them this installation is the
authority. A parent the listing names but nobody knows (malformed codes like `00.22.W00` occur,
edxml.md §7) is left out rather than failing the row, which keeps the agency at its current place.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eoffice.core.actor import Actor
from eoffice.directory.import_planning import ImportReport
from eoffice.directory.importing import import_directory
from eoffice.directory.models import Agency
from eoffice.exchange.axis.base import AxisAdapter, AxisAgency


@dataclass(frozen=True)
class DirectorySync:
    listed: int
    skipped_hosted: int
    report: ImportReport
    # Codes of the external agencies the axis reaches (hosted ones excluded).
    external_codes: list[str]


def directory_rows(
    listed: Sequence[AxisAgency], *, hosted: set[str], known: set[str]
) -> list[dict[str, Any]]:
    rows = []
    for agency in listed:
        if agency.code in hosted:
            continue
        row: dict[str, Any] = {
            "code": agency.code,
            "name": agency.name or agency.code,
            "email": agency.email,
            "phone": agency.phone,
            "fax": agency.fax,
        }
        if agency.code_qd20:
            row["code_qd20"] = agency.code_qd20
        if agency.parent_code in known and agency.parent_code != agency.code:
            row["parent_code"] = agency.parent_code
        elif not agency.parent_code:
            row["parent_code"] = ""
        rows.append(row)
    return rows


def sync_directory(adapter: AxisAdapter, *, actor: Actor, dry_run: bool = False) -> DirectorySync:
    """Fetch the axis's agency list and import it. Only a system admin or the system may do it
    (the directory's import policy)."""
    listed = [a for a in adapter.agencies() if a.code.strip()]
    codes = {a.code for a in listed}
    parents = {a.parent_code for a in listed if a.parent_code and a.parent_code not in codes}
    in_db = Agency.objects.filter(code__in=codes | parents).values_list("code", "hosted")
    hosted = {code for code, is_hosted in in_db if is_hosted}
    known = codes | {code for code, _ in in_db}
    rows = directory_rows(listed, hosted=hosted, known=known)
    body = json.dumps(rows, ensure_ascii=False).encode("utf-8")
    report = import_directory(
        actor=actor,
        stream=io.BytesIO(body),
        fmt="json",
        filename=f"axis-{adapter.style}-{adapter.account.system_id}.json",
        dry_run=dry_run,
        size=len(body),
    )
    return DirectorySync(
        listed=len(listed),
        skipped_hosted=len(listed) - len(rows),
        report=report,
        external_codes=[row["code"] for row in rows],
    )
