"""`manage.py axis_server`: the development document axis (VXP and LGSP dialects) over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eoffice.exchange.axis.devserver.app import AxisServerApp
from eoffice.exchange.axis.devserver.http import serve


class Command(BaseCommand):
    help = (
        "Chạy trục liên thông dùng cho phát triển và kiểm thử: các API kiểu VNPT VXP (gốc /) và LGSP "
        "(/token, /truclienthong/v1.0.0/…), lưu gói tin theo mã đơn vị nhận trong một tệp SQLite. "
        "Development axis server: VXP operations at /, LGSP under /token and the API path; state in "
        "the SQLite file given by --store. --config seeds systems and agencies from JSON: "
        '{"systems": [{"id", "secret", "consumer_key", "consumer_secret", "agencies": [codes]}], '
        '"agencies": [{"code", "name", "pcode", "mail", "mobile", "fax", "code_qd20", "locked"}], '
        '"province_path": "qn", "province_code": "H47"}.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=18200)
        parser.add_argument("--store", required=True, help="SQLite file holding the axis's state")
        parser.add_argument("--config", help="JSON file with systems and agencies to seed")
        parser.add_argument("--max-skew", type=int, default=300, help="VXP timestamp window, seconds")
        parser.add_argument("--token-ttl", type=int, default=3600, help="LGSP token lifetime, seconds")
        parser.add_argument("--max-bytes", type=int, default=50 * 1024 * 1024, help="largest request body")
        parser.add_argument("--api-path", default="/truclienthong/v1.0.0", help="LGSP API path")
        parser.add_argument(
            "--allow-faults",
            action="store_true",
            help="enable /_dev/* (inject server errors, request counts, expire tokens, edit agencies)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        config = None
        if options["config"]:
            try:
                config = json.loads(Path(options["config"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read --config: {exc}") from exc
        app = AxisServerApp(
            Path(options["store"]),
            config=config,
            max_skew=options["max_skew"],
            token_ttl=options["token_ttl"],
            max_bytes=options["max_bytes"],
            allow_faults=options["allow_faults"],
            api_path=options["api_path"],
        )
        try:
            server = serve(app, host=options["host"], port=options["port"])
        except OSError as exc:
            raise CommandError(f"cannot listen on {options['host']}:{options['port']}: {exc}") from exc
        self.stdout.write(
            f"axis server listening on http://{options['host']}:{server.server_port}", ending="\n"
        )
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
