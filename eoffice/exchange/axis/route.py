"""The outbox route `axis`: send a line's package through the axis that reaches its receiver.

Registered with `transports.register_route` by ExchangeConfig.ready(). The adapter retries a
failing axis once itself; beyond that the outbox's own back-off takes over (the line stays due).
What no retry can fix — an unknown or locked receiver, a package the axis refuses — ends the line
in the failed box at once with the axis's reason, for the văn thư to see and resend.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from eoffice.exchange import packages
from eoffice.exchange.axis import errors
from eoffice.exchange.axis.base import MessageType
from eoffice.exchange.axis.services import adapter_of, axis_for
from eoffice.exchange.models import Axis, MessageKind, OutboxLine, Receipt
from eoffice.exchange.worker import Outcome


def reply_axis(line: OutboxLine) -> Axis | None:
    """An answer to a package pulled from an axis goes back through that same account: it is the
    one that registered our receiving agency (the sender must belong to the calling system)."""
    axis_id = (line.payload or {}).get("axis")
    if axis_id is None and line.receipt_id is not None:
        axis_id = Receipt.objects.filter(pk=line.receipt_id).values_list("axis_id", flat=True).first()
    if axis_id is None:
        return None
    return Axis.objects.filter(pk=axis_id, is_active=True).first()


def send_line(line: OutboxLine) -> Outcome:
    axis = (reply_axis(line) if line.kind == MessageKind.STATUS else None) or axis_for(line.receiver_id)
    if axis is None:
        return Outcome.retry(_("Chưa cấu hình trục liên thông nào đến đơn vị nhận này."))
    kind = MessageType.STATUS if line.kind == MessageKind.STATUS else MessageType.EDOC
    try:
        # The same package a peer gets (recall, update, replacement included), without the envelope signature.
        with packages.package_file(line, signed=False) as package:
            doc_id = adapter_of(axis, max_retries=1).send(
                package, sender=line.sender.code, message_type=kind, receivers=[line.receiver.code]
            )
    except errors.AxisError as exc:
        message = f"{axis.name}: {exc.message} [{exc.code}]"
        if exc.retryable or isinstance(exc, errors.AxisConfigurationError):
            return Outcome.retry(message)
        return Outcome.failed(message)
    # Handed to the axis, not yet arrived: the receiver's own 01 comes back as a status package.
    return Outcome.delivered(f"{axis.name}: {doc_id}", arrived=False)
