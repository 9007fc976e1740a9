"""Every write of the work engine. Each service takes `actor=`, checks its policy, changes rows and
records the audit event in one transaction."""

from eoffice.work.services.assign import LineSpec, deadline_input, line_forward, lines_assign
from eoffice.work.services.bulk import BulkOutcome, lines_bulk
from eoffice.work.services.extensions import extension_decide, extension_request
from eoffice.work.services.items import (
    item_create,
    item_describe,
    item_present,
    item_route,
    routing_rule_create,
    routing_rule_delete,
)
from eoffice.work.services.lines import (
    line_complete,
    line_open,
    line_recall,
    line_receive,
    line_return,
    line_start,
    lines_open,
)
from eoffice.work.services.opinions import Upload, opinion_add

__all__ = [
    "BulkOutcome",
    "LineSpec",
    "Upload",
    "deadline_input",
    "extension_decide",
    "extension_request",
    "item_create",
    "item_describe",
    "item_present",
    "item_route",
    "line_complete",
    "line_forward",
    "line_open",
    "line_recall",
    "line_receive",
    "line_return",
    "line_start",
    "lines_assign",
    "lines_bulk",
    "lines_open",
    "opinion_add",
    "routing_rule_create",
    "routing_rule_delete",
]
