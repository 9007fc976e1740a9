from __future__ import annotations

import pytest

from eoffice.core.audit import GENESIS
from eoffice.core.models import AuditChainHead


@pytest.fixture
def audit_head(transactional_db: None) -> None:
    """Make sure the audit chain's head row (seeded by a migration) exists in a transactional test.

    serialized_rollback restores migration rows after another transactional test's flush, but
    once the session's Playwright fixture has started, Django's connection objects are looked up
    in a different context and the saved copy is not found, so the row can be missing here.
    """
    AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "last_hash": GENESIS})
