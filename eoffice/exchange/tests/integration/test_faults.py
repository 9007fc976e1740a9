"""The fault suite: A sends to B while B is stopped, slow, answering 500, cut mid-body (request and
response), sent each package twice, and while A's worker is SIGKILLed right after the release
commits. After recovery every document is at B exactly once and A's line says delivered with one
01 on its timeline: lost = 0, duplicated = 0.

The suite's share is EOFFICE_FAULT_DOCUMENTS documents (default 350) split over the faults; the
whole 1,000 is `EOFFICE_FAULT_DOCUMENTS=1000 pytest …` or `python bench/exchange.py --faults`.
Deadlines are generous (a lease, the minute drain); nothing here measures a time.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eoffice.exchange.testing.faults import FAULTS, run_fault, shares
from eoffice.exchange.testing.pair import InstallationPair

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DOCUMENTS = shares(int(os.environ.get("EOFFICE_FAULT_DOCUMENTS", "350")))


@pytest.fixture(scope="module")
def peers(pair: InstallationPair) -> InstallationPair:
    pair.connect()
    return pair


@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_document_arrives_exactly_once(peers: InstallationPair, pdf_path: Path, fault: str) -> None:
    run = run_fault(peers, fault, documents=DOCUMENTS[fault], pdf_path=str(pdf_path))
    print(run.summary())
    assert run.applied > 0, f"the fault {fault} never struck: {run.summary()}"
    assert (len(run.tally.lost), len(run.tally.duplicated)) == (0, 0), run.summary()
    assert run.tally.inconsistent == {}, run.summary()
    # Broken transfers are retried, not mistaken for bad packages in the admin's quarantine box.
    assert run.quarantined == {}, run.summary()
    assert run.tally.released == DOCUMENTS[fault]
