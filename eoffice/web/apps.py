from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class WebConfig(AppConfig):
    name = "eoffice.web"
    label = "web"
    verbose_name = _lazy("Giao diện web")
