"""manage.py directory_import FILE [--format csv|json] [--dry-run]

Imports or updates the agency directory (see eoffice.directory.import_readers for the columns).
Runs as the system actor; prints a progress bar, then the report with per-row errors.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError
from eoffice.directory.importing import ImportReport, import_directory_file


class Command(BaseCommand):
    help = "Nhập hoặc cập nhật danh bạ cơ quan từ tệp CSV hoặc JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["csv", "json"], default=None, help="mặc định: theo đuôi tệp")
        parser.add_argument("--dry-run", action="store_true", help="kiểm tra và báo cáo, không ghi gì")
        parser.add_argument("--json-report", action="store_true", help="in báo cáo dạng JSON")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        bars: dict[str, tqdm] = {}
        labels = {"read": "Đọc và kiểm tra", "write": "Ghi"}

        def progress(stage: str, done: int, total: int | None) -> None:
            if options["no_progress"]:
                return
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(
                    total=total, desc=labels.get(stage, stage), unit=" dòng", file=self.stderr._out
                )
            if total is not None and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)
            if total is not None and done >= total:
                bar.close()

        try:
            report = import_directory_file(
                actor=Actor.system("directory_import"),
                path=options["file"],
                fmt=options["format"],
                dry_run=options["dry_run"],
                progress=progress,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        finally:
            for bar in bars.values():
                bar.close()
        if options["json_report"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._print(report)

    def _print(self, report: ImportReport) -> None:
        mode = " (chạy thử, không ghi)" if report.dry_run else ""
        self.stdout.write(
            f"Đã đọc {report.rows} dòng trong {report.seconds:.1f} giây{mode}: "
            f"tạo mới {report.created}, cập nhật {report.updated}, không đổi {report.unchanged}, "
            f"lỗi {report.error_count}."
        )
        for error in report.errors:
            where = f" [{error.code}]" if error.code else ""
            self.stdout.write(f"  dòng {error.line}{where}: {error.message}")
        if report.error_count > len(report.errors):
            self.stdout.write(f"  … và {report.error_count - len(report.errors)} lỗi khác.")
