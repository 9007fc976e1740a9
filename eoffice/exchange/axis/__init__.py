"""Axis adapters (pull model) for the national VDXP/VXP axis and provincial LGSP platforms.

```
from eoffice.exchange.axis import AxisAccount, AxisStyle, MessageType, TransportStatus, adapter_for
adapter = adapter_for(AxisAccount(style=AxisStyle.VXP, base_url=..., system_id=..., secret=...))
doc_id = adapter.send(edxml_bytes, sender="000.00.00.H47", message_type=MessageType.EDOC)
for item, path in adapter.poll(message_type=MessageType.EDOC):
    ...  # store or quarantine the package in `path` (deleted when the loop moves on), then:
    adapter.acknowledge(item.doc_id, TransportStatus.DONE)
adapter.agencies()  # the directory
```
Errors are `eoffice.exchange.axis.errors.AxisError` subclasses with a stable `code`, a Vietnamese
`message` and `retryable`; adapters retry retryable ones themselves (`AxisAccount.max_retries`).
`manage.py axis_server` runs a development axis speaking both dialects.
"""

from eoffice.exchange.axis.base import (
    AxisAccount,
    AxisAdapter,
    AxisAgency,
    AxisStyle,
    MessageType,
    PendingPackage,
    SentReport,
    TransportStatus,
    adapter_for,
)
from eoffice.exchange.axis.errors import AxisError

__all__ = [
    "AxisAccount",
    "AxisAdapter",
    "AxisAgency",
    "AxisError",
    "AxisStyle",
    "MessageType",
    "PendingPackage",
    "SentReport",
    "TransportStatus",
    "adapter_for",
]
