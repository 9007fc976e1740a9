from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from eoffice.core import audit
from eoffice.core.models import AuditEvent


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm nhật ký (audit trail): phát hiện sự kiện bị sửa, xóa hoặc đổi thứ tự."

    def handle(self, *args: Any, **options: Any) -> None:
        problem = audit.verify()
        if problem is not None:
            raise CommandError(f"Audit chain broken at {problem}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {AuditEvent.objects.count()} events."))
