from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "eoffice.web"
    label = "web"
    verbose_name = "Giao diện web"
