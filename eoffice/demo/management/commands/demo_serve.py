from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from eoffice.demo import selectors, signing_kit
from eoffice.demo.output import DEFAULT_PASSWORD, logins_table, signing_table
from eoffice.demo.supervisor import Child, Supervisor, wait_for_port


def static_files_current() -> bool:
    """True when the collected manifest is newer than every source static file.

    Hashing and compressing the vendored assets takes seconds, so a restart skips it when nothing changed.
    """
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return False
    collected_at = manifest.stat().st_mtime
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            if Path(storage.path(path)).stat().st_mtime > collected_at:
                return False
    return True


def _default_workers() -> int:
    return min(4, max(2, os.cpu_count() or 2))


class Command(BaseCommand):
    help = (
        "Chạy bản trình diễn: máy chủ web gunicorn và tiến trình xử lý nền Huey, "
        "dừng cả hai khi nhận Ctrl-C/SIGTERM hoặc khi một trong hai dừng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="cổng (mặc định 8000)")
        parser.add_argument("--workers", type=int, default=_default_workers(), help="số tiến trình gunicorn")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="mật khẩu chung để in ra")

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        if not 1 <= port <= 65535:
            raise CommandError(f"Cổng không hợp lệ: {port}.")
        if not 1 <= options["workers"] <= 16:
            raise CommandError("Số tiến trình gunicorn phải từ 1 đến 16.")
        # WhiteNoise serves the hashed files collectstatic writes; without them every page is a 500.
        if not static_files_current():
            self.stdout.write("Đang chuẩn bị tệp tĩnh (collectstatic)…")
            call_command("collectstatic", interactive=False, verbosity=0)
        manage_py = str(settings.BASE_DIR / "manage.py")
        if "EOFFICE_EMAIL_BACKEND" not in os.environ:
            # The demo has no SMTP server: e-mail (reminders, notifications) goes to files instead
            # of failing and retrying against port 25. The children inherit this environment.
            os.environ["EOFFICE_EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
            self.stdout.write(f"Thư điện tử của bản trình diễn được ghi vào {settings.EMAIL_FILE_PATH}/")
        children = [
            Child(
                "web",
                [
                    sys.executable, "-m", "gunicorn", "config.wsgi:application",
                    "--bind", f"{host}:{port}",
                    "--workers", str(options["workers"]),
                    "--graceful-timeout", "10",
                    "--access-logfile", "-",
                ],
                stop_signal=signal.SIGTERM,  # gunicorn: SIGTERM is the graceful stop
            ),
            Child(
                "worker",
                # A short maximum poll delay: with SQLite storage an idle consumer otherwise waits up
                # to 10 s before it notices a new job (see shared/notes/dependencies.md).
                [sys.executable, manage_py, "run_huey", "--max-delay", "0.5", "--quiet"],
                stop_signal=signal.SIGINT,  # huey: SIGINT is the graceful stop
            ),
        ]  # fmt: skip
        url = f"http://{host}:{port}/"

        def announce(supervisor: Supervisor) -> None:
            pids = ", ".join(f"{c.name} pid={c.process.pid}" for c in supervisor.children if c.process)
            self.stdout.write(f"Đã khởi động: {pids}")
            if not wait_for_port(
                host, port, timeout=60, alive=lambda: supervisor.all_alive() and not supervisor.stopping
            ):
                return
            if selectors.demo_built_event() is not None:
                self.stdout.write(logins_table(options["password"]))
                kit = signing_kit.current_kit()
                if kit is not None:
                    self.stdout.write("")
                    self.stdout.write(signing_table(kit))
            self.stdout.write(self.style.SUCCESS(f"eOffice đang chạy tại {url} — nhấn Ctrl-C để dừng."))
            self.stdout.flush()

        code = Supervisor(children, cwd=str(settings.BASE_DIR)).run(on_started=announce)
        if code:
            raise CommandError(f"Một tiến trình con đã dừng bất thường (mã {code}); đã dừng cả hai.")
        self.stdout.write("Đã dừng.")
