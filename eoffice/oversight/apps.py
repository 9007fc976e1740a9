from django.apps import AppConfig


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "eoffice.oversight"
    verbose_name = "Điều hành, theo dõi"
