from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError
from eoffice.demo import selectors, services
from eoffice.demo.output import DEFAULT_PASSWORD, logins_table
from eoffice.demo.province import MAX_SCALE


class Command(BaseCommand):
    help = (
        "Tạo một tỉnh mẫu (UBND tỉnh, Văn phòng, khoảng 20 sở, khoảng 100 xã/phường, đơn vị và người dùng "
        "đủ mọi vai trò). --scale N tạo N tỉnh. Cùng --seed luôn cho cùng dữ liệu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help=f"số tỉnh mẫu, 1–{MAX_SCALE} (mặc định 1)")
        parser.add_argument("--seed", type=int, default=2025, help="hạt giống ngẫu nhiên (mặc định 2025)")
        parser.add_argument(
            "--if-absent", action="store_true", help="không làm gì nếu dữ liệu mẫu đã có (dùng cho make demo)"
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="mật khẩu chung của mọi tài khoản mẫu (sẽ được in ra)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password: str = options["password"]
        if options["if_absent"] and selectors.demo_built_event() is not None:
            self.stdout.write("Dữ liệu mẫu đã có; không tạo lại.")
            self.stdout.write(logins_table(password))
            return
        started = time.monotonic()
        try:
            summary = services.demo_province_build(
                scale=options["scale"],
                seed=options["seed"],
                password=password,
                actor=Actor.system("demo_province"),
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo dữ liệu mẫu: {summary.scale} tỉnh, {summary.agencies} cơ quan, "
                f"{summary.units} đơn vị, {summary.users} tài khoản, {summary.positions} chức vụ "
                f"({summary.concurrent_positions} kiêm nhiệm) trong {elapsed:.1f} giây."
            )
        )
        self.stdout.write(logins_table(password))
