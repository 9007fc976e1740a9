from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from eoffice.oversight import facts


class Command(BaseCommand):
    help = "Tính lại số liệu (thời gian xử lý) của mọi dòng xử lý, ví dụ sau khi nâng cấp."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = facts.refresh_all()
        self.stdout.write(self.style.SUCCESS(f"Đã tính lại {count} dòng xử lý."))
