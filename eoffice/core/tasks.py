"""Background jobs of the core: the nightly audit-chain check.

The check only reads the chain and, when it finds a break, appends one system event naming the
first bad entry; running it twice is harmless, so Huey may retry it or run it again after a
worker died mid-way.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from eoffice.core import audit
from eoffice.core.actor import Actor

logger = logging.getLogger(__name__)

CHAIN_BROKEN_VERB = "audit.chain_broken"


def verify_audit_chain() -> dict[str, Any]:
    """Verify the chain; on a break, log it and record a system event naming the first bad entry."""
    problem = audit.verify()
    if problem is None:
        logger.info("audit chain intact")
        return {"intact": True, "problem": None}
    description = str(problem)
    logger.error("audit chain broken: %s", description)
    with transaction.atomic():
        audit.record(
            actor=Actor.system("audit_verify"),
            verb=CHAIN_BROKEN_VERB,
            data={"seq": problem.seq, "event_id": problem.event_id, "reason": problem.reason},
        )
    return {"intact": False, "problem": description}


# 02:30 in Asia/Ho_Chi_Minh is a quiet hour. Huey matches crontabs against UTC (its default
# utc=True, which our settings keep), so 19:30 UTC means 02:30 in Vietnam (UTC+7, no DST).
@db_periodic_task(crontab(hour="19", minute="30"), retries=2, retry_delay=300)
def audit_chain_verify_nightly() -> dict[str, Any]:
    return verify_audit_chain()


@db_task(retries=2, retry_delay=60)
def audit_chain_verify() -> dict[str, Any]:
    """The same check on demand (an administrator's button, the tests)."""
    return verify_audit_chain()
