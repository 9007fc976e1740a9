from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class ExchangeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "eoffice.exchange"
    label = "exchange"
    verbose_name = _lazy("Liên thông")

    def ready(self) -> None:
        # Wiring only: outgoing never imports exchange; it calls these hooks inside its release
        # and recall transactions, and documents tell us when a received copy changes status.
        from eoffice.documents import notices
        from eoffice.exchange import changes, feedback, outbox, push, selectors, transports
        from eoffice.exchange.axis import route
        from eoffice.outgoing import dispatch

        dispatch.register(
            "exchange",
            on_release=outbox.on_release,
            on_recall=outbox.on_recall,
            on_update=outbox.on_update,
            statuses=selectors.delivery_statuses,
        )
        feedback.connect()
        # A copy received from another installation shows what its sender asked about it.
        notices.register_notice_hook(changes.document_notices)
        transports.register_route("peer", push.send)
        transports.register_route("axis", route.send_line)
