"""The harness's scenario functions across the process boundary, inside one installation: staff,
numbered drafts carrying the signed sample PDF, release, the receiver's handling 03 → 06."""

from __future__ import annotations

from pathlib import Path

import pytest

from eoffice.exchange.testing.pair import AGENCY_A, InstallationPair
from eoffice.exchange.testing.samples import SignedSample, tampered

pytestmark = [pytest.mark.integration, pytest.mark.slow]
# A second agency hosted by A: not agency B, which the other modules' pair.connect() makes external
# on A (hosted by B), so this test holds whichever module runs first on the shared pair.
INTERNAL = {"code": "000.00.09.H90", "name": "Sở Tài chính tỉnh Thử Nghiệm A", "abbreviation": "STC"}


def test_the_signed_sample_is_trusted_by_each_installation(
    pair: InstallationPair, pdf_path: Path, signed_sample: SignedSample
) -> None:
    for installation in (pair.a, pair.b):
        assert installation.call("scenario:pdf_signatures_valid", pdf_path=str(pdf_path)) == [True]
    broken = pdf_path.with_name("tampered.pdf")
    broken.write_bytes(tampered(signed_sample.pdf))
    assert pair.b.call("scenario:pdf_signatures_valid", pdf_path=str(broken)) == [False]


def test_release_and_handling_inside_one_installation(pair: InstallationPair, pdf_path: Path) -> None:
    # Both agencies hosted by A: the release hands the copy over in its own transaction.
    pair.a.call("scenario:seed_agency", label="a", **AGENCY_A)
    pair.a.call("scenario:seed_agency", label="x", **INTERNAL)
    ids = pair.a.call(
        "scenario:prepare_drafts", label="a", receiver_code=INTERNAL["code"], count=2, marker="Nội bộ",
        pdf_path=str(pdf_path),
    )  # fmt: skip
    released = pair.a.call("scenario:release_drafts", label="a", draft_ids=ids)
    assert [r["subject"] for r in released] == ["Nội bộ 00001", "Nội bộ 00002"]
    inbox = pair.a.call("scenario:inbox", marker="Nội bộ")
    assert (inbox["count"], inbox["subjects"], inbox["duplicated"]) == (2, 2, [])
    first, second = (r["subject"] for r in released)
    assert inbox["copies"][first]["created_at"] >= released[0]["released_at"]
    steps = {code: pair.a.call("scenario:advance", label="x", subject=first, to=code)["status"] for code in
             ("03", "04", "05", "06")}  # fmt: skip
    assert steps == {"03": "registered", "04": "in_progress", "05": "in_progress", "06": "done"}
    assert pair.a.call("scenario:advance", label="x", subject=second, to="06")["status"] == "done"
    # The other installation saw none of it: its own database.
    assert pair.b.call("scenario:inbox", marker="Nội bộ")["count"] == 0
