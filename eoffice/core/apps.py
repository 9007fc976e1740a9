from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "eoffice.core"
    label = "core"
    verbose_name = "Lõi hệ thống"
