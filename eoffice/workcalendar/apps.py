from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class WorkCalendarConfig(AppConfig):
    name = "eoffice.workcalendar"
    label = "workcalendar"
    verbose_name = _lazy("Lịch làm việc")
