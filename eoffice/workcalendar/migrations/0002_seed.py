"""Create the settings row and the make-up Saturdays implied by the `holidays` package (0.109).

The package lists the swapped days off (Fri 02/05/2025, Mon 31/08/2026) but not the Saturdays
worked in exchange; without these rows the calendar would give a day off without its make-up day.
Later years are added by an administrator: `manage.py calendar_seed --year N` or the calendar page.
Hard-coded on purpose: a migration must not change with a package upgrade.
"""

import datetime

from django.db import migrations

SEED = [
    (
        datetime.date(2025, 4, 26),
        "Làm bù cho ngày nghỉ Thứ Sáu 02/05/2025 (hoán đổi ngày làm việc)",
        "Thông báo 6150/TB-BLĐTBXH",
    ),
    (
        datetime.date(2026, 8, 22),
        "Làm bù cho ngày nghỉ Thứ Hai 31/08/2026 (hoán đổi ngày làm việc)",
        "Theo gói holidays 0.109; cần đối chiếu văn bản hoán đổi ngày làm việc",
    ),
]


def seed(apps, schema_editor):
    CalendarSettings = apps.get_model("workcalendar", "CalendarSettings")
    CalendarOverride = apps.get_model("workcalendar", "CalendarOverride")
    CalendarSettings.objects.get_or_create(pk=1)
    for day, reason, source in SEED:
        CalendarOverride.objects.get_or_create(
            date=day, defaults={"kind": "working_day", "reason": reason, "source": source}
        )


def unseed(apps, schema_editor):
    CalendarOverride = apps.get_model("workcalendar", "CalendarOverride")
    CalendarOverride.objects.filter(date__in=[d for d, _, _ in SEED], created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
