from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class DemoConfig(AppConfig):
    name = "eoffice.demo"
    label = "demo"
    verbose_name = _lazy("Dữ liệu mẫu")
