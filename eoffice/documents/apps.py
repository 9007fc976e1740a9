from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "eoffice.documents"
    label = "documents"
    verbose_name = "Văn bản"
    default_auto_field = "django.db.models.BigAutoField"
