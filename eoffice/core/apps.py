from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class CoreConfig(AppConfig):
    name = "eoffice.core"
    label = "core"
    verbose_name = _lazy("Lõi hệ thống")
