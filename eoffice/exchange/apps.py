from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "eoffice.exchange"
    verbose_name = "Liên thông"
