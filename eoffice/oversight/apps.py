from django.apps import AppConfig


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "eoffice.oversight"
    verbose_name = "Điều hành, theo dõi"

    def ready(self) -> None:
        # Wiring only: keep each line's fact row in step with the line, in the same transaction.
        from eoffice.oversight import facts
        from eoffice.work import engine, overseers

        engine.register_line_observer("oversight.facts", facts.line_changed)
        # A unit head opens the lines their board counts for the unit (`work.overseers`).
        overseers.register_unit_lines(facts.lines_of_unit)
