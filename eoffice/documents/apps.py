from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class DocumentsConfig(AppConfig):
    name = "eoffice.documents"
    label = "documents"
    verbose_name = _lazy("Văn bản")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Wiring only: documents plug into the work engine, which never imports documents.
        from eoffice.documents import handling, selectors
        from eoffice.work import subjects

        # Agency B's people see agency A's (non-secret) document only while they hold a line on it.
        selectors.register_visibility_hook(handling.visible_through_lines)
        subjects.register_subject(
            handling.SUBJECT_TYPE,
            on_status=handling.follow_work,
            url=handling.document_url,
            describe=handling.document_facts,
            visible=selectors.document_visible,
        )
