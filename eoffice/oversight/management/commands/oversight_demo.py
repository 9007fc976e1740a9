from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from eoffice.core.actor import Actor
from eoffice.oversight import demo


class Command(BaseCommand):
    help = (
        "Tạo các dòng xử lý mẫu cho bảng điều hành (đúng hạn, quá hạn, sắp đến hạn, trả lại…) "
        "ở mọi cơ quan có lãnh đạo và chuyên viên. Chạy sau demo_province."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--per-agency", type=int, default=30, help="số việc mỗi cơ quan (mặc định 30)")
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--if-absent", action="store_true", help="không làm gì nếu đã tạo")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_absent"] and demo.demo_built():
            self.stdout.write("Dòng xử lý mẫu đã có; không tạo lại.")
            return
        count = demo.demo_lines_build(
            per_agency=max(1, min(options["per_agency"], 500)),
            seed=options["seed"],
            actor=Actor.system("oversight_demo"),
        )
        self.stdout.write(self.style.SUCCESS(f"Đã tạo {count} dòng xử lý mẫu."))
