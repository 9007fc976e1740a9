from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from eoffice.oversight import facts, rollup


class Command(BaseCommand):
    help = (
        "Tính lại số liệu (thời gian xử lý) của mọi dòng xử lý rồi dựng lại bảng tổng hợp theo tháng, "
        "ví dụ sau khi nâng cấp."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rollups-only",
            action="store_true",
            help="chỉ dựng lại bảng tổng hợp theo tháng từ số liệu từng dòng đã có",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rollups_only"]:
            summaries, histograms = rollup.rebuild()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã dựng lại {summaries} dòng tổng hợp và {histograms} dòng phân bố thời gian."
                )
            )
            return
        with transaction.atomic():
            count = facts.refresh_all()
        self.stdout.write(self.style.SUCCESS(f"Đã tính lại {count} dòng xử lý."))
