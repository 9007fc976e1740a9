"""`manage.py axis_configure`: add or change an axis account (matched by URL and system id)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eoffice.core.actor import Actor
from eoffice.core.errors import DomainError
from eoffice.exchange.axis import services
from eoffice.exchange.models import Axis


class Command(BaseCommand):
    help = (
        "Khai báo hoặc sửa tài khoản trục liên thông. Add or change an axis account: VXP (HMAC with "
        "--secret) or LGSP (--secret as X-SecretKey, or --auth token with the consumer key/secret)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--style", choices=["vxp", "lgsp"], required=True)
        parser.add_argument("--url", required=True, help="base URL, e.g. http://vxpdungchung.vnpt.vn")
        parser.add_argument("--system-id", required=True)
        parser.add_argument("--secret", default="")
        parser.add_argument("--auth", choices=["key", "token"], default="key")
        parser.add_argument("--consumer-key", default="")
        parser.add_argument("--consumer-secret", default="")
        parser.add_argument("--api-path", default="/truclienthong/v1.0.0")
        parser.add_argument("--province-path", default="qn")
        parser.add_argument("--default", action="store_true", help="route unlisted external agencies here")
        parser.add_argument("--inactive", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        values = {
            "name": options["name"],
            "style": options["style"],
            "base_url": options["url"],
            "system_id": options["system_id"],
            "secret": options["secret"],
            "auth": options["auth"],
            "consumer_key": options["consumer_key"],
            "consumer_secret": options["consumer_secret"],
            "api_path": options["api_path"],
            "province_path": options["province_path"],
            "is_default": options["default"],
            "is_active": not options["inactive"],
        }
        existing = Axis.objects.filter(base_url=options["url"], system_id=options["system_id"]).first()
        try:
            axis = services.axis_save(
                actor=Actor.system("manage.py axis_configure"), axis=existing, values=values
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(f"axis {axis.pk} {'updated' if existing else 'created'}: {axis.name}")
