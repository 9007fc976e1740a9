from django.apps import AppConfig


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "eoffice.reminders"
    verbose_name = "Đôn đốc"

    def ready(self) -> None:
        # Wiring only: tell people of assignments and returns, in the change's own transaction.
        from eoffice.reminders import work_events
        from eoffice.work import engine

        engine.register_event_observer("reminders.notify", work_events.line_event)
