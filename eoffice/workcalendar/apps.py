from django.apps import AppConfig


class WorkCalendarConfig(AppConfig):
    name = "eoffice.workcalendar"
    label = "workcalendar"
    verbose_name = "Lịch làm việc"
