from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError
from eoffice.demo import selectors, services, signing_kit
from eoffice.demo.output import DEFAULT_PASSWORD, logins_table, signing_table
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
        else:
            self._build(options, password)
        kit = self._signing_kit()
        self.stdout.write(logins_table(password))
        if kit is not None:
            self.stdout.write("")
            self.stdout.write(signing_table(kit))

    def _build(self, options: dict[str, Any], password: str) -> None:
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

    def _signing_kit(self) -> signing_kit.SigningKit | None:
        """The keys a visitor signs with; made for a demo built before they existed, and made
        again when their files are gone (a cleaned var/ with the database kept)."""
        kit = signing_kit.current_kit()
        if kit is not None and not kit.missing_files():
            return kit
        try:
            kit = signing_kit.demo_signing_kit_build(actor=Actor.system("demo_province"))
        except (DomainError, OSError) as exc:
            # The demo still works without signing; say why signing will not.
            reason = exc.message if isinstance(exc, DomainError) else str(exc)
            self.stderr.write(self.style.WARNING(f"Không tạo được bộ khóa ký số mẫu: {reason}"))
            return None
        done = "Đã tạo bộ khóa ký số mẫu (CA mẫu, tệp khóa, ảnh chữ ký, con dấu, quy trình trình ký)."
        self.stdout.write(self.style.SUCCESS(done))
        return kit
