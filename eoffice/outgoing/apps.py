from django.apps import AppConfig


class OutgoingConfig(AppConfig):
    name = "eoffice.outgoing"
    label = "outgoing"
    verbose_name = "Văn bản đi"
    default_auto_field = "django.db.models.BigAutoField"
