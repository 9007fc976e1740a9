from django.apps import AppConfig


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "eoffice.reminders"
    verbose_name = "Đôn đốc"
