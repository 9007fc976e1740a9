from django.apps import AppConfig


class OutgoingConfig(AppConfig):
    name = "eoffice.outgoing"
    label = "outgoing"
    verbose_name = "Văn bản đi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Wiring only: approval steps are work items; the engine never imports outgoing.
        from eoffice.documents import notices
        from eoffice.outgoing import amend_selectors, approval, comments, comments_selectors, selectors
        from eoffice.work import subjects

        # The recipient's copy shows what the sender did to it (recall, update, replace, correction).
        notices.register_notice_hook(amend_selectors.incoming_notices)

        subjects.register_subject(
            approval.SUBJECT_TYPE,
            on_status=approval.follow_work,
            url=approval.draft_url,
            describe=approval.draft_facts,
            visible=selectors.draft_visible,
        )
        subjects.register_subject(
            comments.SUBJECT_TYPE,
            on_status=comments.follow_work,
            url=comments.round_url,
            describe=comments.round_facts,
            visible=comments_selectors.round_visible,
        )
