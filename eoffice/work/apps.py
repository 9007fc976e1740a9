from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class WorkConfig(AppConfig):
    name = "eoffice.work"
    label = "work"
    verbose_name = _lazy("Xử lý công việc và hộp việc")
