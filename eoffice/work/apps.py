from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "eoffice.work"
    label = "work"
    verbose_name = "Xử lý công việc và hộp việc"
