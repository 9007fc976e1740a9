from django.apps import AppConfig


class SigningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "eoffice.signing"
    verbose_name = "Ký số"

    def ready(self) -> None:
        # Not business logic: a faster, equivalent reader for pyHanko (see hexstrings.py).
        from eoffice.signing import hexstrings

        hexstrings.install()
